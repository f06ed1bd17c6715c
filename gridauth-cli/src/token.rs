//! (placeholder, filled by a later change)

use clap::Subcommand;
use std::process::ExitCode;

/// Subcommands (none yet).
#[derive(Subcommand)]
pub enum TokenCmd {}

/// Runs a subcommand.
pub fn run(cmd: TokenCmd) -> ExitCode {
    match cmd {}
}
