//! Verifying an AC at a given time: signature, validity, holder, vomsdir/LSC trust, the
//! VOMS server's own chain, targets and critical extensions.

use crate::ac::{AttributeCertificate, GenericAttribute};
use crate::error::{Error, Result};
use crate::fqan::{self, Fqan};
use crate::sig::{self, Legacy, SigError};
use crate::vomsdir::Vomsdir;
use grid_x509::{Certificate, UnixTime};
use std::borrow::Cow;

/// What verification accepts beyond the strict default. `Default` is strict: SHA-1 and
/// RSA keys under 2048 bits are refused, no clock skew, no caller name (so targeted ACs
/// are refused).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyPolicy {
    /// Accept SHA-1 signatures (VOMS servers before 2.0.12 signed with SHA-1).
    pub allow_sha1: bool,
    /// Accept RSA keys of 1024 to 2047 bits.
    pub allow_rsa_1024: bool,
    /// Seconds of clock skew tolerated at both ends of the validity period
    /// (the VOMS C++ API uses 300).
    pub clock_skew_secs: i64,
    /// Accept ECDSA signatures whose algorithm identifier is `sha256WithRSAEncryption`
    /// or `sha384WithRSAEncryption`, as VOMS writes them when its key is EC. The key
    /// type still comes from the certified key; only the label is wrong.
    pub allow_voms_ec_label: bool,
    /// The caller's name (host name or URI), matched against the AC's targets.
    pub target: Option<String>,
}

impl VerifyPolicy {
    /// The strict default.
    pub fn strict() -> Self {
        Self::default()
    }

    /// What the VOMS C++ API accepts: SHA-1, 1024-bit RSA, ECDSA under an RSA label and
    /// 5 minutes of skew.
    pub fn voms_compatible() -> Self {
        Self {
            allow_sha1: true,
            allow_rsa_1024: true,
            clock_skew_secs: 300,
            allow_voms_ec_label: true,
            target: None,
        }
    }

    /// Sets the caller's name for targeted ACs.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Sets the clock skew.
    pub fn with_clock_skew(mut self, secs: i64) -> Self {
        self.clock_skew_secs = secs;
        self
    }

    fn legacy(&self) -> Legacy {
        Legacy {
            sha1: self.allow_sha1,
            rsa_1024: self.allow_rsa_1024,
            ec_rsa_label: self.allow_voms_ec_label,
        }
    }
}

/// The trust configuration: a vomsdir and the CA directory for the VOMS servers' chains.
#[derive(Clone, Debug)]
pub struct VomsTrust {
    /// The vomsdir.
    pub vomsdir: Vomsdir,
    /// Trusted CAs (and their CRLs) for the VOMS servers' chains.
    pub cas: grid_x509::CaStore,
}

impl VomsTrust {
    /// Loads both directories.
    pub fn load(vomsdir: &std::path::Path, ca_dir: &std::path::Path) -> Result<Self> {
        Ok(Self {
            vomsdir: Vomsdir::load(vomsdir)?,
            cas: grid_x509::CaStore::from_dir(ca_dir).map_err(|e| Error::Io {
                path: ca_dir.display().to_string(),
                reason: e.to_string(),
            })?,
        })
    }
}

/// How the VOMS server certificate was trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrustSource {
    /// An `.lsc` file matched the certificates embedded in the AC.
    Lsc {
        /// The `.lsc` file.
        file: String,
        /// Index of the matching alternative chain.
        chain: usize,
    },
    /// A PEM certificate in the vomsdir signed the AC.
    Pem {
        /// The PEM file.
        file: String,
    },
    /// Not verified: built with [`crate::dangerous::accept_unverified`].
    Unverified,
}

/// An AC that passed every check at `now`; what it proves.
#[derive(Clone, Debug)]
pub struct VerifiedAc {
    ac: AttributeCertificate,
    signer: Option<Certificate>,
    source: TrustSource,
    issuer_chain: Vec<String>,
    verified_at: UnixTime,
}

impl VerifiedAc {
    pub(crate) fn unverified(ac: AttributeCertificate, now: UnixTime) -> Self {
        Self {
            ac,
            signer: None,
            source: TrustSource::Unverified,
            issuer_chain: Vec::new(),
            verified_at: now,
        }
    }

