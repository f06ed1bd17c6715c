//! The XRootD plugin's decision: token paths under `base_path`, narrowed by
//! `restricted_path`, operations per scope, username and groups, `onmissing`.

use crate::config::{Config, IssuerConfig, OnMissing};
use crate::error::Error;
use crate::keys::KeySource;
use crate::scope::{Authz, normalize_request_path, path_covers};
use crate::time::UnixTime;
use crate::validator::{Validator, VerifiedToken};
use std::sync::Arc;

/// A file-system operation, as XRootD names them (`Access_Operation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Read a file.
    Read,
    /// List a directory.
    Readdir,
    /// Stat a path.
    Stat,
    /// Open for writing, creating or truncating (may overwrite).
    Create,
    /// Create a file that must not exist.
    ExclCreate,
    /// Make a directory.
    Mkdir,
    /// Rename into this path.
    Rename,
    /// Insert (append) into a file, which may exist.
    Insert,
    /// Insert into a new file only.
    ExclInsert,
    /// Update (write into) an existing file.
    Update,
    /// Change mode.
    Chmod,
    /// Delete.
    Delete,
    /// Stage from tape.
    Stage,
    /// Poll a stage request.
    Poll,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 14] = [
        Operation::Read,
        Operation::Readdir,
        Operation::Stat,
        Operation::Create,
        Operation::ExclCreate,
        Operation::Mkdir,
        Operation::Rename,
        Operation::Insert,
        Operation::ExclInsert,
        Operation::Update,
        Operation::Chmod,
        Operation::Delete,
        Operation::Stage,
        Operation::Poll,
    ];

    /// The name used by the CLI (`--op`).
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Read => "read",
            Operation::Readdir => "readdir",
            Operation::Stat => "stat",
            Operation::Create => "create",
            Operation::ExclCreate => "excl_create",
            Operation::Mkdir => "mkdir",
            Operation::Rename => "rename",
            Operation::Insert => "insert",
            Operation::ExclInsert => "excl_insert",
            Operation::Update => "update",
            Operation::Chmod => "chmod",
            Operation::Delete => "delete",
            Operation::Stage => "stage",
            Operation::Poll => "poll",
        }
    }

    /// Parses a name from [`Operation::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == name)
    }

    /// Read, readdir and stat form the read class (for Pelican's settings).
    pub fn is_read_class(self) -> bool {
        matches!(self, Operation::Read | Operation::Readdir | Operation::Stat)
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Operations granted by each ACL kind, as XRootD's plugin expands them.
fn ops_for(authz: Authz) -> &'static [Operation] {
    use Operation::*;
    match authz {
        Authz::Read => &[Read, Readdir, Stat],
        // storage.create: new files only, never overwrite.
        Authz::Create => &[ExclCreate, Mkdir, Rename, ExclInsert, Stat],
        // storage.modify and SciTokens write: everything create can do, plus overwrite,
        // update, chmod and delete. (Divergence: XRootD omits excl_create/excl_insert.)
        Authz::Modify | Authz::Write => &[
            Create, ExclCreate, Mkdir, Rename, Insert, ExclInsert, Update, Chmod, Stat, Delete,
        ],
        Authz::Stage => &[Stage, Poll],
        Authz::ComputeRead | Authz::ComputeModify | Authz::ComputeCreate | Authz::ComputeCancel => {
            &[]
        }
    }
}

/// The final answer for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The request is authorized.
    Allow,
    /// The request is denied.
    Deny,
    /// This plugin does not decide; the next one does (`onmissing = passthrough`).
    Passthrough,
}

/// Why a decision was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A scope of the token granted the operation.
    Scope {
        /// The `[Issuer NAME]` section.
        section: String,
        /// The scope as written in the token.
        scope: String,
        /// The path the scope grants after `base_path` and `restricted_path`.
        granted_path: String,
        /// The operation was allowed on an ancestor of `granted_path` (stat and mkdir).
        ancestor: bool,
    },
    /// The token did not authorize the request; `onmissing` decided.
    OnMissing(OnMissing),
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Scope {
                section,
                scope,
                granted_path,
                ancestor,
            } => {
                write!(f, "[Issuer {section}] scope {scope} -> {granted_path}")?;
                if *ancestor {
                    f.write_str(" (ancestor)")?;
                }
                Ok(())
            }
            Rule::OnMissing(o) => write!(f, "onmissing={}", o.as_str()),
        }
    }
}

