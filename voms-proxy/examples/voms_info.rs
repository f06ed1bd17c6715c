//! Inspect and verify the VOMS ACs of a proxy:
//! `cargo run -p voms-proxy --example voms_info -- PROXY [VOMSDIR CADIR]`.

use grid_x509::UnixTime;
use std::path::Path;
use voms_proxy::{VerifyPolicy, VomsTrust, ac_section, end_entity, read_acs, verify_ac};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        return Err("usage: voms_info PROXY [VOMSDIR CADIR]".into());
    };
    // Parsed once; voms-proxy reads the ACs from these certificates.
    let chain = grid_x509::read_certificates(&std::fs::read(file)?, file)?;
    let now = UnixTime::now();
    let trust = match (args.get(1), args.get(2)) {
        (Some(v), Some(c)) => Some(VomsTrust::load(Path::new(v), Path::new(c))?),
        _ => None,
    };
    let Some(found) = read_acs(&chain)? else {
        println!("no VOMS extension");
        return Ok(());
    };
    for ac in &found.acs {
        let verdict = match (&trust, end_entity(&chain)) {
            (Some(t), Some(ee)) => Some(verify_ac(ac, ee, t, &VerifyPolicy::strict(), now)),
            _ => None,
        };
        print!("{}", ac_section(ac, verdict.as_ref(), now));
    }
    Ok(())
}
