//! Validations per second: RS256 and ES256 with keys in memory, a token already verified
//! (token cache), the plugin decision, and the raw ring signature checks as a baseline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use base64::Engine as _;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use scitoken::fixtures::{SigningKey, wlcg_claims};
use scitoken::{Authorizer, Config, Jwks, Operation, StaticKeys, TokenCache, UnixTime, Validator};
use std::hint::black_box;

const ISS: &str = "https://issuer.example";
const AUD: &str = "https://storage.example:1094";
const NOW: i64 = 1_800_000_000;

fn b64d(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let rsa = SigningKey::rsa(Some("rsa"), 2048).unwrap();
    let ec = SigningKey::ec(Some("ec")).unwrap();
    let scope = "storage.read:/store storage.create:/store/user/alice openid offline_access";
    let rs_tok = rsa.mint(&wlcg_claims(ISS, AUD, scope, NOW)).unwrap();
    let es_tok = ec.mint(&wlcg_claims(ISS, AUD, scope, NOW)).unwrap();
    let mut keys = StaticKeys::new();
    keys.insert(
        ISS,
        Jwks::from_keys(vec![rsa.jwk().clone(), ec.jwk().clone()]),
    );
    let now = UnixTime::from_secs(NOW + 1);
    let v = Validator::new(keys.clone()).trust_issuer(ISS).audience(AUD);
    let cached = Validator::new(keys.clone())
        .trust_issuer(ISS)
        .audience(AUD)
        .token_cache(TokenCache::default());

    let mut g = c.benchmark_group("validate");
    g.throughput(Throughput::Elements(1));
    g.bench_function("rs256", |b| {
        b.iter(|| v.validate(black_box(&rs_tok), now).unwrap())
    });
    g.bench_function("es256", |b| {
        b.iter(|| v.validate(black_box(&es_tok), now).unwrap())
    });
    g.bench_function("parse_only_rs256", |b| {
        b.iter(|| scitoken::dangerous::decode_unverified(black_box(&rs_tok), 1 << 16).unwrap())
    });
    g.bench_function("cached_rs256", |b| {
        b.iter(|| cached.validate(black_box(&rs_tok), now).unwrap())
    });

    // Raw signature checks over the same signing input (what `openssl speed` measures).
    let p: Vec<&str> = rs_tok.split('.').collect();
    let msg = format!("{}.{}", p[0], p[1]);
    let sig = b64d(p[2]);
    let j = rsa.jwk().to_json();
    let (n, e) = (
        b64d(j["n"].as_str().unwrap()),
        b64d(j["e"].as_str().unwrap()),
    );
    g.bench_function("raw_ring_rs256_verify", |b| {
        b.iter(|| {
            RsaPublicKeyComponents { n: &n, e: &e }
                .verify(
                    &signature::RSA_PKCS1_2048_8192_SHA256,
                    black_box(msg.as_bytes()),
                    &sig,
                )
                .unwrap()
        })
    });
    // The same check through OpenSSL with a parsed key (what `openssl speed` measures).
    let ossl_rsa = openssl::pkey::PKey::from_rsa(
        openssl::rsa::Rsa::from_public_components(
            openssl::bn::BigNum::from_slice(&n).unwrap(),
            openssl::bn::BigNum::from_slice(&e).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    g.bench_function("raw_openssl_rs256_verify", |b| {
        b.iter(|| {
            let mut ver =
                openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), &ossl_rsa)
                    .unwrap();
            assert!(ver.verify_oneshot(&sig, black_box(msg.as_bytes())).unwrap())
        })
    });
    let p: Vec<&str> = es_tok.split('.').collect();
    let emsg = format!("{}.{}", p[0], p[1]);
    let esig = b64d(p[2]);
    let j = ec.jwk().to_json();
    let mut point = vec![4u8];
    point.extend(b64d(j["x"].as_str().unwrap()));
    point.extend(b64d(j["y"].as_str().unwrap()));
    g.bench_function("raw_ring_es256_verify", |b| {
        b.iter(|| {
            UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &point)
                .verify(black_box(emsg.as_bytes()), &esig)
                .unwrap()
        })
    });

    let group = openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap();
    let mut ctx = openssl::bn::BigNumContext::new().unwrap();
    let ecpt = openssl::ec::EcPoint::from_bytes(&group, &point, &mut ctx).unwrap();
    let ossl_ec = openssl::pkey::PKey::from_ec_key(
        openssl::ec::EcKey::from_public_key(&group, &ecpt).unwrap(),
    )
    .unwrap();
    g.bench_function("raw_openssl_es256_verify", |b| {
        b.iter(|| {
            let r = openssl::bn::BigNum::from_slice(&esig[..32]).unwrap();
            let s = openssl::bn::BigNum::from_slice(&esig[32..]).unwrap();
            let der = openssl::ecdsa::EcdsaSig::from_private_components(r, s)
                .unwrap()
                .to_der()
                .unwrap();
            let mut ver =
                openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), &ossl_ec)
                    .unwrap();
            assert!(
                ver.verify_oneshot(&der, black_box(emsg.as_bytes()))
                    .unwrap()
            )
        })
    });

    // Plugin decision with a warm token cache.
    let cfg = Config::parse(
        &format!("[Global]\naudience = {AUD}\n[Issuer A]\nissuer = {ISS}\nbase_path = /xrd\n"),
        "bench.cfg",
    )
    .unwrap();
    let val = Authorizer::validator_for(&cfg, std::sync::Arc::new(keys))
        .token_cache(TokenCache::default());
    let authz = Authorizer::with_validator(cfg, val);
    g.bench_function("authorize_cached", |b| {
        b.iter(|| {
            assert!(
                authz
                    .authorize(
                        Some(black_box(&es_tok)),
                        Operation::Read,
                        "/xrd/store/f",
                        now
                    )
                    .is_allowed()
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
