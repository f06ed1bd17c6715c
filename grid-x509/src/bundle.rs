//! Reading PEM bundles and whole proxy/credential files.

use crate::ca_dir::read_limited;
use crate::cert::Certificate;
use crate::dn::Dn;
use crate::error::{Error, Result};
use crate::key::PrivateKey;
use crate::limits;
use crate::proxy;
use crate::secret::Passphrase;
use std::path::Path;

/// One PEM block with where it started.
pub(crate) struct PemBlock {
    pub(crate) pem: pem::Pem,
    pub(crate) index: usize,
    pub(crate) line: usize,
}

/// Splits text into PEM blocks (RFC 7468 framing, with the RFC 1421 headers legacy
/// encrypted keys carry). Text outside blocks is ignored, as OpenSSL does. Returns an
/// empty list when there is no `-----BEGIN` line at all (the input may be DER).
pub(crate) fn pem_blocks(data: &[u8], origin: &str) -> Result<Vec<PemBlock>> {
    if data.len() > limits::MAX_FILE_BYTES {
        return Err(Error::TooLarge {
            origin: origin.into(),
            what: "PEM input",
            size: data.len(),
            max: limits::MAX_FILE_BYTES,
        });
    }
    let Ok(text) = std::str::from_utf8(data) else {
        // Binary input: only DER is possible. (PEM is ASCII.)
        return Ok(Vec::new());
    };
    let mut blocks = Vec::new();
    let mut current: Option<OpenBlock<'_>> = None;
    for (n, line) in text.lines().enumerate() {
        let lineno = n.saturating_add(1);
        let trimmed = line.trim_end();
        if let Some(open) = current.as_mut() {
            if let Some(end) = trimmed
                .strip_prefix("-----END ")
                .and_then(|r| r.strip_suffix("-----"))
            {
                let index = blocks.len();
                let err = |reason: String| Error::Pem {
                    origin: origin.into(),
                    block: index,
                    line: open.start,
                    reason,
                };
                if end != open.label {
                    return Err(err(format!("BEGIN {} closed by END {end}", open.label)));
                }
                let pem = open.finish(trimmed).map_err(err)?;
                blocks.push(PemBlock {
                    pem,
                    index,
                    line: open.start,
                });
                current = None;
            } else {
                open.push(trimmed);
            }
        } else if let Some(label) = trimmed
            .strip_prefix("-----BEGIN ")
            .and_then(|r| r.strip_suffix("-----"))
        {
            current = Some(OpenBlock {
                label,
                start: lineno,
                begin: trimmed,
                lines: Vec::new(),
                has_headers: false,
            });
        }
    }
    if let Some(open) = current {
        return Err(Error::Pem {
            origin: origin.into(),
            block: blocks.len(),
            line: open.start,
            reason: format!(
                "BEGIN {} has no matching END line (truncated file?)",
                open.label
            ),
        });
    }
    Ok(blocks)
}

/// A PEM block between its BEGIN line and its END line.
struct OpenBlock<'a> {
    label: &'a str,
    start: usize,
    begin: &'a str,
    lines: Vec<&'a str>,
    /// RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`) before the base64 body.
    has_headers: bool,
}

impl<'a> OpenBlock<'a> {
    fn push(&mut self, line: &'a str) {
        if self.lines.iter().all(|l| l.contains(':')) && line.contains(':') {
            self.has_headers = true;
        }
        self.lines.push(line);
    }

    /// Decodes the body. Blocks with headers (legacy encrypted keys) go through the `pem`
    /// crate, which keeps the headers; plain blocks are decoded here in one pass.
    fn finish(&self, end_line: &str) -> std::result::Result<pem::Pem, String> {
        if self.has_headers {
            let mut text = String::with_capacity(self.lines.iter().map(|l| l.len() + 1).sum());
            for l in std::iter::once(&self.begin)
                .chain(&self.lines)
                .chain([&end_line])
            {
                text.push_str(l);
                text.push('\n');
            }
            return pem::parse(text.as_bytes()).map_err(|e| e.to_string());
        }
        use base64::Engine as _;
        let mut b64 = Vec::with_capacity(self.lines.iter().map(|l| l.len()).sum());
        for l in &self.lines {
            b64.extend(l.bytes().filter(|b| !b.is_ascii_whitespace()));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(&b64)
            .map_err(|e| format!("invalid base64: {e}"))?;
        Ok(pem::Pem::new(self.label, der))
    }
}

fn is_cert_label(label: &str) -> bool {
    matches!(
        label,
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
    )
}

/// Reads every certificate from PEM (`CERTIFICATE` blocks; other blocks are skipped)
/// or from a single DER certificate.
pub fn read_certificates(data: &[u8], origin: &str) -> Result<Vec<Certificate>> {
    let blocks = pem_blocks(data, origin)?;
    if blocks.is_empty() {
        if data.first() == Some(&0x30) {
            return Ok(vec![Certificate::from_der_at(data, origin, 0)?]);
        }
        return Err(Error::NoCertificate {
            origin: origin.into(),
        });
    }
    let mut certs = Vec::new();
    for b in blocks.iter().filter(|b| is_cert_label(b.pem.tag())) {
        if certs.len() >= limits::MAX_CERTS_PER_FILE {
            return Err(Error::TooManyCertificates {
                origin: origin.into(),
                count: blocks.len(),
                max: limits::MAX_CERTS_PER_FILE,
            });
        }
        certs.push(Certificate::from_der_at(
            b.pem.contents(),
            origin,
            certs.len(),
        )?);
    }
    if certs.is_empty() {
        return Err(Error::NoCertificate {
            origin: origin.into(),
        });
    }
    Ok(certs)
}

/// A credential: certificates ordered leaf first along issuer links, and the private
/// key of the leaf if the file carried one. A proxy file (`/tmp/x509up_u<uid>`) holds
/// the proxy certificate, its key and the issuing chain, in any order.
#[derive(Debug)]
pub struct Credential {
    origin: String,
    certs: Vec<Certificate>,
    key: Option<PrivateKey>,
}

impl Credential {
    /// Reads PEM text holding certificates and at most one private key.
    pub fn from_pem(data: &[u8], passphrase: Option<&Passphrase>, origin: &str) -> Result<Self> {
        Self::parse(data, Some(passphrase), origin)
    }

