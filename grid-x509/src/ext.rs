//! Certificate extensions: the ones grid validation needs, decoded once.

use crate::dn::Dn;
use crate::error::{CertRef, Error, Result};
use crate::oid;
use der::Decode;
use der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::name::GeneralName;

/// Splits one DER TLV with a single-byte tag off the front of `input`:
/// `(tag, content, rest)`. `None` on anything malformed (long-form tags, indefinite
/// lengths, lengths past the end, non-minimal long lengths are tolerated).
pub(crate) fn split_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (len_bytes, rest) = rest.split_at_checked(n)?;
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, rest)
    };
    let (content, rest) = rest.split_at_checked(len)?;
    Some((tag, content, rest))
}

/// One extension as encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawExtension {
    /// Extension OID.
    pub oid: ObjectIdentifier,
    /// The critical flag.
    pub critical: bool,
    /// The extnValue OCTET STRING content.
    pub value: Vec<u8>,
}

/// basicConstraints (RFC 5280 §4.2.1.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct BasicConstraints {
    /// cA flag.
    pub ca: bool,
    /// pathLenConstraint.
    pub path_len: Option<u32>,
}

/// keyUsage bits (RFC 5280 §4.2.1.3), bit 0 = digitalSignature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct KeyUsage(pub u16);

impl KeyUsage {
    const NAMES: [&'static str; 9] = [
        "Digital Signature",
        "Non Repudiation",
        "Key Encipherment",
        "Data Encipherment",
        "Key Agreement",
        "Certificate Sign",
        "CRL Sign",
        "Encipher Only",
        "Decipher Only",
    ];
    fn bit(self, n: u16) -> bool {
        self.0 & (1 << n) != 0
    }
    /// digitalSignature.
    pub fn digital_signature(self) -> bool {
        self.bit(0)
    }
    /// keyEncipherment.
    pub fn key_encipherment(self) -> bool {
        self.bit(2)
    }
    /// keyCertSign.
    pub fn key_cert_sign(self) -> bool {
        self.bit(5)
    }
    /// cRLSign.
    pub fn crl_sign(self) -> bool {
        self.bit(6)
    }
    /// The names of the bits set, as OpenSSL prints them.
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| u16::try_from(*i).is_ok_and(|i| self.bit(i)))
            .map(|(_, n)| *n)
            .collect()
    }
}

/// Which proxyCertInfo extension a proxy carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyCertInfoFlavor {
    /// RFC 3820 (`1.3.6.1.5.5.7.1.14`).
    Rfc3820,
    /// Pre-RFC draft, GT3/GT4 (`1.3.6.1.4.1.3536.1.222`).
    Draft,
}

/// proxyCertInfo (RFC 3820 §3.8, or the draft form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyCertInfo {
    /// Which extension.
    pub flavor: ProxyCertInfoFlavor,
    /// pCPathLenConstraint.
    pub path_len: Option<u32>,
    /// The proxy policy language.
    pub policy_language: ObjectIdentifier,
    /// The policy, if any.
    pub policy: Option<Vec<u8>>,
}

/// The extensions of a certificate: the raw list plus decoded views.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Extensions {
    raw: Vec<RawExtension>,
    /// basicConstraints.
    pub basic_constraints: Option<BasicConstraints>,
    /// keyUsage.
    pub key_usage: Option<KeyUsage>,
    /// extendedKeyUsage OIDs.
    pub ext_key_usage: Option<Vec<ObjectIdentifier>>,
    /// subjectAltName entries as printable text (`DNS:host`, `IP Address:1.2.3.4`, ...).
    pub subject_alt_names: Vec<String>,
    /// proxyCertInfo.
    pub proxy_cert_info: Option<ProxyCertInfo>,
    /// subjectKeyIdentifier.
    pub subject_key_id: Option<Vec<u8>>,
    /// authorityKeyIdentifier keyIdentifier.
    pub authority_key_id: Option<Vec<u8>>,
}

