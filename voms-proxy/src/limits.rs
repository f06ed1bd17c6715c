//! Budgets on untrusted input, each with the reason for its value.

/// ACs in one proxy. VOMS issues one AC per VO and real proxies carry one to three;
/// 16 leaves room for unusual multi-VO setups while bounding signature work.
pub const MAX_ACS_PER_PROXY: usize = 16;

/// FQANs in one AC. Large VOs grant users a few dozen groups; 1024 is generous.
pub const MAX_FQANS_PER_AC: usize = 1024;

/// Longest FQAN in bytes (VOMS group names are short paths).
pub const MAX_FQAN_BYTES: usize = 1024;

/// Generic attributes in one AC (VOMS admins define a handful per VO).
pub const MAX_ATTRIBUTES_PER_AC: usize = 256;

/// Bytes in one generic attribute's name, value or qualifier.
pub const MAX_ATTRIBUTE_BYTES: usize = 4096;

/// Certificates embedded in one AC (the VOMS server certificate and maybe its CAs).
pub const MAX_EMBEDDED_CERTS: usize = 8;

/// Targets in one AC.
pub const MAX_TARGETS: usize = 64;

/// Extensions in one AC (VOMS writes four or five).
pub const MAX_AC_EXTENSIONS: usize = 32;

/// Attributes in one AC's attribute list (VOMS writes one).
pub const MAX_AC_ATTRIBUTES: usize = 16;

/// Largest encoded AC (an AC with its embedded VOMS certificate is 2-4 KiB).
pub const MAX_AC_BYTES: usize = 64 * 1024;

/// Alternative chains in one `.lsc` file, and DN lines per chain.
pub const MAX_LSC_CHAINS: usize = 16;

/// DN lines in one `.lsc` chain.
pub const MAX_LSC_CHAIN_LEN: usize = 16;

/// Largest `.lsc`, `.pem` or `vomses` file read from a configuration directory.
pub const MAX_CONFIG_FILE_BYTES: usize = 256 * 1024;

/// Files read from a vomsdir, vomses directory or CA directory.
pub const MAX_DIR_ENTRIES: usize = 20_000;

/// Lines in one `vomses` file.
pub const MAX_VOMSES_LINES: usize = 10_000;

/// Depth of a CA chain built for a VOMS server certificate.
pub const MAX_ISSUER_CHAIN_DEPTH: usize = 8;
