//! The crate's single error type.

use crate::UnixTime;

/// Which part of a compact JWS an error concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The protected header (first segment).
    Header,
    /// The claims (second segment).
    Payload,
    /// The signature (third segment).
    Signature,
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        })
    }
}

/// Everything that can go wrong while validating a token, reading keys or reading
/// `scitokens.cfg`.
///
/// Each variant names the rule it enforces. [`Error::code`] gives a short stable code for
/// machine consumers (the CLI's `error` field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Budget: the serialized token is longer than [`crate::Limits::max_token_bytes`].
    #[error("token is {len} bytes, more than the limit of {max} bytes")]
    TokenTooLarge {
        /// Length of the presented token.
        len: usize,
        /// The configured limit.
        max: usize,
    },
    /// RFC 7515 §7.1: a compact JWS is exactly three base64url segments separated by `.`
    /// (JWE and JSON serialization are not accepted).
    #[error("not a compact JWS: {reason}")]
    Malformed {
        /// What is wrong with the shape of the token.
        reason: &'static str,
    },
    /// RFC 7515 §2: segments are base64url without `=` padding, with canonical trailing bits.
    #[error("the token {part} is not unpadded base64url")]
    Base64 {
        /// The segment that failed to decode.
        part: Part,
    },
    /// RFC 7515 §4 / RFC 7519 §7.2: header and claims are a JSON object without duplicate
    /// members.
    #[error("the token {part} is not a valid JSON object: {detail}")]
    Json {
        /// The segment that failed to parse.
        part: Part,
        /// What the JSON parser said.
        detail: String,
    },
    /// RFC 7515 §4.1: a header parameter has the wrong type or an unsupported value
    /// (`crit` is not supported, so a token that has it is rejected).
    #[error("header parameter `{param}` is not acceptable: {reason}")]
    Header {
        /// The header parameter.
        param: &'static str,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// Only RS256 and ES256 are accepted (`none`, HS*, PS*, ES384, EdDSA are rejected).
    #[error("signature algorithm `{alg}` is not accepted (only RS256 and ES256)")]
    UnsupportedAlgorithm {
        /// The `alg` from the header.
        alg: String,
    },
    /// The `iss` claim is not one of the trusted issuers configured in the validator.
    #[error("issuer `{issuer}` is not trusted by this validator")]
    UntrustedIssuer {
        /// The `iss` claim of the token.
        issuer: String,
    },
    /// The issuer's key set has no key with this `kid`.
    #[error("issuer `{issuer}` publishes no key with kid `{kid}`")]
    UnknownKid {
        /// The issuer.
        issuer: String,
        /// The `kid` from the header.
        kid: String,
    },
    /// A token without `kid` is only served by a key set holding exactly one key.
    #[error("token has no `kid` and issuer `{issuer}` publishes {keys} keys (need exactly one)")]
    KidRequired {
        /// The issuer.
        issuer: String,
        /// How many keys the issuer publishes.
        keys: usize,
    },
    /// RFC 7517 §4: the header `alg` must agree with the key's `kty`, `crv` and `alg`.
    #[error("key `{kid}` of issuer `{issuer}` cannot verify {alg}: {reason}")]
    KeyMismatch {
        /// The issuer.
        issuer: String,
        /// The key id (empty when the key has none).
        kid: String,
        /// The header `alg`.
        alg: String,
        /// What disagrees.
        reason: String,
    },
    /// The signature does not verify with the selected key (tampered token or wrong key).
    #[error("signature does not verify with key `{kid}` of issuer `{issuer}`")]
    BadSignature {
        /// The issuer.
        issuer: String,
        /// The key id (empty when the key has none).
        kid: String,
    },
    /// A claim required by the token's profile is absent.
    #[error("required claim `{claim}` is missing")]
    MissingClaim {
        /// The claim name.
        claim: String,
    },
    /// A claim is present with the wrong JSON type; it is never treated as absent.
    #[error("claim `{claim}` must be {expected}")]
    ClaimType {
        /// The claim name.
        claim: String,
        /// What it must be.
        expected: &'static str,
    },
    /// RFC 7519 §4.1.4: the token expired (`now >= exp + leeway`).
    #[error("token expired at {exp} (checked at {now}, leeway {leeway} s)")]
    Expired {
        /// The `exp` claim.
        exp: UnixTime,
        /// The time of the check.
        now: UnixTime,
        /// The leeway used.
        leeway: u32,
    },
    /// RFC 7519 §4.1.5: the token is not valid yet (`now < nbf - leeway`).
    #[error("token not valid before {nbf} (checked at {now}, leeway {leeway} s)")]
    NotYetValid {
        /// The `nbf` claim.
        nbf: UnixTime,
        /// The time of the check.
        now: UnixTime,
        /// The leeway used.
        leeway: u32,
    },
    /// RFC 7519 §4.1.6: the token claims to be issued in the future (`now < iat - leeway`).
    #[error("token issued in the future at {iat} (checked at {now}, leeway {leeway} s)")]
    IssuedInFuture {
        /// The `iat` claim.
        iat: UnixTime,
        /// The time of the check.
        now: UnixTime,
        /// The leeway used.
        leeway: u32,
    },
    /// SciTokens `ver` or WLCG `wlcg.ver` names a profile version this crate does not know.
    #[error("unknown token profile version: {claim} = `{value}`")]
    UnknownVersion {
        /// `ver` or `wlcg.ver`.
        claim: &'static str,
        /// The value found.
        value: String,
    },
    /// The token's profile is not enabled in the validator.
    #[error("token profile {profile} is not accepted by this validator")]
    ProfileNotAllowed {
        /// The detected profile.
        profile: crate::Profile,
    },
    /// SciTokens 1.0: every claim must be understood; this one is not.
    #[error("claim `{claim}` is not understood (SciTokens 1.0 requires every claim to be known)")]
    UnknownClaim {
        /// The claim name.
        claim: String,
    },
    /// The `aud` claim matches none of the configured audiences.
    #[error("token audience {found:?} matches none of the accepted audiences {accepted:?}")]
    Audience {
        /// The token's audiences.
        found: Vec<String>,
        /// The configured audiences.
        accepted: Vec<String>,
    },
    /// A scope with a known authorization has an unusable path (`..` after percent-decoding,
    /// a relative path, an encoded `/`, `\` or NUL, a leftover `%`, or no path at all).
    #[error("scope `{scope}` is invalid: {reason}")]
    InvalidScope {
        /// The scope as written in the token.
        scope: String,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// Budget: the token carries more scopes than [`crate::Limits::max_scopes`].
    #[error("token carries {count} scopes, more than the limit of {max}")]
    TooManyScopes {
        /// Number of scopes.
        count: usize,
        /// The configured limit.
        max: usize,
    },
    /// RFC 7517: a JWKS document or one of its keys is malformed.
    #[error("JWKS from {source_name}: {reason}")]
    Jwks {
        /// File name or URL of the key set.
        source_name: String,
        /// What is wrong.
        reason: String,
    },
    /// No keys are known for the issuer (no static key set, or discovery failed and no
    /// cached keys are left).
    #[error("no keys available for issuer `{issuer}`: {reason}")]
    NoKeys {
        /// The issuer.
        issuer: String,
        /// Why not.
        reason: String,
    },
    /// Key discovery over HTTP(S) failed.
    #[error("fetching {url}: {reason}")]
    Fetch {
        /// The URL that failed.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// `scitokens.cfg`: an entry is wrong. Names the line, section and key to fix.
    #[error("{file}:{line}: [{section}] {key}: {reason}")]
    Config {
        /// The configuration file.
        file: String,
        /// The 1-based line number (0 when the problem is not tied to one line).
        line: usize,
        /// The section name as written.
        section: String,
        /// The key (empty for section-level problems).
        key: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The JSON name mapfile is wrong. Names the rule index and key.
    #[error("mapfile {file}: rule {index}: {key}: {reason}")]
    Mapfile {
        /// The mapfile.
        file: String,
        /// The 0-based rule index in the top-level list.
        index: usize,
        /// The key within the rule (empty for rule-level problems).
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// A username from the token (`username_claim` or `sub` with `map_subject`) is not a safe
    /// POSIX user name (`[A-Za-z0-9._@-]+`, no leading `-`).
    #[error("claim `{claim}` value `{value}` is not a safe user name")]
    UnsafeUsername {
        /// The claim it came from.
        claim: String,
        /// The value.
        value: String,
    },
    /// The token's issuer has no `[Issuer ...]` section in `scitokens.cfg`.
    #[error("issuer `{issuer}` has no section in the configuration")]
    IssuerNotConfigured {
        /// The issuer.
        issuer: String,
    },
    /// A request path is not absolute.
    #[error("request path `{path}` is not absolute")]
    RequestPath {
        /// The path.
        path: String,
    },
    /// Reading a file failed.
    #[error("cannot read {path}: {detail}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        detail: String,
    },
}

impl Error {
    /// A short, stable, machine-readable code for this error (used as the CLI's `error`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::TokenTooLarge { .. } => "token_too_large",
            Error::Malformed { .. } => "malformed",
            Error::Base64 { .. } => "bad_base64",
            Error::Json { .. } => "bad_json",
            Error::Header { .. } => "bad_header",
            Error::UnsupportedAlgorithm { .. } => "unsupported_alg",
            Error::UntrustedIssuer { .. } => "untrusted_issuer",
            Error::UnknownKid { .. } => "unknown_kid",
            Error::KidRequired { .. } => "kid_required",
            Error::KeyMismatch { .. } => "key_mismatch",
            Error::BadSignature { .. } => "bad_signature",
            Error::MissingClaim { .. } => "missing_claim",
            Error::ClaimType { .. } => "claim_type",
            Error::Expired { .. } => "expired",
            Error::NotYetValid { .. } => "not_yet_valid",
            Error::IssuedInFuture { .. } => "issued_in_future",
            Error::UnknownVersion { .. } => "unknown_version",
            Error::ProfileNotAllowed { .. } => "profile_not_allowed",
            Error::UnknownClaim { .. } => "unknown_claim",
            Error::Audience { .. } => "audience",
            Error::InvalidScope { .. } => "invalid_scope",
            Error::TooManyScopes { .. } => "too_many_scopes",
            Error::Jwks { .. } => "bad_jwks",
            Error::NoKeys { .. } => "no_keys",
            Error::Fetch { .. } => "fetch",
            Error::Config { .. } => "config",
            Error::Mapfile { .. } => "mapfile",
            Error::UnsafeUsername { .. } => "unsafe_username",
            Error::IssuerNotConfigured { .. } => "issuer_not_configured",
            Error::RequestPath { .. } => "request_path",
            Error::Io { .. } => "io",
        }
    }
}
