//! Token validation: signature, profile, times, audience and scopes.

use crate::error::Error;
use crate::jws::{self, Algorithm};
use crate::keys::KeySource;
use crate::scope::{self, Authz, Scope};
use crate::time::UnixTime;
use crate::token_cache::TokenCache;
use serde_json::{Map, Value};
use std::sync::Arc;

/// The audience that WLCG tokens use to mean "any relying party".
pub const WLCG_ANY_AUDIENCE: &str = "https://wlcg.cern.ch/jwt/v1/any";
/// The audience that SciTokens 2.0 tokens use to mean "any relying party".
pub const SCITOKENS_ANY_AUDIENCE: &str = "ANY";

/// A token profile, detected as scitokens-cpp 1.4 does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// SciTokens 1.0: no `ver`, or `ver` = `scitokens:1.0`. Every claim must be understood.
    SciTokens1,
    /// SciTokens 2.0: `ver` = `scitoken:2.0` or `scitokens:2.0`. `aud` is required.
    SciTokens2,
    /// WLCG common JWT profile 1.0: `wlcg.ver` = `"1.0"`. `aud` is required.
    Wlcg1,
    /// RFC 9068 access token: header `typ` = `at+jwt` (or `application/at+jwt`) and no
    /// `ver`/`wlcg.ver`.
    AtJwt,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 4] = [
        Profile::SciTokens1,
        Profile::SciTokens2,
        Profile::Wlcg1,
        Profile::AtJwt,
    ];

    /// A short name: `scitokens:1.0`, `scitokens:2.0`, `wlcg:1.0`, `at+jwt`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::SciTokens1 => "scitokens:1.0",
            Profile::SciTokens2 => "scitokens:2.0",
            Profile::Wlcg1 => "wlcg:1.0",
            Profile::AtJwt => "at+jwt",
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Budgets applied before and during parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest accepted serialized token (16 KiB: HTTP servers commonly cap a header at
    /// 8 KiB, and real tokens are 0.5 to 3 KiB).
    pub max_token_bytes: usize,
    /// Most scopes in one token (256).
    pub max_scopes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_token_bytes: 16 * 1024,
            max_scopes: 256,
        }
    }
}

/// Claims a SciTokens 1.0 token may carry (scitokens-cpp's enforcer list).
const SCITOKENS1_KNOWN: [&str; 10] = [
    "iss", "exp", "iat", "nbf", "ver", "jti", "sub", "opt", "aud", "scope",
];

/// Validates tokens from a set of trusted issuers.
///
/// ```
/// use scitoken::{StaticKeys, Validator};
/// let v = Validator::new(StaticKeys::new())
///     .trust_issuer("https://issuer.example")
///     .audience("https://storage.example:1094")
///     .leeway(30);
/// assert!(v.validate("not.a.token", scitoken::UnixTime::from_secs(0)).is_err());
/// ```
pub struct Validator {
    keys: Arc<dyn KeySource>,
    issuers: Vec<String>,
    audiences: Vec<String>,
    leeway: u32,
    limits: Limits,
    profiles: Vec<Profile>,
    cache: Option<TokenCache>,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("issuers", &self.issuers)
            .field("audiences", &self.audiences)
            .field("leeway", &self.leeway)
            .field("limits", &self.limits)
            .field("profiles", &self.profiles)
            .finish_non_exhaustive()
    }
}

impl Validator {
    /// A validator that trusts no issuer yet, with leeway 0, default limits, every profile
    /// and no token cache.
    pub fn new(keys: impl KeySource + 'static) -> Self {
        Self::with_key_source(Arc::new(keys))
    }

    /// Like [`Validator::new`] with a shared key source.
    pub fn with_key_source(keys: Arc<dyn KeySource>) -> Self {
        Self {
            keys,
            issuers: Vec::new(),
            audiences: Vec::new(),
            leeway: 0,
            limits: Limits::default(),
            profiles: Profile::ALL.to_vec(),
            cache: None,
        }
    }

