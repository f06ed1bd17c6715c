//! The `gridauth` command's interface: flags, JSON fields and exit codes, on the bundled
//! example data, with `openssl` as the reference where it has an answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use serde_json::Value;
use std::process::Command;

fn data(name: &str) -> String {
    format!("{}/../examples/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn gridauth(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gridauth"))
        .args(args)
        .env_remove("X509_USER_PROXY")
        .env_remove("X509_CERT_DIR")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(args: &[&str]) -> (i32, Value) {
    let (code, out, err) = gridauth(args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    (code, v)
}

const AT: &str = "1800000000";

#[test]
fn proxy_info_json_has_every_documented_field() {
    let proxy = data("x509up_example");
    let (code, v) = json(&["proxy", "info", "--file", &proxy, "--json", "--at", AT]);
    assert_eq!(code, 0);
    let user = "/DC=ch/DC=cern/OU=Organic Units/OU=Users/CN=jdoe/CN=123456/CN=Jane Doe";
    assert_eq!(v["issuer"], user);
    assert_eq!(v["identity"], user);
    assert!(
        v["subject"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{user}/CN="))
    );
    assert_eq!(v["type"], "rfc3820-impersonation");
    assert_eq!(v["limited"], false);
    assert_eq!(v["policy_language"], "1.3.6.1.5.5.7.21.1");
    assert_eq!(v["path_length"], Value::Null);
    assert_eq!(v["key_type"], "RSA");
    assert_eq!(v["key_bits"], 2048);
    let not_after = v["not_after"].as_i64().unwrap();
    assert_eq!(v["chain_not_after"].as_i64().unwrap(), not_after);
    assert_eq!(v["timeleft"].as_i64().unwrap(), not_after - 1_800_000_000);
    assert!(v["not_before"].as_i64().unwrap() < not_after);
    let chain = v["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2);
    for key in [
        "subject",
        "issuer",
        "serial",
        "not_before",
        "not_after",
        "key_type",
        "key_bits",
        "signature_algorithm",
        "subject_hash",
        "type",
    ] {
        assert!(chain[0].get(key).is_some(), "chain entry lacks {key}");
    }
    assert_eq!(chain[1]["type"], "end-entity");
    assert_eq!(chain[1]["serial"], "1F2E");
    assert_eq!(chain[0]["signature_algorithm"], "sha256WithRSAEncryption");
    // Expired: timeleft is 0, not negative.
    let (_, v) = json(&[
        "proxy",
        "info",
        "--file",
        &proxy,
        "--json",
        "--at",
        "4000000000",
    ]);
    assert_eq!(v["timeleft"], 0);
}

#[test]
fn proxy_info_human_layout() {
    let (code, out, _) = gridauth(&[
        "proxy",
        "info",
        "--file",
        &data("x509up_example"),
        "--at",
        AT,
    ]);
    assert_eq!(code, 0);
    let keys: Vec<&str> = out
        .lines()
        .map(|l| l.split(" : ").next().unwrap().trim())
        .collect();
    assert_eq!(
        keys,
        [
            "subject", "issuer", "identity", "type", "strength", "path", "timeleft"
        ]
    );
    assert!(out.contains("type     : RFC 3820 compliant impersonation proxy\n"));
    assert!(out.contains("strength : 2048 bits\n"));
    // Above one day grid-proxy-info adds the days; these lines are what it printed for
    // proxies with 719999, 89999 and 86400 seconds left.
    let not_after = 2_515_415_134i64; // of examples/data/x509up_example
    for (left, line) in [
        (719_999, "timeleft : 199:59:59  (8.3 days)"),
        (89_999, "timeleft : 24:59:59  (1.0 days)"),
        (86_400, "timeleft : 24:00:00"),
    ] {
        let at = (not_after - left).to_string();
        let (_, out, _) = gridauth(&[
            "proxy",
            "info",
            "--file",
            &data("x509up_example"),
            "--at",
            &at,
        ]);
        assert!(out.lines().any(|l| l == line), "{out}");
    }
}

#[test]
fn proxy_verify_exit_codes_and_json() {
    let proxy = data("x509up_example");
    let cas = data("certificates");
    let (code, v) = json(&[
        "proxy", "verify", "--file", &proxy, "--ca-dir", &cas, "--at", AT, "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["valid"], true);
    let (code, v) = json(&[
        "proxy",
        "verify",
        "--file",
        &proxy,
        "--ca-dir",
        &cas,
        "--at",
        "2600000000",
        "--json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"], "expired");
    assert_eq!(v["certificate"], 0);
    let empty = tempfile::tempdir().unwrap();
    let (code, v) = json(&[
        "proxy",
        "verify",
        "--file",
        &proxy,
        "--ca-dir",
        empty.path().to_str().unwrap(),
        "--at",
        AT,
        "--json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["error"], "untrusted_issuer");
    assert_eq!(v["certificate"], 1);
    // A read error is exit 2 with a message on stderr.
    let (code, _, err) = gridauth(&[
        "proxy",
        "verify",
        "--file",
        "/nonexistent/proxy",
        "--ca-dir",
        &cas,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/proxy"), "{err}");
    // A usage error is exit 2.
    let (code, _, _) = gridauth(&["proxy", "verify", "--file", &proxy]);
    assert_eq!(code, 2);
}

#[test]
fn cert_hash_matches_openssl() {
    for f in ["usercert.pem", "hostcert.pem"] {
        let path = data(f);
        for (flag, ours) in [
            ("-subject_hash", vec!["cert", "hash"]),
            ("-subject_hash_old", vec!["cert", "hash", "--old"]),
        ] {
            let mut args = ours.clone();
            args.push(&path);
            let (code, out, _) = gridauth(&args);
            assert_eq!(code, 0);
            let o = Command::new("openssl")
                .args(["x509", "-in", &path, "-noout", flag])
                .output();
            let Ok(o) = o else {
                eprintln!("SKIPPED: openssl not installed");
                return;
            };
            assert_eq!(
                out.trim(),
                String::from_utf8(o.stdout).unwrap().trim(),
                "{f} {flag}"
            );
        }
    }
}

#[test]
fn dn_parse_json() {
    let (code, v) = json(&[
        "dn",
        "parse",
        "/DC=ch/DC=cern/OU=computers/CN=tw/vocms0118.cern.ch",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["rdns"].as_array().unwrap().len(), 4);
    assert_eq!(v["rdns"][3][0]["value"], "tw/vocms0118.cern.ch");
    assert_eq!(
        v["rfc2253"],
        "CN=tw/vocms0118.cern.ch,OU=computers,DC=cern,DC=ch"
    );
    let (code, _, err) = gridauth(&["dn", "parse", "/XX=foo"]);
    assert_eq!(code, 2);
    assert!(!err.is_empty());
}

#[test]
fn cert_info_json_lists_sans_and_usages() {
    let (code, v) = json(&["cert", "info", &data("hostcert.pem"), "--json"]);
    assert_eq!(code, 0);
    let c = &v["certificates"][0];
    assert_eq!(c["subject_alt_names"][1], "DNS:tw/vocms0118.cern.ch");
    assert_eq!(c["key_usage"][0], "Digital Signature");
    assert_eq!(c["extended_key_usage"][0], "TLS Web Server Authentication");
    assert_eq!(c["basic_constraints"]["ca"], false);
}

#[test]
fn audit_flags_a_world_readable_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("userkey.pem");
    std::fs::write(&key, "x").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, v) = json(&["audit", key.to_str().unwrap(), "--role", "key", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(v["ok"], false);
    assert_eq!(v["mode"], "0644");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, v) = json(&["audit", key.to_str().unwrap(), "--role", "key", "--json"]);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    // More output than a pipe buffer holds; the reader goes away after a few bytes.
    let dir = tempfile::tempdir().unwrap();
    let one = std::fs::read_to_string(data("hostcert.pem")).unwrap();
    let many = dir.path().join("many.pem");
    std::fs::write(&many, one.repeat(600)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridauth"))
        .args(["cert", "info", many.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = [0u8; 16];
    stdout.read_exact(&mut buf).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
