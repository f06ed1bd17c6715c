//! `gridauth token`: inspect, test, authorize and mint SciTokens / WLCG tokens.
//!
//! TOKEN arguments are the token itself, `@FILE` to read it from a file, or `-` for stdin.

use crate::output::{NO, OK, fail, now, print_json};
use clap::{Args, Subcommand, ValueEnum};
use scitoken::{
    Authorizer, Authz, Config, Operation, StaticKeys, UnixTime, Validator, dangerous,
    fixtures::SigningKey,
};
use serde_json::{Value, json};
use std::process::ExitCode;

/// Token subcommands.
#[derive(Subcommand)]
pub enum TokenCmd {
    /// Print a token's header and claims WITHOUT verifying it.
    Inspect {
        /// The token, @FILE, or - for stdin.
        token: String,
    },
    /// Library-level check (like scitokens-cpp's enforcer_test): is the token valid, and
    /// does it grant OP on PATH?
    Test(TestArgs),
    /// Plugin-level decision with scitokens.cfg, as XRootD's SciTokens plugin makes it.
    Authorize(AuthorizeArgs),
    /// Mint a test token with a fresh key (never for production use).
    Mint(MintArgs),
}

/// Arguments of `gridauth token test`.
#[derive(Args)]
pub struct TestArgs {
    /// The token, @FILE, or - for stdin.
    token: String,
    /// The trusted issuer (repeat for several).
    #[arg(long, required = true)]
    issuer: Vec<String>,
    /// An accepted audience (repeat for several).
    #[arg(long)]
    audience: Vec<String>,
    /// Static keys: ISSUER=JWKS_FILE (repeat for several issuers).
    #[arg(long, value_name = "ISS=FILE")]
    jwks: Vec<String>,
    /// Authorization to test: read, write, create, modify, stage, compute.read,
    /// compute.modify, compute.create, compute.cancel (storage.* names accepted).
    #[arg(long)]
    op: String,
    /// Path to test.
    #[arg(long)]
    path: String,
    /// Check at this Unix time instead of now.
    #[arg(long, value_name = "UNIX")]
    at: Option<i64>,
    /// Clock skew tolerated, in seconds.
    #[arg(long, default_value_t = 0)]
    leeway: u32,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `gridauth token authorize`.
#[derive(Args)]
pub struct AuthorizeArgs {
    /// The token, @FILE, or - for stdin.
    token: String,
    /// The plugin configuration (scitokens.cfg).
    #[arg(long)]
    config: String,
    /// Static keys: ISSUER=JWKS_FILE (repeat for several issuers).
    #[arg(long, value_name = "ISS=FILE")]
    jwks: Vec<String>,
    /// Operation: read, readdir, stat, create, excl_create, mkdir, rename, insert,
    /// excl_insert, update, chmod, delete, stage, poll.
    #[arg(long)]
    op: String,
    /// Requested path.
    #[arg(long)]
    path: String,
    /// Check at this Unix time instead of now.
    #[arg(long, value_name = "UNIX")]
    at: Option<i64>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Signature algorithm for `mint`.
#[derive(Clone, Copy, ValueEnum)]
enum MintAlg {
    #[value(name = "ES256")]
    Es256,
    #[value(name = "RS256")]
    Rs256,
}

/// Token profile for `mint`.
#[derive(Clone, Copy, ValueEnum)]
enum MintProfile {
    /// SciTokens 2.0 (`ver: scitoken:2.0`).
    Scitokens2,
    /// SciTokens 1.0 (no `ver`).
    Scitokens1,
    /// WLCG 1.0 (`wlcg.ver: 1.0`).
    Wlcg,
}

/// Arguments of `gridauth token mint`.
#[derive(Args)]
pub struct MintArgs {
    /// Issuer (`iss`).
    #[arg(long)]
    issuer: String,
    /// Subject (`sub`).
    #[arg(long, default_value = "test-user")]
    sub: String,
    /// Space-separated scopes (`scope`).
    #[arg(long, default_value = "")]
    scope: String,
    /// Audience (`aud`); repeat for a list.
    #[arg(long)]
    audience: Vec<String>,
    /// Token profile.
    #[arg(long, value_enum, default_value = "scitokens2")]
    profile: MintProfile,
    /// Signature algorithm.
    #[arg(long, value_enum, default_value = "ES256")]
    alg: MintAlg,
    /// Key id.
    #[arg(long, default_value = "test-key")]
    kid: String,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 600)]
    lifetime: i64,
    /// Extra claims as a JSON object, merged last (may override anything, e.g. to make a
    /// malformed token).
    #[arg(long, value_name = "JSON")]
    claims: Option<String>,
    /// Write the public key set here (needed to verify the token later).
    #[arg(long, value_name = "FILE")]
    jwks_out: Option<String>,
    /// Issue at this Unix time instead of now.
    #[arg(long, value_name = "UNIX")]
    at: Option<i64>,
}

