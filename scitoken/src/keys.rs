//! Where issuer keys come from: static key sets, and a refreshing in-memory cache.

use crate::error::Error;
use crate::jwk::Jwks;
use crate::time::UnixTime;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// A source of issuer public keys. Implementations must be thread-safe.
///
/// The validator only asks for issuers it trusts, so a source never sees an
/// attacker-chosen issuer.
pub trait KeySource: Send + Sync {
    /// The key set for `issuer`. `kid` is the key the token names: a refreshing source may
    /// fetch again when it does not know that key. `now` drives refresh and expiry.
    fn jwks(&self, issuer: &str, kid: Option<&str>, now: UnixTime) -> Result<Arc<Jwks>, Error>;
}

/// Fixed key sets, e.g. read from files. Never refreshes.
#[derive(Debug, Clone, Default)]
pub struct StaticKeys {
    sets: HashMap<String, Arc<Jwks>>,
}

impl StaticKeys {
    /// No keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the key set of `issuer`.
    pub fn insert(&mut self, issuer: impl Into<String>, jwks: Jwks) -> &mut Self {
        self.sets.insert(issuer.into(), Arc::new(jwks));
        self
    }

    /// Reads a JWKS file for `issuer`.
    pub fn insert_file(
        &mut self,
        issuer: impl Into<String>,
        path: impl AsRef<std::path::Path>,
    ) -> Result<&mut Self, Error> {
        let path = path.as_ref();
        let bytes = read_capped(path, crate::jwk::MAX_DOCUMENT_BYTES)?;
        let jwks = Jwks::from_json(&bytes, &path.display().to_string())?;
        Ok(self.insert(issuer, jwks))
    }

    /// The issuers with keys.
    pub fn issuers(&self) -> impl Iterator<Item = &str> {
        self.sets.keys().map(String::as_str)
    }
}

impl KeySource for StaticKeys {
    fn jwks(&self, issuer: &str, _kid: Option<&str>, _now: UnixTime) -> Result<Arc<Jwks>, Error> {
        self.sets.get(issuer).cloned().ok_or_else(|| Error::NoKeys {
            issuer: issuer.to_owned(),
            reason: "no key set was configured for this issuer".to_owned(),
        })
    }
}

impl<T: KeySource + ?Sized> KeySource for Arc<T> {
    fn jwks(&self, issuer: &str, kid: Option<&str>, now: UnixTime) -> Result<Arc<Jwks>, Error> {
        (**self).jwks(issuer, kid, now)
    }
}

/// Reads a file of at most `max` bytes.
pub(crate) fn read_capped(path: &std::path::Path, max: usize) -> Result<Vec<u8>, Error> {
    use std::io::Read as _;
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let mut buf = Vec::new();
    let cap = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    f.take(cap).read_to_end(&mut buf).map_err(io)?;
    if buf.len() > max {
        return Err(Error::Io {
            path: path.display().to_string(),
            detail: format!("file is larger than {max} bytes"),
        });
    }
    Ok(buf)
}

/// Fetches an issuer's current key set (e.g. by OIDC discovery over HTTPS).
pub trait JwksFetcher: Send + Sync {
    /// Fetches the key set of `issuer`.
    fn fetch(&self, issuer: &str) -> Result<Jwks, Error>;
}

/// Refresh and expiry of cached key sets. Defaults follow scitokens-cpp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    /// Seconds after a successful fetch when the keys are fetched again (600).
    pub refresh_after: i64,
    /// Seconds after a successful fetch when the keys are no longer used if every refresh
    /// failed (4 days).
    pub expire_after: i64,
    /// Minimum seconds between two fetches for one issuer, whatever triggered them (an
    /// unknown `kid`, a due refresh, a failure) (60).
    pub min_fetch_interval: i64,
}

impl Default for CachePolicy {
    fn default() -> Self {
        Self {
            refresh_after: 600,
            expire_after: 4 * 24 * 3600,
            min_fetch_interval: 60,
        }
    }
}

#[derive(Clone)]
struct Entry {
    jwks: Option<Arc<Jwks>>,
    fetched: UnixTime,
    last_attempt: UnixTime,
    last_error: Option<Error>,
}

/// An in-memory, thread-safe cache of key sets in front of a [`JwksFetcher`].
///
/// * keys are refreshed `refresh_after` seconds after they were fetched;
/// * a failed refresh keeps the old keys until `expire_after`;
/// * a token naming an unknown `kid` triggers at most one fetch per `min_fetch_interval`;
/// * a failed first fetch is remembered for `min_fetch_interval`, so a dead issuer does not
///   cost a network round trip per token.
pub struct KeyCache<F> {
    fetcher: F,
    policy: CachePolicy,
    entries: RwLock<HashMap<String, Entry>>,
    fetch_lock: Mutex<()>,
}

