//! Chain validation at a given time against a [`CaStore`], with the RFC 3820 proxy rules.

use crate::ca_dir::CaStore;
use crate::cert::{Certificate, KeyType};
use crate::dn::Dn;
use crate::error::{Error, Result};
use crate::policy::{CrlPolicy, ValidationPolicy};
use crate::proxy::{self, CertKind, ProxyFamily, ProxyPolicy};
use crate::signature::{SignatureFailure, verify_signature};
use crate::time::UnixTime;

/// What a successful validation proved.
#[derive(Clone, Debug)]
pub struct VerifiedChain {
    path: Vec<Certificate>,
    kinds: Vec<CertKind>,
    end_entity_index: usize,
    globus_identity: Dn,
    not_after: UnixTime,
}

impl VerifiedChain {
    /// The validated path, leaf first, ending with the trusted root.
    pub fn path(&self) -> &[Certificate] {
        &self.path
    }
    /// The kind of each certificate in [`Self::path`].
    pub fn kinds(&self) -> &[CertKind] {
        &self.kinds
    }
    /// The leaf.
    pub fn leaf(&self) -> &Certificate {
        // Invariant: a verified path holds at least the leaf.
        #[allow(clippy::indexing_slicing)]
        &self.path[0]
    }
    /// Index of the end-entity certificate behind the proxies.
    pub fn end_entity_index(&self) -> usize {
        self.end_entity_index
    }
    /// The end-entity certificate behind any number of proxy levels.
    pub fn end_entity(&self) -> &Certificate {
        self.path
            .get(self.end_entity_index)
            .unwrap_or_else(|| self.leaf())
    }
    /// The identity: the end-entity subject.
    pub fn identity(&self) -> &Dn {
        self.end_entity().subject()
    }
    /// The identity by Globus's rule (see [`crate::globus_identity`]).
    pub fn globus_identity(&self) -> &Dn {
        &self.globus_identity
    }
    /// Number of proxy certificates.
    pub fn proxy_depth(&self) -> usize {
        self.end_entity_index
    }
    /// True when any proxy in the chain is limited.
    pub fn is_limited(&self) -> bool {
        self.kinds.iter().any(|k| k.is_limited())
    }
    /// The earliest notAfter in the path: when the chain stops being valid.
    pub fn not_after(&self) -> UnixTime {
        self.not_after
    }
    /// Seconds left at `now` (0 when expired).
    pub fn time_left(&self, now: UnixTime) -> i64 {
        now.seconds_until(self.not_after).max(0)
    }
}

/// Validates `certs` (leaf first, as read from a proxy or certificate file; extra
/// certificates may be present) against the trust store at time `now`.
pub fn verify_chain(
    certs: &[Certificate],
    store: &CaStore,
    policy: &ValidationPolicy,
    now: UnixTime,
) -> Result<VerifiedChain> {
    let leaf = certs.first().ok_or(Error::EmptyChain)?;
    if certs.len() > policy.max_chain_depth {
        return Err(Error::ChainTooLong {
            depth: certs.len(),
            max: policy.max_chain_depth,
        });
    }
    let path = build_path(leaf, certs.get(1..).unwrap_or(&[]), store, policy)?;
    let kinds: Vec<CertKind> = path.iter().map(CertKind::of).collect();

    // Per-certificate checks, from the root down, as OpenSSL reports them.
    for (i, cert) in path.iter().enumerate().rev() {
        check_time(cert, i, now)?;
        check_key_strength(cert, i, policy)?;
        let also = [crate::oid::VOMS_AC_SEQ];
        if let Some(ext) = cert.extensions().unknown_critical(&also) {
            return Err(Error::UnknownCriticalExtension {
                cert: cert.cert_ref(i),
                oid: ext.oid.to_string(),
            });
        }
    }
    check_issuers(&path, &kinds)?;
    check_proxies(&path, &kinds, policy)?;
    check_revocation(&path, &kinds, store, policy, now)?;

    let end_entity_index = kinds.iter().position(|k| !k.is_proxy()).unwrap_or(0);
    let globus_identity = proxy::globus_identity(&path).unwrap_or_else(|| leaf.subject().clone());
    let not_after = path
        .iter()
        .map(Certificate::not_after)
        .min()
        .unwrap_or(leaf.not_after());
    Ok(VerifiedChain {
        path,
        kinds,
        end_entity_index,
        globus_identity,
        not_after,
    })
}

