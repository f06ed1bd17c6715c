//! Private keys against the real `openssl` command: every container and cipher it
//! writes is read here, and what this crate writes and signs is accepted by it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use grid_x509::{Digest, EcCurve, Error, KeyAlgorithm, Passphrase, PrivateKey};

const PASS: &str = "correct horse";

fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Public key DER as openssl sees it.
fn openssl_pub_der(dir: &Path, key: &str, pass: Option<&str>) -> Vec<u8> {
    let passin = format!("pass:{}", pass.unwrap_or(""));
    let mut args = vec!["pkey", "-in", key, "-pubout", "-outform", "DER"];
    if pass.is_some() {
        args.extend(["-passin", &passin]);
    }
    openssl(dir, &args)
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

fn p(s: &str) -> Passphrase {
    Passphrase::new(s)
}

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

fn setup() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    Fixture { _tmp: tmp, dir }
}

#[test]
fn plain_containers_from_openssl() {
    let f = setup();
    let d = &f.dir;
    openssl(d, &["genrsa", "-traditional", "-out", "rsa1.pem", "1024"]);
    openssl(
        d,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "rsa8.pem",
        ],
    );
    openssl(
        d,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "ec8.pem",
        ],
    );
    // `ecparam -genkey` writes an EC PARAMETERS block before the key.
    openssl(
        d,
        &[
            "ecparam",
            "-genkey",
            "-name",
            "secp384r1",
            "-out",
            "ec1.pem",
        ],
    );
    openssl(
        d,
        &[
            "ecparam",
            "-genkey",
            "-name",
            "prime256v1",
            "-noout",
            "-out",
            "ec2.pem",
        ],
    );

    let cases: [(&str, &str, KeyAlgorithm); 5] = [
        (
            "rsa1.pem",
            "RSA PRIVATE KEY",
            KeyAlgorithm::Rsa { bits: 1024 },
        ),
        ("rsa8.pem", "PRIVATE KEY", KeyAlgorithm::Rsa { bits: 2048 }),
        (
            "ec8.pem",
            "PRIVATE KEY",
            KeyAlgorithm::Ec {
                curve: EcCurve::P256,
            },
        ),
        (
            "ec1.pem",
            "EC PRIVATE KEY",
            KeyAlgorithm::Ec {
                curve: EcCurve::P384,
            },
        ),
        (
            "ec2.pem",
            "EC PRIVATE KEY",
            KeyAlgorithm::Ec {
                curve: EcCurve::P256,
            },
        ),
    ];
    for (file, label, alg) in cases {
        let text = read(d, file);
        assert!(String::from_utf8_lossy(&text).contains(&format!("BEGIN {label}")));
        let key = PrivateKey::from_pem(&text, None, file).unwrap();
        assert_eq!(key.algorithm(), alg, "{file}");
        let pubder = openssl_pub_der(d, file, None);
        assert!(
            key.matches_spki(&pubder),
            "{file}: public key differs from openssl's"
        );
        assert_eq!(key.public_key_spki_der(), &pubder[..], "{file}");
        // DER input too.
        let der = openssl(d, &["pkey", "-in", file, "-outform", "DER"]);
        let k2 = PrivateKey::from_der(&der, None, file).unwrap();
        assert!(k2.matches_spki(&pubder));
        // A passphrase given for an unencrypted key is ignored.
        PrivateKey::from_pem(&text, Some(&p("unused")), file).unwrap();
    }
    // Another key does not match.
    let a = PrivateKey::from_pem(&read(d, "rsa1.pem"), None, "a").unwrap();
    assert!(!a.matches_spki(&openssl_pub_der(d, "rsa8.pem", None)));
    assert!(!a.matches_spki(&openssl_pub_der(d, "ec8.pem", None)));
    assert!(!a.matches_spki(b"garbage"));
}

#[test]
fn ec_compressed_point_matches_structurally() {
    let f = setup();
    let d = &f.dir;
    openssl(
        d,
        &[
            "ecparam",
            "-genkey",
            "-name",
            "prime256v1",
            "-noout",
            "-out",
            "ec.pem",
        ],
    );
    let compressed = openssl(
        d,
        &[
            "ec",
            "-in",
            "ec.pem",
            "-pubout",
            "-conv_form",
            "compressed",
            "-outform",
            "DER",
        ],
    );
    let key = PrivateKey::from_pem(&read(d, "ec.pem"), None, "ec.pem").unwrap();
    assert_ne!(key.public_key_spki_der(), &compressed[..]);
    assert!(key.matches_spki(&compressed));
}

