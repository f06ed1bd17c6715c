//! `gridauth proxy init` (like `grid-proxy-init`) and `gridauth pki mint`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use grid_x509::{
    Error, KeySpec, Passphrase, PrivateKey, ProxyBuilder, ProxyKind, read_certificates,
};

use crate::output::{self, fail};

/// Arguments of `proxy init`.
#[derive(Args, Debug)]
pub struct ProxyInitArgs {
    /// User certificate (default `$X509_USER_CERT`, else `~/.globus/usercert.pem`). May
    /// be a proxy file, to delegate further.
    #[arg(long)]
    pub cert: Option<PathBuf>,
    /// User key (default `$X509_USER_KEY`, else `~/.globus/userkey.pem`; the `--cert`
    /// file itself when it holds a key, as a proxy file does).
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// Where to write the proxy (default `$X509_USER_PROXY`, else `/tmp/x509up_u<uid>`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Lifetime as HH:MM (default 12:00).
    #[arg(long, default_value = "12:00")]
    pub valid: String,
    /// RSA key size of the proxy: 1024, 2048 (default) or 4096.
    #[arg(long, default_value_t = 2048)]
    pub bits: u32,
    /// Use an EC P-256 proxy key instead of RSA.
    #[arg(long, conflicts_with = "bits")]
    pub ec: bool,
    /// Limited proxy (services will not start jobs with it).
    #[arg(long)]
    pub limited: bool,
    /// Independent proxy (inherits no rights).
    #[arg(long, conflicts_with_all = ["limited", "old"])]
    pub independent: bool,
    /// Legacy Globus (pre-RFC) proxy, for old services.
    #[arg(long)]
    pub old: bool,
    /// How many further delegations are allowed (default unlimited).
    #[arg(long)]
    pub path_length: Option<u32>,
    /// Read the key passphrase from this environment variable.
    #[arg(long, group = "pass")]
    pub pass_env: Option<String>,
    /// Read the key passphrase, base64-encoded, from this environment variable (as
    /// REANA's `VOMSPROXY_PASS`).
    #[arg(long, group = "pass")]
    pub pass_env_base64: Option<String>,
    /// Read the key passphrase from the first line of standard input.
    #[arg(long, group = "pass")]
    pub pass_stdin: bool,
    /// Create as if the time were this Unix time (for tests).
    #[arg(long)]
    pub at: Option<i64>,
    /// Print only errors and warnings.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `proxy init`: exit 0 on success, 2 on any error.
pub fn run_proxy_init(args: ProxyInitArgs) -> ExitCode {
    match proxy_init(&args) {
        Ok(()) => ExitCode::from(output::OK),
        Err(e) => fail(e),
    }
}

fn home_globus(file: &str) -> PathBuf {
    let home = std::env::var_os("HOME").unwrap_or_default();
    Path::new(&home).join(".globus").join(file)
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// `HH:MM` (or `H`) into seconds.
fn parse_valid(s: &str) -> Result<i64, String> {
    let bad = || format!("--valid {s:?}: expected HH:MM, e.g. 12:00 or 168:00");
    let (h, m) = match s.split_once(':') {
        Some((h, m)) => (h, m),
        None => (s, "0"),
    };
    let h: i64 = h.trim().parse().map_err(|_| bad())?;
    let m: i64 = m.trim().parse().map_err(|_| bad())?;
    if h < 0 || !(0..60).contains(&m) || h > 100_000 {
        return Err(bad());
    }
    let secs = h * 3600 + m * 60;
    if secs == 0 {
        return Err(bad());
    }
    Ok(secs)
}

fn read_limited(path: &Path) -> Result<Vec<u8>, Error> {
    grid_x509::read_limited(path)
}

/// Refuses a private key that others can read or that another user owns, as
/// `grid-proxy-init` does: the rule and the fix go into the message.
fn check_key_file(path: &Path) -> Result<(), String> {
    let report = grid_x509::audit_path(path, grid_x509::FileRole::PrivateKey, None)
        .map_err(|e| e.to_string())?;
    match report
        .findings
        .iter()
        .find(|f| f.severity == grid_x509::Severity::Error)
    {
        Some(f) => Err(format!(
            "refusing to use the private key {}: {} [{}]",
            path.display(),
            f.message,
            f.rule
        )),
        None => Ok(()),
    }
}

pub(crate) fn passphrase(args: &ProxyInitArgs) -> Result<Passphrase, Error> {
    if let Some(var) = &args.pass_env {
        Passphrase::from_env(var)
    } else if let Some(var) = &args.pass_env_base64 {
        Passphrase::from_env_base64(var)
    } else if args.pass_stdin {
        Passphrase::from_reader(std::io::stdin().lock())
    } else {
        Passphrase::from_tty("Enter GRID pass phrase for this identity:")
    }
}

fn proxy_init(args: &ProxyInitArgs) -> Result<(), String> {
    let lifetime = parse_valid(&args.valid)?;
    let kind = match (args.old, args.limited, args.independent) {
        (true, true, _) => ProxyKind::LegacyLimited,
        (true, false, _) => ProxyKind::LegacyFull,
        (false, true, _) => ProxyKind::Limited,
        (false, false, true) => ProxyKind::Independent,
        (false, false, false) => ProxyKind::Impersonation,
    };
    let key_spec = if args.ec {
        KeySpec::EcP256
    } else {
        KeySpec::Rsa(args.bits)
    };
    let cert_path = args
        .cert
        .clone()
        .or_else(|| env_path("X509_USER_CERT"))
        .unwrap_or_else(|| home_globus("usercert.pem"));
    let cert_text = read_limited(&cert_path).map_err(|e| e.to_string())?;
    let cert_origin = cert_path.display().to_string();
    let certs = read_certificates(&cert_text, &cert_origin).map_err(|e| e.to_string())?;

    // The key: --key, $X509_USER_KEY, the cert file itself when it carries a key (a
    // proxy file), else ~/.globus/userkey.pem.
    let cert_has_key = cert_text
        .windows(b"PRIVATE KEY-----".len())
        .any(|w| w == b"PRIVATE KEY-----");
    let key_path = args
        .key
        .clone()
        .or_else(|| env_path("X509_USER_KEY").filter(|_| args.cert.is_none() || !cert_has_key))
        .unwrap_or_else(|| {
            if cert_has_key {
                cert_path.clone()
            } else {
                home_globus("userkey.pem")
            }
        });
    let given = if args.pass_env.is_some() || args.pass_env_base64.is_some() || args.pass_stdin {
        Some(passphrase(args).map_err(|e| e.to_string())?)
    } else {
        None
    };
    check_key_file(&key_path)?;
    let key = match PrivateKey::read_pem_file(&key_path, given.as_ref()) {
        Err(Error::PassphraseRequired { .. }) if given.is_none() => {
            let pass = passphrase(args).map_err(|e| e.to_string())?;
            PrivateKey::read_pem_file(&key_path, Some(&pass))
        }
        other => other,
    }
    .map_err(|e| e.to_string())?;

    let now = output::now(args.at);
    let signer = certs
        .first()
        .ok_or_else(|| format!("{cert_origin}: no certificate"))?;
    if !args.quiet {
        let identity = grid_x509::globus_identity(&certs)
            .map_or_else(|| signer.subject().to_openssl(), |d| d.to_openssl());
        println!("Your identity: {identity}");
        println!("Creating proxy ...");
    }
    let proxy = ProxyBuilder::new(&certs, &key)
        .kind(kind)
        .lifetime_secs(lifetime)
        .key(key_spec)
        .path_length(args.path_length)
        .build(now)
        .map_err(|e| e.to_string())?;
    for w in &proxy.warnings {
        eprintln!("gridauth: warning: {w}");
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(grid_x509::default_proxy_path);
    proxy.write(&out).map_err(|e| e.to_string())?;
    if !args.quiet {
        println!(
            "Your proxy is valid until: {}",
            proxy.cert.not_after().to_openssl_string()
        );
        println!("Proxy written to {}", out.display());
    }
    Ok(())
}

/// `pki` subcommands.
#[derive(Subcommand)]
pub enum PkiCmd {
    /// Write a throw-away test PKI into DIR: CA directory (with CRLs, signing policies,
    /// namespaces), user, host, service and VOMS credentials, and proxies of every kind.
    /// The encrypted user key (`user/userkey-encrypted.pem`) uses the passphrase from
    /// `--pass-env`, else `gridauth-test`.
    Mint(MintArgs),
}

/// Arguments of `pki mint`.
#[derive(Args, Debug)]
pub struct MintArgs {
    /// Target folder (created if missing; existing files are replaced).
    pub dir: PathBuf,
    /// Validity of the CAs and certificates in days, from one hour ago.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
    /// Environment variable holding the passphrase for the encrypted user key.
    #[arg(long)]
    pub pass_env: Option<String>,
    /// Mint as if the time were this Unix time.
    #[arg(long)]
    pub at: Option<i64>,
}

/// Runs a `pki` subcommand.
pub fn run_pki(cmd: PkiCmd) -> ExitCode {
    match cmd {
        PkiCmd::Mint(args) => mint(&args),
    }
}

fn mint(args: &MintArgs) -> ExitCode {
    let now = output::now(args.at);
    let pass = match &args.pass_env {
        Some(var) => match Passphrase::from_env(var) {
            Ok(p) => p,
            Err(e) => return fail(e),
        },
        None => Passphrase::new("gridauth-test"),
    };
    let not_before = now.saturating_add(-3600);
    let not_after = now.saturating_add(i64::from(args.days).saturating_mul(86_400));
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        return fail(format!("{}: {e}", args.dir.display()));
    }
    match grid_x509::fixtures::mint(&args.dir, not_before, not_after, now, &pass) {
        Ok(minted) => {
            let files: Vec<String> = minted
                .files
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            output::print_json(
                &serde_json::json!({
                    "ca_dir": minted.ca_dir.display().to_string(),
                    "not_before": not_before.to_string(),
                    "not_after": not_after.to_string(),
                    "files": files,
                }),
                output::OK,
            )
        }
        Err(e) => fail(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_parses() {
        assert_eq!(parse_valid("12:00"), Ok(43_200));
        assert_eq!(parse_valid("0:30"), Ok(1800));
        assert_eq!(parse_valid("168"), Ok(604_800));
        assert!(parse_valid("1:60").is_err());
        assert!(parse_valid("0:00").is_err());
        assert!(parse_valid("x").is_err());
        assert!(parse_valid("-1:00").is_err());
    }
}
