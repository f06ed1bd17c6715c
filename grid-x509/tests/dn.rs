//! Differential tests of `Dn` against `openssl` (OpenSSL 3): certificates are made at
//! test time with `openssl req -x509 -subj ...` and the subject printed by
//! `openssl x509 -nameopt compat`, `-nameopt RFC2253`, `-subject_hash` and
//! `-subject_hash_old` is compared with what `Dn` computes from the certificate's DER.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::cell::Cell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use der::{Decode, Encode};
use grid_x509::{Dn, Error, MAX_DN_RDNS, MAX_RDN_AVAS, StringType};

/// A scratch directory with one EC key, making certificates with the `openssl` CLI.
struct Openssl {
    dir: tempfile::TempDir,
    key: PathBuf,
    count: Cell<usize>,
}

/// What `openssl x509` prints about a certificate's subject.
#[derive(Debug)]
struct Seen {
    /// DER of the subject Name, from the certificate.
    der: Vec<u8>,
    /// `-nameopt compat` (OpenSSL slash form).
    compat: String,
    /// `-nameopt RFC2253`.
    rfc2253: String,
    /// `-subject_hash`.
    hash: u32,
    /// `-subject_hash_old`.
    hash_old: u32,
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("run openssl");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn line(bytes: Vec<u8>) -> String {
    let s = String::from_utf8(bytes).expect("openssl prints UTF-8 here");
    s.strip_suffix('\n').unwrap_or(&s).to_string()
}

impl Openssl {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key.pem");
        run(Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-out",
            ])
            .arg(&key));
        Openssl {
            dir,
            key,
            count: Cell::new(0),
        }
    }

    /// A config file with the given `string_mask` (and an extra OID name `myattr`).
    fn config(&self, string_mask: &str) -> PathBuf {
        let n = self.count.get() + 1;
        self.count.set(n);
        let path = self.dir.path().join(format!("req{n}.cnf"));
        std::fs::write(
            &path,
            format!(
                "oid_section = new_oids\n[new_oids]\nmyattr = 1.2.3.4\n\
                 [req]\ndistinguished_name = dn\nstring_mask = {string_mask}\n[dn]\n"
            ),
        )
        .unwrap();
        path
    }

    /// `openssl req -x509 -subj SUBJ -utf8 [extra]`, returns the certificate path.
    fn cert(&self, subj: &str, extra: &[&str], config: Option<&Path>) -> PathBuf {
        let n = self.count.get() + 1;
        self.count.set(n);
        let out = self.dir.path().join(format!("cert{n}.pem"));
        let mut cmd = Command::new("openssl");
        cmd.args(["req", "-x509", "-days", "1", "-utf8", "-key"])
            .arg(&self.key)
            .arg("-out")
            .arg(&out)
            .args(["-subj", subj])
            .args(extra);
        if let Some(c) = config {
            cmd.arg("-config").arg(c);
        }
        run(&mut cmd);
        out
    }

    fn seen(&self, cert: &Path) -> Seen {
        let x509 = |args: &[&str]| {
            line(run(Command::new("openssl")
                .args(["x509", "-noout", "-in"])
                .arg(cert)
                .args(args)))
        };
        let compat = x509(&["-subject", "-nameopt", "compat"]);
        let rfc2253 = x509(&["-subject", "-nameopt", "RFC2253"]);
        let hash = u32::from_str_radix(&x509(&["-subject_hash"]), 16).unwrap();
        let hash_old = u32::from_str_radix(&x509(&["-subject_hash_old"]), 16).unwrap();
        let cert_der = run(Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .arg(cert));
        let parsed = x509_cert::Certificate::from_der(&cert_der).unwrap();
        let der = parsed.tbs_certificate().subject().to_der().unwrap();
        Seen {
            der,
            compat: compat.strip_prefix("subject=").unwrap().to_string(),
            rfc2253: rfc2253.strip_prefix("subject=").unwrap().to_string(),
            hash,
            hash_old,
        }
    }

    fn make(&self, subj: &str, extra: &[&str], config: Option<&Path>) -> (Seen, Dn) {
        let seen = self.seen(&self.cert(subj, extra, config));
        let dn = Dn::from_der(&seen.der).unwrap_or_else(|e| panic!("{subj}: {e}"));
        (seen, dn)
    }
}

/// Everything that must agree between `Dn` and OpenSSL for one certificate subject.
fn assert_agrees(subj: &str, seen: &Seen, dn: &Dn) {
    assert_agrees_with(subj, seen, dn, true);
}

