//! Scopes (`read:/p`, `storage.modify:/p`, `compute.read`) and path rules.

use crate::error::Error;
use crate::validator::Profile;

/// An authorization a scope grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Authz {
    /// SciTokens `read`, WLCG `storage.read`.
    Read,
    /// SciTokens `write` (create, overwrite, delete).
    Write,
    /// WLCG `storage.create`: create new files, never overwrite.
    Create,
    /// WLCG `storage.modify`: change data, including overwrite and delete.
    Modify,
    /// WLCG `storage.stage`: bring files online from tape.
    Stage,
    /// WLCG `compute.read`.
    ComputeRead,
    /// WLCG `compute.modify`.
    ComputeModify,
    /// WLCG `compute.create`.
    ComputeCreate,
    /// WLCG `compute.cancel`.
    ComputeCancel,
}

impl Authz {
    /// The name used in ACLs and by `gridauth token test --op`: `read`, `write`, `create`,
    /// `modify`, `stage`, `compute.read`, `compute.modify`, `compute.create`, `compute.cancel`.
    pub fn as_str(self) -> &'static str {
        match self {
            Authz::Read => "read",
            Authz::Write => "write",
            Authz::Create => "create",
            Authz::Modify => "modify",
            Authz::Stage => "stage",
            Authz::ComputeRead => "compute.read",
            Authz::ComputeModify => "compute.modify",
            Authz::ComputeCreate => "compute.create",
            Authz::ComputeCancel => "compute.cancel",
        }
    }

    /// Parses an ACL name (see [`Authz::as_str`]); the WLCG scope names `storage.read`,
    /// `storage.create`, `storage.modify` and `storage.stage` are accepted too.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "read" | "storage.read" => Authz::Read,
            "write" => Authz::Write,
            "create" | "storage.create" => Authz::Create,
            "modify" | "storage.modify" => Authz::Modify,
            "stage" | "storage.stage" => Authz::Stage,
            "compute.read" => Authz::ComputeRead,
            "compute.modify" => Authz::ComputeModify,
            "compute.create" => Authz::ComputeCreate,
            "compute.cancel" => Authz::ComputeCancel,
            _ => return None,
        })
    }

    /// Whether a scope granting `self` satisfies a test for `wanted` (scitokens-cpp's
    /// rule: a test for `write` is met by `write`, `storage.create` and `storage.modify`).
    pub fn satisfies(self, wanted: Authz) -> bool {
        self == wanted || (wanted == Authz::Write && matches!(self, Authz::Create | Authz::Modify))
    }

    fn is_compute(self) -> bool {
        matches!(
            self,
            Authz::ComputeRead | Authz::ComputeModify | Authz::ComputeCreate | Authz::ComputeCancel
        )
    }
}

impl std::fmt::Display for Authz {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One recognised scope of a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    authz: Authz,
    path: String,
    raw: String,
}

impl Scope {
    /// What the scope grants.
    pub fn authz(&self) -> Authz {
        self.authz
    }

    /// The normalised absolute path (`/` for compute scopes).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The scope as written in the token.
    pub fn as_written(&self) -> &str {
        &self.raw
    }

    /// Whether this scope grants `wanted` on `request_path` (already normalised).
    pub fn grants(&self, wanted: Authz, request_path: &str) -> bool {
        self.authz.satisfies(wanted) && path_covers(&self.path, request_path)
    }
}

/// Maps a scope verb to an authorization for `profile`; `None` for scopes this crate does
/// not act on (`openid`, `offline_access`, `queue`, ...).
fn verb(profile: Profile, name: &str) -> Option<Authz> {
    match (profile, name) {
        (_, "read") => Some(Authz::Read),
        (_, "write") => Some(Authz::Write),
        (Profile::Wlcg1, "storage.read") => Some(Authz::Read),
        (Profile::Wlcg1, "storage.create") => Some(Authz::Create),
        (Profile::Wlcg1, "storage.modify") => Some(Authz::Modify),
        (Profile::Wlcg1, "storage.stage") => Some(Authz::Stage),
        (Profile::Wlcg1, "compute.read") => Some(Authz::ComputeRead),
        (Profile::Wlcg1, "compute.modify") => Some(Authz::ComputeModify),
        (Profile::Wlcg1, "compute.create") => Some(Authz::ComputeCreate),
        (Profile::Wlcg1, "compute.cancel") => Some(Authz::ComputeCancel),
        _ => None,
    }
}

/// Parses the space-separated `scope` claim for `profile`.
pub(crate) fn parse_scopes(claim: &str, profile: Profile, max: usize) -> Result<Vec<Scope>, Error> {
    let count = claim.split(' ').filter(|s| !s.is_empty()).count();
    if count > max {
        return Err(Error::TooManyScopes { count, max });
    }
    let mut out = Vec::new();
    for raw in claim.split(' ').filter(|s| !s.is_empty()) {
        let (name, path) = match raw.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (raw, None),
        };
        let Some(authz) = verb(profile, name) else {
            continue;
        };
        let invalid = |reason| Error::InvalidScope {
            scope: raw.to_owned(),
            reason,
        };
        let path = if authz.is_compute() {
            match path {
                None => "/".to_owned(),
                Some(p) => normalize_scope_path(p).map_err(invalid)?,
            }
        } else {
            match path {
                None | Some("") => return Err(invalid("a storage scope needs a path")),
                Some(p) => normalize_scope_path(p).map_err(invalid)?,
            }
        };
        out.push(Scope {
            authz,
            path,
            raw: raw.to_owned(),
        });
    }
    Ok(out)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes one path component once.
