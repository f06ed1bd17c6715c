//! Key discovery over HTTPS (feature `fetch`): `/.well-known/openid-configuration` →
//! `jwks_uri`, falling back to `/.well-known/oauth-authorization-server`.

use crate::error::Error;
use crate::jwk::{Jwks, MAX_DOCUMENT_BYTES};
use crate::keys::JwksFetcher;
use std::net::IpAddr;
use std::time::Duration;

/// Whether `url` is `http://` or `https://` to a loopback host (`127.0.0.0/8`, `::1`,
/// `localhost`). Plain HTTP is accepted only for such URLs.
pub fn is_loopback_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    let Some(rest) = rest else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn check_url(url: &str) -> Result<(), Error> {
    if url.starts_with("https://") || (url.starts_with("http://") && is_loopback_url(url)) {
        Ok(())
    } else {
        Err(Error::Fetch {
            url: url.to_owned(),
            reason: "only https:// URLs are fetched (plain http only for loopback hosts)"
                .to_owned(),
        })
    }
}

/// Fetches key sets by OIDC / OAuth 2.0 discovery, with a timeout and a 1 MiB cap per
/// document. Redirects are not followed; system proxies are not used.
#[derive(Debug)]
pub struct HttpFetcher {
    agent: ureq::Agent,
}

impl Default for HttpFetcher {
    fn default() -> Self {
        Self::new(Duration::from_secs(10))
    }
}

impl HttpFetcher {
    /// A fetcher whose requests each complete within `timeout` or fail.
    pub fn new(timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .max_redirects(0)
            .proxy(None)
            .http_status_as_error(true)
            .build()
            .into();
        Self { agent }
    }

    fn get(&self, url: &str) -> Result<Vec<u8>, Error> {
        check_url(url)?;
        let fail = |e: ureq::Error| Error::Fetch {
            url: url.to_owned(),
            reason: e.to_string(),
        };
        let mut resp = self.agent.get(url).call().map_err(fail)?;
        resp.body_mut()
            .with_config()
            .limit(u64::try_from(MAX_DOCUMENT_BYTES).unwrap_or(u64::MAX))
            .read_to_vec()
            .map_err(fail)
    }

    fn jwks_uri(&self, metadata_url: &str) -> Result<String, Error> {
        let body = self.get(metadata_url)?;
        let doc: serde_json::Value = serde_json::from_slice(&body).map_err(|e| Error::Fetch {
            url: metadata_url.to_owned(),
            reason: format!("metadata is not JSON: {e}"),
        })?;
        match doc.get("jwks_uri") {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(Error::Fetch {
                url: metadata_url.to_owned(),
                reason: "`jwks_uri` is not a string".to_owned(),
            }),
            None => Err(Error::Fetch {
                url: metadata_url.to_owned(),
                reason: "metadata has no `jwks_uri`".to_owned(),
            }),
        }
    }
}

impl JwksFetcher for HttpFetcher {
    fn fetch(&self, issuer: &str) -> Result<Jwks, Error> {
        check_url(issuer)?;
        let base = issuer.trim_end_matches('/');
        let oidc = format!("{base}/.well-known/openid-configuration");
        let uri = match self.jwks_uri(&oidc) {
            Ok(u) => u,
            Err(first) => {
                let oauth = format!("{base}/.well-known/oauth-authorization-server");
                self.jwks_uri(&oauth).map_err(|second| Error::Fetch {
                    url: oidc,
                    reason: format!("{first}; fallback: {second}"),
                })?
            }
        };
        // A loopback issuer may only point to loopback keys, and vice versa https only.
        if is_loopback_url(issuer) != is_loopback_url(&uri) && !uri.starts_with("https://") {
            return Err(Error::Fetch {
                url: uri,
                reason: "jwks_uri must use https".to_owned(),
            });
        }
        let body = self.get(&uri)?;
        Jwks::from_json(&body, &uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback() {
        assert!(is_loopback_url("http://127.0.0.1:8080/x"));
        assert!(is_loopback_url("http://[::1]:80"));
        assert!(is_loopback_url("http://localhost/"));
        assert!(!is_loopback_url("http://example.org/"));
        assert!(!is_loopback_url("http://127.0.0.1@evil.org/"));
        assert!(!is_loopback_url("ftp://127.0.0.1/"));
        assert!(check_url("http://example.org/").is_err());
        assert!(check_url("https://example.org/").is_ok());
    }
}