/// As [`assert_agrees`]; `slash_reversible` is false for BMPString values, whose slash
/// form OpenSSL prints as raw UCS-2 bytes.
fn assert_agrees_with(subj: &str, seen: &Seen, dn: &Dn, slash_reversible: bool) {
    assert_eq!(dn.to_openssl(), seen.compat, "slash form of {subj}");
    assert_eq!(dn.to_string(), seen.compat, "Display of {subj}");
    assert_eq!(dn.to_rfc2253(), seen.rfc2253, "RFC 2253 form of {subj}");
    assert_eq!(
        format!("{:08x}", dn.subject_hash()),
        format!("{:08x}", seen.hash),
        "subject_hash of {subj}"
    );
    assert_eq!(
        format!("{:08x}", dn.subject_hash_old()),
        format!("{:08x}", seen.hash_old),
        "subject_hash_old of {subj}"
    );
    assert_eq!(dn.to_der(), seen.der, "DER of {subj}");

    // from_name / to_name agree with from_der.
    let name = x509_cert::name::Name::from_der(&seen.der).unwrap();
    let from_name = Dn::from_name(&name).unwrap();
    assert_eq!(from_name, *dn);
    assert_eq!(from_name.to_der(), seen.der);
    assert_eq!(dn.to_name().unwrap(), name);

    // Both printed forms parse back to an equal DN with the same hash.
    if slash_reversible {
        let back = Dn::parse_openssl(&seen.compat).unwrap_or_else(|e| panic!("{subj}: {e}"));
        assert_eq!(back, *dn, "parse_openssl({:?})", seen.compat);
        assert_eq!(
            back.subject_hash(),
            seen.hash,
            "hash of parsed {:?}",
            seen.compat
        );
    }
    let back = Dn::parse_rfc2253(&seen.rfc2253).unwrap_or_else(|e| panic!("{subj}: {e}"));
    assert_eq!(back, *dn, "parse_rfc2253({:?})", seen.rfc2253);
    assert_eq!(back.subject_hash(), seen.hash);
    assert_eq!(Dn::parse(&seen.rfc2253).unwrap(), *dn);
}

/// Subjects made with the default `utf8only` string mask: here a DN parsed from text
/// must also encode to exactly the DER `openssl req -subj` produced.
#[test]
fn default_mask_subjects_agree_with_openssl() {
    let ossl = Openssl::new();
    let cases: &[(&str, &[&str])] = &[
        (
            "/DC=ch/DC=cern/OU=Organic Units/OU=Users/CN=jdoe/CN=123456/CN=Jane Doe",
            &[],
        ),
        ("/DC=ch/DC=cern/OU=computers/CN=tw\\/vocms0118.cern.ch", &[]),
        ("/CN=b+O=a/CN=x\\+y", &["-multivalue-rdn"]),
        ("/O=a+CN=b+DC=z/CN=c", &["-multivalue-rdn"]),
        ("/C=CH/O=Université de Genève/CN=Jöhn Ünïcode 日本 😀", &[]),
        ("/CN=back\\\\slash,comma\"q<>#;=/C=CH", &[]),
        ("/CN=  lead and trail  /O=#hash/OU= x", &[]),
        ("/CN=a\u{1}b\u{7f}c/O=tab\there", &[]),
        (
            "/emailAddress=Jane.Doe@CERN.ch/UID=jdoe/serialNumber=1234/DC=org",
            &[],
        ),
        ("/CN=Jane   DOE /O=Mixed Case Org", &[]),
        (
            "/C=CH/ST=Geneva/L=Meyrin/O=CERN/OU=IT/CN=x/street=s/postalCode=1211/title=t/\
             GN=g/SN=s/initials=i/generationQualifier=III/dnQualifier=q/pseudonym=p/name=n/\
             businessCategory=b/description=d/organizationIdentifier=oi/UID=u/\
             emailAddress=e@x/serialNumber=9/DC=dc/jurisdictionC=CH/mail=m@x/\
             x500UniqueIdentifier=u/jurisdictionST=GE",
            &[],
        ),
        ("/CN=with = equals/OU=a\\+b", &[]),
        ("/CN=ends with backslash\\\\", &[]),
    ];
    for (subj, extra) in cases {
        let (seen, dn) = ossl.make(subj, extra, None);
        assert_agrees(subj, &seen, &dn);
        // parse_openssl on the printed form encodes to the same DER (string types as req).
        let parsed = Dn::parse_openssl(&seen.compat).unwrap();
        assert_eq!(parsed.to_der(), seen.der, "string types of {subj}");
        assert_eq!(parsed.subject_hash_old(), seen.hash_old);
        let parsed = Dn::parse_rfc2253(&seen.rfc2253).unwrap();
        assert_eq!(
            parsed.to_der(),
            seen.der,
            "string types of {subj} (RFC 2253)"
        );
    }
}

