//! PKCS#10 certificate requests (RFC 2986): a new key and a signed request for a
//! subject and subjectAltNames, as `openssl req -new -newkey rsa:2048 -subj ... -nodes`
//! makes them for a grid CA's web form; and reading a request back to check the
//! certificate the CA returns.
//!
//! The request carries version 0, the subject, the key, and an `extensionRequest`
//! attribute (PKCS#9) with a non-critical subjectAltName when names are requested. It is
//! signed with SHA-256 (`sha256WithRSAEncryption` or `ecdsa-with-SHA256`).

use std::fmt;
use std::net::IpAddr;
use std::path::Path;

use const_oid::ObjectIdentifier as Oid;
use der::{Decode as _, Encode as _};
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::request::CertReq;

use crate::cert::{PublicKey, SignatureAlgorithm};
use crate::create::{Extension, KeySpec, signed_envelope};
use crate::dn::Dn;
use crate::error::{Error, Result};
use crate::key::{Digest, PrivateKey, der_wrap, pem_encode};
use crate::secret::Passphrase;
use crate::{oid, write};

/// PKCS#9 extensionRequest (RFC 2985 §5.4.2).
const EXTENSION_REQUEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.14");

/// Most subjectAltNames in one request (a budget: real host and service requests carry
/// a handful).
pub const MAX_REQUEST_SANS: usize = 256;

/// Longest DNS name (RFC 1035 §2.3.4), plus room for a service prefix.
const MAX_DNS_NAME: usize = 253 + 64;

/// The PEM label of a PKCS#10 request.
pub const CSR_PEM_LABEL: &str = "CERTIFICATE REQUEST";

/// One subjectAltName to request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SanName {
    /// A dNSName: `host.example.org`, or a service-prefixed name such as
    /// `tw/host.example.org` (CERN service certificates carry both forms).
    Dns(String),
    /// An iPAddress (IPv4 or IPv6).
    Ip(IpAddr),
}

impl SanName {
    /// Parses `DNS:name`, `IP:address`, or a bare value: an IP address when it parses as
    /// one, else a DNS name. DNS names are ASCII letters, digits and `-` in labels of at
    /// most 63 characters, an optional leading `*.` label, and an optional service prefix
    /// ending in `/` (`tw/host.example.org`).
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidSan {
            name: text.chars().take(MAX_DNS_NAME).collect(),
            reason: reason.into(),
        };
        if let Some(ip) = text
            .strip_prefix("IP:")
            .or_else(|| text.strip_prefix("IP Address:"))
        {
            return ip
                .trim()
                .parse::<IpAddr>()
                .map(SanName::Ip)
                .map_err(|_| bad("not an IPv4 or IPv6 address"));
        }
        let dns = match text.strip_prefix("DNS:") {
            Some(d) => d.trim(),
            None => {
                if let Ok(ip) = text.parse::<IpAddr>() {
                    return Ok(SanName::Ip(ip));
                }
                text
            }
        };
        check_dns_name(dns).map_err(bad)?;
        Ok(SanName::Dns(dns.to_ascii_lowercase()))
    }

    /// The form `openssl x509 -text` prints and [`crate::Extensions::subject_alt_names`]
    /// holds: `DNS:host.example.org`, `IP Address:192.0.2.1`.
    pub fn to_openssl(&self) -> String {
        match self {
            SanName::Dns(d) => format!("DNS:{d}"),
            SanName::Ip(ip) => format!("IP Address:{ip}"),
        }
    }

    fn to_general_name_der(&self) -> Vec<u8> {
        match self {
            SanName::Dns(d) => der_wrap(0x82, d.as_bytes()),
            SanName::Ip(IpAddr::V4(v4)) => der_wrap(0x87, &v4.octets()),
            SanName::Ip(IpAddr::V6(v6)) => der_wrap(0x87, &v6.octets()),
        }
    }
}

impl fmt::Display for SanName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_openssl())
    }
}

fn check_dns_name(name: &str) -> std::result::Result<(), &'static str> {
    if name.is_empty() {
        return Err("empty name");
    }
    if name.len() > MAX_DNS_NAME {
        return Err("longer than a DNS name can be");
    }
    let host = match name.split_once('/') {
        Some((prefix, host)) => {
            if prefix.is_empty()
                || !prefix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
            {
                return Err(
                    "the service prefix before '/' must be letters, digits, '-', '_' or '.'",
                );
            }
            host
        }
        None => name,
    };
    if host.len() > 253 {
        return Err("host name longer than 253 characters");
    }
    let host = host.strip_prefix("*.").unwrap_or(host);
    if host.is_empty() {
        return Err("no host name");
    }
    for label in host.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err("every DNS label must be 1 to 63 characters");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err("a DNS name holds ASCII letters, digits, '-' and '.' only");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a DNS label cannot start or end with '-'");
        }
    }
    Ok(())
}

