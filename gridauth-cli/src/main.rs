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

/// `println!` panics when stdout is a closed pipe (`gridauth ... | head -1`); end
/// quietly with the status a shell gives a process killed by SIGPIPE instead.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
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