/// Random subjects (random attribute types, case, whitespace runs, specials, non-ASCII
/// text, multi-valued RDNs and string masks) compared with OpenSSL's printing and hashes.
#[test]
fn random_subjects_agree_with_openssl() {
    let ossl = Openssl::new();
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let masks = ["utf8only", "default", "MASK:0x4", "MASK:0x800"];
    let configs: Vec<PathBuf> = masks.iter().map(|m| ossl.config(m)).collect();
    let any_text = [
        "CN",
        "O",
        "OU",
        "L",
        "ST",
        "title",
        "GN",
        "SN",
        "pseudonym",
        "UID",
    ];
    let ascii_only = ["DC", "emailAddress"];
    for round in 0..40 {
        let m = rng.below(masks.len());
        // Characters each mask can encode (T61: Latin-1; BMP: the BMP; else anything).
        let mut pool: Vec<&str> = vec![
            "a", "B", "z", "Q", "0", "7", " ", "  ", "-", ".", ",", ";", "\"", "<", ">", "#", "=",
            "/", "+", "@", "_", "*", "(", ")", ":", "?", "'", "\t",
        ];
        if m != 1 {
            pool.extend(["é", "Ü", "ß"]);
        }
        if m == 0 || m == 3 {
            pool.extend(["日", "本"]);
        }
        if m == 0 {
            pool.push("😀");
        }
        let mut subj = String::new();
        let multi = rng.below(3) == 0;
        for _ in 0..1 + rng.below(5) {
            let avas = if multi { 1 + rng.below(3) } else { 1 };
            for k in 0..avas {
                subj.push(if k == 0 { '/' } else { '+' });
                let ascii = rng.below(4) == 0;
                let key = if ascii {
                    ascii_only[rng.below(ascii_only.len())]
                } else {
                    any_text[rng.below(any_text.len())]
                };
                // Random keyword case: OpenSSL's -subj wants the exact short name, so vary
                // case only in what we parse, not what we give openssl.
                subj.push_str(key);
                subj.push('=');
                let mut value = String::new();
                for _ in 0..1 + rng.below(12) {
                    let piece = pool[rng.below(pool.len())];
                    if ascii && !piece.is_ascii() {
                        continue;
                    }
                    value.push_str(piece);
                }
                if value.trim().is_empty() {
                    value.push('v');
                }
                for c in value.chars() {
                    if matches!(c, '/' | '+' | '\\') {
                        subj.push('\\');
                    }
                    subj.push(c);
                }
            }
        }
        let extra: &[&str] = if multi { &["-multivalue-rdn"] } else { &[] };
        let (seen, dn) = ossl.make(&subj, extra, Some(&configs[m]));
        let label = format!("round {round} mask {} subj {subj:?}", masks[m]);
        assert_agrees_with(&label, &seen, &dn, masks[m] != "MASK:0x800");
        // Parsing the -subj text gives an equal DN with OpenSSL's hash.
        let parsed = Dn::parse_openssl(&subj).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(parsed, dn, "{label}");
        assert_eq!(parsed.subject_hash(), seen.hash, "{label}");
        if m == 0 {
            assert_eq!(parsed.to_der(), seen.der, "{label}");
        }
        // Lower-cased keywords parse to the same DN.
        let lower =
            Dn::parse_rfc2253(&seen.rfc2253.replace("CN=", "cn=").replace("DC=", "dc=")).unwrap();
        assert_eq!(lower, dn, "{label}");
    }
}

