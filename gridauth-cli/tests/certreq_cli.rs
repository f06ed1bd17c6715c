//! `gridauth cert request|install|import-p12|export-p12`, checked with `openssl req`,
//! `openssl x509 -req` (the CA), `openssl verify`, `openssl pkcs12` and file modes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;
use std::process::{Command, Stdio};

fn gridauth(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&str>,
) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gridauth"));
    c.args(args)
        .current_dir(dir)
        .env_remove("X509_USER_PROXY")
        .env_remove("X509_CERT_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().unwrap();
    {
        let mut i = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            i.write_all(s.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    openssl_env(dir, args, &[])
}

fn openssl_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut c = Command::new("openssl");
    c.args(args).current_dir(dir);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("openssl");
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), s)
}

fn must(dir: &Path, args: &[&str]) -> String {
    let (ok, out) = openssl(dir, args);
    assert!(ok, "openssl {args:?}: {out}");
    out
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().mode() & 0o7777
}

fn now_plus_minute() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    (t + 60).to_string()
}

/// A CA made by `openssl`, installed as `certificates/<hash>.0`.
fn ca(dir: &Path) {
    must(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/DC=org/DC=test/CN=Test CA",
            "-days",
            "3650",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    std::fs::write(
        dir.join("ee.cnf"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n",
    )
    .unwrap();
    let hash = must(dir, &["x509", "-hash", "-noout", "-in", "ca.pem"]);
    std::fs::create_dir_all(dir.join("certificates")).unwrap();
    std::fs::copy(
        dir.join("ca.pem"),
        dir.join("certificates").join(format!("{}.0", hash.trim())),
    )
    .unwrap();
}

/// The CA signs a request, copying its extensions.
fn sign(dir: &Path, csr: &str, out: &str) {
    must(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-copy_extensions",
            "copy",
            "-extfile",
            "ee.cnf",
            "-days",
            "365",
            "-out",
            out,
        ],
    );
}

#[test]
fn request_service_certificate() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (code, out, err) = gridauth(
        d,
        &[
            "cert",
            "request",
            "--subject",
            "/DC=org/DC=test/OU=computers/CN=tw/host.example.org",
            "--key-out",
            "servicekey.pem",
            "--csr-out",
            "service.csr",
        ],
        &[],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("DNS:tw/host.example.org, DNS:host.example.org"),
        "{out}"
    );
    assert_eq!(mode(&d.join("servicekey.pem")), 0o400);
    let verify = must(
        d,
        &["req", "-verify", "-noout", "-text", "-in", "service.csr"],
    );
    assert!(
        verify.contains("verify OK") || verify.contains("self-signature verify OK"),
        "{verify}"
    );
    assert!(
        verify.contains("DNS:tw/host.example.org, DNS:host.example.org"),
        "{verify}"
    );
    assert!(verify.contains("Public-Key: (2048 bit)"), "{verify}");
    assert!(verify.contains("sha256WithRSAEncryption"), "{verify}");

    // An existing key is not replaced without --force.
    let (code, _, err) = gridauth(
        d,
        &[
            "cert",
            "request",
            "--subject",
            "CN=host.example.org",
            "--key-out",
            "servicekey.pem",
            "--csr-out",
            "x.csr",
        ],
        &[],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");

    // Explicit SANs (an IP too), a 4096-bit key.
    let (code, out, err) = gridauth(
        d,
        &[
            "cert",
            "request",
            "--subject",
            "CN=host.example.org",
            "--san",
            "host.example.org",
            "--san",
            "192.0.2.1",
            "--bits",
            "4096",
            "--key-out",
            "k4096.pem",
            "--csr-out",
            "r4096.csr",
        ],
        &[],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    let text = must(
        d,
        &["req", "-verify", "-noout", "-text", "-in", "r4096.csr"],
    );
    assert!(text.contains("Public-Key: (4096 bit)"), "{text}");
    assert!(
        text.contains("DNS:host.example.org, IP Address:192.0.2.1"),
        "{text}"
    );

    // EC.
    let (code, _, err) = gridauth(
        d,
        &[
            "cert",
            "request",
            "--subject",
            "CN=host.example.org",
            "--ec",
            "--key-out",
            "kec.pem",
            "--csr-out",
            "rec.csr",
        ],
        &[],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let text = must(d, &["req", "-verify", "-noout", "-text", "-in", "rec.csr"]);
    assert!(
        text.contains("ecdsa-with-SHA256") && text.contains("P-256"),
        "{text}"
    );

    // Bad input is a usage error.
    for args in [&["--bits", "1024"][..], &["--san", "bad name"][..]] {
        let mut a = vec![
            "cert",
            "request",
            "--subject",
            "CN=h.example.org",
            "--key-out",
            "n.pem",
            "--csr-out",
            "n.csr",
        ];
        a.extend_from_slice(args);
        let (code, _, err) = gridauth(d, &a, &[], None);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!d.join("n.pem").exists());
    }
}

#[test]
fn request_with_encrypted_key() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (code, out, err) = gridauth(
        d,
        &[
            "cert",
            "request",
            "--subject",
            "/DC=org/DC=test/CN=Jane Doe",
            "--key-out",
            "userkey.pem",
            "--csr-out",
            "user.csr",
            "--pass-env",
            "KEYPW",
        ],
        &[("KEYPW", "pw for jane")],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("subjectAltName   : (none)"), "{out}");
    assert!(
        std::fs::read_to_string(d.join("userkey.pem"))
            .unwrap()
            .contains("ENCRYPTED PRIVATE KEY")
    );
    let (ok, o) = openssl_env(
        d,
        &[
            "pkey",
            "-noout",
            "-in",
            "userkey.pem",
            "-passin",
            "env:KEYPW",
        ],
        &[("KEYPW", "pw for jane")],
    );
    assert!(ok, "{o}");
    // Passphrase from stdin as well.
    let (code, _, err) = gridauth(
        d,
        &[
            "cert",
            "request",
            "--subject",
            "/DC=org/DC=test/CN=Jane Doe",
            "--key-out",
            "k2.pem",
            "--csr-out",
            "r2.csr",
            "--pass-stdin",
        ],
        &[],
        Some("from stdin\n"),
    );
    assert_eq!(code, 0, "{err}");
    must(
        d,
        &[
            "pkey",
            "-noout",
            "-in",
            "k2.pem",
            "-passin",
            "pass:from stdin",
        ],
    );
}

#[test]
fn install_host_certificate() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ca(d);
    let host = "/DC=org/DC=test/OU=computers/CN=host.example.org";
    let (code, _, err) = gridauth(
        d,
        &[
            "cert",
            "request",
            "--subject",
            host,
            "--key-out",
            "host.key",
            "--csr-out",
            "host.csr",
        ],
        &[],
        None,
    );
    assert_eq!(code, 0, "{err}");
    sign(d, "host.csr", "host.pem");
    let at = now_plus_minute();
    let install = |cert: &str, key: &str, csr: Option<&str>| {
        let mut a = vec![
            "cert",
            "install",
            "--cert",
            cert,
            "--key",
            key,
            "--ca-dir",
            "certificates",
            "--dest",
            "grid-security",
            "--kind",
            "host",
            "--at",
            &at,
        ];
        if let Some(c) = csr {
            a.extend(["--csr", c]);
        }
        gridauth(d, &a, &[], None)
    };
    let (code, out, err) = install("host.pem", "host.key", Some("host.csr"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("subject and subjectAltNames match"), "{out}");
    let gs = d.join("grid-security");
    assert_eq!(mode(&gs.join("hostcert.pem")), 0o444);
    assert_eq!(mode(&gs.join("hostkey.pem")), 0o400);
    let v = must(
        d,
        &[
            "verify",
            "-CApath",
            "certificates",
            "grid-security/hostcert.pem",
        ],
    );
    assert!(v.contains(": OK"), "{v}");
    assert_eq!(
        must(
            d,
            &[
                "x509",
                "-noout",
                "-modulus",
                "-in",
                "grid-security/hostcert.pem"
            ]
        ),
        must(
            d,
            &[
                "rsa",
                "-noout",
                "-modulus",
                "-in",
                "grid-security/hostkey.pem"
            ]
        )
    );
    let before = (
        std::fs::read(gs.join("hostcert.pem")).unwrap(),
        std::fs::read(gs.join("hostkey.pem")).unwrap(),
    );

    // A second request; installing its certificate with the first key fails (exit 1)
    // and leaves the installed pair alone.
    let (code, _, err) = gridauth(
        d,
        &[
            "cert",
            "request",
            "--subject",
            host,
            "--key-out",
            "host2.key",
            "--csr-out",
            "host2.csr",
        ],
        &[],
        None,
    );
    assert_eq!(code, 0, "{err}");
    sign(d, "host2.csr", "host2.pem");
    let (code, out, err) = install("host2.pem", "host.key", None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("does not match"), "{err}");
    // The wrong request for the right pair.
    let (code, _, err) = install("host2.pem", "host2.key", Some("host.csr"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("differs from the request"), "{err}");
    assert_eq!(std::fs::read(gs.join("hostcert.pem")).unwrap(), before.0);
    assert_eq!(std::fs::read(gs.join("hostkey.pem")).unwrap(), before.1);

    // Without --csr: installed, and the output says what was not checked.
    let (code, out, err) = install("host2.pem", "host2.key", None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("not checked (no --csr given)"), "{out}");
    let backups: Vec<String> = std::fs::read_dir(&gs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bak"))
        .collect();
    assert_eq!(backups.len(), 2, "{backups:?}");
    for b in &backups {
        assert!(
            b.starts_with("hostcert.pem.") || b.starts_with("hostkey.pem."),
            "{b}"
        );
        assert_eq!(mode(&gs.join(b)), 0o400);
        assert!(out.contains(b.as_str()), "{out}");
    }
}

#[test]
fn install_service_with_numeric_owner() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ca(d);
    let (code, _, err) = gridauth(
        d,
        &[
            "cert",
            "request",
            "--subject",
            "/DC=org/DC=test/OU=computers/CN=tw/host.example.org",
            "--key-out",
            "s.key",
            "--csr-out",
            "s.csr",
        ],
        &[],
        None,
    );
    assert_eq!(code, 0, "{err}");
    sign(d, "s.csr", "s.pem");
    let at = now_plus_minute();
    let (code, out, err) = gridauth(
        d,
        &[
            "cert",
            "install",
            "--cert",
            "s.pem",
            "--key",
            "s.key",
            "--csr",
            "s.csr",
            "--ca-dir",
            "certificates",
            "--dest",
            "tw",
            "--kind",
            "service",
            "--owner",
            "2345:3456",
            "--at",
            &at,
        ],
        &[],
        None,
    );
    if !rustix_is_root() {
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains("needs root"), "{err}");
        return;
    }
    assert_eq!(code, 0, "{out}{err}");
    for (f, m) in [("servicecert.pem", 0o440), ("servicekey.pem", 0o400)] {
        let meta = std::fs::metadata(d.join("tw").join(f)).unwrap();
        assert_eq!(
            (meta.mode() & 0o7777, meta.uid(), meta.gid()),
            (m, 2345, 3456),
            "{f}"
        );
    }
    // An unknown owner name is a usage error.
    let (code, _, err) = gridauth(
        d,
        &[
            "cert",
            "install",
            "--cert",
            "s.pem",
            "--key",
            "s.key",
            "--ca-dir",
            "certificates",
            "--dest",
            "tw",
            "--kind",
            "service",
            "--owner",
            "no-such-user-xyz:root",
            "--at",
            &at,
        ],
        &[],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("no-such-user-xyz"), "{err}");
}

fn rustix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
                .unwrap_or(false)
        })
        .unwrap_or(false)
}

