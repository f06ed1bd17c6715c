//! Proxy creation against the real peers: `grid-proxy-info`, `voms-proxy-info`,
//! `openssl verify -allow_proxy_certs`, and proxies made by `grid-proxy-init` read here.
//!
//! The user credentials are made by the `openssl` command at test time (a CA, a user
//! certificate with a grid DN, and a CA directory), so the proxies here are signed by
//! keys and certificates this crate did not produce.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use grid_x509::{
    CaStore, CertKind, Certificate, Credential, Digest, Error, KeyAlgorithm, KeySpec, PrivateKey,
    ProxyBuilder, ProxyFamily, ProxyKind, ProxyPolicy, UnixTime, ValidationPolicy, verify_chain,
};

const USER_DN: &str = "/DC=org/DC=test/OU=People/CN=Alice Example";

fn run(dir: &Path, prog: &str, args: &[&str], env: &[(&str, &Path)]) -> (bool, String) {
    let mut c = Command::new(prog);
    c.args(args).current_dir(dir);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap_or_else(|e| panic!("run {prog}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn ok(dir: &Path, prog: &str, args: &[&str]) -> String {
    let (success, text) = run(dir, prog, args, &[]);
    assert!(success, "{prog} {args:?}: {text}");
    text
}

/// A CA, a user certificate (`usercert.pem`, `userkey.pem`) and a CA directory, made
/// with the openssl command.
struct Pki {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    ca_dir: PathBuf,
}

impl Pki {
    fn new(user_days: u32) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let d = &dir;
        ok(
            d,
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "30",
                "-subj",
                "/DC=org/DC=test/CN=Test CA",
                "-addext",
                "basicConstraints=critical,CA:true",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        ok(
            d,
            "openssl",
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "userkey.pem",
                "-out",
                "user.csr",
                "-subj",
                USER_DN,
            ],
        );
        std::fs::write(
            d.join("user.ext"),
            "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment,nonRepudiation\nextendedKeyUsage=clientAuth\n",
        )
        .unwrap();
        let days = user_days.to_string();
        ok(
            d,
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                "user.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-set_serial",
                "4660",
                "-out",
                "usercert.pem",
                "-days",
                &days,
                "-extfile",
                "user.ext",
            ],
        );
        std::fs::set_permissions(
            d.join("userkey.pem"),
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .unwrap();
        let ca_dir = d.join("certificates");
        std::fs::create_dir(&ca_dir).unwrap();
        let hash = ok(d, "openssl", &["x509", "-hash", "-noout", "-in", "ca.pem"]);
        std::fs::copy(d.join("ca.pem"), ca_dir.join(format!("{}.0", hash.trim()))).unwrap();
        Self {
            _tmp: tmp,
            dir,
            ca_dir,
        }
    }

    fn user(&self) -> (Vec<Certificate>, PrivateKey) {
        let cred = Credential::read_file(self.dir.join("usercert.pem"), None).unwrap();
        let key = PrivateKey::from_pem(
            &std::fs::read(self.dir.join("userkey.pem")).unwrap(),
            None,
            "userkey.pem",
        )
        .unwrap();
        (cred.certs().to_vec(), key)
    }

    fn store(&self) -> CaStore {
        CaStore::from_dir(&self.ca_dir).unwrap()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// `key : value` lines of grid-proxy-info / voms-proxy-info.
fn fields(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once(" : ").or_else(|| l.split_once(": ")))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn hms_secs(s: &str) -> i64 {
    let parts: Vec<i64> = s.split(':').map(|p| p.parse().unwrap()).collect();
    parts[0] * 3600 + parts[1] * 60 + parts[2]
}

fn grid_proxy_info(dir: &Path, file: &Path) -> HashMap<String, String> {
    let (success, text) = run(
        dir,
        "grid-proxy-info",
        &["-file", file.to_str().unwrap()],
        &[],
    );
    assert!(success, "grid-proxy-info: {text}");
    fields(&text)
}

fn voms_proxy_info(pki: &Pki, file: &Path) -> HashMap<String, String> {
    let (success, text) = run(
        &pki.dir,
        "voms-proxy-info",
        &["-all", "-file", file.to_str().unwrap()],
        &[("X509_CERT_DIR", &pki.ca_dir)],
    );
    assert!(success, "voms-proxy-info: {text}");
    fields(&text)
}

fn openssl_verify(pki: &Pki, proxy_file: &Path) -> String {
    // The proxy file holds proxy, key, chain: split certificates for openssl.
    let cred = Credential::read_file_public(proxy_file).unwrap();
    let certs = cred.certs();
    let leaf = pki.path("verify-leaf.pem");
    let untrusted = pki.path("verify-untrusted.pem");
    std::fs::write(&leaf, pem_of(&certs[..1])).unwrap();
    std::fs::write(&untrusted, pem_of(&certs[1..])).unwrap();
    let (success, text) = run(
        &pki.dir,
        "openssl",
        &[
            "verify",
            "-allow_proxy_certs",
            "-CAfile",
            "ca.pem",
            "-untrusted",
            untrusted.to_str().unwrap(),
            leaf.to_str().unwrap(),
        ],
        &[],
    );
    assert!(success, "openssl verify: {text}");
    text
}

fn pem_of(certs: &[Certificate]) -> String {
    certs
        .iter()
        .map(|c| pem::encode(&pem::Pem::new("CERTIFICATE", c.der().to_vec())))
        .collect()
}

fn now() -> UnixTime {
    // The peers (grid-proxy-info, openssl verify) read the clock, so these tests use it.
    UnixTime::now()
}

#[test]
fn rfc3820_proxy_is_accepted_by_grid_tools_and_openssl() {
    let pki = Pki::new(20);
    let (certs, key) = pki.user();
    let t = now();
    let proxy = ProxyBuilder::new(&certs, &key).build(t).unwrap();
    assert!(proxy.warnings.is_empty(), "{:?}", proxy.warnings);
    assert_eq!(proxy.key.algorithm(), KeyAlgorithm::Rsa { bits: 2048 });
    assert_eq!(proxy.cert.not_before(), t.saturating_add(-300));
    assert_eq!(proxy.cert.not_after(), t.saturating_add(12 * 3600));
    let serial = proxy.cert.serial_decimal();
    assert_eq!(
        proxy.cert.subject().to_openssl(),
        format!("{USER_DN}/CN={serial}")
    );
    assert!(proxy.cert.serial_bytes().len() <= 4);

    let file = pki.path("x509up_test");
    proxy.write(&file).unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o777, 0o600);

    let info = grid_proxy_info(&pki.dir, &file);
    assert_eq!(info["subject"], format!("{USER_DN}/CN={serial}"));
    assert_eq!(info["issuer"], USER_DN);
    assert_eq!(info["identity"], USER_DN);
    assert_eq!(info["type"], "RFC 3820 compliant impersonation proxy");
    assert_eq!(info["strength"], "2048 bits");
    let left = hms_secs(&info["timeleft"]);
    assert!((12 * 3600 - 120..=12 * 3600).contains(&left), "{left}");

    let v = voms_proxy_info(&pki, &file);
    assert_eq!(v["subject"], format!("{USER_DN}/CN={serial}"));
    assert_eq!(v["identity"], USER_DN);
    assert_eq!(v["type"], "RFC compliant proxy");
    assert_eq!(v["strength"], "2048 bits");
    assert_eq!(v["key usage"], "Digital Signature, Key Encipherment");

    assert!(openssl_verify(&pki, &file).contains("OK"));

    // This crate's own verifier.
    let cred = Credential::read_file(&file, None).unwrap();
    assert!(
        cred.key()
            .unwrap()
            .matches_spki(cred.certs()[0].public_key_spki_der())
    );
    let chain = verify_chain(cred.certs(), &pki.store(), &ValidationPolicy::strict(), t).unwrap();
    assert_eq!(chain.identity().to_openssl(), USER_DN);
    assert_eq!(chain.proxy_depth(), 1);
}

#[test]
fn every_kind_matches_grid_proxy_info() {
    let pki = Pki::new(20);
    let (certs, key) = pki.user();
    let store = pki.store();
    let t = now();
    let user_serial = certs[0].serial_bytes().to_vec();
    let cases = [
        (
            ProxyKind::Impersonation,
            "RFC 3820 compliant impersonation proxy",
            "RFC compliant proxy",
        ),
        (
            ProxyKind::Limited,
            "RFC 3820 compliant limited proxy",
            // voms-proxy-info does not name RFC limited proxies (same for grid-proxy-init's).
            "RFC compliant proxy",
        ),
        (
            ProxyKind::Independent,
            "RFC 3820 compliant independent proxy",
            "RFC compliant proxy",
        ),
        (ProxyKind::LegacyFull, "full legacy globus proxy", "proxy"),
        (
            ProxyKind::LegacyLimited,
            "limited legacy globus proxy",
            "limited proxy",
        ),
    ];
    for (i, (kind, gpi_type, voms_type)) in cases.into_iter().enumerate() {
        // 1024-bit keys keep the test quick and check `-bits 1024`.
        let proxy = ProxyBuilder::new(&certs, &key)
            .kind(kind.clone())
            .key(KeySpec::Rsa(1024))
            .build(t)
            .unwrap();
        let file = pki.path(&format!("proxy{i}"));
        proxy.write(&file).unwrap();
        let info = grid_proxy_info(&pki.dir, &file);
        assert_eq!(info["type"], gpi_type, "{kind:?}");
        assert_eq!(info["strength"], "1024 bits");
        let expected_cn = match kind {
            ProxyKind::LegacyFull => "proxy".to_string(),
            ProxyKind::LegacyLimited => "limited proxy".to_string(),
            _ => proxy.cert.serial_decimal(),
        };
        assert_eq!(info["subject"], format!("{USER_DN}/CN={expected_cn}"));
        if matches!(kind, ProxyKind::LegacyFull | ProxyKind::LegacyLimited) {
            // Globus legacy proxies reuse the signer's serial.
            assert_eq!(proxy.cert.serial_bytes(), &user_serial[..]);
            assert!(proxy.cert.extensions().proxy_cert_info.is_none());
        }
        if !voms_type.is_empty() {
            let v = voms_proxy_info(&pki, &file);
            assert_eq!(v["type"], voms_type, "{kind:?}");
        }
        // OpenSSL knows only RFC 3820 proxies; a legacy proxy looks like a certificate
        // issued by a non-CA to it.
        if !matches!(kind, ProxyKind::LegacyFull | ProxyKind::LegacyLimited) {
            assert!(openssl_verify(&pki, &file).contains("OK"), "{kind:?}");
        }
        let verified = verify_chain(&proxy.certificates(), &store, &ValidationPolicy::grid(), t)
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(verified.end_entity().subject().to_openssl(), USER_DN);
        // Classification agrees with what we asked for.
        match (CertKind::of(&proxy.cert), &kind) {
            (CertKind::Proxy(t), ProxyKind::Impersonation) => {
                assert_eq!(
                    (t.family, t.policy),
                    (ProxyFamily::Rfc3820, ProxyPolicy::Impersonation)
                )
            }
            (CertKind::Proxy(t), ProxyKind::Limited) => {
                assert_eq!(
                    (t.family, t.policy),
                    (ProxyFamily::Rfc3820, ProxyPolicy::Limited)
                )
            }
            (CertKind::Proxy(t), ProxyKind::Independent) => {
                assert_eq!(
                    (t.family, t.policy),
                    (ProxyFamily::Rfc3820, ProxyPolicy::Independent)
                )
            }
            (CertKind::Proxy(t), ProxyKind::LegacyFull) => {
                assert_eq!(
                    (t.family, t.policy),
                    (ProxyFamily::Legacy, ProxyPolicy::Impersonation)
                )
            }
            (CertKind::Proxy(t), ProxyKind::LegacyLimited) => {
                assert_eq!(
                    (t.family, t.policy),
                    (ProxyFamily::Legacy, ProxyPolicy::Limited)
                )
            }
            (k, _) => panic!("{kind:?} classified as {k:?}"),
        }
    }
}

#[test]
fn ec_proxy_and_path_length() {
    let pki = Pki::new(20);
    let (certs, key) = pki.user();
    let t = now();
    let proxy = ProxyBuilder::new(&certs, &key)
        .key(KeySpec::EcP256)
        .path_length(Some(2))
        .build(t)
        .unwrap();
    let file = pki.path("ecproxy");
    proxy.write(&file).unwrap();
    let pci = proxy.cert.extensions().proxy_cert_info.clone().unwrap();
    assert_eq!(pci.path_len, Some(2));
    let text = ok(
        &pki.dir,
        "openssl",
        &["x509", "-in", file.to_str().unwrap(), "-noout", "-text"],
    );
    assert!(text.contains("Path Length Constraint: 02"), "{text}");
    assert!(text.contains("id-ecPublicKey"));
    assert!(openssl_verify(&pki, &file).contains("OK"));
    let info = grid_proxy_info(&pki.dir, &file);
    assert_eq!(info["type"], "RFC 3820 compliant impersonation proxy");
    // The EC proxy key is written as PKCS#8 and read back.
    let cred = Credential::read_file(&file, None).unwrap();
    assert!(
        cred.key()
            .unwrap()
            .matches_spki(proxy.cert.public_key_spki_der())
    );
}

#[test]
fn delegation_to_depth_three() {
    let pki = Pki::new(20);
    let (certs, key) = pki.user();
    let t = now();
    let mut chain = certs.clone();
    let mut signer_key = key;
    let mut last = None;
    for depth in 1..=3 {
        let proxy = ProxyBuilder::new(&chain, &signer_key)
            .key(KeySpec::Rsa(1024))
            .lifetime_secs(6 * 3600)
            .build(t)
            .unwrap();
        assert_eq!(proxy.chain.len(), depth);
        chain = proxy.certificates();
        signer_key = proxy.key.clone();
        last = Some(proxy);
    }
    let proxy = last.unwrap();
    let file = pki.path("deep");
    proxy.write(&file).unwrap();
    let info = grid_proxy_info(&pki.dir, &file);
    assert_eq!(info["identity"], USER_DN);
    assert_eq!(info["type"], "RFC 3820 compliant impersonation proxy");
    let subject = &info["subject"];
    assert_eq!(subject.matches("/CN=").count(), 4, "{subject}");
    assert!(openssl_verify(&pki, &file).contains("OK"));
    let verified = verify_chain(
        &proxy.certificates(),
        &pki.store(),
        &ValidationPolicy::strict_or_grid(),
        t,
    )
    .unwrap();
    assert_eq!(verified.proxy_depth(), 3);
    assert_eq!(verified.identity().to_openssl(), USER_DN);
}

#[test]
fn lifetime_is_clamped_to_the_signer_with_a_warning() {
    let pki = Pki::new(1);
    let (certs, key) = pki.user();
    let t = now();
    let proxy = ProxyBuilder::new(&certs, &key)
        .key(KeySpec::Rsa(1024))
        .lifetime_secs(7 * 24 * 3600)
        .build(t)
        .unwrap();
    assert_eq!(proxy.cert.not_after(), certs[0].not_after());
    assert_eq!(proxy.warnings.len(), 1);
    assert!(
        proxy.warnings[0].contains("shortened"),
        "{:?}",
        proxy.warnings
    );
    assert!(proxy.warnings[0].contains(USER_DN));
    // A proxy of a proxy never outlives its signer either.
    let chain = proxy.certificates();
    let child = ProxyBuilder::new(&chain, &proxy.key)
        .key(KeySpec::Rsa(1024))
        .build(t)
        .unwrap();
    assert!(child.cert.not_after() <= proxy.cert.not_after());
    // Expired signer and bad lifetime are typed errors.
    let later = certs[0].not_after().saturating_add(1);
    assert_eq!(
        ProxyBuilder::new(&certs, &key)
            .build(later)
            .unwrap_err()
            .code(),
        "expired"
    );
    assert_eq!(
        ProxyBuilder::new(&certs, &key)
            .lifetime_secs(0)
            .build(t)
            .unwrap_err()
            .code(),
        "proxy_lifetime"
    );
}

#[test]
fn signer_rules() {
    let pki = Pki::new(20);
    let (certs, key) = pki.user();
    let t = now();
    // Wrong key.
    let other = PrivateKey::generate_rsa(1024).unwrap();
    match ProxyBuilder::new(&certs, &other).build(t).unwrap_err() {
        Error::KeyMismatch { cert } => assert_eq!(cert.subject, USER_DN),
        e => panic!("{e:?}"),
    }
    // A CA does not sign proxies.
    let ca = Credential::read_file(pki.path("ca.pem"), None).unwrap();
    let ca_key =
        PrivateKey::from_pem(&std::fs::read(pki.path("ca.key")).unwrap(), None, "ca.key").unwrap();
    assert_eq!(
        ProxyBuilder::new(ca.certs(), &ca_key)
            .build(t)
            .unwrap_err()
            .code(),
        "proxy_issued_by_ca"
    );
    // A limited proxy only signs limited proxies.
    let limited = ProxyBuilder::new(&certs, &key)
        .kind(ProxyKind::Limited)
        .key(KeySpec::Rsa(1024))
        .build(t)
        .unwrap();
    let lc = limited.certificates();
    assert_eq!(
        ProxyBuilder::new(&lc, &limited.key)
            .build(t)
            .unwrap_err()
            .code(),
        "limited_proxy_issued_full"
    );
    ProxyBuilder::new(&lc, &limited.key)
        .kind(ProxyKind::Limited)
        .key(KeySpec::Rsa(1024))
        .build(t)
        .unwrap();
    // Path length 0: no further delegation.
    let p0 = ProxyBuilder::new(&certs, &key)
        .path_length(Some(0))
        .key(KeySpec::Rsa(1024))
        .build(t)
        .unwrap();
    let c0 = p0.certificates();
    assert_eq!(
        ProxyBuilder::new(&c0, &p0.key).build(t).unwrap_err().code(),
        "path_length_exceeded"
    );
    // Legacy and RFC proxies are not mixed.
    let old = ProxyBuilder::new(&certs, &key)
        .kind(ProxyKind::LegacyFull)
        .key(KeySpec::Rsa(1024))
        .build(t)
        .unwrap();
    let oc = old.certificates();
    assert_eq!(
        ProxyBuilder::new(&oc, &old.key)
            .build(t)
            .unwrap_err()
            .code(),
        "mixed_proxy_kinds"
    );
    // Unsupported key size.
    assert_eq!(
        ProxyBuilder::new(&certs, &key)
            .key(KeySpec::Rsa(1000))
            .build(t)
            .unwrap_err()
            .code(),
        "unsupported_key_size"
    );
    // SHA-1 signatures are possible for old peers.
    let sha1 = ProxyBuilder::new(&certs, &key)
        .digest(Digest::Sha1)
        .key(KeySpec::Rsa(1024))
        .build(t)
        .unwrap();
    assert!(
        sha1.cert
            .signature_algorithm()
            .name()
            .to_lowercase()
            .contains("sha1")
    );
}

#[test]
fn proxies_from_grid_proxy_init_verify_here() {
    let pki = Pki::new(20);
    let store = pki.store();
    let t = now();
    let variants: [(&str, &[&str], ProxyFamily, ProxyPolicy); 5] = [
        ("rfc", &[], ProxyFamily::Rfc3820, ProxyPolicy::Impersonation),
        (
            "limited",
            &["-limited"],
            ProxyFamily::Rfc3820,
            ProxyPolicy::Limited,
        ),
        (
            "independent",
            &["-independent"],
            ProxyFamily::Rfc3820,
            ProxyPolicy::Independent,
        ),
        (
            "old",
            &["-old"],
            ProxyFamily::Legacy,
            ProxyPolicy::Impersonation,
        ),
        (
            "pathlen",
            &["-path-length", "1"],
            ProxyFamily::Rfc3820,
            ProxyPolicy::Impersonation,
        ),
    ];
    for (name, opts, family, policy) in variants {
        let out = pki.path(&format!("gpi-{name}"));
        let mut args = vec![
            "-q",
            "-bits",
            "1024",
            "-cert",
            "usercert.pem",
            "-key",
            "userkey.pem",
            "-out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(opts);
        let (success, text) = run(
            &pki.dir,
            "grid-proxy-init",
            &args,
            &[("X509_CERT_DIR", &pki.ca_dir)],
        );
        assert!(success, "grid-proxy-init {args:?}: {text}");
        let cred = Credential::read_file(&out, None).unwrap();
        let leaf = &cred.certs()[0];
        match CertKind::of(leaf) {
            CertKind::Proxy(t) => assert_eq!((t.family, t.policy), (family, policy), "{name}"),
            k => panic!("{name}: {k:?}"),
        }
        assert!(cred.key().unwrap().matches_spki(leaf.public_key_spki_der()));
        let policy_v = if family == ProxyFamily::Legacy {
            ValidationPolicy::grid()
        } else {
            ValidationPolicy::strict_or_grid()
        };
        let verified = verify_chain(cred.certs(), &store, &policy_v, t)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(verified.end_entity().subject().to_openssl(), USER_DN);
        // Our proxies match grid-proxy-init's layout: same extensions, same timing.
        let ours = ProxyBuilder::new(
            Credential::read_file(pki.path("usercert.pem"), None)
                .unwrap()
                .certs(),
            &PrivateKey::from_pem(&std::fs::read(pki.path("userkey.pem")).unwrap(), None, "k")
                .unwrap(),
        )
        .key(KeySpec::Rsa(1024))
        .build(t)
        .unwrap();
        if name == "rfc" {
            let theirs: Vec<_> = leaf
                .extensions()
                .raw_list()
                .iter()
                .map(|e| (e.oid, e.critical, e.value.clone()))
                .collect();
            let mine: Vec<_> = ours
                .cert
                .extensions()
                .raw_list()
                .iter()
                .map(|e| (e.oid, e.critical, e.value.clone()))
                .collect();
            // The user certificate has nonRepudiation, which both drop, and an
            // extendedKeyUsage, which both copy.
            assert_eq!(mine, theirs);
            assert_eq!(
                leaf.not_after().secs() - leaf.not_before().secs(),
                ours.cert.not_after().secs() - ours.cert.not_before().secs()
            );
            assert_eq!(leaf.signature_algorithm(), ours.cert.signature_algorithm());
        }
    }
}

trait StrictOrGrid {
    fn strict_or_grid() -> ValidationPolicy;
}

impl StrictOrGrid for ValidationPolicy {
    /// Strict, except that the 1024-bit proxy keys of this test are allowed.
    fn strict_or_grid() -> ValidationPolicy {
        ValidationPolicy {
            min_rsa_bits: 1024,
            ..ValidationPolicy::strict()
        }
    }
}

#[test]
fn write_replaces_only_with_a_complete_file() {
    let pki = Pki::new(20);
    let (certs, key) = pki.user();
    let t = now();
    let proxy = ProxyBuilder::new(&certs, &key)
        .key(KeySpec::Rsa(1024))
        .build(t)
        .unwrap();
    let file = pki.path("x509up_u12345");
    std::fs::write(&file, b"old proxy").unwrap();
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    proxy.write(&file).unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o777, 0o600);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), *proxy.to_pem());
    // Layout: proxy certificate, key, then the chain.
    let labels: Vec<String> = pem::parse_many(std::fs::read(&file).unwrap())
        .unwrap()
        .iter()
        .map(|p| p.tag().to_string())
        .collect();
    assert_eq!(labels, ["CERTIFICATE", "RSA PRIVATE KEY", "CERTIFICATE"]);

    // A write that cannot complete (the target is a non-empty directory, so the final
    // rename fails) leaves what was there and no temporary file.
    let blocker = pki.path("blocked");
    std::fs::create_dir(&blocker).unwrap();
    std::fs::write(blocker.join("inside"), b"keep").unwrap();
    let before: Vec<_> = std::fs::read_dir(&pki.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let e = proxy.write(&blocker).unwrap_err();
    assert_eq!(e.code(), "io");
    assert_eq!(std::fs::read(blocker.join("inside")).unwrap(), b"keep");
    let after: Vec<_> = std::fs::read_dir(&pki.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        before.len(),
        after.len(),
        "temporary file left behind: {after:?}"
    );
}

/// The fixtures against the same peers: what `TestPki` mints is accepted by openssl
/// (including CRL revocation) and by this crate's verifier.
#[cfg(feature = "fixtures")]
mod fixtures {
    use super::*;
    use grid_x509::fixtures::{Signer, TestPki, mint};
    use grid_x509::{CrlPolicy, Passphrase};

    fn dates() -> (UnixTime, UnixTime, UnixTime) {
        let t = now();
        (t.saturating_add(-3600), t.saturating_add(30 * 86_400), t)
    }

    #[test]
    fn minted_set_is_accepted_by_openssl_and_grid_tools() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let (nb, na, t) = dates();
        let minted = mint(dir, nb, na, t, &Passphrase::new("pw")).unwrap();
        let ca = minted.ca_dir.to_str().unwrap();
        for f in [
            "user/usercert.pem",
            "host/hostcert.pem",
            "service/servicecert.pem",
            "voms/vomscert.pem",
        ] {
            let out = ok(dir, "openssl", &["verify", "-CApath", ca, "-crl_check", f]);
            assert!(out.contains(": OK"), "{f}: {out}");
        }
        let (success, text) = run(
            dir,
            "openssl",
            &[
                "verify",
                "-CApath",
                ca,
                "-crl_check",
                "revoked/usercert.pem",
            ],
            &[],
        );
        assert!(!success && text.contains("certificate revoked"), "{text}");
        // The CA directory names match openssl's hashes.
        let store = CaStore::from_dir(&minted.ca_dir).unwrap();
        assert_eq!(store.len(), 2);
        for name in [
            "x509up_rfc",
            "x509up_limited",
            "x509up_independent",
            "x509up_delegated",
        ] {
            let file = dir.join("proxy").join(name);
            let info = grid_proxy_info(dir, &file);
            if name == "x509up_independent" {
                // An independent proxy is its own identity for the Globus tools.
                assert_eq!(info["identity"], info["subject"]);
            } else {
                assert_eq!(
                    info["identity"],
                    "/DC=org/DC=gridauth-test/OU=People/CN=Test User"
                );
            }
            let cred = Credential::read_file(&file, None).unwrap();
            verify_chain(cred.certs(), &store, &ValidationPolicy::strict(), t)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let (success, text) = run(
                dir,
                "openssl",
                &[
                    "verify",
                    "-allow_proxy_certs",
                    "-CApath",
                    ca,
                    "-untrusted",
                    file.to_str().unwrap(),
                    file.to_str().unwrap(),
                ],
                &[],
            );
            assert!(success, "{name}: {text}");
        }
        for name in ["x509up_legacy", "x509up_legacy_limited"] {
            let file = dir.join("proxy").join(name);
            let cred = Credential::read_file(&file, None).unwrap();
            verify_chain(cred.certs(), &store, &ValidationPolicy::grid(), t).unwrap();
            assert!(grid_proxy_info(dir, &file)["type"].contains("legacy"));
        }
        // The encrypted user key opens with the passphrase, in openssl too.
        ok(
            dir,
            "openssl",
            &[
                "pkey",
                "-in",
                "user/userkey-encrypted.pem",
                "-passin",
                "pass:pw",
                "-noout",
            ],
        );
        let (success, _) = run(
            dir,
            "openssl",
            &[
                "pkey",
                "-in",
                "user/userkey-encrypted.pem",
                "-passin",
                "pass:no",
                "-noout",
            ],
            &[],
        );
        assert!(!success);
        let user_mode = std::fs::metadata(dir.join("user/userkey.pem"))
            .unwrap()
            .mode();
        assert_eq!(user_mode & 0o777, 0o600);
    }

    #[test]
    fn revocation_seen_by_this_crate() {
        let (nb, na, t) = dates();
        let mut pki = TestPki::new(nb, na).unwrap();
        let alice = pki.user("/DC=org/DC=example/OU=People/CN=Alice").unwrap();
        let bob = pki.user("/DC=org/DC=example/OU=People/CN=Bob").unwrap();
        pki.revoke(&bob.cert, nb);
        let crl = pki.crl(Signer::Intermediate, nb, na).unwrap();
        assert!(crl.is_revoked(bob.cert.serial_bytes()));
        assert!(!crl.is_revoked(alice.cert.serial_bytes()));
        let mut store = CaStore::new("fixtures");
        store.add_ca(pki.root().cert.clone());
        store.add_ca(pki.intermediate().cert.clone());
        store.add_crl(crl);
        let policy = ValidationPolicy {
            crl: CrlPolicy::IfPresent,
            ..ValidationPolicy::strict()
        };
        let p = pki.proxy(&alice, ProxyKind::Impersonation, t).unwrap();
        verify_chain(&p.certificates(), &store, &policy, t).unwrap();
        let p = pki.proxy(&bob, ProxyKind::Impersonation, t).unwrap();
        assert_eq!(
            verify_chain(&p.certificates(), &store, &policy, t)
                .unwrap_err()
                .code(),
            "revoked"
        );
    }

    #[test]
    fn fixed_dates_are_reproducible_in_shape() {
        let nb = UnixTime::from_civil(2030, 1, 1, 0, 0, 0);
        let na = UnixTime::from_civil(2031, 1, 1, 0, 0, 0);
        let mut pki = TestPki::new(nb, na).unwrap();
        let host = pki
            .host("ce.example.org", &["ce-alias.example.org"])
            .unwrap();
        assert_eq!(host.cert.not_before(), nb);
        assert_eq!(host.cert.not_after(), na);
        assert_eq!(
            host.cert.subject().to_openssl(),
            "/DC=org/DC=gridauth-test/OU=computers/CN=ce.example.org"
        );
        let svc = pki.service("tw", "ce.example.org").unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let (c, _) = svc.write_pem(tmp.path(), "service").unwrap();
        let text = ok(
            tmp.path(),
            "openssl",
            &[
                "x509",
                "-in",
                c.to_str().unwrap(),
                "-noout",
                "-ext",
                "subjectAltName",
            ],
        );
        assert!(
            text.contains("DNS:tw/ce.example.org, DNS:ce.example.org"),
            "{text}"
        );
        // A proxy at a fixed instant inside the validity.
        let user = pki.user("/DC=org/DC=example/CN=Carol").unwrap();
        let at = UnixTime::from_civil(2030, 6, 1, 12, 0, 0);
        let p = pki.proxy(&user, ProxyKind::Limited, at).unwrap();
        assert_eq!(p.cert.not_after(), at.saturating_add(12 * 3600));
        let mut store = CaStore::new("fixtures");
        store.add_ca(pki.root().cert.clone());
        store.add_ca(pki.intermediate().cert.clone());
        let v = verify_chain(&p.certificates(), &store, &ValidationPolicy::strict(), at).unwrap();
        assert!(v.is_limited());
    }
}