    /// Trusts tokens whose `iss` is exactly `issuer`.
    pub fn trust_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuers.push(issuer.into());
        self
    }

    /// Accepts tokens for `audience`. When any audience is configured, `aud` is required.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (default 0).
    pub fn leeway(mut self, secs: u32) -> Self {
        self.leeway = secs;
        self
    }

    /// Replaces the budgets.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Accepts only these profiles.
    pub fn profiles(mut self, profiles: &[Profile]) -> Self {
        self.profiles = profiles.to_vec();
        self
    }

    /// Remembers verified tokens so that a token seen again costs a hash and a lookup.
    pub fn token_cache(mut self, cache: TokenCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The trusted issuers.
    pub fn issuers(&self) -> &[String] {
        &self.issuers
    }

    /// The accepted audiences.
    pub fn audiences(&self) -> &[String] {
        &self.audiences
    }

    /// Validates `token` at time `now`.
    pub fn validate(&self, token: &str, now: UnixTime) -> Result<VerifiedToken, Error> {
        if let Some(cache) = &self.cache
            && let Some(hit) = cache.get(token, now)
        {
            hit.check_times(now, self.leeway)?;
            return Ok(hit);
        }
        let verified = self.validate_uncached(token, now)?;
        if let Some(cache) = &self.cache {
            cache.insert(token, &verified, now);
        }
        Ok(verified)
    }

    fn validate_uncached(&self, token: &str, now: UnixTime) -> Result<VerifiedToken, Error> {
        let c = jws::decode(token, self.limits.max_token_bytes)?;
        let issuer = req_string(&c.claims, "iss")?;
        if !self.issuers.iter().any(|i| i == issuer) {
            return Err(Error::UntrustedIssuer {
                issuer: issuer.to_owned(),
            });
        }
        let kid = c.header.kid.as_deref();
        let jwks = self.keys.jwks(issuer, kid, now)?;
        let key = jwks.select(issuer, kid)?;
        key.verify(issuer, c.header.alg, c.signing_input, &c.signature)?;
        self.check_claims(c.header, c.claims, now)
    }

    fn check_claims(
        &self,
        header: jws::Header,
        claims: Map<String, Value>,
        now: UnixTime,
    ) -> Result<VerifiedToken, Error> {
        let exp = req_time(&claims, "exp")?;
        let iat = req_time(&claims, "iat")?;
        let nbf = opt_time(&claims, "nbf")?;
        let times = Times { exp, iat, nbf };
        times.check(now, self.leeway)?;

        let profile = detect_profile(&header, &claims)?;
        if !self.profiles.contains(&profile) {
            return Err(Error::ProfileNotAllowed { profile });
        }
        let subject = opt_string(&claims, "sub")?.map(str::to_owned);
        let jti = opt_string(&claims, "jti")?.map(str::to_owned);
        if profile == Profile::SciTokens1
            && let Some(k) = claims
                .keys()
                .find(|k| !SCITOKENS1_KNOWN.contains(&k.as_str()))
        {
            return Err(Error::UnknownClaim { claim: k.clone() });
        }

        // Audience.
        let audiences = match claims.get("aud") {
            None => None,
            Some(Value::String(s)) => Some(vec![s.clone()]),
            Some(Value::Array(a)) => Some(
                a.iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| type_err("aud", "a string or a list of strings"))?,
            ),
            Some(_) => return Err(type_err("aud", "a string or a list of strings")),
        };
        let aud_required =
            matches!(profile, Profile::SciTokens2 | Profile::Wlcg1) || !self.audiences.is_empty();
        match &audiences {
            None if aud_required => {
                return Err(Error::MissingClaim {
                    claim: "aud".to_owned(),
                });
            }
            None => {}
            Some(found) => {
                let any = match profile {
                    Profile::SciTokens2 => Some(SCITOKENS_ANY_AUDIENCE),
                    Profile::Wlcg1 => Some(WLCG_ANY_AUDIENCE),
                    _ => None,
                };
                let ok = found
                    .iter()
                    .any(|a| Some(a.as_str()) == any || self.audiences.iter().any(|c| c == a));
                if !ok {
                    return Err(Error::Audience {
                        found: found.clone(),
                        accepted: self.audiences.clone(),
                    });
                }
            }
        }

        // Scopes: required, except that a WLCG token may carry groups instead.
        let scopes = match claims.get("scope") {
            Some(Value::String(s)) => scope::parse_scopes(s, profile, self.limits.max_scopes)?,
            Some(_) => return Err(type_err("scope", "a space-separated string")),
            None if profile == Profile::Wlcg1 && claims.contains_key("wlcg.groups") => Vec::new(),
            None => {
                return Err(Error::MissingClaim {
                    claim: "scope".to_owned(),
                });
            }
        };

        let issuer = req_string(&claims, "iss")?.to_owned();
        Ok(VerifiedToken(Arc::new(Inner {
            issuer,
            subject,
            jti,
            profile,
            audiences: audiences.unwrap_or_default(),
            scopes,
            times,
            alg: header.alg,
            kid: header.kid,
            claims,
        })))
    }
}

