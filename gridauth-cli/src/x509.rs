//! `proxy info|verify`, `cert info|hash`, `dn parse`, `audit`.

use clap::{Args, Subcommand};
use std::process::ExitCode;

/// `gridauth proxy ...`
#[derive(Subcommand)]
pub enum ProxyCmd {}

/// `gridauth cert ...`
#[derive(Subcommand)]
pub enum CertCmd {}

/// `gridauth dn ...`
#[derive(Subcommand)]
pub enum DnCmd {}

/// `gridauth audit PATH --role ROLE`
#[derive(Args)]
pub struct AuditArgs {}

pub fn run_proxy(cmd: ProxyCmd) -> ExitCode {
    match cmd {}
}
pub fn run_cert(cmd: CertCmd) -> ExitCode {
    match cmd {}
}
pub fn run_dn(cmd: DnCmd) -> ExitCode {
    match cmd {}
}
pub fn run_audit(_args: AuditArgs) -> ExitCode {
    ExitCode::SUCCESS
}