/// Why the token did not authorize a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Denial {
    /// No token was presented.
    NoToken,
    /// The token is invalid or unusable.
    Invalid(Error),
    /// The token is valid but no scope grants the operation on the path.
    NoMatchingScope,
    /// The path belongs to an issuer whose authorization is required for it
    /// (`required_authorization`), and this token does not provide it.
    RequiredIssuer {
        /// The required issuer.
        issuer: String,
    },
    /// `acceptable_authorization` of the token's issuer excludes this operation.
    NotAcceptable,
}

impl Denial {
    /// A short stable code (the CLI's `error`).
    pub fn code(&self) -> &'static str {
        match self {
            Denial::NoToken => "no_token",
            Denial::Invalid(e) => e.code(),
            Denial::NoMatchingScope => "no_matching_scope",
            Denial::RequiredIssuer { .. } => "required_issuer",
            Denial::NotAcceptable => "not_acceptable",
        }
    }
}

impl std::fmt::Display for Denial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Denial::NoToken => f.write_str("no token was presented"),
            Denial::Invalid(e) => write!(f, "{e}"),
            Denial::NoMatchingScope => {
                f.write_str("no scope of the token grants this operation on this path")
            }
            Denial::RequiredIssuer { issuer } => write!(
                f,
                "a token from `{issuer}` is required for this path (required_authorization)"
            ),
            Denial::NotAcceptable => {
                f.write_str("the issuer's acceptable_authorization does not cover this operation")
            }
        }
    }
}

/// The plugin-level decision: outcome, the rule that produced it, and the identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Allow, deny or pass through.
    pub outcome: Outcome,
    /// The rule that decided.
    pub rule: Rule,
    /// The token issuer, when the token was valid.
    pub issuer: Option<String>,
    /// The username the request runs as (scope grant: mapfile, `username_claim`, `sub` with
    /// `map_subject`, or `default_user`; otherwise only a mapfile match).
    pub username: Option<String>,
    /// The token groups (`groups_claim`), when the `group` strategy is on.
    pub groups: Vec<String>,
    /// The token subject.
    pub subject: Option<String>,
    /// Why the token did not authorize the request (`None` when a scope did).
    pub denial: Option<Denial>,
}

impl Decision {
    /// Whether the request is authorized.
    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allow
    }
}

/// One expanded ACL: operation on path, from a scope.
#[derive(Debug, Clone)]
struct AclRule {
    op: Operation,
    path: String,
    scope: String,
}

/// Authorizes requests with tokens as XRootD's SciTokens plugin does for a `scitokens.cfg`.
pub struct Authorizer {
    config: Config,
    validator: Validator,
}

