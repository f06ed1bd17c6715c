//! Permission audit of grid credential files: files and directories are made in a
//! temporary directory with real keys and certificates from `openssl`, given each mode,
//! and the exact rules found are asserted. Modes and owners are cross-checked with
//! `stat(1)`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use grid_x509::{Error, FileRole, Severity, audit_path};

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run tool");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A temp dir with a real EC key and a self-signed certificate made by openssl.
struct Creds {
    dir: tempfile::TempDir,
}

impl Creds {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key.pem");
        let cert = dir.path().join("cert.pem");
        run(Command::new("openssl")
            .args(["genpkey", "-algorithm", "EC", "-pkeyopt"])
            .arg("ec_paramgen_curve:prime256v1")
            .arg("-out")
            .arg(&key));
        run(Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-days",
                "1",
                "-subj",
                "/CN=audit test",
                "-key",
            ])
            .arg(&key)
            .arg("-out")
            .arg(&cert));
        Creds { dir }
    }

    fn key_pem(&self) -> Vec<u8> {
        fs::read(self.dir.path().join("key.pem")).unwrap()
    }

    fn cert_pem(&self) -> Vec<u8> {
        fs::read(self.dir.path().join("cert.pem")).unwrap()
    }

    /// Writes `content` to a new file with `mode`.
    fn file(&self, name: &str, content: &[u8], mode: u32) -> PathBuf {
        let path = self.dir.path().join(name);
        fs::write(&path, content).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    /// A new directory with `mode` holding the given files.
    fn subdir(&self, name: &str, files: &[(&str, &[u8])], mode: u32) -> PathBuf {
        let path = self.dir.path().join(name);
        fs::create_dir(&path).unwrap();
        for (f, content) in files {
            fs::write(path.join(f), content).unwrap();
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        path
    }
}

fn stat(path: &Path, format: &str) -> String {
    run(Command::new("stat").args(["-L", "-c", format]).arg(path))
        .trim()
        .to_string()
}

fn rules(path: &Path, role: FileRole) -> Vec<&'static str> {
    audit_path(path, role, None).unwrap().rules()
}

#[test]
fn private_key_modes() {
    let c = Creds::new();
    let key = c.key_pem();
    let cases: &[(u32, &[&str], bool)] = &[
        (0o600, &[], true),
        (0o400, &[], true),
        (0o640, &["key_group_readable"], false),
        (0o604, &["key_world_readable"], false),
        (0o644, &["key_group_readable", "key_world_readable"], false),
        (0o620, &["key_group_writable"], false),
        (0o602, &["key_world_writable"], false),
        (
            0o666,
            &[
                "key_group_readable",
                "key_world_readable",
                "key_group_writable",
                "key_world_writable",
            ],
            false,
        ),
        (0o700, &["key_executable"], true),
        (0o611, &["key_executable"], true),
        (0o200, &["key_not_owner_readable"], true),
        (0o4600, &["setid_bits"], true),
        (
            0o777,
            &[
                "key_group_readable",
                "key_world_readable",
                "key_group_writable",
                "key_world_writable",
                "key_executable",
            ],
            false,
        ),
    ];
    for (i, (mode, want, ok)) in cases.iter().enumerate() {
        let path = c.file(&format!("userkey{i}.pem"), &key, *mode);
        let report = audit_path(&path, FileRole::PrivateKey, None).unwrap();
        assert_eq!(report.rules(), *want, "mode {mode:o}");
        assert_eq!(report.ok(), *ok, "mode {mode:o}");
        assert_eq!(report.mode, *mode);
        assert_eq!(format!("{:o}", report.mode), stat(&path, "%a"));
        assert_eq!(report.uid.to_string(), stat(&path, "%u"));
        assert_eq!(report.gid.to_string(), stat(&path, "%g"));
        assert_eq!(report.role, FileRole::PrivateKey);
        assert_eq!(report.path, path.display().to_string());
        for f in &report.findings {
            assert_eq!(f.path, report.path);
            let want_sev = if [
                "key_group_readable",
                "key_world_readable",
                "key_group_writable",
                "key_world_writable",
            ]
            .contains(&f.rule)
            {
                Severity::Error
            } else {
                Severity::Warning
            };
            assert_eq!(f.severity, want_sev, "{}", f.rule);
        }
    }
    // The message says what is wrong and the fix.
    let path = c.file("hostkey.pem", &key, 0o644);
    let report = audit_path(&path, FileRole::PrivateKey, None).unwrap();
    let msg = &report.findings[1].message;
    assert!(msg.contains("mode 0644"), "{msg}");
    assert!(msg.contains("every user read the private key"), "{msg}");
    assert!(
        msg.contains(&format!("chmod 600 {}", path.display())),
        "{msg}"
    );
    // A failing report converts to the crate error.
    match report.clone().into_result().unwrap_err() {
        Error::FilePolicy { path: p, reason } => {
            assert_eq!(p, path.display().to_string());
            assert!(reason.contains("key_group_readable"), "{reason}");
        }
        e => panic!("{e:?}"),
    }
    assert!(
        audit_path(&c.file("ok.pem", &key, 0o600), FileRole::PrivateKey, None)
            .unwrap()
            .into_result()
            .is_ok()
    );
}

