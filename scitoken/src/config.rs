//! XRootD's `scitokens.cfg` (INI) and the JSON name mapfile.

use crate::error::Error;
use crate::scope::normalize_request_path;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Budget: size of `scitokens.cfg` and of a mapfile (1 MiB).
pub const MAX_CONFIG_BYTES: usize = 1 << 20;
/// Budget: rules in one mapfile.
pub const MAX_MAP_RULES: usize = 10_000;

/// What happens when a request has no usable token (`[Global] onmissing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnMissing {
    /// `passthrough` (default): the next authorization plugin decides.
    Passthrough,
    /// `allow`: the request is authorized.
    Allow,
    /// `deny`: the request is denied.
    Deny,
}

impl OnMissing {
    /// The configuration value.
    pub fn as_str(self) -> &'static str {
        match self {
            OnMissing::Passthrough => "passthrough",
            OnMissing::Allow => "allow",
            OnMissing::Deny => "deny",
        }
    }
}

/// Which parts of a token may authorize (`authorization_strategy`; default all three).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthzStrategy {
    /// `capability`: scopes authorize the request.
    pub capability: bool,
    /// `group`: groups in the token are passed on to the next plugin.
    pub group: bool,
    /// `mapping`: a mapfile match is passed on to the next plugin.
    pub mapping: bool,
}

impl Default for AuthzStrategy {
    fn default() -> Self {
        Self {
            capability: true,
            group: true,
            mapping: true,
        }
    }
}

/// Pelican's `required_authorization` / `acceptable_authorization` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthzSetting {
    /// `none`.
    None,
    /// `read`: read, readdir and stat.
    Read,
    /// `write`: every other operation.
    Write,
    /// `all`.
    All,
}

impl AuthzSetting {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "none" => AuthzSetting::None,
            "read" => AuthzSetting::Read,
            "write" => AuthzSetting::Write,
            "all" => AuthzSetting::All,
            _ => return None,
        })
    }

    /// Whether the setting covers an operation of the read class (`true`) or write class.
    pub fn covers(self, read_class: bool) -> bool {
        match self {
            AuthzSetting::None => false,
            AuthzSetting::All => true,
            AuthzSetting::Read => read_class,
            AuthzSetting::Write => !read_class,
        }
    }
}

/// One rule of the JSON name mapfile. Every present attribute must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapRule {
    /// Position in the mapfile (0-based).
    pub index: usize,
    /// `sub`: exact match on the token subject.
    pub sub: Option<String>,
    /// `username`: exact match on the username from `username_claim` (or `sub`).
    pub username: Option<String>,
    /// `path`: normalised prefix, relative to each `base_path`, matched on whole components.
    pub path: Option<String>,
    /// `group`: one of the token groups.
    pub group: Option<String>,
    /// `result`: the username to use.
    pub result: String,
}

/// One `[Issuer NAME]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerConfig {
    /// The section name after `Issuer `.
    pub name: String,
    /// `issuer`: the exact `iss` value.
    pub issuer: String,
    /// `base_path`: canonical absolute paths the token paths are relative to.
    pub base_paths: Vec<String>,
    /// `restricted_path`: canonical paths (relative to the token root) the issuer is limited to.
    pub restricted_paths: Vec<String>,
    /// `map_subject`: use `sub` as the username.
    pub map_subject: bool,
    /// `default_user`: the username when neither `username_claim` nor `map_subject` applies.
    pub default_user: Option<String>,
    /// `username_claim`: the claim holding the username (overrides the two above).
    pub username_claim: Option<String>,
    /// `groups_claim` (default `wlcg.groups`).
    pub groups_claim: String,
    /// `name_mapfile`: the file, when set.
    pub name_mapfile: Option<String>,
    /// The parsed mapfile rules.
    pub map_rules: Vec<MapRule>,
    /// `authorization_strategy`.
    pub strategy: AuthzStrategy,
    /// `required_authorization` (Pelican; default `none`).
    pub required: AuthzSetting,
    /// `acceptable_authorization` (Pelican; default `all`).
    pub acceptable: AuthzSetting,
}

