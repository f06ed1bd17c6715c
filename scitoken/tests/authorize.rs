//! The plugin-level decision against `scitokens.cfg`, as XRootD's SciTokens plugin makes it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use scitoken::fixtures::{scitoken2_claims, wlcg_claims};
use scitoken::{
    Authorizer, Config, Decision, Denial, Error, OnMissing, Operation, Outcome, Rule, StaticKeys,
};
use serde_json::json;

const WLCG_ISS: &str = "https://wlcg.example";
const CACHE_ISS: &str = "https://cache.example";

struct Env {
    _dir: tempfile::TempDir,
    authz: Authorizer,
}

fn env(onmissing: &str, extra: &str) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.json");
    std::fs::write(
        &map,
        r#"[
  {"sub": "alice", "path": "/user/alice", "result": "alice"},
  {"group": "/cms/prod", "result": "cmsprod2", "comment": "production"},
  {"group": "/cms", "result": "ignored", "ignore": "testing"}
]"#,
    )
    .unwrap();
    let cfg = format!(
        "[Global]\naudience = {AUD}\nonmissing = {onmissing}\n\n\
         [Issuer CMS]\nissuer = {ISS}\nbase_path = /store, /cms\nrestricted_path = /data, /user\n\
         default_user = cmsuser\nname_mapfile = {}\n\n\
         [Issuer WLCG]\nissuer = {WLCG_ISS}\nbase_path = /wlcg\nusername_claim = uid\n\n{extra}",
        map.display()
    );
    let cfg = Config::parse(&cfg, "scitokens.cfg").unwrap();
    let mut ks = StaticKeys::new();
    for i in [ISS, WLCG_ISS, CACHE_ISS] {
        ks.insert(i, jwks());
    }
    Env {
        _dir: dir,
        authz: Authorizer::new(cfg, ks),
    }
}

fn decide(e: &Env, token: &str, op: &str, path: &str) -> Decision {
    e.authz
        .authorize(Some(token), Operation::from_name(op).unwrap(), path, now())
}

fn wlcg(scope: &str) -> String {
    ec().mint(&wlcg_claims(ISS, AUD, scope, NOW)).unwrap()
}

#[test]
fn scopes_joined_to_base_paths_and_restricted() {
    let e = env("deny", "");
    let t = wlcg("storage.read:/data/run1");
    for path in [
        "/store/data/run1/f",
        "/cms/data/run1",
        "/store/data/run1/../run1/x",
    ] {
        let d = decide(&e, &t, "read", path);
        assert_eq!(d.outcome, Outcome::Allow, "{path}");
        assert!(
            matches!(&d.rule, Rule::Scope { granted_path, ancestor: false, .. }
            if granted_path.ends_with("/data/run1"))
        );
        assert_eq!(d.issuer.as_deref(), Some(ISS));
        assert_eq!(d.username.as_deref(), Some("cmsuser"));
    }
    for path in [
        "/store/data/run10",
        "/store/data",
        "/data/run1",
        "/store/data/run1/../run2",
    ] {
        let d = decide(&e, &t, "read", path);
        assert_eq!(d.outcome, Outcome::Deny, "{path}");
        assert_eq!(d.rule, Rule::OnMissing(OnMissing::Deny));
        assert_eq!(d.denial, Some(Denial::NoMatchingScope));
    }
    // A whole-namespace scope is narrowed to the restricted paths.
    let t = wlcg("storage.read:/");
    assert!(decide(&e, &t, "read", "/store/user/x").is_allowed());
    assert!(!decide(&e, &t, "read", "/store/other").is_allowed());
    assert!(!decide(&e, &t, "read", "/store/userfoo").is_allowed());
    // A scope broader than a restricted path in another branch is not widened.
    let t = wlcg("storage.read:/dat");
    assert!(!decide(&e, &t, "read", "/store/data/x").is_allowed());
}

#[test]
fn operations_per_scope() {
    let e = env("deny", "");
    let create = wlcg("storage.create:/user/alice");
    let modify = wlcg("storage.modify:/user/alice");
    let read = wlcg("storage.read:/user/alice");
    let stage = wlcg("storage.stage:/data");
    let p = "/store/user/alice/file";
    let table: &[(&String, &str, bool)] = &[
        (&create, "excl_create", true),
        (&create, "create", false),
        (&create, "mkdir", true),
        (&create, "rename", true),
        (&create, "update", false),
        (&create, "delete", false),
        (&create, "chmod", false),
        (&create, "stat", true),
        (&create, "read", false),
        (&modify, "create", true),
        (&modify, "excl_create", true),
        (&modify, "update", true),
        (&modify, "delete", true),
        (&modify, "chmod", true),
        (&modify, "read", false),
        (&read, "read", true),
        (&read, "readdir", true),
        (&read, "stat", true),
        (&read, "create", false),
        (&read, "stage", false),
    ];
    for (t, op, allowed) in table {
        assert_eq!(decide(&e, t, op, p).is_allowed(), *allowed, "{op}");
    }
    assert!(decide(&e, &stage, "stage", "/store/data/f").is_allowed());
    assert!(decide(&e, &stage, "poll", "/store/data/f").is_allowed());
    assert!(!decide(&e, &stage, "read", "/store/data/f").is_allowed());
    // SciTokens write.
    let w = ec()
        .mint(&scitoken2_claims(ISS, AUD, "write:/user/alice", NOW))
        .unwrap();
    for op in ["create", "excl_create", "mkdir", "update", "delete", "stat"] {
        assert!(decide(&e, &w, op, p).is_allowed(), "{op}");
    }
    assert!(!decide(&e, &w, "read", p).is_allowed());
}

