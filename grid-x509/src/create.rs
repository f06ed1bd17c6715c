//! Creating proxy certificates (RFC 3820 and legacy Globus), and the certificate and
//! CRL encoder the test PKI fixtures share.
//!
//! What is built copies `grid-proxy-init` (Globus GSI, OpenSSL 3 era) byte for byte
//! where it matters to peers: a random 31-bit serial that is also the new CN, notBefore
//! five minutes in the past, notAfter `now + lifetime` (never past the signer's),
//! the signer's extendedKeyUsage (copied), critical keyUsage `digitalSignature,
//! keyEncipherment` (the signer's bits minus nonRepudiation, keyCertSign, cRLSign),
//! critical proxyCertInfo with
//! the policy language (and pCPathLenConstraint when given), sha256WithRSAEncryption.
//! Legacy proxies carry the signer's serial and `CN=proxy` / `CN=limited proxy`.

use std::path::Path;

use const_oid::ObjectIdentifier as Oid;
use zeroize::Zeroizing;

use crate::cert::Certificate;
use crate::error::{Error, Result};
use crate::key::{Digest, PrivateKey, der_wrap, pem_encode};
use crate::oid;
use crate::proxy::{CertKind, ProxyFamily, ProxyPolicy};
use crate::time::{UnixTime, format_hms};

/// Default proxy lifetime: 12 hours, as `grid-proxy-init` and `voms-proxy-init`.
pub const DEFAULT_PROXY_LIFETIME_SECS: i64 = 12 * 3600;

/// How far notBefore is set in the past, to absorb clock skew between hosts (Globus
/// uses five minutes).
pub const PROXY_BACKDATE_SECS: i64 = 300;

/// Deepest signer chain accepted when delegating (the chain validator's budget).
const MAX_SIGNER_CHAIN: usize = crate::limits::MAX_CHAIN_DEPTH;

/// Which kind of proxy to make.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum ProxyKind {
    /// RFC 3820 impersonation proxy (policy language inheritAll); the default.
    #[default]
    Impersonation,
    /// RFC 3820 proxy with the Globus limited policy language: services refuse to start
    /// jobs with it (`grid-proxy-init -limited`).
    Limited,
    /// RFC 3820 independent proxy: inherits no rights (`grid-proxy-init -independent`).
    Independent,
    /// RFC 3820 proxy with another policy language and optional policy bytes.
    Restricted {
        /// Policy language OID.
        language: Oid,
        /// The policy, if any.
        policy: Option<Vec<u8>>,
    },
    /// Legacy Globus (GT2) full proxy, `CN=proxy` (`grid-proxy-init -old`), for old
    /// services only.
    LegacyFull,
    /// Legacy Globus limited proxy, `CN=limited proxy` (`grid-proxy-init -old -limited`).
    LegacyLimited,
}

impl ProxyKind {
    fn is_legacy(&self) -> bool {
        matches!(self, ProxyKind::LegacyFull | ProxyKind::LegacyLimited)
    }

    fn is_limited(&self) -> bool {
        matches!(self, ProxyKind::Limited | ProxyKind::LegacyLimited)
    }

    fn name(&self) -> &'static str {
        match self {
            ProxyKind::Impersonation => "RFC 3820 impersonation",
            ProxyKind::Limited => "RFC 3820 limited",
            ProxyKind::Independent => "RFC 3820 independent",
            ProxyKind::Restricted { .. } => "RFC 3820 restricted",
            ProxyKind::LegacyFull => "legacy full",
            ProxyKind::LegacyLimited => "legacy limited",
        }
    }
}

/// The key of the new proxy.
#[derive(Clone, Debug)]
pub enum KeySpec {
    /// A fresh RSA key of this many bits (2048 by default; 1024 and 4096 are common).
    Rsa(u32),
    /// A fresh EC P-256 key.
    EcP256,
    /// A key made beforehand (for benchmarks, or a key pair generated elsewhere).
    Existing(PrivateKey),
}

