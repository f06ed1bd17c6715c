//! The vomsdir (`/etc/grid-security/vomsdir`): per-VO `.lsc` files naming the VOMS
//! server's certificate chain, or the VOMS server certificates themselves as PEM files.

use crate::error::{Error, Result};
use crate::limits;
use crate::trust::{list_dir, pem_certs, read_small};
use grid_x509::{Certificate, Dn};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The separator between alternative chains in an `.lsc` file.
pub const NEXT_CHAIN: &str = "------ NEXT CHAIN ------";

/// A parsed `<vo>/<host>.lsc` file: one or more alternative DN chains, each listing the
/// VOMS server certificate's subject, then its issuer, and so on up to the root. DNs are
/// parsed from the OpenSSL slash form (escaped or not, keywords and the aliases VOMS
/// accepts such as `Email`, `E` and `USERID` in any case) and compared structurally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lsc {
    file: String,
    chains: Vec<Vec<Dn>>,
}

fn lsc_err(file: &str, line: usize, reason: &'static str) -> Error {
    Error::LscSyntax {
        file: file.to_string(),
        line,
        reason,
    }
}

/// One DN line: trimmed; an optional surrounding pair of double quotes removed
/// (`\"` escapes a quote inside).
fn unquote(line: &str, file: &str, n: usize) -> Result<String> {
    let Some(body) = line.strip_prefix('"') else {
        return Ok(line.to_string());
    };
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) => out.push(e),
                None => return Err(lsc_err(file, n, "backslash at end of line")),
            },
            '"' => {
                if !chars.as_str().trim().is_empty() {
                    return Err(lsc_err(file, n, "text after the closing quote"));
                }
                return Ok(out);
            }
            other => out.push(other),
        }
    }
    Err(lsc_err(file, n, "unterminated quoted DN"))
}

impl Lsc {
    /// Parses the text of an `.lsc` file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Self> {
        let mut chains: Vec<Vec<Dn>> = vec![Vec::new()];
        for (i, raw) in text.lines().enumerate() {
            let n = i.saturating_add(1);
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            if line == NEXT_CHAIN {
                if chains.last().is_some_and(Vec::is_empty) {
                    return Err(lsc_err(file, n, "empty chain before the separator"));
                }
                if chains.len() >= limits::MAX_LSC_CHAINS {
                    return Err(lsc_err(file, n, "more than 16 alternative chains"));
                }
                chains.push(Vec::new());
                continue;
            }
            let dn = unquote(line, file, n)?;
            if !dn.starts_with('/') {
                return Err(lsc_err(
                    file,
                    n,
                    "a DN must be in slash form, starting with '/'",
                ));
            }
            let chain = chains
                .last_mut()
                .ok_or_else(|| lsc_err(file, n, "internal: no chain"))?;
            if chain.len() >= limits::MAX_LSC_CHAIN_LEN {
                return Err(lsc_err(file, n, "more than 16 DNs in one chain"));
            }
            let dn = Dn::parse_openssl(&dn).map_err(|source| Error::LscDn {
                file: file.to_string(),
                line: n,
                source: Box::new(source),
            })?;
            chain.push(dn);
        }
        if chains.last().is_some_and(Vec::is_empty) {
            let last = text.lines().count().max(1);
            return Err(lsc_err(
                file,
                last,
                if chains.len() == 1 {
                    "no DN (expected the VOMS server's subject, then its issuer)"
                } else {
                    "empty chain after the last separator"
                },
            ));
        }
        for c in &chains {
            if c.len() < 2 {
                return Err(lsc_err(
                    file,
                    1,
                    "a chain needs at least the VOMS server's subject and its issuer",
                ));
            }
        }
        Ok(Self {
            file: file.to_string(),
            chains,
        })
    }

    /// The file this came from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The alternative chains, each most specific DN (the VOMS server's subject) first.
    pub fn chains(&self) -> &[Vec<Dn>] {
        &self.chains
    }

    /// Whether some chain describes `certs` (the certificates embedded in the AC, VOMS
    /// server first). A chain matches when its lines are the DN chain
    /// (`subject(c0)`, `issuer(c0)` = `subject(c1)`, ... ; lines past the embedded
    /// certificates describe CAs and are allowed), or, as the C++ API reads it, pairs
    /// (`subject(ci)`, `issuer(ci)`) per embedded certificate. Err gives the first
    /// chain's mismatch.
    pub fn matches(&self, certs: &[Certificate]) -> std::result::Result<usize, String> {
        if certs.is_empty() {
            return Err("the AC embeds no VOMS server certificate".to_string());
        }
        let mut first_reason = None;
        for (ci, chain) in self.chains.iter().enumerate() {
            let line = |k: usize| chain.get(k);
            let dn_chain = certs.iter().enumerate().all(|(i, c)| {
                line(i) == Some(c.subject()) && line(i.saturating_add(1)) == Some(c.issuer())
            });
            let pairs = certs.iter().enumerate().all(|(i, c)| {
                let k = i.saturating_mul(2);
                line(k) == Some(c.subject()) && line(k.saturating_add(1)) == Some(c.issuer())
            });
            if dn_chain || pairs {
                return Ok(ci);
            }
            if first_reason.is_none() {
                let c0 = certs
                    .first()
                    .map(|c| (c.subject().to_string(), c.issuer().to_string()));
                first_reason = c0.map(|(s, i)| {
                    format!(
                        "chain {} lists subject {} issuer {}, the AC's certificate has subject {s} issuer {i}",
                        ci.saturating_add(1),
                        line(0).map_or_else(|| "<none>".to_string(), Dn::to_openssl),
                        line(1).map_or_else(|| "<none>".to_string(), Dn::to_openssl),
                    )
                });
            }
        }
        Err(first_reason.unwrap_or_else(|| "no chain".to_string()))
    }
}