/// Runs a subcommand.
pub fn run(cmd: TokenCmd) -> ExitCode {
    match cmd {
        TokenCmd::Inspect { token } => inspect(&token),
        TokenCmd::Test(args) => test(&args),
        TokenCmd::Authorize(args) => authorize(&args),
        TokenCmd::Mint(args) => mint(&args),
    }
}

fn read_token(arg: &str) -> Result<String, String> {
    let raw = if arg == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("cannot read token from stdin: {e}"))?;
        s
    } else if let Some(path) = arg.strip_prefix('@') {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read token file {path}: {e}"))?
    } else {
        arg.to_owned()
    };
    Ok(raw.trim().to_owned())
}

fn load_keys(specs: &[String]) -> Result<StaticKeys, String> {
    let mut keys = StaticKeys::new();
    for spec in specs {
        // The issuer is a URL and contains ':' but not '='; split at the last '='.
        let Some((iss, file)) = spec.rsplit_once('=') else {
            return Err(format!("--jwks {spec}: expected ISSUER=FILE"));
        };
        keys.insert_file(iss, file)
            .map_err(|e| format!("--jwks {spec}: {e}"))?;
    }
    Ok(keys)
}

fn at_time(at: Option<i64>) -> UnixTime {
    UnixTime::from_secs(now(at).secs())
}

fn inspect(arg: &str) -> ExitCode {
    let token = match read_token(arg) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    match dangerous::decode_unverified(&token, 1 << 20) {
        Ok(t) => {
            eprintln!(
                "gridauth: WARNING: UNVERIFIED - the signature, issuer and times were NOT checked"
            );
            print_json(
                &json!({
                    "verified": false,
                    "warning": "UNVERIFIED: decoded without checking the signature, issuer, times or scopes",
                    "header": t.header,
                    "claims": t.claims,
                    "signature_bytes": t.signature_len,
                }),
                OK,
            )
        }
        Err(e) => {
            eprintln!("gridauth: cannot decode token: {e}");
            print_json(
                &json!({ "verified": false, "error": e.code(), "message": e.to_string() }),
                NO,
            )
        }
    }
}

fn test(a: &TestArgs) -> ExitCode {
    let token = match read_token(&a.token) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let Some(wanted) = Authz::from_name(&a.op) else {
        return fail(format!(
            "--op {}: expected read, write, create, modify, stage or compute.*",
            a.op
        ));
    };
    let keys = match load_keys(&a.jwks) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let mut v = Validator::new(keys).leeway(a.leeway);
    for i in &a.issuer {
        v = v.trust_issuer(i.clone());
    }
    for aud in &a.audience {
        v = v.audience(aud.clone());
    }
    let when = at_time(a.at);
    let (valid, authorized, error, message, acls, grant) = match v.validate(&token, when) {
        Ok(t) => {
            let acls: Vec<Value> = t
                .acls()
                .iter()
                .map(|(z, p)| json!({ "authz": z.as_str(), "path": p }))
                .collect();
            match t.test(wanted, &a.path) {
                Ok(Some(s)) => (
                    true,
                    true,
                    None,
                    None,
                    acls,
                    Some(s.as_written().to_owned()),
                ),
                Ok(None) => (
                    true,
                    false,
                    Some("no_matching_scope"),
                    Some(format!("no scope grants {} on {}", a.op, a.path)),
                    acls,
                    None,
                ),
                Err(e) => (true, false, Some(e.code()), Some(e.to_string()), acls, None),
            }
        }
        Err(e) => (
            false,
            false,
            Some(e.code()),
            Some(e.to_string()),
            Vec::new(),
            None,
        ),
    };
    let code = if valid && authorized { OK } else { NO };
    if a.json {
        return print_json(
            &json!({
                "valid": valid,
                "authorized": authorized,
                "error": error,
                "message": message,
                "scope": grant,
                "acls": acls,
            }),
            code,
        );
    }
    println!("valid: {valid}");
    println!("authorized: {authorized}");
    if let Some(g) = grant {
        println!("granted by: {g}");
    }
    if let (Some(e), Some(m)) = (error, message) {
        println!("error: {e} ({m})");
    }
    for acl in &acls {
        println!(
            "acl: {}:{}",
            acl["authz"].as_str().unwrap_or_default(),
            acl["path"].as_str().unwrap_or_default()
        );
    }
    ExitCode::from(code)
}

