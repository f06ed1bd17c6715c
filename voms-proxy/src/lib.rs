#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod ac;
pub mod dangerous;
mod der;
mod error;
mod fqan;
pub mod limits;
mod name;
pub mod oid;
mod report;
mod sig;
mod trust;
mod verify;
mod vomsdir;
mod vomses;

#[cfg(feature = "fixtures")]
pub mod fixtures;

pub use ac::{
    AttributeCertificate, GenericAttribute, Holder, ProxyAcs, decode_chain, end_entity, read_acs,
};
pub use error::{Error, Result};
pub use fqan::{Fqan, holds, holds_role};
pub use report::{ac_section, format_hms_colon};
pub use verify::{
    ProxyVerdicts, TrustSource, VerifiedAc, VerifyPolicy, VomsTrust, verify_ac, verify_chain_acs,
};
pub use vomsdir::{Lsc, NEXT_CHAIN, Vomsdir};
pub use vomses::{
    VomsesEntry, default_vomses_paths, load_default_vomses, parse_vomses, read_vomses,
};

/// Upper-case hex of bytes, `00` for none.
pub(crate) fn hex_upper(b: &[u8]) -> String {
    use std::fmt::Write;
    if b.is_empty() {
        return "00".to_string();
    }
    b.iter()
        .fold(String::with_capacity(b.len() * 2), |mut s, x| {
            let _ = write!(s, "{x:02X}");
            s
        })
}
