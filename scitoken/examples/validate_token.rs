//! Validate a token and authorize a request against `examples/scitokens.cfg`.
//!
//! With no arguments, mints a demonstration WLCG token with a throw-away key (feature
//! `fixtures`) and shows the decisions for a few requests:
//!
//! ```text
//! cargo run -p scitoken --features fixtures --example validate_token
//! ```
//!
//! With arguments `TOKEN ISSUER=JWKS_FILE OP PATH`, authorizes a real token at the
//! current time.
#![allow(clippy::print_stdout)]

use scitoken::fixtures::{SigningKey, wlcg_claims};
use scitoken::{Authorizer, Config, Operation, StaticKeys, UnixTime};
use std::process::ExitCode;

fn main() -> ExitCode {
    // The mapfile path in the sample config is relative to the crate directory.
    if std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).is_err() {
        eprintln!("cannot enter the crate directory");
        return ExitCode::from(2);
    }
    let config = match Config::from_file("examples/scitokens.cfg") {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [token, jwks, op, path] = args.as_slice() {
        let mut keys = StaticKeys::new();
        let Some((iss, file)) = jwks.rsplit_once('=') else {
            eprintln!("expected ISSUER=JWKS_FILE");
            return ExitCode::from(2);
        };
        if let Err(e) = keys.insert_file(iss, file) {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
        let Some(op) = Operation::from_name(op) else {
            eprintln!("unknown operation {op}");
            return ExitCode::from(2);
        };
        let d = Authorizer::new(config, keys).authorize(Some(token), op, path, UnixTime::now());
        println!("{d:#?}");
        return ExitCode::from(if d.is_allowed() { 0 } else { 1 });
    }

    // Demonstration with a throw-away key.
    let key = match SigningKey::ec(Some("demo")) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let iss = "https://cms-auth.example.org/";
    let now = 1_800_000_000;
    let token = match key.mint(&wlcg_claims(
        iss,
        "https://xrootd.example.org:1094",
        "storage.read:/data storage.create:/user/alice",
        now,
    )) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut keys = StaticKeys::new();
    keys.insert(iss, key.jwks());
    let authz = Authorizer::new(config, keys);
    for (op, path) in [
        (Operation::Read, "/store/data/run1/file.root"),
        (Operation::Read, "/eos/cms/store/data/x"),
        (Operation::Read, "/store/database"),
        (Operation::ExclCreate, "/store/user/alice/out.root"),
        (Operation::Create, "/store/user/alice/out.root"),
        (Operation::Stat, "/store/user"),
    ] {
        let d = authz.authorize(Some(&token), op, path, UnixTime::from_secs(now + 10));
        println!(
            "{:<11} {path:<32} -> {:?}, rule: {}, user: {}",
            op.as_str(),
            d.outcome,
            d.rule,
            d.username.as_deref().unwrap_or("-")
        );
    }
    ExitCode::SUCCESS
}
