//! Shared test helpers: one RSA and one EC key per test binary, a validator for them.
#![allow(dead_code)]

use scitoken::fixtures::SigningKey;
use scitoken::{Jwks, StaticKeys, UnixTime, Validator};
use std::sync::OnceLock;

pub const ISS: &str = "https://issuer.example";
pub const AUD: &str = "https://storage.example:1094";
pub const NOW: i64 = 1_800_000_000;

pub fn now() -> UnixTime {
    UnixTime::from_secs(NOW)
}

pub fn rsa() -> &'static SigningKey {
    static K: OnceLock<SigningKey> = OnceLock::new();
    K.get_or_init(|| SigningKey::rsa(Some("rsa1"), 2048).unwrap())
}

pub fn ec() -> &'static SigningKey {
    static K: OnceLock<SigningKey> = OnceLock::new();
    K.get_or_init(|| SigningKey::ec(Some("ec1")).unwrap())
}

pub fn jwks() -> Jwks {
    Jwks::from_keys(vec![rsa().jwk().clone(), ec().jwk().clone()])
}

pub fn keys() -> StaticKeys {
    let mut k = StaticKeys::new();
    k.insert(ISS, jwks());
    k
}

pub fn validator() -> Validator {
    Validator::new(keys()).trust_issuer(ISS).audience(AUD)
}
