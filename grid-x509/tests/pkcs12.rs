//! PKCS#12 read and write against `openssl pkcs12`: files made by OpenSSL 3 (PBES2/AES)
//! and with `-legacy` (RC2-40 and 3DES, as old CA pages serve them) are read here; what
//! is written here is read by `openssl pkcs12 -info`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::{must, openssl};

use std::path::Path;

use grid_x509::{Dn, Passphrase, Pkcs12Contents, PrivateKey, read_certificates};

const USER_DN: &str = "/DC=org/DC=test/OU=People/CN=Jane Doe";

/// A root CA, an intermediate and a user certificate made by `openssl`.
fn pki(dir: &Path) {
    std::fs::write(
        dir.join("ca.cnf"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("ee.cnf"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n",
    )
    .unwrap();
    must(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "root.key",
            "-out",
            "root.pem",
            "-subj",
            "/DC=org/DC=test/CN=Test Root CA",
            "-days",
            "3650",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    must(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "int.key",
            "-out",
            "int.csr",
            "-subj",
            "/DC=org/DC=test/CN=Test Issuing CA",
        ],
    );
    must(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "int.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-CAcreateserial",
            "-out",
            "int.pem",
            "-days",
            "3000",
            "-extfile",
            "ca.cnf",
        ],
    );
    must(
        dir,
        &[
            "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "user.key", "-out",
            "user.csr", "-subj", USER_DN,
        ],
    );
    must(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "user.csr",
            "-CA",
            "int.pem",
            "-CAkey",
            "int.key",
            "-CAcreateserial",
            "-out",
            "user.pem",
            "-days",
            "365",
            "-extfile",
            "ee.cnf",
        ],
    );
    let chain = [
        std::fs::read_to_string(dir.join("int.pem")).unwrap(),
        std::fs::read_to_string(dir.join("root.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("chain.pem"), chain).unwrap();
}

fn check_contents(p: &Pkcs12Contents, dir: &Path) {
    assert_eq!(p.cert.subject(), &Dn::parse(USER_DN).unwrap());
    let key = PrivateKey::read_pem_file(dir.join("user.key"), None).unwrap();
    assert!(key.matches_spki(p.cert.public_key_spki_der()));
    assert!(p.key.matches_spki(p.cert.public_key_spki_der()));
    let subjects: Vec<String> = p.chain.iter().map(|c| c.subject().to_openssl()).collect();
    assert_eq!(
        subjects,
        [
            "/DC=org/DC=test/CN=Test Issuing CA",
            "/DC=org/DC=test/CN=Test Root CA"
        ]
    );
}

#[test]
fn reads_openssl3_default_pbes2_aes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    must(
        d,
        &[
            "pkcs12",
            "-export",
            "-in",
            "user.pem",
            "-inkey",
            "user.key",
            "-certfile",
            "chain.pem",
            "-out",
            "user.p12",
            "-passout",
            "pass:s3cret pw",
        ],
    );
    let info = must(
        d,
        &[
            "pkcs12",
            "-info",
            "-noout",
            "-in",
            "user.p12",
            "-passin",
            "pass:s3cret pw",
        ],
    );
    assert!(info.contains("PBES2"), "{info}");
    let der = std::fs::read(d.join("user.p12")).unwrap();
    let p = Pkcs12Contents::from_der(&der, &Passphrase::new("s3cret pw"), "user.p12").unwrap();
    check_contents(&p, d);
}

#[test]
fn reads_legacy_rc2_3des() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    must(
        d,
        &[
            "pkcs12",
            "-export",
            "-legacy",
            "-in",
            "user.pem",
            "-inkey",
            "user.key",
            "-certfile",
            "chain.pem",
            "-out",
            "legacy.p12",
            "-passout",
            "pass:old-ca",
        ],
    );
    let info = must(
        d,
        &[
            "pkcs12",
            "-info",
            "-noout",
            "-legacy",
            "-in",
            "legacy.p12",
            "-passin",
            "pass:old-ca",
        ],
    );
    assert!(info.contains("pbeWithSHA1And40BitRC2-CBC"), "{info}");
    assert!(info.contains("pbeWithSHA1And3-KeyTripleDES-CBC"), "{info}");
    let der = std::fs::read(d.join("legacy.p12")).unwrap();
    let p = Pkcs12Contents::from_der(&der, &Passphrase::new("old-ca"), "legacy.p12").unwrap();
    check_contents(&p, d);
    // 3DES for both bags (`-descert`), as some CAs export.
    must(
        d,
        &[
            "pkcs12",
            "-export",
            "-descert",
            "-legacy",
            "-in",
            "user.pem",
            "-inkey",
            "user.key",
            "-out",
            "des.p12",
            "-passout",
            "pass:old-ca",
        ],
    );
    let der = std::fs::read(d.join("des.p12")).unwrap();
    let p = Pkcs12Contents::from_der(&der, &Passphrase::new("old-ca"), "des.p12").unwrap();
    assert!(p.chain.is_empty());
    // Wrong passphrase on a legacy file is the same typed error.
    let e = Pkcs12Contents::from_der(&der, &Passphrase::new("nope"), "des.p12").unwrap_err();
    assert_eq!(e.code(), "wrong_passphrase", "{e}");
}

#[test]
fn wrong_passphrase_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    must(
        d,
        &[
            "pkcs12",
            "-export",
            "-in",
            "user.pem",
            "-inkey",
            "user.key",
            "-out",
            "user.p12",
            "-passout",
            "pass:right",
        ],
    );
    let der = std::fs::read(d.join("user.p12")).unwrap();
    let e = Pkcs12Contents::from_der(&der, &Passphrase::new("wrong"), "user.p12").unwrap_err();
    assert_eq!(
        e,
        grid_x509::Error::WrongPassphrase {
            origin: "user.p12".into()
        }
    );
    // The passphrase never appears in the message.
    assert!(!e.to_string().contains("wrong\""));
}

