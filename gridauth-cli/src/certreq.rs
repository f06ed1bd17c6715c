//! `cert request|install|import-p12|export-p12`: obtaining and installing a certificate.
//!
//! `request` makes a key and a PKCS#10 request (`openssl req -new -newkey rsa:2048
//! -subj ... -nodes`); `install` checks the certificate the CA returned against the key,
//! the request and a CA directory and puts it where the grid tools look; `import-p12`
//! splits a CA download into `usercert.pem`/`userkey.pem`; `export-p12` makes a `.p12`
//! for a browser. Passphrases come from the same sources as `proxy init`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use grid_x509::{
    CaStore, CertificateRequest, CredentialKind, CsrBuilder, Dn, Error, InstallOptions, KeySpec,
    Passphrase, Pkcs12Contents, PrivateKey, SanName, ValidationPolicy, read_certificates,
};

use crate::output::{self, fail};

/// Certificate lifecycle subcommands, flattened into `gridauth cert`.
#[derive(Subcommand)]
pub enum CertReqCmd {
    /// Make a new private key and a certificate request (PKCS#10) to send to a CA.
    Request(RequestArgs),
    /// Check a signed certificate against its key, request and CA, and install the pair
    /// (hostcert.pem/hostkey.pem, servicecert.pem/servicekey.pem or
    /// usercert.pem/userkey.pem).
    Install(InstallArgs),
    /// Split a PKCS#12 (.p12) file from a CA into usercert.pem and userkey.pem.
    #[command(name = "import-p12")]
    ImportP12(ImportArgs),
    /// Make a PKCS#12 (.p12) file from a certificate, its key and chain.
    #[command(name = "export-p12")]
    ExportP12(ExportArgs),
}

/// Where a passphrase comes from (as `proxy init`).
#[derive(Args, Debug, Clone, Default)]
pub struct PassArgs {
    /// Read the passphrase from this environment variable.
    #[arg(long, group = "pass")]
    pub pass_env: Option<String>,
    /// Read the passphrase, base64-encoded, from this environment variable (as REANA's
    /// `VOMSPROXY_PASS`).
    #[arg(long, group = "pass")]
    pub pass_env_base64: Option<String>,
    /// Read the passphrase from the first line of standard input.
    #[arg(long, group = "pass")]
    pub pass_stdin: bool,
}

impl PassArgs {
    fn given(&self) -> bool {
        self.pass_env.is_some() || self.pass_env_base64.is_some() || self.pass_stdin
    }

    /// Reads the passphrase with `proxy init`'s rules (terminal prompt when no source
    /// is given).
    fn read(&self) -> Result<Passphrase, Error> {
        let args = crate::create::ProxyInitArgs {
            cert: None,
            key: None,
            out: None,
            valid: "12:00".into(),
            bits: 2048,
            ec: false,
            limited: false,
            independent: false,
            old: false,
            path_length: None,
            pass_env: self.pass_env.clone(),
            pass_env_base64: self.pass_env_base64.clone(),
            pass_stdin: self.pass_stdin,
            at: None,
            quiet: true,
        };
        crate::create::passphrase(&args)
    }
}

/// Arguments of `cert request`.
#[derive(Args, Debug)]
pub struct RequestArgs {
    /// Subject, slash form (`/DC=org/DC=example/CN=host.example.org`) or `CN=...`.
    #[arg(long)]
    pub subject: String,
    /// A subjectAltName: DNS name, service-prefixed name (`tw/host.example.org`) or IP
    /// address (repeatable). Default for a host CN: the CN, and for `svc/host` also the
    /// bare host.
    #[arg(long = "san")]
    pub sans: Vec<String>,
    /// RSA key size: 2048 (default), 3072 or 4096.
    #[arg(long, default_value_t = 2048, value_parser = parse_bits)]
    pub bits: u32,
    /// Use an EC P-256 key instead of RSA.
    #[arg(long, conflicts_with = "bits")]
    pub ec: bool,
    /// Where to write the new private key (mode 0400).
    #[arg(long)]
    pub key_out: PathBuf,
    /// Where to write the request (PEM).
    #[arg(long)]
    pub csr_out: PathBuf,
    /// Encrypt the key (PKCS#8, PBES2 AES-256) with a passphrase; implied by a
    /// passphrase source. Without it the key is unencrypted, as a service's host key
    /// must be (`openssl req -nodes`).
    #[arg(long)]
    pub encrypt: bool,
    /// Replace an existing key file.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub pass: PassArgs,
}