fn sig_error(cert: &Certificate, index: usize, issuer: &Certificate, f: SignatureFailure) -> Error {
    match f {
        SignatureFailure::Invalid => Error::BadSignature {
            cert: cert.cert_ref(index),
            issuer: issuer.subject().to_openssl(),
        },
        SignatureFailure::NotAllowed(rule) | SignatureFailure::Unsupported(rule) => {
            Error::SignatureAlgorithm {
                cert: cert.cert_ref(index),
                algorithm: cert.signature_algorithm().name(),
                rule,
            }
        }
    }
}

/// Builds leaf → root: issuers are looked up in the trust store first, then among the
/// supplied certificates; the path ends at a self-issued certificate of the store.
fn build_path(
    leaf: &Certificate,
    supplied: &[Certificate],
    store: &CaStore,
    policy: &ValidationPolicy,
) -> Result<Vec<Certificate>> {
    let mut path = vec![leaf.clone()];
    loop {
        let index = path.len().saturating_sub(1);
        let Some(cur) = path.last() else {
            return Err(Error::EmptyChain);
        };
        if cur.is_self_issued() && store.contains(cur) {
            return Ok(path);
        }
        let from_store = store.cas_for(cur.issuer()).iter();
        let from_input = supplied
            .iter()
            .filter(|c| c.subject() == cur.issuer() && c.der() != cur.der());
        let mut first_failure = None;
        let mut found = None;
        for cand in from_store.chain(from_input) {
            match verify_signature(
                cand.public_key(),
                cur.signature_algorithm(),
                cur.tbs_der(),
                cur.signature(),
                policy.allow_sha1,
            ) {
                Ok(()) => {
                    found = Some(cand.clone());
                    break;
                }
                Err(f) => {
                    first_failure.get_or_insert((cand.clone(), f));
                }
            }
        }
        match (found, first_failure) {
            (Some(issuer), _) => {
                if path.iter().any(|p| p.der() == issuer.der()) {
                    // A loop in the supplied certificates: the issuer is already on the path
                    // but not a trusted root.
                    return Err(untrusted(cur, index, store));
                }
                path.push(issuer);
                if path.len() > policy.max_chain_depth {
                    return Err(Error::ChainTooLong {
                        depth: path.len(),
                        max: policy.max_chain_depth,
                    });
                }
            }
            (None, Some((issuer, failure))) => return Err(sig_error(cur, index, &issuer, failure)),
            (None, None) => return Err(untrusted(cur, index, store)),
        }
    }
}

fn untrusted(cur: &Certificate, index: usize, store: &CaStore) -> Error {
    Error::UntrustedIssuer {
        cert: cur.cert_ref(index),
        issuer: cur.issuer().to_openssl(),
        ca_dir: store.location().to_string(),
    }
}

fn check_time(cert: &Certificate, i: usize, now: UnixTime) -> Result<()> {
    if now < cert.not_before() {
        return Err(Error::NotYetValid {
            cert: cert.cert_ref(i),
            not_before: cert.not_before(),
            now,
        });
    }
    if now > cert.not_after() {
        return Err(Error::Expired {
            cert: cert.cert_ref(i),
            not_after: cert.not_after(),
            now,
        });
    }
    Ok(())
}

fn check_key_strength(cert: &Certificate, i: usize, policy: &ValidationPolicy) -> Result<()> {
    let key = cert.public_key();
    match key.key_type() {
        KeyType::Rsa if key.bits() < policy.min_rsa_bits => Err(Error::WeakKey {
            cert: cert.cert_ref(i),
            key_type: "RSA",
            bits: key.bits(),
            min: policy.min_rsa_bits,
        }),
        KeyType::Ec if key.bits() < 256 => Err(Error::WeakKey {
            cert: cert.cert_ref(i),
            key_type: "EC",
            bits: key.bits(),
            min: 256,
        }),
        _ => Ok(()),
    }
}

