//! Test PKI fixtures (feature `fixtures`, off by default): throw-away CAs, CRLs, a CA
//! directory, user, host, service and VOMS server certificates, and proxies of every
//! kind, in memory or written to a folder. Validity is chosen by the caller, so tests
//! can use fixed dates.
//!
//! ```
//! # fn main() -> grid_x509::Result<()> {
//! use grid_x509::fixtures::TestPki;
//! use grid_x509::{ProxyKind, UnixTime};
//!
//! let start = UnixTime::from_civil(2026, 1, 1, 0, 0, 0);
//! let end = UnixTime::from_civil(2027, 1, 1, 0, 0, 0);
//! let mut pki = TestPki::new(start, end)?;
//! let alice = pki.user("/DC=org/DC=example/OU=People/CN=Alice")?;
//! let proxy = pki.proxy(&alice, ProxyKind::Impersonation, UnixTime::from_civil(2026, 6, 1, 0, 0, 0))?;
//! assert_eq!(proxy.chain.len(), 1);
//! # Ok(()) }
//! ```
//!
//! Keys: RSA-2048 generation costs 50-100 ms, so by default keys come from a
//! process-wide pool and are reused across `TestPki` values (each `TestPki` still uses
//! a distinct key for every certificate). [`TestPki::with_fresh_keys`] opts out.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use const_oid::ObjectIdentifier as Oid;
use zeroize::Zeroizing;

use crate::cert::Certificate;
use crate::create::{
    CertSpec, Extension, KU_CRL_SIGN, KU_DIGITAL_SIGNATURE, KU_KEY_CERT_SIGN, KU_KEY_ENCIPHERMENT,
    KU_NON_REPUDIATION, Revoked, cert_pem, sign_crl,
};
use crate::crl::Crl;
use crate::dn::Dn;
use crate::error::{Error, Result};
use crate::key::{Digest, PrivateKey};
use crate::oid;
use crate::secret::Passphrase;
use crate::time::UnixTime;
use crate::{KeySpec, NewProxy, ProxyBuilder, ProxyKind};

/// Default root CA subject.
pub const ROOT_CA_DN: &str = "/DC=org/DC=gridauth-test/CN=gridauth Test Root CA";
/// Default intermediate CA subject.
pub const INTERMEDIATE_CA_DN: &str = "/DC=org/DC=gridauth-test/CN=gridauth Test Issuing CA";
/// Base of host and service DNs.
pub const HOST_BASE_DN: &str = "/DC=org/DC=gridauth-test/OU=computers";
/// Base of VOMS server DNs.
pub const SERVICE_BASE_DN: &str = "/DC=org/DC=gridauth-test/OU=services";

/// Largest pool of cached keys (bounds memory if a suite mints very many credentials;
/// beyond it keys are generated fresh).
const MAX_POOL: usize = 64;

fn pool() -> &'static Mutex<Vec<PrivateKey>> {
    static POOL: OnceLock<Mutex<Vec<PrivateKey>>> = OnceLock::new();
    POOL.get_or_init(|| Mutex::new(Vec::new()))
}

/// The `index`-th key of the process-wide pool, generating it when missing.
fn pooled_key(index: usize) -> Result<PrivateKey> {
    if index >= MAX_POOL {
        return PrivateKey::generate_rsa(2048);
    }
    let mut p = pool().lock().map_err(|_| Error::Crypto {
        operation: "fixture key pool",
        reason: "a thread panicked while holding the pool".into(),
    })?;
    while p.len() <= index {
        p.push(PrivateKey::generate_rsa(2048)?);
    }
    p.get(index).cloned().ok_or(Error::Crypto {
        operation: "fixture key pool",
        reason: "pool index out of range".into(),
    })
}

/// A certificate and its private key.
#[derive(Clone, Debug)]
pub struct Issued {
    /// The certificate.
    pub cert: Certificate,
    /// Its key.
    pub key: PrivateKey,
}

impl Issued {
    /// The certificate as PEM.
    pub fn cert_pem(&self) -> String {
        cert_pem(&self.cert)
    }

    /// The key as PEM (PKCS#1 for RSA, as `userkey.pem` files are).
    pub fn key_pem(&self) -> Zeroizing<String> {
        self.key.to_pem()
    }

