//! Budgets on untrusted input, each with the reason for its value.

/// Largest credential or certificate file read (a proxy with a long chain and several
/// VOMS ACs is under 64 KiB; 1 MiB leaves ample room while bounding memory).
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// Certificates in one file. Real proxy files hold leaf + a few proxies + EE + maybe CAs;
/// a CA bundle can hold a few hundred.
pub const MAX_CERTS_PER_FILE: usize = 1024;

/// Longest chain validated: proxies may delegate many times, but Globus tools cap at
/// about 100; RFC 5280 has no limit. Bounds work on hostile input.
pub const MAX_CHAIN_DEPTH: usize = 32;

/// Files read from a CA directory (IGTF distributions hold about 300 CAs).
pub const MAX_CA_DIR_ENTRIES: usize = 20_000;

/// Revoked entries read from one CRL.
pub const MAX_CRL_ENTRIES: usize = 1_000_000;
