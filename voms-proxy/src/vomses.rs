//! `vomses` files: where the VOMS servers of each VO are.
//!
//! Each non-blank, non-`#` line is
//! `"alias" "host" "port" "server DN" "vo" ["globus version"]`.

use crate::error::{Error, Result};
use crate::limits;
use crate::trust::{list_dir, read_small};
use grid_x509::Dn;
use std::path::{Path, PathBuf};

/// One `vomses` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VomsesEntry {
    /// Nickname used with `voms-proxy-init -voms`.
    pub alias: String,
    /// VOMS server host.
    pub host: String,
    /// VOMS server port.
    pub port: u16,
    /// The VOMS server certificate's subject, as written in the file.
    pub server_dn: String,
    /// [`VomsesEntry::server_dn`] parsed (compare it with `==`, which is structural).
    pub server_subject: Dn,
    /// VO name.
    pub vo: String,
    /// Optional Globus version field (obsolete).
    pub globus_version: Option<String>,
    /// File the line came from.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
}

fn err(file: &str, line: usize, reason: impl Into<String>) -> Error {
    Error::VomsesSyntax {
        file: file.to_string(),
        line,
        reason: reason.into(),
    }
}

fn fields(line: &str, file: &str, n: usize) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        let body = rest.strip_prefix('"').ok_or_else(|| {
            err(
                file,
                n,
                format!(
                    "field {} is not quoted (expected \"alias\" \"host\" \"port\" \"server DN\" \"vo\" [\"globus version\"])",
                    out.len().saturating_add(1)
                ),
            )
        })?;
        let end = body.find('"').ok_or_else(|| {
            err(
                file,
                n,
                format!("field {} has no closing quote", out.len().saturating_add(1)),
            )
        })?;
        out.push(body.get(..end).unwrap_or_default().to_string());
        rest = body.get(end.saturating_add(1)..).unwrap_or_default();
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            return Err(err(file, n, "fields must be separated by white space"));
        }
        rest = rest.trim_start();
    }
    Ok(out)
}

/// Parses the text of a `vomses` file; `file` names it in errors.
pub fn parse_vomses(text: &str, file: &str) -> Result<Vec<VomsesEntry>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i.saturating_add(1);
        if n > limits::MAX_VOMSES_LINES {
            return Err(Error::TooMany {
                context: file.to_string(),
                what: "lines",
                count: n,
                max: limits::MAX_VOMSES_LINES,
            });
        }
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f = fields(line, file, n)?;
        let [alias, host, port, server_dn, vo, rest @ ..] = f.as_slice() else {
            return Err(err(
                file,
                n,
                format!(
                    "{} fields, expected 5 or 6: \"alias\" \"host\" \"port\" \"server DN\" \"vo\" [\"globus version\"]",
                    f.len()
                ),
            ));
        };
        if rest.len() > 1 {
            return Err(err(file, n, format!("{} fields, expected 5 or 6", f.len())));
        }
        let port: u16 = port
            .parse()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| err(file, n, format!("port '{port}' is not a number in 1-65535")))?;
        for (what, v) in [
            ("alias", alias),
            ("host", host),
            ("server DN", server_dn),
            ("vo", vo),
        ] {
            if v.is_empty() {
                return Err(err(file, n, format!("empty {what}")));
            }
        }
        if !server_dn.starts_with('/') {
            return Err(err(
                file,
                n,
                format!("server DN '{server_dn}' is not in slash form"),
            ));
        }
        let server_subject = Dn::parse_openssl(server_dn)
            .map_err(|e| err(file, n, format!("server DN '{server_dn}': {e}")))?;
        out.push(VomsesEntry {
            alias: alias.clone(),
            host: host.clone(),
            port,
            server_dn: server_dn.clone(),
            server_subject,
            vo: vo.clone(),
            globus_version: rest.first().cloned(),
            file: file.to_string(),
            line: n,
        });
    }
    Ok(out)
}

/// Reads a `vomses` file, or every regular non-hidden file of a `vomses` directory
/// (sorted by name).
pub fn read_vomses(path: &Path) -> Result<Vec<VomsesEntry>> {
    let files = if path.is_dir() {
        list_dir(path)?
            .into_iter()
            .filter(|p| {
                p.is_file()
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| !n.starts_with('.'))
            })
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    let mut out = Vec::new();
    for f in files {
        let bytes = read_small(&f)?;
        let text =
            String::from_utf8(bytes).map_err(|_| err(&f.display().to_string(), 1, "not UTF-8"))?;
        out.extend(parse_vomses(&text, &f.display().to_string())?);
    }
    Ok(out)
}

/// The standard places, in order: `$VOMS_USERCONF` alone when set, else `/etc/vomses`
/// and `~/.glite/vomses`. `env` reads an environment variable (pass
/// `|k| std::env::var(k).ok()`).
pub fn default_vomses_paths(env: impl Fn(&str) -> Option<String>) -> Vec<PathBuf> {
    if let Some(p) = env("VOMS_USERCONF").filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(p)];
    }
    let mut v = vec![PathBuf::from("/etc/vomses")];
    if let Some(home) = env("HOME").filter(|h| !h.is_empty()) {
        v.push(Path::new(&home).join(".glite/vomses"));
    }
    v
}

/// Reads every existing path of [`default_vomses_paths`].
pub fn load_default_vomses(env: impl Fn(&str) -> Option<String>) -> Result<Vec<VomsesEntry>> {
    let mut out = Vec::new();
    for p in default_vomses_paths(env) {
        if p.exists() {
            out.extend(read_vomses(&p)?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse() {
        let t = "# comment\n\n\"cms\" \"voms-cms-auth.cern.ch\" \"443\" \"/DC=ch/DC=cern/OU=computers/CN=cms-auth.cern.ch\" \"cms\" \"24\"\n\"atlas\" \"lcg-voms2.cern.ch\"   \"15001\" \"/DC=ch/CN=lcg-voms2.cern.ch\" \"atlas\"\n";
        let v = parse_vomses(t, "f").unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].port, 443);
        assert_eq!(v[0].globus_version.as_deref(), Some("24"));
        assert_eq!(v[1].line, 4);
        let e = parse_vomses("\"a\" \"b\" \"x\" \"/CN=c\" \"d\"", "f").unwrap_err();
        assert_eq!(e.to_string(), "f:1: port 'x' is not a number in 1-65535");
        assert!(parse_vomses("\"a\" \"b\" \"1\" \"/CN=c\"", "f").is_err());
        assert!(parse_vomses("\"a\" \"b\" \"1\" \"/CN=c\" \"d", "f").is_err());
        assert!(parse_vomses("a b 1 /CN=c d", "f").is_err());
        assert_eq!(
            v[1].server_subject,
            Dn::parse_openssl("/dc=CH/cn=LCG-voms2.cern.ch").unwrap()
        );
        let e = parse_vomses("\"a\" \"b\" \"1\" \"/BOGUS=x/CN=c\" \"d\"", "f").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("f:1: server DN '/BOGUS=x/CN=c': "),
            "{e}"
        );
    }

    #[test]
    fn defaults() {
        let p = default_vomses_paths(|k| (k == "HOME").then(|| "/home/u".to_string()));
        assert_eq!(
            p,
            vec![
                PathBuf::from("/etc/vomses"),
                PathBuf::from("/home/u/.glite/vomses")
            ]
        );
        let p = default_vomses_paths(|k| (k == "VOMS_USERCONF").then(|| "/x".to_string()));
        assert_eq!(p, vec![PathBuf::from("/x")]);
    }
}
