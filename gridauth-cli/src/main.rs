//! `gridauth`: inspect and verify grid credentials and configuration.
//!
//! Exit status: 0 success (valid), 1 a negative answer (invalid, not authorized, absent),
//! 2 a usage or read error.
#![forbid(unsafe_code)]

mod certreq;
mod create;
mod output;
mod token;
mod voms;
mod x509;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Grid credentials and configuration: proxies, certificates, DNs, VOMS, tokens.
#[derive(Parser)]
#[command(name = "gridauth", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect, verify and create proxy certificates.
    #[command(subcommand)]
    Proxy(x509::ProxyCmd),
    /// Inspect certificates; compute subject hashes.
    #[command(subcommand)]
    Cert(x509::CertCmd),
    /// Parse and print distinguished names.
    #[command(subcommand)]
    Dn(x509::DnCmd),
    /// Audit file modes and owners against the grid conventions.
    Audit(x509::AuditArgs),
    /// Mint a throw-away test PKI.
    #[command(subcommand)]
    Pki(create::PkiCmd),
    /// VOMS attribute certificates.
    #[command(subcommand)]
    Voms(voms::VomsCmd),
    /// SciTokens and WLCG tokens.
    #[command(subcommand)]
    Token(token::TokenCmd),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Proxy(cmd) => x509::run_proxy(cmd),
        Command::Cert(cmd) => x509::run_cert(cmd),
        Command::Dn(cmd) => x509::run_dn(cmd),
        Command::Audit(args) => x509::run_audit(args),
        Command::Pki(cmd) => create::run_pki(cmd),
        Command::Voms(cmd) => voms::run(cmd),
        Command::Token(cmd) => token::run(cmd),
    }
}