impl Default for KeySpec {
    fn default() -> Self {
        KeySpec::Rsa(2048)
    }
}

/// Builds a proxy certificate signed by an end-entity certificate or by another proxy.
#[derive(Clone, Debug)]
pub struct ProxyBuilder<'a> {
    signer_certs: &'a [Certificate],
    signer_key: &'a PrivateKey,
    kind: ProxyKind,
    lifetime_secs: i64,
    key: KeySpec,
    path_length: Option<u32>,
    digest: Digest,
    serial: Option<u32>,
}

impl<'a> ProxyBuilder<'a> {
    /// `signer_certs`: the signing certificate first, then its chain (as in a
    /// `usercert.pem` or a proxy file); `signer_key`: the first certificate's key.
    pub fn new(signer_certs: &'a [Certificate], signer_key: &'a PrivateKey) -> Self {
        Self {
            signer_certs,
            signer_key,
            kind: ProxyKind::default(),
            lifetime_secs: DEFAULT_PROXY_LIFETIME_SECS,
            key: KeySpec::default(),
            path_length: None,
            digest: Digest::Sha256,
            serial: None,
        }
    }

    /// The kind of proxy (default: RFC 3820 impersonation).
    pub fn kind(mut self, kind: ProxyKind) -> Self {
        self.kind = kind;
        self
    }

    /// Lifetime in seconds from `now` (default 12 h). Shortened, with a warning, when
    /// the signer expires earlier.
    pub fn lifetime_secs(mut self, secs: i64) -> Self {
        self.lifetime_secs = secs;
        self
    }

    /// The new proxy's key (default: fresh RSA-2048).
    pub fn key(mut self, key: KeySpec) -> Self {
        self.key = key;
        self
    }

    /// pCPathLenConstraint: how many further proxies may be signed below this one
    /// (`None`: unlimited). Ignored for legacy proxies, which cannot carry it.
    pub fn path_length(mut self, path_length: Option<u32>) -> Self {
        self.path_length = path_length;
        self
    }

    /// Signature digest (default SHA-256, as `grid-proxy-init`).
    pub fn digest(mut self, digest: Digest) -> Self {
        self.digest = digest;
        self
    }

    /// A fixed serial (and CN) for RFC 3820 proxies instead of a random one; for
    /// reproducible tests.
    pub fn serial(mut self, serial: u32) -> Self {
        self.serial = Some(serial);
        self
    }

