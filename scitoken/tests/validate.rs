//! Valid tokens: profiles, audiences, times, scopes, key selection, token cache.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use scitoken::fixtures::{SigningKey, scitoken2_claims, wlcg_claims};
use scitoken::{Authz, Error, Jwks, Profile, StaticKeys, TokenCache, UnixTime, Validator};
use serde_json::json;

#[test]
fn rs256_and_es256_scitoken2() {
    for key in [rsa(), ec()] {
        let t = key
            .mint(&scitoken2_claims(
                ISS,
                AUD,
                "read:/store write:/store/user/alice",
                NOW,
            ))
            .unwrap();
        let v = validator().validate(&t, now()).unwrap();
        assert_eq!(v.issuer(), ISS);
        assert_eq!(v.profile(), Profile::SciTokens2);
        assert_eq!(v.subject(), Some("alice"));
        assert_eq!(v.algorithm(), key.algorithm());
        assert_eq!(v.scopes().len(), 2);
        assert!(v.test(Authz::Read, "/store/data/x").unwrap().is_some());
        assert!(v.test(Authz::Read, "/storefoo").unwrap().is_none());
        assert!(
            v.test(Authz::Write, "/store/user/alice/f")
                .unwrap()
                .is_some()
        );
        assert!(v.test(Authz::Write, "/store/user/bob").unwrap().is_none());
        // A request path with `..` is canonicalised before matching.
        assert!(
            v.test(Authz::Write, "/store/user/alice/../bob")
                .unwrap()
                .is_none()
        );
    }
}

#[test]
fn profiles_detected() {
    let mut c = scitoken2_claims(ISS, AUD, "read:/a", NOW);
    c["ver"] = json!("scitokens:2.0");
    assert_eq!(
        validator()
            .validate(&ec().mint(&c).unwrap(), now())
            .unwrap()
            .profile(),
        Profile::SciTokens2
    );
    let t = ec()
        .mint(&wlcg_claims(ISS, AUD, "storage.read:/a", NOW))
        .unwrap();
    assert_eq!(
        validator().validate(&t, now()).unwrap().profile(),
        Profile::Wlcg1
    );

    let mut c = scitoken2_claims(ISS, AUD, "read:/a", NOW);
    c.as_object_mut().unwrap().remove("ver");
    c.as_object_mut().unwrap().remove("jti");
    let t = ec().mint(&c).unwrap();
    assert_eq!(
        validator().validate(&t, now()).unwrap().profile(),
        Profile::SciTokens1
    );
    c["ver"] = json!("scitokens:1.0");
    let t = ec().mint(&c).unwrap();
    assert_eq!(
        validator().validate(&t, now()).unwrap().profile(),
        Profile::SciTokens1
    );

    // at+jwt from the header.
    let mut h = ec().header();
    h["typ"] = json!("at+jwt");
    let mut c = scitoken2_claims(ISS, AUD, "read:/a", NOW);
    c.as_object_mut().unwrap().remove("ver");
    c["client_id"] = json!("x");
    let t = ec().mint_with_header(&h, &c).unwrap();
    assert_eq!(
        validator().validate(&t, now()).unwrap().profile(),
        Profile::AtJwt
    );
}

#[test]
fn unknown_versions_rejected() {
    let mut c = scitoken2_claims(ISS, AUD, "read:/a", NOW);
    c["ver"] = json!("scitokens:3.0");
    let e = validator()
        .validate(&ec().mint(&c).unwrap(), now())
        .unwrap_err();
    assert_eq!(
        e,
        Error::UnknownVersion {
            claim: "ver",
            value: "scitokens:3.0".into()
        }
    );
    let mut c = wlcg_claims(ISS, AUD, "storage.read:/a", NOW);
    c["wlcg.ver"] = json!("2.0");
    let e = validator()
        .validate(&ec().mint(&c).unwrap(), now())
        .unwrap_err();
    assert_eq!(e.code(), "unknown_version");
    c["wlcg.ver"] = json!(1.0);
    let e = validator()
        .validate(&ec().mint(&c).unwrap(), now())
        .unwrap_err();
    assert_eq!(e.code(), "claim_type");
}

