//! Reading and verifying a proxy with one VOMS AC (made by `voms-proxy-fake`), in
//! process, against the cost of the one RSA-2048 verification it needs for the AC
//! (the VOMS server certificate's own chain adds one more).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use voms_proxy::*;

fn bench(c: &mut Criterion) {
    let pki = common::Pki::new();
    let f = pki.fake(
        "p.pem",
        "user",
        "voms",
        "testvo",
        "voms.example.org:15000",
        &[
            "-fqan",
            "/testvo",
            "-fqan",
            "/testvo/Role=production",
            "-ga",
            "a=b (c)",
        ],
    );
    let der = common::pem_chain(&f);
    let trust = VomsTrust::load(&pki.p("vomsdir"), &pki.p("certs")).unwrap();
    let now = common::wall_clock().saturating_add(60);
    let policy = VerifyPolicy::strict();

    c.bench_function("read_acs (decode chain + ACs)", |b| {
        b.iter(|| {
            let chain = decode_chain(black_box(&der)).unwrap();
            black_box(read_acs(&chain).unwrap())
        })
    });
    c.bench_function("read_and_verify (decode + verify 1 AC)", |b| {
        b.iter(|| {
            let chain = decode_chain(black_box(&der)).unwrap();
            let v = verify_chain_acs(&chain, &trust, &policy, now).unwrap();
            assert_eq!(v.verified().count(), 1);
            black_box(v)
        })
    });

    // One bare RSA-2048 PKCS#1 SHA-256 verification with ring.
    let chain = decode_chain(&der).unwrap();
    let ac = read_acs(&chain).unwrap().unwrap().acs.remove(0);
    let key_bits = ac.certs()[0].public_key().key_bytes().to_vec();
    let key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        key_bits,
    );
    // Sign something with openssl to verify.
    let msg = b"voms bench message".to_vec();
    let out = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(pki.p("voms.key"))
        .arg("-binary")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut ch| {
            use std::io::Write;
            ch.stdin.take().unwrap().write_all(&msg)?;
            ch.wait_with_output()
        })
        .unwrap();
    let sig = out.stdout;
    key.verify(&msg, &sig).unwrap();
    c.bench_function("ring RSA-2048 SHA-256 verify", |b| {
        b.iter(|| key.verify(black_box(&msg), black_box(&sig)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