    /// Creates the proxy, valid from `now - 5 min` until `now + lifetime` (or the
    /// signer's expiry, whichever is earlier).
    pub fn build(self, now: UnixTime) -> Result<NewProxy> {
        let signer = self.signer_certs.first().ok_or(Error::NoCertificate {
            origin: "proxy signer certificates".into(),
        })?;
        if self.signer_certs.len() > MAX_SIGNER_CHAIN {
            return Err(Error::ChainTooLong {
                depth: self.signer_certs.len(),
                max: MAX_SIGNER_CHAIN,
            });
        }
        let signer_ref = signer.cert_ref(0);
        if !self.signer_key.matches_spki(signer.public_key_spki_der()) {
            return Err(Error::KeyMismatch { cert: signer_ref });
        }
        if self.lifetime_secs <= 0 {
            return Err(Error::ProxyLifetime {
                requested_secs: self.lifetime_secs,
                reason: "the lifetime must be positive",
            });
        }
        if now >= signer.not_after() {
            return Err(Error::Expired {
                cert: signer_ref,
                not_after: signer.not_after(),
                now,
            });
        }
        let signer_kind = CertKind::of(signer);
        match signer_kind {
            CertKind::Ca => return Err(Error::ProxyIssuedByCa { cert: signer_ref }),
            CertKind::EndEntity => {}
            CertKind::Proxy(t) => {
                if t.policy == ProxyPolicy::Limited && !self.kind.is_limited() {
                    return Err(Error::LimitedProxyIssuedFull { cert: signer_ref });
                }
                let legacy_signer = t.family == ProxyFamily::Legacy;
                if legacy_signer != self.kind.is_legacy() {
                    return Err(Error::MixedProxyKinds {
                        cert: signer_ref,
                        kind: self.kind.name(),
                    });
                }
                if let Some(pci) = &signer.extensions().proxy_cert_info
                    && pci.path_len == Some(0)
                {
                    return Err(Error::PathLengthExceeded {
                        cert: signer_ref,
                        limit: 0,
                        rule: "the signing proxy's pCPathLenConstraint is 0 (RFC 3820 §3.8)",
                    });
                }
            }
        }

        let mut warnings = Vec::new();
        let wanted = now.saturating_add(self.lifetime_secs);
        let (limit, limiter) = self
            .signer_certs
            .iter()
            .map(|c| (c.not_after(), c))
            .min_by_key(|(t, _)| *t)
            .unwrap_or((signer.not_after(), signer));
        let not_after = if wanted > limit {
            warnings.push(format!(
                "proxy lifetime shortened from {} to {}: {} expires at {}",
                format_hms(self.lifetime_secs),
                format_hms(now.seconds_until(limit)),
                limiter.subject().to_openssl(),
                limit
            ));
            limit
        } else {
            wanted
        };
        let not_before = now.saturating_add(-PROXY_BACKDATE_SECS);

        let key = match self.key {
            KeySpec::Rsa(bits) => PrivateKey::generate_rsa(bits)?,
            KeySpec::EcP256 => PrivateKey::generate_ec_p256()?,
            KeySpec::Existing(k) => k,
        };

        let (serial, cn) = if self.kind.is_legacy() {
            let cn = if self.kind.is_limited() {
                "limited proxy"
            } else {
                "proxy"
            };
            (signer.serial_bytes().to_vec(), cn.to_string())
        } else {
            let s = match self.serial {
                Some(s) => s,
                None => random_serial31()?,
            };
            (s.to_be_bytes().to_vec(), s.to_string())
        };
        let subject = signer.subject().try_with_cn(&cn)?;

        // keyUsage: the signer's bits minus those a proxy must not have (RFC 3820 §3.7:
        // keyCertSign; Globus also drops nonRepudiation), or dS+kE when it has none.
        let ku = match signer.extensions().key_usage {
            Some(k) => k.0 & !(KU_NON_REPUDIATION | KU_KEY_CERT_SIGN | KU_CRL_SIGN),
            None => KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT,
        };
        // Globus copies the signer's extendedKeyUsage, first, with its criticality.
        let mut extensions = Vec::with_capacity(3);
        if let Some(eku) = signer.extensions().raw(&oid::EXT_KEY_USAGE) {
            extensions.push(Extension {
                oid: oid::EXT_KEY_USAGE,
                critical: eku.critical,
                value: eku.value.clone(),
            });
        }
        extensions.push(Extension::key_usage(ku));
        let pci_policy = match &self.kind {
            ProxyKind::Impersonation => Some((oid::PPL_INHERIT_ALL, None)),
            ProxyKind::Limited => Some((oid::PPL_LIMITED, None)),
            ProxyKind::Independent => Some((oid::PPL_INDEPENDENT, None)),
            ProxyKind::Restricted { language, policy } => Some((*language, policy.clone())),
            ProxyKind::LegacyFull | ProxyKind::LegacyLimited => None,
        };
        if let Some((language, policy)) = pci_policy {
            extensions.push(Extension::proxy_cert_info(
                self.path_length,
                language,
                policy.as_deref(),
            ));
        } else if self.path_length.is_some() {
            warnings.push("legacy proxies cannot carry a path-length constraint; ignored".into());
        }

        let spec = CertSpec {
            serial,
            issuer_der: signer.subject().as_der().to_vec(),
            subject_der: subject.to_der(),
            not_before,
            not_after,
            spki_der: key.public_key_spki_der().to_vec(),
            extensions,
        };
        let cert = spec.sign(self.signer_key, self.digest)?;
        Ok(NewProxy {
            cert,
            key,
            chain: self.signer_certs.to_vec(),
            warnings,
        })
    }
}