    /// Reads only the public part (certificates) of a credential file: key blocks are
    /// skipped without being decrypted. For inspection and chain validation.
    pub fn read_file_public(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let data = read_limited(path)?;
        Self::parse(&data, None, &path.display().to_string())
    }

    /// `passphrase`: `None` skips keys; `Some(p)` loads the key with passphrase `p`.
    fn parse(data: &[u8], passphrase: Option<Option<&Passphrase>>, origin: &str) -> Result<Self> {
        let blocks = pem_blocks(data, origin)?;
        let mut certs = Vec::new();
        let mut key = None;
        let mut key_blocks = 0usize;
        for b in &blocks {
            let label = b.pem.tag();
            if is_cert_label(label) {
                if certs.len() >= limits::MAX_CERTS_PER_FILE {
                    return Err(Error::TooManyCertificates {
                        origin: origin.into(),
                        count: certs.len().saturating_add(1),
                        max: limits::MAX_CERTS_PER_FILE,
                    });
                }
                certs.push(Certificate::from_der_at(
                    b.pem.contents(),
                    origin,
                    certs.len(),
                )?);
            } else if PrivateKey::is_key_label(label) {
                if key_blocks > 0 {
                    return Err(Error::MultiplePrivateKeys {
                        origin: origin.into(),
                    });
                }
                key_blocks = key_blocks.saturating_add(1);
                if let Some(passphrase) = passphrase {
                    key = Some(PrivateKey::from_pem_block(&b.pem, passphrase, origin)?);
                }
            } else {
                return Err(Error::UnsupportedPemLabel {
                    origin: origin.into(),
                    block: b.index,
                    line: b.line,
                    label: label.to_string(),
                });
            }
        }
        if certs.is_empty() {
            return Err(Error::NoCertificate {
                origin: origin.into(),
            });
        }
        let certs = order_chain(certs, key.as_ref());
        if let (Some(k), Some(leaf)) = (&key, certs.first())
            && !k.matches_spki(leaf.public_key_spki_der())
        {
            return Err(Error::KeyMismatch {
                cert: leaf.cert_ref(0),
            });
        }
        Ok(Self {
            origin: origin.into(),
            certs,
            key,
        })
    }

    /// Reads a credential file (bounded size).
    pub fn read_file(path: impl AsRef<Path>, passphrase: Option<&Passphrase>) -> Result<Self> {
        let path = path.as_ref();
        let data = read_limited(path)?;
        Self::from_pem(&data, passphrase, &path.display().to_string())
    }

    /// Builds a credential from parts (ordering the certificates leaf first).
    pub fn from_parts(certs: Vec<Certificate>, key: Option<PrivateKey>) -> Result<Self> {
        if certs.is_empty() {
            return Err(Error::EmptyChain);
        }
        let certs = order_chain(certs, key.as_ref());
        Ok(Self {
            origin: "<memory>".into(),
            certs,
            key,
        })
    }

    /// Where it was read from.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// Certificates, leaf first.
    pub fn certs(&self) -> &[Certificate] {
        &self.certs
    }
    /// The leaf certificate.
    pub fn leaf(&self) -> Option<&Certificate> {
        self.certs.first()
    }
    /// The private key of the leaf, if the file had one.
    pub fn key(&self) -> Option<&PrivateKey> {
        self.key.as_ref()
    }
    /// Takes the parts.
    pub fn into_parts(self) -> (Vec<Certificate>, Option<PrivateKey>) {
        (self.certs, self.key)
    }
    /// The end-entity subject behind any number of proxy levels.
    pub fn end_entity_subject(&self) -> Option<&Dn> {
        proxy::end_entity_index(&self.certs)
            .and_then(|i| self.certs.get(i))
            .map(Certificate::subject)
    }
    /// Globus's identity (see [`crate::globus_identity`]).
    pub fn globus_identity(&self) -> Option<Dn> {
        proxy::globus_identity(&self.certs)
    }
}

/// Orders certificates leaf first along issuer links. The leaf is the certificate
/// matching the key when there is one, else the first certificate that issued no other.
/// Certificates that do not link are kept, in input order, after the chain.
pub(crate) fn order_chain(certs: Vec<Certificate>, key: Option<&PrivateKey>) -> Vec<Certificate> {
    let issued_other = |c: &Certificate| {
        certs
            .iter()
            .any(|o| o.der() != c.der() && o.issuer() == c.subject())
    };
    let leaf = key
        .and_then(|k| {
            certs
                .iter()
                .position(|c| k.matches_spki(c.public_key_spki_der()))
        })
        .or_else(|| certs.iter().position(|c| !issued_other(c)))
        .unwrap_or(0);
    let mut rest: Vec<Option<Certificate>> = certs.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(rest.len());
    let mut next = rest.get_mut(leaf).and_then(Option::take);
    while let Some(cert) = next {
        next = if cert.is_self_issued() {
            None
        } else {
            rest.iter_mut()
                .find(|s| s.as_ref().is_some_and(|c| c.subject() == cert.issuer()))
                .and_then(Option::take)
        };
        out.push(cert);
    }
    out.extend(rest.into_iter().flatten());
    out
}
