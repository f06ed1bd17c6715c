//! Validation policy: one value, chosen by the caller, instead of scattered flags.

use crate::limits;

/// How certificate revocation lists are used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrlPolicy {
    /// Never consult CRLs.
    Ignore,
    /// Use a CRL when one is installed and currently valid; ignore missing or stale
    /// ones (canl-java's `IF_VALID`, the grid's lenient default).
    IfValid,
    /// An installed CRL must verify and be current (fail closed on a stale CRL);
    /// a CA without a CRL is accepted.
    IfPresent,
    /// Every CA that issues a non-proxy certificate in the chain must have a current CRL.
    Require,
}

/// What a chain validation accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationPolicy {
    /// Name for messages (`grid`, `strict`).
    pub name: &'static str,
    /// Accept legacy Globus (GT2) proxies.
    pub allow_legacy_proxies: bool,
    /// Accept pre-RFC draft (GT3) proxies.
    pub allow_draft_proxies: bool,
    /// Accept SHA-1 signatures.
    pub allow_sha1: bool,
    /// Minimum RSA modulus length for every certificate in the chain.
    pub min_rsa_bits: u32,
    /// Longest chain accepted (leaf to root).
    pub max_chain_depth: usize,
    /// Revocation checking.
    pub crl: CrlPolicy,
}

impl ValidationPolicy {
    /// What the grid's reference validators (voms-verify, canl-java) accept today:
    /// RFC 3820, draft and legacy proxies, SHA-1 signatures and 1024-bit RSA keys in old
    /// chains, CRLs used when installed and current.
    pub fn grid() -> Self {
        Self {
            name: "grid",
            allow_legacy_proxies: true,
            allow_draft_proxies: true,
            allow_sha1: true,
            min_rsa_bits: 1024,
            max_chain_depth: limits::MAX_CHAIN_DEPTH,
            crl: CrlPolicy::IfValid,
        }
    }

    /// RFC 3820 proxies only, SHA-2 signatures, RSA keys of at least 2048 bits, and an
    /// installed CRL must be current.
    pub fn strict() -> Self {
        Self {
            name: "strict",
            allow_legacy_proxies: false,
            allow_draft_proxies: false,
            allow_sha1: false,
            min_rsa_bits: 2048,
            max_chain_depth: limits::MAX_CHAIN_DEPTH,
            crl: CrlPolicy::IfPresent,
        }
    }
}