#[test]
fn encrypted_pkcs8_from_openssl() {
    let f = setup();
    let d = &f.dir;
    openssl(d, &["genrsa", "-traditional", "-out", "rsa.pem", "2048"]);
    openssl(
        d,
        &[
            "ecparam",
            "-genkey",
            "-name",
            "prime256v1",
            "-noout",
            "-out",
            "ec.pem",
        ],
    );
    let pass = format!("pass:{PASS}");
    let variants: [(&str, &[&str]); 6] = [
        ("aes256", &["-v2", "aes-256-cbc"]),
        ("aes128", &["-v2", "aes-128-cbc"]),
        ("aes192", &["-v2", "aes-192-cbc"]),
        ("des3", &["-v2", "des3"]),
        (
            "aes256sha1",
            &["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA1"],
        ),
        (
            "aes128sha512",
            &["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512"],
        ),
    ];
    for src in ["rsa.pem", "ec.pem"] {
        let pubder = openssl_pub_der(d, src, None);
        for (name, opts) in variants {
            let out = format!("{name}-{src}");
            let mut args = vec![
                "pkcs8", "-topk8", "-in", src, "-out", &out, "-passout", &pass,
            ];
            args.extend_from_slice(opts);
            openssl(d, &args);
            let text = read(d, &out);
            assert!(String::from_utf8_lossy(&text).contains("BEGIN ENCRYPTED PRIVATE KEY"));
            let key = PrivateKey::from_pem(&text, Some(&p(PASS)), &out).unwrap();
            assert!(key.matches_spki(&pubder), "{out}");
            let e = PrivateKey::from_pem(&text, Some(&p("wrong")), &out).unwrap_err();
            assert_eq!(
                e,
                Error::WrongPassphrase {
                    origin: out.clone()
                },
                "{out}"
            );
            let e = PrivateKey::from_pem(&text, None, &out).unwrap_err();
            assert_eq!(
                e,
                Error::PassphraseRequired {
                    origin: out.clone()
                }
            );
            // The message names the file but never the passphrase.
            assert!(!e.to_string().contains(PASS));
        }
    }
}

#[test]
fn legacy_proc_type_pem_from_openssl() {
    let f = setup();
    let d = &f.dir;
    openssl(d, &["genrsa", "-traditional", "-out", "rsa.pem", "2048"]);
    openssl(
        d,
        &[
            "ecparam",
            "-genkey",
            "-name",
            "secp384r1",
            "-noout",
            "-out",
            "ec.pem",
        ],
    );
    let pass = format!("pass:{PASS}");
    for (tool, src) in [("rsa", "rsa.pem"), ("ec", "ec.pem")] {
        let pubder = openssl_pub_der(d, src, None);
        for cipher in ["-aes128", "-aes192", "-aes256", "-des3"] {
            let out = format!("{tool}{cipher}.pem");
            let mut args = vec![tool, "-in", src, cipher, "-out", &out, "-passout", &pass];
            if tool == "rsa" {
                args.push("-traditional");
            }
            openssl(d, &args);
            let text = read(d, &out);
            let s = String::from_utf8_lossy(&text);
            assert!(s.contains("Proc-Type: 4,ENCRYPTED"), "{out}: {s}");
            assert!(s.contains("DEK-Info: "));
            let key = PrivateKey::from_pem(&text, Some(&p(PASS)), &out).unwrap();
            assert!(key.matches_spki(&pubder), "{out}");
            for wrong in ["wrong", "", "correct hors"] {
                let e = PrivateKey::from_pem(&text, Some(&p(wrong)), &out).unwrap_err();
                assert_eq!(
                    e,
                    Error::WrongPassphrase {
                        origin: out.clone()
                    },
                    "{out}"
                );
            }
            let e = PrivateKey::from_pem(&text, None, &out).unwrap_err();
            assert_eq!(e.code(), "passphrase_required");
        }
    }
}