/// The subjectAltNames a host or service certificate conventionally carries when none
/// are given: the CN when it is a host name, and for a service CN `svc/host` both
/// `svc/host` and `host`. Empty for a CN that is not a host name (a person's name).
pub fn default_sans_for(subject: &Dn) -> Vec<SanName> {
    let Some(cn) = subject.last_cn() else {
        return Vec::new();
    };
    if !cn.contains('.') || check_dns_name(cn).is_err() {
        return Vec::new();
    }
    let mut out = vec![SanName::Dns(cn.to_ascii_lowercase())];
    if let Some((_, host)) = cn.split_once('/') {
        out.push(SanName::Dns(host.to_ascii_lowercase()));
    }
    out
}

/// Builds a new key and a PKCS#10 request for it.
#[derive(Clone, Debug)]
pub struct CsrBuilder {
    subject: Dn,
    sans: Vec<SanName>,
    key: KeySpec,
}

impl CsrBuilder {
    /// A request for `subject` (parse it with [`Dn::parse`]: slash form or `CN=...`),
    /// with a fresh RSA-2048 key and no subjectAltName.
    pub fn new(subject: Dn) -> Self {
        Self {
            subject,
            sans: Vec::new(),
            key: KeySpec::Rsa(2048),
        }
    }

    /// Adds one subjectAltName (duplicates are dropped).
    pub fn san(mut self, name: SanName) -> Self {
        if !self.sans.contains(&name) {
            self.sans.push(name);
        }
        self
    }

    /// Adds several subjectAltNames.
    pub fn sans(self, names: impl IntoIterator<Item = SanName>) -> Self {
        names.into_iter().fold(self, CsrBuilder::san)
    }

    /// The key: `KeySpec::Rsa(2048)` (default), `Rsa(3072)`, `Rsa(4096)`, `EcP256`, or a
    /// key made beforehand.
    pub fn key(mut self, key: KeySpec) -> Self {
        self.key = key;
        self
    }

    /// Generates the key (unless one was given) and signs the request with SHA-256.
    pub fn build(self) -> Result<NewRequest> {
        if self.subject.is_empty() {
            return Err(Error::DnParse {
                input: String::new(),
                position: 0,
                reason:
                    "a certificate request needs a non-empty subject, e.g. /CN=host.example.org"
                        .into(),
            });
        }
        if self.sans.len() > MAX_REQUEST_SANS {
            return Err(Error::InvalidSan {
                name: format!("{} names", self.sans.len()),
                reason: format!("more than {MAX_REQUEST_SANS} subjectAltNames"),
            });
        }
        let key = match self.key {
            KeySpec::Rsa(bits) => PrivateKey::generate_rsa(bits)?,
            KeySpec::EcP256 => PrivateKey::generate_ec_p256()?,
            KeySpec::Existing(k) => k,
        };
        let der = encode_request(&self.subject, &self.sans, &key)?;
        let request = CertificateRequest::from_der(&der, "new certificate request")?;
        Ok(NewRequest { request, key })
    }
}

/// CertificationRequestInfo, signed.
fn encode_request(subject: &Dn, sans: &[SanName], key: &PrivateKey) -> Result<Vec<u8>> {
    let mut info = der_wrap(0x02, &[0]);
    info.extend_from_slice(&subject.to_der());
    info.extend_from_slice(key.public_key_spki_der());
    let attributes = if sans.is_empty() {
        Vec::new()
    } else {
        let names: Vec<u8> = sans.iter().flat_map(SanName::to_general_name_der).collect();
        let san = Extension {
            oid: oid::SUBJECT_ALT_NAME,
            critical: false,
            value: der_wrap(0x30, &names),
        };
        let extensions = der_wrap(0x30, &san.encode());
        let mut attr = crate::create::der_oid(&EXTENSION_REQUEST);
        attr.extend(der_wrap(0x31, &extensions));
        der_wrap(0x30, &attr)
    };
    info.extend(der_wrap(0xa0, &attributes));
    let info = der_wrap(0x30, &info);
    let sig_alg = key.signature_algorithm_der(Digest::Sha256);
    signed_envelope(&info, &sig_alg, key, Digest::Sha256)
}

/// A key and the request made for it.
#[derive(Clone, Debug)]
pub struct NewRequest {
    /// The request, to send to the CA.
    pub request: CertificateRequest,
    /// The new private key. It never leaves this machine.
    pub key: PrivateKey,
}

