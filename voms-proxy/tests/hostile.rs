//! Malformed, truncated and hostile ACs give typed errors, never a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use grid_x509::UnixTime;
use voms_proxy::fixtures::{AcSpec, mint_ac, mint_proxy};
use voms_proxy::*;

const NOW: UnixTime = UnixTime::from_secs(1_795_400_000);

fn sample(pki: &Pki) -> Vec<u8> {
    let mut spec = AcSpec::new(
        "testvo",
        "voms.example.org:15000",
        &["/testvo", "/testvo/g/Role=r"],
        NOW,
        12,
    );
    spec.attributes = vec![("a".into(), "b".into(), "c".into())];
    spec.targets = vec!["t.example.org".into()];
    mint_ac(&spec, &pki.der_of("user"), &pki.signer("voms")).unwrap()
}

#[test]
fn truncations_and_byte_flips() {
    let pki = Pki::new();
    let der = sample(&pki);
    AttributeCertificate::from_der(&der, 0).unwrap();
    for n in 0..der.len() {
        assert!(
            AttributeCertificate::from_der(&der[..n], 0).is_err(),
            "prefix {n}"
        );
    }
    let mut ok = 0usize;
    for i in 0..der.len() {
        for v in [0x00u8, 0xff, 0x80, 0x30, der[i] ^ 0x01] {
            let mut d = der.clone();
            d[i] = v;
            if AttributeCertificate::from_der(&d, 0).is_ok() {
                ok += 1;
            }
        }
    }
    // Some flips land in values (names, signature bits) and still decode.
    assert!(ok > 0);
    // Trailing data.
    let mut d = der.clone();
    d.push(0);
    let e = AttributeCertificate::from_der(&d, 3).unwrap_err();
    assert!(
        matches!(
            e,
            Error::MalformedAc {
                ac: 3,
                reason: "trailing data",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn garbage_never_panics() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for len in 0..2000usize {
        let mut d = Vec::with_capacity(len);
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            d.push((x >> 24) as u8);
        }
        if let Some(b) = d.first_mut() {
            *b = 0x30;
        }
        let _ = AttributeCertificate::from_der(&d, 0);
        let _ = decode_chain(&[&d]);
    }
}

#[test]
fn budgets_and_wrong_shapes() {
    let pki = Pki::new();
    let user = pki.der_of("user");
    let signer = pki.signer("voms");

    // Huge FQAN count.
    let many: Vec<String> = (0..2000).map(|i| format!("/testvo/g{i}")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let ac = mint_ac(&AcSpec::new("testvo", "h:1", &refs, NOW, 1), &user, &signer).unwrap();
    let e = AttributeCertificate::from_der(&ac, 0).unwrap_err();
    assert_eq!(
        e,
        Error::TooMany {
            context: "AC #0".into(),
            what: "FQANs",
            count: 1025,
            max: limits::MAX_FQANS_PER_AC
        }
    );

    // Too many generic attributes.
    let mut spec = AcSpec::new("testvo", "h:1", &["/testvo"], NOW, 1);
    spec.attributes = (0..300)
        .map(|i| (format!("n{i}"), "v".into(), "q".into()))
        .collect();
    let ac = mint_ac(&spec, &user, &signer).unwrap();
    let e = AttributeCertificate::from_der(&ac, 0).unwrap_err();
    assert!(
        matches!(
            e,
            Error::TooMany {
                what: "generic attributes",
                ..
            }
        ),
        "{e}"
    );

    // Oversized AC.
    let mut spec = AcSpec::new("testvo", "h:1", &["/testvo"], NOW, 1);
    spec.attributes = vec![("n".into(), "v".repeat(70_000), "q".into())];
    let ac = mint_ac(&spec, &user, &signer).unwrap();
    assert!(matches!(
        AttributeCertificate::from_der(&ac, 0),
        Err(Error::TooMany { what: "bytes", .. })
    ));

    // FQAN outside the VO, and a malformed FQAN.
    let ac = mint_ac(
        &AcSpec::new("testvo", "h:1", &["/othervo"], NOW, 1),
        &user,
        &signer,
    )
    .unwrap();
    assert!(matches!(
        AttributeCertificate::from_der(&ac, 0),
        Err(Error::FqanOutsideVo { .. })
    ));
    let ac = mint_ac(
        &AcSpec::new("testvo", "h:1", &["/testvo/Role=a/g"], NOW, 1),
        &user,
        &signer,
    )
    .unwrap();
    assert!(matches!(
        AttributeCertificate::from_der(&ac, 0),
        Err(Error::BadFqan { .. })
    ));
    // Policy authority without '://'.
    let ac = mint_ac(
        &AcSpec::new("testvo", "h:1", &["/testvo"], NOW, 1),
        &user,
        &signer,
    )
    .unwrap();
    let mut d = ac.clone();
    let pos = d.windows(3).position(|w| w == b"://").unwrap();
    d[pos] = b'_';
    assert!(matches!(
        AttributeCertificate::from_der(&d, 0),
        Err(Error::BadFqanAttribute { .. })
    ));

    // Wrong tag: version as an OCTET STRING.
    let mut d = ac.clone();
    let pos = d.windows(3).position(|w| w == [0x02, 0x01, 0x01]).unwrap();
    d[pos] = 0x04;
    let e = AttributeCertificate::from_der(&d, 0).unwrap_err();
    assert!(
        matches!(
            e,
            Error::MalformedAc {
                field: "version",
                ..
            }
        ),
        "{e}"
    );
    // Version 1 (encoded 0) is refused.
    d[pos] = 0x02;
    d[pos + 2] = 0x00;
    assert!(matches!(
        AttributeCertificate::from_der(&d, 0),
        Err(Error::UnsupportedVersion { version: 0, .. })
    ));

    // Deep nesting: 100 000 nested SEQUENCEs.
    let mut nested = vec![0x30, 0x00];
    for _ in 0..100_000 {
        let len = nested.len();
        let mut outer = vec![0x30, 0x84];
        outer.extend_from_slice(&(len as u32).to_be_bytes());
        outer.extend_from_slice(&nested);
        nested = outer;
    }
    assert!(AttributeCertificate::from_der(&nested, 0).is_err());

    // Too many ACs in one proxy, and hostile ACs inside a proxy.
    let one = mint_ac(
        &AcSpec::new("testvo", "h:1", &["/testvo"], NOW, 1),
        &user,
        &signer,
    )
    .unwrap();
    let cert = std::fs::read(pki.p("user.pem")).unwrap();
    let key = std::fs::read(pki.p("user.key")).unwrap();
    let proxy = mint_proxy(&cert, &key, &vec![one; 17], NOW, 1).unwrap();
    let chain: Vec<Vec<u8>> = pem::parse_many(proxy)
        .unwrap()
        .into_iter()
        .filter(|p| p.tag() == "CERTIFICATE")
        .map(|p| p.contents().to_vec())
        .collect();
    let e = read_acs(&decode_chain(&chain).unwrap()).unwrap_err();
    assert_eq!(
        e,
        Error::TooMany {
            context: "certificate #0".into(),
            what: "ACs",
            count: 17,
            max: 16
        }
    );
    let proxy = mint_proxy(&cert, &key, &[vec![0x30, 0x03, 0x02, 0x01, 0x05]], NOW, 1).unwrap();
    let chain: Vec<Vec<u8>> = pem::parse_many(proxy)
        .unwrap()
        .into_iter()
        .filter(|p| p.tag() == "CERTIFICATE")
        .map(|p| p.contents().to_vec())
        .collect();
    let e = read_acs(&decode_chain(&chain).unwrap()).unwrap_err();
    assert!(
        matches!(
            e,
            Error::MalformedAc {
                ac: 0,
                field: "acinfo",
                offset: 2,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn malformed_names_and_embedded_certificates_are_typed() {
    let pki = Pki::new();
    let der = sample(&pki);
    // The holder's DN: make the CN value an INTEGER instead of a string.
    let mut d = der.clone();
    let pos = d.windows(13).position(|w| w == b"Alice Example").unwrap();
    d[pos - 2] = 0x02;
    let e = AttributeCertificate::from_der(&d, 1).unwrap_err();
    assert!(
        matches!(
            e,
            Error::MalformedAcName {
                ac: 1,
                field: "holder issuer",
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(e.code(), "malformed_ac_name");
    // The embedded VOMS certificate's subject (the last occurrence of its CN).
    let mut d = der.clone();
    let pos = d
        .windows(16)
        .rposition(|w| w == b"voms.example.org")
        .unwrap();
    d[pos - 2] = 0x02;
    let e = AttributeCertificate::from_der(&d, 0).unwrap_err();
    assert!(
        matches!(
            &e,
            Error::MalformedCertificate { origin, cert: 0, .. } if origin == "AC #0 VOMS certificates"
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .starts_with("AC #0 VOMS certificates: certificate #0: "),
        "{e}"
    );
}
