//! Test helpers (feature `fixtures`): signing keys, token minting with any header and
//! claims (malformed ones included), and a JWKS / discovery server on 127.0.0.1.
//!
//! Never use these keys outside tests.

use crate::jwk::{Jwk, Jwks};
use crate::jws::{Algorithm, b64_encode};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair as _, RsaKeyPair};
use serde_json::{Map, Value, json};
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A fixture failed (key generation, encoding, server start).
#[derive(Debug, thiserror::Error)]
#[error("fixture: {0}")]
pub struct FixtureError(String);

fn ferr(e: impl std::fmt::Display) -> FixtureError {
    FixtureError(e.to_string())
}

enum Pair {
    Rsa(RsaKeyPair),
    /// RSA keys ring refuses (under 2048 bits), signed with openssl for negative tests.
    WeakRsa(openssl::pkey::PKey<openssl::pkey::Private>),
    Ec(EcdsaKeyPair),
}

/// A signing key with its public JWK. Debug output never shows the private key.
pub struct SigningKey {
    kid: Option<String>,
    public_pem: String,
    pair: Pair,
    jwk: Jwk,
    rng: SystemRandom,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("alg", &self.algorithm())
            .field("private", &"<redacted>")
            .finish()
    }
}

impl SigningKey {
    /// A fresh RSA key of `bits` (2048 to 8192 for a usable key; smaller sizes produce
    /// keys the verifier rejects, for negative tests) for RS256.
    pub fn rsa(kid: Option<&str>, bits: u32) -> Result<Self, FixtureError> {
        let rsa = openssl::rsa::Rsa::generate(bits).map_err(ferr)?;
        let n = rsa.n().to_vec();
        let e = rsa.e().to_vec();
        let pkey = openssl::pkey::PKey::from_rsa(rsa).map_err(ferr)?;
        let public_pem =
            String::from_utf8(pkey.public_key_to_pem().map_err(ferr)?).map_err(ferr)?;
        let pair = if bits >= 2048 {
            let der = pkey.private_key_to_pkcs8().map_err(ferr)?;
            Pair::Rsa(RsaKeyPair::from_pkcs8(&der).map_err(ferr)?)
        } else {
            Pair::WeakRsa(pkey)
        };
        let jwk = if bits >= 2048 {
            Jwk::rsa(kid, &n, &e).map_err(ferr)?
        } else {
            let doc =
                json!({"kty":"RSA","n":b64_encode(&n),"e":b64_encode(&e),"kid":kid,"alg":"RS256"});
            let set = Jwks::from_json(json!({ "keys": [doc] }).to_string().as_bytes(), "fixture")
                .map_err(ferr)?;
            set.keys().first().cloned().ok_or_else(|| ferr("no key"))?
        };
        Ok(Self {
            kid: kid.map(str::to_owned),
            public_pem,
            pair,
            jwk,
            rng: SystemRandom::new(),
        })
    }

    /// A fresh P-256 key for ES256.
    pub fn ec(kid: Option<&str>) -> Result<Self, FixtureError> {
        let rng = SystemRandom::new();
        let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
        let doc = EcdsaKeyPair::generate_pkcs8(alg, &rng).map_err(ferr)?;
        let pair = EcdsaKeyPair::from_pkcs8(alg, doc.as_ref(), &rng).map_err(ferr)?;
        let pt = pair.public_key().as_ref();
        let x = pt.get(1..33).ok_or_else(|| ferr("short point"))?;
        let y = pt.get(33..65).ok_or_else(|| ferr("short point"))?;
        let jwk = Jwk::p256(kid, x, y).map_err(ferr)?;
        // SubjectPublicKeyInfo for id-ecPublicKey / prime256v1, then the point.
        let mut spki = vec![
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
        ];
        spki.extend_from_slice(pt);
        let public_pem = pem_encode("PUBLIC KEY", &spki);
        Ok(Self {
            kid: kid.map(str::to_owned),
            public_pem,
            pair: Pair::Ec(pair),
            jwk,
            rng,
        })
    }