#[test]
fn certificate_modes() {
    let c = Creds::new();
    let cert = c.cert_pem();
    let cases: &[(u32, &[&str], bool)] = &[
        (0o644, &[], true),
        (0o444, &[], true),
        (0o440, &[], true),
        (0o600, &["cert_unusual_mode"], true),
        (0o755, &["cert_unusual_mode"], true),
        (0o664, &["cert_group_writable"], false),
        (0o646, &["cert_world_writable"], false),
        (
            0o666,
            &["cert_group_writable", "cert_world_writable"],
            false,
        ),
    ];
    for (i, (mode, want, ok)) in cases.iter().enumerate() {
        let path = c.file(&format!("usercert{i}.pem"), &cert, *mode);
        let report = audit_path(&path, FileRole::Certificate, None).unwrap();
        assert_eq!(report.rules(), *want, "mode {mode:o}");
        assert_eq!(report.ok(), *ok, "mode {mode:o}");
        assert_eq!(format!("{:o}", report.mode), stat(&path, "%a"));
    }
}

#[test]
fn proxy_modes_and_owner() {
    let c = Creds::new();
    let mut proxy = c.cert_pem();
    proxy.extend(c.key_pem());
    let cases: &[(u32, &[&str], bool)] = &[
        (0o600, &[], true),
        (0o400, &[], true),
        (0o640, &["proxy_group_readable"], false),
        (
            0o644,
            &["proxy_group_readable", "proxy_world_readable"],
            false,
        ),
        (
            0o660,
            &["proxy_group_readable", "proxy_group_writable"],
            false,
        ),
        (0o700, &["proxy_executable"], true),
    ];
    for (i, (mode, want, ok)) in cases.iter().enumerate() {
        let path = c.file(&format!("x509up_u{i}"), &proxy, *mode);
        let report = audit_path(&path, FileRole::Proxy, None).unwrap();
        assert_eq!(report.rules(), *want, "mode {mode:o}");
        assert_eq!(report.ok(), *ok, "mode {mode:o}");
    }
    // The owner must be the expected user: by default the current real uid (this process
    // made the file, so it passes); a different expected uid is an error naming both.
    let path = c.file("x509up_owner", &proxy, 0o600);
    let me: u32 = stat(&path, "%u").parse().unwrap();
    assert!(audit_path(&path, FileRole::Proxy, None).unwrap().ok());
    assert!(audit_path(&path, FileRole::Proxy, Some(me)).unwrap().ok());
    let other = me + 4242;
    let report = audit_path(&path, FileRole::Proxy, Some(other)).unwrap();
    assert_eq!(report.rules(), ["owner_mismatch"]);
    assert!(!report.ok());
    let msg = &report.findings[0].message;
    assert!(msg.contains(&format!("uid {me}")), "{msg}");
    assert!(msg.contains(&format!("uid {other}")), "{msg}");
    // Other roles check the owner only when asked.
    let key = c.file("key_owner.pem", &c.key_pem(), 0o600);
    assert!(audit_path(&key, FileRole::PrivateKey, None).unwrap().ok());
    assert_eq!(
        audit_path(&key, FileRole::PrivateKey, Some(other))
            .unwrap()
            .rules(),
        ["owner_mismatch"]
    );
}

