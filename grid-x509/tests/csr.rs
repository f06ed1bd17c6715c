//! Certificate requests checked by `openssl req`, and requests made by `openssl req`
//! read here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::openssl;

use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use grid_x509::{
    CertificateRequest, CsrBuilder, Dn, KeyAlgorithm, KeySpec, Passphrase, PrivateKey, SanName,
};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().mode() & 0o777
}

#[test]
fn service_request_verifies_with_openssl_req() {
    let dir = tempfile::tempdir().unwrap();
    let subject = Dn::parse("/DC=ch/DC=cern/OU=computers/CN=tw/vocms0118.cern.ch").unwrap();
    let new = CsrBuilder::new(subject.clone())
        .sans(grid_x509::default_sans_for(&subject))
        .san(SanName::parse("192.0.2.10").unwrap())
        .san(SanName::parse("2001:db8::10").unwrap())
        .build()
        .unwrap();
    assert_eq!(new.key.algorithm(), KeyAlgorithm::Rsa { bits: 2048 });
    let key = dir.path().join("hostkey.pem");
    let csr = dir.path().join("host.csr");
    new.write_key(&key, None).unwrap();
    new.write_request(&csr).unwrap();
    assert_eq!(mode(&key), 0o400);
    assert_eq!(mode(&csr), 0o644);

    let (ok, out) = openssl(dir.path(), &["req", "-verify", "-noout", "-in", "host.csr"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("verify OK") || out.contains("Certificate request self-signature verify OK"),
        "{out}"
    );
    let (ok, text) = openssl(
        dir.path(),
        &[
            "req", "-noout", "-text", "-nameopt", "compat", "-in", "host.csr",
        ],
    );
    assert!(ok, "{text}");
    assert!(
        text.contains(r"Subject: DC=ch, DC=cern, OU=computers, CN=tw\/vocms0118.cern.ch")
            || text.contains("Subject: /DC=ch/DC=cern/OU=computers/CN=tw/vocms0118.cern.ch"),
        "{text}"
    );
    assert!(text.contains("sha256WithRSAEncryption"), "{text}");
    assert!(
        text.contains(
            "DNS:tw/vocms0118.cern.ch, DNS:vocms0118.cern.ch, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:10"
        ),
        "{text}"
    );
    assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
    // The key on disk belongs to the request.
    let (ok, modulus_key) = openssl(
        dir.path(),
        &["rsa", "-noout", "-modulus", "-in", "hostkey.pem"],
    );
    assert!(ok, "{modulus_key}");
    let (ok, modulus_req) = openssl(
        dir.path(),
        &["req", "-noout", "-modulus", "-in", "host.csr"],
    );
    assert!(ok, "{modulus_req}");
    assert_eq!(modulus_key.trim(), modulus_req.trim());
}

#[test]
fn key_sizes_and_ec() {
    let dir = tempfile::tempdir().unwrap();
    for (spec, name, expect) in [
        (KeySpec::Rsa(3072), "rsa3072", "Public-Key: (3072 bit)"),
        (KeySpec::Rsa(4096), "rsa4096", "Public-Key: (4096 bit)"),
        (KeySpec::EcP256, "ec", "NIST CURVE: P-256"),
    ] {
        let new = CsrBuilder::new(Dn::parse("CN=host.example.org").unwrap())
            .key(spec)
            .build()
            .unwrap();
        let csr = dir.path().join(format!("{name}.csr"));
        new.write_request(&csr).unwrap();
        let f = csr.file_name().unwrap().to_str().unwrap();
        let (ok, out) = openssl(dir.path(), &["req", "-verify", "-noout", "-text", "-in", f]);
        assert!(ok, "{name}: {out}");
        assert!(out.contains(expect), "{name}: {out}");
        if name == "ec" {
            assert!(out.contains("ecdsa-with-SHA256"), "{out}");
        }
        // No SAN asked for, none requested.
        assert!(!out.contains("Subject Alternative Name"), "{out}");
    }
}

#[test]
fn encrypted_key_opens_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let new = CsrBuilder::new(Dn::parse("/DC=org/DC=example/CN=Jane Doe").unwrap())
        .build()
        .unwrap();
    let key = dir.path().join("userkey.pem");
    new.write_key(&key, Some(&Passphrase::new("correct horse")))
        .unwrap();
    assert_eq!(mode(&key), 0o400);
    let text = std::fs::read_to_string(&key).unwrap();
    assert!(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let (ok, out) = openssl(
        dir.path(),
        &[
            "pkey",
            "-noout",
            "-in",
            "userkey.pem",
            "-passin",
            "pass:correct horse",
        ],
    );
    assert!(ok, "{out}");
    let (ok, _) = openssl(
        dir.path(),
        &[
            "pkey",
            "-noout",
            "-in",
            "userkey.pem",
            "-passin",
            "pass:wrong",
        ],
    );
    assert!(!ok);
    // And the crate reads it back.
    let back = PrivateKey::read_pem_file(&key, Some(&Passphrase::new("correct horse"))).unwrap();
    assert!(back.matches_spki(new.request.public_key_spki_der()));
}

#[test]
fn reads_requests_made_by_openssl_req() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = openssl(
        dir.path(),
        &[
            "req",
            "-new",
            "-subj",
            "/CN=host.example.org",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-keyout",
            "k.pem",
            "-out",
            "r.csr",
            "-addext",
            "subjectAltName=DNS:host.example.org,DNS:alias.example.org,IP:10.1.2.3",
        ],
    );
    assert!(ok, "{out}");
    let req = CertificateRequest::read_file(dir.path().join("r.csr")).unwrap();
    assert_eq!(req.subject(), &Dn::parse("CN=host.example.org").unwrap());
    assert_eq!(
        req.subject_alt_names(),
        [
            "DNS:host.example.org",
            "DNS:alias.example.org",
            "IP Address:10.1.2.3"
        ]
    );
    let key = PrivateKey::read_pem_file(dir.path().join("k.pem"), None).unwrap();
    assert!(key.matches_spki(req.public_key_spki_der()));

    // DER too.
    let (ok, out) = openssl(
        dir.path(),
        &["req", "-in", "r.csr", "-outform", "DER", "-out", "r.der"],
    );
    assert!(ok, "{out}");
    let der = std::fs::read(dir.path().join("r.der")).unwrap();
    assert_eq!(
        CertificateRequest::from_pem_or_der(&der, "r.der").unwrap(),
        req
    );
}

#[test]
fn garbage_is_a_typed_error() {
    for input in [
        &b""[..],
        b"\x30\x03\x02\x01\x00",
        b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
    ] {
        let e = CertificateRequest::from_pem_or_der(input, "junk").unwrap_err();
        assert!(matches!(e.code(), "bad_csr" | "bad_pem"), "{e}");
    }
    let e = CsrBuilder::new(Dn::empty()).build().unwrap_err();
    assert_eq!(e.code(), "bad_dn");
}
