//! Signature verification with `ring`: RSA PKCS#1 v1.5 (SHA-1 legacy, SHA-256/384/512)
//! and ECDSA P-256/P-384, the digest taken from the algorithm identifier.

use crate::der::{self, tag};
use crate::oid;
use ring::signature::{self as rs, VerificationAlgorithm};

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SigError {
    /// The signature or key algorithm OID is not supported.
    Unsupported(&'static str, String),
    /// SHA-1 without `allow_sha1`.
    Sha1,
    /// RSA key under 2048 bits without `allow_rsa_1024`.
    SmallRsa,
    /// An ECDSA signature labelled with an RSA algorithm OID (as VOMS writes it) without
    /// `allow_voms_ec_label`.
    EcRsaLabel,
    /// The key or signature is malformed, or the signature does not verify.
    Bad,
}

/// What the caller allows beyond the strict default.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Legacy {
    pub sha1: bool,
    pub rsa_1024: bool,
    pub ec_rsa_label: bool,
}

enum Key<'a> {
    Rsa { bits: usize, raw: &'a [u8] },
    Ec { curve: &'a [u8], point: &'a [u8] },
}

fn parse_spki(spki: &[u8]) -> Result<Key<'_>, SigError> {
    let s = der::single(spki, tag::SEQUENCE, "spki").map_err(|_| SigError::Bad)?;
    let mut r = s.reader();
    let alg = r
        .read(tag::SEQUENCE, "spki alg")
        .map_err(|_| SigError::Bad)?;
    let bits = r
        .read(tag::BIT_STRING, "spki key")
        .and_then(|b| b.bit_string("spki key"))
        .map_err(|_| SigError::Bad)?;
    let mut ar = alg.reader();
    let alg_oid = ar.read(tag::OID, "spki alg").map_err(|_| SigError::Bad)?;
    if alg_oid.body == oid::RSA_ENCRYPTION.as_bytes() {
        let k = der::single(bits, tag::SEQUENCE, "rsa key").map_err(|_| SigError::Bad)?;
        let mut kr = k.reader();
        let n = kr
            .read(tag::INTEGER, "modulus")
            .and_then(|n| n.uint_bytes("modulus"))
            .map_err(|_| SigError::Bad)?;
        let lead = n
            .first()
            .map_or(0, |b| 8usize.saturating_sub(b.leading_zeros() as usize));
        let size = n
            .len()
            .saturating_sub(1)
            .saturating_mul(8)
            .saturating_add(lead);
        Ok(Key::Rsa {
            bits: size,
            raw: bits,
        })
    } else if alg_oid.body == oid::EC_PUBLIC_KEY.as_bytes() {
        let curve = ar.read(tag::OID, "ec curve").map_err(|_| SigError::Bad)?;
        Ok(Key::Ec {
            curve: curve.body,
            point: bits,
        })
    } else {
        Err(SigError::Unsupported(
            "public key",
            crate::ac::oid_text(alg_oid.body),
        ))
    }
}

/// The subjectPublicKey bits of a DER SubjectPublicKeyInfo (what key identifiers hash).
#[cfg_attr(not(feature = "fixtures"), allow(dead_code))]
pub(crate) fn spki_key_bits(spki: &[u8]) -> Option<&[u8]> {
    let s = der::single(spki, tag::SEQUENCE, "spki").ok()?;
    let mut r = s.reader();
    r.read(tag::SEQUENCE, "spki alg").ok()?;
    r.read(tag::BIT_STRING, "spki key")
        .ok()?
        .bit_string("spki key")
        .ok()
}

/// Verifies `sig` over `msg` with the key in `spki` (DER SubjectPublicKeyInfo) and the
/// algorithm in `alg` (DER AlgorithmIdentifier).
pub(crate) fn verify(
    spki: &[u8],
    alg: &[u8],
    msg: &[u8],
    sig: &[u8],
    legacy: Legacy,
) -> Result<(), SigError> {
    let a = der::single(alg, tag::SEQUENCE, "alg").map_err(|_| SigError::Bad)?;
    let mut ar = a.reader();
    let alg_oid = ar.read(tag::OID, "alg").map_err(|_| SigError::Bad)?.body;
    let key = parse_spki(spki)?;
    let algorithm: &dyn VerificationAlgorithm = match key {
        Key::Rsa { bits, .. } => {
            if bits < 2048 && !legacy.rsa_1024 {
                return Err(SigError::SmallRsa);
            }
            let small = bits < 2048;
            if alg_oid == oid::SHA1_WITH_RSA.as_bytes() {
                if !legacy.sha1 {
                    return Err(SigError::Sha1);
                }
                if small {
                    &rs::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
                } else {
                    &rs::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY
                }
            } else if alg_oid == oid::SHA256_WITH_RSA.as_bytes() {
                if small {
                    &rs::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
                } else {
                    &rs::RSA_PKCS1_2048_8192_SHA256
                }
            } else if alg_oid == oid::SHA384_WITH_RSA.as_bytes() && !small {
                &rs::RSA_PKCS1_2048_8192_SHA384
            } else if alg_oid == oid::SHA512_WITH_RSA.as_bytes() {
                if small {
                    &rs::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
                } else {
                    &rs::RSA_PKCS1_2048_8192_SHA512
                }
            } else {
                return Err(SigError::Unsupported(
                    "signature algorithm",
                    crate::ac::oid_text(alg_oid),
                ));
            }
        }
        Key::Ec { curve, .. } => {
            let p256 = curve == oid::SECP256R1.as_bytes();
            let p384 = curve == oid::SECP384R1.as_bytes();
            // VOMS (AC_sign with an EC key) keeps the RSA OID of the digest it used.
            let rsa_label = alg_oid == oid::SHA256_WITH_RSA.as_bytes()
                || alg_oid == oid::SHA384_WITH_RSA.as_bytes();
            if rsa_label && !legacy.ec_rsa_label {
                return Err(SigError::EcRsaLabel);
            }
            let sha256 = alg_oid == oid::ECDSA_WITH_SHA256.as_bytes()
                || (rsa_label && alg_oid == oid::SHA256_WITH_RSA.as_bytes());
            let sha384 = alg_oid == oid::ECDSA_WITH_SHA384.as_bytes()
                || (rsa_label && alg_oid == oid::SHA384_WITH_RSA.as_bytes());
            match (p256, p384, sha256, sha384) {
                (true, _, true, _) => &rs::ECDSA_P256_SHA256_ASN1,
                (true, _, _, true) => &rs::ECDSA_P256_SHA384_ASN1,
                (_, true, true, _) => &rs::ECDSA_P384_SHA256_ASN1,
                (_, true, _, true) => &rs::ECDSA_P384_SHA384_ASN1,
                (false, false, _, _) => {
                    return Err(SigError::Unsupported("curve", crate::ac::oid_text(curve)));
                }
                _ => {
                    return Err(SigError::Unsupported(
                        "signature algorithm",
                        crate::ac::oid_text(alg_oid),
                    ));
                }
            }
        }
    };
    let raw = match key {
        Key::Rsa { raw, .. } => raw,
        Key::Ec { point, .. } => point,
    };
    rs::UnparsedPublicKey::new(algorithm, raw)
        .verify(msg, sig)
        .map_err(|_| SigError::Bad)
}
