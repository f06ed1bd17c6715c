//! Proxy creation: signing with a pre-generated key (the certificate work alone) and
//! with RSA-2048 key generation included (what `grid-proxy-init` does end to end,
//! minus process start-up and file reading).
//!
//! Run with `cargo bench -p grid-x509 --features fixtures --bench create`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use grid_x509::fixtures::TestPki;
use grid_x509::{KeySpec, PrivateKey, ProxyBuilder, ProxyKind, UnixTime};

fn bench(c: &mut Criterion) {
    let start = UnixTime::from_civil(2026, 1, 1, 0, 0, 0);
    let end = UnixTime::from_civil(2036, 1, 1, 0, 0, 0);
    let now = UnixTime::from_civil(2026, 6, 1, 12, 0, 0);
    let mut pki = TestPki::new(start, end).unwrap();
    let user = pki
        .user("/DC=org/DC=example/OU=People/CN=Bench User")
        .unwrap();
    let chain = [user.cert.clone()];
    let proxy_key = PrivateKey::generate_rsa(2048).unwrap();
    let ec_key = PrivateKey::generate_ec_p256().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x509up_bench");

    let mut g = c.benchmark_group("proxy_create");
    g.bench_function("rfc3820_pregenerated_rsa2048_key", |b| {
        b.iter(|| {
            ProxyBuilder::new(black_box(&chain), &user.key)
                .key(KeySpec::Existing(proxy_key.clone()))
                .build(now)
                .unwrap()
        })
    });
    g.bench_function("rfc3820_pregenerated_key_and_atomic_write", |b| {
        b.iter(|| {
            let p = ProxyBuilder::new(black_box(&chain), &user.key)
                .key(KeySpec::Existing(proxy_key.clone()))
                .build(now)
                .unwrap();
            p.write(&out).unwrap();
        })
    });
    g.bench_function("rfc3820_pregenerated_ec_p256_key", |b| {
        b.iter(|| {
            ProxyBuilder::new(black_box(&chain), &user.key)
                .key(KeySpec::Existing(ec_key.clone()))
                .build(now)
                .unwrap()
        })
    });
    g.bench_function("rfc3820_ec_p256_keygen_included", |b| {
        b.iter(|| {
            ProxyBuilder::new(black_box(&chain), &user.key)
                .key(KeySpec::EcP256)
                .kind(ProxyKind::Impersonation)
                .build(now)
                .unwrap()
        })
    });
    g.sample_size(30);
    g.bench_function("rfc3820_rsa2048_keygen_included", |b| {
        b.iter(|| {
            ProxyBuilder::new(black_box(&chain), &user.key)
                .key(KeySpec::Rsa(2048))
                .build(now)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
