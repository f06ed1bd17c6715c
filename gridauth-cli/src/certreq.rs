//! `cert request|install|import-p12|export-p12` (placeholder, filled by a later change).

use clap::Subcommand;
use std::process::ExitCode;

/// Certificate lifecycle subcommands, flattened into `gridauth cert`.
#[derive(Subcommand)]
pub enum CertReqCmd {}

/// Runs one of them.
pub fn run(cmd: CertReqCmd) -> ExitCode {
    match cmd {}
}