#[test]
fn cn_with_slash() {
    let ossl = Openssl::new();
    let (seen, dn) = ossl.make(
        "/DC=ch/DC=cern/OU=computers/CN=tw\\/vocms0118.cern.ch",
        &[],
        None,
    );
    assert_eq!(
        seen.compat,
        "/DC=ch/DC=cern/OU=computers/CN=tw\\/vocms0118.cern.ch"
    );
    assert_eq!(dn.to_openssl(), seen.compat);
    assert_eq!(dn.len(), 4);
    assert_eq!(dn.last_cn(), Some("tw/vocms0118.cern.ch"));
    let escaped =
        Dn::parse_openssl("/DC=ch/DC=cern/OU=computers/CN=tw\\/vocms0118.cern.ch").unwrap();
    let unescaped =
        Dn::parse_openssl("/DC=ch/DC=cern/OU=computers/CN=tw/vocms0118.cern.ch").unwrap();
    for parsed in [&escaped, &unescaped] {
        assert_eq!(*parsed, dn);
        assert_eq!(parsed.len(), 4);
        assert_eq!(parsed.last_cn(), Some("tw/vocms0118.cern.ch"));
        assert_eq!(parsed.to_der(), seen.der);
        assert_eq!(parsed.to_openssl(), seen.compat);
        assert_eq!(parsed.subject_hash(), seen.hash);
    }
    assert_eq!(
        Dn::parse("CN=tw/vocms0118.cern.ch,OU=computers,DC=cern,DC=ch").unwrap(),
        dn
    );
}

/// Values stored as PrintableString, TeletexString, BMPString and IA5String decode to
/// the same text, print as OpenSSL prints them, hash as OpenSSL hashes them and compare
/// equal to the UTF8String version (OpenSSL's canonical form ignores the string type).
#[test]
fn string_types_agree_with_openssl() {
    let ossl = Openssl::new();
    let cases: &[(&str, &str, StringType)] = &[
        ("default", "/CN=Jane Doe/O=Some Org", StringType::Printable),
        ("MASK:0x4", "/CN=Aé Müller/O=x", StringType::Teletex),
        ("MASK:0x800", "/CN=Aé Müller 日本/O=x", StringType::Bmp),
        ("utf8only", "/CN=Aé Müller 日本/O=x", StringType::Utf8),
    ];
    for (mask, subj, want_type) in cases {
        let config = ossl.config(mask);
        let (seen, dn) = ossl.make(subj, &[], Some(&config));
        let cn = &dn.rdns()[0].avas()[0];
        assert_eq!(cn.string_type(), *want_type, "{mask} {subj}");
        assert_eq!(cn.keyword(), Some("CN"));
        assert_eq!(cn.oid().to_string(), "2.5.4.3");
        let want_text = subj
            .strip_prefix("/CN=")
            .unwrap()
            .split('/')
            .next()
            .unwrap();
        assert_eq!(cn.value(), want_text);
        assert_eq!(dn.to_openssl(), seen.compat, "{mask} {subj}");
        assert_eq!(dn.to_rfc2253(), seen.rfc2253, "{mask} {subj}");
        assert_eq!(dn.subject_hash(), seen.hash, "{mask} {subj}");
        assert_eq!(dn.subject_hash_old(), seen.hash_old, "{mask} {subj}");
        assert_eq!(dn.to_der(), seen.der);

        // The same subject with UTF8String values: equal, and OpenSSL agrees on the hash.
        let (utf8_seen, utf8_dn) = ossl.make(subj, &[], None);
        assert_eq!(dn, utf8_dn, "{mask} vs utf8 {subj}");
        assert_eq!(seen.hash, utf8_seen.hash);
        // The text parses back to a DN equal to the certificate's.
        assert_eq!(Dn::parse_rfc2253(&seen.rfc2253).unwrap(), dn);
        assert_eq!(Dn::parse_openssl(subj).unwrap(), dn);
    }
}

