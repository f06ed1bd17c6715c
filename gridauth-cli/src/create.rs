//! (placeholder, filled by a later change)

use clap::Subcommand;
use std::process::ExitCode;

/// Subcommands (none yet).
#[derive(Subcommand)]
pub enum PkiCmd {}

/// Runs a subcommand.
pub fn run_pki(cmd: PkiCmd) -> ExitCode {
    match cmd {}
}
