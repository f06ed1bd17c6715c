//! Validation and unverified decoding of arbitrary token bytes never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scitoken::{Jwks, StaticKeys, UnixTime, Validator};
use std::sync::OnceLock;

const JWKS: &str = include_str!("../../examples/jwks.json");

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let mut keys = StaticKeys::new();
        if let Ok(j) = Jwks::from_json(JWKS.as_bytes(), "examples/jwks.json") {
            keys.insert("https://demo.scitokens.org", j);
        }
        Validator::new(keys)
            .trust_issuer("https://demo.scitokens.org")
            .audience("https://storage.example:1094")
    })
}

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = scitoken::dangerous::decode_unverified(&s, 1 << 16);
    if let Ok(t) = validator().validate(&s, UnixTime::from_secs(1_800_000_000)) {
        let _ = t.test(scitoken::Authz::Read, "/store");
    }
});