/// A proxy just made: its certificate, key, the signer chain, and any warnings
/// (shortened lifetime).
#[derive(Clone, Debug)]
pub struct NewProxy {
    /// The proxy certificate.
    pub cert: Certificate,
    /// Its private key.
    pub key: PrivateKey,
    /// The signer and its chain, as given to the builder.
    pub chain: Vec<Certificate>,
    /// Things the user should know (lifetime shortened, option ignored).
    pub warnings: Vec<String>,
}

impl NewProxy {
    /// The proxy file: proxy certificate, its key, then the signer chain (the layout of
    /// `/tmp/x509up_u<uid>`).
    pub fn to_pem(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::new());
        out.push_str(&pem_encode("CERTIFICATE", self.cert.der()));
        out.push_str(&self.key.to_pem());
        for c in &self.chain {
            out.push_str(&pem_encode("CERTIFICATE", c.der()));
        }
        out
    }

    /// The proxy certificate followed by the chain (proxy first).
    pub fn certificates(&self) -> Vec<Certificate> {
        let mut v = Vec::with_capacity(self.chain.len().saturating_add(1));
        v.push(self.cert.clone());
        v.extend(self.chain.iter().cloned());
        v
    }

    /// Writes the proxy file atomically with mode 0600 from the first byte; an existing
    /// file is replaced only by a complete new one.
    pub fn write(&self, path: &Path) -> Result<()> {
        crate::write::write_atomic(path, self.to_pem().as_bytes(), 0o600)
    }
}

fn random_serial31() -> Result<u32> {
    loop {
        let mut b = [0u8; 4];
        openssl::rand::rand_bytes(&mut b).map_err(|e| Error::Crypto {
            operation: "random serial",
            reason: e.to_string(),
        })?;
        let s = u32::from_be_bytes(b) & 0x7fff_ffff;
        if s != 0 {
            return Ok(s);
        }
    }
}

// ----- certificate encoding (shared with the fixtures) ----------------------------------

pub(crate) const KU_DIGITAL_SIGNATURE: u16 = 1 << 0;
pub(crate) const KU_NON_REPUDIATION: u16 = 1 << 1;
pub(crate) const KU_KEY_ENCIPHERMENT: u16 = 1 << 2;
#[allow(dead_code)]
pub(crate) const KU_DATA_ENCIPHERMENT: u16 = 1 << 3;
pub(crate) const KU_KEY_CERT_SIGN: u16 = 1 << 5;
pub(crate) const KU_CRL_SIGN: u16 = 1 << 6;

/// One extension to encode.
#[derive(Clone, Debug)]
pub(crate) struct Extension {
    pub(crate) oid: Oid,
    pub(crate) critical: bool,
    /// extnValue content (the DER inside the OCTET STRING).
    pub(crate) value: Vec<u8>,
}

#[allow(dead_code)]
impl Extension {
    pub(crate) fn key_usage(bits: u16) -> Self {
        Self {
            oid: oid::KEY_USAGE,
            critical: true,
            value: bit_string_named(bits),
        }
    }

    pub(crate) fn basic_constraints(ca: bool, path_len: Option<u32>) -> Self {
        let mut body = Vec::new();
        if ca {
            body.extend_from_slice(&[0x01, 0x01, 0xff]);
            if let Some(n) = path_len {
                body.extend(der_uint(&n.to_be_bytes()));
            }
        }
        Self {
            oid: oid::BASIC_CONSTRAINTS,
            critical: true,
            value: der_wrap(0x30, &body),
        }
    }

