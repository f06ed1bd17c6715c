//! Parsing a proxy file and validating its 3-certificate path (proxy, user, CA), on the
//! bundled example data.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use grid_x509::{CaStore, Credential, CrlPolicy, UnixTime, ValidationPolicy, verify_chain};
use std::hint::black_box;

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/data")
        .join(name)
}

fn bench(c: &mut Criterion) {
    let pem = std::fs::read(data("x509up_example")).unwrap();
    let store = CaStore::from_dir(data("certificates")).unwrap();
    let cred = Credential::from_pem(&pem, None, "proxy").unwrap();
    let at = UnixTime::from_secs(1_800_000_000);
    let grid = ValidationPolicy::grid();
    let no_crl = ValidationPolicy {
        crl: CrlPolicy::Ignore,
        ..ValidationPolicy::grid()
    };
    verify_chain(cred.certs(), &store, &grid, at).unwrap();

    c.bench_function("parse proxy file (proxy + user cert + key)", |b| {
        b.iter(|| Credential::from_pem(black_box(&pem), None, "proxy").unwrap())
    });
    c.bench_function("parse certificates only (2 certs)", |b| {
        b.iter(|| grid_x509::read_certificates(black_box(&pem), "proxy").unwrap())
    });
    c.bench_function(
        "verify 3-cert path, CRL checked (2 RSA-2048 verifications + cached CRL)",
        |b| b.iter(|| verify_chain(black_box(cred.certs()), &store, &grid, at).unwrap()),
    );
    c.bench_function(
        "verify 3-cert path, no CRL (2 RSA-2048 verifications)",
        |b| b.iter(|| verify_chain(black_box(cred.certs()), &store, &no_crl, at).unwrap()),
    );
    c.bench_function("parse + verify (CRL checked)", |b| {
        b.iter(|| {
            let cred = Credential::from_pem(black_box(&pem), None, "proxy").unwrap();
            verify_chain(cred.certs(), &store, &grid, at).unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
