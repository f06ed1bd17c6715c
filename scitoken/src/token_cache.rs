//! A cache of verified tokens, keyed by a SHA-256 of the serialized token.

use crate::time::UnixTime;
use crate::validator::VerifiedToken;
use std::collections::HashMap;
use std::sync::RwLock;

/// Remembers verified tokens for at most `ttl` seconds (never past their `exp`), so a token
/// presented again costs a hash and a lookup instead of a signature check.
///
/// Entries are keyed by the SHA-256 of the token, so the cache holds no bearer tokens.
/// At most `max_entries` tokens are kept; when full, expired entries are dropped and, if
/// that is not enough, new tokens are simply not cached.
#[derive(Debug)]
pub struct TokenCache {
    ttl: i64,
    max_entries: usize,
    map: RwLock<HashMap<[u8; 32], (VerifiedToken, UnixTime)>>,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self::new(60, 10_000)
    }
}

impl TokenCache {
    /// A cache keeping entries for at most `ttl_secs` (60 by default) and at most
    /// `max_entries` tokens (10 000 by default).
    pub fn new(ttl_secs: i64, max_entries: usize) -> Self {
        Self {
            ttl: ttl_secs,
            max_entries,
            map: RwLock::new(HashMap::new()),
        }
    }

    fn key(token: &str) -> [u8; 32] {
        let d = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        let mut k = [0u8; 32];
        k.copy_from_slice(d.as_ref());
        k
    }

    /// The cached token, if present and not past its cache lifetime at `now`.
    pub fn get(&self, token: &str, now: UnixTime) -> Option<VerifiedToken> {
        let key = Self::key(token);
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        map.get(&key)
            .filter(|(_, until)| now < *until)
            .map(|(t, _)| t.clone())
    }

    /// Caches `verified` (validated at `now`) until min(now + ttl, exp).
    pub fn insert(&self, token: &str, verified: &VerifiedToken, now: UnixTime) {
        let until = now.saturating_add(self.ttl).min(verified.expires());
        if until <= now {
            return;
        }
        let key = Self::key(token);
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.max_entries && !map.contains_key(&key) {
            map.retain(|_, (_, u)| now < *u);
            if map.len() >= self.max_entries {
                return;
            }
        }
        map.insert(key, (verified.clone(), until));
    }

    /// Number of cached tokens (including ones past their lifetime not yet dropped).
    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