    pub(crate) fn proxy_cert_info(
        path_len: Option<u32>,
        language: Oid,
        policy: Option<&[u8]>,
    ) -> Self {
        let mut pp = der_oid(&language);
        if let Some(p) = policy {
            pp.extend(der_wrap(0x04, p));
        }
        let mut body = Vec::new();
        if let Some(n) = path_len {
            body.extend(der_uint(&n.to_be_bytes()));
        }
        body.extend(der_wrap(0x30, &pp));
        Self {
            oid: oid::PROXY_CERT_INFO,
            critical: true,
            value: der_wrap(0x30, &body),
        }
    }

    pub(crate) fn ext_key_usage(purposes: &[Oid]) -> Self {
        let body: Vec<u8> = purposes.iter().flat_map(der_oid).collect();
        Self {
            oid: oid::EXT_KEY_USAGE,
            critical: false,
            value: der_wrap(0x30, &body),
        }
    }

    /// subjectAltName with dNSName entries (`host.example.org`, or service-prefixed
    /// names such as `tw/host.example.org` as some grid services use) and rfc822Name
    /// entries for values with `@`.
    pub(crate) fn subject_alt_name(names: &[&str]) -> Self {
        let mut body = Vec::new();
        for n in names {
            let tag = if n.contains('@') { 0x81 } else { 0x82 };
            body.extend(der_wrap(tag, n.as_bytes()));
        }
        Self {
            oid: oid::SUBJECT_ALT_NAME,
            critical: false,
            value: der_wrap(0x30, &body),
        }
    }

    pub(crate) fn subject_key_id(spki_der: &[u8]) -> Self {
        Self {
            oid: oid::SUBJECT_KEY_ID,
            critical: false,
            value: der_wrap(0x04, &key_id(spki_der)),
        }
    }

    pub(crate) fn authority_key_id(issuer_spki_der: &[u8]) -> Self {
        Self {
            oid: oid::AUTHORITY_KEY_ID,
            critical: false,
            value: der_wrap(0x30, &der_wrap(0x80, &key_id(issuer_spki_der))),
        }
    }

    pub(crate) fn certificate_policies(policies: &[Oid]) -> Self {
        let body: Vec<u8> = policies
            .iter()
            .flat_map(|p| der_wrap(0x30, &der_oid(p)))
            .collect();
        Self {
            oid: oid::CERTIFICATE_POLICIES,
            critical: false,
            value: der_wrap(0x30, &body),
        }
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut body = der_oid(&self.oid);
        if self.critical {
            body.extend_from_slice(&[0x01, 0x01, 0xff]);
        }
        body.extend(der_wrap(0x04, &self.value));
        der_wrap(0x30, &body)
    }
}

/// SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1), as OpenSSL makes
/// key identifiers.
fn key_id(spki_der: &[u8]) -> Vec<u8> {
    let bits = spki::SubjectPublicKeyInfoRef::try_from(spki_der)
        .ok()
        .and_then(|s| s.subject_public_key.as_bytes().map(<[u8]>::to_vec))
        .unwrap_or_else(|| spki_der.to_vec());
    openssl::sha::sha1(&bits).to_vec()
}

/// A named BIT STRING (RFC 5280 keyUsage): bit 0 is the most significant bit; DER drops
/// trailing zero bits.
fn bit_string_named(bits: u16) -> Vec<u8> {
    let mut bytes = [0u8; 2];
    for i in 0..9u16 {
        if bits & (1 << i) != 0 {
            let (byte, shift) = (usize::from(i / 8), 7 - (i % 8));
            if let Some(b) = bytes.get_mut(byte) {
                *b |= 1 << shift;
            }
        }
    }
    let used = if bytes[1] != 0 {
        2
    } else if bytes[0] != 0 {
        1
    } else {
        0
    };
    let content = bytes.get(..used).unwrap_or_default();
    let unused = content
        .last()
        .map_or(0, |b| u8::try_from(b.trailing_zeros()).unwrap_or(0));
    let mut body = vec![unused];
    body.extend_from_slice(content);
    der_wrap(0x03, &body)
}