/// Extensions whose meaning this crate knows, so that a critical one is acceptable.
const UNDERSTOOD: [ObjectIdentifier; 11] = [
    oid::BASIC_CONSTRAINTS,
    oid::KEY_USAGE,
    oid::EXT_KEY_USAGE,
    oid::SUBJECT_ALT_NAME,
    oid::ISSUER_ALT_NAME,
    oid::SUBJECT_KEY_ID,
    oid::AUTHORITY_KEY_ID,
    oid::PROXY_CERT_INFO,
    oid::PROXY_CERT_INFO_DRAFT,
    // Certificate policies are not enforced, but marking them critical is common in
    // IGTF CAs and anyPolicy processing is out of scope; accept like voms/canl do.
    oid::CERTIFICATE_POLICIES,
    oid::CRL_DISTRIBUTION_POINTS,
];

impl Extensions {
    /// Parses the content of the `[3]` extensions field: a SEQUENCE OF Extension.
    pub(crate) fn parse_der(explicit: &[u8], cert: &CertRef) -> Result<Self> {
        let bad = |reason: &str| Error::MalformedExtension {
            cert: cert.clone(),
            name: "extensions",
            oid: "-".into(),
            reason: reason.to_string(),
        };
        let (tag, mut list, rest) = split_tlv(explicit).ok_or_else(|| bad("not DER"))?;
        if tag != 0x30 || !rest.is_empty() {
            return Err(bad("not a SEQUENCE OF Extension"));
        }
        let mut out = Extensions::default();
        while !list.is_empty() {
            let (t, ext, next) = split_tlv(list).ok_or_else(|| bad("truncated Extension"))?;
            list = next;
            let (ot, oid_bytes, r) = split_tlv(ext).ok_or_else(|| bad("Extension without OID"))?;
            if t != 0x30 || ot != 0x06 {
                return Err(bad("Extension is not SEQUENCE { OID, ... }"));
            }
            let id = ObjectIdentifier::from_bytes(oid_bytes)
                .map_err(|_| bad("malformed extension OID"))?;
            let (mut vt, mut vv, mut r) =
                split_tlv(r).ok_or_else(|| bad("Extension without value"))?;
            let mut critical = false;
            if vt == 0x01 {
                critical = matches!(vv, [b] if *b != 0);
                if vv.len() != 1 {
                    return Err(bad("critical is not a one-byte BOOLEAN"));
                }
                (vt, vv, r) = split_tlv(r).ok_or_else(|| bad("Extension without value"))?;
            }
            if vt != 0x04 || !r.is_empty() {
                return Err(bad("extnValue is not an OCTET STRING"));
            }
            if out.raw.iter().any(|e| e.oid == id) {
                return Err(Error::DuplicateExtension {
                    cert: cert.clone(),
                    oid: id.to_string(),
                });
            }
            out.decode_one(&id, vv, cert)?;
            out.raw.push(RawExtension {
                oid: id,
                critical,
                value: vv.to_vec(),
            });
        }
        Ok(out)
    }