/// Issuer rules: a non-proxy is issued by a CA with keyCertSign; a proxy by an end
/// entity or a proxy whose keyUsage (if any) allows digitalSignature; CA path lengths.
fn check_issuers(path: &[Certificate], kinds: &[CertKind]) -> Result<()> {
    for (i, pair) in path.windows(2).enumerate() {
        let (Some(_subject_cert), Some(issuer)) = (pair.first(), pair.get(1)) else {
            continue;
        };
        let issuer_index = i.saturating_add(1);
        let subject_kind = kinds.get(i).copied().unwrap_or(CertKind::EndEntity);
        let issuer_kind = kinds
            .get(issuer_index)
            .copied()
            .unwrap_or(CertKind::EndEntity);
        let ku = issuer.extensions().key_usage;
        if subject_kind.is_proxy() {
            if issuer_kind == CertKind::Ca {
                return Err(Error::ProxyIssuedByCa {
                    cert: path
                        .get(i)
                        .map(|c| c.cert_ref(i))
                        .unwrap_or_else(|| issuer.cert_ref(i)),
                });
            }
            if ku.is_some_and(|k| !k.digital_signature()) {
                return Err(Error::KeyUsage {
                    cert: issuer.cert_ref(issuer_index),
                    missing: "digitalSignature (needed to sign a proxy, RFC 3820 §3.1)",
                });
            }
        } else {
            if issuer_kind != CertKind::Ca {
                return Err(Error::NotCa {
                    cert: issuer.cert_ref(issuer_index),
                });
            }
            if ku.is_some_and(|k| !k.key_cert_sign()) {
                return Err(Error::KeyUsage {
                    cert: issuer.cert_ref(issuer_index),
                    missing: "keyCertSign (needed to issue certificates, RFC 5280 §4.2.1.3)",
                });
            }
        }
    }
    // CA pathLenConstraint: non-self-issued intermediate CAs below it.
    for (i, cert) in path.iter().enumerate() {
        if kinds.get(i) != Some(&CertKind::Ca) {
            continue;
        }
        let Some(limit) = cert.extensions().basic_constraints.and_then(|b| b.path_len) else {
            continue;
        };
        let below = (1..i)
            .filter(|&j| {
                kinds.get(j) == Some(&CertKind::Ca)
                    && path.get(j).is_some_and(|c| !c.is_self_issued())
            })
            .count();
        if u32::try_from(below).unwrap_or(u32::MAX) > limit {
            return Err(Error::PathLengthExceeded {
                cert: cert.cert_ref(i),
                limit,
                rule: "basicConstraints pathLenConstraint (RFC 5280 §4.2.1.9)",
            });
        }
    }
    Ok(())
}

