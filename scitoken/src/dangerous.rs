//! Decoding a token **without verifying it**. For display and debugging only: nothing read
//! here may be used for an authorization decision.

use crate::error::{Error, Part};
use crate::jws;
use serde_json::{Map, Value};

/// The header and claims of a token whose signature was NOT checked.
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedToken {
    /// The protected header, as sent.
    pub header: Map<String, Value>,
    /// The claims, as sent.
    pub claims: Map<String, Value>,
    /// The length of the decoded signature in bytes.
    pub signature_len: usize,
}

/// Decodes `token` without any check of signature, issuer, times or scopes.
///
/// The shape is still checked (three segments, unpadded base64url, JSON objects without
/// duplicate members, at most `max_len` bytes); the signature segment may be empty and any
/// `alg` is shown.
pub fn decode_unverified(token: &str, max_len: usize) -> Result<UnverifiedToken, Error> {
    if token.len() > max_len {
        return Err(Error::TokenTooLarge {
            len: token.len(),
            max: max_len,
        });
    }
    let mut it = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(Error::Malformed {
            reason: "expected three `.`-separated segments",
        });
    };
    let header = jws::strict_object(&jws::b64_decode(h, Part::Header)?, Part::Header)?;
    let claims = jws::strict_object(&jws::b64_decode(p, Part::Payload)?, Part::Payload)?;
    let signature_len = if s.is_empty() {
        0
    } else {
        jws::b64_decode(s, Part::Signature)?.len()
    };
    Ok(UnverifiedToken {
        header,
        claims,
        signature_len,
    })
}
