//! Key discovery and caching against a JWKS server on 127.0.0.1 that fails and rotates keys.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use scitoken::fixtures::{JwksServer, SigningKey, scitoken2_claims};
use scitoken::{
    CachePolicy, Error, HttpFetcher, Jwk, Jwks, JwksFetcher, KeyCache, KeySource, UnixTime,
    Validator,
};
use std::sync::Arc;
use std::time::Duration;

const AUD: &str = "https://storage.example";
const T0: i64 = 1_800_000_000;

fn at(s: i64) -> UnixTime {
    UnixTime::from_secs(T0 + s)
}

fn setup(key: &SigningKey) -> (JwksServer, Arc<KeyCache<HttpFetcher>>, Validator) {
    let server = JwksServer::start(&key.jwks()).unwrap();
    let cache = Arc::new(KeyCache::new(HttpFetcher::new(Duration::from_secs(5))));
    let v = Validator::with_key_source(cache.clone())
        .trust_issuer(server.issuer())
        .audience(AUD);
    (server, cache, v)
}

fn token(key: &SigningKey, iss: &str, t: i64) -> String {
    let mut c = scitoken2_claims(iss, AUD, "read:/", T0 + t);
    c["exp"] = serde_json::json!(T0 + 10 * 86_400);
    key.mint(&c).unwrap()
}

#[test]
fn discovery_refresh_rotation_and_failure() {
    let a = SigningKey::ec(Some("a")).unwrap();
    let (server, _cache, v) = setup(&a);
    let iss = server.issuer().to_owned();

    // First use: metadata + JWKS fetched once; repeats are served from memory.
    assert!(v.validate(&token(&a, &iss, 0), at(0)).is_ok());
    assert!(v.validate(&token(&a, &iss, 1), at(10)).is_ok());
    assert_eq!((server.metadata_hits(), server.jwks_hits()), (1, 1));

    // Rotation: the issuer now signs with b. An unknown kid triggers one refresh.
    let b = SigningKey::ec(Some("b")).unwrap();
    server.set_jwks(&Jwks::from_keys(vec![b.jwk().clone()]));
    assert!(v.validate(&token(&b, &iss, 100), at(100)).is_ok());
    assert_eq!(server.jwks_hits(), 2);
    // The old key is gone from the new set.
    assert!(matches!(
        v.validate(&token(&a, &iss, 101), at(101)).unwrap_err(),
        Error::UnknownKid { .. }
    ));

    // Unknown kids are rate limited: one fetch per minute at most.
    let z = SigningKey::ec(Some("zzz")).unwrap();
    let hits = server.jwks_hits();
    for s in 0..5 {
        let e = v
            .validate(&token(&z, &iss, 200 + s), at(200 + s))
            .unwrap_err();
        assert!(matches!(e, Error::UnknownKid { .. }), "{e:?}");
    }
    assert_eq!(server.jwks_hits(), hits + 1);

    // A failed refresh keeps the old keys.
    server.set_failing(true);
    let m = server.metadata_hits();
    assert!(v.validate(&token(&b, &iss, 1000), at(1000)).is_ok());
    assert_eq!(
        server.metadata_hits(),
        m + 2,
        "refresh was attempted (OIDC, then OAuth)"
    );
    assert!(v.validate(&token(&b, &iss, 1001), at(1001)).is_ok());
    assert_eq!(
        server.metadata_hits(),
        m + 2,
        "failed refresh is rate limited"
    );

    // After 4 days without a successful refresh the keys expire.
    let e = v
        .validate(&token(&b, &iss, 4 * 86_400 + 200), at(4 * 86_400 + 200))
        .unwrap_err();
    assert!(matches!(e, Error::NoKeys { .. }), "{e:?}");

    // The issuer recovers.
    server.set_failing(false);
    assert!(
        v.validate(&token(&b, &iss, 4 * 86_400 + 300), at(4 * 86_400 + 300))
            .is_ok()
    );
}

#[test]
fn oauth_metadata_fallback() {
    let a = SigningKey::rsa(Some("r"), 2048).unwrap();
    let (server, _cache, v) = setup(&a);
    server.set_serve_oidc(false);
    let iss = server.issuer().to_owned();
    assert!(v.validate(&token(&a, &iss, 0), at(0)).is_ok());
    assert_eq!(server.metadata_hits(), 2);
}

#[test]
fn dead_issuer_is_not_hammered() {
    let a = SigningKey::ec(Some("a")).unwrap();
    let (server, _cache, v) = setup(&a);
    server.set_failing(true);
    let iss = server.issuer().to_owned();
    for s in 0..10 {
        let e = v.validate(&token(&a, &iss, s), at(s)).unwrap_err();
        assert!(matches!(e, Error::NoKeys { .. }), "{e:?}");
    }
    // OIDC then OAuth metadata, once.
    assert_eq!(server.metadata_hits(), 2);
}

#[test]
fn concurrent_refresh() {
    let a = SigningKey::ec(Some("a")).unwrap();
    let server = JwksServer::start(&a.jwks()).unwrap();
    let iss = server.issuer().to_owned();
    let cache = Arc::new(KeyCache::with_policy(
        HttpFetcher::new(Duration::from_secs(5)),
        CachePolicy {
            refresh_after: 600,
            expire_after: 4 * 86_400,
            min_fetch_interval: 60,
        },
    ));
    let v = Arc::new(
        Validator::with_key_source(cache.clone())
            .trust_issuer(iss.clone())
            .audience(AUD),
    );
    let tok = token(&a, &iss, 0);
    let mut handles = Vec::new();
    for i in 0..8 {
        let (v, tok) = (v.clone(), tok.clone());
        handles.push(std::thread::spawn(move || {
            for j in 0..20 {
                assert!(v.validate(&tok, at(i64::from(i) * 100 + j)).is_ok());
            }
        }));
    }
    for h in handles {
        h.join().unwrap();
    }
    // Refreshes are due at most every 600 s over a span of < 800 s.
    assert!(server.jwks_hits() <= 3, "{}", server.jwks_hits());
}

#[test]
fn url_policy_timeout_and_size_cap() {
    let f = HttpFetcher::new(Duration::from_millis(500));
    for bad in [
        "http://example.org",
        "ftp://127.0.0.1/",
        "file:///etc/passwd",
    ] {
        assert!(
            matches!(f.fetch(bad).unwrap_err(), Error::Fetch { .. }),
            "{bad}"
        );
    }
    // A server that accepts but never answers: the fetch fails within the timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let start = std::time::Instant::now();
    assert!(f.fetch(&url).is_err());
    assert!(start.elapsed() < Duration::from_secs(5));
    // A key set over 1 MiB is refused.
    let big = Jwk::p256(Some(&"k".repeat(1_100_000)), &[1; 32], &[2; 32]).unwrap();
    let server = JwksServer::start(&Jwks::from_keys(vec![big])).unwrap();
    let e = HttpFetcher::default().fetch(server.issuer()).unwrap_err();
    assert!(matches!(e, Error::Fetch { .. }), "{e:?}");
    // Cache reports the fetch error as the reason there are no keys.
    let cache = KeyCache::new(HttpFetcher::default());
    let e = cache.jwks(server.issuer(), None, at(0)).unwrap_err();
    assert!(matches!(e, Error::NoKeys { .. }));
}