#[test]
fn unsupported_schemes_are_named() {
    let f = setup();
    let d = &f.dir;
    openssl(d, &["genrsa", "-traditional", "-out", "rsa.pem", "1024"]);
    let pass = format!("pass:{PASS}");
    // PKCS#12-style PBE (what `-v1` gives).
    openssl(
        d,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "rsa.pem",
            "-out",
            "v1.pem",
            "-passout",
            &pass,
            "-v1",
            "PBE-SHA1-3DES",
        ],
    );
    match PrivateKey::from_pem(&read(d, "v1.pem"), Some(&p(PASS)), "v1.pem").unwrap_err() {
        Error::UnsupportedKeyEncryption { algorithm, .. } => {
            assert!(algorithm.contains("1.2.840.113549.1.12.1.3"), "{algorithm}")
        }
        e => panic!("{e:?}"),
    }
    // scrypt.
    openssl(
        d,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "rsa.pem",
            "-out",
            "scrypt.pem",
            "-passout",
            &pass,
            "-scrypt",
            "-scrypt_N",
            "1024",
        ],
    );
    match PrivateKey::from_pem(&read(d, "scrypt.pem"), Some(&p(PASS)), "s").unwrap_err() {
        Error::UnsupportedKeyEncryption { algorithm, .. } => {
            assert!(algorithm.contains("1.3.6.1.4.1.11591.4.11"), "{algorithm}")
        }
        e => panic!("{e:?}"),
    }
    // A key algorithm this crate does not use.
    openssl(d, &["genpkey", "-algorithm", "ED25519", "-out", "ed.pem"]);
    match PrivateKey::from_pem(&read(d, "ed.pem"), None, "ed.pem").unwrap_err() {
        Error::UnsupportedKeyAlgorithm { algorithm, .. } => assert!(algorithm.contains("Ed25519")),
        e => panic!("{e:?}"),
    }
    openssl(
        d,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-521",
            "-out",
            "p521.pem",
        ],
    );
    match PrivateKey::from_pem(&read(d, "p521.pem"), None, "p521.pem").unwrap_err() {
        Error::UnsupportedKeyAlgorithm { algorithm, .. } => {
            assert!(algorithm.contains("1.3.132.0.35"), "{algorithm}")
        }
        e => panic!("{e:?}"),
    }
}

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    if body.len() < 0x80 {
        v.push(body.len() as u8);
    } else if body.len() < 0x100 {
        v.extend([0x81, body.len() as u8]);
    } else {
        v.extend([0x82, (body.len() >> 8) as u8, body.len() as u8]);
    }
    v.extend_from_slice(body);
    v
}

fn oid(bytes: &[u8]) -> Vec<u8> {
    tlv(0x06, bytes)
}

#[test]
fn pbkdf2_iteration_budget() {
    // PBES2 / PBKDF2 with 20,000,000 iterations: refused before any work is done.
    let pbes2 = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
    let pbkdf2 = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
    let hmac256 = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];
    let aes256 = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a];
    let prf = tlv(0x30, &[oid(&hmac256), vec![0x05, 0x00]].concat());
    let kdf_params = tlv(
        0x30,
        &[
            tlv(0x04, &[7; 8]),
            tlv(0x02, &[0x01, 0x31, 0x2d, 0x00]),
            prf,
        ]
        .concat(),
    );
    let kdf = tlv(0x30, &[oid(&pbkdf2), kdf_params].concat());
    let scheme = tlv(0x30, &[oid(&aes256), tlv(0x04, &[9; 16])].concat());
    let alg = tlv(
        0x30,
        &[oid(&pbes2), tlv(0x30, &[kdf, scheme].concat())].concat(),
    );
    let der = tlv(0x30, &[alg, tlv(0x04, &[1; 32])].concat());
    let start = std::time::Instant::now();
    let e = PrivateKey::from_der(&der, Some(&p(PASS)), "hostile.der").unwrap_err();
    assert_eq!(
        e,
        Error::KeyBudget {
            origin: "hostile.der".into(),
            what: "PBKDF2 iteration count",
            value: 20_000_000,
            max: 10_000_000,
        }
    );
    assert!(start.elapsed().as_secs() < 2);
}