    /// The key id.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// RS256 or ES256.
    pub fn algorithm(&self) -> Algorithm {
        match self.pair {
            Pair::Rsa(_) | Pair::WeakRsa(_) => Algorithm::RS256,
            Pair::Ec(_) => Algorithm::ES256,
        }
    }

    /// The public key as PEM (SubjectPublicKeyInfo), e.g. for Python `scitokens`.
    pub fn public_pem(&self) -> &str {
        &self.public_pem
    }

    /// The public key.
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// A JWKS holding only this key.
    pub fn jwks(&self) -> Jwks {
        Jwks::from_keys(vec![self.jwk.clone()])
    }

    /// Signs `message` with this key's algorithm.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, FixtureError> {
        match &self.pair {
            Pair::Rsa(p) => {
                let mut sig = vec![0u8; p.public().modulus_len()];
                p.sign(&signature::RSA_PKCS1_SHA256, &self.rng, message, &mut sig)
                    .map_err(ferr)?;
                Ok(sig)
            }
            Pair::WeakRsa(k) => {
                let mut signer =
                    openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), k)
                        .map_err(ferr)?;
                signer.update(message).map_err(ferr)?;
                signer.sign_to_vec().map_err(ferr)
            }
            Pair::Ec(p) => Ok(p.sign(&self.rng, message).map_err(ferr)?.as_ref().to_vec()),
        }
    }

    /// The default header: `{"alg": ..., "typ": "JWT", "kid": ...}`.
    pub fn header(&self) -> Value {
        let mut h = Map::new();
        h.insert("alg".into(), self.algorithm().as_str().into());
        h.insert("typ".into(), "JWT".into());
        if let Some(k) = &self.kid {
            h.insert("kid".into(), k.clone().into());
        }
        Value::Object(h)
    }

    /// Mints a token with the default header and these claims.
    pub fn mint(&self, claims: &Value) -> Result<String, FixtureError> {
        self.mint_with_header(&self.header(), claims)
    }

    /// Mints a token with any header and claims (they are serialized as given).
    pub fn mint_with_header(&self, header: &Value, claims: &Value) -> Result<String, FixtureError> {
        self.mint_raw(header.to_string().as_bytes(), claims.to_string().as_bytes())
    }

    /// Mints a token from raw header and payload bytes (for malformed JSON).
    pub fn mint_raw(&self, header: &[u8], payload: &[u8]) -> Result<String, FixtureError> {
        let input = format!("{}.{}", b64_encode(header), b64_encode(payload));
        let sig = self.sign(input.as_bytes())?;
        Ok(format!("{input}.{}", b64_encode(&sig)))
    }
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    let mut rest = b.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Mints an HS256 token with `secret` as the HMAC key (the "public key as HMAC secret"
/// attack).
pub fn mint_hs256(secret: &[u8], header: &Value, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64_encode(header.to_string().as_bytes()),
        b64_encode(claims.to_string().as_bytes())
    );
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    let tag = ring::hmac::sign(&key, input.as_bytes());
    format!("{input}.{}", b64_encode(tag.as_ref()))
}

/// Typical SciTokens 2.0 claims: `iss`, `sub`, `aud`, `scope`, `ver`, `iat`/`nbf` = now,
/// `exp` = now + 600, `jti`.
pub fn scitoken2_claims(issuer: &str, audience: &str, scope: &str, now: i64) -> Value {
    json!({
        "iss": issuer, "sub": "alice", "aud": audience, "scope": scope,
        "ver": "scitoken:2.0", "iat": now, "nbf": now, "exp": now + 600,
        "jti": "0b1e3c9e-0000-4000-8000-000000000001",
    })
}

