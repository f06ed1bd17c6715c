//! The one error type of this crate.
//!
//! Every variant names the rule it enforces and carries where it failed: the file or
//! input, the certificate index (0 = leaf) and subject, the time used and the bound
//! that was crossed. [`Error::code`] gives a stable snake_case code for scripts.

use crate::time::UnixTime;

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where a certificate sits in the chain being examined: `index` 0 is the leaf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertRef {
    /// Position in the chain, leaf first.
    pub index: usize,
    /// Subject in OpenSSL slash form.
    pub subject: String,
}

impl std::fmt::Display for CertRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "certificate #{} ({})", self.index, self.subject)
    }
}

/// Everything that can go wrong in `grid-x509`.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
#[non_exhaustive]
pub enum Error {
    // ----- reading -------------------------------------------------------------------
    /// A file could not be read or written (I/O layer).
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        reason: String,
    },
    /// Input larger than the budget (defends against memory exhaustion).
    #[error("{origin}: input is {size} bytes, over the {max}-byte limit for {what}")]
    TooLarge {
        /// File or input name.
        origin: String,
        /// What was being read.
        what: &'static str,
        /// Actual size.
        size: usize,
        /// The budget.
        max: usize,
    },
    /// PEM framing is broken (RFC 7468): unterminated block, bad base64, bad headers.
    #[error("{origin}: PEM block #{block} (line {line}): {reason}")]
    Pem {
        /// File or input name.
        origin: String,
        /// Index of the PEM block, from 0.
        block: usize,
        /// 1-based line where the block starts.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A PEM block has a label this crate does not read.
    #[error(
        "{origin}: PEM block #{block} (line {line}) has unsupported label '{label}'; a credential file holds CERTIFICATE and private-key blocks only"
    )]
    UnsupportedPemLabel {
        /// File or input name.
        origin: String,
        /// Index of the PEM block.
        block: usize,
        /// 1-based line where the block starts.
        line: usize,
        /// The label after `BEGIN`.
        label: String,
    },
    /// The input has no certificate where one is required.
    #[error("{origin}: no certificate found (expected PEM 'CERTIFICATE' blocks or DER)")]
    NoCertificate {
        /// File or input name.
        origin: String,
    },
    /// The input has no private key where one is required (a proxy file must carry one).
    #[error(
        "{origin}: no private key found; a proxy file holds the proxy certificate, its key and the chain"
    )]
    NoPrivateKey {
        /// File or input name.
        origin: String,
    },
    /// More than one private key in a credential file.
    #[error("{origin}: more than one private key; a credential file holds exactly one")]
    MultiplePrivateKeys {
        /// File or input name.
        origin: String,
    },
    /// Too many certificates in one input (budget: [`crate::limits::MAX_CERTS_PER_FILE`]).
    #[error("{origin}: {count} certificates, over the limit of {max}")]
    TooManyCertificates {
        /// File or input name.
        origin: String,
        /// Count found.
        count: usize,
        /// Budget.
        max: usize,
    },
    /// DER of a certificate does not decode (RFC 5280 §4.1 structure).
    #[error("{origin}: certificate #{index} is not valid DER: {reason}")]
    CertificateDecode {
        /// File or input name.
        origin: String,
        /// Index in the input.
        index: usize,
        /// Decoder message, with byte position where known.
        reason: String,
    },
    /// A certificate extension occurs twice (RFC 5280 §4.2).
    #[error("{cert}: extension {oid} appears more than once (RFC 5280 §4.2)")]
    DuplicateExtension {
        /// The certificate.
        cert: CertRef,
        /// Extension OID.
        oid: String,
    },
    /// A critical extension this validator does not understand (RFC 5280 §4.2).
    #[error("{cert}: unknown critical extension {oid}; a validator must reject it (RFC 5280 §4.2)")]
    UnknownCriticalExtension {
        /// The certificate.
        cert: CertRef,
        /// Extension OID.
        oid: String,
    },
    /// An extension is present but its value does not decode.
    #[error("{cert}: extension {name} ({oid}) is malformed: {reason}")]
    MalformedExtension {
        /// The certificate.
        cert: CertRef,
        /// Extension name.
        name: &'static str,
        /// Extension OID.
        oid: String,
        /// What is wrong.
        reason: String,
    },

    // ----- distinguished names ---------------------------------------------------------
    /// A DN string does not parse.
    #[error("cannot parse DN {input:?} at character {position}: {reason}")]
    DnParse {
        /// The input text.
        input: String,
        /// 0-based character offset.
        position: usize,
        /// What is wrong.
        reason: String,
    },
    /// A DN attribute keyword is not known (use a dotted OID instead).
    #[error(
        "unknown DN attribute '{keyword}' at character {position} of {input:?}; use a known keyword (CN, O, OU, DC, ...) or a dotted OID"
    )]
    UnknownDnAttribute {
        /// The input text.
        input: String,
        /// 0-based character offset of the keyword.
        position: usize,
        /// The keyword.
        keyword: String,
    },
    /// A DN in a certificate cannot be decoded (bad string type or encoding).
    #[error("DN value of {attribute} cannot be decoded: {reason}")]
    DnValue {
        /// Attribute keyword or OID.
        attribute: String,
        /// What is wrong.
        reason: String,
    },

    /// The DER of a Name does not decode (RFC 5280 §4.1.2.4 RDNSequence structure).
    #[error("DN is not valid DER at byte {position}: {reason}")]
    DnDecode {
        /// Byte offset in the Name's DER.
        position: usize,
        /// What is wrong.
        reason: String,
    },
    /// A DN exceeds a budget (`grid_x509::MAX_DN_RDNS`, `MAX_RDN_AVAS`, `MAX_DN_VALUE_BYTES`).
    #[error("DN has {count} {what}, over the limit of {max}")]
    DnLimit {
        /// What was counted.
        what: &'static str,
        /// Count found (at least; counting stops at the first excess).
        count: usize,
        /// The budget.
        max: usize,
    },

    // ----- private keys ------------------------------------------------------------------
    /// A private key does not decode (PKCS#1, PKCS#8 or SEC1 structure).
    #[error("{origin}: private key ({format}) does not decode: {reason}")]
    KeyDecode {
        /// File or input name.
        origin: String,
        /// PEM label or format name.
        format: String,
        /// Decoder message (never key material).
        reason: String,
    },
    /// The key is encrypted and no passphrase was given.
    #[error("{origin}: private key is encrypted; give its passphrase")]
    PassphraseRequired {
        /// File or input name.
        origin: String,
    },
    /// Decryption failed: wrong passphrase (or a corrupt key).
    #[error("{origin}: wrong passphrase for the encrypted private key (or the key is corrupt)")]
    WrongPassphrase {
        /// File or input name.
        origin: String,
    },
    /// Key encryption scheme not supported.
    #[error(
        "{origin}: unsupported private-key encryption {algorithm}; re-encrypt with `openssl pkcs8 -topk8 -v2 aes-256-cbc`"
    )]
    UnsupportedKeyEncryption {
        /// File or input name.
        origin: String,
        /// The cipher or scheme (name or OID).
        algorithm: String,
    },
    /// Key algorithm not supported (only RSA and EC P-256/P-384).
    #[error(
        "{origin}: unsupported key algorithm {algorithm} (RSA and EC P-256/P-384 are supported)"
    )]
    UnsupportedKeyAlgorithm {
        /// File or input name.
        origin: String,
        /// Algorithm name or OID.
        algorithm: String,
    },
    /// The private key does not belong to the certificate.
    #[error("private key does not match the public key of {cert}")]
    KeyMismatch {
        /// The certificate.
        cert: CertRef,
    },
    /// Reading a passphrase failed (terminal, stdin, environment).
    #[error("cannot read passphrase from {source_name}: {reason}")]
    Passphrase {
        /// Which source.
        source_name: String,
        /// What is wrong (never the passphrase).
        reason: String,
    },
    /// A cryptographic library operation failed (key generation, signing).
    #[error("{operation} failed: {reason}")]
    Crypto {
        /// What was attempted.
        operation: &'static str,
        /// The library's message (never key material).
        reason: String,
    },

    /// A key-container parameter crosses a budget (PBKDF2 iterations, RSA modulus size),
    /// so a hostile file cannot make us spin or allocate without bound.
    #[error("{origin}: {what} is {value}, over the limit of {max}")]
    KeyBudget {
        /// File or input name.
        origin: String,
        /// Which parameter.
        what: &'static str,
        /// The value found.
        value: u64,
        /// The budget.
        max: u64,
    },
    /// A key size that cannot be generated (RSA 1024..=8192 bits, multiple of 8).
    #[error("cannot generate a {bits}-bit {algorithm} key: {allowed}")]
    UnsupportedKeySize {
        /// Algorithm name.
        algorithm: &'static str,
        /// Requested size.
        bits: u32,
        /// What is allowed.
        allowed: &'static str,
    },

    /// A requested proxy lifetime cannot be honoured.
    #[error("proxy lifetime of {requested_secs} s rejected: {reason}; give --valid HH:MM")]
    ProxyLifetime {
        /// What was asked for.
        requested_secs: i64,
        /// Why it is refused.
        reason: &'static str,
    },

    // ----- chain validation -----------------------------------------------------------------
    /// Nothing to validate.
    #[error("empty certificate chain")]
    EmptyChain,
    /// The chain is deeper than the policy's budget.
    #[error("chain has {depth} certificates, over the policy limit of {max}")]
    ChainTooLong {
        /// Depth found.
        depth: usize,
        /// Budget.
        max: usize,
    },
    /// Validity period ended (RFC 5280 §4.1.2.5).
    #[error("{cert}: expired at {not_after} (checked at {now}); renew it")]
    Expired {
        /// The certificate.
        cert: CertRef,
        /// Its notAfter.
        not_after: UnixTime,
        /// The time used.
        now: UnixTime,
    },
    /// Validity period not started (RFC 5280 §4.1.2.5).
    #[error("{cert}: not valid before {not_before} (checked at {now}); check the clocks")]
    NotYetValid {
        /// The certificate.
        cert: CertRef,
        /// Its notBefore.
        not_before: UnixTime,
        /// The time used.
        now: UnixTime,
    },
    /// The signature does not verify with the issuer's key.
    #[error("{cert}: signature does not verify with the key of issuer {issuer}")]
    BadSignature {
        /// The certificate.
        cert: CertRef,
        /// The issuer whose key was used.
        issuer: String,
    },
    /// Signature algorithm unknown or not allowed by the policy.
    #[error("{cert}: signature algorithm {algorithm} is not allowed: {rule}")]
    SignatureAlgorithm {
        /// The certificate.
        cert: CertRef,
        /// Algorithm name or OID.
        algorithm: String,
        /// The policy rule.
        rule: &'static str,
    },
    /// The key is weaker than the policy allows.
    #[error("{cert}: {key_type} key of {bits} bits is below the policy minimum of {min} bits")]
    WeakKey {
        /// The certificate.
        cert: CertRef,
        /// RSA or EC.
        key_type: &'static str,
        /// Key size.
        bits: u32,
        /// Minimum.
        min: u32,
    },
    /// No trusted CA in the store issued this certificate.
    #[error(
        "{cert}: issuer {issuer} is not a trusted CA in {ca_dir}; install its CA certificate (<hash>.0)"
    )]
    UntrustedIssuer {
        /// The certificate.
        cert: CertRef,
        /// Its issuer DN.
        issuer: String,
        /// The trust store location.
        ca_dir: String,
    },
    /// The next certificate in the chain is not the issuer of this one.
    #[error("{cert}: issuer {issuer} does not match the subject of the next certificate {next}")]
    IssuerMismatch {
        /// The certificate.
        cert: CertRef,
        /// Its issuer DN.
        issuer: String,
        /// The subject of the next certificate.
        next: String,
    },
    /// An issuing certificate is not a CA (RFC 5280 §4.2.1.9 basicConstraints).
    #[error("{cert}: is used as an issuer but is not a CA (basicConstraints cA=false)")]
    NotCa {
        /// The certificate.
        cert: CertRef,
    },
    /// The issuer's keyUsage lacks what signing needs (RFC 5280 §4.2.1.3).
    #[error("{cert}: keyUsage lacks {missing}")]
    KeyUsage {
        /// The certificate.
        cert: CertRef,
        /// The missing bit.
        missing: &'static str,
    },
    /// A path-length constraint is exceeded (RFC 5280 §4.2.1.9, RFC 3820 §3.8).
    #[error("{cert}: path length constraint {limit} exceeded ({rule})")]
    PathLengthExceeded {
        /// The certificate whose constraint is exceeded.
        cert: CertRef,
        /// The constraint.
        limit: u32,
        /// Which constraint: CA basicConstraints or proxy pCPathLenConstraint.
        rule: &'static str,
    },
    /// A proxy's subject is not its issuer plus one CN (RFC 3820 §3.4).
    #[error("{cert}: proxy subject must be the issuer {issuer} plus one CN (RFC 3820 §3.4)")]
    ProxySubjectMismatch {
        /// The proxy.
        cert: CertRef,
        /// Its issuer.
        issuer: String,
    },
    /// A proxy was issued by a CA rather than an end entity or proxy (RFC 3820 §3.1).
    #[error(
        "{cert}: proxy issued by a CA; proxies are signed by an end-entity certificate or another proxy (RFC 3820 §3.1)"
    )]
    ProxyIssuedByCa {
        /// The proxy.
        cert: CertRef,
    },
    /// A proxy claims to be a CA (RFC 3820 §3.7).
    #[error("{cert}: proxy certificate has basicConstraints cA=true (RFC 3820 §3.7)")]
    ProxyIsCa {
        /// The proxy.
        cert: CertRef,
    },
    /// A proxy's keyUsage lets it sign certificates (RFC 3820 §3.7).
    #[error("{cert}: proxy certificate keyUsage asserts keyCertSign (RFC 3820 §3.7)")]
    ProxyKeyCertSign {
        /// The proxy.
        cert: CertRef,
    },
    /// A kind of proxy the policy does not accept (legacy or draft proxy under the strict preset).
    #[error("{cert}: {kind} proxy not accepted by the {policy} policy; use an RFC 3820 proxy")]
    ProxyKindNotAllowed {
        /// The proxy.
        cert: CertRef,
        /// The proxy kind.
        kind: &'static str,
        /// Policy name.
        policy: &'static str,
    },
    /// A limited proxy signed a non-limited one (Globus rule).
    #[error("{cert}: a full proxy cannot be issued by a limited proxy")]
    LimitedProxyIssuedFull {
        /// The proxy.
        cert: CertRef,
    },
    /// Proxies of different families mixed in one chain (RFC 3820 vs legacy).
    #[error("{cert}: {kind} proxy issued by a proxy of a different kind")]
    MixedProxyKinds {
        /// The proxy.
        cert: CertRef,
        /// This proxy's kind.
        kind: &'static str,
    },
    /// A certificate has been revoked by its CA's CRL.
    #[error("{cert}: revoked (serial {serial}) by the CRL of {crl_issuer}")]
    Revoked {
        /// The certificate.
        cert: CertRef,
        /// Its serial (upper-case hex).
        serial: String,
        /// The CRL's issuer.
        crl_issuer: String,
    },
    /// A CRL could not be used: bad signature, expired, or malformed.
    #[error("CRL {path} of {issuer}: {reason}; update the CRLs (fetch-crl)")]
    CrlInvalid {
        /// The CRL file.
        path: String,
        /// The CRL issuer.
        issuer: String,
        /// What is wrong.
        reason: String,
    },
    // ----- certificate requests, PKCS#12, installation ---------------------------------
    /// A PKCS#10 certificate request does not decode or its signature does not verify
    /// (RFC 2986 §4).
    #[error(
        "{origin}: certificate request is not valid: {reason}; make a new one with `gridauth cert request`"
    )]
    CsrDecode {
        /// File or input name.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// A subjectAltName to request is not a DNS name (optionally service-prefixed,
    /// `svc/host.example.org`) or an IP address.
    #[error("subjectAltName {name:?} rejected: {reason}")]
    InvalidSan {
        /// The name as given.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The signed certificate is not what was requested (subject, subjectAltName or key
    /// differs from the certificate request).
    #[error(
        "{cert}: {what} differs from the request: requested {requested}, certificate has {found}; ask the CA to reissue it or install with the matching request"
    )]
    RequestMismatch {
        /// The certificate.
        cert: CertRef,
        /// Which field: `subject`, `subjectAltName`, `public key`.
        what: &'static str,
        /// What the request holds.
        requested: String,
        /// What the certificate holds.
        found: String,
    },
    /// Only end-entity certificates are installed as host, service or user credentials.
    #[error(
        "{cert}: is a {kind} certificate; only an end-entity certificate can be installed as a credential"
    )]
    NotEndEntity {
        /// The certificate.
        cert: CertRef,
        /// What it is (CA, proxy).
        kind: &'static str,
    },
    /// A PKCS#12 file does not decode or lacks a certificate or key (RFC 7292).
    #[error("{origin}: PKCS#12 file is not usable: {reason}")]
    Pkcs12 {
        /// File or input name.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// A PKCS#12 file uses the legacy RC2/3DES encryption and the OpenSSL legacy provider
    /// cannot be loaded.
    #[error(
        "{origin}: PKCS#12 file uses legacy encryption ({reason}); install the OpenSSL legacy provider (legacy.so in OPENSSL_MODULES) or re-export the file on a system that has it"
    )]
    Pkcs12Legacy {
        /// File or input name.
        origin: String,
        /// OpenSSL's message.
        reason: String,
    },
    /// An owner given as `USER:GROUP` cannot be used (unknown name, not running as root).
    #[error("owner {spec:?}: {reason}")]
    Owner {
        /// The owner as given.
        spec: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A file or directory violates the grid permission conventions.
    #[error("{path}: {reason}")]
    FilePolicy {
        /// The path.
        path: String,
        /// What is wrong and the fix.
        reason: String,
    },
}

