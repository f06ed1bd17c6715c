//! Time as an explicit argument: validation never reads the clock.

use std::fmt;

/// Seconds since the Unix epoch (UTC). Every validation takes one of these as `now`;
/// only the CLI and the Python layer read the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

    /// Reads the system clock. Only front ends (CLI, Python) should call this.
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

    /// Seconds from `self` until `later` (negative when `later` is earlier), saturating.
    pub const fn seconds_until(self, later: UnixTime) -> i64 {
        later.0.saturating_sub(self.0)
    }

    /// Civil UTC date and time: (year, month 1-12, day 1-31, hour, minute, second).
    pub fn to_civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(86_400);
        let rem = self.0.rem_euclid(86_400);
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = if m <= 2 { y + 1 } else { y };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        (
            y,
            m as u32,
            d as u32,
            (rem / 3600) as u32,
            (rem % 3600 / 60) as u32,
            (rem % 60) as u32,
        )
    }

    /// Unix time of a civil UTC date and time (proleptic Gregorian).
    pub fn from_civil(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Self {
        let (y, m) = if month <= 2 {
            (year - 1, i64::from(month) + 9)
        } else {
            (year, i64::from(month) - 3)
        };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let doy = (153 * m + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Self(days * 86_400 + i64::from(hour) * 3600 + i64::from(min) * 60 + i64::from(sec))
    }

    /// OpenSSL's date style: `Nov 23 06:08:00 2026 GMT`.
    pub fn to_openssl_string(self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (y, mo, d, h, mi, s) = self.to_civil();
        let name = MONTHS
            .get(usize::try_from(mo).unwrap_or(0).saturating_sub(1))
            .copied()
            .unwrap_or("???");
        format!("{name} {d:>2} {h:02}:{mi:02}:{s:02} {y} GMT")
    }
}

impl fmt::Display for UnixTime {
    /// RFC 3339 in UTC, e.g. `2026-11-23T06:08:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_civil();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

/// Seconds since the epoch of a DER UTCTime (`0x17`) or GeneralizedTime (`0x18`).
pub(crate) fn parse_der_time(tag: u8, v: &[u8]) -> Option<UnixTime> {
    let s = std::str::from_utf8(v).ok()?;
    let s = s.strip_suffix('Z')?;
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    let (year, rest) = match (tag, s.len()) {
        (0x17, 12) => {
            let yy = i64::from(num(0..2)?);
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, 2)
        }
        (0x18, 14) => (i64::from(num(0..4)?), 4),
        _ => return None,
    };
    let f = |k: usize| num(rest + 2 * k..rest + 2 * k + 2);
    let (mo, d, h, mi, se) = (f(0)?, f(1)?, f(2)?, f(3)?, f(4)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(UnixTime::from_civil(year, mo, d, h, mi, se))
}

/// Formats seconds as `H:MM:SS` the way `grid-proxy-info -timeleft` humans see it
/// (`0:00:00` when expired).
pub fn format_hms(secs: i64) -> String {
    let s = secs.max(0);
    format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_known_values() {
        // `date -u -d @1795392000` = Tue Nov 23 00:00:00 UTC 2026? checked below by value.
        let t = UnixTime::from_civil(2026, 11, 23, 6, 8, 0);
        assert_eq!(t.to_civil(), (2026, 11, 23, 6, 8, 0));
        assert_eq!(UnixTime(0).to_civil(), (1970, 1, 1, 0, 0, 0));
        assert_eq!(UnixTime::from_civil(2000, 2, 29, 0, 0, 0).0, 951_782_400);
        assert_eq!(
            UnixTime::from_civil(2099, 12, 31, 23, 59, 59).0,
            4_102_444_799
        );
        assert_eq!(UnixTime(951_782_400).to_string(), "2000-02-29T00:00:00Z");
        assert_eq!(
            UnixTime(951_782_400).to_openssl_string(),
            "Feb 29 00:00:00 2000 GMT"
        );
        assert_eq!(UnixTime(-1).to_civil(), (1969, 12, 31, 23, 59, 59));
    }

    #[test]
    fn hms() {
        assert_eq!(format_hms(43_199), "11:59:59");
        assert_eq!(format_hms(-5), "0:00:00");
        assert_eq!(format_hms(360_000), "100:00:00");
    }
}