    fn decode_one(&mut self, id: &ObjectIdentifier, v: &[u8], cert: &CertRef) -> Result<()> {
        let bad = |name: &'static str, reason: &str| Error::MalformedExtension {
            cert: cert.clone(),
            name,
            oid: id.to_string(),
            reason: reason.to_string(),
        };
        if *id == oid::BASIC_CONSTRAINTS {
            self.basic_constraints =
                Some(parse_basic_constraints(v).map_err(|r| bad("basicConstraints", r))?);
        } else if *id == oid::KEY_USAGE {
            self.key_usage = Some(parse_key_usage(v).map_err(|r| bad("keyUsage", r))?);
        } else if *id == oid::EXT_KEY_USAGE {
            let eku = x509_cert::ext::pkix::ExtendedKeyUsage::from_der(v)
                .map_err(|e| bad("extendedKeyUsage", &e.to_string()))?;
            self.ext_key_usage = Some(eku.0);
        } else if *id == oid::SUBJECT_ALT_NAME {
            let san = x509_cert::ext::pkix::SubjectAltName::from_der(v)
                .map_err(|e| bad("subjectAltName", &e.to_string()))?;
            self.subject_alt_names = san.0.iter().map(general_name_text).collect();
        } else if *id == oid::PROXY_CERT_INFO || *id == oid::PROXY_CERT_INFO_DRAFT {
            let flavor = if *id == oid::PROXY_CERT_INFO {
                ProxyCertInfoFlavor::Rfc3820
            } else {
                ProxyCertInfoFlavor::Draft
            };
            if self.proxy_cert_info.is_some() {
                return Err(bad(
                    "proxyCertInfo",
                    "both the RFC 3820 and the draft proxyCertInfo are present",
                ));
            }
            self.proxy_cert_info =
                Some(parse_proxy_cert_info(v, flavor).map_err(|r| bad("proxyCertInfo", r))?);
        } else if *id == oid::SUBJECT_KEY_ID {
            let (tag, c, rest) =
                split_tlv(v).ok_or_else(|| bad("subjectKeyIdentifier", "not DER"))?;
            if tag != 0x04 || !rest.is_empty() {
                return Err(bad("subjectKeyIdentifier", "not an OCTET STRING"));
            }
            self.subject_key_id = Some(c.to_vec());
        } else if *id == oid::AUTHORITY_KEY_ID {
            let aki = x509_cert::ext::pkix::AuthorityKeyIdentifier::from_der(v)
                .map_err(|e| bad("authorityKeyIdentifier", &e.to_string()))?;
            self.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
        }
        Ok(())
    }

    /// All extensions as encoded, in order.
    pub fn raw_list(&self) -> &[RawExtension] {
        &self.raw
    }

    /// One extension by OID.
    pub fn raw(&self, id: &ObjectIdentifier) -> Option<&RawExtension> {
        self.raw.iter().find(|r| r.oid == *id)
    }

    /// The first critical extension this crate does not understand (RFC 5280 §4.2).
    /// `also_understood` lists OIDs the caller handles (e.g. VOMS targets).
    pub fn unknown_critical(&self, also_understood: &[ObjectIdentifier]) -> Option<&RawExtension> {
        self.raw.iter().find(|r| {
            r.critical && !UNDERSTOOD.contains(&r.oid) && !also_understood.contains(&r.oid)
        })
    }
}

fn parse_basic_constraints(v: &[u8]) -> std::result::Result<BasicConstraints, &'static str> {
    let (tag, mut c, rest) = split_tlv(v).ok_or("not DER")?;
    if tag != 0x30 || !rest.is_empty() {
        return Err("not a SEQUENCE");
    }
    let mut out = BasicConstraints::default();
    if let Some((0x01, b, r)) = split_tlv(c) {
        // Explicit `cA FALSE` is not DER but old CAs emit it; accept it.
        out.ca = b.first().is_some_and(|&x| x != 0);
        if b.len() != 1 {
            return Err("cA is not a one-byte BOOLEAN");
        }
        c = r;
    }
    if let Some((tag, n, r)) = split_tlv(c) {
        if tag != 0x02 {
            return Err("pathLenConstraint is not an INTEGER");
        }
        out.path_len = Some(small_uint(n).ok_or("pathLenConstraint out of range")?);
        c = r;
    }
    if !c.is_empty() {
        return Err("trailing data");
    }
    Ok(out)
}

/// Non-negative INTEGER content up to u32.
pub(crate) fn small_uint(n: &[u8]) -> Option<u32> {
    if n.is_empty() || n.first().is_some_and(|&b| b & 0x80 != 0) {
        return None;
    }
    let mut v: u64 = 0;
    for &b in n {
        v = (v << 8) | u64::from(b);
        if v > u64::from(u32::MAX) {
            return None;
        }
    }
    u32::try_from(v).ok()
}