/// A parsed `scitokens.cfg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `[Global] audience` and `audience_json`, in order.
    pub audiences: Vec<String>,
    /// `[Global] onmissing`.
    pub onmissing: OnMissing,
    /// The issuer sections, in file order.
    pub issuers: Vec<IssuerConfig>,
    /// Sections XRootD ignores too (neither `Global` nor `Issuer ...`).
    pub ignored_sections: Vec<String>,
}

struct Section {
    name: String,
    line: usize,
    // key (lowercase) -> (value, line)
    values: BTreeMap<String, (String, usize)>,
}

const GLOBAL_KEYS: [&str; 3] = ["audience", "audience_json", "onmissing"];
const ISSUER_KEYS: [&str; 11] = [
    "issuer",
    "base_path",
    "restricted_path",
    "map_subject",
    "default_user",
    "username_claim",
    "groups_claim",
    "name_mapfile",
    "authorization_strategy",
    "required_authorization",
    "acceptable_authorization",
];

/// Splits a list on commas and spaces, as XRootD does for `audience` and paths.
fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', ' ']).filter(|x| !x.is_empty())
}

/// Strips an inline `;` comment (one preceded by whitespace), as inih does.
fn strip_inline_comment(s: &str) -> &str {
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b';'
            && (i == 0
                || bytes
                    .get(i.wrapping_sub(1))
                    .is_some_and(u8::is_ascii_whitespace))
        {
            return s.get(..i).unwrap_or(s);
        }
    }
    s
}

