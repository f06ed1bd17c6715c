//! Human reports in the layout of `voms-proxy-info -all`, with the verdict added.

use crate::ac::AttributeCertificate;
use crate::error::Error;
use crate::verify::VerifiedAc;
use grid_x509::UnixTime;
use std::fmt::Write;

/// `HH:MM:SS` time left, as `voms-proxy-info` prints it (`00:00:00` when past).
pub fn format_hms_colon(secs: i64) -> String {
    let s = secs.max(0);
    format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// The `=== VO <vo> extension information ===` section for one AC (`subject` is the
/// AC holder's name, as `voms-proxy-info` prints it). `verdict` is `None` when no
/// verification was asked for.
pub fn ac_section(
    ac: &AttributeCertificate,
    verdict: Option<&Result<VerifiedAc, Error>>,
    now: UnixTime,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "=== VO {} extension information ===", ac.vo());
    let _ = writeln!(s, "VO        : {}", ac.vo());
    let _ = writeln!(s, "subject   : {}", ac.holder().name());
    let _ = writeln!(s, "issuer    : {}", ac.issuer());
    for f in ac.fqans() {
        let _ = writeln!(s, "attribute : {f}");
    }
    for a in ac.attributes() {
        let _ = writeln!(s, "attribute : {} = {} ({})", a.name, a.value, a.qualifier);
    }
    let _ = writeln!(
        s,
        "timeleft  : {}",
        format_hms_colon(now.seconds_until(ac.not_after()))
    );
    let _ = writeln!(s, "uri       : {}", ac.uri());
    if let Some(t) = ac.targets() {
        let _ = writeln!(s, "targets   : {}", t.join(", "));
    }
    match verdict {
        None => {}
        Some(Ok(v)) => {
            let _ = writeln!(
                s,
                "verified  : yes (signer {}, CA {})",
                v.signer()
                    .map_or_else(|| "<none>".to_string(), |c| c.subject().to_string()),
                v.issuer_ca().unwrap_or("<none>")
            );
        }
        Some(Err(e)) => {
            let _ = writeln!(s, "verified  : NO: {e}");
        }
    }
    s
}
