//! Replays the fuzz corpora (`fuzz/corpus/*`) as an ordinary test: seeds made by
//! `voms-proxy-fake` and `gridauth voms fake`, plus whatever the fuzzer saved.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use grid_x509::UnixTime;
use std::path::Path;

fn files(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        out.push(std::fs::read(e.unwrap().path()).unwrap());
    }
    assert!(!out.is_empty(), "corpus {target} is empty");
    out
}

#[test]
fn ac_corpus() {
    let seeds = files("ac");
    for d in &seeds {
        if let Ok(ac) = voms_proxy::AttributeCertificate::from_der(d, 0) {
            let _ = voms_proxy::ac_section(&ac, None, UnixTime::from_secs(0));
        }
    }
    // The seeds made by the real tools decode.
    assert!(
        seeds
            .iter()
            .filter(|d| voms_proxy::AttributeCertificate::from_der(d, 0).is_ok())
            .count()
            >= 3
    );
}

#[test]
fn lsc_and_vomses_corpora() {
    for d in files("lsc") {
        let _ = voms_proxy::Lsc::parse(&String::from_utf8_lossy(&d), "x.lsc");
    }
    for d in files("vomses") {
        let _ = voms_proxy::parse_vomses(&String::from_utf8_lossy(&d), "x");
    }
}