/// A user certificate from the CA, and its `.p12` the way the CA page hands it out.
fn user_p12(d: &Path, legacy: bool) {
    ca(d);
    must(
        d,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "u.key",
            "-out",
            "u.csr",
            "-subj",
            "/DC=org/DC=test/CN=Jane Doe",
        ],
    );
    sign(d, "u.csr", "u.pem");
    let mut a = vec![
        "pkcs12",
        "-export",
        "-in",
        "u.pem",
        "-inkey",
        "u.key",
        "-certfile",
        "ca.pem",
        "-out",
        "jane.p12",
        "-passout",
        "pass:p12 secret",
    ];
    if legacy {
        a.push("-legacy");
    }
    must(d, &a);
}

#[test]
fn import_p12_into_globus_dir() {
    for legacy in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        user_p12(d, legacy);
        let (code, out, err) = gridauth(
            d,
            &[
                "cert",
                "import-p12",
                "jane.p12",
                "--dest",
                "globus",
                "--pass-env",
                "P12PW",
            ],
            &[("P12PW", "p12 secret")],
            None,
        );
        assert_eq!(code, 0, "legacy={legacy}: {out}{err}");
        let g = d.join("globus");
        assert_eq!(mode(&g.join("usercert.pem")), 0o444);
        assert_eq!(mode(&g.join("userkey.pem")), 0o400);
        let key = std::fs::read_to_string(g.join("userkey.pem")).unwrap();
        assert!(key.contains("BEGIN ENCRYPTED PRIVATE KEY"), "{key}");
        assert_eq!(
            must(
                d,
                &["x509", "-noout", "-modulus", "-in", "globus/usercert.pem"]
            ),
            must(
                d,
                &[
                    "rsa",
                    "-noout",
                    "-modulus",
                    "-in",
                    "globus/userkey.pem",
                    "-passin",
                    "pass:p12 secret"
                ]
            )
        );
        let v = must(
            d,
            &["verify", "-CApath", "certificates", "globus/usercert.pem"],
        );
        assert!(v.contains(": OK"), "{v}");
        let subj = must(
            d,
            &[
                "x509",
                "-noout",
                "-subject",
                "-nameopt",
                "compat",
                "-in",
                "globus/usercert.pem",
            ],
        );
        assert!(subj.contains("/DC=org/DC=test/CN=Jane Doe"), "{subj}");
    }
}

