//! `gridauth voms fake` and the VOMS parts of `gridauth proxy info|verify`, checked
//! against Debian's `voms-proxy-info` where it is installed.
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
        .env_remove("X509_USER_PROXY")
        .env_remove("X509_VOMS_DIR")
        .env_remove("X509_CERT_DIR")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A minted test PKI (`gridauth pki mint`) with a VOMS server, a vomsdir for VO `cms`.
fn setup() -> (tempfile::TempDir, String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = gridauth(&["pki", "mint", d.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let voms_cert = d.join("voms/vomscert.pem");
    let subject = {
        let (_, out, _) = gridauth(&["cert", "info", voms_cert.to_str().unwrap(), "--json"]);
        let v: Value = serde_json::from_str(&out).unwrap();
        (
            v["certificates"][0]["subject"]
                .as_str()
                .unwrap()
                .to_string(),
            v["certificates"][0]["issuer"].as_str().unwrap().to_string(),
        )
    };
    let vomsdir = d.join("vomsdir");
    std::fs::create_dir_all(vomsdir.join("cms")).unwrap();
    std::fs::write(
        vomsdir.join("cms/voms.example.org.lsc"),
        format!("{}\n{}\n", subject.0, subject.1),
    )
    .unwrap();
    let proxy = d.join("vomsproxy");
    let (code, _, err) = gridauth(&[
        "voms",
        "fake",
        "--cert",
        d.join("user/usercert.pem").to_str().unwrap(),
        "--key",
        d.join("user/userkey.pem").to_str().unwrap(),
        "--hostcert",
        voms_cert.to_str().unwrap(),
        "--hostkey",
        d.join("voms/vomskey.pem").to_str().unwrap(),
        "--voms",
        "cms",
        "--uri",
        "voms.example.org:15002",
        "--fqan",
        "/cms/Role=production/Capability=NULL",
        "--fqan",
        "/cms/escms/Role=NULL/Capability=NULL",
        "--ga",
        "nickname=jdoe (cms)",
        "-o",
        proxy.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let cas = d.join("certificates").display().to_string();
    (
        dir,
        proxy.display().to_string(),
        vomsdir.display().to_string(),
        cas,
    )
}

#[test]
fn voms_fake_then_proxy_info_and_verify() {
    let (_dir, proxy, vomsdir, cas) = setup();
    let (code, out, err) = gridauth(&[
        "proxy",
        "info",
        "--file",
        &proxy,
        "--vomsdir",
        &vomsdir,
        "--ca-dir",
        &cas,
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let ac = &v["voms"][0];
    assert_eq!(ac["vo"], "cms");
    assert_eq!(ac["fqans"][0], "/cms/Role=production/Capability=NULL");
    assert_eq!(ac["fqans"][1], "/cms/escms/Role=NULL/Capability=NULL");
    assert_eq!(ac["uri"], "voms.example.org:15002");
    assert_eq!(ac["attributes"][0]["name"], "nickname");
    assert_eq!(ac["attributes"][0]["value"], "jdoe");
    assert_eq!(ac["attributes"][0]["qualifier"], "cms");
    assert_eq!(ac["verified"], true, "{ac}");
    assert_eq!(v["identity"], ac["holder"]);

    // voms-proxy-info style queries.
    let (code, out, _) = gridauth(&["proxy", "info", "--file", &proxy, "--fqan"]);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().next(),
        Some("/cms/Role=production/Capability=NULL")
    );
    let (code, _, _) = gridauth(&["proxy", "info", "--file", &proxy, "--acexists", "cms"]);
    assert_eq!(code, 0);
    let (code, _, _) = gridauth(&["proxy", "info", "--file", &proxy, "--acexists", "atlas"]);
    assert_eq!(code, 1);

    // proxy verify with and without a vomsdir that trusts the VO.
    let (code, out, err) = gridauth(&[
        "proxy",
        "verify",
        "--file",
        &proxy,
        "--ca-dir",
        &cas,
        "--vomsdir",
        &vomsdir,
        "--json",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["voms_acs"], 1);
    let empty = tempfile::tempdir().unwrap();
    let (code, out, _) = gridauth(&[
        "proxy",
        "verify",
        "--file",
        &proxy,
        "--ca-dir",
        &cas,
        "--vomsdir",
        empty.path().to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 1, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], false);
    assert!(v["error"].as_str().unwrap().len() > 3);

    // Debian's voms-proxy-info reads the same fields.
    // (It needs a readable trust directory to start at all.)
    if let Ok(o) = Command::new("voms-proxy-info")
        .args(["-file", &proxy, "-fqan"])
        .env("X509_CERT_DIR", &cas)
        .env("X509_VOMS_DIR", &vomsdir)
        .output()
    {
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(
            text.contains("/cms/Role=production/Capability=NULL"),
            "{text}"
        );
        let o = Command::new("voms-proxy-info")
            .args(["-file", &proxy, "-vo"])
            .env("X509_CERT_DIR", &cas)
            .env("X509_VOMS_DIR", &vomsdir)
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(o.stdout).unwrap().trim(), "cms");
    }
}