    /// Writes `<dir>/<stem>cert.pem` (mode 0644) and `<dir>/<stem>key.pem` (mode 0600,
    /// unencrypted), e.g. stem `user` gives `usercert.pem` and `userkey.pem`. Returns
    /// the two paths.
    pub fn write_pem(&self, dir: &Path, stem: &str) -> Result<(PathBuf, PathBuf)> {
        let cert = dir.join(format!("{stem}cert.pem"));
        let key = dir.join(format!("{stem}key.pem"));
        crate::write::write_atomic(&cert, self.cert_pem().as_bytes(), 0o644)?;
        crate::write::write_atomic(&key, self.key_pem().as_bytes(), 0o600)?;
        Ok((cert, key))
    }

    /// Writes the key encrypted (PKCS#8, PBES2 AES-256-CBC) to `path`, mode 0600. Uses a
    /// small PBKDF2 iteration count (2048, OpenSSL's default) so tests stay fast.
    pub fn write_encrypted_key(&self, path: &Path, passphrase: &Passphrase) -> Result<()> {
        let text = self
            .key
            .to_encrypted_pkcs8_pem_with_iterations(passphrase, 2048)?;
        crate::write::write_atomic(path, text.as_bytes(), 0o600)
    }
}

/// Which CA signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signer {
    /// The root CA.
    Root,
    /// The intermediate (issuing) CA; the default for end entities.
    Intermediate,
}

/// What to put into an end-entity certificate ([`TestPki::issue`]).
#[derive(Clone, Debug)]
pub struct EndEntitySpec<'a> {
    /// Subject DN (slash or RFC 2253 form).
    pub subject: &'a str,
    /// subjectAltName entries: DNS names (service-prefixed names like
    /// `tw/host.example.org` allowed) and e-mail addresses (with `@`).
    pub sans: &'a [&'a str],
    /// extendedKeyUsage purposes (empty: none).
    pub eku: &'a [Oid],
    /// keyUsage bits (bit 0 = digitalSignature, as [`crate::KeyUsage`]).
    pub key_usage: u16,
    /// Which CA signs.
    pub signer: Signer,
    /// Validity; `None`: the PKI's.
    pub validity: Option<(UnixTime, UnixTime)>,
}

/// A throw-away PKI: a root CA and an intermediate CA, and whatever they issue.
#[derive(Debug)]
pub struct TestPki {
    not_before: UnixTime,
    not_after: UnixTime,
    root: Issued,
    intermediate: Issued,
    next_serial: u64,
    next_key: usize,
    fresh_keys: bool,
    /// Revoked (CA, serial, date).
    revoked: Vec<(Signer, Vec<u8>, UnixTime)>,
    /// Subjects issued, for the signing policy and namespaces files.
    subjects: Vec<Dn>,
}

impl TestPki {
    /// A root and an intermediate CA valid from `not_before` to `not_after`, with the
    /// default names ([`ROOT_CA_DN`], [`INTERMEDIATE_CA_DN`]) and pooled keys.
    pub fn new(not_before: UnixTime, not_after: UnixTime) -> Result<Self> {
        Self::build(ROOT_CA_DN, INTERMEDIATE_CA_DN, not_before, not_after, false)
    }

    /// As [`TestPki::new`] with freshly generated keys (slower; for tests that need
    /// keys no other test uses).
    pub fn with_fresh_keys(not_before: UnixTime, not_after: UnixTime) -> Result<Self> {
        Self::build(ROOT_CA_DN, INTERMEDIATE_CA_DN, not_before, not_after, true)
    }

    /// As [`TestPki::new`] with chosen CA names.
    pub fn with_names(
        root_dn: &str,
        intermediate_dn: &str,
        not_before: UnixTime,
        not_after: UnixTime,
    ) -> Result<Self> {
        Self::build(root_dn, intermediate_dn, not_before, not_after, false)
    }