/// OpenSSL's canonical form: case, surrounding and repeated whitespace and AVA order in
/// an RDN do not matter; RDN order and values do. `Dn` equality must follow the same
/// rule as `openssl x509 -subject_hash` (which CA directories are named by).
#[test]
fn canonical_equality_follows_openssl_hash() {
    let ossl = Openssl::new();
    let groups: &[&[(&str, &[&str])]] = &[
        &[
            ("/DC=ch/DC=cern/CN=Jane Doe", &[]),
            ("/DC=CH/DC=Cern/CN=  jane   DOE ", &[]),
            ("/DC=ch/DC=cern/CN=JANE\tDOE", &[]),
        ],
        &[
            ("/CN=a+O=b/OU=x", &["-multivalue-rdn"]),
            ("/O=B+CN=A/OU=X", &["-multivalue-rdn"]),
        ],
        &[("/OU=x/CN=a+O=b", &["-multivalue-rdn"])],
        &[("/CN=a/O=b/OU=x", &[])],
        &[("/O=b/CN=a/OU=x", &[])],
        &[
            ("/emailAddress=Jane@CERN.CH", &[]),
            ("/emailAddress=jane@cern.ch", &[]),
        ],
        &[("/CN=Jane Doé", &[])],
        &[("/CN=Jane DOÉ", &[])],
        &[("/CN=Jane-Doe", &[])],
    ];
    let mut all = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        for (subj, extra) in group.iter() {
            let (seen, dn) = ossl.make(subj, extra, None);
            assert_eq!(dn.subject_hash(), seen.hash, "{subj}");
            assert_eq!(dn.subject_hash_old(), seen.hash_old, "{subj}");
            all.push((g, seen.hash, dn, *subj));
        }
    }
    for (g1, h1, d1, s1) in &all {
        for (g2, h2, d2, s2) in &all {
            assert_eq!(g1 == g2, h1 == h2, "openssl hash grouping {s1} vs {s2}");
            assert_eq!(d1 == d2, g1 == g2, "Dn equality {s1} vs {s2}");
        }
    }
    // Hash is consistent with Eq.
    let set: HashSet<Dn> = all.iter().map(|(_, _, d, _)| d.clone()).collect();
    assert_eq!(set.len(), groups.len());
    // Parsed text with different case and spacing equals the certificate's DN.
    let parsed = Dn::parse_openssl("/dc=CH/Dc=CERN/cn=jane doe").unwrap();
    assert_eq!(parsed, all[0].2);
    assert_eq!(parsed.subject_hash(), all[0].1);
}

/// Attribute types OpenSSL has no name for print as dotted OIDs (slash form) and as
/// `#` + DER hex (RFC 2253); the latter parses back.
#[test]
fn unknown_oid_agrees_with_openssl() {
    let ossl = Openssl::new();
    let config = ossl.config("utf8only");
    let (seen, dn) = ossl.make("/myattr=xx/CN=y", &[], Some(&config));
    assert_eq!(seen.compat, "/1.2.3.4=xx/CN=y");
    assert_eq!(seen.rfc2253, "CN=y,1.2.3.4=#0C027878");
    assert_agrees("/myattr=xx/CN=y", &seen, &dn);
    assert_eq!(dn.rdns()[0].avas()[0].keyword(), None);
    assert_eq!(dn.rdns()[0].avas()[0].value(), "xx");
    assert_eq!(
        Dn::parse_openssl("/1.2.3.4=xx/CN=y").unwrap().to_der(),
        seen.der
    );
}

/// Every keyword `Dn` prints is the name OpenSSL prints for that OID: make a
/// certificate whose subject gives each attribute as a dotted OID and compare.
#[test]
fn keywords_match_openssl() {
    let ossl = Openssl::new();
    // OIDs named in the table, each given to openssl as a dotted OID.
    let oids = [
        "2.5.4.3",
        "2.5.4.4",
        "2.5.4.5",
        "2.5.4.6",
        "2.5.4.7",
        "2.5.4.8",
        "2.5.4.9",
        "2.5.4.10",
        "2.5.4.11",
        "2.5.4.12",
        "2.5.4.13",
        "2.5.4.15",
        "2.5.4.17",
        "2.5.4.41",
        "2.5.4.42",
        "2.5.4.43",
        "2.5.4.44",
        "2.5.4.45",
        "2.5.4.46",
        "2.5.4.65",
        "2.5.4.72",
        "2.5.4.97",
        "0.9.2342.19200300.100.1.1",
        "0.9.2342.19200300.100.1.3",
        "0.9.2342.19200300.100.1.25",
        "0.9.2342.19200300.100.1.44",
        "1.2.840.113549.1.9.1",
        "1.2.840.113549.1.9.2",
        "1.3.6.1.4.1.311.60.2.1.1",
        "1.3.6.1.4.1.311.60.2.1.2",
        "1.3.6.1.4.1.311.60.2.1.3",
    ];
    let subj: String = oids.iter().map(|o| format!("/{o}=CH")).collect();
    let (seen, dn) = ossl.make(&subj, &[], None);
    assert_agrees(&subj, &seen, &dn);
    // And the slash text given to openssl parses to the same DER.
    assert_eq!(Dn::parse_openssl(&subj).unwrap().to_der(), seen.der);
    // Keyword spellings accepted on input.
    let a = Dn::parse_openssl("/E=a@b.c/Email=a@b.c/emailaddress=a@b.c/userid=u/UID=u").unwrap();
    let b =
        Dn::parse_openssl("/emailAddress=a@b.c/emailAddress=a@b.c/emailAddress=a@b.c/UID=u/UID=u")
            .unwrap();
    assert_eq!(a.to_der(), b.to_der());
}

