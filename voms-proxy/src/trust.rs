//! Trusted CAs for the VOMS server certificate's chain.
//!
//! Local until `grid_x509::CaStore` / `verify_chain` land: reads the CA certificates of a
//! CA directory (`<hash>.N` and `*.pem`) and builds a path from the VOMS server
//! certificate through the certificates embedded in the AC to a trusted CA, checking
//! names, signatures, `cA` and validity at `now`. It does not read CRLs, signing
//! policies or namespaces.

use crate::cert::CertView;
use crate::error::{Error, Result};
use crate::limits;
use crate::sig::{self, Legacy};
use grid_x509::UnixTime;
use std::path::Path;

/// Trusted CA certificates, loaded once.
#[derive(Clone, Debug, Default)]
pub struct CaStore {
    cas: Vec<CertView>,
}

pub(crate) fn read_small(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
    let size = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if size > limits::MAX_CONFIG_FILE_BYTES {
        return Err(Error::TooMany {
            context: path.display().to_string(),
            what: "bytes",
            count: size,
            max: limits::MAX_CONFIG_FILE_BYTES,
        });
    }
    std::fs::read(path).map_err(|e| Error::io(path, &e))
}

/// Certificates of a PEM file (`CERTIFICATE` blocks; other blocks ignored).
pub(crate) fn pem_certs(bytes: &[u8], file: &str) -> Result<Vec<CertView>> {
    let blocks = pem::parse_many(bytes).map_err(|e| Error::Pem {
        file: file.to_string(),
        reason: e.to_string(),
    })?;
    let mut out = Vec::new();
    for b in blocks.iter().filter(|b| b.tag() == "CERTIFICATE") {
        out.push(
            CertView::from_der(b.contents(), out.len()).map_err(|e| Error::Pem {
                file: file.to_string(),
                reason: e.to_string(),
            })?,
        );
    }
    Ok(out)
}

/// Sorted regular-file entries of a directory, bounded.
pub(crate) fn list_dir(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, &e))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(dir, &e))?;
        if out.len() >= limits::MAX_DIR_ENTRIES {
            return Err(Error::TooMany {
                context: dir.display().to_string(),
                what: "directory entries",
                count: out.len().saturating_add(1),
                max: limits::MAX_DIR_ENTRIES,
            });
        }
        out.push(entry.path());
    }
    out.sort();
    Ok(out)
}

impl CaStore {
    /// Reads every `<hash>.<digit>` and `*.pem` file of a CA directory
    /// (`/etc/grid-security/certificates`).
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let mut cas = Vec::new();
        for path in list_dir(dir)? {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let is_anchor = name.ends_with(".pem")
                || name.rsplit_once('.').is_some_and(|(_, ext)| {
                    !ext.is_empty() && ext.bytes().all(|b| b.is_ascii_digit())
                });
            if !is_anchor || !path.is_file() {
                continue;
            }
            let bytes = read_small(&path)?;
            cas.extend(pem_certs(&bytes, &path.display().to_string())?);
        }
        Ok(Self { cas })
    }

    /// A store holding the given CA certificates.
    pub fn from_certs(cas: Vec<CertView>) -> Self {
        Self { cas }
    }

    /// Number of CA certificates.
    pub fn len(&self) -> usize {
        self.cas.len()
    }

    /// No CA certificates.
    pub fn is_empty(&self) -> bool {
        self.cas.is_empty()
    }

    /// Validates `leaf` (with untrusted `intermediates`) up to a trusted CA at `now`.
    /// Returns the subjects of the path, leaf first, or why it failed.
    pub(crate) fn validate(
        &self,
        leaf: &CertView,
        intermediates: &[CertView],
        legacy: Legacy,
        now: UnixTime,
    ) -> std::result::Result<Vec<String>, String> {
        let mut path = vec![leaf.subject().to_string()];
        let mut cur = leaf;
        for _ in 0..limits::MAX_ISSUER_CHAIN_DEPTH {
            if now < cur.not_before() || now > cur.not_after() {
                return Err(format!(
                    "{} is not valid at {now} (valid {} to {})",
                    cur.subject(),
                    cur.not_before(),
                    cur.not_after()
                ));
            }
            if self.cas.iter().any(|ca| ca.der() == cur.der()) {
                return Ok(path);
            }
            let signed_by = |cand: &&CertView| {
                cand.subject().same_as(cur.issuer())
                    && cand.is_ca()
                    && sig::verify(
                        cand.spki_der(),
                        cur.sig_alg_der(),
                        cur.tbs_der(),
                        cur.signature(),
                        legacy,
                    )
                    .is_ok()
            };
            if let Some(ca) = self.cas.iter().find(signed_by) {
                if now < ca.not_before() || now > ca.not_after() {
                    return Err(format!("trusted CA {} is not valid at {now}", ca.subject()));
                }
                path.push(ca.subject().to_string());
                return Ok(path);
            }
            match intermediates.iter().find(signed_by) {
                Some(next) if next.der() != cur.der() => {
                    path.push(next.subject().to_string());
                    cur = next;
                }
                _ => {
                    return Err(format!(
                        "no trusted CA or embedded CA certificate named {} signed {}",
                        cur.issuer(),
                        cur.subject()
                    ));
                }
            }
        }
        Err(format!(
            "chain longer than {} certificates",
            limits::MAX_ISSUER_CHAIN_DEPTH
        ))
    }
}