/// The kind of credential, as the CLI spells it.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum KindArg {
    /// hostcert.pem / hostkey.pem (certificate 0444, key 0400).
    Host,
    /// servicecert.pem / servicekey.pem (certificate 0440, key 0400).
    Service,
    /// usercert.pem / userkey.pem (certificate 0444, key 0400).
    User,
}

impl From<KindArg> for CredentialKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Host => CredentialKind::Host,
            KindArg::Service => CredentialKind::Service,
            KindArg::User => CredentialKind::User,
        }
    }
}

/// Arguments of `cert install`.
#[derive(Args, Debug)]
pub struct InstallArgs {
    /// The signed certificate from the CA (PEM or DER; intermediates may follow).
    #[arg(long)]
    pub cert: PathBuf,
    /// The private key made with the request.
    #[arg(long)]
    pub key: PathBuf,
    /// The request that was sent to the CA: subject, subjectAltNames and key are checked
    /// against it. Without it only the key match and the chain are checked.
    #[arg(long)]
    pub csr: Option<PathBuf>,
    /// CA directory the chain must reach (e.g. /etc/grid-security/certificates).
    #[arg(long)]
    pub ca_dir: PathBuf,
    /// Destination directory (e.g. /etc/grid-security or ~/.globus).
    #[arg(long)]
    pub dest: PathBuf,
    /// Which pair of files to write.
    #[arg(long, value_enum, default_value = "host")]
    pub kind: KindArg,
    /// Owner of the installed files, `USER:GROUP` (names or numeric ids; root only).
    #[arg(long)]
    pub owner: Option<String>,
    /// Check as if the time were this Unix time (for tests).
    #[arg(long)]
    pub at: Option<i64>,
    #[command(flatten)]
    pub pass: PassArgs,
}

/// Arguments of `cert import-p12`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The PKCS#12 file.
    pub file: PathBuf,
    /// Destination directory (default ~/.globus).
    #[arg(long)]
    pub dest: Option<PathBuf>,
    /// Which pair of files to write (default user).
    #[arg(long, value_enum, default_value = "user")]
    pub kind: KindArg,
    /// Write the key unencrypted (host and service keys). By default userkey.pem is
    /// encrypted with the PKCS#12 passphrase.
    #[arg(long)]
    pub nodes: bool,
    /// Owner of the installed files, `USER:GROUP` (names or numeric ids; root only).
    #[arg(long)]
    pub owner: Option<String>,
    /// Install as if the time were this Unix time (backup names; for tests).
    #[arg(long)]
    pub at: Option<i64>,
    #[command(flatten)]
    pub pass: PassArgs,
}

/// Arguments of `cert export-p12`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The certificate (PEM; intermediates may follow).
    #[arg(long)]
    pub cert: PathBuf,
    /// Its private key (PEM; if encrypted, it is opened with the same passphrase).
    #[arg(long)]
    pub key: PathBuf,
    /// More chain certificates to include (PEM).
    #[arg(long)]
    pub chain: Option<PathBuf>,
    /// The PKCS#12 file to write (mode 0600).
    #[arg(long)]
    pub out: PathBuf,
    /// Friendly name shown by browsers (default: the certificate's CN).
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub pass: PassArgs,
}

/// Runs one of them: exit 0 on success, 1 when a check fails (install), 2 on any other
/// error.
pub fn run(cmd: CertReqCmd) -> ExitCode {
    let result = match cmd {
        CertReqCmd::Request(a) => request(&a),
        CertReqCmd::Install(a) => install(&a),
        CertReqCmd::ImportP12(a) => import_p12(&a),
        CertReqCmd::ExportP12(a) => export_p12(&a),
    };
    match result {
        Ok(()) => ExitCode::from(output::OK),
        Err(Failure::Check(e)) => {
            eprintln!("gridauth: {e}");
            ExitCode::from(output::NO)
        }
        Err(Failure::Usage(e)) => fail(e),
    }
}

