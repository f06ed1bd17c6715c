//! Reading configuration files (bounded), and the VOMS server certificate's chain to a
//! trusted CA, validated with `grid_x509::verify_chain`.

use crate::error::{Error, Result};
use crate::limits;
use crate::sig::Legacy;
use grid_x509::{Certificate, UnixTime};
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
pub(crate) fn pem_certs(bytes: &[u8], file: &str) -> Result<Vec<Certificate>> {
    grid_x509::read_certificates(bytes, file).map_err(|e| Error::Pem {
        file: file.to_string(),
        reason: e.to_string(),
    })
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

/// Validates the VOMS server certificate (first of `chain`, the certificates after it
/// may lead to a trusted CA) against the CA directory at `now`, with
/// `grid_x509::verify_chain` (names, signatures, basic constraints, validity, CRLs when
/// installed). Returns the subjects of the path, leaf first, or why it failed.
pub(crate) fn validate_issuer_chain(
    store: &grid_x509::CaStore,
    chain: &[Certificate],
    legacy: Legacy,
    now: UnixTime,
) -> std::result::Result<Vec<String>, String> {
    let mut policy = grid_x509::ValidationPolicy::strict();
    policy.allow_sha1 = legacy.sha1;
    if legacy.rsa_1024 {
        policy.min_rsa_bits = 1024;
    }
    policy.max_chain_depth = limits::MAX_ISSUER_CHAIN_DEPTH;
    let verified =
        grid_x509::verify_chain(chain, store, &policy, now).map_err(|e| e.to_string())?;
    Ok(verified
        .path()
        .iter()
        .map(|c| c.subject().to_openssl())
        .collect())
}
