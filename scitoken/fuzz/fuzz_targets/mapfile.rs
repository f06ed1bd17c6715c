//! Name mapfile parsing never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = scitoken::parse_mapfile(data, "fuzz.json");
});