/// A negative answer (the certificate does not fit) or a usage/read error.
enum Failure {
    Check(String),
    Usage(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Usage(e.to_string())
    }
}

impl From<String> for Failure {
    fn from(e: String) -> Self {
        Failure::Usage(e)
    }
}

fn request(a: &RequestArgs) -> Result<(), Failure> {
    let subject = Dn::parse(&a.subject)?;
    let sans: Vec<SanName> = if a.sans.is_empty() {
        grid_x509::default_sans_for(&subject)
    } else {
        a.sans
            .iter()
            .map(|s| SanName::parse(s))
            .collect::<Result<_, _>>()?
    };
    if a.key_out.exists() && !a.force {
        return Err(format!(
            "{}: exists; refusing to replace a private key (give --force, or choose another --key-out)",
            a.key_out.display()
        )
        .into());
    }
    let pass = if a.encrypt || a.pass.given() {
        Some(a.pass.read()?)
    } else {
        None
    };
    let key = if a.ec {
        KeySpec::EcP256
    } else {
        KeySpec::Rsa(a.bits)
    };
    let new = CsrBuilder::new(subject.clone())
        .sans(sans.iter().cloned())
        .key(key)
        .build()?;
    new.write_key(&a.key_out, pass.as_ref())?;
    new.write_request(&a.csr_out)?;
    println!("subject          : {}", subject.to_openssl());
    let names: Vec<String> = sans.iter().map(SanName::to_openssl).collect();
    println!(
        "subjectAltName   : {}",
        if names.is_empty() {
            "(none)".to_string()
        } else {
            names.join(", ")
        }
    );
    println!(
        "key              : {} ({})",
        a.key_out.display(),
        new.key.algorithm()
    );
    println!(
        "key encryption   : {}",
        if pass.is_some() {
            "PKCS#8 PBES2 AES-256-CBC"
        } else {
            "none (readable by its owner only, mode 0400)"
        }
    );
    println!("request          : {}", a.csr_out.display());
    Ok(())
}

/// `--bits`: the RSA sizes CAs accept for new certificates.
fn parse_bits(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(b @ (2048 | 3072 | 4096)) => Ok(b),
        _ => Err(format!("{s:?}: give 2048, 3072 or 4096 (or --ec)")),
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    grid_x509::read_limited(path)
}

/// Reads a key, asking for the passphrase only if it is encrypted; `given` is reused.
fn read_key(
    path: &Path,
    pass: &PassArgs,
    given: &mut Option<Passphrase>,
) -> Result<(PrivateKey, zeroize::Zeroizing<Vec<u8>>), Error> {
    // The key file's bytes are wiped when dropped, on every path out.
    let text = zeroize::Zeroizing::new(read_file(path)?);
    let origin = path.display().to_string();
    if given.is_none() && pass.given() {
        *given = Some(pass.read()?);
    }
    let key = match PrivateKey::from_pem(&text, given.as_ref(), &origin) {
        Err(Error::PassphraseRequired { .. }) if given.is_none() => {
            let p = pass.read()?;
            let k = PrivateKey::from_pem(&text, Some(&p), &origin);
            *given = Some(p);
            k
        }
        other => other,
    }?;
    Ok((key, text))
}

