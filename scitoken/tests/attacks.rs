//! Hostile tokens: each is rejected with the expected error and nothing panics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use base64::Engine as _;
use common::*;
use scitoken::fixtures::{SigningKey, mint_hs256, scitoken2_claims};
use scitoken::{Authz, Error, Part, StaticKeys, UnixTime, Validator};
use serde_json::json;

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn good() -> String {
    rsa()
        .mint(&scitoken2_claims(ISS, AUD, "read:/store", NOW))
        .unwrap()
}

fn code(t: &str) -> &'static str {
    validator().validate(t, now()).unwrap_err().code()
}

#[test]
fn alg_none() {
    let claims = scitoken2_claims(ISS, AUD, "read:/", NOW);
    let h = b64(br#"{"alg":"none","typ":"JWT"}"#);
    let p = b64(claims.to_string().as_bytes());
    assert_eq!(
        validator()
            .validate(&format!("{h}.{p}."), now())
            .unwrap_err(),
        Error::Malformed {
            reason: "empty signature segment (unsigned tokens are not accepted)"
        }
    );
    assert_eq!(
        validator()
            .validate(&format!("{h}.{p}.AAAA"), now())
            .unwrap_err(),
        Error::UnsupportedAlgorithm { alg: "none".into() }
    );
    let h = b64(br#"{"alg":"None"}"#);
    assert_eq!(code(&format!("{h}.{p}.AAAA")), "unsupported_alg");
}

#[test]
fn hs256_with_public_key_as_secret() {
    let claims = scitoken2_claims(ISS, AUD, "read:/", NOW);
    for secret in [
        rsa().jwk().to_json().to_string().into_bytes(),
        common::jwks().to_json().to_string().into_bytes(),
    ] {
        for alg in ["HS256", "HS384", "HS512"] {
            let t = mint_hs256(&secret, &json!({"alg": alg, "kid": "rsa1"}), &claims);
            assert_eq!(
                validator().validate(&t, now()).unwrap_err(),
                Error::UnsupportedAlgorithm { alg: alg.into() }
            );
        }
    }
    for alg in ["PS256", "ES384", "RS512", "EdDSA", "rs256", ""] {
        let t = mint_hs256(b"k", &json!({"alg": alg}), &claims);
        assert_eq!(code(&t), "unsupported_alg", "{alg}");
    }
    let t = mint_hs256(b"k", &json!({"alg": 256}), &claims);
    assert_eq!(code(&t), "bad_header");
    let t = mint_hs256(b"k", &json!({"typ": "JWT"}), &claims);
    assert_eq!(code(&t), "bad_header");
}

#[test]
fn kid_of_another_issuer() {
    let other = SigningKey::ec(Some("other-issuer-key")).unwrap();
    let mut ks = StaticKeys::new();
    ks.insert(ISS, common::jwks());
    ks.insert("https://other.example", other.jwks());
    let v = Validator::new(ks)
        .trust_issuer(ISS)
        .trust_issuer("https://other.example")
        .audience(AUD);
    // Signed by the other issuer's key, claiming our issuer.
    let t = other
        .mint(&scitoken2_claims(ISS, AUD, "read:/", NOW))
        .unwrap();
    assert_eq!(
        v.validate(&t, now()).unwrap_err(),
        Error::UnknownKid {
            issuer: ISS.into(),
            kid: "other-issuer-key".into()
        }
    );
    // Same, but naming our kid: the signature does not verify.
    let mut h = other.header();
    h["kid"] = json!("ec1");
    let t = other
        .mint_with_header(&h, &scitoken2_claims(ISS, AUD, "read:/", NOW))
        .unwrap();
    assert_eq!(
        v.validate(&t, now()).unwrap_err(),
        Error::BadSignature {
            issuer: ISS.into(),
            kid: "ec1".into()
        }
    );
}

#[test]
fn alg_key_mismatch() {
    // An RS256 header pointing at the EC key, and the reverse.
    let mut h = rsa().header();
    h["kid"] = json!("ec1");
    let t = rsa()
        .mint_with_header(&h, &scitoken2_claims(ISS, AUD, "read:/", NOW))
        .unwrap();
    assert_eq!(code(&t), "key_mismatch");
    let mut h = ec().header();
    h["kid"] = json!("rsa1");
    let t = ec()
        .mint_with_header(&h, &scitoken2_claims(ISS, AUD, "read:/", NOW))
        .unwrap();
    assert_eq!(code(&t), "key_mismatch");
}

#[test]
fn tampered_payload_and_signature() {
    let t = good();
    let parts: Vec<&str> = t.split('.').collect();
    let evil = scitoken2_claims(ISS, AUD, "read:/ write:/", NOW);
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64(evil.to_string().as_bytes()),
        parts[2]
    );
    assert_eq!(
        validator().validate(&forged, now()).unwrap_err(),
        Error::BadSignature {
            issuer: ISS.into(),
            kid: "rsa1".into()
        }
    );
    let mut sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[2])
        .unwrap();
    sig[10] ^= 1;
    let t2 = format!("{}.{}.{}", parts[0], parts[1], b64(&sig));
    assert_eq!(code(&t2), "bad_signature");
    // Truncated and extended signatures.
    sig.truncate(100);
    assert_eq!(
        code(&format!("{}.{}.{}", parts[0], parts[1], b64(&sig))),
        "bad_signature"
    );
    // ES256 signature in DER form (not the fixed r||s form) is rejected.
    let te = ec()
        .mint(&scitoken2_claims(ISS, AUD, "read:/", NOW))
        .unwrap();
    let p: Vec<&str> = te.split('.').collect();
    let mut s = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(p[2])
        .unwrap();
    s.insert(0, 0x30);
    assert_eq!(
        code(&format!("{}.{}.{}", p[0], p[1], b64(&s))),
        "bad_signature"
    );
}