impl NewRequest {
    /// Writes the key atomically with mode 0400 from the first byte: PKCS#8 encrypted
    /// with PBES2 (PBKDF2-SHA256, AES-256-CBC) when a passphrase is given, else
    /// unencrypted (as `openssl req -nodes`, what a service's host key must be).
    pub fn write_key(&self, path: &Path, passphrase: Option<&Passphrase>) -> Result<()> {
        match passphrase {
            Some(p) => {
                let pem = zeroize::Zeroizing::new(self.key.to_encrypted_pkcs8_pem(p)?);
                write::write_atomic(path, pem.as_bytes(), 0o400)
            }
            None => write::write_atomic(path, self.key.to_pem().as_bytes(), 0o400),
        }
    }

    /// Writes the request as PEM (mode 0644; it holds nothing secret).
    pub fn write_request(&self, path: &Path) -> Result<()> {
        write::write_atomic(path, self.request.to_pem().as_bytes(), 0o644)
    }
}

/// A PKCS#10 certificate request whose signature has been verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRequest {
    der: Vec<u8>,
    subject: Dn,
    spki: Vec<u8>,
    sans: Vec<String>,
    signature_algorithm: SignatureAlgorithm,
}

impl CertificateRequest {
    /// Reads a request from PEM (`CERTIFICATE REQUEST` or `NEW CERTIFICATE REQUEST`) or
    /// DER, and verifies its self-signature.
    pub fn from_pem_or_der(data: &[u8], origin: &str) -> Result<Self> {
        let blocks = crate::bundle::pem_blocks(data, origin)?;
        if blocks.is_empty() {
            return Self::from_der(data, origin);
        }
        let mut found = None;
        for b in &blocks {
            let tag = b.pem.tag();
            if tag == CSR_PEM_LABEL || tag == "NEW CERTIFICATE REQUEST" {
                if found.is_some() {
                    return Err(csr_err(origin, "more than one request in the file"));
                }
                found = Some(b.pem.contents());
            }
        }
        match found {
            Some(der) => Self::from_der(der, origin),
            None => Err(csr_err(origin, "no 'CERTIFICATE REQUEST' PEM block")),
        }
    }

    /// Reads a request file (at most [`crate::limits::MAX_FILE_BYTES`]).
    pub fn read_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let data = crate::ca_dir::read_limited(path)?;
        Self::from_pem_or_der(&data, &path.display().to_string())
    }

    /// Decodes DER (RFC 2986 §4) and verifies the signature with the request's own key.
    pub fn from_der(der: &[u8], origin: &str) -> Result<Self> {
        if der.len() > crate::limits::MAX_FILE_BYTES {
            return Err(Error::TooLarge {
                origin: origin.into(),
                what: "certificate request",
                size: der.len(),
                max: crate::limits::MAX_FILE_BYTES,
            });
        }
        let req = CertReq::from_der(der).map_err(|e| csr_err(origin, &e.to_string()))?;
        if req.info.version != x509_cert::request::Version::V1 {
            return Err(csr_err(origin, "version is not 0 (PKCS#10 v1.7)"));
        }
        let subject = Dn::from_name(&req.info.subject)?;
        let spki = req
            .info
            .public_key
            .to_der()
            .map_err(|e| csr_err(origin, &e.to_string()))?;
        // The signed bytes: the first element of the outer SEQUENCE, as encoded.
        let info_der = crate::ext::split_tlv(der)
            .and_then(|(_, content, _)| {
                let (_, _, rest) = crate::ext::split_tlv(content)?;
                content.get(..content.len().saturating_sub(rest.len()))
            })
            .ok_or_else(|| csr_err(origin, "cannot locate certificationRequestInfo"))?;
        let public_key =
            PublicKey::from_spki_der(&spki).map_err(|e| csr_err(origin, &format!("key: {e}")))?;
        let signature_algorithm = SignatureAlgorithm::from_oid(req.algorithm.oid);
        let signature = req
            .signature
            .as_bytes()
            .ok_or_else(|| csr_err(origin, "signature BIT STRING has unused bits"))?;
        crate::signature::verify_signature(
            &public_key,
            signature_algorithm,
            info_der,
            signature,
            false,
        )
        .map_err(|e| {
            csr_err(
                origin,
                &format!("self-signature does not verify ({e:?}); the request is corrupt"),
            )
        })?;

        let mut sans = Vec::new();
        let mut seen_ext_req = false;
        for attr in req.info.attributes.iter() {
            if attr.oid != EXTENSION_REQUEST {
                continue;
            }
            if seen_ext_req {
                return Err(csr_err(origin, "extensionRequest attribute appears twice"));
            }
            seen_ext_req = true;
            let mut values = attr.values.iter();
            let (Some(value), None) = (values.next(), values.next()) else {
                return Err(csr_err(
                    origin,
                    "extensionRequest must hold exactly one value",
                ));
            };
            let exts: Vec<x509_cert::ext::Extension> = value
                .decode_as()
                .map_err(|e| csr_err(origin, &format!("extensionRequest: {e}")))?;
            let mut seen: Vec<Oid> = Vec::new();
            for ext in &exts {
                if seen.contains(&ext.extn_id) {
                    return Err(csr_err(
                        origin,
                        &format!("extension {} requested twice", ext.extn_id),
                    ));
                }
                seen.push(ext.extn_id);
                if ext.extn_id == oid::SUBJECT_ALT_NAME {
                    let san = SubjectAltName::from_der(ext.extn_value.as_bytes())
                        .map_err(|e| csr_err(origin, &format!("subjectAltName: {e}")))?;
                    if san.0.len() > MAX_REQUEST_SANS {
                        return Err(csr_err(
                            origin,
                            &format!("more than {MAX_REQUEST_SANS} subjectAltNames"),
                        ));
                    }
                    sans = san.0.iter().map(crate::ext::general_name_text).collect();
                }
            }
        }
        Ok(Self {
            der: der.to_vec(),
            subject,
            spki,
            sans,
            signature_algorithm,
        })
    }

    /// The DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// `-----BEGIN CERTIFICATE REQUEST-----` PEM, what a CA's web form takes.
    pub fn to_pem(&self) -> String {
        pem_encode(CSR_PEM_LABEL, &self.der).to_string()
    }

    /// The requested subject.
    pub fn subject(&self) -> &Dn {
        &self.subject
    }

    /// The requested subjectAltNames in `openssl` text form (`DNS:...`,
    /// `IP Address:...`), as [`crate::Extensions::subject_alt_names`] holds them.
    pub fn subject_alt_names(&self) -> &[String] {
        &self.sans
    }

    /// The public key, SubjectPublicKeyInfo DER.
    pub fn public_key_spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// The signature algorithm.
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.signature_algorithm
    }
}