fn install(a: &InstallArgs) -> Result<(), Failure> {
    let now = output::now(a.at);
    let cert_text = read_file(&a.cert)?;
    let certs = read_certificates(&cert_text, &a.cert.display().to_string())?;
    let mut given = None;
    let (key, key_pem) = read_key(&a.key, &a.pass, &mut given)?;
    let request = a
        .csr
        .as_ref()
        .map(CertificateRequest::read_file)
        .transpose()?;
    let store = CaStore::from_dir(&a.ca_dir)?;
    let owner = a
        .owner
        .as_deref()
        .map(grid_x509::resolve_owner)
        .transpose()?;
    let opts = InstallOptions {
        kind: a.kind.into(),
        dest: a.dest.clone(),
        owner,
    };
    let checked = grid_x509::check_for_install(
        &certs,
        &key,
        request.as_ref(),
        &store,
        &ValidationPolicy::grid(),
        now,
    )
    .map_err(|e| match e {
        Error::Io { .. } | Error::TooLarge { .. } => Failure::Usage(e.to_string()),
        other => Failure::Check(other.to_string()),
    })?;
    let placed = grid_x509::place_pair(&opts, checked.cert_pem().as_bytes(), &key_pem, now)?;
    drop(key_pem);
    println!(
        "subject          : {}",
        checked.leaf().subject().to_openssl()
    );
    println!("issuer chain     : verified against {}", a.ca_dir.display());
    println!("key              : matches the certificate");
    if request.is_some() {
        println!(
            "request          : subject and subjectAltNames match {}",
            a.csr.as_deref().unwrap_or(Path::new("")).display()
        );
    } else {
        println!(
            "request          : not checked (no --csr given): only the key match and the chain were checked"
        );
    }
    for w in checked.warnings().iter().chain(placed.warnings.iter()) {
        println!("warning          : {w}");
    }
    print_placed(&placed);
    Ok(())
}

fn print_placed(placed: &grid_x509::Placed) {
    println!("certificate      : {}", placed.cert_path.display());
    println!("private key      : {}", placed.key_path.display());
    for b in &placed.backups {
        println!("backup           : {}", b.display());
    }
}

fn home_globus() -> PathBuf {
    let home = std::env::var_os("HOME").unwrap_or_default();
    Path::new(&home).join(".globus")
}

fn import_p12(a: &ImportArgs) -> Result<(), Failure> {
    let now = output::now(a.at);
    let data = read_file(&a.file)?;
    let pass = a.pass.read()?;
    let p12 = Pkcs12Contents::from_der(&data, &pass, &a.file.display().to_string())?;
    let owner = a
        .owner
        .as_deref()
        .map(grid_x509::resolve_owner)
        .transpose()?;
    let opts = InstallOptions {
        kind: a.kind.into(),
        dest: a.dest.clone().unwrap_or_else(home_globus),
        owner,
    };
    let placed = if a.nodes {
        grid_x509::place_pair(
            &opts,
            p12.cert_pem().as_bytes(),
            p12.key.to_pem().as_bytes(),
            now,
        )?
    } else {
        // Encrypted: what is written holds no key material in the clear.
        let encrypted = p12.key.to_encrypted_pkcs8_pem(&pass)?;
        grid_x509::place_pair(&opts, p12.cert_pem().as_bytes(), encrypted.as_bytes(), now)?
    };
    println!("subject          : {}", p12.cert.subject().to_openssl());
    println!("issuer           : {}", p12.cert.issuer().to_openssl());
    println!(
        "key encryption   : {}",
        if a.nodes {
            "none (--nodes)"
        } else {
            "PKCS#8 PBES2 AES-256-CBC, with the PKCS#12 passphrase"
        }
    );
    print_placed(&placed);
    Ok(())
}

fn export_p12(a: &ExportArgs) -> Result<(), Failure> {
    let cert_text = read_file(&a.cert)?;
    let mut certs = read_certificates(&cert_text, &a.cert.display().to_string())?;
    if let Some(chain) = &a.chain {
        let text = read_file(chain)?;
        certs.extend(read_certificates(&text, &chain.display().to_string())?);
    }
    let mut given = None;
    let (key, _) = read_key(&a.key, &a.pass, &mut given)?;
    let pass = match given {
        Some(p) => p,
        None => a.pass.read()?,
    };
    let contents = Pkcs12Contents::from_parts(certs, key)?;
    let name = a
        .name
        .clone()
        .or_else(|| contents.cert.subject().last_cn().map(str::to_string));
    let der = contents.to_der(&pass, name.as_deref())?;
    grid_x509::write_atomic(&a.out, &der, 0o600)?;
    println!(
        "subject          : {}",
        contents.cert.subject().to_openssl()
    );
    println!("chain            : {} certificate(s)", contents.chain.len());
    println!("written          : {} (mode 0600)", a.out.display());
    Ok(())
}
