//! `gridauth proxy init` and `gridauth pki mint` driven as a user would, checked with
//! `gridauth proxy verify` and, where installed, Debian's `grid-proxy-info`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

fn data(name: &str) -> String {
    format!("{}/../examples/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn gridauth(args: &[&str], envs: &[(&str, &str)], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gridauth"));
    cmd.args(args)
        .env_remove("X509_USER_PROXY")
        .env_remove("X509_USER_CERT")
        .env_remove("X509_USER_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The example user credential copied into a temp dir with the key at `mode`.
fn user_creds(mode: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(data("usercert.pem"), dir.path().join("usercert.pem")).unwrap();
    std::fs::copy(data("userkey.pem"), dir.path().join("userkey.pem")).unwrap();
    std::fs::set_permissions(
        dir.path().join("userkey.pem"),
        std::fs::Permissions::from_mode(mode),
    )
    .unwrap();
    dir
}

fn p(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

fn proxy_json(file: &str) -> Value {
    let (code, out, err) = gridauth(&["proxy", "info", "--file", file, "--json"], &[], None);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

const PASS: &str = "example-only";
const USER: &str = "/DC=ch/DC=cern/OU=Organic Units/OU=Users/CN=jdoe/CN=123456/CN=Jane Doe";

#[test]
fn proxy_init_with_each_passphrase_source() {
    let dir = user_creds(0o600);
    let d = dir.path();
    let (cert, key) = (p(d, "usercert.pem"), p(d, "userkey.pem"));
    let out = p(d, "x509up");
    let base = [
        "proxy", "init", "--cert", &cert, "--key", &key, "--out", &out, "-q",
    ];

    let mut args = base.to_vec();
    args.extend(["--pass-env", "MY_PASS"]);
    let (code, _, err) = gridauth(&args, &[("MY_PASS", PASS)], None);
    assert_eq!(code, 0, "{err}");
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let v = proxy_json(&out);
    assert_eq!(v["identity"], USER);
    assert_eq!(v["type"], "rfc3820-impersonation");
    assert_eq!(v["key_bits"], 2048);
    let (code, _, err) = gridauth(
        &[
            "proxy",
            "verify",
            "--file",
            &out,
            "--ca-dir",
            &data("certificates"),
        ],
        &[],
        None,
    );
    assert_eq!(code, 0, "{err}");
    if Command::new("grid-proxy-info")
        .arg("-version")
        .output()
        .is_ok()
    {
        let o = Command::new("grid-proxy-info")
            .args(["-file", &out, "-identity"])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(o.stdout).unwrap().trim(), USER);
    }

    // Base64 in an environment variable, as REANA's VOMSPROXY_PASS.
    let mut args = base.to_vec();
    args.extend([
        "--pass-env-base64",
        "VOMSPROXY_PASS",
        "--limited",
        "--valid",
        "2:30",
    ]);
    let (code, _, err) = gridauth(&args, &[("VOMSPROXY_PASS", "ZXhhbXBsZS1vbmx5")], None);
    assert_eq!(code, 0, "{err}");
    let v = proxy_json(&out);
    assert_eq!(v["type"], "rfc3820-limited");
    assert_eq!(
        v["not_after"].as_i64().unwrap() - v["not_before"].as_i64().unwrap(),
        2 * 3600 + 1800 + 300
    );

    // Standard input, legacy proxy.
    let mut args = base.to_vec();
    args.extend(["--pass-stdin", "--old"]);
    let (code, _, err) = gridauth(&args, &[], Some("example-only\n"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(proxy_json(&out)["type"], "legacy-full");
}

#[test]
fn proxy_init_refuses_bad_keys_and_wrong_passphrases_without_leaking() {
    let dir = user_creds(0o644);
    let d = dir.path();
    let (cert, key) = (p(d, "usercert.pem"), p(d, "userkey.pem"));
    let out = p(d, "x509up");
    std::fs::write(&out, "old proxy").unwrap();
    let args = [
        "proxy",
        "init",
        "--cert",
        &cert,
        "--key",
        &key,
        "--out",
        &out,
        "--pass-env",
        "P",
    ];
    // A key others can read is refused, like grid-proxy-init does.
    let (code, _, err) = gridauth(&args, &[("P", PASS)], None);
    assert_eq!(code, 2);
    assert!(
        err.contains("refusing to use the private key") && err.contains("chmod"),
        "{err}"
    );
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o400)).unwrap();
    // A wrong passphrase is a clear error, never echoed, and the old proxy stays.
    let secret = "not-the-passphrase-xyzzy";
    let (code, outp, err) = gridauth(&args, &[("P", secret)], None);
    assert_eq!(code, 2);
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(!err.contains(secret) && !outp.contains(secret));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old proxy");
    // A missing environment variable is named.
    let (code, _, err) = gridauth(&args, &[], None);
    assert_eq!(code, 2);
    assert!(err.contains('P'), "{err}");
}

#[test]
fn pki_mint_writes_a_usable_set() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("pki");
    let (code, out, err) = gridauth(&["pki", "mint", d.to_str().unwrap()], &[], None);
    assert_eq!(code, 0, "{err}");
    let listing: Value = serde_json::from_str(&out).unwrap();
    assert!(listing.is_object() || listing.is_array());
    let cas = d.join("certificates");
    let n0 = std::fs::read_dir(&cas)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".0")
        })
        .count();
    assert!(
        n0 >= 2,
        "root and intermediate CA expected in {}",
        cas.display()
    );
    // Every proxy the set holds verifies against its own CA directory.
    let mut proxies = 0;
    for entry in walk(&d) {
        let name = entry.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("x509up") {
            let (code, _, err) = gridauth(
                &[
                    "proxy",
                    "verify",
                    "--file",
                    entry.to_str().unwrap(),
                    "--ca-dir",
                    cas.to_str().unwrap(),
                ],
                &[],
                None,
            );
            assert_eq!(code, 0, "{name}: {err}");
            proxies += 1;
        }
    }
    assert_eq!(
        proxies, 6,
        "rfc, limited, independent, legacy, legacy limited, delegated"
    );
    // The revoked user is refused by its CRL.
    let revoked = d.join("revoked");
    let (code, _, _) = gridauth(
        &[
            "proxy",
            "init",
            "--cert",
            revoked.join("usercert.pem").to_str().unwrap(),
            "--key",
            revoked.join("userkey.pem").to_str().unwrap(),
            "--out",
            d.join("rp").to_str().unwrap(),
            "-q",
        ],
        &[],
        None,
    );
    assert_eq!(code, 0);
    let (code, out, _) = gridauth(
        &[
            "proxy",
            "verify",
            "--file",
            d.join("rp").to_str().unwrap(),
            "--ca-dir",
            cas.to_str().unwrap(),
            "--json",
        ],
        &[],
        None,
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"], "revoked");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