#[test]
fn stat_and_mkdir_on_ancestors() {
    let e = env("deny", "");
    let t = wlcg("storage.create:/user/alice/sub");
    let d = decide(&e, &t, "stat", "/store/user");
    assert!(d.is_allowed());
    assert!(matches!(d.rule, Rule::Scope { ancestor: true, .. }));
    assert!(decide(&e, &t, "mkdir", "/store/user/alice").is_allowed());
    assert!(!decide(&e, &t, "readdir", "/store/user").is_allowed());
    assert!(!decide(&e, &t, "excl_create", "/store/user/alice").is_allowed());
    // Ancestors are whole components: /store/us is not an ancestor of /store/user/...
    assert!(!decide(&e, &t, "stat", "/store/us").is_allowed());
}

#[test]
fn usernames_and_mapfile() {
    let e = env("deny", "");
    // Mapfile rule by sub and path (relative to every base path).
    let t = wlcg("storage.read:/user");
    let d = decide(&e, &t, "read", "/store/user/alice/x");
    assert_eq!(d.username.as_deref(), Some("alice"));
    assert_eq!(d.subject.as_deref(), Some("alice"));
    let d = decide(&e, &t, "read", "/cms/user/bob");
    assert_eq!(d.username.as_deref(), Some("cmsuser"));
    // Group rule.
    let mut c = wlcg_claims(ISS, AUD, "storage.read:/user", NOW);
    c["sub"] = json!("robot");
    c["wlcg.groups"] = json!(["/cms", "/cms/prod"]);
    let t = ec().mint(&c).unwrap();
    let d = decide(&e, &t, "read", "/store/user/x");
    assert_eq!(d.username.as_deref(), Some("cmsprod2"));
    assert_eq!(d.groups, vec!["/cms".to_string(), "/cms/prod".to_string()]);
    // Groups of the wrong type are an error, never "no groups".
    c["wlcg.groups"] = json!("/cms");
    let t = ec().mint(&c).unwrap();
    let d = decide(&e, &t, "read", "/store/user/x");
    assert!(!d.is_allowed());
    assert!(matches!(
        d.denial,
        Some(Denial::Invalid(Error::ClaimType { .. }))
    ));
}

#[test]
fn username_claim_checked() {
    let e = env("deny", "");
    let mut c = wlcg_claims(WLCG_ISS, AUD, "storage.read:/", NOW);
    c["uid"] = json!("bob");
    let d = decide(&e, &ec().mint(&c).unwrap(), "read", "/wlcg/x");
    assert!(d.is_allowed());
    assert_eq!(d.username.as_deref(), Some("bob"));
    for bad in ["../root", "-rf", "a b", "", "x/y", "a\u{0}b"] {
        c["uid"] = json!(bad);
        let d = decide(&e, &ec().mint(&c).unwrap(), "read", "/wlcg/x");
        assert!(!d.is_allowed(), "{bad:?}");
        assert_eq!(d.denial.as_ref().unwrap().code(), "unsafe_username");
    }
    c.as_object_mut().unwrap().remove("uid");
    let d = decide(&e, &ec().mint(&c).unwrap(), "read", "/wlcg/x");
    assert_eq!(d.denial.as_ref().unwrap().code(), "missing_claim");
}

#[test]
fn onmissing_outcomes() {
    for (mode, outcome) in [
        ("deny", Outcome::Deny),
        ("allow", Outcome::Allow),
        ("passthrough", Outcome::Passthrough),
    ] {
        let e = env(mode, "");
        let d = e
            .authz
            .authorize(None, Operation::Read, "/store/data/x", now());
        assert_eq!(d.outcome, outcome);
        assert_eq!(d.denial, Some(Denial::NoToken));
        let d = e
            .authz
            .authorize(Some("garbage"), Operation::Read, "/store/data/x", now());
        assert_eq!(d.outcome, outcome);
        assert_eq!(d.denial.unwrap().code(), "malformed");
    }
    // Passthrough after a mapfile match keeps the mapped username for the next plugin.
    let e = env("passthrough", "");
    let t = wlcg("storage.read:/data");
    let d = decide(&e, &t, "update", "/store/user/alice/f");
    assert_eq!(d.outcome, Outcome::Passthrough);
    assert_eq!(d.username.as_deref(), Some("alice"));
    // Bearer prefixes are accepted.
    let d = e.authz.authorize(
        Some(&format!("Bearer%20{t}")),
        Operation::Read,
        "/store/data/x",
        now(),
    );
    assert!(d.is_allowed());
}

