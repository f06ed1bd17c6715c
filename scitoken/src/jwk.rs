//! JSON Web Keys (RFC 7517) for RS256 and ES256 verification.
//!
//! ES256 is verified with `ring`. RS256 is verified with OpenSSL on a key parsed once
//! when the JWKS is loaded: ring re-derives the Montgomery constants of the modulus on
//! every RSA verification (a third of its cost) and has no pre-parsed RSA public key, so
//! the issue's target (within 1.5x of `openssl speed rsa2048`) needs the parsed key.

use crate::error::Error;
use crate::jws::Algorithm;
use base64::Engine as _;
use ring::signature::{self, UnparsedPublicKey};
use serde_json::{Map, Value};

/// Budget: keys in one JWKS. Real issuers publish a handful; a larger set is a mistake or
/// an attempt to make key selection expensive.
pub const MAX_KEYS: usize = 64;

/// Budget: size of a JWKS or discovery document (1 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;

/// An RSA public key parsed once by OpenSSL (a reference-counted handle), with an id
/// that names its prepared verification contexts.
#[derive(Clone)]
struct ParsedRsa {
    key: openssl::pkey::PKey<openssl::pkey::Public>,
    id: u64,
}

static NEXT_KEY_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Prepared contexts kept per thread (OpenSSL's context is not `Send`).
const CONTEXTS_PER_THREAD: usize = 16;

type VerifyCtx = openssl::pkey_ctx::PkeyCtx<openssl::pkey::Public>;

thread_local! {
    static RSA_CONTEXTS: std::cell::RefCell<Vec<(u64, VerifyCtx)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl ParsedRsa {
    fn new(key: openssl::pkey::PKey<openssl::pkey::Public>) -> Self {
        let id = NEXT_KEY_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self { key, id }
    }

    fn context(&self) -> Result<VerifyCtx, openssl::error::ErrorStack> {
        let mut ctx = openssl::pkey_ctx::PkeyCtx::new(&self.key)?;
        ctx.verify_init()?;
        ctx.set_rsa_padding(openssl::rsa::Padding::PKCS1)?;
        ctx.set_signature_md(openssl::md::Md::sha256())?;
        Ok(ctx)
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`. The context (key, padding, digest)
    /// is prepared once per thread and key, as `openssl speed` measures it; a context
    /// that saw a failure is not kept.
    fn verify_sha256(&self, message: &[u8], sig: &[u8]) -> bool {
        let digest = ring::digest::digest(&ring::digest::SHA256, message);
        RSA_CONTEXTS.with(|cell| {
            let Ok(mut cache) = cell.try_borrow_mut() else {
                return self
                    .context()
                    .and_then(|mut c| c.verify(digest.as_ref(), sig))
                    .unwrap_or(false);
            };
            if let Some(pos) = cache.iter().position(|(id, _)| *id == self.id) {
                let ok = cache
                    .get_mut(pos)
                    .map(|(_, ctx)| ctx.verify(digest.as_ref(), sig));
                return match ok {
                    Some(Ok(true)) => true,
                    _ => {
                        cache.remove(pos);
                        false
                    }
                };
            }
            let Ok(mut ctx) = self.context() else {
                return false;
            };
            let ok = matches!(ctx.verify(digest.as_ref(), sig), Ok(true));
            if ok {
                if cache.len() >= CONTEXTS_PER_THREAD {
                    cache.remove(0);
                }
                cache.push((self.id, ctx));
            }
            ok
        })
    }
}

impl std::fmt::Debug for ParsedRsa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ParsedRsa")
    }
}

/// Equality is decided by `n` and `e`, from which the parsed key is built.
impl PartialEq for ParsedRsa {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for ParsedRsa {}

/// What a key can verify.
#[derive(Debug, Clone, PartialEq, Eq)]
enum KeyMaterial {
    /// RSA public key: big-endian modulus and exponent without leading zeros, and the
    /// same key parsed for verification.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
        parsed: ParsedRsa,
    },
    /// P-256 public key as an uncompressed SEC1 point (`04 || x || y`).
    P256 { point: Vec<u8> },
    /// A key this crate cannot use (other `kty`, curve or size); kept so that selecting it
    /// gives a precise error instead of "unknown kid".
    Unusable { reason: String },
}

/// One public key from a JWKS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwk {
    kid: Option<String>,
    alg: Option<String>,
    material: KeyMaterial,
}

impl Jwk {
    /// The key id, if the key has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The algorithm this key can verify, or `None` for a key this crate cannot use.
    pub fn algorithm(&self) -> Option<Algorithm> {
        match (&self.material, self.alg.as_deref()) {
            (KeyMaterial::Rsa { .. }, None | Some("RS256")) => Some(Algorithm::RS256),
            (KeyMaterial::P256 { .. }, None | Some("ES256")) => Some(Algorithm::ES256),
            _ => None,
        }
    }

    /// Verifies `signature` over `message` with this key for `alg`.
    pub(crate) fn verify(
        &self,
        issuer: &str,
        alg: Algorithm,
        message: &[u8],
        sig: &[u8],
    ) -> Result<(), Error> {
        let mismatch = |reason: String| Error::KeyMismatch {
            issuer: issuer.to_owned(),
            kid: self.kid.clone().unwrap_or_default(),
            alg: alg.as_str().to_owned(),
            reason,
        };
        if let Some(declared) = &self.alg
            && declared != alg.as_str()
        {
            return Err(mismatch(format!("the key declares alg `{declared}`")));
        }
        let ok = match (&self.material, alg) {
            (KeyMaterial::Rsa { n, parsed, .. }, Algorithm::RS256) => {
                // PKCS#1 v1.5 with SHA-256; the signature is exactly the modulus length.
                sig.len() == n.len() && parsed.verify_sha256(message, sig)
            }
            (KeyMaterial::P256 { point }, Algorithm::ES256) => {
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, sig)
                    .is_ok()
            }
            (KeyMaterial::Unusable { reason }, _) => return Err(mismatch(reason.clone())),
            (KeyMaterial::Rsa { .. }, _) => {
                return Err(mismatch("the key is an RSA key".to_owned()));
            }
            (KeyMaterial::P256 { .. }, _) => {
                return Err(mismatch("the key is an EC P-256 key".to_owned()));
            }
        };
        if ok {
            Ok(())
        } else {
            Err(Error::BadSignature {
                issuer: issuer.to_owned(),
                kid: self.kid.clone().unwrap_or_default(),
            })
        }
    }

    /// An RSA key from its big-endian modulus and public exponent.
    pub fn rsa(kid: Option<&str>, n: &[u8], e: &[u8]) -> Result<Self, Error> {
        let material = rsa_material(n, e).map_err(|reason| Error::Jwks {
            source_name: "<memory>".to_owned(),
            reason,
        })?;
        Ok(Self {
            kid: kid.map(str::to_owned),
            alg: Some("RS256".to_owned()),
            material,
        })
    }

    /// A P-256 key from its affine coordinates (32 bytes each).
    pub fn p256(kid: Option<&str>, x: &[u8], y: &[u8]) -> Result<Self, Error> {
        let material = p256_material(x, y).map_err(|reason| Error::Jwks {
            source_name: "<memory>".to_owned(),
            reason,
        })?;
        Ok(Self {
            kid: kid.map(str::to_owned),
            alg: Some("ES256".to_owned()),
            material,
        })
    }

    /// The key as a JWK JSON object (public parameters only).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if let Some(kid) = &self.kid {
            m.insert("kid".into(), Value::String(kid.clone()));
        }
        if let Some(alg) = &self.alg {
            m.insert("alg".into(), Value::String(alg.clone()));
        }
        m.insert("use".into(), Value::String("sig".into()));
        match &self.material {
            KeyMaterial::Rsa { n, e, .. } => {
                m.insert("kty".into(), "RSA".into());
                m.insert("n".into(), Value::String(crate::jws::b64_encode(n)));
                m.insert("e".into(), Value::String(crate::jws::b64_encode(e)));
            }
            KeyMaterial::P256 { point } => {
                m.insert("kty".into(), "EC".into());
                m.insert("crv".into(), "P-256".into());
                let x = point.get(1..33).unwrap_or_default();
                let y = point.get(33..65).unwrap_or_default();
                m.insert("x".into(), Value::String(crate::jws::b64_encode(x)));
                m.insert("y".into(), Value::String(crate::jws::b64_encode(y)));
            }
            KeyMaterial::Unusable { .. } => {}
        }
        Value::Object(m)
    }
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b.get(first..).unwrap_or_default()
}

fn rsa_material(n: &[u8], e: &[u8]) -> Result<KeyMaterial, String> {
    let n = strip_zeros(n);
    let e = strip_zeros(e);
    let bits = n.len().saturating_mul(8);
    if !(2048..=8192).contains(&bits) {
        return Err(format!(
            "RSA modulus of about {bits} bits (2048 to 8192 accepted)"
        ));
    }
    if e.is_empty() || e.len() > 4 || e.last().is_some_and(|b| b & 1 == 0) {
        return Err("RSA public exponent must be odd and at most 32 bits".to_owned());
    }
    if e.len() == 1 && e.first().is_some_and(|&b| b < 3) {
        return Err("RSA public exponent must be at least 3".to_owned());
    }
    let parsed = openssl::bn::BigNum::from_slice(n)
        .and_then(|bn_n| {
            openssl::bn::BigNum::from_slice(e)
                .and_then(|bn_e| openssl::rsa::Rsa::from_public_components(bn_n, bn_e))
        })
        .and_then(openssl::pkey::PKey::from_rsa)
        .map_err(|err| format!("RSA key not usable: {err}"))?;
    Ok(KeyMaterial::Rsa {
        n: n.to_vec(),
        e: e.to_vec(),
        parsed: ParsedRsa::new(parsed),
    })
}

fn p256_material(x: &[u8], y: &[u8]) -> Result<KeyMaterial, String> {
    if x.len() != 32 || y.len() != 32 {
        return Err("P-256 coordinates must be 32 bytes each".to_owned());
    }
    let mut point = Vec::with_capacity(65);
    point.push(4u8);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    Ok(KeyMaterial::P256 { point })
}

/// A JSON Web Key Set: the public keys of one issuer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Jwks {
    keys: Vec<Jwk>,
}

impl Jwks {
    /// A key set from keys already built.
    pub fn from_keys(keys: Vec<Jwk>) -> Self {
        Self { keys }
    }

    /// The keys, in document order.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// Parses a JWKS document. `source_name` (file or URL) is used in errors.
    ///
    /// Keys of other types, curves or sizes are kept as unusable so that a token naming
    /// them gets a precise error; a malformed member of a usable key is an error for the
    /// whole set, and so is a repeated `kid`.
    pub fn from_json(bytes: &[u8], source_name: &str) -> Result<Self, Error> {
        let err = |reason: String| Error::Jwks {
            source_name: source_name.to_owned(),
            reason,
        };
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(err(format!(
                "document of {} bytes exceeds the limit of {MAX_DOCUMENT_BYTES}",
                bytes.len()
            )));
        }
        let top: Value =
            serde_json::from_slice(bytes).map_err(|e| err(format!("not JSON: {e}")))?;
        let Some(Value::Array(list)) = top.get("keys") else {
            return Err(err("missing `keys` array".to_owned()));
        };
        if list.len() > MAX_KEYS {
            return Err(err(format!(
                "{} keys, more than the limit of {MAX_KEYS}",
                list.len()
            )));
        }
        let mut keys = Vec::with_capacity(list.len());
        for (i, v) in list.iter().enumerate() {
            let Value::Object(obj) = v else {
                return Err(err(format!("keys[{i}] is not an object")));
            };
            let key = parse_key(obj).map_err(|r| err(format!("keys[{i}]: {r}")))?;
            if let Some(kid) = &key.kid
                && keys.iter().any(|k: &Jwk| k.kid.as_deref() == Some(kid))
            {
                return Err(err(format!("keys[{i}]: kid `{kid}` appears twice")));
            }
            keys.push(key);
        }
        Ok(Self { keys })
    }

    /// The key set as a JWKS JSON document.
    pub fn to_json(&self) -> Value {
        serde_json::json!({ "keys": self.keys.iter().map(Jwk::to_json).collect::<Vec<_>>() })
    }

    /// Selects the key for a token: by `kid`, or the only key when the token has none.
    pub fn select(&self, issuer: &str, kid: Option<&str>) -> Result<&Jwk, Error> {
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|k| k.kid.as_deref() == Some(kid))
                .ok_or_else(|| Error::UnknownKid {
                    issuer: issuer.to_owned(),
                    kid: kid.to_owned(),
                }),
            None => match self.keys.as_slice() {
                [only] => Ok(only),
                _ => Err(Error::KidRequired {
                    issuer: issuer.to_owned(),
                    keys: self.keys.len(),
                }),
            },
        }
    }

    /// Whether a key with this `kid` exists.
    pub fn has_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }
}

/// Decodes a JWK base64url member; `=` padding is tolerated here because key sets come from
/// the trusted issuer and some publish padded values.
fn member_b64(obj: &Map<String, Value>, name: &str) -> Result<Vec<u8>, String> {
    match obj.get(name) {
        Some(Value::String(s)) => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s.trim_end_matches('='))
            .map_err(|_| format!("`{name}` is not base64url")),
        Some(_) => Err(format!("`{name}` must be a string")),
        None => Err(format!("`{name}` is missing")),
    }
}

fn member_str<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, String> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{name}` must be a string")),
    }
}

fn parse_key(obj: &Map<String, Value>) -> Result<Jwk, String> {
    let kid = member_str(obj, "kid")?.map(str::to_owned);
    let alg = member_str(obj, "alg")?.map(str::to_owned);
    let usage = member_str(obj, "use")?;
    let kty = member_str(obj, "kty")?.ok_or("`kty` is missing")?;
    if let Some(u) = usage
        && u != "sig"
    {
        return Ok(Jwk {
            kid,
            alg,
            material: KeyMaterial::Unusable {
                reason: format!("the key is for `use` = `{u}`, not signatures"),
            },
        });
    }
    let material = match kty {
        "RSA" => {
            let n = member_b64(obj, "n")?;
            let e = member_b64(obj, "e")?;
            match rsa_material(&n, &e) {
                Ok(m) => m,
                Err(reason) => KeyMaterial::Unusable { reason },
            }
        }
        "EC" => {
            let crv = member_str(obj, "crv")?.ok_or("`crv` is missing")?;
            if crv == "P-256" {
                let x = member_b64(obj, "x")?;
                let y = member_b64(obj, "y")?;
                p256_material(&x, &y)?
            } else {
                KeyMaterial::Unusable {
                    reason: format!("EC curve `{crv}` (only P-256 is accepted)"),
                }
            }
        }
        other => KeyMaterial::Unusable {
            reason: format!("key type `{other}` (only RSA and EC are accepted)"),
        },
    };
    Ok(Jwk { kid, alg, material })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_rules() {
        let k1 = Jwk::p256(Some("a"), &[1; 32], &[2; 32]).unwrap();
        let k2 = Jwk::p256(Some("b"), &[1; 32], &[2; 32]).unwrap();
        let one = Jwks::from_keys(vec![k1.clone()]);
        assert!(one.select("i", None).is_ok());
        let two = Jwks::from_keys(vec![k1, k2]);
        assert_eq!(
            two.select("i", None),
            Err(Error::KidRequired {
                issuer: "i".into(),
                keys: 2
            })
        );
        assert!(two.select("i", Some("b")).is_ok());
        assert!(matches!(
            two.select("i", Some("c")),
            Err(Error::UnknownKid { .. })
        ));
    }

    #[test]
    fn round_trip_and_unusable() {
        let k = Jwk::p256(Some("a"), &[1; 32], &[2; 32]).unwrap();
        let doc = Jwks::from_keys(vec![k]).to_json().to_string();
        let back = Jwks::from_json(doc.as_bytes(), "t").unwrap();
        assert_eq!(back.keys().len(), 1);
        let odd = br#"{"keys":[{"kty":"oct","k":"AAAA","kid":"h"}]}"#;
        let s = Jwks::from_json(odd, "t").unwrap();
        assert_eq!(s.keys().first().unwrap().algorithm(), None);
        let dup = br#"{"keys":[{"kty":"oct","kid":"h"},{"kty":"oct","kid":"h"}]}"#;
        assert!(Jwks::from_json(dup, "t").is_err());
    }
}

#[cfg(test)]
mod rsa_context_tests {
    use super::*;

    #[test]
    fn prepared_contexts_never_remember_a_verdict() {
        let private = openssl::rsa::Rsa::generate(2048).unwrap();
        let pkey = openssl::pkey::PKey::from_rsa(private.clone()).unwrap();
        let message = b"header.payload";
        let mut signer =
            openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &pkey).unwrap();
        let sig = signer.sign_oneshot_to_vec(message).unwrap();
        let KeyMaterial::Rsa { n, parsed, .. } =
            rsa_material(&private.n().to_vec(), &private.e().to_vec()).unwrap()
        else {
            panic!("not an RSA key");
        };
        assert_eq!(sig.len(), n.len());
        let mut bad = sig.clone();
        bad[10] ^= 1;
        for _ in 0..3 {
            assert!(parsed.verify_sha256(message, &sig));
            assert!(!parsed.verify_sha256(message, &bad));
            assert!(!parsed.verify_sha256(b"header.payloaD", &sig));
        }
        // Another key's context is never used for this one.
        let other = rsa_material(
            &openssl::rsa::Rsa::generate(2048).unwrap().n().to_vec(),
            &[1, 0, 1],
        )
        .unwrap();
        if let KeyMaterial::Rsa { parsed: p2, .. } = other {
            assert!(!p2.verify_sha256(message, &sig));
        }
        assert!(parsed.verify_sha256(message, &sig));
    }
}