#[test]
fn scitokens1_rejects_unknown_claims_others_allow() {
    let mut c = scitoken2_claims(ISS, AUD, "read:/a", NOW);
    c.as_object_mut().unwrap().remove("ver");
    c["extra"] = json!(1);
    let e = validator()
        .validate(&ec().mint(&c).unwrap(), now())
        .unwrap_err();
    assert_eq!(
        e,
        Error::UnknownClaim {
            claim: "extra".into()
        }
    );
    let mut c = scitoken2_claims(ISS, AUD, "read:/a", NOW);
    c["extra"] = json!(1);
    assert!(validator().validate(&ec().mint(&c).unwrap(), now()).is_ok());
}

#[test]
fn audiences() {
    // List audience with one match.
    let mut c = scitoken2_claims(ISS, AUD, "read:/a", NOW);
    c["aud"] = json!(["https://other", AUD]);
    assert!(validator().validate(&ec().mint(&c).unwrap(), now()).is_ok());
    // ANY in SciTokens 2.0, the WLCG any-audience in WLCG; not across profiles.
    c["aud"] = json!("ANY");
    assert!(validator().validate(&ec().mint(&c).unwrap(), now()).is_ok());
    let mut w = wlcg_claims(
        ISS,
        "https://wlcg.cern.ch/jwt/v1/any",
        "storage.read:/a",
        NOW,
    );
    assert!(validator().validate(&ec().mint(&w).unwrap(), now()).is_ok());
    w["aud"] = json!("ANY");
    assert_eq!(
        validator()
            .validate(&ec().mint(&w).unwrap(), now())
            .unwrap_err()
            .code(),
        "audience"
    );
    c["aud"] = json!("https://wlcg.cern.ch/jwt/v1/any");
    assert_eq!(
        validator()
            .validate(&ec().mint(&c).unwrap(), now())
            .unwrap_err()
            .code(),
        "audience"
    );
    // aud required in SciTokens 2.0 even without configured audiences.
    let v = Validator::new(keys()).trust_issuer(ISS);
    c.as_object_mut().unwrap().remove("aud");
    assert_eq!(
        v.validate(&ec().mint(&c).unwrap(), now()).unwrap_err(),
        Error::MissingClaim {
            claim: "aud".into()
        }
    );
}

#[test]
fn times_and_leeway() {
    let t = ec()
        .mint(&scitoken2_claims(ISS, AUD, "read:/a", NOW))
        .unwrap();
    // exp = NOW + 600: valid up to NOW + 599.
    assert!(
        validator()
            .validate(&t, UnixTime::from_secs(NOW + 599))
            .is_ok()
    );
    assert_eq!(
        validator()
            .validate(&t, UnixTime::from_secs(NOW + 600))
            .unwrap_err()
            .code(),
        "expired"
    );
    assert!(
        validator()
            .leeway(30)
            .validate(&t, UnixTime::from_secs(NOW + 620))
            .is_ok()
    );
    // nbf/iat = NOW.
    assert_eq!(
        validator()
            .validate(&t, UnixTime::from_secs(NOW - 1))
            .unwrap_err()
            .code(),
        "not_yet_valid"
    );
    let mut c = scitoken2_claims(ISS, AUD, "read:/a", NOW);
    c.as_object_mut().unwrap().remove("nbf");
    let t = ec().mint(&c).unwrap();
    assert_eq!(
        validator()
            .validate(&t, UnixTime::from_secs(NOW - 1))
            .unwrap_err()
            .code(),
        "issued_in_future"
    );
    assert!(
        validator()
            .leeway(5)
            .validate(&t, UnixTime::from_secs(NOW - 1))
            .is_ok()
    );
    // Fractional NumericDate is accepted.
    let mut c = scitoken2_claims(ISS, AUD, "read:/a", NOW);
    c["exp"] = json!((NOW + 10) as f64 + 0.5);
    assert!(validator().validate(&ec().mint(&c).unwrap(), now()).is_ok());
}

