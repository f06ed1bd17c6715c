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
use crate::sig::Legacy;
use grid_x509::UnixTime;
use std::path::Path;

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

/// Validates the VOMS server certificate `leaf` with the certificates embedded after it
/// against the CA directory at `now`, with `grid_x509::verify_chain` (names, signatures,
/// basic constraints, validity, CRLs when installed). Returns the subjects of the path,
/// leaf first, or why it failed.
pub(crate) fn validate_issuer_chain(
    store: &grid_x509::CaStore,
    leaf: &CertView,
    intermediates: &[CertView],
    legacy: Legacy,
    now: UnixTime,
) -> std::result::Result<Vec<String>, String> {
    let mut certs = Vec::with_capacity(intermediates.len().saturating_add(1));
    for c in std::iter::once(leaf).chain(intermediates) {
        certs.push(grid_x509::Certificate::from_der(c.der()).map_err(|e| e.to_string())?);
    }
    let mut policy = grid_x509::ValidationPolicy::strict();
    policy.allow_sha1 = legacy.sha1;
    if legacy.rsa_1024 {
        policy.min_rsa_bits = 1024;
    }
    policy.max_chain_depth = limits::MAX_ISSUER_CHAIN_DEPTH;
    let verified =
        grid_x509::verify_chain(&certs, store, &policy, now).map_err(|e| e.to_string())?;
    Ok(verified
        .path()
        .iter()
        .map(|c| c.subject().to_openssl())
        .collect())
}