impl std::fmt::Debug for Authorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorizer")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Authorizer {
    /// An authorizer trusting the configured issuers and audiences, with `keys`, leeway 0.
    pub fn new(config: Config, keys: impl KeySource + 'static) -> Self {
        let validator = Self::validator_for(&config, Arc::new(keys));
        Self { config, validator }
    }

    /// The validator an authorizer would use for `config`; adjust it (leeway, token cache)
    /// and pass it to [`Authorizer::with_validator`].
    pub fn validator_for(config: &Config, keys: Arc<dyn KeySource>) -> Validator {
        let mut v = Validator::with_key_source(keys);
        for i in &config.issuers {
            v = v.trust_issuer(i.issuer.clone());
        }
        for a in &config.audiences {
            v = v.audience(a.clone());
        }
        v
    }

    /// An authorizer with a prepared validator. Only issuers with a section are honoured.
    pub fn with_validator(config: Config, validator: Validator) -> Self {
        Self { config, validator }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn on_missing(&self, denial: Denial) -> Decision {
        Decision {
            outcome: match self.config.onmissing {
                OnMissing::Allow => Outcome::Allow,
                OnMissing::Deny => Outcome::Deny,
                OnMissing::Passthrough => Outcome::Passthrough,
            },
            rule: Rule::OnMissing(self.config.onmissing),
            issuer: None,
            username: None,
            groups: Vec::new(),
            subject: None,
            denial: Some(denial),
        }
    }

    /// Decides whether `token` (the `authz` value; a `Bearer%20` or `Bearer ` prefix is
    /// removed) allows `op` on `path` at `now`.
    pub fn authorize(
        &self,
        token: Option<&str>,
        op: Operation,
        path: &str,
        now: UnixTime,
    ) -> Decision {
        let path = match normalize_request_path(path) {
            Ok(p) => p,
            Err(e) => {
                let mut d = self.on_missing(Denial::Invalid(e));
                d.outcome = Outcome::Deny;
                return d;
            }
        };
        let token = token
            .map(|t| {
                t.strip_prefix("Bearer%20")
                    .or_else(|| t.strip_prefix("Bearer "))
                    .unwrap_or(t)
            })
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return self.on_missing(Denial::NoToken);
        };
        let verified = match self.validator.validate(token, now) {
            Ok(v) => v,
            Err(e) => return self.on_missing(Denial::Invalid(e)),
        };
        match self.decide(&verified, op, &path) {
            Ok(d) => d,
            Err(e) => self.on_missing(Denial::Invalid(e)),
        }
    }

    /// The plugin decision for an already verified token (e.g. from a caller's own cache).
    pub fn decide(
        &self,
        token: &VerifiedToken,
        op: Operation,
        path: &str,
    ) -> Result<Decision, Error> {
        let path = normalize_request_path(path)?;
        let cfg = self
            .config
            .issuer(token.issuer())
            .ok_or_else(|| Error::IssuerNotConfigured {
                issuer: token.issuer().to_owned(),
            })?;
        let groups = token
            .string_list_claim(&cfg.groups_claim)?
            .unwrap_or_default();
        let subject = token
            .subject()
            .ok_or_else(|| Error::MissingClaim {
                claim: "sub".to_owned(),
            })?
            .to_owned();
        let token_username = token_username(cfg, token, &subject)?;

        let acls = expand_acls(cfg, token);
        let grant = find_grant(&acls, op, &path);

        // Issuers whose authorization is required for this path and operation.
        for other in &self.config.issuers {
            if !other.required.covers(op.is_read_class()) {
                continue;
            }
            if !required_paths(other).iter().any(|p| path_covers(p, &path)) {
                continue;
            }
            if other.issuer != cfg.issuer || !cfg.strategy.capability || grant.is_none() {
                let mut d = self.on_missing(Denial::RequiredIssuer {
                    issuer: other.issuer.clone(),
                });
                d.issuer = Some(cfg.issuer.clone());
                d.subject = Some(subject);
                return Ok(d);
            }
        }
        if !cfg.acceptable.covers(op.is_read_class()) {
            let mut d = self.on_missing(Denial::NotAcceptable);
            d.issuer = Some(cfg.issuer.clone());
            d.subject = Some(subject);
            return Ok(d);
        }

        let groups = if cfg.strategy.group {
            groups
        } else {
            Vec::new()
        };
        let mapped = map_username(cfg, &subject, token_username.as_deref(), &path, &groups);
        let mapping_success = cfg.strategy.mapping && mapped.is_some();
        let scope_grant = grant.filter(|_| cfg.strategy.capability);

        if let Some((rule, ancestor)) = scope_grant {
            let username = mapped.or(token_username);
            return Ok(Decision {
                outcome: Outcome::Allow,
                rule: Rule::Scope {
                    section: cfg.name.clone(),
                    scope: rule.scope.clone(),
                    granted_path: rule.path.clone(),
                    ancestor,
                },
                issuer: Some(cfg.issuer.clone()),
                username,
                groups,
                subject: Some(subject),
                denial: None,
            });
        }
        let mut d = self.on_missing(Denial::NoMatchingScope);
        d.issuer = Some(cfg.issuer.clone());
        d.subject = Some(subject);
        d.groups = groups;
        if mapping_success {
            d.username = mapped;
        }
        Ok(d)
    }
}

/// The username from the token for this issuer, before the mapfile.
fn token_username(
    cfg: &IssuerConfig,
    token: &VerifiedToken,
    subject: &str,
) -> Result<Option<String>, Error> {
    if let Some(claim) = &cfg.username_claim {
        let v = token
            .string_claim(claim)?
            .ok_or_else(|| Error::MissingClaim {
                claim: claim.clone(),
            })?;
        check_safe_username(claim, v)?;
        return Ok(Some(v.to_owned()));
    }
    if cfg.map_subject {
        check_safe_username("sub", subject)?;
        return Ok(Some(subject.to_owned()));
    }
    Ok(cfg.default_user.clone())
}