impl Error {
    /// A stable snake_case code, for scripts and JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::TooLarge { .. } => "too_large",
            Error::Pem { .. } => "bad_pem",
            Error::UnsupportedPemLabel { .. } => "unsupported_pem_label",
            Error::NoCertificate { .. } => "no_certificate",
            Error::NoPrivateKey { .. } => "no_private_key",
            Error::MultiplePrivateKeys { .. } => "multiple_private_keys",
            Error::TooManyCertificates { .. } => "too_many_certificates",
            Error::CertificateDecode { .. } => "bad_certificate",
            Error::DuplicateExtension { .. } => "duplicate_extension",
            Error::UnknownCriticalExtension { .. } => "unknown_critical_extension",
            Error::MalformedExtension { .. } => "malformed_extension",
            Error::DnParse { .. } => "bad_dn",
            Error::UnknownDnAttribute { .. } => "unknown_dn_attribute",
            Error::DnValue { .. } => "bad_dn_value",
            Error::DnDecode { .. } => "bad_dn_der",
            Error::DnLimit { .. } => "dn_limit",
            Error::KeyDecode { .. } => "bad_key",
            Error::PassphraseRequired { .. } => "passphrase_required",
            Error::WrongPassphrase { .. } => "wrong_passphrase",
            Error::UnsupportedKeyEncryption { .. } => "unsupported_key_encryption",
            Error::UnsupportedKeyAlgorithm { .. } => "unsupported_key_algorithm",
            Error::KeyMismatch { .. } => "key_mismatch",
            Error::Passphrase { .. } => "passphrase_source",
            Error::Crypto { .. } => "crypto",
            Error::KeyBudget { .. } => "key_budget",
            Error::UnsupportedKeySize { .. } => "unsupported_key_size",
            Error::ProxyLifetime { .. } => "proxy_lifetime",
            Error::EmptyChain => "empty_chain",
            Error::ChainTooLong { .. } => "chain_too_long",
            Error::Expired { .. } => "expired",
            Error::NotYetValid { .. } => "not_yet_valid",
            Error::BadSignature { .. } => "bad_signature",
            Error::SignatureAlgorithm { .. } => "signature_algorithm",
            Error::WeakKey { .. } => "weak_key",
            Error::UntrustedIssuer { .. } => "untrusted_issuer",
            Error::IssuerMismatch { .. } => "issuer_mismatch",
            Error::NotCa { .. } => "not_ca",
            Error::KeyUsage { .. } => "key_usage",
            Error::PathLengthExceeded { .. } => "path_length_exceeded",
            Error::ProxySubjectMismatch { .. } => "proxy_subject_mismatch",
            Error::ProxyIssuedByCa { .. } => "proxy_issued_by_ca",
            Error::ProxyIsCa { .. } => "proxy_is_ca",
            Error::ProxyKeyCertSign { .. } => "proxy_key_cert_sign",
            Error::ProxyKindNotAllowed { .. } => "proxy_kind_not_allowed",
            Error::LimitedProxyIssuedFull { .. } => "limited_proxy_issued_full",
            Error::MixedProxyKinds { .. } => "mixed_proxy_kinds",
            Error::Revoked { .. } => "revoked",
            Error::CrlInvalid { .. } => "crl_invalid",
            Error::FilePolicy { .. } => "file_policy",
            Error::CsrDecode { .. } => "bad_csr",
            Error::InvalidSan { .. } => "bad_san",
            Error::RequestMismatch { .. } => "request_mismatch",
            Error::NotEndEntity { .. } => "not_end_entity",
            Error::Pkcs12 { .. } => "bad_pkcs12",
            Error::Pkcs12Legacy { .. } => "pkcs12_legacy_unavailable",
            Error::Owner { .. } => "bad_owner",
        }
    }

    /// The chain index of the certificate the error is about, if any.
    pub fn certificate_index(&self) -> Option<usize> {
        match self {
            Error::CertificateDecode { index, .. } => Some(*index),
            Error::DuplicateExtension { cert, .. }
            | Error::UnknownCriticalExtension { cert, .. }
            | Error::MalformedExtension { cert, .. }
            | Error::KeyMismatch { cert }
            | Error::Expired { cert, .. }
            | Error::NotYetValid { cert, .. }
            | Error::BadSignature { cert, .. }
            | Error::SignatureAlgorithm { cert, .. }
            | Error::WeakKey { cert, .. }
            | Error::UntrustedIssuer { cert, .. }
            | Error::IssuerMismatch { cert, .. }
            | Error::NotCa { cert }
            | Error::KeyUsage { cert, .. }
            | Error::PathLengthExceeded { cert, .. }
            | Error::ProxySubjectMismatch { cert, .. }
            | Error::ProxyIssuedByCa { cert }
            | Error::ProxyIsCa { cert }
            | Error::ProxyKeyCertSign { cert }
            | Error::ProxyKindNotAllowed { cert, .. }
            | Error::LimitedProxyIssuedFull { cert }
            | Error::MixedProxyKinds { cert, .. }
            | Error::Revoked { cert, .. }
            | Error::RequestMismatch { cert, .. }
            | Error::NotEndEntity { cert, .. } => Some(cert.index),
            _ => None,
        }
    }

    pub(crate) fn io(path: impl AsRef<std::path::Path>, err: &std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            reason: err.to_string(),
        }
    }
}
