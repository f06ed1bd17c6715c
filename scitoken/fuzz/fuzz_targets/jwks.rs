//! JWKS parsing and key selection never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(j) = scitoken::Jwks::from_json(data, "fuzz.json") {
        let _ = j.select("i", None);
        let _ = j.select("i", Some("k"));
    }
});