fn type_err(claim: &str, expected: &'static str) -> Error {
    Error::ClaimType {
        claim: claim.to_owned(),
        expected,
    }
}

fn req_string<'a>(claims: &'a Map<String, Value>, name: &str) -> Result<&'a str, Error> {
    opt_string(claims, name)?.ok_or_else(|| Error::MissingClaim {
        claim: name.to_owned(),
    })
}

fn opt_string<'a>(claims: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, Error> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(type_err(name, "a string")),
    }
}

/// RFC 7519 NumericDate: a JSON number of seconds; fractions are truncated toward negative
/// infinity. Strings, booleans and non-finite values are type errors.
fn opt_time(claims: &Map<String, Value>, name: &str) -> Result<Option<UnixTime>, Error> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(UnixTime(i)))
            } else if let Some(f) = n.as_f64().filter(|f| f.is_finite()) {
                let floor = f.floor();
                if (-9.0e15..=9.0e15).contains(&floor) {
                    #[allow(clippy::cast_possible_truncation)]
                    Ok(Some(UnixTime(floor as i64)))
                } else {
                    Err(type_err(name, "a NumericDate within ±9e15 seconds"))
                }
            } else {
                Err(type_err(name, "a NumericDate within ±9e15 seconds"))
            }
        }
        Some(_) => Err(type_err(name, "a number (NumericDate)")),
    }
}

fn req_time(claims: &Map<String, Value>, name: &str) -> Result<UnixTime, Error> {
    opt_time(claims, name)?.ok_or_else(|| Error::MissingClaim {
        claim: name.to_owned(),
    })
}