/// Typical WLCG 1.0 claims: `wlcg.ver` = `1.0`, times as [`scitoken2_claims`].
pub fn wlcg_claims(issuer: &str, audience: &str, scope: &str, now: i64) -> Value {
    json!({
        "iss": issuer, "sub": "alice", "aud": audience, "scope": scope,
        "wlcg.ver": "1.0", "iat": now, "nbf": now, "exp": now + 600,
        "jti": "0b1e3c9e-0000-4000-8000-000000000002",
    })
}

#[derive(Debug)]
struct ServerState {
    jwks: Value,
    failing: bool,
    serve_oidc: bool,
    jwks_hits: usize,
    metadata_hits: usize,
}

/// A JWKS and discovery server on 127.0.0.1, for tests of key fetching.
///
/// Serves `/.well-known/openid-configuration` (or, when disabled, only
/// `/.well-known/oauth-authorization-server`) pointing at `/jwks`. It can be told to fail
/// (HTTP 500) and to serve another key set (rotation).
pub struct JwksServer {
    issuer: String,
    state: Arc<Mutex<ServerState>>,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for JwksServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwksServer")
            .field("issuer", &self.issuer)
            .finish()
    }
}

impl JwksServer {
    /// Starts a server on an ephemeral 127.0.0.1 port serving `jwks`.
    pub fn start(jwks: &Jwks) -> Result<Self, FixtureError> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(ferr)?;
        let addr = listener.local_addr().map_err(ferr)?;
        let issuer = format!("http://{addr}");
        let state = Arc::new(Mutex::new(ServerState {
            jwks: jwks.to_json(),
            failing: false,
            serve_oidc: true,
            jwks_hits: 0,
            metadata_hits: 0,
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp, iss) = (state.clone(), stop.clone(), issuer.clone());
        let handle = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = conn {
                    serve_one(stream, &st, &iss);
                }
            }
        });
        Ok(Self {
            issuer,
            state,
            stop,
            addr,
            handle: Some(handle),
        })
    }

    /// The issuer URL (`http://127.0.0.1:PORT`).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    fn with<R>(&self, f: impl FnOnce(&mut ServerState) -> R) -> R {
        let mut g = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut g)
    }

    /// Serves another key set from now on (key rotation).
    pub fn set_jwks(&self, jwks: &Jwks) {
        let v = jwks.to_json();
        self.with(|s| s.jwks = v);
    }

    /// Makes every request fail with HTTP 500 (or serve again).
    pub fn set_failing(&self, failing: bool) {
        self.with(|s| s.failing = failing);
    }

    /// Serves only the OAuth metadata path, not the OIDC one.
    pub fn set_serve_oidc(&self, on: bool) {
        self.with(|s| s.serve_oidc = on);
    }

    /// How many JWKS requests were received.
    pub fn jwks_hits(&self) -> usize {
        self.with(|s| s.jwks_hits)
    }

    /// How many metadata requests were received.
    pub fn metadata_hits(&self) -> usize {
        self.with(|s| s.metadata_hits)
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn serve_one(mut stream: TcpStream, state: &Mutex<ServerState>, issuer: &str) {
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let path = text.split(' ').nth(1).unwrap_or("/").to_owned();
    let (status, body) = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        let meta = json!({ "issuer": issuer, "jwks_uri": format!("{issuer}/jwks") }).to_string();
        match path.as_str() {
            "/.well-known/openid-configuration" | "/.well-known/oauth-authorization-server" => {
                s.metadata_hits = s.metadata_hits.saturating_add(1);
                if s.failing {
                    ("500 Internal Server Error", "{}".to_owned())
                } else if path.ends_with("openid-configuration") && !s.serve_oidc {
                    ("404 Not Found", "{}".to_owned())
                } else {
                    ("200 OK", meta)
                }
            }
            "/jwks" => {
                s.jwks_hits = s.jwks_hits.saturating_add(1);
                if s.failing {
                    ("500 Internal Server Error", "{}".to_owned())
                } else {
                    ("200 OK", s.jwks.to_string())
                }
            }
            _ => ("404 Not Found", "{}".to_owned()),
        }
    };
    let resp = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(resp.as_bytes());
    let _ = stream.flush();
}
