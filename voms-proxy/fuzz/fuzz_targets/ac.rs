//! Decoding an attribute certificate never panics.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(ac) = voms_proxy::AttributeCertificate::from_der(data, 0) {
        let _ = voms_proxy::ac_section(&ac, None, grid_x509::UnixTime::from_secs(0));
    }
});
