//! Replays the fuzz corpus (`fuzz/corpus/<target>/*`) through the same entry points as the
//! cargo-fuzz targets, so every seed and every crash ever found is a regression test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use scitoken::{Authz, Config, Jwks, StaticKeys, UnixTime, Validator, parse_mapfile};
use std::path::Path;

fn files(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            out.push(std::fs::read(&p).unwrap());
        }
    }
    assert!(!out.is_empty(), "no seeds in {}", dir.display());
    out
}

#[test]
fn token_corpus() {
    let jwks = include_str!("../examples/jwks.json");
    let mut keys = StaticKeys::new();
    keys.insert(
        "https://demo.scitokens.org",
        Jwks::from_json(jwks.as_bytes(), "jwks").unwrap(),
    );
    let v = Validator::new(keys)
        .trust_issuer("https://demo.scitokens.org")
        .audience("https://storage.example:1094");
    for data in files("token") {
        let s = String::from_utf8_lossy(&data);
        let _ = scitoken::dangerous::decode_unverified(&s, 1 << 16);
        if let Ok(t) = v.validate(&s, UnixTime::from_secs(1_800_000_000)) {
            let _ = t.test(Authz::Read, "/store");
        }
    }
}

#[test]
fn config_corpus() {
    for data in files("config") {
        if let Ok(s) = std::str::from_utf8(&data) {
            let _ = Config::parse(s, "fuzz.cfg");
        }
    }
}

#[test]
fn mapfile_corpus() {
    for data in files("mapfile") {
        let _ = parse_mapfile(&data, "fuzz.json");
    }
}

#[test]
fn jwks_corpus() {
    for data in files("jwks") {
        if let Ok(j) = Jwks::from_json(&data, "fuzz.json") {
            let _ = j.select("i", None);
            let _ = j.select("i", Some("k"));
        }
    }
}
