//! Parsing an `.lsc` file never panics.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = voms_proxy::Lsc::parse(&String::from_utf8_lossy(data), "fuzz.lsc");
});
