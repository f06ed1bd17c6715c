//! Compact JWS (RFC 7515 §7.1) split, decoded and checked for shape; no signature check here.

use crate::error::{Error, Part};
use base64::Engine as _;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

/// The two accepted signature algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256, 2048 to 8192-bit moduli.
    RS256,
    /// ECDSA on P-256 with SHA-256, fixed-width `r || s` signatures.
    ES256,
}

impl Algorithm {
    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::RS256 => "RS256",
            Algorithm::ES256 => "ES256",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "RS256" => Some(Algorithm::RS256),
            "ES256" => Some(Algorithm::ES256),
            _ => None,
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The protected header parameters this crate uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// `alg`.
    pub alg: Algorithm,
    /// `kid`, when present.
    pub kid: Option<String>,
    /// `typ`, when present.
    pub typ: Option<String>,
}

/// A compact JWS split into its decoded parts.
pub(crate) struct Compact<'a> {
    pub signing_input: &'a [u8],
    pub header: Header,
    pub claims: Map<String, Value>,
    pub signature: Vec<u8>,
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub(crate) fn b64_decode(s: &str, part: Part) -> Result<Vec<u8>, Error> {
    B64.decode(s).map_err(|_| Error::Base64 { part })
}

pub(crate) fn b64_encode(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// Splits `token` into three non-empty segments.
pub(crate) fn split3(token: &str) -> Result<(&str, &str, &str), Error> {
    let mut it = token.split('.');
    let (Some(h), Some(p), Some(s)) = (it.next(), it.next(), it.next()) else {
        return Err(Error::Malformed {
            reason: "expected three `.`-separated segments",
        });
    };
    if it.next().is_some() {
        return Err(Error::Malformed {
            reason: "more than three segments (JWE and detached forms are not accepted)",
        });
    }
    if h.is_empty() || p.is_empty() {
        return Err(Error::Malformed {
            reason: "empty header or payload segment",
        });
    }
    if s.is_empty() {
        return Err(Error::Malformed {
            reason: "empty signature segment (unsigned tokens are not accepted)",
        });
    }
    Ok((h, p, s))
}

/// Parses a JSON object, rejecting duplicate top-level members.
pub(crate) fn strict_object(bytes: &[u8], part: Part) -> Result<Map<String, Value>, Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let map = de.deserialize_map(StrictObject).map_err(|e| Error::Json {
        part,
        detail: e.to_string(),
    })?;
    de.end().map_err(|e| Error::Json {
        part,
        detail: e.to_string(),
    })?;
    Ok(map)
}

struct StrictObject;

impl<'de> Visitor<'de> for StrictObject {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let value: Value = access.next_value()?;
            if map.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate member `{key}`"
                )));
            }
            map.insert(key, value);
        }
        Ok(map)
    }
}

/// Decodes and parses the header, checking `alg`, `kid`, `typ` and `crit`.
pub(crate) fn parse_header(seg: &str) -> Result<(Header, Map<String, Value>), Error> {
    let bytes = b64_decode(seg, Part::Header)?;
    let obj = strict_object(&bytes, Part::Header)?;
    let alg = match obj.get("alg") {
        None => {
            return Err(Error::Header {
                param: "alg",
                reason: "missing",
            });
        }
        Some(Value::String(s)) => {
            Algorithm::from_name(s).ok_or_else(|| Error::UnsupportedAlgorithm { alg: s.clone() })?
        }
        Some(_) => {
            return Err(Error::Header {
                param: "alg",
                reason: "must be a string",
            });
        }
    };
    if obj.contains_key("crit") {
        return Err(Error::Header {
            param: "crit",
            reason: "critical header extensions are not supported",
        });
    }
    let kid = opt_header_string(&obj, "kid")?;
    let typ = opt_header_string(&obj, "typ")?;
    Ok((Header { alg, kid, typ }, obj))
}

fn opt_header_string(
    obj: &Map<String, Value>,
    param: &'static str,
) -> Result<Option<String>, Error> {
    match obj.get(param) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::Header {
            param,
            reason: "must be a string",
        }),
    }
}

/// Splits and decodes a compact JWS (header, claims and signature bytes).
pub(crate) fn decode(token: &str, max_len: usize) -> Result<Compact<'_>, Error> {
    if token.len() > max_len {
        return Err(Error::TokenTooLarge {
            len: token.len(),
            max: max_len,
        });
    }
    let (h, p, s) = split3(token)?;
    let (header, _) = parse_header(h)?;
    let payload = b64_decode(p, Part::Payload)?;
    let claims = strict_object(&payload, Part::Payload)?;
    let signature = b64_decode(s, Part::Signature)?;
    // h.len() + 1 + p.len() <= token.len(), so this cannot overflow.
    let input_len = h.len().saturating_add(1).saturating_add(p.len());
    let signing_input = token.as_bytes().get(..input_len).ok_or(Error::Malformed {
        reason: "signing input out of range",
    })?;
    Ok(Compact {
        signing_input,
        header,
        claims,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_duplicates_and_trailing() {
        assert!(strict_object(br#"{"a":1,"a":2}"#, Part::Payload).is_err());
        assert!(strict_object(br#"{"a":1} x"#, Part::Payload).is_err());
        assert!(strict_object(br#"[1]"#, Part::Payload).is_err());
        assert!(strict_object(br#"{"a":{"b":1}}"#, Part::Payload).is_ok());
    }

    #[test]
    fn split_shapes() {
        assert!(split3("a.b.c").is_ok());
        assert!(split3("a.b").is_err());
        assert!(split3("a.b.c.d").is_err());
        assert!(split3("a.b.").is_err());
        assert!(split3(".b.c").is_err());
    }

    #[test]
    fn padding_rejected() {
        assert!(b64_decode("eyJ9", Part::Header).is_ok());
        assert!(b64_decode("eyI=", Part::Header).is_err());
        assert!(b64_decode("e+/9", Part::Header).is_err());
    }
}