fn csr_err(origin: &str, reason: &str) -> Error {
    Error::CsrDecode {
        origin: origin.into(),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn san_parsing() {
        assert_eq!(
            SanName::parse("host.example.org").unwrap(),
            SanName::Dns("host.example.org".into())
        );
        assert_eq!(
            SanName::parse("tw/Host.Example.org").unwrap(),
            SanName::Dns("tw/host.example.org".into())
        );
        assert_eq!(
            SanName::parse("192.0.2.7").unwrap(),
            SanName::Ip("192.0.2.7".parse().unwrap())
        );
        assert_eq!(
            SanName::parse("IP:2001:db8::1").unwrap().to_openssl(),
            "IP Address:2001:db8::1"
        );
        assert_eq!(
            SanName::parse("DNS:*.example.org").unwrap().to_openssl(),
            "DNS:*.example.org"
        );
        for bad in [
            "",
            "a..b",
            "-a.b",
            "a b.org",
            "/host.org",
            "IP:1.2.3",
            "é.org",
        ] {
            assert_eq!(SanName::parse(bad).unwrap_err().code(), "bad_san", "{bad}");
        }
    }

    #[test]
    fn default_sans() {
        let d = Dn::parse("/DC=ch/DC=cern/OU=computers/CN=tw/vocms0118.cern.ch").unwrap();
        assert_eq!(
            default_sans_for(&d),
            vec![
                SanName::Dns("tw/vocms0118.cern.ch".into()),
                SanName::Dns("vocms0118.cern.ch".into())
            ]
        );
        let d = Dn::parse("/DC=org/CN=Jane Doe").unwrap();
        assert!(default_sans_for(&d).is_empty());
    }

    #[test]
    fn round_trip_ec() {
        let subject = Dn::parse("/CN=host.example.org").unwrap();
        let r = CsrBuilder::new(subject.clone())
            .key(KeySpec::EcP256)
            .san(SanName::parse("host.example.org").unwrap())
            .san(SanName::parse("10.0.0.1").unwrap())
            .build()
            .unwrap();
        let back = CertificateRequest::from_pem_or_der(r.request.to_pem().as_bytes(), "t").unwrap();
        assert_eq!(back.subject(), &subject);
        assert_eq!(
            back.subject_alt_names(),
            ["DNS:host.example.org", "IP Address:10.0.0.1"]
        );
        assert!(r.key.matches_spki(back.public_key_spki_der()));
        // A flipped signature byte is caught.
        let mut der = r.request.der().to_vec();
        let last = der.len() - 1;
        der[last] ^= 1;
        assert_eq!(
            CertificateRequest::from_der(&der, "t").unwrap_err().code(),
            "bad_csr"
        );
    }
}