    /// The AC.
    pub fn ac(&self) -> &AttributeCertificate {
        &self.ac
    }
    /// The VO.
    pub fn vo(&self) -> &str {
        self.ac.vo()
    }
    /// The FQANs in order.
    pub fn fqans(&self) -> &[Fqan] {
        self.ac.fqans()
    }
    /// The primary (first) FQAN.
    pub fn primary_fqan(&self) -> Option<&Fqan> {
        self.ac.fqans().first()
    }
    /// Generic attributes.
    pub fn attributes(&self) -> &[GenericAttribute] {
        self.ac.attributes()
    }
    /// Does the AC grant `group` (exact path, e.g. `/cms/uscms`) with `role`
    /// (`None` = any role)?
    pub fn holds(&self, group: &str, role: Option<&str>) -> bool {
        fqan::holds(self.ac.fqans(), group, role)
    }
    /// Does the AC grant `role` in any group of its VO?
    pub fn holds_role(&self, role: &str) -> bool {
        fqan::holds_role(self.ac.fqans(), self.ac.vo(), role)
    }
    /// The VOMS server certificate that signed it (`None` when unverified).
    pub fn signer(&self) -> Option<&Certificate> {
        self.signer.as_ref()
    }
    /// How the signer was trusted.
    pub fn trust_source(&self) -> &TrustSource {
        &self.source
    }
    /// Subjects from the VOMS server certificate up to the trusted CA.
    pub fn issuer_chain(&self) -> &[String] {
        &self.issuer_chain
    }
    /// The time of verification.
    pub fn verified_at(&self) -> UnixTime {
        self.verified_at
    }
    /// The trusted CA that issued the VOMS server certificate, when verified.
    pub fn issuer_ca(&self) -> Option<&str> {
        self.issuer_chain.last().map(String::as_str)
    }
}

fn holder_mismatch(ac: &AttributeCertificate, ee: &Certificate, reason: &'static str) -> Error {
    let h = ac.holder();
    let holder = match (&h.issuer, &h.serial, &h.entity_name) {
        (Some(i), Some(s), _) => format!("issuer {i} serial {}", crate::hex_upper(s)),
        (_, _, Some(n)) => format!("entity {n}"),
        _ => "<none>".to_string(),
    };
    Error::HolderMismatch {
        ac: ac.index(),
        vo: ac.vo().to_string(),
        reason,
        holder,
        end_entity: format!(
            "subject {} issuer {} serial {}",
            ee.subject(),
            ee.issuer(),
            ee.serial_hex()
        ),
    }
}

/// Checks the holder against the end-entity certificate: base certificate ID (serial and
/// the issuer name, which VOMS writes as the holder's subject and RFC 3281 as its issuer),
/// else the entity name.
pub(crate) fn check_holder(ac: &AttributeCertificate, ee: &Certificate) -> Result<()> {
    let h = ac.holder();
    if let (Some(issuer), Some(serial)) = (&h.issuer, &h.serial) {
        if magnitude(serial) != magnitude(ee.serial_bytes()) {
            return Err(holder_mismatch(ac, ee, "serial number differs"));
        }
        if issuer != ee.issuer() && issuer != ee.subject() {
            return Err(holder_mismatch(
                ac,
                ee,
                "issuer name is neither the end-entity's issuer nor its subject",
            ));
        }
        return Ok(());
    }
    match &h.entity_name {
        Some(n) if n == ee.subject() => Ok(()),
        _ => Err(holder_mismatch(
            ac,
            ee,
            "entity name is not the end-entity's subject",
        )),
    }
}

/// An INTEGER's content without leading zero bytes.
fn magnitude(mut b: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = b {
        b = rest;
    }
    b
}

fn sig_error(ac: &AttributeCertificate, signer: &Certificate, e: SigError) -> Error {
    let vo = ac.vo().to_string();
    match e {
        SigError::Unsupported(what, oid) => Error::UnsupportedAlgorithm {
            ac: ac.index(),
            what,
            oid,
        },
        SigError::Sha1 => Error::LegacyAlgorithm {
            ac: ac.index(),
            vo,
            what: "SHA-1 signature",
            option: "allow_sha1",
        },
        SigError::SmallRsa => Error::LegacyAlgorithm {
            ac: ac.index(),
            vo,
            what: "RSA key under 2048 bits",
            option: "allow_rsa_1024",
        },
        SigError::EcRsaLabel => Error::LegacyAlgorithm {
            ac: ac.index(),
            vo,
            what: "ECDSA signature labelled with an RSA algorithm",
            option: "allow_voms_ec_label",
        },
        SigError::Bad => Error::BadSignature {
            ac: ac.index(),
            vo,
            signer: signer.subject().to_string(),
        },
    }
}