#[test]
fn strategies() {
    let e = env(
        "passthrough",
        &format!(
            "[Issuer Cap]\nissuer = {CACHE_ISS}\nbase_path = /cap\nauthorization_strategy = group\n"
        ),
    );
    let mut c = wlcg_claims(CACHE_ISS, AUD, "storage.read:/", NOW);
    c["wlcg.groups"] = json!(["/g"]);
    let d = decide(&e, &ec().mint(&c).unwrap(), "read", "/cap/x");
    // Capability is off: the scope does not authorize; groups are passed on.
    assert_eq!(d.outcome, Outcome::Passthrough);
    assert_eq!(d.groups, vec!["/g".to_string()]);
}

#[test]
fn pelican_required_and_acceptable() {
    let e = env(
        "deny",
        &format!(
            "[Issuer Cache]\nissuer = {CACHE_ISS}\nbase_path = /store\nrestricted_path = /data\n\
             required_authorization = read\nacceptable_authorization = read\n"
        ),
    );
    // CMS token would allow it, but the cache issuer is required for reads under /store/data.
    let d = decide(&e, &wlcg("storage.read:/data"), "read", "/store/data/x");
    assert!(!d.is_allowed());
    assert_eq!(
        d.denial,
        Some(Denial::RequiredIssuer {
            issuer: CACHE_ISS.into()
        })
    );
    // Outside the required area, CMS tokens still work.
    assert!(decide(&e, &wlcg("storage.read:/user"), "read", "/store/user/x").is_allowed());
    // The cache token itself authorizes reads...
    let cache = ec()
        .mint(&wlcg_claims(
            CACHE_ISS,
            AUD,
            "storage.read:/ storage.modify:/",
            NOW,
        ))
        .unwrap();
    assert!(decide(&e, &cache, "read", "/store/data/x").is_allowed());
    // ...but is not acceptable for writes.
    let d = decide(&e, &cache, "update", "/store/data/x");
    assert_eq!(d.denial, Some(Denial::NotAcceptable));
}

#[test]
fn config_errors_name_entries() {
    let bad = [
        ("[Issuer A]\nissuer = x\n", "base_path"),
        ("[Issuer A]\nbase_path = /a\n", "issuer"),
        ("[Issuer A]\nissuer = x\nbase_path = a\n", "base_path"),
        (
            "[Issuer A]\nissuer = x\nbase_path = /a\nmap_subject = maybe\n",
            "map_subject",
        ),
        (
            "[Issuer A]\nissuer = x\nbase_path = /a\nauthorization_strategy = all\n",
            "authorization_strategy",
        ),
        (
            "[Issuer A]\nissuer = x\nbase_path = /a\nrequired_authorization = some\n",
            "required_authorization",
        ),
        (
            "[Issuer A]\nissuer = x\nbase_path = /a\nname_mapfile = /nonexistent/map.json\n",
            "",
        ),
        ("[Global]\naudience_json = {\"a\":1}\n", "audience_json"),
        ("[Global]\nonmissing = perhaps\n", "onmissing"),
        ("[Global]\naudiense = x\n", "audiense"),
        (
            "[Issuer A]\nissuer = x\nbase_path = /a\n[Issuer B]\nissuer = x\nbase_path = /b\n",
            "issuer",
        ),
        (
            "[Issuer A]\nissuer = x\nbase_path = /a\n  /b\n",
            "base_path",
        ),
        ("audience = x\n", "audience"),
    ];
    for (text, key) in bad {
        match Config::parse(text, "scitokens.cfg") {
            Err(Error::Config { key: k, .. }) => assert_eq!(k, key, "{text}"),
            Err(Error::Io { .. }) if key.is_empty() => {}
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn map_subject_uses_safe_sub() {
    let e = env(
        "deny",
        &format!("[Issuer Subj]\nissuer = {CACHE_ISS}\nbase_path = /home\nmap_subject = true\n"),
    );
    let mut c = wlcg_claims(CACHE_ISS, AUD, "storage.read:/", NOW);
    c["sub"] = json!("carol");
    let d = decide(&e, &ec().mint(&c).unwrap(), "read", "/home/carol/x");
    assert!(d.is_allowed());
    assert_eq!(d.username.as_deref(), Some("carol"));
    c["sub"] = json!("../../root");
    let d = decide(&e, &ec().mint(&c).unwrap(), "read", "/home/x");
    assert!(!d.is_allowed());
    assert_eq!(
        d.denial,
        Some(Denial::Invalid(Error::UnsafeUsername {
            claim: "sub".into(),
            value: "../../root".into()
        }))
    );
    // A token without `sub` is not usable by the plugin (as in XRootD).
    c.as_object_mut().unwrap().remove("sub");
    let d = decide(&e, &ec().mint(&c).unwrap(), "read", "/home/x");
    assert_eq!(
        d.denial,
        Some(Denial::Invalid(Error::MissingClaim {
            claim: "sub".into()
        }))
    );
}
