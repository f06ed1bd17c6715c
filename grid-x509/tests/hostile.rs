//! Malformed, truncated and tampered inputs give typed errors, never a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use grid_x509::{
    CaStore, Certificate, Credential, Error, UnixTime, ValidationPolicy, verify_chain,
};

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/data")
        .join(name)
}

fn proxy_pem() -> Vec<u8> {
    std::fs::read(data("x509up_example")).unwrap()
}

/// A tiny deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn every_truncation_of_a_certificate_is_a_typed_error() {
    let cred = Credential::from_pem(&proxy_pem(), None, "proxy").unwrap();
    for cert in cred.certs() {
        let der = cert.der();
        for len in 0..der.len() {
            let e = Certificate::from_der(&der[..len]).unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::CertificateDecode { .. }
                        | Error::DnDecode { .. }
                        | Error::DnValue { .. }
                        | Error::MalformedExtension { .. }
                ),
                "truncated at {len}: {e:?}"
            );
        }
        let mut longer = der.to_vec();
        longer.push(0);
        assert!(matches!(
            Certificate::from_der(&longer),
            Err(Error::CertificateDecode { .. })
        ));
    }
}

#[test]
fn random_byte_flips_never_panic_and_never_verify() {
    let pem = proxy_pem();
    let cred = Credential::from_pem(&pem, None, "proxy").unwrap();
    let store = CaStore::from_dir(data("certificates")).unwrap();
    let at = UnixTime::from_secs(1_800_000_000);
    let policy = ValidationPolicy::grid();
    verify_chain(cred.certs(), &store, &policy, at).unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let leaf = cred.certs()[0].der().to_vec();
    for _ in 0..3000 {
        let mut der = leaf.clone();
        let flips = 1 + rng.next() % 3;
        for _ in 0..flips {
            let i = (rng.next() as usize) % der.len();
            der[i] ^= 1 << (rng.next() % 8);
        }
        if let Ok(c) = Certificate::from_der(&der) {
            let mut certs = cred.certs().to_vec();
            certs[0] = c;
            // A flipped bit anywhere in the signed part or signature must not verify
            // (unless the flip landed in bytes that re-encode identically, which DER forbids).
            if verify_chain(&certs, &store, &policy, at).is_ok() {
                assert_eq!(der, leaf, "a tampered certificate verified");
            }
        }
    }
}

#[test]
fn hostile_pem_inputs() {
    let pem = proxy_pem();
    // Truncated at every line.
    let text = String::from_utf8(pem.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for n in 0..lines.len() {
        let cut = lines[..n].join("\n");
        let _ = Credential::from_pem(cut.as_bytes(), None, "cut");
    }
    let e = Credential::from_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n", None, "x").unwrap_err();
    assert!(matches!(e, Error::Pem { line: 1, .. }), "{e:?}");
    let e = Credential::from_pem(
        b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        None,
        "x",
    )
    .unwrap_err();
    assert!(matches!(e, Error::Pem { .. }), "{e:?}");
    let e = Credential::from_pem(b"hello", None, "x").unwrap_err();
    assert_eq!(e.code(), "no_certificate");
    let e = Credential::from_pem(
        b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END FOO-----\n",
        None,
        "x",
    )
    .unwrap_err();
    assert!(matches!(e, Error::Pem { .. }), "{e:?}");
    let e = Credential::from_pem(
        b"-----BEGIN SOMETHING-----\nMAA=\n-----END SOMETHING-----\n",
        None,
        "x",
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::UnsupportedPemLabel { ref label, .. } if label == "SOMETHING"),
        "{e:?}"
    );
    // Too large.
    let big = vec![b'A'; grid_x509::limits::MAX_FILE_BYTES + 1];
    assert!(matches!(
        Credential::from_pem(&big, None, "big"),
        Err(Error::TooLarge { .. })
    ));
    // Random bytes.
    let mut rng = Rng(42);
    for len in [0usize, 1, 2, 10, 100, 1000] {
        let junk: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let _ = Credential::from_pem(&junk, None, "junk");
        let _ = Certificate::from_der(&junk);
        let _ = grid_x509::read_certificates(&junk, "junk");
    }
    // Deeply nested SEQUENCEs.
    let mut nested = Vec::new();
    for _ in 0..10_000 {
        nested.push(0x30);
        nested.push(0x80);
    }
    assert!(Certificate::from_der(&nested).is_err());
}

#[test]
fn chain_too_long_and_self_loops_are_bounded() {
    let cred = Credential::from_pem(&proxy_pem(), None, "proxy").unwrap();
    let store = CaStore::from_dir(data("certificates")).unwrap();
    let at = UnixTime::from_secs(1_800_000_000);
    let many: Vec<Certificate> = std::iter::repeat_n(cred.certs()[0].clone(), 40).collect();
    let e = verify_chain(&many, &store, &ValidationPolicy::grid(), at).unwrap_err();
    assert_eq!(e.code(), "chain_too_long");
    // The leaf repeated a few times: the duplicates are simply unused.
    let dup = vec![
        cred.certs()[0].clone(),
        cred.certs()[0].clone(),
        cred.certs()[1].clone(),
    ];
    verify_chain(&dup, &store, &ValidationPolicy::grid(), at).unwrap();
}