impl Config {
    /// Reads and parses `scitokens.cfg` (and the mapfiles it names).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let bytes = crate::keys::read_capped(path, MAX_CONFIG_BYTES)?;
        let file = path.display().to_string();
        let text = String::from_utf8(bytes).map_err(|_| Error::Config {
            file: file.clone(),
            line: 0,
            section: String::new(),
            key: String::new(),
            reason: "the file is not UTF-8".to_owned(),
        })?;
        Self::parse(&text, &file)
    }

    /// Parses configuration text; `file` names it in errors. Mapfiles are read from disk.
    pub fn parse(text: &str, file: &str) -> Result<Self, Error> {
        let err = |line: usize, section: &str, key: &str, reason: String| Error::Config {
            file: file.to_owned(),
            line,
            section: section.to_owned(),
            key: key.to_owned(),
            reason,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Sections merged case-insensitively, later values override (XRootD's reader).
        let mut sections: Vec<Section> = Vec::new();
        let mut current: Option<usize> = None;
        let mut last_key: Option<String> = None;
        for (idx, raw) in text.lines().enumerate() {
            let lineno = idx.saturating_add(1);
            let line = raw.trim_end();
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with(';') || trimmed.starts_with('#') {
                continue;
            }
            let sec_name = current
                .and_then(|i| sections.get(i))
                .map(|s| s.name.clone())
                .unwrap_or_default();
            if trimmed.len() < line.len() && last_key.is_some() {
                return Err(err(
                    lineno,
                    &sec_name,
                    last_key.as_deref().unwrap_or_default(),
                    "indented continuation lines are not supported (XRootD would silently \
                     replace the value with this line); put the whole value on one line"
                        .to_owned(),
                ));
            }
            if let Some(rest) = trimmed.strip_prefix('[') {
                let Some(end) = rest.find(']') else {
                    return Err(err(
                        lineno,
                        rest,
                        "",
                        "section header without `]`".to_owned(),
                    ));
                };
                let name = rest.get(..end).unwrap_or_default().to_owned();
                let lower = name.to_lowercase();
                current = Some(
                    match sections.iter().position(|s| s.name.to_lowercase() == lower) {
                        Some(i) => i,
                        None => {
                            sections.push(Section {
                                name,
                                line: lineno,
                                values: BTreeMap::new(),
                            });
                            sections.len().saturating_sub(1)
                        }
                    },
                );
                last_key = None;
                continue;
            }
            let Some(sep) = trimmed.find(['=', ':']) else {
                return Err(err(
                    lineno,
                    &sec_name,
                    "",
                    format!("expected `key = value`, found `{trimmed}`"),
                ));
            };
            let key = trimmed
                .get(..sep)
                .unwrap_or_default()
                .trim_end()
                .to_lowercase();
            let value =
                strip_inline_comment(trimmed.get(sep.saturating_add(1)..).unwrap_or_default())
                    .trim()
                    .to_owned();
            let Some(sec) = current.and_then(|i| sections.get_mut(i)) else {
                return Err(err(
                    lineno,
                    "",
                    &key,
                    "key outside of any section; put it under [Global] or [Issuer NAME]".to_owned(),
                ));
            };
            sec.values.insert(key.clone(), (value, lineno));
            last_key = Some(key);
        }

        let mut cfg = Config {
            audiences: Vec::new(),
            onmissing: OnMissing::Passthrough,
            issuers: Vec::new(),
            ignored_sections: Vec::new(),
        };
        for sec in &sections {
            let lower = sec.name.to_lowercase();
            if lower.starts_with("global") {
                for (k, (v, line)) in &sec.values {
                    if !GLOBAL_KEYS.contains(&k.as_str()) {
                        return Err(err(
                            *line,
                            &sec.name,
                            k,
                            format!("unknown key; known keys are {}", GLOBAL_KEYS.join(", ")),
                        ));
                    }
                    let _ = v;
                }
                if let Some((v, _)) = sec.values.get("audience") {
                    cfg.audiences.extend(split_list(v).map(str::to_owned));
                }
                if let Some((v, line)) = sec.values.get("audience_json")
                    && !v.is_empty()
                {
                    let parsed: Value = serde_json::from_str(v).map_err(|e| {
                        err(*line, &sec.name, "audience_json", format!("not JSON: {e}"))
                    })?;
                    match parsed {
                        Value::String(s) => cfg.audiences.push(s),
                        Value::Array(a) => {
                            for item in a {
                                let Value::String(s) = item else {
                                    return Err(err(
                                        *line,
                                        &sec.name,
                                        "audience_json",
                                        "every audience must be a string".to_owned(),
                                    ));
                                };
                                cfg.audiences.push(s);
                            }
                        }
                        _ => {
                            return Err(err(
                                *line,
                                &sec.name,
                                "audience_json",
                                "must be a JSON list of strings".to_owned(),
                            ));
                        }
                    }
                }
                if let Some((v, line)) = sec.values.get("onmissing") {
                    cfg.onmissing = match v.as_str() {
                        "passthrough" => OnMissing::Passthrough,
                        "allow" => OnMissing::Allow,
                        "deny" => OnMissing::Deny,
                        "" => cfg.onmissing,
                        other => {
                            return Err(err(
                                *line,
                                &sec.name,
                                "onmissing",
                                format!("`{other}` is not one of passthrough, allow, deny"),
                            ));
                        }
                    };
                }
            } else if lower.starts_with("issuer ") {
                let issuer = parse_issuer(sec, file)?;
                if let Some(prev) = cfg.issuers.iter().find(|i| i.issuer == issuer.issuer) {
                    return Err(err(
                        sec.line,
                        &sec.name,
                        "issuer",
                        format!(
                            "issuer `{}` is already configured in [Issuer {}]",
                            issuer.issuer, prev.name
                        ),
                    ));
                }
                cfg.issuers.push(issuer);
            } else {
                cfg.ignored_sections.push(sec.name.clone());
            }
        }
        Ok(cfg)
    }

    /// The section for the issuer `iss`.
    pub fn issuer(&self, iss: &str) -> Option<&IssuerConfig> {
        self.issuers.iter().find(|i| i.issuer == iss)
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

fn parse_issuer(sec: &Section, file: &str) -> Result<IssuerConfig, Error> {
    let err = |line: usize, key: &str, reason: String| Error::Config {
        file: file.to_owned(),
        line,
        section: sec.name.clone(),
        key: key.to_owned(),
        reason,
    };
    for (k, (_, line)) in &sec.values {
        if !ISSUER_KEYS.contains(&k.as_str()) {
            return Err(err(
                *line,
                k,
                format!("unknown key; known keys are {}", ISSUER_KEYS.join(", ")),
            ));
        }
    }
    let get = |k: &str| sec.values.get(k).filter(|(v, _)| !v.is_empty());
    let name = sec
        .name
        .get(7..)
        .unwrap_or_default()
        .trim_start()
        .to_owned();
    if name.is_empty() {
        return Err(err(
            sec.line,
            "",
            "the section needs a name: [Issuer NAME]".to_owned(),
        ));
    }
    let Some((issuer, _)) = get("issuer") else {
        return Err(err(
            sec.line,
            "issuer",
            "required key is missing".to_owned(),
        ));
    };
    let Some((base, base_line)) = get("base_path") else {
        return Err(err(
            sec.line,
            "base_path",
            "required key is missing".to_owned(),
        ));
    };
    let paths = |v: &str, line: usize, key: &str| -> Result<Vec<String>, Error> {
        split_list(v)
            .map(|p| {
                normalize_request_path(p)
                    .map_err(|_| err(line, key, format!("path `{p}` is not absolute")))
            })
            .collect()
    };
    let base_paths = paths(base, *base_line, "base_path")?;
    let restricted_paths = match get("restricted_path") {
        Some((v, line)) => paths(v, *line, "restricted_path")?,
        None => Vec::new(),
    };
    let map_subject = match get("map_subject") {
        Some((v, line)) => parse_bool(v).ok_or_else(|| {
            err(
                *line,
                "map_subject",
                format!("`{v}` is not a boolean (true/false)"),
            )
        })?,
        None => false,
    };
    let strategy = match get("authorization_strategy") {
        None => AuthzStrategy::default(),
        Some((v, line)) => {
            let mut s = AuthzStrategy {
                capability: false,
                group: false,
                mapping: false,
            };
            for word in v.split(' ').filter(|w| !w.is_empty()) {
                match word.to_ascii_lowercase().as_str() {
                    "capability" => s.capability = true,
                    "group" => s.group = true,
                    "mapping" => s.mapping = true,
                    other => {
                        return Err(err(
                            *line,
                            "authorization_strategy",
                            format!("`{other}` is not one of capability, group, mapping"),
                        ));
                    }
                }
            }
            s
        }
    };
    let setting = |key: &str, default: AuthzSetting| -> Result<AuthzSetting, Error> {
        match get(key) {
            None => Ok(default),
            Some((v, line)) => AuthzSetting::parse(v).ok_or_else(|| {
                err(
                    *line,
                    key,
                    format!("`{v}` is not one of none, read, write, all"),
                )
            }),
        }
    };
    let required = setting("required_authorization", AuthzSetting::None)?;
    let acceptable = setting("acceptable_authorization", AuthzSetting::All)?;
    let name_mapfile = get("name_mapfile").map(|(v, _)| v.clone());
    let map_rules = match &name_mapfile {
        Some(p) => parse_mapfile_file(Path::new(p))?,
        None => Vec::new(),
    };
    Ok(IssuerConfig {
        name,
        issuer: issuer.clone(),
        base_paths,
        restricted_paths,
        map_subject,
        default_user: get("default_user").map(|(v, _)| v.clone()),
        username_claim: get("username_claim").map(|(v, _)| v.clone()),
        groups_claim: get("groups_claim")
            .map(|(v, _)| v.clone())
            .unwrap_or_else(|| "wlcg.groups".to_owned()),
        name_mapfile,
        map_rules,
        strategy,
        required,
        acceptable,
    })
}

/// Reads a JSON name mapfile.
pub fn parse_mapfile_file(path: &Path) -> Result<Vec<MapRule>, Error> {
    let bytes = crate::keys::read_capped(path, MAX_CONFIG_BYTES)?;
    parse_mapfile(&bytes, &path.display().to_string())
}

/// Parses a JSON name mapfile: a list of objects with `sub`, `username`, `path`, `group`,
/// `result` (required), `ignore` (skip the rule) and `comment`; other keys are ignored.
pub fn parse_mapfile(bytes: &[u8], file: &str) -> Result<Vec<MapRule>, Error> {
    let err = |index: usize, key: &str, reason: String| Error::Mapfile {
        file: file.to_owned(),
        index,
        key: key.to_owned(),
        reason,
    };
    let top: Value =
        serde_json::from_slice(bytes).map_err(|e| err(0, "", format!("not JSON: {e}")))?;
    let Value::Array(list) = top else {
        return Err(err(0, "", "the top-level value must be a list".to_owned()));
    };
    if list.len() > MAX_MAP_RULES {
        return Err(err(
            0,
            "",
            format!(
                "{} rules, more than the limit of {MAX_MAP_RULES}",
                list.len()
            ),
        ));
    }
    let mut rules = Vec::new();
    for (index, item) in list.iter().enumerate() {
        let Value::Object(obj) = item else {
            return Err(err(index, "", "each rule must be a JSON object".to_owned()));
        };
        if obj.contains_key("ignore") {
            continue;
        }
        let field = |k: &str| -> Result<Option<String>, Error> {
            match obj.get(k) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(err(index, k, "must be a string".to_owned())),
            }
        };
        let path = match field("path")? {
            Some(p) => Some(
                normalize_request_path(&p)
                    .map_err(|_| err(index, "path", format!("`{p}` is not an absolute path")))?,
            ),
            None => None,
        };
        let result = field("result")?
            .filter(|r| !r.is_empty())
            .ok_or_else(|| err(index, "result", "every rule needs a `result`".to_owned()))?;
        rules.push(MapRule {
            index,
            sub: field("sub")?,
            username: field("username")?,
            path,
            group: field("group")?,
            result,
        });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sample() {
        let cfg = Config::parse(
            "[Global]\naudience = a, b c\naudience_json = [\"x,y\"]\nonmissing = deny\n\n\
             [Issuer CMS]\nissuer = https://cms.example\nbase_path = /store, /cms//x/ ; c\n\
             map_subject = True\nrestricted_path=/data\n[issuer cms]\ndefault_user = cmsuser\n",
            "t.cfg",
        )
        .unwrap();
        assert_eq!(cfg.audiences, ["a", "b", "c", "x,y"]);
        assert_eq!(cfg.onmissing, OnMissing::Deny);
        let i = cfg.issuer("https://cms.example").unwrap();
        assert_eq!(i.base_paths, ["/store", "/cms/x"]);
        assert_eq!(i.restricted_paths, ["/data"]);
        assert!(i.map_subject);
        assert_eq!(i.default_user.as_deref(), Some("cmsuser"));
        assert_eq!(i.name, "CMS");
    }

    #[test]
    fn errors_name_section_and_key() {
        let e = Config::parse("[Issuer A]\nissuer = x\nbase_pth = /a\n", "t.cfg").unwrap_err();
        assert!(
            matches!(e, Error::Config { ref section, ref key, line: 3, .. } if section == "Issuer A" && key == "base_pth")
        );
        let e = Config::parse("[Global]\nonmissing = maybe\n", "t.cfg").unwrap_err();
        assert!(matches!(e, Error::Config { ref key, .. } if key == "onmissing"));
        let e = Config::parse("[Issuer A]\nissuer = x\n", "t.cfg").unwrap_err();
        assert!(matches!(e, Error::Config { ref key, .. } if key == "base_path"));
    }

    #[test]
    fn mapfile() {
        let r = parse_mapfile(
            br#"[{"sub":"bob","path":"/home//bob/","result":"bob"},{"group":"/cms","result":"cms","comment":"x"},{"ignore":1,"result":"z"}]"#,
            "m.json",
        )
        .unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r.first().unwrap().path.as_deref(), Some("/home/bob"));
        assert!(parse_mapfile(br#"[{"sub":1,"result":"x"}]"#, "m").is_err());
        assert!(parse_mapfile(br#"[{"sub":"a"}]"#, "m").is_err());
    }
}
