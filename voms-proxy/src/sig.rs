//! The AC signature check: `grid_x509::verify_signature` behind this crate's policy
//! opt-ins (SHA-1, RSA keys under 2048 bits, ECDSA signatures under an RSA label).

use crate::der::{self, tag};
use grid_x509::{KeyType, PublicKey, SignatureAlgorithm, SignatureFailure, oid};

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SigError {
    /// The signature algorithm, key type or curve is not supported.
    Unsupported(&'static str, String),
    /// SHA-1 without `allow_sha1`.
    Sha1,
    /// RSA key under 2048 bits without `allow_rsa_1024`.
    SmallRsa,
    /// An ECDSA signature labelled with an RSA algorithm OID (as VOMS writes it) without
    /// `allow_voms_ec_label`.
    EcRsaLabel,
    /// The signature does not verify.
    Bad,
}

/// What the caller allows beyond the strict default.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Legacy {
    pub sha1: bool,
    pub rsa_1024: bool,
    pub ec_rsa_label: bool,
}

/// Verifies `sig` over `msg` with `key`, for the algorithm the AC names.
pub(crate) fn verify(
    key: &PublicKey,
    alg: SignatureAlgorithm,
    msg: &[u8],
    sig: &[u8],
    legacy: Legacy,
) -> Result<(), SigError> {
    use SignatureAlgorithm as A;
    let alg = match key.key_type() {
        KeyType::Rsa => {
            if key.bits() < 2048 && !legacy.rsa_1024 {
                return Err(SigError::SmallRsa);
            }
            if alg == A::RsaSha1 && !legacy.sha1 {
                return Err(SigError::Sha1);
            }
            alg
        }
        // VOMS (AC_sign with an EC key) keeps the RSA OID of the digest it used; the key
        // type comes from the certified key.
        KeyType::Ec => match alg {
            A::RsaSha256 | A::RsaSha384 if !legacy.ec_rsa_label => {
                return Err(SigError::EcRsaLabel);
            }
            A::RsaSha256 => A::EcdsaSha256,
            A::RsaSha384 => A::EcdsaSha384,
            other => other,
        },
        KeyType::Other => {
            return Err(SigError::Unsupported(
                "public key",
                spki_algorithm(key.spki_der()),
            ));
        }
    };
    match grid_x509::verify_signature(key, alg, msg, sig, legacy.sha1) {
        Ok(()) => Ok(()),
        Err(SignatureFailure::Invalid) => Err(SigError::Bad),
        Err(SignatureFailure::NotAllowed(_) | SignatureFailure::Unsupported(_)) => {
            match key.curve() {
                Some(c) if c != oid::SECP256R1 && c != oid::SECP384R1 => {
                    Err(SigError::Unsupported("curve", c.to_string()))
                }
                _ => Err(SigError::Unsupported("signature algorithm", alg.name())),
            }
        }
    }
}

/// The dotted algorithm OID of a SubjectPublicKeyInfo, for error messages.
fn spki_algorithm(spki: &[u8]) -> String {
    let oid = der::single(spki, tag::SEQUENCE, "subjectPublicKeyInfo").and_then(|s| {
        let alg = s.reader().read(tag::SEQUENCE, "algorithm")?;
        alg.reader().read(tag::OID, "algorithm")
    });
    oid.map_or_else(
        |_| "<malformed>".to_string(),
        |o| crate::ac::oid_text(o.body),
    )
}
