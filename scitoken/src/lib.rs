#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod authorize;
mod config;
pub mod dangerous;
mod error;
#[cfg(feature = "fetch")]
mod fetch;
#[cfg(feature = "fixtures")]
pub mod fixtures;
mod jwk;
mod jws;
mod keys;
mod scope;
mod time;
mod token_cache;
mod validator;

pub use authorize::{
    Authorizer, Decision, Denial, Operation, Outcome, Rule, expanded_acls, is_safe_username,
};
pub use config::{
    AuthzSetting, AuthzStrategy, Config, IssuerConfig, MapRule, OnMissing, parse_mapfile,
};
pub use error::{Error, Part};
#[cfg(feature = "fetch")]
pub use fetch::{HttpFetcher, is_loopback_url};
pub use jwk::{Jwk, Jwks, MAX_DOCUMENT_BYTES, MAX_KEYS};
pub use jws::{Algorithm, Header};
pub use keys::{CachePolicy, JwksFetcher, KeyCache, KeySource, StaticKeys};
pub use scope::{Authz, Scope, normalize_request_path, normalize_scope_path, path_covers};
pub use time::UnixTime;
pub use token_cache::TokenCache;
pub use validator::{
    Limits, Profile, SCITOKENS_ANY_AUDIENCE, Validator, VerifiedToken, WLCG_ANY_AUDIENCE,
};