#[test]
fn with_cn_parent_and_last_cn() {
    let ossl = Openssl::new();
    let (seen, dn) = ossl.make("/DC=ch/DC=cern/OU=Users/CN=jdoe", &[], None);
    assert_eq!(dn.last_cn(), Some("jdoe"));
    let parent = dn.parent().unwrap();
    assert_eq!(parent.to_openssl(), "/DC=ch/DC=cern/OU=Users");
    assert_eq!(parent.with_cn("jdoe"), dn);
    assert_eq!(Dn::parse_openssl("").unwrap().parent(), None);
    // A proxy-style subject: OpenSSL makes the proxy CN a PrintableString when it fits.
    let proxy = dn.with_cn("123456789");
    assert_eq!(proxy.len(), 5);
    assert_eq!(proxy.last_cn(), Some("123456789"));
    assert_eq!(
        proxy.rdns()[4].avas()[0].string_type(),
        StringType::Printable
    );
    assert_eq!(proxy.parent().unwrap(), dn);
    assert_eq!(proxy.parent().unwrap().to_der(), seen.der);
    let config = ossl.config("default");
    let (pseen, pdn) = ossl.make("/CN=123456789", &[], Some(&config));
    assert_eq!(Dn::empty().with_cn("123456789").to_der(), pseen.der);
    assert_eq!(pdn, Dn::empty().with_cn("123456789"));
    let utf = dn.with_cn("prøxy");
    assert_eq!(utf.rdns()[4].avas()[0].string_type(), StringType::Utf8);
    assert_eq!(utf.last_cn(), Some("prøxy"));
    // Multi-valued last RDN is not a "last CN".
    let mv = Dn::parse_openssl("/O=x/CN=a+CN=b").unwrap();
    assert_eq!(mv.len(), 2);
    assert_eq!(mv.last_cn(), None);
}

#[test]
fn trailing_slash_is_part_of_the_value() {
    let dn = Dn::parse_openssl("/CN=x/").unwrap();
    assert_eq!(dn.last_cn(), Some("x/"));
    assert_eq!(dn.to_openssl(), "/CN=x\\/");
}

#[test]
fn parse_errors_say_where_and_what() {
    let err = |s: &str| Dn::parse(s).unwrap_err();
    match err("/CN") {
        Error::DnParse {
            position, reason, ..
        } => {
            assert_eq!(position, 1);
            assert!(reason.contains("'='"), "{reason}");
        }
        e => panic!("{e:?}"),
    }
    match err("/FOO=bar") {
        Error::UnknownDnAttribute {
            keyword, position, ..
        } => assert_eq!((keyword.as_str(), position), ("FOO", 1)),
        e => panic!("{e:?}"),
    }
    match err("/=bar") {
        Error::DnParse { position, .. } => assert_eq!(position, 1),
        e => panic!("{e:?}"),
    }
    match err("CN=a, FOO=b") {
        Error::UnknownDnAttribute {
            keyword, position, ..
        } => assert_eq!((keyword.as_str(), position), ("FOO", 6)),
        e => panic!("{e:?}"),
    }
    match err("CN=a,") {
        Error::DnParse { position, .. } => assert_eq!(position, 4),
        e => panic!("{e:?}"),
    }
    match err("CN=a\\qb") {
        Error::DnParse {
            position, reason, ..
        } => {
            assert_eq!(position, 4);
            assert!(reason.contains("escape"), "{reason}");
        }
        e => panic!("{e:?}"),
    }
    match err("CN=#0c") {
        Error::DnParse { position, .. } => assert_eq!(position, 3),
        e => panic!("{e:?}"),
    }
    match err("CN=\\ff") {
        Error::DnParse { reason, .. } => assert!(reason.contains("UTF-8"), "{reason}"),
        e => panic!("{e:?}"),
    }
    match err("CN=\"unterminated") {
        Error::DnParse { position, .. } => assert_eq!(position, 3),
        e => panic!("{e:?}"),
    }
    assert_eq!(err("/CN").code(), "bad_dn");
}