#[test]
fn wlcg_scopes_translate() {
    let t = ec()
        .mint(&wlcg_claims(
            ISS,
            AUD,
            "openid offline_access storage.read:/data storage.create:/data/up storage.modify:/data/mod storage.stage:/tape compute.read",
            NOW,
        ))
        .unwrap();
    let v = validator().validate(&t, now()).unwrap();
    assert!(v.test(Authz::Read, "/data/x").unwrap().is_some());
    assert!(v.test(Authz::Write, "/data/up/f").unwrap().is_some());
    assert!(v.test(Authz::Create, "/data/up/f").unwrap().is_some());
    assert!(v.test(Authz::Modify, "/data/up/f").unwrap().is_none());
    assert!(v.test(Authz::Modify, "/data/mod/f").unwrap().is_some());
    assert!(v.test(Authz::Stage, "/tape/f").unwrap().is_some());
    assert!(v.test(Authz::ComputeRead, "/").unwrap().is_some());
    assert_eq!(v.acls().len(), 5);
    // WLCG: group-only tokens are valid (no scope claim).
    let mut c = wlcg_claims(ISS, AUD, "x", NOW);
    c.as_object_mut().unwrap().remove("scope");
    c["wlcg.groups"] = json!(["/cms"]);
    let v = validator()
        .validate(&ec().mint(&c).unwrap(), now())
        .unwrap();
    assert!(v.scopes().is_empty());
}

#[test]
fn key_selection() {
    // One key: a token without kid is served.
    let k = SigningKey::ec(None).unwrap();
    let mut ks = StaticKeys::new();
    ks.insert(ISS, k.jwks());
    let v = Validator::new(ks).trust_issuer(ISS).audience(AUD);
    let t = k.mint(&scitoken2_claims(ISS, AUD, "read:/a", NOW)).unwrap();
    assert!(v.validate(&t, now()).is_ok());
    // Two keys: kid is needed.
    let mut h = ec().header();
    h.as_object_mut().unwrap().remove("kid");
    let t = ec()
        .mint_with_header(&h, &scitoken2_claims(ISS, AUD, "read:/a", NOW))
        .unwrap();
    assert_eq!(
        validator().validate(&t, now()).unwrap_err(),
        Error::KidRequired {
            issuer: ISS.into(),
            keys: 2
        }
    );
}

#[test]
fn token_cache_serves_repeats() {
    let v = validator().token_cache(TokenCache::new(60, 100));
    let t = rsa()
        .mint(&scitoken2_claims(ISS, AUD, "read:/a", NOW))
        .unwrap();
    let a = v.validate(&t, now()).unwrap();
    let b = v.validate(&t, UnixTime::from_secs(NOW + 10)).unwrap();
    assert_eq!(a.issuer(), b.issuer());
    // Expiry is still enforced on a cache hit.
    assert_eq!(
        v.validate(&t, UnixTime::from_secs(NOW + 600))
            .unwrap_err()
            .code(),
        "expired"
    );
    // A cached entry never outlives the token; a tampered token is a different key.
    let mut bad = t.clone();
    bad.push('A');
    assert!(v.validate(&bad, now()).is_err());
}

#[test]
fn jwks_file_roundtrip() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("jwks.json");
    std::fs::write(&p, jwks().to_json().to_string()).unwrap();
    let mut ks = StaticKeys::new();
    ks.insert_file(ISS, &p).unwrap();
    let v = Validator::new(ks).trust_issuer(ISS).audience(AUD);
    let t = rsa()
        .mint(&scitoken2_claims(ISS, AUD, "read:/a", NOW))
        .unwrap();
    assert!(v.validate(&t, now()).is_ok());
    let back = Jwks::from_json(&std::fs::read(&p).unwrap(), "f").unwrap();
    assert_eq!(back.keys().len(), 2);
}
