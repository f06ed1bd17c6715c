//! `gridauth voms ...`: VOMS attribute certificates in proxies (inspect, verify, mint),
//! `vomses` files and FQANs; and the AC section helpers used by `proxy info|verify`.

use crate::output::{self, NO, OK, USAGE, fail, print_json};
use clap::{Args, Subcommand};
use grid_x509::{CertKind, Certificate, Credential, UnixTime};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use voms_proxy::{
    AttributeCertificate, Error as VomsError, Fqan, VerifiedAc, VerifyPolicy, VomsTrust,
    ac_section, end_entity, format_hms_colon, read_acs, verify_ac,
};

/// `gridauth voms ...`
#[derive(Subcommand)]
pub enum VomsCmd {
    /// Show the VOMS ACs of a proxy in the layout of `voms-proxy-info -all`, with the
    /// verdict of each AC when --vomsdir is given; or answer one question
    /// (--fqan, --vo, --acissuer, --actimeleft, --acexists VO, --exists ...).
    Info(InfoArgs),
    /// Mint a VOMS AC with a VOMS server credential and a level-one proxy that embeds it
    /// (like `voms-proxy-fake`).
    Fake(FakeArgs),
    /// Read `vomses` files (default: $VOMS_USERCONF, else /etc/vomses and ~/.glite/vomses).
    Vomses(VomsesArgs),
    /// Parse an FQAN and print its long and short forms.
    Fqan(FqanArgs),
}

/// Arguments of `voms info`.
#[derive(Args)]
pub struct InfoArgs {
    /// Proxy file (default: $X509_USER_PROXY, else /tmp/x509up_u<uid>).
    #[arg(long, short = 'f')]
    pub file: Option<PathBuf>,
    /// vomsdir with <vo>/<host>.lsc or PEM files; verifies the ACs (default: $X509_VOMS_DIR
    /// when set; no verification otherwise).
    #[arg(long, value_name = "DIR")]
    pub vomsdir: Option<PathBuf>,
    /// CA directory for the VOMS servers' chains (default: $X509_CERT_DIR, else
    /// /etc/grid-security/certificates).
    #[arg(long, value_name = "DIR")]
    pub ca_dir: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Evaluate at this Unix time instead of now.
    #[arg(long, value_name = "UNIX")]
    pub at: Option<i64>,
    /// Accept what the VOMS C++ API accepts: SHA-1, 1024-bit RSA, ECDSA under an RSA
    /// label, 5 minutes of clock skew.
    #[arg(long)]
    pub voms_compatible: bool,
    /// This service's name, matched against targeted ACs.
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// Print the FQANs, one per line.
    #[arg(long)]
    pub fqan: bool,
    /// Print the VO of each AC.
    #[arg(long)]
    pub vo: bool,
    /// Print the AC holder of each AC.
    #[arg(long)]
    pub acsubject: bool,
    /// Print the issuer (VOMS server) of each AC.
    #[arg(long)]
    pub acissuer: bool,
    /// Print the seconds left of each AC.
    #[arg(long)]
    pub actimeleft: bool,
    /// Print the serial number of each AC.
    #[arg(long)]
    pub serial: bool,
    /// Print the VOMS server URI of each AC.
    #[arg(long)]
    pub uri: bool,
    /// Exit 0 when an AC of this VO exists (and, with --vomsdir, verifies), else 1.
    #[arg(long, value_name = "VO")]
    pub acexists: Option<String>,
    /// Exit 0 when the proxy exists and is valid (see --valid, --hours, --bits), else 1.
    #[arg(long)]
    pub exists: bool,
    /// With --exists: still valid for HH:MM.
    #[arg(long, value_name = "HH:MM", requires = "exists")]
    pub valid: Option<String>,
    /// With --exists: still valid for H hours.
    #[arg(long, value_name = "H", requires = "exists")]
    pub hours: Option<i64>,
    /// With --exists: key of at least B bits.
    #[arg(long, value_name = "B", requires = "exists")]
    pub bits: Option<u32>,
}