#[test]
fn credential_directory_modes() {
    let c = Creds::new();
    let key = c.key_pem();
    let cert = c.cert_pem();
    let with_key: &[(&str, &[u8])] = &[("usercert.pem", &cert), ("userkey.pem", &key)];
    let certs_only: &[(&str, &[u8])] = &[("a1b2c3d4.0", &cert), ("ca.pem", &cert)];
    type Files<'a> = &'a [(&'a str, &'a [u8])];
    let cases: &[(&str, Files, u32, &[&str], bool)] = &[
        ("d0", with_key, 0o700, &[], true),
        ("d1", certs_only, 0o700, &[], true),
        ("d2", certs_only, 0o755, &["dir_not_private"], true),
        ("d3", certs_only, 0o750, &["dir_not_private"], true),
        (
            "d4",
            with_key,
            0o755,
            &["dir_group_accessible", "dir_world_accessible"],
            false,
        ),
        ("d5", with_key, 0o710, &["dir_group_accessible"], false),
        ("d6", with_key, 0o701, &["dir_world_accessible"], false),
        (
            "d7",
            certs_only,
            0o777,
            &[
                "dir_group_writable",
                "dir_world_writable",
                "dir_not_private",
            ],
            false,
        ),
        (
            "d8",
            with_key,
            0o777,
            &[
                "dir_group_writable",
                "dir_world_writable",
                "dir_group_accessible",
                "dir_world_accessible",
            ],
            false,
        ),
        ("d9", &[], 0o755, &["dir_not_private"], true),
        (
            "d10",
            &[("bundle.p12", b"binary")],
            0o755,
            &["dir_group_accessible", "dir_world_accessible"],
            false,
        ),
    ];
    for (name, files, mode, want, ok) in cases {
        let path = c.subdir(name, files, *mode);
        let report = audit_path(&path, FileRole::CredentialDir, None).unwrap();
        assert_eq!(report.rules(), *want, "{name} mode {mode:o}");
        assert_eq!(report.ok(), *ok, "{name} mode {mode:o}");
        assert_eq!(format!("{:o}", report.mode), stat(&path, "%a"));
        for f in &report.findings {
            assert!(
                f.message.contains(&format!("chmod 700 {}", path.display())),
                "{}",
                f.message
            );
        }
    }
    // A FIFO in a certificate directory is not opened (the audit must not hang on it).
    let path = c.subdir("fifo_dir", certs_only, 0o755);
    run(Command::new("mkfifo").arg(path.join("pipe")));
    assert_eq!(rules(&path, FileRole::CredentialDir), ["dir_not_private"]);
}

#[test]
fn wrong_file_types_symlinks_and_missing_paths() {
    let c = Creds::new();
    let key = c.file("userkey.pem", &c.key_pem(), 0o600);
    let dir = c.subdir("dir", &[], 0o700);

    assert_eq!(rules(&dir, FileRole::PrivateKey), ["not_regular_file"]);
    assert_eq!(rules(&dir, FileRole::Certificate), ["not_regular_file"]);
    assert_eq!(rules(&key, FileRole::CredentialDir), ["not_directory"]);
    let fifo = c.dir.path().join("fifo");
    run(Command::new("mkfifo").arg(&fifo));
    let report = audit_path(&fifo, FileRole::Proxy, None).unwrap();
    assert_eq!(report.rules(), ["not_regular_file"]);
    assert!(report.findings[0].message.contains("FIFO"));
    assert!(!report.ok());

    // A symlink is reported, then its target audited.
    let link = c.dir.path().join("link.pem");
    std::os::unix::fs::symlink(&key, &link).unwrap();
    let report = audit_path(&link, FileRole::PrivateKey, None).unwrap();
    assert_eq!(report.rules(), ["symlink"]);
    assert_eq!(report.findings[0].severity, Severity::Warning);
    assert!(report.ok());
    assert_eq!(report.mode, 0o600);
    let bad = c.file("bad.pem", &c.key_pem(), 0o644);
    let link2 = c.dir.path().join("link2.pem");
    std::os::unix::fs::symlink(&bad, &link2).unwrap();
    assert_eq!(
        rules(&link2, FileRole::PrivateKey),
        ["symlink", "key_group_readable", "key_world_readable"]
    );
    let dirlink = c.dir.path().join("dirlink");
    std::os::unix::fs::symlink(&dir, &dirlink).unwrap();
    assert_eq!(rules(&dirlink, FileRole::CredentialDir), ["symlink"]);

    // Missing paths and dangling links are typed I/O errors.
    let missing = c.dir.path().join("nope.pem");
    match audit_path(&missing, FileRole::PrivateKey, None).unwrap_err() {
        e @ Error::Io { .. } => {
            assert_eq!(e.code(), "io");
            assert!(e.to_string().contains("nope.pem"));
        }
        e => panic!("{e:?}"),
    }
    let dangling = c.dir.path().join("dangling.pem");
    std::os::unix::fs::symlink(&missing, &dangling).unwrap();
    assert!(matches!(
        audit_path(&dangling, FileRole::PrivateKey, None),
        Err(Error::Io { .. })
    ));
}