fn authorize(a: &AuthorizeArgs) -> ExitCode {
    let token = match read_token(&a.token) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let Some(op) = Operation::from_name(&a.op) else {
        let names: Vec<&str> = Operation::ALL.iter().map(|o| o.as_str()).collect();
        return fail(format!(
            "--op {}: expected one of {}",
            a.op,
            names.join(", ")
        ));
    };
    let config = match Config::from_file(&a.config) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let keys = match load_keys(&a.jwks) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let authz = Authorizer::new(config, keys);
    let d = authz.authorize(Some(&token), op, &a.path, at_time(a.at));
    let code = if d.is_allowed() { OK } else { NO };
    let error = d.denial.as_ref().map(|x| x.code());
    let message = d.denial.as_ref().map(|x| x.to_string());
    if a.json {
        return print_json(
            &json!({
                "authorized": d.is_allowed(),
                "outcome": format!("{:?}", d.outcome).to_lowercase(),
                "username": d.username,
                "groups": d.groups,
                "issuer": d.issuer,
                "subject": d.subject,
                "rule": d.rule.to_string(),
                "error": error,
                "message": message,
            }),
            code,
        );
    }
    println!("authorized: {}", d.is_allowed());
    println!("outcome: {:?}", d.outcome);
    println!("rule: {}", d.rule);
    if let Some(i) = &d.issuer {
        println!("issuer: {i}");
    }
    if let Some(u) = &d.username {
        println!("username: {u}");
    }
    if !d.groups.is_empty() {
        println!("groups: {}", d.groups.join(" "));
    }
    if let (Some(e), Some(m)) = (error, message) {
        println!("error: {e} ({m})");
    }
    ExitCode::from(code)
}

fn mint(a: &MintArgs) -> ExitCode {
    let key = match a.alg {
        MintAlg::Es256 => SigningKey::ec(Some(&a.kid)),
        MintAlg::Rs256 => SigningKey::rsa(Some(&a.kid), 2048),
    };
    let key = match key {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let t = now(a.at).secs();
    let mut claims = serde_json::Map::new();
    claims.insert("iss".into(), json!(a.issuer));
    claims.insert("sub".into(), json!(a.sub));
    claims.insert("scope".into(), json!(a.scope));
    claims.insert("iat".into(), json!(t));
    claims.insert("nbf".into(), json!(t));
    claims.insert("exp".into(), json!(t.saturating_add(a.lifetime)));
    claims.insert("jti".into(), json!(format!("gridauth-{t}")));
    match a.audience.as_slice() {
        [] => {}
        [one] => {
            claims.insert("aud".into(), json!(one));
        }
        many => {
            claims.insert("aud".into(), json!(many));
        }
    }
    match a.profile {
        MintProfile::Scitokens2 => {
            claims.insert("ver".into(), json!("scitoken:2.0"));
        }
        MintProfile::Scitokens1 => {}
        MintProfile::Wlcg => {
            claims.insert("wlcg.ver".into(), json!("1.0"));
        }
    }
    if let Some(extra) = &a.claims {
        match serde_json::from_str::<Value>(extra) {
            Ok(Value::Object(m)) => claims.extend(m),
            _ => return fail("--claims: expected a JSON object"),
        }
    }
    if let Some(path) = &a.jwks_out {
        if let Err(e) = std::fs::write(path, key.jwks().to_json().to_string()) {
            return fail(format!("--jwks-out {path}: {e}"));
        }
    } else {
        eprintln!("gridauth: note: the key is discarded; use --jwks-out FILE to keep its JWKS");
    }
    match key.mint(&Value::Object(claims)) {
        Ok(tok) => {
            println!("{tok}");
            ExitCode::from(OK)
        }
        Err(e) => fail(e),
    }
}