pub(crate) fn der_oid(o: &Oid) -> Vec<u8> {
    der_wrap(0x06, o.as_bytes())
}

/// DER INTEGER of an unsigned big-endian value.
pub(crate) fn der_uint(be: &[u8]) -> Vec<u8> {
    let skip = be.iter().take_while(|&&b| b == 0).count();
    let digits = be.get(skip..).unwrap_or_default();
    let mut body = Vec::with_capacity(digits.len().saturating_add(1));
    if digits.first().is_none_or(|&b| b & 0x80 != 0) {
        body.push(0);
    }
    body.extend_from_slice(digits);
    der_wrap(0x02, &body)
}

/// UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5).
pub(crate) fn der_time(t: UnixTime) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = t.to_civil();
    if (1950..2050).contains(&y) {
        let text = format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y.rem_euclid(100));
        der_wrap(0x17, text.as_bytes())
    } else {
        let text = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z");
        der_wrap(0x18, text.as_bytes())
    }
}

/// What goes into one certificate.
#[derive(Clone, Debug)]
pub(crate) struct CertSpec {
    /// Unsigned big-endian serial.
    pub(crate) serial: Vec<u8>,
    pub(crate) issuer_der: Vec<u8>,
    pub(crate) subject_der: Vec<u8>,
    pub(crate) not_before: UnixTime,
    pub(crate) not_after: UnixTime,
    pub(crate) spki_der: Vec<u8>,
    pub(crate) extensions: Vec<Extension>,
}

impl CertSpec {
    /// Encodes the TBSCertificate (RFC 5280 §4.1), signs it and parses the result.
    pub(crate) fn sign(&self, signer: &PrivateKey, digest: Digest) -> Result<Certificate> {
        let sig_alg = signer.signature_algorithm_der(digest);
        let mut tbs = Vec::with_capacity(1024);
        tbs.extend(der_wrap(0xa0, &der_uint(&[2])));
        tbs.extend(der_uint(&self.serial));
        tbs.extend_from_slice(&sig_alg);
        tbs.extend_from_slice(&self.issuer_der);
        let mut validity = der_time(self.not_before);
        validity.extend(der_time(self.not_after));
        tbs.extend(der_wrap(0x30, &validity));
        tbs.extend_from_slice(&self.subject_der);
        tbs.extend_from_slice(&self.spki_der);
        if !self.extensions.is_empty() {
            let exts: Vec<u8> = self.extensions.iter().flat_map(Extension::encode).collect();
            tbs.extend(der_wrap(0xa3, &der_wrap(0x30, &exts)));
        }
        let tbs = der_wrap(0x30, &tbs);
        let der = signed_envelope(&tbs, &sig_alg, signer, digest)?;
        Certificate::from_der_at(&der, "new certificate", 0)
    }
}

/// `SEQUENCE { tbs, algorithm, BIT STRING signature }` (certificates and CRLs).
pub(crate) fn signed_envelope(
    tbs: &[u8],
    sig_alg: &[u8],
    signer: &PrivateKey,
    digest: Digest,
) -> Result<Vec<u8>> {
    let sig = signer.sign(digest, tbs)?;
    let mut bits = Vec::with_capacity(sig.len().saturating_add(1));
    bits.push(0);
    bits.extend_from_slice(&sig);
    let mut body = Vec::with_capacity(tbs.len().saturating_add(sig.len()).saturating_add(32));
    body.extend_from_slice(tbs);
    body.extend_from_slice(sig_alg);
    body.extend(der_wrap(0x03, &bits));
    Ok(der_wrap(0x30, &body))
}

