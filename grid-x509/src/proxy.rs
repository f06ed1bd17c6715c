//! What a certificate is: end entity, CA, or which kind of proxy; and the identity
//! behind a proxy chain.

use crate::cert::Certificate;
use crate::dn::Dn;
use crate::ext::ProxyCertInfoFlavor;
use crate::oid;

/// The generation of proxy format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProxyFamily {
    /// RFC 3820 proxyCertInfo (`1.3.6.1.5.5.7.1.14`).
    Rfc3820,
    /// Pre-RFC draft proxyCertInfo (`1.3.6.1.4.1.3536.1.222`, GT3/GT4, `grid-proxy-init -draft`).
    Draft,
    /// Legacy Globus (GT2) proxy: `CN=proxy` / `CN=limited proxy`, no extension.
    Legacy,
}

/// What a proxy delegates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProxyPolicy {
    /// Inherit all rights (policy language `id-ppl-inheritAll`, or a legacy full proxy).
    Impersonation,
    /// No rights inherited (`id-ppl-independent`).
    Independent,
    /// Globus limited proxy (`1.3.6.1.4.1.3536.1.1.1.9`, or `CN=limited proxy`).
    Limited,
    /// Any other policy language.
    Restricted,
}

/// A proxy's family and policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProxyType {
    /// Format generation.
    pub family: ProxyFamily,
    /// Delegation policy.
    pub policy: ProxyPolicy,
}

/// Classification of one certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertKind {
    /// An end-entity certificate (user, host, service).
    EndEntity,
    /// A CA certificate (basicConstraints cA=true).
    Ca,
    /// A proxy certificate.
    Proxy(ProxyType),
}

impl CertKind {
    /// Classifies a certificate the way the Globus GSI callback does.
    pub fn of(cert: &Certificate) -> CertKind {
        let ext = cert.extensions();
        if let Some(pci) = &ext.proxy_cert_info {
            let family = match pci.flavor {
                ProxyCertInfoFlavor::Rfc3820 => ProxyFamily::Rfc3820,
                ProxyCertInfoFlavor::Draft => ProxyFamily::Draft,
            };
            let policy = match pci.policy_language {
                l if l == oid::PPL_INHERIT_ALL => ProxyPolicy::Impersonation,
                l if l == oid::PPL_INDEPENDENT => ProxyPolicy::Independent,
                l if l == oid::PPL_LIMITED => ProxyPolicy::Limited,
                _ => ProxyPolicy::Restricted,
            };
            return CertKind::Proxy(ProxyType { family, policy });
        }
        if let Some(policy) = legacy_policy(cert.subject(), cert.issuer()) {
            return CertKind::Proxy(ProxyType {
                family: ProxyFamily::Legacy,
                policy,
            });
        }
        if ext.basic_constraints.is_some_and(|b| b.ca) {
            CertKind::Ca
        } else {
            CertKind::EndEntity
        }
    }

    /// The stable name used in JSON output (`rfc3820-impersonation`, `legacy-limited`,
    /// `end-entity`, `ca`, ...).
    pub fn json_name(self) -> &'static str {
        use ProxyFamily as F;
        use ProxyPolicy as P;
        match self {
            CertKind::EndEntity => "end-entity",
            CertKind::Ca => "ca",
            CertKind::Proxy(t) => match (t.family, t.policy) {
                (F::Rfc3820, P::Impersonation) => "rfc3820-impersonation",
                (F::Rfc3820, P::Independent) => "rfc3820-independent",
                (F::Rfc3820, P::Limited) => "rfc3820-limited",
                (F::Rfc3820, P::Restricted) => "rfc3820-restricted",
                (F::Draft, P::Impersonation) => "draft-impersonation",
                (F::Draft, P::Independent) => "draft-independent",
                (F::Draft, P::Limited) => "draft-limited",
                (F::Draft, P::Restricted) => "draft-restricted",
                (F::Legacy, P::Limited) => "legacy-limited",
                (F::Legacy, _) => "legacy-full",
            },
        }
    }

    /// The text `grid-proxy-info` prints on its `type` line.
    pub fn globus_name(self) -> &'static str {
        use ProxyFamily as F;
        use ProxyPolicy as P;
        match self {
            CertKind::EndEntity => "end entity credential",
            CertKind::Ca => "CA certificate",
            CertKind::Proxy(t) => match (t.family, t.policy) {
                (F::Rfc3820, P::Impersonation) => "RFC 3820 compliant impersonation proxy",
                (F::Rfc3820, P::Independent) => "RFC 3820 compliant independent proxy",
                (F::Rfc3820, P::Limited) => "RFC 3820 compliant limited proxy",
                (F::Rfc3820, P::Restricted) => "RFC 3820 compliant restricted proxy",
                (F::Draft, P::Impersonation) => {
                    "Proxy draft (pre-RFC) compliant impersonation proxy"
                }
                (F::Draft, P::Independent) => "Proxy draft (pre-RFC) compliant independent proxy",
                (F::Draft, P::Limited) => "Proxy draft (pre-RFC) compliant limited proxy",
                (F::Draft, P::Restricted) => "Proxy draft (pre-RFC) compliant restricted proxy",
                (F::Legacy, P::Limited) => "limited legacy globus proxy",
                (F::Legacy, _) => "full legacy globus proxy",
            },
        }
    }

    /// True for any proxy.
    pub fn is_proxy(self) -> bool {
        matches!(self, CertKind::Proxy(_))
    }

    /// True for limited proxies (RFC, draft or legacy).
    pub fn is_limited(self) -> bool {
        matches!(self, CertKind::Proxy(t) if t.policy == ProxyPolicy::Limited)
    }
}

/// `CN=proxy` / `CN=limited proxy` on top of exactly the issuer's DN.
fn legacy_policy(subject: &Dn, issuer: &Dn) -> Option<ProxyPolicy> {
    let policy = match subject.last_cn()? {
        "proxy" => ProxyPolicy::Impersonation,
        "limited proxy" => ProxyPolicy::Limited,
        _ => return None,
    };
    (subject.parent().as_ref() == Some(issuer)).then_some(policy)
}

/// The end-entity subject behind a chain (leaf first): the first certificate that is
/// not a proxy. `None` when the chain holds only proxies.
pub fn end_entity_index(chain: &[Certificate]) -> Option<usize> {
    chain.iter().position(|c| !CertKind::of(c).is_proxy())
}

/// Globus's identity rule (`grid-proxy-info -identity`): starting at the leaf, strip one
/// trailing CN for each impersonation or limited proxy; stop at the first certificate
/// that is not such a proxy (an independent or restricted proxy is its own identity).
pub fn globus_identity(chain: &[Certificate]) -> Option<Dn> {
    let leaf = chain.first()?;
    let mut name = leaf.subject().clone();
    for cert in chain {
        match CertKind::of(cert) {
            CertKind::Proxy(t)
                if matches!(t.policy, ProxyPolicy::Impersonation | ProxyPolicy::Limited) =>
            {
                match name.parent() {
                    Some(p) => name = p,
                    None => break,
                }
            }
            _ => break,
        }
    }
    Some(name)
}