/// Arguments of `voms fake`.
#[derive(Args)]
pub struct FakeArgs {
    /// Holder certificate (PEM; a proxy file also works: its chain and key are used).
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// Holder private key (PEM, unencrypted). Default: the --cert file.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// VOMS server certificate (PEM; further certificates are embedded too).
    #[arg(long, value_name = "FILE")]
    pub hostcert: PathBuf,
    /// VOMS server private key (PEM, unencrypted).
    #[arg(long, value_name = "FILE")]
    pub hostkey: PathBuf,
    /// VO name.
    #[arg(long)]
    pub voms: String,
    /// VOMS server host:port.
    #[arg(long)]
    pub uri: String,
    /// FQAN (repeatable; the first is primary). Default: /<vo>.
    #[arg(long)]
    pub fqan: Vec<String>,
    /// Generic attribute `name=value` or `name=value (qualifier)` (repeatable).
    #[arg(long)]
    pub ga: Vec<String>,
    /// Target URI or host name (repeatable).
    #[arg(long)]
    pub target: Vec<String>,
    /// AC lifetime in hours.
    #[arg(long, default_value_t = 12)]
    pub vomslife: i64,
    /// Proxy lifetime in hours.
    #[arg(long, default_value_t = 12)]
    pub hours: i64,
    /// Name the holder by its issuer (RFC 3281) instead of its subject (VOMS default).
    #[arg(long)]
    pub rfc_holder: bool,
    /// Output proxy file (default: $X509_USER_PROXY, else /tmp/x509up_u<uid>).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Start of validity (Unix time) instead of now.
    #[arg(long, value_name = "UNIX")]
    pub at: Option<i64>,
}