/// Verifies one AC at `now` for the end-entity certificate `end_entity` (the
/// certificate behind the proxy chain, see [`crate::end_entity`]).
pub fn verify_ac(
    ac: &AttributeCertificate,
    end_entity: &Certificate,
    trust: &VomsTrust,
    policy: &VerifyPolicy,
    now: UnixTime,
) -> Result<VerifiedAc> {
    let vo = ac.vo().to_string();
    let idx = ac.index();
    // Validity.
    let skew = policy.clock_skew_secs.max(0);
    if now.saturating_add(skew) < ac.not_before() {
        return Err(Error::NotYetValid {
            ac: idx,
            vo,
            not_before: ac.not_before(),
            now,
        });
    }
    if now.saturating_add(skew.saturating_neg()) > ac.not_after() {
        return Err(Error::Expired {
            ac: idx,
            vo,
            not_after: ac.not_after(),
            now,
        });
    }
    check_holder(ac, end_entity)?;

    // Find the signer and the certificates that may lead from it to a trusted CA.
    let legacy = policy.legacy();
    let check = |signer: &Certificate| {
        sig::verify(
            signer.public_key(),
            ac.signature_algorithm(),
            ac.info_der(),
            ac.signature(),
            legacy,
        )
    };
    let (signer, chain, source): (&Certificate, Cow<'_, [Certificate]>, TrustSource) = match trust
        .vomsdir
        .lsc(ac.vo(), ac.host())
        .filter(|_| !ac.certs().is_empty())
    {
        Some(lsc) => {
            let chain = lsc
                .matches(ac.certs())
                .map_err(|reason| Error::LscMismatch {
                    ac: idx,
                    vo: vo.clone(),
                    file: lsc.file().to_string(),
                    reason,
                })?;
            let signer = ac.certs().first().ok_or_else(|| Error::LscMismatch {
                ac: idx,
                vo: vo.clone(),
                file: lsc.file().to_string(),
                reason: "the AC embeds no certificate".to_string(),
            })?;
            check(signer).map_err(|e| sig_error(ac, signer, e))?;
            (
                signer,
                Cow::Borrowed(ac.certs()),
                TrustSource::Lsc {
                    file: lsc.file().to_string(),
                    chain,
                },
            )
        }
        None => {
            let mut last_err = None;
            let mut found = None;
            for cand in trust.vomsdir.pem_candidates(ac.vo()) {
                match check(&cand.cert) {
                    Ok(()) => {
                        found = Some(cand);
                        break;
                    }
                    Err(SigError::Bad) => {}
                    Err(e) => last_err = Some(sig_error(ac, &cand.cert, e)),
                }
            }
            match found {
                Some(c) => {
                    let mut chain = Vec::with_capacity(ac.certs().len().saturating_add(1));
                    chain.push(c.cert.clone());
                    chain.extend_from_slice(ac.certs());
                    (
                        &c.cert,
                        Cow::Owned(chain),
                        TrustSource::Pem {
                            file: c.file.clone(),
                        },
                    )
                }
                None => {
                    return Err(last_err.unwrap_or_else(|| Error::NoTrustForVo {
                        ac: idx,
                        vo: vo.clone(),
                        host: ac.host().to_string(),
                        vomsdir: trust.vomsdir.root().display().to_string(),
                    }));
                }
            }
        }
    };
    if ac.issuer() != signer.subject() {
        return Err(Error::IssuerNameMismatch {
            ac: idx,
            vo,
            issuer: ac.issuer().to_string(),
            signer: signer.subject().to_string(),
        });
    }
    let issuer_chain = crate::trust::validate_issuer_chain(&trust.cas, &chain, legacy, now)
        .map_err(|reason| Error::UntrustedIssuerChain {
            ac: idx,
            vo: vo.clone(),
            subject: signer.subject().to_string(),
            reason,
        })?;
    if let Some(oid) = ac.unknown_critical_extensions().first() {
        return Err(Error::UnknownCriticalExtension {
            ac: idx,
            vo,
            oid: oid.clone(),
        });
    }
    if let Some(targets) = ac.targets() {
        let ok = policy
            .target
            .as_deref()
            .is_some_and(|t| targets.iter().any(|x| x == t));
        if !ok {
            return Err(Error::TargetMismatch {
                ac: idx,
                vo,
                targets: targets.to_vec(),
                caller: policy
                    .target
                    .clone()
                    .unwrap_or_else(|| "<none given>".to_string()),
            });
        }
    }
    Ok(VerifiedAc {
        ac: ac.clone(),
        signer: Some(signer.clone()),
        source,
        issuer_chain,
        verified_at: now,
    })
}

/// Every AC of a proxy chain with its verdict.
#[derive(Debug)]
pub struct ProxyVerdicts {
    /// Each AC with its verification result, in stored order.
    pub acs: Vec<(AttributeCertificate, Result<VerifiedAc>)>,
}

impl ProxyVerdicts {
    /// The verified ACs only.
    pub fn verified(&self) -> impl Iterator<Item = &VerifiedAc> {
        self.acs.iter().filter_map(|(_, r)| r.as_ref().ok())
    }
}

/// Reads and verifies every AC of a chain (leaf first). `Ok` with an empty list when the
/// chain carries no AC; `Err` when the ACs cannot be decoded or there is no end-entity.
pub fn verify_chain_acs(
    chain: &[Certificate],
    trust: &VomsTrust,
    policy: &VerifyPolicy,
    now: UnixTime,
) -> Result<ProxyVerdicts> {
    let Some(found) = crate::ac::read_acs(chain)? else {
        return Ok(ProxyVerdicts { acs: Vec::new() });
    };
    let ee = crate::ac::end_entity(chain).ok_or(Error::NoEndEntity)?;
    Ok(ProxyVerdicts {
        acs: found
            .acs
            .into_iter()
            .map(|ac| {
                let r = verify_ac(&ac, ee, trust, policy, now);
                (ac, r)
            })
            .collect(),
    })
}
