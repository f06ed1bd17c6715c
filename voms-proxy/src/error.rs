//! The one error type of this crate.
//!
//! Every variant names the rule it enforces and carries where it failed: the AC index
//! (0 = first AC of the proxy), the VO, the certificate index, the file and line, the
//! time used and the bound that was crossed. [`Error::code`] gives a stable snake_case
//! code for scripts and JSON output.

use grid_x509::UnixTime;

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `voms-proxy`.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
#[non_exhaustive]
pub enum Error {
    // ----- reading ---------------------------------------------------------------------
    /// An attribute certificate is not valid DER for the RFC 3281 / VOMS schema.
    #[error("AC #{ac}: malformed {field} at byte {offset}: {reason}")]
    MalformedAc {
        /// Index of the AC in the proxy (0 = first).
        ac: usize,
        /// The ASN.1 field being decoded.
        field: &'static str,
        /// Byte offset inside the AC encoding.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A name inside an AC (holder, issuer, policy authority, grantor, target) is not a
    /// valid X.501 Name (RFC 5280 §4.1.2.4, as `grid_x509::Dn::from_der` reads it).
    #[error("AC #{ac}: malformed {field} name at byte {offset}: {source}")]
    MalformedAcName {
        /// Index of the AC in the proxy (0 = first).
        ac: usize,
        /// The ASN.1 field being decoded.
        field: &'static str,
        /// Byte offset of the Name inside the AC encoding.
        offset: usize,
        /// What `grid_x509` found wrong.
        source: Box<grid_x509::Error>,
    },
    /// A certificate of the proxy chain (or one embedded in an AC) is not a valid
    /// RFC 5280 certificate, as `grid_x509::Certificate` reads it.
    #[error("{origin}: certificate #{cert}: {}", certificate_reason(.source))]
    MalformedCertificate {
        /// The input: `certificate chain`, `AC #n VOMS certificates`.
        origin: String,
        /// Index of the certificate (0 = leaf, or position in the AC's certificate list).
        cert: usize,
        /// What `grid_x509` found wrong.
        source: Box<grid_x509::Error>,
    },
    /// The VOMS AC sequence extension (1.3.6.1.4.1.8005.100.100.5) is malformed.
    #[error("certificate #{cert}: malformed VOMS AC sequence extension at byte {offset}: {reason}")]
    MalformedAcSequence {
        /// Index of the certificate carrying the extension.
        cert: usize,
        /// Byte offset inside the extension value.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A budget on untrusted input was exceeded (see [`crate::limits`]).
    #[error("{context}: {count} {what} exceed the limit of {max}")]
    TooMany {
        /// Where: `AC #1`, `certificate #0`, a file name.
        context: String,
        /// What was counted.
        what: &'static str,
        /// How many were found (or how many bytes).
        count: usize,
        /// The budget.
        max: usize,
    },
    /// The AC version is not v2 (RFC 3281 §4.2.1: `version` MUST be v2, encoded as 1).
    #[error("AC #{ac}: version {version} is not supported (RFC 3281 requires v2, encoded 1)")]
    UnsupportedVersion {
        /// AC index.
        ac: usize,
        /// The encoded version.
        version: u64,
    },
    /// The same extension occurs twice in an AC or certificate (RFC 5280 §4.2).
    #[error("{context}: extension {oid} occurs more than once")]
    DuplicateExtension {
        /// `AC #n` or `certificate #n`.
        context: String,
        /// The extension OID.
        oid: String,
    },
    /// The AC carries a critical extension this crate does not understand
    /// (RFC 3281 §4.3: unknown critical extensions make the AC invalid).
    #[error("AC #{ac} (VO {vo}): unknown critical extension {oid}")]
    UnknownCriticalExtension {
        /// AC index.
        ac: usize,
        /// VO name.
        vo: String,
        /// The extension OID.
        oid: String,
    },
    /// The AC lacks the VOMS FQAN attribute (1.3.6.1.4.1.8005.100.100.4) or it is not
    /// shaped as VOMS writes it (one IetfAttrSyntax with one `vo://host:port` authority).
    #[error("AC #{ac}: FQAN attribute: {reason}")]
    BadFqanAttribute {
        /// AC index.
        ac: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// An FQAN does not follow the VOMS grammar `/vo[/group...][/Role=r][/Capability=c]`.
    #[error("invalid FQAN '{fqan}': {reason}")]
    BadFqan {
        /// The FQAN as given (truncated to 256 characters).
        fqan: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// An FQAN in an AC does not belong to the AC's VO (VOMS requires the first group
    /// component to be the VO name).
    #[error("AC #{ac} (VO {vo}): FQAN '{fqan}' is outside the VO")]
    FqanOutsideVo {
        /// AC index.
        ac: usize,
        /// VO name from the policy authority.
        vo: String,
        /// The offending FQAN.
        fqan: String,
    },
    /// An OID or algorithm is not one this crate accepts.
    #[error("AC #{ac}: unsupported {what} {oid}")]
    UnsupportedAlgorithm {
        /// AC index.
        ac: usize,
        /// `signature algorithm`, `public key`, `curve`.
        what: &'static str,
        /// The OID (dotted), or OpenSSL's name of a known signature algorithm.
        oid: String,
    },
    /// The AC's inner and outer signature algorithms differ (RFC 3281 §4.2.4).
    #[error("AC #{ac}: signature algorithm in the AC info differs from the outer one")]
    AlgorithmMismatch {
        /// AC index.
        ac: usize,
    },
    /// A legacy algorithm was used without opting in (SHA-1 or RSA < 2048 bits).
    #[error(
        "AC #{ac} (VO {vo}): {what} is legacy; enable it in VerifyPolicy ({option}) if you must accept it"
    )]
    LegacyAlgorithm {
        /// AC index.
        ac: usize,
        /// VO name.
        vo: String,
        /// `SHA-1 signature`, `RSA key under 2048 bits`.
        what: &'static str,
        /// The policy field that allows it.
        option: &'static str,
    },

    // ----- verifying -------------------------------------------------------------------
    /// The AC signature does not verify with the VOMS server certificate.
    #[error("AC #{ac} (VO {vo}): bad signature (signer {signer})")]
    BadSignature {
        /// AC index.
        ac: usize,
        /// VO name.
        vo: String,
        /// Subject of the certificate tried.
        signer: String,
    },
    /// `now` is after the AC's notAfter (RFC 3281 §5 step 4).
    #[error("AC #{ac} (VO {vo}): expired at {not_after} (checked at {now})")]
    Expired {
        /// AC index.
        ac: usize,
        /// VO name.
        vo: String,
        /// End of validity.
        not_after: UnixTime,
        /// The time used.
        now: UnixTime,
    },
    /// `now` is before the AC's notBefore.
    #[error("AC #{ac} (VO {vo}): not valid before {not_before} (checked at {now})")]
    NotYetValid {
        /// AC index.
        ac: usize,
        /// VO name.
        vo: String,
        /// Start of validity.
        not_before: UnixTime,
        /// The time used.
        now: UnixTime,
    },
    /// The AC holder does not designate the end-entity certificate behind the proxy
    /// chain (RFC 3281 §4.2.2; VOMS also writes the holder's subject as the issuer name).
    #[error(
        "AC #{ac} (VO {vo}): holder mismatch: {reason} (AC holder {holder}, end-entity {end_entity})"
    )]
    HolderMismatch {
        /// AC index.
        ac: usize,
        /// VO name.
        vo: String,
        /// Which part differs.
        reason: &'static str,
        /// The AC holder (issuer name and serial).
        holder: String,
        /// The end-entity certificate (subject, issuer, serial).
        end_entity: String,
    },
    /// No end-entity certificate in the chain (all certificates are proxies).
    #[error(
        "the certificate chain has no end-entity (non-proxy) certificate to bind the AC holder to"
    )]
    NoEndEntity,
    /// The vomsdir has neither `<vo>/<host>.lsc` nor a PEM certificate for the VO.
    #[error(
        "AC #{ac} (VO {vo}): no trust for VO: {vomsdir} has no {vo}/{host}.lsc and no VOMS server certificate that signed the AC"
    )]
    NoTrustForVo {
        /// AC index.
        ac: usize,
        /// VO name.
        vo: String,
        /// Host from the AC's policy authority.
        host: String,
        /// The vomsdir searched.
        vomsdir: String,
    },
    /// No chain of the `.lsc` file matches the certificates embedded in the AC.
    #[error("AC #{ac} (VO {vo}): {file} does not match the AC's certificates: {reason}")]
    LscMismatch {
        /// AC index.
        ac: usize,
        /// VO name.
        vo: String,
        /// The `.lsc` file.
        file: String,
        /// First chain's mismatch, e.g. `subject /CN=a != /CN=b`.
        reason: String,
    },
    /// The AC issuer name is not the subject of the certificate that signed it.
    #[error("AC #{ac} (VO {vo}): AC issuer {issuer} is not the signer's subject {signer}")]
    IssuerNameMismatch {
        /// AC index.
        ac: usize,
        /// VO name.
        vo: String,
        /// The AC's issuer name.
        issuer: String,
        /// The signing certificate's subject.
        signer: String,
    },
    /// The VOMS server certificate does not chain to a trusted CA at `now`.
    #[error("AC #{ac} (VO {vo}): untrusted issuer chain for {subject}: {reason}")]
    UntrustedIssuerChain {
        /// AC index.
        ac: usize,
        /// VO name.
        vo: String,
        /// The VOMS server certificate's subject.
        subject: String,
        /// Why the chain failed.
        reason: String,
    },
    /// The AC has a targets extension (2.5.29.55) that does not include the caller.
    #[error("AC #{ac} (VO {vo}): targets {targets:?} do not include {caller}")]
    TargetMismatch {
        /// AC index.
        ac: usize,
        /// VO name.
        vo: String,
        /// The AC's targets.
        targets: Vec<String>,
        /// The caller's name, `<none given>` when the policy named none.
        caller: String,
    },

    // ----- configuration files ----------------------------------------------------------
    /// A file or directory could not be read.
    #[error("{path}: {reason}")]
    Io {
        /// The path.
        path: String,
        /// The operating system's message.
        reason: String,
    },
    /// An `.lsc` file is malformed (unterminated quote, odd number of DN lines).
    #[error("{file}:{line}: {reason}")]
    LscSyntax {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A DN line of an `.lsc` file is not an OpenSSL slash-form DN
    /// (`grid_x509::Dn::parse_openssl`).
    #[error("{file}:{line}: {source}")]
    LscDn {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// Why the DN does not parse.
        source: Box<grid_x509::Error>,
    },
    /// A `vomses` line is malformed (`"alias" "host" "port" "server DN" "vo" ["globus version"]`).
    #[error("{file}:{line}: {reason}")]
    VomsesSyntax {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A PEM file in the vomsdir or CA directory is malformed.
    #[error("{file}: {reason}")]
    Pem {
        /// The file.
        file: String,
        /// What is wrong.
        reason: String,
    },

    // ----- minting ------------------------------------------------------------------------
    /// Minting an AC or proxy failed (fixtures only).
    #[error("cannot mint {what}: {reason}")]
    Mint {
        /// What was being made.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

impl Error {
    /// A stable snake_case code for scripts and JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            Error::MalformedAc { .. } => "malformed_ac",
            Error::MalformedAcName { .. } => "malformed_ac_name",
            Error::MalformedCertificate { .. } => "malformed_certificate",
            Error::MalformedAcSequence { .. } => "malformed_ac_sequence",
            Error::TooMany { .. } => "budget_exceeded",
            Error::UnsupportedVersion { .. } => "unsupported_version",
            Error::DuplicateExtension { .. } => "duplicate_extension",
            Error::UnknownCriticalExtension { .. } => "unknown_critical_extension",
            Error::BadFqanAttribute { .. } => "bad_fqan_attribute",
            Error::BadFqan { .. } => "bad_fqan",
            Error::FqanOutsideVo { .. } => "fqan_outside_vo",
            Error::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            Error::AlgorithmMismatch { .. } => "algorithm_mismatch",
            Error::LegacyAlgorithm { .. } => "legacy_algorithm",
            Error::BadSignature { .. } => "bad_signature",
            Error::Expired { .. } => "expired",
            Error::NotYetValid { .. } => "not_yet_valid",
            Error::HolderMismatch { .. } => "holder_mismatch",
            Error::NoEndEntity => "no_end_entity",
            Error::NoTrustForVo { .. } => "no_trust_for_vo",
            Error::LscMismatch { .. } => "lsc_mismatch",
            Error::IssuerNameMismatch { .. } => "issuer_name_mismatch",
            Error::UntrustedIssuerChain { .. } => "untrusted_issuer_chain",
            Error::TargetMismatch { .. } => "target_mismatch",
            Error::Io { .. } => "io",
            Error::LscSyntax { .. } => "lsc_syntax",
            Error::LscDn { .. } => "lsc_dn",
            Error::VomsesSyntax { .. } => "vomses_syntax",
            Error::Pem { .. } => "pem",
            Error::Mint { .. } => "mint",
        }
    }

    pub(crate) fn ac_der(ac: usize, e: crate::der::DerError) -> Self {
        Error::MalformedAc {
            ac,
            field: e.field,
            offset: e.offset,
            reason: e.reason,
        }
    }

    /// A certificate `grid_x509` could not parse; `origin` names the input.
    pub(crate) fn certificate(
        origin: impl Into<String>,
        cert: usize,
        source: grid_x509::Error,
    ) -> Self {
        Error::MalformedCertificate {
            origin: origin.into(),
            cert,
            source: Box::new(source),
        }
    }

    pub(crate) fn io(path: &std::path::Path, e: &std::io::Error) -> Self {
        Error::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    }
}

/// The part of a `grid_x509` certificate error not already said by
/// [`Error::MalformedCertificate`]'s origin and index.
fn certificate_reason(e: &grid_x509::Error) -> String {
    match e {
        grid_x509::Error::CertificateDecode { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}
