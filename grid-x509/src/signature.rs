//! Signature verification with ring: the one place that maps algorithm identifiers to
//! ring's verification algorithms.

use crate::cert::{KeyType, PublicKey, SignatureAlgorithm};
use crate::oid;
use ring::signature::{self as sig, VerificationAlgorithm};

/// Why a signature was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureFailure {
    /// The signature does not verify.
    Invalid,
    /// The algorithm is not allowed by the policy (e.g. SHA-1 under the strict policy).
    NotAllowed(&'static str),
    /// The algorithm or key combination is not supported.
    Unsupported(&'static str),
}

/// Verifies `signature` over `message` with `key`, for the algorithm the signed object
/// names. SHA-1 is accepted only when `allow_sha1` is set; MD5 never.
pub fn verify_signature(
    key: &PublicKey,
    algorithm: SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
    allow_sha1: bool,
) -> Result<(), SignatureFailure> {
    use SignatureAlgorithm as A;
    let legacy_rsa = key.bits() < 2048;
    let alg: &'static dyn VerificationAlgorithm = match (algorithm, key.key_type()) {
        (A::RsaMd5, _) => {
            return Err(SignatureFailure::NotAllowed(
                "MD5 signatures are never accepted",
            ));
        }
        (A::RsaSha1, KeyType::Rsa) => {
            if !allow_sha1 {
                return Err(SignatureFailure::NotAllowed(
                    "SHA-1 signatures are accepted only by the grid (legacy) policy",
                ));
            }
            &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
        }
        (A::RsaSha256, KeyType::Rsa) if legacy_rsa => {
            &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
        }
        (A::RsaSha256, KeyType::Rsa) => &sig::RSA_PKCS1_2048_8192_SHA256,
        (A::RsaSha384, KeyType::Rsa) if legacy_rsa => {
            return Err(SignatureFailure::Unsupported(
                "sha384WithRSAEncryption with an RSA key under 2048 bits",
            ));
        }
        (A::RsaSha384, KeyType::Rsa) => &sig::RSA_PKCS1_2048_8192_SHA384,
        (A::RsaSha512, KeyType::Rsa) if legacy_rsa => {
            &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
        }
        (A::RsaSha512, KeyType::Rsa) => &sig::RSA_PKCS1_2048_8192_SHA512,
        (A::EcdsaSha256, KeyType::Ec) if key.curve() == Some(oid::SECP256R1) => {
            &sig::ECDSA_P256_SHA256_ASN1
        }
        (A::EcdsaSha256, KeyType::Ec) if key.curve() == Some(oid::SECP384R1) => {
            &sig::ECDSA_P384_SHA256_ASN1
        }
        (A::EcdsaSha384, KeyType::Ec) if key.curve() == Some(oid::SECP256R1) => {
            &sig::ECDSA_P256_SHA384_ASN1
        }
        (A::EcdsaSha384, KeyType::Ec) if key.curve() == Some(oid::SECP384R1) => {
            &sig::ECDSA_P384_SHA384_ASN1
        }
        (A::EcdsaSha256 | A::EcdsaSha384 | A::EcdsaSha512, KeyType::Ec) => {
            return Err(SignatureFailure::Unsupported(
                "ECDSA is supported with P-256 and P-384 and SHA-256/384",
            ));
        }
        (A::Other(_), _) => {
            return Err(SignatureFailure::Unsupported("unknown signature algorithm"));
        }
        _ => {
            return Err(SignatureFailure::Unsupported(
                "signature algorithm does not match the issuer's key type",
            ));
        }
    };
    sig::UnparsedPublicKey::new(alg, key.key_bytes())
        .verify(message, signature)
        .map_err(|_| SignatureFailure::Invalid)
}