    fn build(
        root_dn: &str,
        intermediate_dn: &str,
        not_before: UnixTime,
        not_after: UnixTime,
        fresh_keys: bool,
    ) -> Result<Self> {
        let root_key = if fresh_keys {
            PrivateKey::generate_rsa(2048)?
        } else {
            pooled_key(0)?
        };
        let root_dn = Dn::parse(root_dn)?;
        let root_spki = root_key.public_key_spki_der().to_vec();
        let root_cert = CertSpec {
            serial: vec![1],
            issuer_der: root_dn.to_der(),
            subject_der: root_dn.to_der(),
            not_before,
            not_after,
            spki_der: root_spki.clone(),
            extensions: vec![
                Extension::basic_constraints(true, None),
                Extension::key_usage(KU_KEY_CERT_SIGN | KU_CRL_SIGN),
                Extension::subject_key_id(&root_spki),
                Extension::authority_key_id(&root_spki),
            ],
        }
        .sign(&root_key, Digest::Sha256)?;
        let root = Issued {
            cert: root_cert,
            key: root_key,
        };
        let int_key = if fresh_keys {
            PrivateKey::generate_rsa(2048)?
        } else {
            pooled_key(1)?
        };
        let int_dn = Dn::parse(intermediate_dn)?;
        let int_spki = int_key.public_key_spki_der().to_vec();
        let int_cert = CertSpec {
            serial: vec![2],
            issuer_der: root_dn.to_der(),
            subject_der: int_dn.to_der(),
            not_before,
            not_after,
            spki_der: int_spki.clone(),
            extensions: vec![
                Extension::basic_constraints(true, Some(0)),
                Extension::key_usage(KU_KEY_CERT_SIGN | KU_CRL_SIGN),
                Extension::subject_key_id(&int_spki),
                Extension::authority_key_id(&root_spki),
            ],
        }
        .sign(&root.key, Digest::Sha256)?;
        Ok(Self {
            not_before,
            not_after,
            root,
            intermediate: Issued {
                cert: int_cert,
                key: int_key,
            },
            next_serial: 0x1000,
            next_key: 2,
            fresh_keys,
            revoked: Vec::new(),
            subjects: Vec::new(),
        })
    }

    /// The root CA.
    pub fn root(&self) -> &Issued {
        &self.root
    }

    /// The intermediate (issuing) CA.
    pub fn intermediate(&self) -> &Issued {
        &self.intermediate
    }

    /// Changes the validity of certificates issued from now on.
    pub fn set_validity(&mut self, not_before: UnixTime, not_after: UnixTime) {
        self.not_before = not_before;
        self.not_after = not_after;
    }

    /// A key for the next certificate (pooled unless fresh keys were asked for).
    pub fn next_key(&mut self) -> Result<PrivateKey> {
        let i = self.next_key;
        self.next_key = self.next_key.saturating_add(1);
        if self.fresh_keys {
            PrivateKey::generate_rsa(2048)
        } else {
            pooled_key(i)
        }
    }

    fn ca(&self, signer: Signer) -> &Issued {
        match signer {
            Signer::Root => &self.root,
            Signer::Intermediate => &self.intermediate,
        }
    }

    /// Issues an end-entity certificate as described.
    pub fn issue(&mut self, spec: &EndEntitySpec<'_>) -> Result<Issued> {
        let key = self.next_key()?;
        let subject = Dn::parse(spec.subject)?;
        let serial = self.next_serial;
        self.next_serial = self.next_serial.saturating_add(1);
        let (not_before, not_after) = spec.validity.unwrap_or((self.not_before, self.not_after));
        let ca = self.ca(spec.signer);
        let spki = key.public_key_spki_der().to_vec();
        let mut extensions = vec![
            Extension::basic_constraints(false, None),
            Extension::key_usage(spec.key_usage),
        ];
        if !spec.eku.is_empty() {
            extensions.push(Extension::ext_key_usage(spec.eku));
        }
        extensions.push(Extension::subject_key_id(&spki));
        extensions.push(Extension::authority_key_id(ca.cert.public_key_spki_der()));
        if !spec.sans.is_empty() {
            extensions.push(Extension::subject_alt_name(spec.sans));
        }
        let cert = CertSpec {
            serial: serial.to_be_bytes().to_vec(),
            issuer_der: ca.cert.subject().as_der().to_vec(),
            subject_der: subject.to_der(),
            not_before,
            not_after,
            spki_der: spki,
            extensions,
        }
        .sign(&ca.key, Digest::Sha256)?;
        self.subjects.push(subject);
        Ok(Issued { cert, key })
    }