/// Arguments of `voms vomses`.
#[derive(Args)]
pub struct VomsesArgs {
    /// Files or directories (default: the standard places).
    pub paths: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `voms fqan`.
#[derive(Args)]
pub struct FqanArgs {
    /// The FQAN.
    pub fqan: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs a subcommand.
pub fn run(cmd: VomsCmd) -> ExitCode {
    match cmd {
        VomsCmd::Info(a) => info(a),
        VomsCmd::Fake(a) => fake(a),
        VomsCmd::Vomses(a) => vomses(a),
        VomsCmd::Fqan(a) => fqan(a),
    }
}

// ----- helpers for `proxy info` / `proxy verify` ----------------------------------------

fn default_ca_dir() -> PathBuf {
    std::env::var_os("X509_CERT_DIR").map_or_else(
        || PathBuf::from("/etc/grid-security/certificates"),
        PathBuf::from,
    )
}

/// The ACs of a chain with their verdicts (`None` when no vomsdir was given).
struct Report {
    acs: Vec<(AttributeCertificate, Option<Result<VerifiedAc, VomsError>>)>,
}

fn report(
    certs: &[Certificate],
    vomsdir: Option<&Path>,
    ca_dir: Option<&Path>,
    policy: &VerifyPolicy,
    now: UnixTime,
) -> Result<Report, VomsError> {
    let Some(found) = read_acs(certs)? else {
        return Ok(Report { acs: Vec::new() });
    };
    let Some(vomsdir) = vomsdir else {
        return Ok(Report {
            acs: found.acs.into_iter().map(|a| (a, None)).collect(),
        });
    };
    let ca_dir = ca_dir.map_or_else(default_ca_dir, Path::to_path_buf);
    let trust = VomsTrust::load(vomsdir, &ca_dir);
    let ee = end_entity(certs);
    let acs = found
        .acs
        .into_iter()
        .map(|ac| {
            let verdict = match (&trust, ee) {
                (Err(e), _) => Err(e.clone()),
                (_, None) => Err(VomsError::NoEndEntity),
                (Ok(t), Some(ee)) => verify_ac(&ac, ee, t, policy, now),
            };
            (ac, Some(verdict))
        })
        .collect();
    Ok(Report { acs })
}

fn error_json(e: &VomsError) -> Value {
    json!({ "code": e.code(), "message": e.to_string() })
}

fn ac_json(ac: &AttributeCertificate, verdict: Option<&Result<VerifiedAc, VomsError>>) -> Value {
    let issuer_ca = match verdict {
        Some(Ok(v)) => v.issuer_ca().map(str::to_string),
        _ => ac.certs().first().map(|c| c.issuer().to_string()),
    };
    let mut v = json!({
        "vo": ac.vo(),
        "fqans": ac.fqans().iter().map(Fqan::as_str).collect::<Vec<_>>(),
        "holder": ac.holder().name(),
        "issuer": ac.issuer().to_openssl(),
        "issuer_ca": issuer_ca,
        "uri": ac.uri(),
        "serial": ac.serial_hex(),
        "not_before": ac.not_before().secs(),
        "not_after": ac.not_after().secs(),
        "attributes": ac.attributes().iter().map(|a| json!({
            "name": a.name, "value": a.value, "qualifier": a.qualifier, "grantor": a.grantor,
        })).collect::<Vec<_>>(),
        "targets": ac.targets(),
    });
    if let (Some(verdict), Some(obj)) = (verdict, v.as_object_mut()) {
        obj.insert("verified".into(), Value::Bool(verdict.is_ok()));
        obj.insert(
            "error".into(),
            verdict.as_ref().err().map_or(Value::Null, error_json),
        );
    }
    v
}

/// The `voms` array for `proxy info --json`: one object per AC (`vo`, `fqans` as stored,
/// `holder`, `issuer`, `issuer_ca`, `uri`, `serial` hex, `not_before`/`not_after` Unix
/// seconds, `attributes`, `targets`, and with a vomsdir `verified` and `error`). When the
/// ACs cannot be decoded, the array holds one object `{"error": {code, message}}`.
pub fn voms_json(
    certs: &[Certificate],
    vomsdir: Option<&Path>,
    ca_dir: Option<&Path>,
    now: UnixTime,
) -> Value {
    match report(certs, vomsdir, ca_dir, &VerifyPolicy::strict(), now) {
        Ok(r) => Value::Array(r.acs.iter().map(|(a, v)| ac_json(a, v.as_ref())).collect()),
        Err(e) => json!([{ "error": error_json(&e) }]),
    }
}

/// The AC sections for `proxy info` in the layout of `voms-proxy-info -all`, each with a
/// `verified` line when a vomsdir is given. Empty when the proxy carries no AC.
pub fn voms_human(
    certs: &[Certificate],
    vomsdir: Option<&Path>,
    ca_dir: Option<&Path>,
    now: UnixTime,
) -> String {
    match report(certs, vomsdir, ca_dir, &VerifyPolicy::strict(), now) {
        Ok(r) => r
            .acs
            .iter()
            .map(|(a, v)| ac_section(a, v.as_ref(), now))
            .collect(),
        Err(e) => format!("=== VOMS extension ===\nerror     : {e}\n"),
    }
}

/// For `proxy verify --vomsdir`: `Ok(n)` when all `n` ACs verify, else the first error.
pub fn voms_verify(
    certs: &[Certificate],
    vomsdir: &Path,
    ca_dir: Option<&Path>,
    now: UnixTime,
) -> Result<usize, VomsError> {
    let r = report(certs, Some(vomsdir), ca_dir, &VerifyPolicy::strict(), now)?;
    let n = r.acs.len();
    for (_, v) in r.acs {
        if let Some(Err(e)) = v {
            return Err(e);
        }
    }
    Ok(n)
}

// ----- voms info -------------------------------------------------------------------------

fn parse_hhmm(s: &str) -> Option<i64> {
    let (h, m) = s.split_once(':')?;
    let h: i64 = h.parse().ok()?;
    let m: i64 = m.parse().ok()?;
    (h >= 0 && (0..60).contains(&m)).then(|| h * 3600 + m * 60)
}

pub fn info(a: InfoArgs) -> ExitCode {
    let path = a.file.clone().unwrap_or_else(grid_x509::default_proxy_path);
    let now = output::now(a.at);
    let cred = match Credential::read_file_public(&path) {
        Ok(c) => c,
        Err(e) => {
            // --exists answers "no" for a missing or unreadable proxy.
            return if a.exists {
                ExitCode::from(NO)
            } else {
                fail(e)
            };
        }
    };
    let certs = cred.certs();
    let Some(leaf) = certs.first() else {
        return fail(format!("{}: no certificate", path.display()));
    };
    let chain_not_after = certs
        .iter()
        .map(Certificate::not_after)
        .min()
        .unwrap_or(leaf.not_after());
    let timeleft = now.seconds_until(chain_not_after);

    if a.exists {
        let mut need = 0i64;
        if let Some(v) = &a.valid {
            match parse_hhmm(v) {
                Some(s) => need = need.max(s),
                None => return fail(format!("--valid '{v}': expected HH:MM")),
            }
        }
        if let Some(h) = a.hours {
            need = need.max(h.saturating_mul(3600));
        }
        let bits_ok = a.bits.is_none_or(|b| leaf.public_key().bits() >= b);
        let ok = now >= leaf.not_before() && timeleft > 0 && timeleft >= need && bits_ok;
        return ExitCode::from(if ok { OK } else { NO });
    }

    let mut policy = if a.voms_compatible {
        VerifyPolicy::voms_compatible()
    } else {
        VerifyPolicy::strict()
    };
    if let Some(t) = &a.target {
        policy = policy.with_target(t.clone());
    }
    let vomsdir = a
        .vomsdir
        .clone()
        .or_else(|| std::env::var_os("X509_VOMS_DIR").map(PathBuf::from));
    let r = match report(certs, vomsdir.as_deref(), a.ca_dir.as_deref(), &policy, now) {
        Ok(r) => r,
        Err(e) => {
            if a.json {
                return print_json(
                    &json!({ "path": path.display().to_string(), "voms": [ { "error": error_json(&e) } ] }),
                    NO,
                );
            }
            return fail(format!("{}: {e}", path.display()));
        }
    };
    let ok_verdict =
        |v: &Option<Result<VerifiedAc, VomsError>>| v.as_ref().is_none_or(Result::is_ok);

    if let Some(vo) = &a.acexists {
        let found = r
            .acs
            .iter()
            .any(|(ac, v)| ac.vo() == vo && ok_verdict(v) && now.seconds_until(ac.not_after()) > 0);
        return ExitCode::from(if found { OK } else { NO });
    }
    let all_ok = r.acs.iter().all(|(_, v)| ok_verdict(v));
    let code = if all_ok { OK } else { NO };

    if a.json {
        let v = json!({
            "path": path.display().to_string(),
            "at": now.secs(),
            "voms": r.acs.iter().map(|(ac, v)| ac_json(ac, v.as_ref())).collect::<Vec<_>>(),
        });
        return print_json(&v, code);
    }

    let single = a.fqan || a.vo || a.acsubject || a.acissuer || a.actimeleft || a.serial || a.uri;
    if single {
        if r.acs.is_empty() {
            eprintln!("gridauth: {}: no VOMS extension", path.display());
            return ExitCode::from(NO);
        }
        for (ac, _) in &r.acs {
            if a.vo {
                println!("{}", ac.vo());
            }
            if a.acsubject {
                println!("{}", ac.holder().name());
            }
            if a.acissuer {
                println!("{}", ac.issuer());
            }
            if a.uri {
                println!("{}", ac.uri());
            }
            if a.fqan {
                for f in ac.fqans() {
                    println!("{f}");
                }
            }
            if a.actimeleft {
                println!("{}", now.seconds_until(ac.not_after()).max(0));
            }
            if a.serial {
                println!("{}", ac.serial_hex());
            }
        }
        return ExitCode::from(code);
    }

    // -all layout: the proxy, then one section per AC.
    let identity = grid_x509::globus_identity(certs).unwrap_or_else(|| leaf.subject().clone());
    println!("subject   : {}", leaf.subject());
    println!("issuer    : {}", leaf.issuer());
    println!("identity  : {identity}");
    println!("type      : {}", CertKind::of(leaf).globus_name());
    println!("strength  : {} bits", leaf.public_key().bits());
    println!("path      : {}", path.display());
    println!("timeleft  : {}", format_hms_colon(timeleft));
    for (ac, v) in &r.acs {
        print!("{}", ac_section(ac, v.as_ref(), now));
    }
    ExitCode::from(code)
}

// ----- voms fake -------------------------------------------------------------------------

fn parse_ga(s: &str, vo: &str) -> Option<(String, String, String)> {
    let (name, rest) = s.split_once('=')?;
    let rest = rest.trim();
    let (value, qualifier) = match rest.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
        Some((v, q)) => (v.trim_end().to_string(), q.to_string()),
        None => (rest.to_string(), vo.to_string()),
    };
    let name = name.trim();
    (!name.is_empty()).then(|| (name.to_string(), value, qualifier))
}

fn fake(a: FakeArgs) -> ExitCode {
    use voms_proxy::fixtures::{AcSpec, HolderForm, VomsSigner, mint_ac, mint_proxy};
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let now = output::now(a.at);
    let run = || -> Result<PathBuf, String> {
        let cert_pem = read(&a.cert)?;
        let key_pem = read(a.key.as_deref().unwrap_or(&a.cert))?;
        let holder = grid_x509::read_certificates(&cert_pem, &a.cert.display().to_string())
            .map_err(|e| e.to_string())?;
        let ee_index = grid_x509::end_entity_index(&holder)
            .ok_or_else(|| format!("{}: no end-entity certificate", a.cert.display()))?;
        let ee = holder
            .get(ee_index)
            .ok_or_else(|| format!("{}: no end-entity certificate", a.cert.display()))?;
        let signer = VomsSigner::from_pem(&read(&a.hostcert)?, &read(&a.hostkey)?)
            .map_err(|e| e.to_string())?;
        let fqans: Vec<String> = if a.fqan.is_empty() {
            vec![format!("/{}", a.voms)]
        } else {
            a.fqan.clone()
        };
        let refs: Vec<&str> = fqans.iter().map(String::as_str).collect();
        let mut spec = AcSpec::new(&a.voms, &a.uri, &refs, now, a.vomslife);
        for f in &fqans {
            Fqan::parse(f).map_err(|e| e.to_string())?;
        }
        spec.attributes =
            a.ga.iter()
                .map(|g| {
                    parse_ga(g, &a.voms)
                        .ok_or_else(|| format!("--ga '{g}': expected name=value [(qualifier)]"))
                })
                .collect::<Result<_, _>>()?;
        spec.targets = a.target.clone();
        if a.rfc_holder {
            spec.holder_form = HolderForm::Rfc3281;
        }
        let ac = mint_ac(&spec, ee.der(), &signer).map_err(|e| e.to_string())?;
        let proxy =
            mint_proxy(&cert_pem, &key_pem, &[ac], now, a.hours).map_err(|e| e.to_string())?;
        let out = a.out.clone().unwrap_or_else(grid_x509::default_proxy_path);
        grid_x509::write_atomic(&out, proxy.as_bytes(), 0o600).map_err(|e| e.to_string())?;
        Ok(out)
    };
    match run() {
        Ok(out) => {
            println!(
                "Your proxy is valid until {}",
                now.saturating_add(a.hours.saturating_mul(3600))
                    .to_openssl_string()
            );
            eprintln!("wrote {}", out.display());
            ExitCode::from(OK)
        }
        Err(e) => fail(e),
    }
}

// ----- voms vomses / fqan ------------------------------------------------------------------

fn vomses(a: VomsesArgs) -> ExitCode {
    let res = if a.paths.is_empty() {
        voms_proxy::load_default_vomses(|k| std::env::var(k).ok())
    } else {
        a.paths.iter().try_fold(Vec::new(), |mut acc, p| {
            acc.extend(voms_proxy::read_vomses(p)?);
            Ok(acc)
        })
    };
    let entries = match res {
        Ok(e) => e,
        Err(e) => return fail(e),
    };
    if a.json {
        let v: Vec<Value> = entries
            .iter()
            .map(|e| {
                json!({
                    "alias": e.alias, "host": e.host, "port": e.port, "server_dn": e.server_dn,
                    "vo": e.vo, "globus_version": e.globus_version, "file": e.file, "line": e.line,
                })
            })
            .collect();
        return print_json(&Value::Array(v), OK);
    }
    for e in &entries {
        println!(
            "{}\t{}:{}\t{}\t{}",
            e.vo, e.host, e.port, e.alias, e.server_dn
        );
    }
    ExitCode::from(if entries.is_empty() { NO } else { OK })
}

fn fqan(a: FqanArgs) -> ExitCode {
    match Fqan::parse(&a.fqan) {
        Ok(f) => {
            if a.json {
                return print_json(
                    &json!({
                        "fqan": f.as_str(), "vo": f.vo(), "group": f.group(), "role": f.role(),
                        "capability": f.capability(), "long": f.long(), "short": f.short(),
                    }),
                    OK,
                );
            }
            println!("long  : {}", f.long());
            println!("short : {}", f.short());
            println!("vo    : {}", f.vo());
            println!("group : {}", f.group());
            println!("role  : {}", f.role().unwrap_or("NULL"));
            ExitCode::from(OK)
        }
        Err(e) => {
            eprintln!("gridauth: {e}");
            ExitCode::from(USAGE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grid_x509::fixtures::{INTERMEDIATE_CA_DN, ROOT_CA_DN, SERVICE_BASE_DN, TestPki};
    use voms_proxy::fixtures::{AcSpec, VomsSigner, mint_ac, mint_proxy};

    #[test]
    fn small_parsers() {
        assert_eq!(parse_hhmm("12:30"), Some(45_000));
        assert_eq!(parse_hhmm("1:60"), None);
        assert_eq!(
            parse_ga("k=v (q)", "vo"),
            Some(("k".into(), "v".into(), "q".into()))
        );
        assert_eq!(
            parse_ga("k=v", "vo"),
            Some(("k".into(), "v".into(), "vo".into()))
        );
        assert_eq!(parse_ga("=v", "vo"), None);
    }

    #[test]
    fn json_and_human_sections_with_an_intermediate_ca() {
        let now = UnixTime::now();
        let mut pki = TestPki::new(now.saturating_add(-3600), now.saturating_add(86_400)).unwrap();
        let user = pki
            .user("/DC=org/DC=gridauth-test/OU=People/CN=Carol")
            .unwrap();
        let voms = pki.voms_server("voms.gridauth-test.org").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca_dir = dir.path().join("certificates");
        pki.write_ca_dir(&ca_dir).unwrap();
        // A three-line .lsc: VOMS server, issuing CA, root.
        let vomsdir = dir.path().join("vomsdir");
        std::fs::create_dir_all(vomsdir.join("cms")).unwrap();
        std::fs::write(
            vomsdir.join("cms/voms.gridauth-test.org.lsc"),
            format!(
                "{SERVICE_BASE_DN}/CN=voms.gridauth-test.org\n{INTERMEDIATE_CA_DN}\n{ROOT_CA_DN}\n"
            ),
        )
        .unwrap();
        let signer =
            VomsSigner::from_pem(voms.cert_pem().as_bytes(), voms.key_pem().as_bytes()).unwrap();
        let mut spec = AcSpec::new(
            "cms",
            "voms.gridauth-test.org:15002",
            &["/cms", "/cms/Role=production"],
            now.saturating_add(-60),
            12,
        );
        spec.attributes = vec![("nickname".into(), "carol".into(), "cms".into())];
        let ac = mint_ac(&spec, user.cert.der(), &signer).unwrap();
        let proxy = mint_proxy(
            user.cert_pem().as_bytes(),
            user.key_pem().as_bytes(),
            &[ac],
            now.saturating_add(-60),
            12,
        )
        .unwrap();
        let certs = grid_x509::read_certificates(proxy.as_bytes(), "proxy").unwrap();

        let v = voms_json(&certs, Some(&vomsdir), Some(&ca_dir), now);
        let ac = &v[0];
        assert_eq!(ac["vo"], "cms");
        assert_eq!(ac["fqans"], json!(["/cms", "/cms/Role=production"]));
        assert_eq!(ac["holder"], "/DC=org/DC=gridauth-test/OU=People/CN=Carol");
        assert_eq!(ac["issuer_ca"], ROOT_CA_DN);
        assert_eq!(ac["attributes"][0]["value"], "carol");
        assert_eq!(ac["verified"], true, "{v}");
        assert_eq!(ac["error"], Value::Null);
        let text = voms_human(&certs, Some(&vomsdir), Some(&ca_dir), now);
        assert!(
            text.contains("attribute : /cms/Role=production\n"),
            "{text}"
        );
        assert!(text.contains("verified  : yes"), "{text}");
        assert_eq!(
            voms_verify(&certs, &vomsdir, Some(&ca_dir), now).unwrap(),
            1
        );

        // No trust for the VO; no vomsdir at all; the AC expired.
        let empty = dir.path().join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        let v = voms_json(&certs, Some(&empty), Some(&ca_dir), now);
        assert_eq!(v[0]["verified"], false);
        assert_eq!(v[0]["error"]["code"], "no_trust_for_vo");
        let v = voms_json(&certs, None, None, now);
        assert!(v[0].get("verified").is_none());
        let later = now.saturating_add(13 * 3600);
        let err = voms_verify(&certs, &vomsdir, Some(&ca_dir), later).unwrap_err();
        assert_eq!(err.code(), "expired");
        // A plain certificate has no AC.
        assert_eq!(voms_json(&certs[1..], None, None, now), json!([]));
        assert_eq!(voms_human(&certs[1..], None, None, now), "");
    }
}
