//! A trust store read from a CA directory such as `/etc/grid-security/certificates`.

use crate::bundle::read_certificates;
use crate::cert::Certificate;
use crate::crl::Crl;
use crate::dn::Dn;
use crate::error::{Error, Result};
use crate::limits;
use std::collections::HashMap;
use std::path::Path;

/// Trusted CA certificates and their CRLs, indexed by subject.
#[derive(Clone, Debug, Default)]
pub struct CaStore {
    location: String,
    cas: HashMap<Dn, Vec<Certificate>>,
    crls: HashMap<Dn, Vec<Crl>>,
    warnings: Vec<String>,
}

/// `<8 hex digits>.<digits>` (certificate) or `<8 hex>.r<digits>` (CRL).
fn hashed_name(name: &str) -> Option<bool> {
    let (hash, suffix) = name.split_once('.')?;
    if hash.len() != 8 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    if !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()) {
        return Some(false);
    }
    let digits = suffix.strip_prefix('r')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(true)
}

impl CaStore {
    /// An empty store; `location` names it in error messages.
    pub fn new(location: &str) -> Self {
        Self {
            location: location.to_string(),
            ..Self::default()
        }
    }

    /// Reads `<hash>.N` CA certificates and `<hash>.rN` CRLs (PEM or DER) from a
    /// directory, as OpenSSL's CApath and the Globus tools do. `.signing_policy`,
    /// `.namespaces`, `.info` and other files are skipped. A file that does not parse is
    /// skipped with a warning ([`CaStore::warnings`]), so one broken CA does not disable
    /// the whole directory.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        let mut store = Self::new(&dir.display().to_string());
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, &e))?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir, &e))?;
            if names.len() >= limits::MAX_CA_DIR_ENTRIES {
                return Err(Error::TooLarge {
                    origin: dir.display().to_string(),
                    what: "CA directory entries",
                    size: names.len(),
                    max: limits::MAX_CA_DIR_ENTRIES,
                });
            }
            names.push(entry.path());
        }
        names.sort();
        for path in names {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(is_crl) = hashed_name(name) else {
                continue;
            };
            let data = match read_limited(&path) {
                Ok(d) => d,
                Err(e) => {
                    store.warnings.push(e.to_string());
                    continue;
                }
            };
            let origin = path.display().to_string();
            let added = if is_crl {
                crls_from_bytes(&data, &origin).map(|crls| {
                    for crl in crls {
                        store.add_crl(crl);
                    }
                })
            } else {
                read_certificates(&data, &origin).map(|certs| {
                    for cert in certs {
                        store.add_ca(cert);
                    }
                })
            };
            if let Err(e) = added {
                store.warnings.push(e.to_string());
            }
        }
        Ok(store)
    }

    /// Adds a trusted certificate.
    pub fn add_ca(&mut self, cert: Certificate) {
        let list = self.cas.entry(cert.subject().clone()).or_default();
        if !list.iter().any(|c| c.der() == cert.der()) {
            list.push(cert);
        }
    }

    /// Adds a CRL.
    pub fn add_crl(&mut self, crl: Crl) {
        self.crls.entry(crl.issuer().clone()).or_default().push(crl);
    }

    /// Trusted certificates with this subject.
    pub fn cas_for(&self, subject: &Dn) -> &[Certificate] {
        self.cas.get(subject).map(Vec::as_slice).unwrap_or(&[])
    }

    /// CRLs issued by this DN.
    pub fn crls_for(&self, issuer: &Dn) -> &[Crl] {
        self.crls.get(issuer).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether this exact certificate is trusted.
    pub fn contains(&self, cert: &Certificate) -> bool {
        self.cas_for(cert.subject())
            .iter()
            .any(|c| c.der() == cert.der())
    }

    /// Number of trusted certificates.
    pub fn len(&self) -> usize {
        self.cas.values().map(Vec::len).sum()
    }

    /// True when no CA is trusted.
    pub fn is_empty(&self) -> bool {
        self.cas.is_empty()
    }

    /// Where the store came from.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Files that were skipped, with the reason.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

/// Reads a whole file of at most [`limits::MAX_FILE_BYTES`] bytes (a typed
/// [`Error::TooLarge`] beyond), reading no more than the budget even if the file grows.
pub fn read_limited(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
    let mut data = Vec::new();
    let max = u64::try_from(limits::MAX_FILE_BYTES).unwrap_or(u64::MAX);
    file.take(max.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| Error::io(path, &e))?;
    if data.len() > limits::MAX_FILE_BYTES {
        return Err(Error::TooLarge {
            origin: path.display().to_string(),
            what: "a credential file",
            size: data.len(),
            max: limits::MAX_FILE_BYTES,
        });
    }
    Ok(data)
}

/// CRLs from PEM (`X509 CRL` blocks) or DER.
pub fn crls_from_bytes(data: &[u8], origin: &str) -> Result<Vec<Crl>> {
    let blocks = crate::bundle::pem_blocks(data, origin)?;
    if blocks.is_empty() {
        return Ok(vec![Crl::from_der(data, origin)?]);
    }
    blocks
        .iter()
        .filter(|b| b.pem.tag() == "X509 CRL")
        .map(|b| Crl::from_der(b.pem.contents(), origin))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::hashed_name;

    #[test]
    fn names() {
        assert_eq!(hashed_name("1a2b3c4d.0"), Some(false));
        assert_eq!(hashed_name("1a2b3c4d.12"), Some(false));
        assert_eq!(hashed_name("1a2b3c4d.r0"), Some(true));
        assert_eq!(hashed_name("1a2b3c4d.signing_policy"), None);
        assert_eq!(hashed_name("1a2b3c4d.namespaces"), None);
        assert_eq!(hashed_name("CERN-Root.pem"), None);
        assert_eq!(hashed_name("1a2b3c4.0"), None);
        assert_eq!(hashed_name("1a2b3c4d.r"), None);
    }
}
