//! Object identifiers of VOMS attribute certificates (and the X.509 ones re-used from
//! `grid_x509::oid`).

use const_oid::ObjectIdentifier as Oid;

pub use grid_x509::oid::{
    AUTHORITY_KEY_ID, BASIC_CONSTRAINTS, EC_PUBLIC_KEY, ECDSA_WITH_SHA256, ECDSA_WITH_SHA384,
    ECDSA_WITH_SHA512, PROXY_CERT_INFO, PROXY_CERT_INFO_DRAFT, RSA_ENCRYPTION, SECP256R1,
    SECP384R1, SHA1_WITH_RSA, SHA256_WITH_RSA, SHA384_WITH_RSA, SHA512_WITH_RSA, VOMS_AC_SEQ,
};

/// VOMS FQAN attribute (IetfAttrSyntax), `idatcap`.
pub const VOMS_FQANS: Oid = Oid::new_unwrap("1.3.6.1.4.1.8005.100.100.4");
/// VOMS extension holding the VOMS server's certificate chain, `certseq`.
pub const VOMS_CERTS: Oid = Oid::new_unwrap("1.3.6.1.4.1.8005.100.100.10");
/// VOMS generic attributes extension, `attributes`.
pub const VOMS_ATTRIBUTES: Oid = Oid::new_unwrap("1.3.6.1.4.1.8005.100.100.11");
/// VOMS AC tags extension (unused by current servers).
pub const VOMS_TAGS: Oid = Oid::new_unwrap("1.3.6.1.4.1.8005.100.100.6");
/// AC targeting (RFC 3281 §4.3.2), critical.
pub const TARGET_INFORMATION: Oid = Oid::new_unwrap("2.5.29.55");
/// No revocation available (RFC 3281 §4.3.6).
pub const NO_REV_AVAIL: Oid = Oid::new_unwrap("2.5.29.56");