fn percent_decode(component: &str) -> Result<String, &'static str> {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i.wrapping_add(1)).copied().and_then(hex);
            let lo = bytes.get(i.wrapping_add(2)).copied().and_then(hex);
            match (hi, lo) {
                (Some(h), Some(l)) => {
                    out.push((h << 4) | l);
                    i = i.saturating_add(3);
                }
                _ => return Err("malformed percent-encoding"),
            }
        } else {
            out.push(b);
            i = i.saturating_add(1);
        }
    }
    String::from_utf8(out).map_err(|_| "percent-decoded path is not UTF-8")
}

/// Normalises a scope path: absolute, each component percent-decoded once, `.` and empty
/// components dropped. A `..` component (literal or encoded), an encoded `/`, `\` or NUL,
/// or a `%` left after decoding (double encoding) makes the scope invalid.
pub fn normalize_scope_path(path: &str) -> Result<String, &'static str> {
    if !path.starts_with('/') {
        return Err("the path is not absolute");
    }
    let mut out = String::with_capacity(path.len());
    for raw in path.split('/') {
        let comp = percent_decode(raw)?;
        if comp == ".." {
            return Err("the path has a `..` component");
        }
        if comp.contains('%') {
            return Err("the path is percent-encoded twice");
        }
        if comp.contains(['/', '\\', '\0']) {
            return Err("a path component encodes `/`, `\\` or NUL");
        }
        if comp.is_empty() || comp == "." {
            continue;
        }
        out.push('/');
        out.push_str(&comp);
    }
    if out.is_empty() {
        out.push('/');
    }
    Ok(out)
}

/// Canonicalises a request path the way XRootD does: absolute, `//` and `.` collapsed,
/// `..` removes the previous component (never above `/`).
pub fn normalize_request_path(path: &str) -> Result<String, Error> {
    if !path.starts_with('/') {
        return Err(Error::RequestPath {
            path: path.to_owned(),
        });
    }
    let mut comps: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                comps.pop();
            }
            other => comps.push(other),
        }
    }
    if comps.is_empty() {
        return Ok("/".to_owned());
    }
    let mut out = String::with_capacity(path.len());
    for c in comps {
        out.push('/');
        out.push_str(c);
    }
    Ok(out)
}

/// Whether `granted` covers `requested` on whole path components: `/store` covers `/store`
/// and `/store/x`, never `/storefoo`. Both paths must be normalised.
pub fn path_covers(granted: &str, requested: &str) -> bool {
    if granted == "/" || granted == requested {
        return true;
    }
    requested
        .strip_prefix(granted)
        .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_paths() {
        assert_eq!(normalize_scope_path("/a//b/./c/").unwrap(), "/a/b/c");
        assert_eq!(normalize_scope_path("/").unwrap(), "/");
        assert_eq!(normalize_scope_path("/a%20b").unwrap(), "/a b");
        assert!(normalize_scope_path("/store/../etc").is_err());
        assert!(normalize_scope_path("/../etc").is_err());
        assert!(normalize_scope_path("/%2e%2e/etc").is_err());
        assert!(normalize_scope_path("/%2E%2e/etc").is_err());
        assert!(normalize_scope_path("/%252e%252e/etc").is_err());
        assert!(normalize_scope_path("/a%2f..").is_err());
        assert!(normalize_scope_path("/a%00b").is_err());
        assert!(normalize_scope_path("/a%zz").is_err());
        assert!(normalize_scope_path("/a%").is_err());
        assert!(normalize_scope_path("relative").is_err());
    }

    #[test]
    fn covers() {
        assert!(path_covers("/store", "/store"));
        assert!(path_covers("/store", "/store/x"));
        assert!(!path_covers("/store", "/storefoo"));
        assert!(!path_covers("/store/x", "/store"));
        assert!(path_covers("/", "/anything"));
    }

    #[test]
    fn request_paths() {
        assert_eq!(normalize_request_path("/a/../../b").unwrap(), "/b");
        assert_eq!(normalize_request_path("//a/./b/").unwrap(), "/a/b");
        assert!(normalize_request_path("a").is_err());
    }

    #[test]
    fn parse() {
        let s = parse_scopes(
            "openid storage.read:/a storage.create:/b compute.read read:/c",
            Profile::Wlcg1,
            10,
        )
        .unwrap();
        assert_eq!(s.len(), 4);
        let s = parse_scopes("storage.read:/a read:/c", Profile::SciTokens2, 10).unwrap();
        assert_eq!(s.len(), 1);
        assert!(parse_scopes("read", Profile::SciTokens1, 10).is_err());
        assert!(parse_scopes("read:/a/../b", Profile::SciTokens1, 10).is_err());
        assert!(parse_scopes("a b c", Profile::SciTokens1, 2).is_err());
    }
}