#[test]
fn rfc2253_input_forms() {
    let want = Dn::parse_openssl("/DC=ch/DC=cern/OU=Users/CN=Jane Doe, Jr.").unwrap();
    for s in [
        "CN=Jane Doe\\, Jr.,OU=Users,DC=cern,DC=ch",
        "CN=Jane Doe\\2C Jr., OU=Users, DC=cern, DC=ch",
        "cn = \"Jane Doe, Jr.\" ; ou=Users;dc=cern;DC=ch",
        "CN=#0C0D4A616E6520446F652C204A722E,OU=Users,DC=cern,DC=ch",
        "2.5.4.3=Jane Doe\\, Jr.,OID.2.5.4.11=Users,DC=cern,DC=ch",
    ] {
        assert_eq!(Dn::parse_rfc2253(s).unwrap(), want, "{s}");
    }
    assert!(Dn::parse_rfc2253("").unwrap().is_empty());
    assert_eq!(Dn::parse_openssl("").unwrap(), Dn::empty());
    assert_eq!(Dn::empty().to_openssl(), "");
    assert_eq!(Dn::empty().to_rfc2253(), "");
}

#[test]
fn der_decoding_rejects_bad_values_with_typed_errors() {
    // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, <value> } } }
    let name = |value: &[u8]| {
        let mut ava = vec![0x06, 0x03, 0x55, 0x04, 0x03];
        ava.extend_from_slice(value);
        let mut seq = vec![0x30, ava.len() as u8];
        seq.extend(ava);
        let mut set = vec![0x31, seq.len() as u8];
        set.extend(seq);
        let mut out = vec![0x30, set.len() as u8];
        out.extend(set);
        out
    };
    // Decodable string types.
    let ok = |value: &[u8], text: &str, ty: StringType| {
        let dn = Dn::from_der(&name(value)).unwrap();
        let ava = &dn.rdns()[0].avas()[0];
        assert_eq!(ava.value(), text);
        assert_eq!(ava.string_type(), ty);
        assert_eq!(dn.to_der(), name(value));
    };
    ok(&[0x13, 2, b'h', b'i'], "hi", StringType::Printable);
    ok(&[0x0c, 2, 0xc3, 0xa9], "é", StringType::Utf8);
    ok(&[0x16, 1, b'@'], "@", StringType::Ia5);
    ok(&[0x14, 1, 0xe9], "é", StringType::Teletex);
    ok(&[0x1e, 4, 0xd8, 0x3d, 0xde, 0x00], "😀", StringType::Bmp);
    ok(&[0x1c, 4, 0, 0, 0, b'A'], "A", StringType::Universal);
    // The same CN in any string type is equal and hashes the same.
    let a = Dn::from_der(&name(&[0x1c, 8, 0, 0, 0, b'A', 0, 0, 0, 0xe9])).unwrap();
    let b = Dn::from_der(&name(&[0x0c, 3, b'a', 0xc3, 0xa9])).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.subject_hash(), b.subject_hash());
    // Wrong types and bad encodings.
    for value in [
        &[0x04, 1, b'x'][..],      // OCTET STRING
        &[0x12, 1, b'1'],          // NumericString (not accepted)
        &[0x0c, 1, 0xff],          // bad UTF-8
        &[0x16, 1, 0x80],          // IA5 not ASCII
        &[0x13, 1, 0xe9],          // PrintableString not ASCII
        &[0x1e, 3, 0, b'A', 0],    // odd BMP
        &[0x1e, 2, 0xd8, 0x00],    // lone surrogate
        &[0x1c, 3, 0, 0, 0],       // short UCS-4
        &[0x1c, 4, 0, 0x11, 0, 0], // beyond U+10FFFF
    ] {
        match Dn::from_der(&name(value)).unwrap_err() {
            Error::DnValue { attribute, .. } => assert_eq!(attribute, "CN"),
            e => panic!("{value:?}: {e:?}"),
        }
    }
    // Structural errors carry the byte position.
    let mut trailing = name(&[0x13, 1, b'x']);
    trailing.push(0);
    assert!(matches!(
        Dn::from_der(&trailing),
        Err(Error::DnDecode { .. })
    ));
    let truncated = &name(&[0x13, 1, b'x'])[..8];
    assert!(matches!(
        Dn::from_der(truncated),
        Err(Error::DnDecode { .. })
    ));
    assert!(matches!(
        Dn::from_der(&[0x30, 0x80, 0, 0]),
        Err(Error::DnDecode { position: 1, .. })
    ));
    assert!(matches!(
        Dn::from_der(&[0x30, 0x02, 0x31, 0x00]),
        Err(Error::DnDecode { .. })
    ));
    assert!(Dn::from_der(&[0x30, 0x00]).unwrap().is_empty());
}