    /// A user certificate with a grid-style DN such as
    /// `/DC=org/DC=example/OU=People/CN=Alice Example` (clientAuth, e-mail protection).
    pub fn user(&mut self, dn: &str) -> Result<Issued> {
        self.issue(&EndEntitySpec {
            subject: dn,
            sans: &[],
            eku: &[oid::KP_CLIENT_AUTH, KP_EMAIL_PROTECTION],
            key_usage: KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_NON_REPUDIATION,
            signer: Signer::Intermediate,
            validity: None,
        })
    }

    /// A host certificate `<HOST_BASE_DN>/CN=<fqdn>` with subjectAltName `fqdn` plus
    /// `sans` (serverAuth and clientAuth).
    pub fn host(&mut self, fqdn: &str, sans: &[&str]) -> Result<Issued> {
        let subject = format!("{HOST_BASE_DN}/CN={fqdn}");
        let mut all = vec![fqdn];
        all.extend(sans.iter().copied().filter(|s| *s != fqdn));
        self.issue(&EndEntitySpec {
            subject: &subject,
            sans: &all,
            eku: &[oid::KP_SERVER_AUTH, oid::KP_CLIENT_AUTH],
            key_usage: KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT,
            signer: Signer::Intermediate,
            validity: None,
        })
    }

    /// A service certificate `<HOST_BASE_DN>/CN=<service>/<host>` with subjectAltName
    /// `<service>/<host>` and `<host>` (e.g. `tw/host.example.org`).
    pub fn service(&mut self, service: &str, host: &str) -> Result<Issued> {
        let name = format!("{service}/{host}");
        let subject = format!("{HOST_BASE_DN}/CN={}", escape_slash(&name));
        self.issue(&EndEntitySpec {
            subject: &subject,
            sans: &[&name, host],
            eku: &[oid::KP_SERVER_AUTH, oid::KP_CLIENT_AUTH],
            key_usage: KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT,
            signer: Signer::Intermediate,
            validity: None,
        })
    }

    /// A VOMS server certificate `<SERVICE_BASE_DN>/CN=<host>` (it signs attribute
    /// certificates: digitalSignature; serverAuth and clientAuth).
    pub fn voms_server(&mut self, host: &str) -> Result<Issued> {
        let subject = format!("{SERVICE_BASE_DN}/CN={host}");
        self.issue(&EndEntitySpec {
            subject: &subject,
            sans: &[host],
            eku: &[oid::KP_SERVER_AUTH, oid::KP_CLIENT_AUTH],
            key_usage: KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT,
            signer: Signer::Intermediate,
            validity: None,
        })
    }

    /// Marks `cert` (issued by this PKI) revoked at `date`; it appears in the CRLs made
    /// afterwards.
    pub fn revoke(&mut self, cert: &Certificate, date: UnixTime) {
        let signer = if cert.issuer() == self.root.cert.subject() {
            Signer::Root
        } else {
            Signer::Intermediate
        };
        self.revoked
            .push((signer, cert.serial_bytes().to_vec(), date));
    }

    /// A CRL of `signer` listing the revoked certificates, as DER.
    pub fn crl_der(
        &self,
        signer: Signer,
        this_update: UnixTime,
        next_update: UnixTime,
    ) -> Result<Vec<u8>> {
        let revoked: Vec<Revoked> = self
            .revoked
            .iter()
            .filter(|(s, _, _)| *s == signer)
            .map(|(_, serial, date)| Revoked {
                serial: serial.clone(),
                date: *date,
            })
            .collect();
        let ca = self.ca(signer);
        sign_crl(&ca.cert, &ca.key, &revoked, this_update, next_update, 1)
    }

    /// A CRL of `signer` listing the revoked certificates.
    pub fn crl(&self, signer: Signer, this_update: UnixTime, next_update: UnixTime) -> Result<Crl> {
        let der = self.crl_der(signer, this_update, next_update)?;
        Crl::from_der(&der, "fixture CRL")
    }