#[test]
fn bad_base64_and_padding() {
    let t = good();
    let parts: Vec<&str> = t.split('.').collect();
    assert_eq!(
        validator()
            .validate(&format!("{}=.{}.{}", parts[0], parts[1], parts[2]), now())
            .unwrap_err(),
        Error::Base64 { part: Part::Header }
    );
    assert_eq!(
        validator()
            .validate(&format!("{}.{}==.{}", parts[0], parts[1], parts[2]), now())
            .unwrap_err(),
        Error::Base64 {
            part: Part::Payload
        }
    );
    // Padding on the signature (RSA-2048 signatures are 256 bytes: 342 chars + "==").
    assert_eq!(
        validator().validate(&format!("{t}=="), now()).unwrap_err(),
        Error::Base64 {
            part: Part::Signature
        }
    );
    // Standard (non-URL) alphabet and junk characters.
    let std_alpha = parts[2].replace('-', "+").replace('_', "/");
    if std_alpha != parts[2] {
        assert_eq!(
            code(&format!("{}.{}.{}", parts[0], parts[1], std_alpha)),
            "bad_base64"
        );
    }
    assert_eq!(
        code(&format!("{}*.{}.{}", parts[0], parts[1], parts[2])),
        "bad_base64"
    );
    assert_eq!(
        code(&format!("{} .{}.{}", parts[0], parts[1], parts[2])),
        "bad_base64"
    );
    // Non-canonical trailing bits.
    let h = parts[0];
    let last = h.chars().last().unwrap();
    if let Some(alt) = match last {
        'J' => Some('K'),
        '9' => Some('8'),
        _ => None,
    } {
        let mut h2 = h[..h.len() - 1].to_string();
        h2.push(alt);
        assert!(
            validator()
                .validate(&format!("{h2}.{}.{}", parts[1], parts[2]), now())
                .is_err()
        );
    }
}

