#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod audit;
mod bundle;
mod ca_dir;
mod cert;
mod chain;
mod create;
mod crl;
mod csr;
mod dn;
mod error;
mod ext;
mod install;
mod key;
pub mod limits;
pub mod oid;
mod pkcs12;
mod policy;
mod proxy;
mod secret;
mod signature;
mod time;
mod write;

#[cfg(feature = "fixtures")]
pub mod fixtures;

pub use audit::{AuditFinding, AuditReport, FileRole, Severity, audit_path};
pub use bundle::{Credential, read_certificates};
pub use ca_dir::{CaStore, crls_from_bytes, read_limited};
pub use cert::{Certificate, KeyType, PublicKey, SignatureAlgorithm};
pub use chain::{VerifiedChain, verify_chain};
pub use create::{DEFAULT_PROXY_LIFETIME_SECS, KeySpec, NewProxy, ProxyBuilder, ProxyKind};
pub use crl::Crl;
pub use csr::{
    CSR_PEM_LABEL, CertificateRequest, CsrBuilder, MAX_REQUEST_SANS, NewRequest, SanName,
    default_sans_for,
};
pub use dn::{
    Ava, Dn, MAX_DN_RDNS, MAX_DN_TEXT_BYTES, MAX_DN_VALUE_BYTES, MAX_RDN_AVAS, Rdn, StringType,
};
pub use error::{CertRef, Error, Result};
pub use ext::{
    BasicConstraints, Extensions, KeyUsage, ProxyCertInfo, ProxyCertInfoFlavor, RawExtension,
};
pub use install::{
    CheckedCredential, CredentialKind, InstallOptions, Owner, Placed, check_for_install,
    place_pair, resolve_owner,
};
pub use key::{Digest, EcCurve, KeyAlgorithm, PrivateKey};
pub use pkcs12::Pkcs12Contents;
pub use policy::{CrlPolicy, ValidationPolicy};
pub use proxy::{CertKind, ProxyFamily, ProxyPolicy, ProxyType, end_entity_index, globus_identity};
pub use secret::Passphrase;
pub use signature::{SignatureFailure, verify_signature};
pub use time::{UnixTime, format_hms};
pub use write::write_atomic;

/// The real user id of this process.
pub fn current_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

/// The default proxy location: `$X509_USER_PROXY`, else `/tmp/x509up_u<uid>`.
pub fn default_proxy_path() -> std::path::PathBuf {
    match std::env::var_os("X509_USER_PROXY") {
        Some(p) if !p.is_empty() => std::path::PathBuf::from(p),
        _ => std::path::PathBuf::from(format!("/tmp/x509up_u{}", current_uid())),
    }
}