    /// A proxy of `kind` for `signer` (a user, host or service credential) at `now`,
    /// 12 h lifetime, with a pooled RSA-2048 key.
    pub fn proxy(&mut self, signer: &Issued, kind: ProxyKind, now: UnixTime) -> Result<NewProxy> {
        let key = self.next_key()?;
        let chain = [signer.cert.clone()];
        ProxyBuilder::new(&chain, &signer.key)
            .kind(kind)
            .key(KeySpec::Existing(key))
            .build(now)
    }

    /// A proxy signed by another proxy (delegation), with a pooled key.
    pub fn delegate(
        &mut self,
        proxy: &NewProxy,
        kind: ProxyKind,
        now: UnixTime,
    ) -> Result<NewProxy> {
        let key = self.next_key()?;
        let chain = proxy.certificates();
        ProxyBuilder::new(&chain, &proxy.key)
            .kind(kind)
            .key(KeySpec::Existing(key))
            .build(now)
    }

    /// Writes a CA directory as `/etc/grid-security/certificates` holds it: for each
    /// CA `<hash>.0` (PEM), `<hash>.r0` (its CRL, valid over the PKI's validity),
    /// `<hash>.signing_policy` and `<hash>.namespaces`. Returns the file paths.
    pub fn write_ca_dir(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
        let mut written = Vec::new();
        // Namespaces the CAs may sign: the parent of every subject issued, and of the
        // CAs themselves.
        let mut prefixes: Vec<String> = Vec::new();
        for dn in self
            .subjects
            .iter()
            .chain([self.root.cert.subject(), self.intermediate.cert.subject()])
        {
            if let Some(p) = dn.parent()
                && !p.is_empty()
            {
                let s = p.to_openssl();
                if !prefixes.contains(&s) {
                    prefixes.push(s);
                }
            }
        }
        for (signer, ca) in [
            (Signer::Root, &self.root),
            (Signer::Intermediate, &self.intermediate),
        ] {
            let hash = format!("{:08x}", ca.cert.subject_hash());
            let subject = ca.cert.subject().to_openssl();
            let pem = dir.join(format!("{hash}.0"));
            crate::write::write_atomic(&pem, ca.cert_pem().as_bytes(), 0o644)?;
            let crl = self.crl_der(signer, self.not_before, self.not_after)?;
            let crl_path = dir.join(format!("{hash}.r0"));
            let crl_pem = crate::key::pem_encode("X509 CRL", &crl);
            crate::write::write_atomic(&crl_path, crl_pem.as_bytes(), 0o644)?;
            let conds: Vec<String> = prefixes.iter().map(|p| format!("\"{p}/*\"")).collect();
            let policy = format!(
                "# EACL for {subject} (gridauth test PKI)\naccess_id_CA      X509         '{subject}'\npos_rights        globus        CA:sign\ncond_subjects     globus       '{}'\n",
                conds.join(" ")
            );
            let sp = dir.join(format!("{hash}.signing_policy"));
            crate::write::write_atomic(&sp, policy.as_bytes(), 0o644)?;
            let mut ns = format!("# Namespaces for {subject} (gridauth test PKI)\n");
            for p in &prefixes {
                ns.push_str(&format!(
                    "TO Issuer \"{subject}\" \\\n  PERMIT Subject \"{}/.*\"\n",
                    p.replace('.', "\\.")
                ));
            }
            let nsp = dir.join(format!("{hash}.namespaces"));
            crate::write::write_atomic(&nsp, ns.as_bytes(), 0o644)?;
            written.extend([pem, crl_path, sp, nsp]);
        }
        Ok(written)
    }
}

/// id-kp-emailProtection.
const KP_EMAIL_PROTECTION: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.4");

/// In slash-form DNs a `/` inside a value is written `\/`.
fn escape_slash(s: &str) -> String {
    s.replace('/', "\\/")
}

/// What [`mint`] wrote.
#[derive(Clone, Debug)]
pub struct MintedFiles {
    /// The CA directory.
    pub ca_dir: PathBuf,
    /// Every file written, relative paths under the target folder first.
    pub files: Vec<PathBuf>,
}