/// One revoked entry of a CRL.
#[derive(Clone, Debug)]
#[allow(dead_code)]
pub(crate) struct Revoked {
    pub(crate) serial: Vec<u8>,
    pub(crate) date: UnixTime,
}

/// Encodes and signs a v2 CRL with authorityKeyIdentifier and cRLNumber.
#[allow(dead_code)]
pub(crate) fn sign_crl(
    issuer: &Certificate,
    issuer_key: &PrivateKey,
    revoked: &[Revoked],
    this_update: UnixTime,
    next_update: UnixTime,
    number: u64,
) -> Result<Vec<u8>> {
    let digest = Digest::Sha256;
    let sig_alg = issuer_key.signature_algorithm_der(digest);
    let mut tbs = der_uint(&[1]);
    tbs.extend_from_slice(&sig_alg);
    tbs.extend_from_slice(issuer.subject().as_der());
    tbs.extend(der_time(this_update));
    tbs.extend(der_time(next_update));
    if !revoked.is_empty() {
        let entries: Vec<u8> = revoked
            .iter()
            .flat_map(|r| {
                let mut e = der_uint(&r.serial);
                e.extend(der_time(r.date));
                der_wrap(0x30, &e)
            })
            .collect();
        tbs.extend(der_wrap(0x30, &entries));
    }
    let aki = Extension::authority_key_id(issuer.public_key_spki_der());
    let number = Extension {
        oid: oid::CRL_NUMBER,
        critical: false,
        value: der_uint(&number.to_be_bytes()),
    };
    let exts: Vec<u8> = [aki, number].iter().flat_map(Extension::encode).collect();
    tbs.extend(der_wrap(0xa0, &der_wrap(0x30, &exts)));
    let tbs = der_wrap(0x30, &tbs);
    signed_envelope(&tbs, &sig_alg, issuer_key, digest)
}

/// PEM of a certificate.
#[cfg_attr(not(feature = "fixtures"), allow(dead_code))]
pub(crate) fn cert_pem(cert: &Certificate) -> String {
    pem_encode("CERTIFICATE", cert.der()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_bits_match_grid_proxy_init() {
        // grid-proxy-init writes 03 02 05 A0 for digitalSignature + keyEncipherment.
        assert_eq!(
            bit_string_named(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT),
            [0x03, 0x02, 0x05, 0xa0]
        );
        assert_eq!(
            bit_string_named(KU_KEY_CERT_SIGN | KU_CRL_SIGN),
            [0x03, 0x02, 0x01, 0x06]
        );
        assert_eq!(bit_string_named(1 << 8), [0x03, 0x03, 0x07, 0x00, 0x80]);
    }

    #[test]
    fn proxy_cert_info_matches_grid_proxy_init() {
        // Observed from grid-proxy-init (default and -path-length 2).
        let e = Extension::proxy_cert_info(None, oid::PPL_INHERIT_ALL, None);
        assert_eq!(
            e.value,
            [
                0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x15, 0x01
            ]
        );
        let e = Extension::proxy_cert_info(Some(2), oid::PPL_INHERIT_ALL, None);
        assert_eq!(
            e.value,
            [
                0x30, 0x0f, 0x02, 0x01, 0x02, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05,
                0x07, 0x15, 0x01
            ]
        );
    }

    #[test]
    fn integers_and_times() {
        assert_eq!(der_uint(&[0, 0, 0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(der_uint(&[]), [0x02, 0x01, 0x00]);
        assert_eq!(der_uint(&0x1234u32.to_be_bytes()), [0x02, 0x02, 0x12, 0x34]);
        let t = UnixTime::from_civil(2026, 11, 23, 6, 14, 27);
        assert_eq!(der_time(t), [&[0x17, 13][..], b"261123061427Z"].concat());
        let t = UnixTime::from_civil(2050, 1, 1, 0, 0, 0);
        assert_eq!(der_time(t), [&[0x18, 15][..], b"20500101000000Z"].concat());
    }
}