/// `[A-Za-z0-9._@-]+` without a leading `-`, as XRootD checks `username_claim` values.
pub fn is_safe_username(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'@' | b'-'))
}

fn check_safe_username(claim: &str, v: &str) -> Result<(), Error> {
    if is_safe_username(v) {
        Ok(())
    } else {
        Err(Error::UnsafeUsername {
            claim: claim.to_owned(),
            value: v.to_owned(),
        })
    }
}

/// Joins a mapfile rule path to a base path the way XRootD does.
fn join_base(base: &str, rel: &str) -> String {
    if base == "/" {
        return rel.to_owned();
    }
    if rel == "/" {
        return base.to_owned();
    }
    format!("{base}{rel}")
}

fn map_username(
    cfg: &IssuerConfig,
    subject: &str,
    username: Option<&str>,
    path: &str,
    groups: &[String],
) -> Option<String> {
    for rule in &cfg.map_rules {
        if rule.sub.as_deref().is_some_and(|s| s != subject) {
            continue;
        }
        if rule
            .username
            .as_deref()
            .is_some_and(|u| Some(u) != username)
        {
            continue;
        }
        if let Some(g) = &rule.group
            && !groups.iter().any(|x| x == g)
        {
            continue;
        }
        let rel = rule.path.as_deref().unwrap_or("/");
        if cfg
            .base_paths
            .iter()
            .any(|b| path_covers(&join_base(b, rel), path))
        {
            return Some(rule.result.clone());
        }
    }
    None
}

/// Token ACL paths narrowed by `restricted_path` (component-wise, as XRootD does).
fn restrict<'a>(cfg: &'a IssuerConfig, acl_path: &'a str) -> Vec<&'a str> {
    if cfg.restricted_paths.is_empty() {
        return vec![acl_path];
    }
    let mut out = Vec::new();
    for r in &cfg.restricted_paths {
        if path_covers(r, acl_path) {
            out.push(acl_path);
            break;
        }
        if path_covers(acl_path, r) {
            out.push(r.as_str());
        }
    }
    out
}

fn expand_acls(cfg: &IssuerConfig, token: &VerifiedToken) -> Vec<AclRule> {
    let mut rules = Vec::new();
    for scope in token.scopes() {
        let ops = ops_for(scope.authz());
        if ops.is_empty() {
            continue;
        }
        for acl_path in restrict(cfg, scope.path()) {
            for base in &cfg.base_paths {
                let path = join_base(base, acl_path);
                for &op in ops {
                    rules.push(AclRule {
                        op,
                        path: path.clone(),
                        scope: scope.as_written().to_owned(),
                    });
                }
            }
        }
    }
    rules
}

/// The first ACL granting `op` on `path`; stat and mkdir are also granted on ancestors.
fn find_grant<'a>(acls: &'a [AclRule], op: Operation, path: &str) -> Option<(&'a AclRule, bool)> {
    if let Some(r) = acls
        .iter()
        .find(|r| r.op == op && path_covers(&r.path, path))
    {
        return Some((r, false));
    }
    if matches!(op, Operation::Stat | Operation::Mkdir) {
        return acls
            .iter()
            .find(|r| r.op == op && path_covers(path, &r.path))
            .map(|r| (r, true));
    }
    None
}

fn required_paths(cfg: &IssuerConfig) -> Vec<String> {
    let mut out = Vec::new();
    for base in &cfg.base_paths {
        if cfg.restricted_paths.is_empty() {
            out.push(base.clone());
        }
        for r in &cfg.restricted_paths {
            out.push(join_base(base, r));
        }
    }
    out
}

/// The expanded ACLs of a token for one issuer section, as (operation, path) pairs, for
/// display (`gridauth token authorize` debugging).
pub fn expanded_acls(cfg: &IssuerConfig, token: &VerifiedToken) -> Vec<(Operation, String)> {
    expand_acls(cfg, token)
        .into_iter()
        .map(|r| (r.op, r.path))
        .collect()
}