fn parse_key_usage(v: &[u8]) -> std::result::Result<KeyUsage, &'static str> {
    let (tag, c, rest) = split_tlv(v).ok_or("not DER")?;
    if tag != 0x03 || !rest.is_empty() {
        return Err("not a BIT STRING");
    }
    let (&unused, bits) = c.split_first().ok_or("empty BIT STRING")?;
    if unused > 7 || bits.len() > 2 {
        return Err("BIT STRING of the wrong size");
    }
    let b0 = u16::from(bits.first().copied().unwrap_or(0));
    let b1 = u16::from(bits.get(1).copied().unwrap_or(0));
    // Bit 0 is the most significant bit of the first byte.
    let mut out = 0u16;
    for i in 0..8 {
        if b0 & (0x80 >> i) != 0 {
            out |= 1 << i;
        }
    }
    if b1 & 0x80 != 0 {
        out |= 1 << 8;
    }
    Ok(KeyUsage(out))
}

fn parse_proxy_policy(
    c: &[u8],
) -> std::result::Result<(ObjectIdentifier, Option<Vec<u8>>), &'static str> {
    let (tag, oid_bytes, rest) = split_tlv(c).ok_or("proxyPolicy is not DER")?;
    if tag != 0x06 {
        return Err("policyLanguage is not an OBJECT IDENTIFIER");
    }
    let lang = ObjectIdentifier::from_bytes(oid_bytes).map_err(|_| "bad policyLanguage OID")?;
    let policy = match split_tlv(rest) {
        None if rest.is_empty() => None,
        Some((0x04, p, [])) => Some(p.to_vec()),
        _ => return Err("policy is not a single OCTET STRING"),
    };
    Ok((lang, policy))
}

fn parse_proxy_cert_info(
    v: &[u8],
    flavor: ProxyCertInfoFlavor,
) -> std::result::Result<ProxyCertInfo, &'static str> {
    let (tag, mut c, rest) = split_tlv(v).ok_or("not DER")?;
    if tag != 0x30 || !rest.is_empty() {
        return Err("not a SEQUENCE");
    }
    let mut path_len = None;
    let mut policy = None;
    // RFC 3820: { pCPathLenConstraint INTEGER OPTIONAL, proxyPolicy }.
    // Draft (GT3/GT4): { proxyPolicy, pCPathLenConstraint [1] EXPLICIT INTEGER OPTIONAL };
    // some draft writers used the RFC order, so accept either.
    while let Some((tag, inner, r)) = split_tlv(c) {
        match tag {
            0x02 if path_len.is_none() && policy.is_none() => {
                path_len = Some(small_uint(inner).ok_or("pCPathLenConstraint out of range")?);
            }
            0xa1 if path_len.is_none() && flavor == ProxyCertInfoFlavor::Draft => {
                let (t, n, r2) = split_tlv(inner).ok_or("bad [1] pCPathLenConstraint")?;
                if t != 0x02 || !r2.is_empty() {
                    return Err("bad [1] pCPathLenConstraint");
                }
                path_len = Some(small_uint(n).ok_or("pCPathLenConstraint out of range")?);
            }
            0x30 if policy.is_none() => policy = Some(parse_proxy_policy(inner)?),
            _ => return Err("unexpected element"),
        }
        c = r;
    }
    if !c.is_empty() {
        return Err("trailing data");
    }
    let (policy_language, policy) = policy.ok_or("proxyPolicy missing")?;
    Ok(ProxyCertInfo {
        flavor,
        path_len,
        policy_language,
        policy,
    })
}