#[test]
fn shapes() {
    let t = good();
    assert_eq!(code("a.b"), "malformed");
    assert_eq!(code(&format!("{t}.x.y")), "malformed");
    assert_eq!(code(""), "malformed");
    assert_eq!(code(".."), "malformed");
    assert_eq!(code(&"a.".repeat(5000)), "malformed");
    // JSON that is not an object, has duplicates, trailing data, deep nesting, bad UTF-8.
    for payload in [
        b"[1,2]".to_vec(),
        br#"{"iss":"a","iss":"b"}"#.to_vec(),
        br#"{"iss":"a"} {}"#.to_vec(),
        format!("{{\"a\":{}}}", "[".repeat(3000)).into_bytes(),
        b"{\"iss\":\"\xff\"}".to_vec(),
        b"".to_vec(),
    ] {
        let tok = rsa()
            .mint_raw(rsa().header().to_string().as_bytes(), &payload)
            .unwrap();
        let c = code(&tok);
        assert!(c == "bad_json" || c == "malformed", "{c}");
    }
    let dup_header = rsa()
        .mint_raw(br#"{"alg":"RS256","alg":"none"}"#, b"{}")
        .unwrap();
    assert_eq!(code(&dup_header), "bad_json");
    let crit = rsa()
        .mint_with_header(
            &json!({"alg":"RS256","kid":"rsa1","crit":["b64"],"b64":false}),
            &scitoken2_claims(ISS, AUD, "read:/", NOW),
        )
        .unwrap();
    assert_eq!(code(&crit), "bad_header");
}

#[test]
fn huge_tokens() {
    let huge = "A".repeat(10 * 1024 * 1024);
    assert_eq!(
        validator().validate(&huge, now()).unwrap_err(),
        Error::TokenTooLarge {
            len: huge.len(),
            max: 16 * 1024
        }
    );
    // Just over the budget with a real signature.
    let mut c = scitoken2_claims(ISS, AUD, "read:/", NOW);
    c["opt"] = json!("x".repeat(16 * 1024));
    let t = rsa().mint(&c).unwrap();
    assert_eq!(code(&t), "token_too_large");
    // Too many scopes.
    let scopes = (0..300)
        .map(|i| format!("read:/d{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let t = ec()
        .mint(&scitoken2_claims(ISS, AUD, &scopes, NOW))
        .unwrap();
    assert_eq!(
        validator().validate(&t, now()).unwrap_err(),
        Error::TooManyScopes {
            count: 300,
            max: 256
        }
    );
}

#[test]
fn traversal_scopes() {
    for scope in [
        "read:/store/../etc",
        "read:/../etc",
        "read:/store/%2e%2e/etc",
        "read:/store/%2E%2E/etc",
        "read:/store/.%2e/etc",
        "read:/store/%252e%252e/etc",
        "read:/store/a%2f..%2f..%2fetc",
        "read:/store/a%5c..",
        "read:/store/a%00b",
        "read:/store/%zz",
        "read:store",
        "read:",
        "read",
        "write:/a/..",
    ] {
        let t = ec().mint(&scitoken2_claims(ISS, AUD, scope, NOW)).unwrap();
        let e = validator().validate(&t, now()).unwrap_err();
        assert!(
            matches!(e, Error::InvalidScope { scope: ref s, .. } if s == scope),
            "{scope}: {e:?}"
        );
    }
}

#[test]
fn prefix_confusion() {
    let t = ec()
        .mint(&scitoken2_claims(ISS, AUD, "read:/store write:/data/", NOW))
        .unwrap();
    let v = validator().validate(&t, now()).unwrap();
    assert!(v.test(Authz::Read, "/storefoo").unwrap().is_none());
    assert!(v.test(Authz::Read, "/store.bak/x").unwrap().is_none());
    assert!(v.test(Authz::Read, "/store").unwrap().is_some());
    assert!(
        v.test(Authz::Read, "/store/../etc/passwd")
            .unwrap()
            .is_none()
    );
    assert!(v.test(Authz::Write, "/database").unwrap().is_none());
    assert!(v.test(Authz::Write, "/data/x").unwrap().is_some());
    assert!(v.test(Authz::Read, "relative").is_err());
}

#[test]
fn expired_future_wrong_audience_untrusted() {
    let t = ec()
        .mint(&scitoken2_claims(ISS, AUD, "read:/", NOW - 10_000))
        .unwrap();
    assert!(matches!(
        validator().validate(&t, now()).unwrap_err(),
        Error::Expired { .. }
    ));
    let t = ec()
        .mint(&scitoken2_claims(ISS, AUD, "read:/", NOW + 100))
        .unwrap();
    assert!(matches!(
        validator().validate(&t, now()).unwrap_err(),
        Error::NotYetValid { .. }
    ));
    let t = ec()
        .mint(&scitoken2_claims(ISS, "https://evil", "read:/", NOW))
        .unwrap();
    assert_eq!(
        validator().validate(&t, now()).unwrap_err(),
        Error::Audience {
            found: vec!["https://evil".into()],
            accepted: vec![AUD.into()]
        }
    );
    let t = ec()
        .mint(&scitoken2_claims("https://evil", AUD, "read:/", NOW))
        .unwrap();
    assert_eq!(
        validator().validate(&t, now()).unwrap_err(),
        Error::UntrustedIssuer {
            issuer: "https://evil".into()
        }
    );
    // Issuer comparison is exact (no trailing-slash or case folding).
    let t = ec()
        .mint(&scitoken2_claims(&format!("{ISS}/"), AUD, "read:/", NOW))
        .unwrap();
    assert_eq!(code(&t), "untrusted_issuer");
}

#[test]
fn wrong_types_are_errors_not_absent() {
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        ("exp", json!("1900000000"), "exp"),
        ("exp", json!(null), "exp"),
        ("iat", json!(true), "iat"),
        ("nbf", json!("0"), "nbf"),
        ("nbf", json!([1]), "nbf"),
        ("exp", json!(1e300), "exp"),
        ("scope", json!(["read:/"]), "scope"),
        ("scope", json!(null), "scope"),
        ("aud", json!(5), "aud"),
        ("aud", json!([AUD, 5]), "aud"),
        ("iss", json!([ISS]), "iss"),
        ("sub", json!(7), "sub"),
        ("jti", json!({}), "jti"),
        ("ver", json!(2), "ver"),
    ];
    for (claim, value, named) in cases {
        let mut c = scitoken2_claims(ISS, AUD, "read:/", NOW);
        c[claim] = value.clone();
        let t = ec().mint(&c).unwrap();
        let e = validator().validate(&t, now()).unwrap_err();
        assert!(
            matches!(&e, Error::ClaimType { claim, .. } if claim == named),
            "{claim}={value}: {e:?}"
        );
    }
    for missing in ["exp", "iat", "iss", "scope"] {
        let mut c = scitoken2_claims(ISS, AUD, "read:/", NOW);
        c.as_object_mut().unwrap().remove(missing);
        let t = ec().mint(&c).unwrap();
        assert_eq!(
            validator().validate(&t, now()).unwrap_err(),
            Error::MissingClaim {
                claim: missing.into()
            },
        );
    }
}

#[test]
fn weak_rsa_key_is_unusable() {
    let weak = SigningKey::rsa(Some("weak"), 1024).unwrap();
    let mut ks = StaticKeys::new();
    ks.insert(ISS, weak.jwks());
    let v = Validator::new(ks).trust_issuer(ISS).audience(AUD);
    let t = weak
        .mint(&scitoken2_claims(ISS, AUD, "read:/", NOW))
        .unwrap();
    assert_eq!(v.validate(&t, now()).unwrap_err().code(), "key_mismatch");
}

#[test]
fn mutations_never_panic() {
    let t = good();
    let bytes = t.as_bytes();
    let alphabet = b"AZaz09-_.=+/ %\x00";
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let v = validator();
    for _ in 0..3000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut m = bytes.to_vec();
        let pos = (seed as usize) % m.len();
        let op = (seed >> 32) % 3;
        let ch = alphabet[((seed >> 40) as usize) % alphabet.len()];
        match op {
            0 => m[pos] = ch,
            1 => {
                m.remove(pos);
            }
            _ => m.insert(pos, ch),
        }
        let s = String::from_utf8_lossy(&m);
        if s != t {
            // Any outcome but a panic is fine; a mutated token must not validate with
            // wider rights than the original.
            if let Ok(ok) = v.validate(&s, now()) {
                assert!(ok.test(Authz::Write, "/").unwrap().is_none());
            }
        }
    }
    let _ = v.validate(&t, UnixTime::from_secs(i64::MIN));
    let _ = v.validate(&t, UnixTime::from_secs(i64::MAX));
}
