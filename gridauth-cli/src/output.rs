//! Shared output conventions: exit codes, JSON printing, errors on stderr, `--at`.

use std::process::ExitCode;

/// Success, or a positive answer.
pub const OK: u8 = 0;
/// A negative answer: invalid, not authorized, absent.
pub const NO: u8 = 1;
/// A usage or read error.
pub const USAGE: u8 = 2;

/// Prints a JSON value on stdout (pretty) and returns `code`.
pub fn print_json(value: &serde_json::Value, code: u8) -> ExitCode {
    use std::io::Write;
    match serde_json::to_string_pretty(value) {
        // A closed pipe (`| head`) is not an error worth a panic.
        Ok(s) => {
            let _ = writeln!(std::io::stdout().lock(), "{s}");
        }
        Err(e) => eprintln!("gridauth: cannot encode JSON: {e}"),
    }
    ExitCode::from(code)
}

/// Prints `gridauth: <message>` on stderr and returns exit status 2.
pub fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("gridauth: {message}");
    ExitCode::from(USAGE)
}

/// The time for a check: `--at UNIX` when given, else the clock.
pub fn now(at: Option<i64>) -> grid_x509::UnixTime {
    at.map(grid_x509::UnixTime::from_secs)
        .unwrap_or_else(grid_x509::UnixTime::now)
}