/// A PEM certificate found in the vomsdir.
#[derive(Clone, Debug)]
pub(crate) struct PemCert {
    pub file: String,
    pub cert: Certificate,
}

/// A vomsdir loaded into memory: `.lsc` files per (VO, host) and PEM certificates per
/// VO and at the top level.
#[derive(Clone, Debug, Default)]
pub struct Vomsdir {
    root: PathBuf,
    lsc: BTreeMap<(String, String), Lsc>,
    vo_pems: BTreeMap<String, Vec<PemCert>>,
    top_pems: Vec<PemCert>,
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_none_or(|n| n.starts_with('.'))
}

/// Reads the certificates of a file, ignoring files that hold none (as VOMS does).
fn try_pem(path: &Path) -> Result<Vec<PemCert>> {
    let bytes = read_small(path)?;
    let file = path.display().to_string();
    let certs = pem_certs(&bytes, &file).unwrap_or_default();
    Ok(certs
        .into_iter()
        .map(|cert| PemCert {
            file: file.clone(),
            cert,
        })
        .collect())
}

impl Vomsdir {
    /// Loads a vomsdir: `<dir>/<vo>/<host>.lsc`, `<dir>/<vo>/*` PEM files and `<dir>/*`
    /// PEM files. A malformed `.lsc` file is an error naming its line.
    pub fn load(dir: &Path) -> Result<Self> {
        let mut out = Self {
            root: dir.to_path_buf(),
            ..Self::default()
        };
        for entry in list_dir(dir)? {
            if is_hidden(&entry) {
                continue;
            }
            if entry.is_dir() {
                let vo = entry
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .to_string();
                for f in list_dir(&entry)? {
                    if is_hidden(&f) || !f.is_file() {
                        continue;
                    }
                    let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    if let Some(host) = name.strip_suffix(".lsc") {
                        let bytes = read_small(&f)?;
                        let text = String::from_utf8_lossy(&bytes);
                        let lsc = Lsc::parse(&text, &f.display().to_string())?;
                        out.lsc.insert((vo.clone(), host.to_string()), lsc);
                    } else {
                        out.vo_pems
                            .entry(vo.clone())
                            .or_default()
                            .extend(try_pem(&f)?);
                    }
                }
            } else if entry.is_file() {
                out.top_pems.extend(try_pem(&entry)?);
            }
        }
        Ok(out)
    }

    /// The directory this was loaded from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The `.lsc` file for a VO and VOMS host.
    pub fn lsc(&self, vo: &str, host: &str) -> Option<&Lsc> {
        self.lsc.get(&(vo.to_string(), host.to_string()))
    }

    /// Candidate VOMS server certificates for a VO: `<vo>/*` first, then top-level ones.
    pub(crate) fn pem_candidates(&self, vo: &str) -> impl Iterator<Item = &PemCert> {
        self.vo_pems
            .get(vo)
            .into_iter()
            .flatten()
            .chain(self.top_pems.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_lsc() {
        let l = Lsc::parse(
            "/DC=ch/CN=voms\n  \"/DC=ch/CN=CERN CA\"  \n/DC=ch/CN=Root\n------ NEXT CHAIN ------\n/CN=a\n/CN=b\n",
            "x.lsc",
        )
        .unwrap();
        assert_eq!(l.chains().len(), 2);
        assert_eq!(l.chains()[0][1].to_openssl(), "/DC=ch/CN=CERN CA");
        let e = Lsc::parse("/CN=a\n\"/CN=b\n", "x.lsc").unwrap_err();
        assert_eq!(
            e,
            Error::LscSyntax {
                file: "x.lsc".into(),
                line: 2,
                reason: "unterminated quoted DN"
            }
        );
        assert!(Lsc::parse("", "x.lsc").is_err());
        assert!(Lsc::parse("/CN=a\n", "x.lsc").is_err());
        assert!(Lsc::parse("CN=a\n/CN=b", "x.lsc").is_err());
        assert!(Lsc::parse("/CN=a\n/CN=b\n------ NEXT CHAIN ------\n", "x.lsc").is_err());
        let e = Lsc::parse("/CN=a\n/NOSUCHKEY=b\n", "x.lsc").unwrap_err();
        assert!(
            matches!(&e, Error::LscDn { file, line: 2, .. } if file == "x.lsc"),
            "{e}"
        );
        assert!(e.to_string().starts_with("x.lsc:2: "), "{e}");
    }

    #[test]
    fn lsc_dns_are_structural() {
        // The aliases VOMS normalizes, keyword case, escaped and unescaped slashes.
        let l = Lsc::parse(
            "/DC=ch/Email=a@b.ch/USERID=x/CN=host\\/voms.cern.ch\n/dc=CH/E=a@b.ch/CN=CA\n",
            "x.lsc",
        )
        .unwrap();
        let want =
            Dn::parse_openssl("/DC=ch/emailAddress=a@b.ch/UID=x/CN=host/voms.cern.ch").unwrap();
        assert_eq!(l.chains()[0][0], want);
        assert_eq!(
            l.chains()[0][1],
            Dn::parse_openssl("/DC=ch/emailAddress=A@B.CH/CN=ca").unwrap()
        );
    }
}
