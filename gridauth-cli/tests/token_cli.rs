//! `gridauth token mint|inspect|test|authorize`: flags, JSON fields and exit codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use serde_json::Value;
use std::process::Command;

fn gridauth(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gridauth"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const ISS: &str = "https://cms-auth.example.org";
const AT: &str = "1800000000";

fn mint(dir: &std::path::Path, extra: &[&str]) -> String {
    let jwks = dir.join("jwks.json");
    let mut args = vec![
        "token",
        "mint",
        "--issuer",
        ISS,
        "--jwks-out",
        jwks.to_str().unwrap(),
        "--at",
        AT,
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = gridauth(&args);
    assert_eq!(code, 0, "{err}");
    out.trim().to_string()
}

fn test(dir: &std::path::Path, token: &str, op: &str, path: &str, at: &str) -> (i32, Value) {
    let jwks = format!("{ISS}={}", dir.join("jwks.json").display());
    let (code, out, err) = gridauth(&[
        "token",
        "test",
        token,
        "--issuer",
        ISS,
        "--jwks",
        &jwks,
        "--audience",
        "https://xrootd.example.org",
        "--op",
        op,
        "--path",
        path,
        "--at",
        at,
        "--json",
    ]);
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}")),
    )
}

#[test]
fn test_reports_valid_authorized_error_and_acls() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let token = mint(
        d,
        &[
            "--scope",
            "storage.read:/store storage.create:/store/user/jdoe",
            "--profile",
            "wlcg",
            "--audience",
            "https://xrootd.example.org",
        ],
    );
    let (code, v) = test(d, &token, "read", "/store/data/file.root", "1800000060");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["valid"], true);
    assert_eq!(v["authorized"], true);
    assert_eq!(v["error"], Value::Null);
    assert!(v["acls"].as_array().unwrap().len() >= 2);
    // Whole path components only: /store does not cover /storefoo.
    let (code, v) = test(d, &token, "read", "/storefoo/x", "1800000060");
    assert_eq!(code, 1);
    assert_eq!(
        (v["valid"].clone(), v["authorized"].clone()),
        (Value::Bool(true), Value::Bool(false))
    );
    // `..` never escapes a granted path.
    let (code, v) = test(d, &token, "read", "/store/../etc/passwd", "1800000060");
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["authorized"], false);
    // Expired: the token lives 600 s by default.
    let (code, v) = test(d, &token, "read", "/store/x", "1800000601");
    assert_eq!(code, 1);
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"], "expired");
    // A tampered payload does not verify.
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    parts[1] = parts[1].replacen('e', "f", 1);
    let (code, v) = test(d, &parts.join("."), "read", "/store/x", "1800000060");
    assert_eq!(code, 1);
    assert_eq!(v["valid"], false);
    // Usage error: exit 2.
    let (code, _, _) = gridauth(&["token", "test", &token]);
    assert_eq!(code, 2);
}

#[test]
fn inspect_marks_output_unverified() {
    let dir = tempfile::tempdir().unwrap();
    let token = mint(dir.path(), &["--scope", "read:/data", "--sub", "alice"]);
    let (code, out, _) = gridauth(&["token", "inspect", &token]);
    assert_eq!(code, 0);
    assert!(out.to_lowercase().contains("unverified"), "{out}");
    assert!(out.contains("alice"));
}

#[test]
fn authorize_with_scitokens_cfg() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let token = mint(
        d,
        &[
            "--scope",
            "storage.read:/ storage.modify:/user/jdoe",
            "--profile",
            "wlcg",
            "--audience",
            "https://xrootd.example.org",
            "--sub",
            "jdoe",
        ],
    );
    let cfg = d.join("scitokens.cfg");
    std::fs::write(
        &cfg,
        format!(
            "[Global]\naudience = https://xrootd.example.org\n\n[Issuer CMS]\nissuer = {ISS}\nbase_path = /store\nmap_subject = true\n"
        ),
    )
    .unwrap();
    let jwks = format!("{ISS}={}", d.join("jwks.json").display());
    let run = |op: &str, path: &str| {
        let (code, out, err) = gridauth(&[
            "token",
            "authorize",
            &token,
            "--config",
            cfg.to_str().unwrap(),
            "--jwks",
            &jwks,
            "--op",
            op,
            "--path",
            path,
            "--at",
            "1800000060",
            "--json",
        ]);
        (
            code,
            serde_json::from_str::<Value>(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}")),
        )
    };
    let (code, v) = run("read", "/store/mc/file.root");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["authorized"], true);
    assert_eq!(v["username"], "jdoe");
    assert_eq!(v["issuer"], ISS);
    assert!(v.get("groups").is_some() && v.get("rule").is_some());
    let (code, v) = run("delete", "/store/user/jdoe/old.root");
    assert_eq!(code, 0, "{v}");
    let (code, v) = run("delete", "/store/mc/file.root");
    assert_eq!(code, 1);
    assert_eq!(v["authorized"], false);
    assert!(v["error"].is_string());
    // Outside every base_path.
    let (code, _) = run("read", "/etc/passwd");
    assert_eq!(code, 1);
}