/// RFC 3820 §4.1 rules for every proxy, plus the Globus rules on limited and mixed proxies.
fn check_proxies(
    path: &[Certificate],
    kinds: &[CertKind],
    policy: &ValidationPolicy,
) -> Result<()> {
    for (i, cert) in path.iter().enumerate() {
        let Some(CertKind::Proxy(t)) = kinds.get(i).copied() else {
            continue;
        };
        let r = || cert.cert_ref(i);
        match t.family {
            ProxyFamily::Legacy if !policy.allow_legacy_proxies => {
                return Err(Error::ProxyKindNotAllowed {
                    cert: r(),
                    kind: "legacy Globus",
                    policy: policy.name,
                });
            }
            ProxyFamily::Draft if !policy.allow_draft_proxies => {
                return Err(Error::ProxyKindNotAllowed {
                    cert: r(),
                    kind: "pre-RFC draft",
                    policy: policy.name,
                });
            }
            _ => {}
        }
        let ext = cert.extensions();
        if ext.basic_constraints.is_some_and(|b| b.ca) {
            return Err(Error::ProxyIsCa { cert: r() });
        }
        if ext.key_usage.is_some_and(|k| k.key_cert_sign()) {
            return Err(Error::ProxyKeyCertSign { cert: r() });
        }
        let Some(issuer) = path.get(i.saturating_add(1)) else {
            continue;
        };
        let one_more_cn = cert.subject().parent().as_ref() == Some(issuer.subject())
            && cert.subject().last_cn().is_some();
        if !one_more_cn {
            return Err(Error::ProxySubjectMismatch {
                cert: r(),
                issuer: issuer.subject().to_openssl(),
            });
        }
        if let Some(CertKind::Proxy(it)) = kinds.get(i.saturating_add(1)).copied() {
            if it.family != t.family {
                return Err(Error::MixedProxyKinds {
                    cert: r(),
                    kind: CertKind::Proxy(t).json_name(),
                });
            }
            if it.policy == ProxyPolicy::Limited && t.policy == ProxyPolicy::Impersonation {
                return Err(Error::LimitedProxyIssuedFull { cert: r() });
            }
        }
        // pCPathLenConstraint: proxies allowed below this one.
        if let Some(limit) = ext.proxy_cert_info.as_ref().and_then(|p| p.path_len) {
            let below = u32::try_from(i).unwrap_or(u32::MAX);
            if below > limit {
                return Err(Error::PathLengthExceeded {
                    cert: r(),
                    limit,
                    rule: "proxyCertInfo pCPathLenConstraint (RFC 3820 §3.8)",
                });
            }
        }
    }
    Ok(())
}

fn check_revocation(
    path: &[Certificate],
    kinds: &[CertKind],
    store: &CaStore,
    policy: &ValidationPolicy,
    now: UnixTime,
) -> Result<()> {
    if policy.crl == CrlPolicy::Ignore {
        return Ok(());
    }
    for (i, cert) in path.iter().enumerate() {
        // Proxies are not in CRLs; the root is not revoked by itself.
        if kinds.get(i).is_none_or(|k| k.is_proxy()) || cert.is_self_issued() {
            continue;
        }
        let Some(issuer) = path.get(i.saturating_add(1)) else {
            continue;
        };
        let crls = store.crls_for(issuer.subject());
        if crls.is_empty() {
            if policy.crl == CrlPolicy::Require {
                return Err(Error::CrlInvalid {
                    path: store.location().to_string(),
                    issuer: issuer.subject().to_openssl(),
                    reason: "no CRL installed and the policy requires one".into(),
                });
            }
            continue;
        }
        let mut usable = 0usize;
        for crl in crls {
            let verified = crl.check_signature(issuer.public_key(), policy.allow_sha1);
            let problem = match verified {
                Err(_) => Some("signature does not verify with the CA's key".to_string()),
                Ok(()) if !crl.is_current(now) => Some(format!(
                    "not current at {now} (thisUpdate {}, nextUpdate {})",
                    crl.this_update(),
                    crl.next_update()
                        .map_or_else(|| "none".to_string(), |t| t.to_string())
                )),
                Ok(()) => None,
            };
            if let Some(reason) = problem {
                if matches!(policy.crl, CrlPolicy::IfPresent | CrlPolicy::Require) {
                    return Err(Error::CrlInvalid {
                        path: crl.origin().to_string(),
                        issuer: issuer.subject().to_openssl(),
                        reason,
                    });
                }
                continue;
            }
            usable = usable.saturating_add(1);
            if crl.is_revoked(cert.serial_bytes()) {
                return Err(Error::Revoked {
                    cert: cert.cert_ref(i),
                    serial: cert.serial_hex(),
                    crl_issuer: crl.issuer().to_openssl(),
                });
            }
        }
        if usable == 0 && policy.crl == CrlPolicy::Require {
            return Err(Error::CrlInvalid {
                path: store.location().to_string(),
                issuer: issuer.subject().to_openssl(),
                reason: "no current, verifiable CRL".into(),
            });
        }
    }
    Ok(())
}