#[test]
fn truncated_and_tampered_inputs_never_panic() {
    let f = setup();
    let d = &f.dir;
    let pass = format!("pass:{PASS}");
    openssl(d, &["genrsa", "-traditional", "-out", "rsa.pem", "1024"]);
    openssl(
        d,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "ec8.pem",
        ],
    );
    openssl(
        d,
        &[
            "ecparam",
            "-genkey",
            "-name",
            "prime256v1",
            "-noout",
            "-out",
            "sec1.pem",
        ],
    );
    openssl(
        d,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "rsa.pem",
            "-out",
            "enc.pem",
            "-passout",
            &pass,
            "-v2",
            "aes-128-cbc",
            "-iter",
            "1",
        ],
    );
    for file in ["rsa.pem", "ec8.pem", "sec1.pem", "enc.pem"] {
        let pem = pem::parse(read(d, file)).unwrap();
        let der = pem.contents().to_vec();
        let pw = Some(p(PASS));
        // Sanity: the untouched DER reads.
        PrivateKey::from_der(&der, pw.as_ref(), file).unwrap();
        for cut in 0..der.len() {
            let e = PrivateKey::from_der(&der[..cut], pw.as_ref(), file).unwrap_err();
            assert!(
                matches!(e, Error::KeyDecode { .. } | Error::WrongPassphrase { .. }),
                "{file} cut at {cut}: {e:?}"
            );
        }
        let mut ok_after_flip = 0;
        for i in 0..der.len() {
            for bit in [0x01u8, 0x80] {
                let mut t = der.clone();
                t[i] ^= bit;
                match PrivateKey::from_der(&t, pw.as_ref(), file) {
                    Ok(k) => {
                        // Only harmless flips (e.g. inside ignored padding bytes of an
                        // encrypted body's last block never happen; in public-key bytes of
                        // SEC1 they are caught) may still read.
                        ok_after_flip += 1;
                        let _ = k.algorithm();
                    }
                    Err(e) => assert!(!e.code().is_empty()),
                }
            }
        }
        // Almost every flip is detected: DER structure, RSA consistency checks, EC point
        // check, CBC padding.
        assert!(
            ok_after_flip * 10 < der.len(),
            "{file}: {ok_after_flip} flips accepted"
        );
        // Truncated PEM text.
        let text = read(d, file);
        for cut in (0..text.len()).step_by(7) {
            let _ = PrivateKey::from_pem(&text[..cut], pw.as_ref(), file);
        }
    }
    // Garbage and empty input.
    for junk in [
        &b""[..],
        b"\x30",
        b"\x30\x00",
        b"\x02\x01\x00",
        b"-----BEGIN RSA PRIVATE KEY-----\n",
    ] {
        assert!(PrivateKey::from_der(junk, None, "junk").is_err());
        assert!(PrivateKey::from_pem(junk, None, "junk").is_err());
    }
    assert_eq!(
        PrivateKey::from_pem(b"no pem here", None, "x").unwrap_err(),
        Error::NoPrivateKey { origin: "x".into() }
    );
}

#[test]
fn label_mismatch_is_reported() {
    let f = setup();
    let d = &f.dir;
    openssl(
        d,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:1024",
            "-out",
            "k.pem",
        ],
    );
    let text = String::from_utf8(read(d, "k.pem"))
        .unwrap()
        .replace("PRIVATE KEY", "RSA PRIVATE KEY");
    match PrivateKey::from_pem(text.as_bytes(), None, "k.pem").unwrap_err() {
        Error::KeyDecode { reason, .. } => assert!(reason.contains("PKCS#8"), "{reason}"),
        e => panic!("{e:?}"),
    }
}