#[test]
fn written_file_is_read_by_openssl_pkcs12() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    let mut certs =
        read_certificates(&std::fs::read(d.join("chain.pem")).unwrap(), "chain").unwrap();
    // Leaf last and chain reversed: from_parts orders them.
    certs.reverse();
    certs.extend(read_certificates(&std::fs::read(d.join("user.pem")).unwrap(), "user").unwrap());
    let key = PrivateKey::read_pem_file(d.join("user.key"), None).unwrap();
    let contents = Pkcs12Contents::from_parts(certs, key).unwrap();
    check_contents(&contents, d);
    let der = contents
        .to_der(&Passphrase::new("export pw"), Some("Jane Doe"))
        .unwrap();
    std::fs::write(d.join("out.p12"), &der).unwrap();
    let info = must(
        d,
        &[
            "pkcs12",
            "-info",
            "-nodes",
            "-in",
            "out.p12",
            "-passin",
            "pass:export pw",
        ],
    );
    assert!(info.contains("MAC: sha256"), "{info}");
    assert!(info.contains("PBES2, PBKDF2, AES-256-CBC"), "{info}");
    assert!(info.contains("friendlyName: Jane Doe"), "{info}");
    assert!(
        info.contains("subject=DC = org, DC = test, OU = People, CN = Jane Doe"),
        "{info}"
    );
    assert!(
        info.contains("subject=DC = org, DC = test, CN = Test Issuing CA"),
        "{info}"
    );
    assert!(info.contains("PRIVATE KEY-----"), "{info}");
    // The key openssl extracts is the user's key.
    must(
        d,
        &[
            "pkcs12",
            "-in",
            "out.p12",
            "-passin",
            "pass:export pw",
            "-nocerts",
            "-nodes",
            "-out",
            "k.pem",
        ],
    );
    let back = PrivateKey::read_pem_file(d.join("k.pem"), None).unwrap();
    assert!(back.matches_spki(contents.cert.public_key_spki_der()));
    // A wrong passphrase fails in openssl too.
    let (ok, _) = openssl(
        d,
        &[
            "pkcs12", "-info", "-noout", "-in", "out.p12", "-passin", "pass:x",
        ],
    );
    assert!(!ok);
    // And the crate reads its own output back.
    let again = Pkcs12Contents::from_der(&der, &Passphrase::new("export pw"), "out.p12").unwrap();
    assert_eq!(again.cert, contents.cert);
    assert_eq!(again.chain, contents.chain);
}

#[test]
fn mismatched_key_and_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    let certs = read_certificates(&std::fs::read(d.join("user.pem")).unwrap(), "user").unwrap();
    let other = PrivateKey::read_pem_file(d.join("root.key"), None).unwrap();
    let e = Pkcs12Contents::from_parts(certs, other).unwrap_err();
    assert_eq!(e.code(), "key_mismatch");
    for junk in [
        &b""[..],
        b"\x30\x00",
        b"not a p12 at all",
        &[0x30, 0x82, 0xff, 0xff, 0x02],
    ] {
        let e = Pkcs12Contents::from_der(junk, &Passphrase::new("x"), "junk").unwrap_err();
        assert_eq!(e.code(), "bad_pkcs12", "{e}");
    }
    // A NUL in the passphrase is refused before OpenSSL sees it.
    let e = Pkcs12Contents::from_der(b"\x30\x00", &Passphrase::new("a\0b"), "junk").unwrap_err();
    assert_eq!(e.code(), "passphrase_source");
}