impl<F: JwksFetcher> KeyCache<F> {
    /// A cache with the default policy.
    pub fn new(fetcher: F) -> Self {
        Self::with_policy(fetcher, CachePolicy::default())
    }

    /// A cache with the given policy.
    pub fn with_policy(fetcher: F, policy: CachePolicy) -> Self {
        Self {
            fetcher,
            policy,
            entries: RwLock::new(HashMap::new()),
            fetch_lock: Mutex::new(()),
        }
    }

    /// The fetcher.
    pub fn fetcher(&self) -> &F {
        &self.fetcher
    }

    fn entry(&self, issuer: &str) -> Option<Entry> {
        let map = self.entries.read().unwrap_or_else(|e| e.into_inner());
        map.get(issuer).cloned()
    }

    fn usable(&self, e: &Entry, now: UnixTime) -> Option<Arc<Jwks>> {
        let expires = e.fetched.saturating_add(self.policy.expire_after);
        e.jwks.clone().filter(|_| now < expires)
    }

    fn may_fetch(&self, e: &Entry, now: UnixTime) -> bool {
        now >= e
            .last_attempt
            .saturating_add(self.policy.min_fetch_interval)
            || now < e.last_attempt
    }

    /// Fetches under the fetch lock and records the outcome. Returns the resulting entry.
    fn fetch_and_store(&self, issuer: &str, now: UnixTime) -> Entry {
        let result = self.fetcher.fetch(issuer);
        let mut map = self.entries.write().unwrap_or_else(|e| e.into_inner());
        let old = map.get(issuer).cloned();
        let entry = match result {
            Ok(jwks) => Entry {
                jwks: Some(Arc::new(jwks)),
                fetched: now,
                last_attempt: now,
                last_error: None,
            },
            Err(err) => match old {
                Some(mut e) => {
                    e.last_attempt = now;
                    e.last_error = Some(err);
                    e
                }
                None => Entry {
                    jwks: None,
                    fetched: now,
                    last_attempt: now,
                    last_error: Some(err),
                },
            },
        };
        map.insert(issuer.to_owned(), entry.clone());
        entry
    }

    /// Drops every cached key set.
    pub fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

impl<F: JwksFetcher> KeySource for KeyCache<F> {
    fn jwks(&self, issuer: &str, kid: Option<&str>, now: UnixTime) -> Result<Arc<Jwks>, Error> {
        let no_keys = |e: &Entry| Error::NoKeys {
            issuer: issuer.to_owned(),
            reason: match &e.last_error {
                Some(err) => err.to_string(),
                None => "cached keys expired".to_owned(),
            },
        };
        if let Some(e) = self.entry(issuer) {
            if let Some(jwks) = self.usable(&e, now) {
                let due = now >= e.fetched.saturating_add(self.policy.refresh_after);
                let kid_missing = kid.is_some_and(|k| !jwks.has_kid(k));
                if !(due || kid_missing) || !self.may_fetch(&e, now) {
                    return Ok(jwks);
                }
                if kid_missing {
                    // The token cannot be verified without this fetch: wait for the lock,
                    // then check whether another thread already fetched.
                    let _g = self.fetch_lock.lock().unwrap_or_else(|e| e.into_inner());
                    let cur = self.entry(issuer);
                    if let Some(cur) = cur.filter(|c| !self.may_fetch(c, now)) {
                        return self.usable(&cur, now).ok_or_else(|| no_keys(&cur));
                    }
                    let fresh = self.fetch_and_store(issuer, now);
                    return Ok(self.usable(&fresh, now).unwrap_or(jwks));
                }
                // A due refresh: only one thread refreshes, the others keep using old keys.
                if let Ok(_g) = self.fetch_lock.try_lock() {
                    let fresh = self.fetch_and_store(issuer, now);
                    return Ok(self.usable(&fresh, now).unwrap_or(jwks));
                }
                return Ok(jwks);
            }
            if !self.may_fetch(&e, now) {
                return Err(no_keys(&e));
            }
        }
        let _g = self.fetch_lock.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cur) = self.entry(issuer) {
            if let Some(jwks) = self.usable(&cur, now) {
                return Ok(jwks);
            }
            if !self.may_fetch(&cur, now) {
                return Err(no_keys(&cur));
            }
        }
        let fresh = self.fetch_and_store(issuer, now);
        self.usable(&fresh, now).ok_or_else(|| no_keys(&fresh))
    }
}