#[test]
fn written_keys_are_read_by_openssl() {
    let f = setup();
    let d = &f.dir;
    for key in [
        PrivateKey::generate_rsa(1024).unwrap(),
        PrivateKey::generate_rsa(2048).unwrap(),
        PrivateKey::generate_ec_p256().unwrap(),
    ] {
        let name = format!("{}-{}", key.algorithm(), key.algorithm().bits());
        let plain = format!("{name}.pem");
        std::fs::write(d.join(&plain), key.to_pem().as_bytes()).unwrap();
        let expected_label = match key.algorithm() {
            KeyAlgorithm::Rsa { .. } => "BEGIN RSA PRIVATE KEY",
            KeyAlgorithm::Ec { .. } => "BEGIN PRIVATE KEY",
        };
        assert!(key.to_pem().contains(expected_label));
        assert_eq!(openssl_pub_der(d, &plain, None), key.public_key_spki_der());
        // `openssl rsa -check` / `pkey -check` agree the key is consistent.
        openssl(d, &["pkey", "-in", &plain, "-check", "-noout"]);

        let p8 = format!("{name}.p8.pem");
        std::fs::write(d.join(&p8), key.to_pkcs8_pem().as_bytes()).unwrap();
        assert_eq!(openssl_pub_der(d, &p8, None), key.public_key_spki_der());

        let enc = format!("{name}.enc.pem");
        let text = key.to_encrypted_pkcs8_pem(&p(PASS)).unwrap();
        assert!(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        std::fs::write(d.join(&enc), &text).unwrap();
        assert_eq!(
            openssl_pub_der(d, &enc, Some(PASS)),
            key.public_key_spki_der()
        );
        // openssl reports the scheme we chose.
        let info = String::from_utf8(openssl(d, &["asn1parse", "-in", &enc])).unwrap();
        assert!(info.contains("PBES2") && info.contains("PBKDF2") && info.contains("aes-256-cbc"));
        assert!(info.contains("hmacWithSHA256"), "{info}");
        assert!(info.contains(":0927C0"), "600000 iterations: {info}");
        // Wrong passphrase fails in openssl too.
        let st = Command::new("openssl")
            .args(["pkey", "-in", &enc, "-passin", "pass:nope", "-noout"])
            .current_dir(d)
            .output()
            .unwrap();
        assert!(!st.status.success());
        // And we read our own output back.
        let back = PrivateKey::from_pem(text.as_bytes(), Some(&p(PASS)), &enc).unwrap();
        assert!(back.matches_spki(key.public_key_spki_der()));
    }
}

#[test]
fn signatures_verify_with_openssl_dgst() {
    let f = setup();
    let d = &f.dir;
    let msg = b"TBSCertificate stand-in \x00\x01\x02";
    std::fs::write(d.join("msg"), msg).unwrap();
    for key in [
        PrivateKey::generate_rsa(1024).unwrap(),
        PrivateKey::generate_ec_p256().unwrap(),
    ] {
        std::fs::write(d.join("pub.der"), key.public_key_spki_der()).unwrap();
        openssl(
            d,
            &[
                "pkey", "-pubin", "-inform", "DER", "-in", "pub.der", "-out", "pub.pem",
            ],
        );
        for (digest, flag) in [
            (Digest::Sha1, "-sha1"),
            (Digest::Sha256, "-sha256"),
            (Digest::Sha384, "-sha384"),
            (Digest::Sha512, "-sha512"),
        ] {
            let sig = key.sign(digest, msg).unwrap();
            std::fs::write(d.join("sig"), &sig).unwrap();
            let out = openssl(
                d,
                &[
                    "dgst",
                    flag,
                    "-verify",
                    "pub.pem",
                    "-signature",
                    "sig",
                    "msg",
                ],
            );
            assert!(String::from_utf8_lossy(&out).contains("Verified OK"));
            // A different message does not verify.
            std::fs::write(d.join("msg2"), b"other").unwrap();
            let st = Command::new("openssl")
                .args([
                    "dgst",
                    flag,
                    "-verify",
                    "pub.pem",
                    "-signature",
                    "sig",
                    "msg2",
                ])
                .current_dir(d)
                .output()
                .unwrap();
            assert!(!st.status.success());
        }
        // AlgorithmIdentifier DER as openssl writes it in certificates.
        let alg = key.signature_algorithm_der(Digest::Sha256);
        let text = String::from_utf8(
            Command::new("openssl")
                .args(["asn1parse", "-inform", "DER"])
                .stdin_bytes(&alg),
        )
        .unwrap();
        match key.algorithm() {
            KeyAlgorithm::Rsa { .. } => {
                assert!(text.contains("sha256WithRSAEncryption") && text.contains("NULL"))
            }
            KeyAlgorithm::Ec { .. } => {
                assert!(text.contains("ecdsa-with-SHA256") && !text.contains("NULL"))
            }
        }
    }
}

trait StdinBytes {
    fn stdin_bytes(&mut self, data: &[u8]) -> Vec<u8>;
}

impl StdinBytes for Command {
    fn stdin_bytes(&mut self, data: &[u8]) -> Vec<u8> {
        use std::io::Write as _;
        let mut child = self
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(data).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        out.stdout
    }
}

#[test]
fn debug_and_display_reveal_nothing() {
    let key = PrivateKey::generate_rsa(1024).unwrap();
    let pem = key.to_pem();
    let body: String = pem.lines().nth(2).unwrap().chars().take(24).collect();
    let pkcs8_pem = key.to_pkcs8_pem();
    let body8: String = pkcs8_pem.lines().nth(3).unwrap().chars().take(24).collect();
    for shown in [format!("{key:?}"), format!("{key:#?}"), format!("{key}")] {
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(!shown.contains(&body) && !shown.contains(&body8), "{shown}");
        assert!(shown.len() < 120, "{shown}");
    }
    assert!(format!("{key:?}").contains("Rsa"));
    let pass = Passphrase::new("my secret passphrase");
    for shown in [format!("{pass:?}"), format!("{pass:#?}"), format!("{pass}")] {
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
    // Errors never echo the passphrase either.
    let enc = key
        .to_encrypted_pkcs8_pem_with_iterations(&pass, 10)
        .unwrap();
    let e = PrivateKey::from_pem(enc.as_bytes(), Some(&Passphrase::new("guess-1234")), "f")
        .unwrap_err();
    assert!(!format!("{e} {e:?}").contains("guess-1234"));
}

#[test]
fn passphrase_sources() {
    // Through a child process so the environment of this test binary is not touched.
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args([
            "--exact",
            "passphrase_child",
            "--nocapture",
            "--include-ignored",
        ])
        .env("GRIDX509_TEST_PASS", "plain pass")
        .env("GRIDX509_TEST_PASS_B64", "  cGxhaW4gcGFzcw==\n")
        .env("GRIDX509_TEST_PASS_BAD", "***")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
}

#[test]
#[ignore = "run by passphrase_sources in a child process"]
fn passphrase_child() {
    if std::env::var_os("GRIDX509_TEST_PASS").is_none() {
        return;
    }
    assert_eq!(
        Passphrase::from_env("GRIDX509_TEST_PASS").unwrap().expose(),
        b"plain pass"
    );
    assert_eq!(
        Passphrase::from_env_base64("GRIDX509_TEST_PASS_B64")
            .unwrap()
            .expose(),
        b"plain pass"
    );
    let e = Passphrase::from_env_base64("GRIDX509_TEST_PASS_BAD").unwrap_err();
    assert!(!e.to_string().contains("***"));
    assert_eq!(e.code(), "passphrase_source");
}

#[test]
fn passphrase_from_tty_without_echo() {
    use std::io::{Read as _, Write as _};
    // `script` runs the child on a pseudo-terminal that becomes its /dev/tty; whatever
    // the terminal echoes comes back on script's stdout.
    let exe = std::env::current_exe().unwrap();
    let cmd = format!(
        "{} --exact tty_child --nocapture --include-ignored --test-threads 1",
        exe.display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("GRIDX509_TTY_CHILD", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // Wait for the prompt (echo is already off by then), then type.
    let mut all = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&all).contains("prompt> ") {
        let n = stdout.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        all.extend_from_slice(&buf[..n]);
    }
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"tty secret\n").unwrap();
    stdin.flush().unwrap();
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    all.extend(rest);
    drop(stdin);
    let status = child.wait().unwrap();
    let text = String::from_utf8_lossy(&all);
    assert!(status.success(), "{text}");
    assert!(text.contains("TTY-OK"), "{text}");
    assert!(
        !text.contains("tty secret"),
        "the passphrase was echoed: {text}"
    );
}

#[test]
#[ignore = "run by passphrase_from_tty_without_echo under script(1)"]
fn tty_child() {
    if std::env::var_os("GRIDX509_TTY_CHILD").is_none() {
        return;
    }
    let p = Passphrase::from_tty("prompt> ").unwrap();
    assert_eq!(p.expose(), b"tty secret");
    println!("TTY-OK");
}
