//! Seconds since the Unix epoch: the only notion of time the crate uses.

use std::fmt;

/// A point in time, in whole seconds since 1970-01-01T00:00:00Z.
///
/// Validation never reads the clock: callers pass `now`. Only front ends (CLI, services)
/// should call [`UnixTime::now`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub i64);

impl UnixTime {
    /// The given number of seconds since the epoch.
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs)
    }

    /// Seconds since the epoch.
    pub const fn secs(self) -> i64 {
        self.0
    }

    /// Reads the system clock. Only front ends should call this.
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Self(secs)
    }

    /// `self + secs`, saturating.
    pub const fn saturating_add(self, secs: i64) -> Self {
        Self(self.0.saturating_add(secs))
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
