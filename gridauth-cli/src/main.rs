//! `gridauth`: inspect and verify grid credentials and configuration.
#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::SUCCESS
}