fn detect_profile(header: &jws::Header, claims: &Map<String, Value>) -> Result<Profile, Error> {
    if let Some(v) = claims.get("ver") {
        let s = v.as_str().ok_or_else(|| type_err("ver", "a string"))?;
        return match s {
            "scitokens:2.0" | "scitoken:2.0" => Ok(Profile::SciTokens2),
            "scitokens:1.0" => Ok(Profile::SciTokens1),
            other => Err(Error::UnknownVersion {
                claim: "ver",
                value: other.to_owned(),
            }),
        };
    }
    if let Some(v) = claims.get("wlcg.ver") {
        let s = v.as_str().ok_or_else(|| type_err("wlcg.ver", "a string"))?;
        return if s == "1.0" {
            Ok(Profile::Wlcg1)
        } else {
            Err(Error::UnknownVersion {
                claim: "wlcg.ver",
                value: s.to_owned(),
            })
        };
    }
    match header.typ.as_deref() {
        Some("at+jwt" | "application/at+jwt") => Ok(Profile::AtJwt),
        _ => Ok(Profile::SciTokens1),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Times {
    exp: UnixTime,
    iat: UnixTime,
    nbf: Option<UnixTime>,
}

impl Times {
    fn check(&self, now: UnixTime, leeway: u32) -> Result<(), Error> {
        let l = i64::from(leeway);
        if now >= self.exp.saturating_add(l) {
            return Err(Error::Expired {
                exp: self.exp,
                now,
                leeway,
            });
        }
        if let Some(nbf) = self.nbf
            && now < nbf.saturating_add(-l)
        {
            return Err(Error::NotYetValid { nbf, now, leeway });
        }
        if now < self.iat.saturating_add(-l) {
            return Err(Error::IssuedInFuture {
                iat: self.iat,
                now,
                leeway,
            });
        }
        Ok(())
    }
}

#[derive(Debug)]
struct Inner {
    issuer: String,
    subject: Option<String>,
    jti: Option<String>,
    profile: Profile,
    audiences: Vec<String>,
    scopes: Vec<Scope>,
    times: Times,
    alg: Algorithm,
    kid: Option<String>,
    claims: Map<String, Value>,
}

/// A token whose signature, issuer, times, profile, audience and scopes were checked.
///
/// Cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct VerifiedToken(Arc<Inner>);

impl VerifiedToken {
    /// The `iss` claim (one of the trusted issuers).
    pub fn issuer(&self) -> &str {
        &self.0.issuer
    }

    /// The `sub` claim, if present.
    pub fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }

    /// The `jti` claim, if present.
    pub fn jwt_id(&self) -> Option<&str> {
        self.0.jti.as_deref()
    }

    /// The detected profile.
    pub fn profile(&self) -> Profile {
        self.0.profile
    }

    /// The `aud` claim as a list (empty when absent).
    pub fn audiences(&self) -> &[String] {
        &self.0.audiences
    }

    /// The recognised scopes. Scopes this crate does not act on are not listed.
    pub fn scopes(&self) -> &[Scope] {
        &self.0.scopes
    }

    /// `exp`.
    pub fn expires(&self) -> UnixTime {
        self.0.times.exp
    }

    /// `iat`.
    pub fn issued_at(&self) -> UnixTime {
        self.0.times.iat
    }

    /// `nbf`, if present.
    pub fn not_before(&self) -> Option<UnixTime> {
        self.0.times.nbf
    }

    /// The signature algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.0.alg
    }

    /// The `kid` of the key that verified the token, if the header named one.
    pub fn kid(&self) -> Option<&str> {
        self.0.kid.as_deref()
    }

    /// Every claim, as verified.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.0.claims
    }

    /// A string claim: `Ok(None)` when absent, an error when present with another type.
    pub fn string_claim(&self, name: &str) -> Result<Option<&str>, Error> {
        opt_string(&self.0.claims, name)
    }

    /// A list-of-strings claim: `Ok(None)` when absent, an error when present with another
    /// type (a single string is not a list).
    pub fn string_list_claim(&self, name: &str) -> Result<Option<Vec<String>>, Error> {
        match self.0.claims.get(name) {
            None => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(Some)
                .ok_or_else(|| type_err(name, "a list of strings")),
            Some(_) => Err(type_err(name, "a list of strings")),
        }
    }

    /// The scope that grants `wanted` on `path`, if any (the library-level check of
    /// scitokens-cpp's `enforcer_test`). `path` is canonicalised first.
    pub fn test(&self, wanted: Authz, path: &str) -> Result<Option<&Scope>, Error> {
        let path = scope::normalize_request_path(path)?;
        Ok(self.0.scopes.iter().find(|s| s.grants(wanted, &path)))
    }

    /// The token's ACLs as (authorization, path) pairs, like `enforcer_generate_acls`.
    pub fn acls(&self) -> Vec<(Authz, &str)> {
        self.0
            .scopes
            .iter()
            .map(|s| (s.authz(), s.path()))
            .collect()
    }

    pub(crate) fn check_times(&self, now: UnixTime, leeway: u32) -> Result<(), Error> {
        self.0.times.check(now, leeway)
    }
}