#[test]
fn import_p12_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    user_p12(d, true);
    let (code, _, err) = gridauth(
        d,
        &[
            "cert",
            "import-p12",
            "jane.p12",
            "--dest",
            "globus",
            "--pass-stdin",
        ],
        &[],
        Some("not it\n"),
    );
    assert_eq!(code, 2);
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(!d.join("globus").join("userkey.pem").exists());
    // Legacy encryption without OpenSSL's legacy provider: a clear message.
    let (code, _, err) = gridauth(
        d,
        &[
            "cert",
            "import-p12",
            "jane.p12",
            "--dest",
            "globus",
            "--pass-env",
            "P",
        ],
        &[
            ("P", "p12 secret"),
            ("OPENSSL_MODULES", "/nonexistent-ossl-modules"),
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("legacy"), "{err}");
    assert!(!d.join("globus").join("userkey.pem").exists());
}

#[test]
fn export_p12_read_by_openssl() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ca(d);
    let (code, _, err) = gridauth(
        d,
        &[
            "cert",
            "request",
            "--subject",
            "/DC=org/DC=test/CN=Jane Doe",
            "--key-out",
            "userkey.pem",
            "--csr-out",
            "u.csr",
            "--pass-env",
            "PW",
        ],
        &[("PW", "key and p12")],
        None,
    );
    assert_eq!(code, 0, "{err}");
    sign(d, "u.csr", "usercert.pem");
    let (code, out, err) = gridauth(
        d,
        &[
            "cert",
            "export-p12",
            "--cert",
            "usercert.pem",
            "--key",
            "userkey.pem",
            "--chain",
            "ca.pem",
            "--out",
            "jane.p12",
            "--pass-env",
            "PW",
        ],
        &[("PW", "key and p12")],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(mode(&d.join("jane.p12")), 0o600);
    let info = must(
        d,
        &[
            "pkcs12",
            "-info",
            "-nodes",
            "-in",
            "jane.p12",
            "-passin",
            "pass:key and p12",
        ],
    );
    assert!(info.contains("friendlyName: Jane Doe"), "{info}");
    assert!(
        info.contains("subject=DC = org, DC = test, CN = Jane Doe"),
        "{info}"
    );
    assert!(
        info.contains("subject=DC = org, DC = test, CN = Test CA"),
        "{info}"
    );
    assert!(info.contains("BEGIN PRIVATE KEY"), "{info}");
    // The exported certificate verifies.
    must(
        d,
        &[
            "pkcs12",
            "-in",
            "jane.p12",
            "-passin",
            "pass:key and p12",
            "-clcerts",
            "-nokeys",
            "-out",
            "x.pem",
        ],
    );
    let v = must(d, &["verify", "-CApath", "certificates", "x.pem"]);
    assert!(v.contains(": OK"), "{v}");
    // Round trip through import.
    let (code, _, err) = gridauth(
        d,
        &[
            "cert",
            "import-p12",
            "jane.p12",
            "--dest",
            "back",
            "--nodes",
            "--pass-env",
            "PW",
        ],
        &[("PW", "key and p12")],
        None,
    );
    assert_eq!(code, 0, "{err}");
    must(d, &["pkey", "-noout", "-in", "back/userkey.pem"]);
}
