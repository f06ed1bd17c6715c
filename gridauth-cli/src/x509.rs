//! `proxy info|verify`, `cert info|hash`, `dn parse`, `audit`.

use crate::output::{self, NO, OK, fail, print_json};
use clap::{Args, Subcommand, ValueEnum};
use grid_x509::{
    CaStore, CertKind, Certificate, Credential, Dn, Error, ValidationPolicy, format_hms,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `gridauth proxy ...`
#[derive(Subcommand)]
pub enum ProxyCmd {
    /// Show a proxy (or any credential file) in the layout of grid-proxy-info, with its
    /// VOMS ACs in the layout of voms-proxy-info -all; voms-proxy-info style queries
    /// (--fqan, --vo, --acissuer, --actimeleft, --acexists VO, --exists ...).
    Info(crate::voms::InfoArgs),
    /// Validate a proxy chain against a CA directory (exit 0 valid, 1 invalid, 2 error).
    Verify(ProxyVerifyArgs),
    /// Create a proxy from a certificate and key (like grid-proxy-init).
    Init(crate::create::ProxyInitArgs),
}

/// Arguments of `proxy verify`.
#[derive(Args)]
pub struct ProxyVerifyArgs {
    /// Proxy file (default: $X509_USER_PROXY, else /tmp/x509up_u<uid>).
    #[arg(long, short = 'f')]
    pub file: Option<PathBuf>,
    /// CA directory with <hash>.0 certificates and <hash>.r0 CRLs.
    #[arg(long, value_name = "DIR", env = "X509_CERT_DIR")]
    pub ca_dir: PathBuf,
    /// Validate at this Unix time instead of now.
    #[arg(long, value_name = "UNIX")]
    pub at: Option<i64>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Strict policy: RFC 3820 proxies only, SHA-2, RSA >= 2048 bits, current CRLs.
    #[arg(long)]
    pub strict: bool,
    /// Also verify the VOMS ACs against this vomsdir (<vo>/<host>.lsc or PEM files).
    #[arg(long, value_name = "DIR")]
    pub vomsdir: Option<PathBuf>,
}

/// `gridauth cert ...`
#[derive(Subcommand)]
pub enum CertCmd {
    /// Show every certificate in a PEM or DER file.
    Info {
        /// The certificate file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the subject hash, as `openssl x509 -subject_hash` (or `-subject_hash_old`).
    Hash {
        /// Print the old (MD5) hash.
        #[arg(long)]
        old: bool,
        /// The certificate file.
        file: PathBuf,
    },
    /// Requests, installation and PKCS#12.
    #[command(flatten)]
    Lifecycle(crate::certreq::CertReqCmd),
}

/// `gridauth dn ...`
#[derive(Subcommand)]
pub enum DnCmd {
    /// Parse a DN in slash form (escaped or not) or RFC 2253 and print both forms.
    Parse {
        /// The DN.
        dn: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The role a file plays, for `audit`.
#[derive(Clone, Copy, ValueEnum)]
pub enum Role {
    /// A private key (0400 or 0600).
    Key,
    /// A certificate (0444, 0440 or 0644).
    Cert,
    /// A proxy (0600, owned by the user).
    Proxy,
    /// A credential directory (0700).
    Dir,
}

/// `gridauth audit PATH --role ROLE`
#[derive(Args)]
pub struct AuditArgs {
    /// The file or directory.
    pub path: PathBuf,
    /// What the path holds.
    #[arg(long, value_enum)]
    pub role: Role,
    /// Expected owner uid (default: the current user).
    #[arg(long)]
    pub owner: Option<u32>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The default proxy location: `$X509_USER_PROXY`, else `/tmp/x509up_u<uid>`.
pub fn default_proxy_path() -> PathBuf {
    grid_x509::default_proxy_path()
}

/// Reads a credential for inspection: the key is not needed, so an encrypted key is
/// not decrypted.
pub fn read_for_info(path: &Path) -> Result<Credential, Error> {
    Credential::read_file_public(path)
}

pub fn run_proxy(cmd: ProxyCmd) -> ExitCode {
    match cmd {
        ProxyCmd::Info(a) => proxy_info(a),
        ProxyCmd::Verify(a) => proxy_verify(a),
        ProxyCmd::Init(a) => crate::create::run_proxy_init(a),
    }
}

fn hex8(h: u32) -> String {
    format!("{h:08x}")
}

/// The JSON description of one certificate (used in `chain` and `cert info`).
pub fn cert_json(c: &Certificate) -> Value {
    json!({
        "subject": c.subject().to_openssl(),
        "issuer": c.issuer().to_openssl(),
        "serial": c.serial_hex(),
        "not_before": c.not_before().secs(),
        "not_after": c.not_after().secs(),
        "key_type": c.public_key().key_type().as_str(),
        "key_bits": c.public_key().bits(),
        "signature_algorithm": c.signature_algorithm().name(),
        "subject_hash": hex8(c.subject_hash()),
        "type": CertKind::of(c).json_name(),
    })
}

fn proxy_info(a: crate::voms::InfoArgs) -> ExitCode {
    // voms-proxy-info style queries answer on their own.
    let query = a.fqan
        || a.vo
        || a.acsubject
        || a.acissuer
        || a.actimeleft
        || a.serial
        || a.uri
        || a.acexists.is_some()
        || a.exists;
    if query {
        return crate::voms::info(a);
    }
    let path = a.file.clone().unwrap_or_else(default_proxy_path);
    let cred = match read_for_info(&path) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let now = output::now(a.at);
    let vomsdir = a
        .vomsdir
        .clone()
        .or_else(|| std::env::var_os("X509_VOMS_DIR").map(PathBuf::from));
    let certs = cred.certs();
    let Some(leaf) = certs.first() else {
        return fail(format!("{}: no certificate", path.display()));
    };
    let kind = CertKind::of(leaf);
    let identity = grid_x509::globus_identity(certs).unwrap_or_else(|| leaf.subject().clone());
    let chain_not_after = certs
        .iter()
        .map(Certificate::not_after)
        .min()
        .unwrap_or(leaf.not_after());
    let timeleft = now.seconds_until(chain_not_after).max(0);
    let pci = leaf.extensions().proxy_cert_info.as_ref();
    if a.json {
        let v = json!({
            "path": path.display().to_string(),
            "subject": leaf.subject().to_openssl(),
            "issuer": leaf.issuer().to_openssl(),
            "identity": identity.to_openssl(),
            "end_entity": cred.end_entity_subject().map(Dn::to_openssl),
            "type": kind.json_name(),
            "limited": certs.iter().any(|c| CertKind::of(c).is_limited()),
            "policy_language": pci.map(|p| p.policy_language.to_string()),
            "path_length": pci.and_then(|p| p.path_len),
            "key_type": leaf.public_key().key_type().as_str(),
            "key_bits": leaf.public_key().bits(),
            "not_before": leaf.not_before().secs(),
            "not_after": leaf.not_after().secs(),
            "chain_not_after": chain_not_after.secs(),
            "timeleft": timeleft,
            "at": now.secs(),
            "chain": certs.iter().map(cert_json).collect::<Vec<_>>(),
            "voms": crate::voms::voms_json(certs, vomsdir.as_deref(), a.ca_dir.as_deref(), now),
        });
        return print_json(&v, OK);
    }
    println!("subject  : {}", leaf.subject());
    println!("issuer   : {}", leaf.issuer());
    println!("identity : {identity}");
    println!("type     : {}", kind.globus_name());
    println!("strength : {} bits", leaf.public_key().bits());
    println!("path     : {}", path.display());
    println!("timeleft : {}", globus_timeleft(timeleft));
    print!(
        "{}",
        crate::voms::voms_human(certs, vomsdir.as_deref(), a.ca_dir.as_deref(), now)
    );
    ExitCode::from(OK)
}

/// `grid-proxy-info`'s timeleft text: `H:MM:SS`, and above one day `  (N.N days)` where
/// the days are whole hours / 24 in single precision, as Globus computes them.
fn globus_timeleft(secs: i64) -> String {
    if secs > 86_400 {
        #[allow(clippy::cast_precision_loss)]
        let days = (secs / 3600) as f32 / 24.0;
        format!("{}  ({days:.1} days)", format_hms(secs))
    } else {
        format_hms(secs)
    }
}

fn policy(strict: bool) -> ValidationPolicy {
    if strict {
        ValidationPolicy::strict()
    } else {
        ValidationPolicy::grid()
    }
}

fn proxy_verify(a: ProxyVerifyArgs) -> ExitCode {
    let path = a.file.unwrap_or_else(default_proxy_path);
    let cred = match read_for_info(&path) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let store = match CaStore::from_dir(&a.ca_dir) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let now = output::now(a.at);
    let policy = policy(a.strict);
    let result = grid_x509::verify_chain(cred.certs(), &store, &policy, now);
    let mut voms_acs = None;
    if let (Ok(_), Some(vomsdir)) = (&result, &a.vomsdir) {
        match crate::voms::voms_verify(cred.certs(), vomsdir, Some(&a.ca_dir), now) {
            Ok(n) => voms_acs = Some(n),
            Err(e) => {
                if a.json {
                    return print_json(
                        &json!({
                            "valid": false,
                            "path": path.display().to_string(),
                            "policy": policy.name,
                            "error": e.code(),
                            "certificate": Value::Null,
                            "voms": false,
                            "message": e.to_string(),
                            "at": now.secs(),
                        }),
                        NO,
                    );
                }
                println!("{}: VOMS verification failed: {e}", path.display());
                return ExitCode::from(NO);
            }
        }
    }
    match result {
        Ok(v) => {
            if a.json {
                return print_json(
                    &json!({
                        "valid": true,
                        "path": path.display().to_string(),
                        "policy": policy.name,
                        "identity": v.identity().to_openssl(),
                        "globus_identity": v.globus_identity().to_openssl(),
                        "type": CertKind::of(v.leaf()).json_name(),
                        "proxy_depth": v.proxy_depth(),
                        "limited": v.is_limited(),
                        "chain_not_after": v.not_after().secs(),
                        "timeleft": v.time_left(now),
                        "at": now.secs(),
                        "trust_anchor": v.path().last().map(|c| c.subject().to_openssl()),
                        "voms_acs": voms_acs,
                    }),
                    OK,
                );
            }
            println!("{}: OK", path.display());
            println!("identity : {}", v.identity());
            println!("type     : {}", CertKind::of(v.leaf()).globus_name());
            println!("timeleft : {}", globus_timeleft(v.time_left(now)));
            ExitCode::from(OK)
        }
        Err(e) => {
            if a.json {
                return print_json(
                    &json!({
                        "valid": false,
                        "path": path.display().to_string(),
                        "policy": policy.name,
                        "error": e.code(),
                        "certificate": e.certificate_index(),
                        "message": e.to_string(),
                        "at": now.secs(),
                    }),
                    NO,
                );
            }
            println!("{}: verification failed: {e}", path.display());
            ExitCode::from(NO)
        }
    }
}

pub fn run_cert(cmd: CertCmd) -> ExitCode {
    match cmd {
        CertCmd::Info { file, json } => cert_info(&file, json),
        CertCmd::Lifecycle(cmd) => crate::certreq::run(cmd),
        CertCmd::Hash { old, file } => {
            let certs = match read_for_info(&file) {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            let Some(c) = certs.leaf() else {
                return fail(format!("{}: no certificate", file.display()));
            };
            let h = if old {
                c.subject_hash_old()
            } else {
                c.subject_hash()
            };
            println!("{}", hex8(h));
            ExitCode::from(OK)
        }
    }
}

fn cert_json_full(c: &Certificate) -> Value {
    let mut v = cert_json(c);
    let ext = c.extensions();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("serial_decimal".into(), json!(c.serial_decimal()));
        obj.insert("subject_rfc2253".into(), json!(c.subject().to_rfc2253()));
        obj.insert("issuer_rfc2253".into(), json!(c.issuer().to_rfc2253()));
        obj.insert("subject_hash_old".into(), json!(hex8(c.subject_hash_old())));
        obj.insert("subject_alt_names".into(), json!(ext.subject_alt_names));
        obj.insert("key_usage".into(), json!(ext.key_usage.map(|k| k.names())));
        obj.insert(
            "extended_key_usage".into(),
            json!(
                ext.ext_key_usage
                    .as_ref()
                    .map(|v| v.iter().map(eku_name).collect::<Vec<_>>())
            ),
        );
        obj.insert(
            "basic_constraints".into(),
            json!(
                ext.basic_constraints
                    .map(|b| json!({"ca": b.ca, "path_length": b.path_len}))
            ),
        );
    }
    v
}

fn eku_name(o: &grid_x509::oid::Oid) -> String {
    match o.to_string().as_str() {
        "1.3.6.1.5.5.7.3.1" => "TLS Web Server Authentication".into(),
        "1.3.6.1.5.5.7.3.2" => "TLS Web Client Authentication".into(),
        "1.3.6.1.5.5.7.3.3" => "Code Signing".into(),
        "1.3.6.1.5.5.7.3.4" => "E-mail Protection".into(),
        "1.3.6.1.5.5.7.3.8" => "Time Stamping".into(),
        "1.3.6.1.5.5.7.3.9" => "OCSP Signing".into(),
        other => other.to_string(),
    }
}

fn cert_info(file: &Path, as_json: bool) -> ExitCode {
    let data = match std::fs::read(file) {
        Ok(d) => d,
        Err(e) => return fail(format!("{}: {e}", file.display())),
    };
    let certs = match grid_x509::read_certificates(&data, &file.display().to_string()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if as_json {
        return print_json(
            &json!({"file": file.display().to_string(),
                    "certificates": certs.iter().map(cert_json_full).collect::<Vec<_>>()}),
            OK,
        );
    }
    for (i, c) in certs.iter().enumerate() {
        if i > 0 {
            println!();
        }
        let ext = c.extensions();
        println!("certificate #{i}");
        println!("  subject     : {}", c.subject());
        println!("  issuer      : {}", c.issuer());
        println!("  serial      : {}", c.serial_hex());
        println!("  not before  : {}", c.not_before().to_openssl_string());
        println!("  not after   : {}", c.not_after().to_openssl_string());
        println!(
            "  key         : {} {} bits",
            c.public_key().key_type().as_str(),
            c.public_key().bits()
        );
        println!("  signature   : {}", c.signature_algorithm().name());
        println!("  type        : {}", CertKind::of(c).json_name());
        println!(
            "  hash        : {} (old {})",
            hex8(c.subject_hash()),
            hex8(c.subject_hash_old())
        );
        if let Some(b) = ext.basic_constraints {
            match b.path_len {
                Some(p) => println!("  basic       : CA:{} pathlen:{p}", b.ca),
                None => println!("  basic       : CA:{}", b.ca),
            }
        }
        if let Some(k) = ext.key_usage {
            println!("  key usage   : {}", k.names().join(", "));
        }
        if let Some(e) = &ext.ext_key_usage {
            let names: Vec<String> = e.iter().map(eku_name).collect();
            println!("  ext usage   : {}", names.join(", "));
        }
        if !ext.subject_alt_names.is_empty() {
            println!("  alt names   : {}", ext.subject_alt_names.join(", "));
        }
    }
    ExitCode::from(OK)
}

pub fn run_dn(cmd: DnCmd) -> ExitCode {
    match cmd {
        DnCmd::Parse { dn, json } => {
            let parsed = match Dn::parse(&dn) {
                Ok(d) => d,
                Err(e) => return fail(e),
            };
            if json {
                let rdns: Vec<Value> = parsed
                    .rdns()
                    .iter()
                    .map(|r| {
                        Value::Array(
                            r.avas()
                                .iter()
                                .map(|a| {
                                    json!({
                                        "type": a.keyword().map_or_else(|| a.oid().to_string(), str::to_string),
                                        "oid": a.oid().to_string(),
                                        "value": a.value(),
                                    })
                                })
                                .collect(),
                        )
                    })
                    .collect();
                return print_json(
                    &json!({
                        "openssl": parsed.to_openssl(),
                        "rfc2253": parsed.to_rfc2253(),
                        "rdns": rdns,
                        "subject_hash": hex8(parsed.subject_hash()),
                        "subject_hash_old": hex8(parsed.subject_hash_old()),
                    }),
                    OK,
                );
            }
            println!("{}", parsed.to_openssl());
            println!("{}", parsed.to_rfc2253());
            ExitCode::from(OK)
        }
    }
}

pub fn run_audit(a: AuditArgs) -> ExitCode {
    let role = match a.role {
        Role::Key => grid_x509::FileRole::PrivateKey,
        Role::Cert => grid_x509::FileRole::Certificate,
        Role::Proxy => grid_x509::FileRole::Proxy,
        Role::Dir => grid_x509::FileRole::CredentialDir,
    };
    let report = match grid_x509::audit_path(&a.path, role, a.owner) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let code = if report.ok() { OK } else { NO };
    if a.json {
        let findings: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                json!({"rule": f.rule, "severity": format!("{:?}", f.severity).to_lowercase(),
                       "message": f.message, "path": f.path})
            })
            .collect();
        return print_json(
            &json!({
                "path": report.path,
                "mode": format!("{:04o}", report.mode),
                "uid": report.uid,
                "gid": report.gid,
                "ok": report.ok(),
                "findings": findings,
            }),
            code,
        );
    }
    if report.findings.is_empty() {
        println!(
            "{}: OK (mode {:04o}, uid {})",
            report.path, report.mode, report.uid
        );
    }
    for f in &report.findings {
        println!("{}: {:?}: {} [{}]", f.path, f.severity, f.message, f.rule);
    }
    ExitCode::from(code)
}