/// Writes a complete test set under `dir` (what `gridauth pki mint DIR` does):
/// `certificates/` (CA directory with CRLs, signing policies, namespaces),
/// `user/usercert.pem`, `user/userkey.pem`, `user/userkey-encrypted.pem` (passphrase
/// given), `host/`, `service/`, `voms/` credentials, and `proxy/` files of every kind
/// made at `now`. One user certificate (`revoked/`) is revoked in the CRL.
pub fn mint(
    dir: &Path,
    not_before: UnixTime,
    not_after: UnixTime,
    now: UnixTime,
    passphrase: &Passphrase,
) -> Result<MintedFiles> {
    let mut pki = TestPki::new(not_before, not_after)?;
    let mkdir = |p: &Path| std::fs::create_dir_all(p).map_err(|e| Error::io(p, &e));
    let mut files = Vec::new();
    let user = pki.user("/DC=org/DC=gridauth-test/OU=People/CN=Test User")?;
    let user_dir = dir.join("user");
    mkdir(&user_dir)?;
    let (c, k) = user.write_pem(&user_dir, "user")?;
    files.extend([c, k]);
    let enc = user_dir.join("userkey-encrypted.pem");
    user.write_encrypted_key(&enc, passphrase)?;
    files.push(enc);

    let revoked = pki.user("/DC=org/DC=gridauth-test/OU=People/CN=Revoked User")?;
    pki.revoke(&revoked.cert, not_before);
    let rdir = dir.join("revoked");
    mkdir(&rdir)?;
    let (c, k) = revoked.write_pem(&rdir, "user")?;
    files.extend([c, k]);

    let host = pki.host("host.gridauth-test.org", &["alias.gridauth-test.org"])?;
    let hdir = dir.join("host");
    mkdir(&hdir)?;
    let (c, k) = host.write_pem(&hdir, "host")?;
    files.extend([c, k]);

    let service = pki.service("tw", "host.gridauth-test.org")?;
    let sdir = dir.join("service");
    mkdir(&sdir)?;
    let (c, k) = service.write_pem(&sdir, "service")?;
    files.extend([c, k]);

    let voms = pki.voms_server("voms.gridauth-test.org")?;
    let vdir = dir.join("voms");
    mkdir(&vdir)?;
    let (c, k) = voms.write_pem(&vdir, "voms")?;
    files.extend([c, k]);

    let pdir = dir.join("proxy");
    mkdir(&pdir)?;
    for (name, kind) in [
        ("x509up_rfc", ProxyKind::Impersonation),
        ("x509up_limited", ProxyKind::Limited),
        ("x509up_independent", ProxyKind::Independent),
        ("x509up_legacy", ProxyKind::LegacyFull),
        ("x509up_legacy_limited", ProxyKind::LegacyLimited),
    ] {
        let p = pki.proxy(&user, kind, now)?;
        let path = pdir.join(name);
        p.write(&path)?;
        files.push(path);
    }
    let first = pki.proxy(&user, ProxyKind::Impersonation, now)?;
    let second = pki.delegate(&first, ProxyKind::Impersonation, now)?;
    let path = pdir.join("x509up_delegated");
    second.write(&path)?;
    files.push(path);

    let ca_dir = dir.join("certificates");
    files.extend(pki.write_ca_dir(&ca_dir)?);
    Ok(MintedFiles { ca_dir, files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pki_in_memory() {
        let nb = UnixTime::from_civil(2026, 1, 1, 0, 0, 0);
        let na = UnixTime::from_civil(2027, 1, 1, 0, 0, 0);
        let mut pki = TestPki::new(nb, na).unwrap();
        let u = pki.user("/DC=org/DC=example/CN=Alice").unwrap();
        assert_eq!(u.cert.issuer(), pki.intermediate().cert.subject());
        assert!(u.key.matches_spki(u.cert.public_key_spki_der()));
        assert_eq!(u.cert.not_before(), nb);
        let s = pki.service("tw", "host.example.org").unwrap();
        assert!(s.cert.subject().to_openssl().contains("tw"));
        // A second PKI reuses the pooled keys.
        let pki2 = TestPki::new(nb, na).unwrap();
        assert!(
            pki2.root()
                .key
                .matches_spki(pki.root().cert.public_key_spki_der())
        );
    }
}