#[test]
fn budgets_are_typed_errors() {
    let many: String = (0..=MAX_DN_RDNS).map(|i| format!("/CN={i}")).collect();
    assert!(matches!(
        Dn::parse_openssl(&many),
        Err(Error::DnLimit { max, .. }) if max == MAX_DN_RDNS
    ));
    let ok: String = (0..MAX_DN_RDNS).map(|i| format!("/CN={i}")).collect();
    let dn = Dn::parse_openssl(&ok).unwrap();
    assert_eq!(dn.len(), MAX_DN_RDNS);
    assert!(matches!(dn.try_with_cn("x"), Err(Error::DnLimit { .. })));
    let wide: String = (0..=MAX_RDN_AVAS).map(|i| format!("+CN={i}")).collect();
    let wide = format!("/O=x{wide}");
    assert!(matches!(
        Dn::parse_openssl(&wide),
        Err(Error::DnLimit { max, .. }) if max == MAX_RDN_AVAS
    ));
    let huge = "x".repeat(2 << 20);
    assert!(matches!(Dn::parse(&huge), Err(Error::DnLimit { .. })));
    assert!(matches!(
        Dn::parse_openssl(&huge),
        Err(Error::DnLimit { .. })
    ));
    let long = format!("CN={}", "x".repeat(grid_x509::MAX_DN_VALUE_BYTES + 1));
    assert!(matches!(
        Dn::parse_rfc2253(&long),
        Err(Error::DnLimit { .. })
    ));
    // The same budgets hold for DER input.
    let der = Dn::parse_openssl(&ok)
        .unwrap()
        .with_cn("one too many")
        .to_der();
    assert!(matches!(Dn::from_der(&der), Err(Error::DnLimit { .. })));
}

/// Tiny deterministic PRNG (xorshift) so the robustness test is reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Thousands of hostile strings and random bytes: no panic, and whatever parses
/// round-trips through its printed forms and DER.
#[test]
fn hostile_input_never_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let pieces = [
        "/",
        "+",
        "=",
        "\\",
        "\\/",
        "\\+",
        "\\\\",
        "\\x",
        "\\xC3",
        "\\xA9",
        "\\xZZ",
        "CN",
        "cn",
        "DC",
        "OU",
        "emailAddress",
        "E",
        "1.2.3.4",
        "2.5.4.3",
        "0.",
        "1..2",
        ",",
        ";",
        "\"",
        "#",
        "#0C0178",
        "#zz",
        " ",
        "\t",
        "é",
        "😀",
        "\0",
        "a",
        "xyz",
        "OID.",
        "\\2C",
        "\\",
        "UID",
        "uid",
        "userid",
    ];
    let mut parsed = 0usize;
    for _ in 0..20_000 {
        let n = rng.below(12);
        let s: String = (0..n).map(|_| pieces[rng.below(pieces.len())]).collect();
        let results = [Dn::parse_openssl(&s), Dn::parse_rfc2253(&s), Dn::parse(&s)];
        for dn in results.into_iter().flatten() {
            parsed += 1;
            let again = Dn::from_der(&dn.to_der()).unwrap_or_else(|e| panic!("{s:?}: {e}"));
            assert_eq!(again, dn, "{s:?}");
            assert_eq!(Dn::parse_rfc2253(&dn.to_rfc2253()).unwrap(), dn, "{s:?}");
            let _ = dn.to_openssl();
            let _ = dn.subject_hash();
        }
    }
    assert!(parsed > 1000, "only {parsed} random strings parsed");

    // Random bytes, and mutations of a real Name.
    let real = Dn::parse_openssl("/DC=ch/DC=cern/OU=Users/CN=jdoe+UID=jd/CN=Jöhn")
        .unwrap()
        .to_der();
    for i in 0..20_000 {
        let bytes: Vec<u8> = if i % 2 == 0 {
            let n = rng.below(64);
            (0..n).map(|_| rng.next() as u8).collect()
        } else {
            let mut b = real.clone();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(b.len());
                b[at] = rng.next() as u8;
            }
            b.truncate(rng.below(b.len() + 1).max(b.len() / 2));
            b
        };
        if let Ok(dn) = Dn::from_der(&bytes) {
            assert_eq!(dn.to_der(), bytes);
            let _ = (dn.to_openssl(), dn.to_rfc2253(), dn.subject_hash_old());
        }
    }
    // Long runs of separators stay fast (linear look-ahead).
    let slashes = format!("/CN={}", "/a".repeat(20_000));
    let start = std::time::Instant::now();
    let dn = Dn::parse_openssl(&slashes).unwrap();
    assert_eq!(dn.len(), 1);
    assert!(start.elapsed().as_secs() < 10);
}
