//! Fully Qualified Attribute Names: `/vo[/group...][/Role=role][/Capability=cap]`.
//!
//! VOMS writes the long form (`/cms/Role=NULL/Capability=NULL`) in older servers and the
//! short form (`/cms`) in newer ones; both denote the same attribute. `Role=NULL` and an
//! absent role are the same, as are `Capability=NULL` and an absent capability
//! (capabilities are deprecated and always NULL in practice).

use crate::error::{Error, Result};
use crate::limits::MAX_FQAN_BYTES;
use std::fmt;

/// A parsed FQAN. Keeps the text as written ([`Fqan::as_str`]).
#[derive(Clone, Debug, Eq)]
pub struct Fqan {
    raw: String,
    group: String,
    role: Option<String>,
    capability: Option<String>,
}

fn bad(fqan: &str, reason: &'static str) -> Error {
    Error::BadFqan {
        fqan: fqan.chars().take(256).collect(),
        reason,
    }
}

fn valid_component(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn non_null(v: &str) -> Option<String> {
    (v != "NULL").then(|| v.to_string())
}

impl Fqan {
    /// Parses a long or short FQAN.
    pub fn parse(s: &str) -> Result<Self> {
        if s.len() > MAX_FQAN_BYTES {
            return Err(bad(s, "longer than the 1024-byte limit"));
        }
        let body = s
            .strip_prefix('/')
            .ok_or_else(|| bad(s, "must start with '/'"))?;
        let mut group = String::with_capacity(s.len());
        let mut role: Option<Option<String>> = None;
        let mut capability: Option<Option<String>> = None;
        for part in body.split('/') {
            if let Some(r) = part.strip_prefix("Role=") {
                if role.is_some() || capability.is_some() {
                    return Err(bad(
                        s,
                        "Role= must come once, after the groups and before Capability=",
                    ));
                }
                if !valid_component(r) {
                    return Err(bad(s, "role name must be non-empty [A-Za-z0-9._-]"));
                }
                role = Some(non_null(r));
            } else if let Some(c) = part.strip_prefix("Capability=") {
                if capability.is_some() {
                    return Err(bad(s, "Capability= must come once, last"));
                }
                if !valid_component(c) {
                    return Err(bad(s, "capability must be non-empty [A-Za-z0-9._-]"));
                }
                capability = Some(non_null(c));
            } else {
                if role.is_some() || capability.is_some() {
                    return Err(bad(
                        s,
                        "group components must precede Role= and Capability=",
                    ));
                }
                if part.contains('=') {
                    return Err(bad(
                        s,
                        "unknown qualifier (only Role= and Capability= exist)",
                    ));
                }
                if !valid_component(part) {
                    return Err(bad(s, "group names must be non-empty [A-Za-z0-9._-]"));
                }
                group.push('/');
                group.push_str(part);
            }
        }
        if group.is_empty() {
            return Err(bad(s, "no VO group"));
        }
        Ok(Self {
            raw: s.to_string(),
            group,
            role: role.flatten(),
            capability: capability.flatten(),
        })
    }

    /// The FQAN as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The VO: the first group component.
    pub fn vo(&self) -> &str {
        self.group
            .get(1..)
            .and_then(|g| g.split('/').next())
            .unwrap_or_default()
    }

    /// The group path, e.g. `/cms/uscms`.
    pub fn group(&self) -> &str {
        &self.group
    }

    /// The role, `None` when absent or `NULL`.
    pub fn role(&self) -> Option<&str> {
        self.role.as_deref()
    }

    /// The capability, `None` when absent or `NULL`.
    pub fn capability(&self) -> Option<&str> {
        self.capability.as_deref()
    }

    /// Long form: `/cms/uscms/Role=NULL/Capability=NULL`.
    pub fn long(&self) -> String {
        format!(
            "{}/Role={}/Capability={}",
            self.group,
            self.role.as_deref().unwrap_or("NULL"),
            self.capability.as_deref().unwrap_or("NULL")
        )
    }

    /// Short form: `/cms/uscms` or `/cms/Role=production` (a non-NULL capability is kept).
    pub fn short(&self) -> String {
        let mut s = self.group.clone();
        if let Some(r) = &self.role {
            s.push_str("/Role=");
            s.push_str(r);
        }
        if let Some(c) = &self.capability {
            s.push_str("/Capability=");
            s.push_str(c);
        }
        s
    }

    /// True when this FQAN grants `group` (exact path) with `role` (`None` = any role).
    pub fn grants(&self, group: &str, role: Option<&str>) -> bool {
        let group = group.strip_suffix('/').unwrap_or(group);
        self.group == group && role.is_none_or(|r| self.role.as_deref() == non_null(r).as_deref())
    }
}

impl PartialEq for Fqan {
    /// Semantic equality: long and short forms of the same attribute are equal.
    fn eq(&self, other: &Self) -> bool {
        self.group == other.group && self.role == other.role && self.capability == other.capability
    }
}

impl std::hash::Hash for Fqan {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.group.hash(state);
        self.role.hash(state);
        self.capability.hash(state);
    }
}

impl fmt::Display for Fqan {
    /// The FQAN as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl std::str::FromStr for Fqan {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// Whether any FQAN grants `group` with `role` (`None` = any role).
pub fn holds(fqans: &[Fqan], group: &str, role: Option<&str>) -> bool {
    fqans.iter().any(|f| f.grants(group, role))
}

/// Whether any FQAN of VO `vo` carries role `role` (in any group).
pub fn holds_role(fqans: &[Fqan], vo: &str, role: &str) -> bool {
    fqans.iter().any(|f| f.vo() == vo && f.role() == Some(role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let f = Fqan::parse("/cms/uscms/Role=NULL/Capability=NULL").unwrap();
        assert_eq!(f.vo(), "cms");
        assert_eq!(f.group(), "/cms/uscms");
        assert_eq!(f.role(), None);
        assert_eq!(f.short(), "/cms/uscms");
        assert_eq!(f, Fqan::parse("/cms/uscms").unwrap());
        let p = Fqan::parse("/cms/Role=production").unwrap();
        assert_eq!(p.long(), "/cms/Role=production/Capability=NULL");
        assert_ne!(p, Fqan::parse("/cms").unwrap());
        assert!(p.grants("/cms", Some("production")));
        assert!(p.grants("/cms", None));
        assert!(!p.grants("/cms/uscms", None));
        assert!(Fqan::parse("/cms").unwrap().grants("/cms", Some("NULL")));
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "cms",
            "/",
            "//cms",
            "/cms/",
            "/cms//x",
            "/cms/Role=",
            "/cms/Role=a/grp",
            "/cms/Capability=x/Role=y",
            "/Role=x",
            "/cms/Foo=bar",
            "/cms/a b",
            "/cms/Role=a/Role=b",
            "/cms/\u{0}",
        ] {
            assert!(Fqan::parse(s).is_err(), "{s:?}");
        }
        assert!(Fqan::parse(&format!("/{}", "a".repeat(2000))).is_err());
    }
}