/// A GeneralName as OpenSSL prints it in `X509v3 Subject Alternative Name`.
pub(crate) fn general_name_text(g: &GeneralName) -> String {
    match g {
        GeneralName::DnsName(s) => format!("DNS:{}", s.as_str()),
        GeneralName::Rfc822Name(s) => format!("email:{}", s.as_str()),
        GeneralName::UniformResourceIdentifier(s) => format!("URI:{}", s.as_str()),
        GeneralName::IpAddress(o) => {
            let b = o.as_bytes();
            if let Ok(v4) = <[u8; 4]>::try_from(b) {
                format!("IP Address:{}", std::net::Ipv4Addr::from(v4))
            } else if let Ok(v6) = <[u8; 16]>::try_from(b) {
                format!("IP Address:{}", std::net::Ipv6Addr::from(v6))
            } else {
                "IP Address:<invalid>".into()
            }
        }
        GeneralName::DirectoryName(n) => match Dn::from_name(n) {
            Ok(d) => format!("DirName:{}", d.to_openssl()),
            Err(_) => "DirName:<invalid>".into(),
        },
        GeneralName::RegisteredId(o) => format!("Registered ID:{o}"),
        GeneralName::OtherName(o) => format!("othername:{}", o.type_id),
        GeneralName::EdiPartyName(_) => "EdiPartyName:<unsupported>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlv() {
        assert_eq!(
            split_tlv(&[0x02, 0x01, 0x05, 0xff]),
            Some((0x02, &[5u8][..], &[0xffu8][..]))
        );
        assert_eq!(split_tlv(&[0x02, 0x05, 0x05]), None);
        assert_eq!(split_tlv(&[0x30, 0x80]), None);
        assert_eq!(split_tlv(&[0x1f, 0x01, 0x00]), None);
        assert_eq!(split_tlv(&[]), None);
    }

    #[test]
    fn basic_constraints_forms() {
        assert_eq!(
            parse_basic_constraints(&[0x30, 0x03, 0x01, 0x01, 0xff]).unwrap(),
            BasicConstraints {
                ca: true,
                path_len: None
            }
        );
        assert_eq!(
            parse_basic_constraints(&[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x02]).unwrap(),
            BasicConstraints {
                ca: true,
                path_len: Some(2)
            }
        );
        assert_eq!(
            parse_basic_constraints(&[0x30, 0x00]).unwrap(),
            BasicConstraints::default()
        );
        assert!(parse_basic_constraints(&[0x30, 0x03, 0x02, 0x01, 0x80]).is_err());
    }

    #[test]
    fn key_usage_bits() {
        // digitalSignature + keyEncipherment = 0b1010_0000, 5 unused bits.
        let ku = parse_key_usage(&[0x03, 0x02, 0x05, 0xa0]).unwrap();
        assert!(ku.digital_signature() && ku.key_encipherment() && !ku.key_cert_sign());
        assert_eq!(ku.names(), vec!["Digital Signature", "Key Encipherment"]);
    }

    #[test]
    fn proxy_cert_info_forms() {
        // RFC: SEQUENCE { INTEGER 2, SEQUENCE { OID inheritAll } }
        let rfc = [
            0x30, 0x0f, 0x02, 0x01, 0x02, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05,
            0x07, 0x15, 0x01,
        ];
        let p = parse_proxy_cert_info(&rfc, ProxyCertInfoFlavor::Rfc3820).unwrap();
        assert_eq!(p.path_len, Some(2));
        assert_eq!(p.policy_language, oid::PPL_INHERIT_ALL);
        // Draft: SEQUENCE { SEQUENCE { OID }, [1] { INTEGER 3 } }
        let draft = [
            0x30, 0x11, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x15, 0x01,
            0xa1, 0x03, 0x02, 0x01, 0x03,
        ];
        let p = parse_proxy_cert_info(&draft, ProxyCertInfoFlavor::Draft).unwrap();
        assert_eq!(p.path_len, Some(3));
        assert!(parse_proxy_cert_info(&[0x30, 0x00], ProxyCertInfoFlavor::Rfc3820).is_err());
    }
}
