//! VOMS attribute certificates (RFC 3281 as VOMS writes them): a typed view over the DER.

use crate::der::{self, DerError, DerResult, Reader, Tlv, tag};
use crate::error::{Error, Result};
use crate::fqan::Fqan;
use crate::limits;
use crate::name::{
    BadName, NameError, general_name_text, general_names_text, single_directory_name,
};
use crate::oid;
use const_oid::ObjectIdentifier;
use grid_x509::{Certificate, Dn, SignatureAlgorithm, UnixTime};
use std::ops::Range;

/// Who the AC was issued to (RFC 3281 §4.2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    /// `baseCertificateID.issuer`: the holder certificate's issuer (RFC 3281) or, as VOMS
    /// writes it by default, the holder certificate's subject.
    pub issuer: Option<Dn>,
    /// `baseCertificateID.serial`: the holder certificate's serial (big-endian magnitude).
    pub serial: Option<Vec<u8>>,
    /// `entityName`: the holder's subject (RFC 3281 alternative form).
    pub entity_name: Option<Dn>,
}

impl Holder {
    /// The holder's name as VOMS reports it: the base certificate ID's issuer name (VOMS
    /// writes the holder's subject there), else the entity name.
    pub fn dn(&self) -> Option<&Dn> {
        self.issuer.as_ref().or(self.entity_name.as_ref())
    }

    /// [`Holder::dn`] in OpenSSL slash form, as `voms-proxy-info` prints it (empty when
    /// there is none).
    pub fn name(&self) -> String {
        self.dn().map(Dn::to_openssl).unwrap_or_default()
    }
}

/// A VOMS generic attribute (`name = value (qualifier)`), from extension
/// 1.3.6.1.4.1.8005.100.100.11.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenericAttribute {
    /// Attribute name.
    pub name: String,
    /// Attribute value.
    pub value: String,
    /// Qualifier (VOMS writes the VO name when none was given).
    pub qualifier: String,
    /// The granting authority (`vo://host:port`).
    pub grantor: String,
}

/// One decoded VOMS attribute certificate. Everything here is an *unverified claim*
/// until [`crate::verify_ac`] returns a [`crate::VerifiedAc`].
#[derive(Clone, Debug)]
pub struct AttributeCertificate {
    der: Vec<u8>,
    index: usize,
    info: Range<usize>,
    signature_algorithm: SignatureAlgorithm,
    signature: Range<usize>,
    holder: Holder,
    issuer: Dn,
    serial: Vec<u8>,
    not_before: UnixTime,
    not_after: UnixTime,
    policy_authority: String,
    vo: String,
    uri: String,
    host: String,
    fqans: Vec<Fqan>,
    attributes: Vec<GenericAttribute>,
    certs: Vec<Certificate>,
    targets: Option<Vec<String>>,
    no_rev_avail: bool,
    authority_key_id: Option<Vec<u8>>,
    unknown_critical: Vec<String>,
}

fn range_of(outer: &[u8], inner: &[u8]) -> Range<usize> {
    let start = (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize);
    start..start.saturating_add(inner.len())
}

fn utf8(t: &Tlv<'_>, field: &'static str) -> DerResult<String> {
    std::str::from_utf8(t.body)
        .map(str::to_string)
        .map_err(|_| t.err(field, "not valid UTF-8"))
}

fn too_many(ac: usize, what: &'static str, count: usize, max: usize) -> Error {
    Error::TooMany {
        context: format!("AC #{ac}"),
        what,
        count,
        max,
    }
}

/// Intermediate failure: a DER error, a malformed name, or a typed error.
enum Fail {
    Der(DerError),
    Name(BadName),
    Typed(Error),
}
impl From<DerError> for Fail {
    fn from(e: DerError) -> Self {
        Fail::Der(e)
    }
}
impl From<NameError> for Fail {
    fn from(e: NameError) -> Self {
        match e {
            NameError::Der(d) => Fail::Der(d),
            NameError::Name(n) => Fail::Name(n),
        }
    }
}
impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Fail::Typed(e)
    }
}

impl AttributeCertificate {
    /// Decodes one AC. `index` is its position in the proxy (for errors).
    pub fn from_der(der: &[u8], index: usize) -> Result<Self> {
        if der.len() > limits::MAX_AC_BYTES {
            return Err(too_many(index, "bytes", der.len(), limits::MAX_AC_BYTES));
        }
        Self::decode(der, index).map_err(|f| match f {
            Fail::Der(e) => Error::ac_der(index, e),
            Fail::Name(n) => n.in_ac(index),
            Fail::Typed(e) => e,
        })
    }

    #[allow(clippy::too_many_lines)]
    fn decode(input: &[u8], ac: usize) -> Result<Self, Fail> {
        let top = der::single(input, tag::SEQUENCE, "AttributeCertificate")?;
        let mut r = top.reader();
        let info = r.read(tag::SEQUENCE, "acinfo")?;
        let sig_alg = r.read(tag::SEQUENCE, "signatureAlgorithm")?;
        let sig = r.read(tag::BIT_STRING, "signatureValue")?;
        r.finish("AttributeCertificate")?;
        let sig_bits = sig.bit_string("signatureValue")?;

        let mut i = info.reader();
        let version = i.read(tag::INTEGER, "version")?.small_uint("version")?;
        if version != 1 {
            return Err(Error::UnsupportedVersion { ac, version }.into());
        }
        let holder = decode_holder(&i.read(tag::SEQUENCE, "holder")?)?;
        let issuer = decode_issuer(&mut i)?;
        let inner_alg = i.read(tag::SEQUENCE, "signature")?;
        if inner_alg.raw != sig_alg.raw {
            return Err(Error::AlgorithmMismatch { ac }.into());
        }
        let signature_algorithm = signature_algorithm(&sig_alg)?;
        let serial = i
            .read(tag::INTEGER, "serialNumber")?
            .uint_bytes("serialNumber")?
            .to_vec();
        let validity = i.read(tag::SEQUENCE, "attrCertValidityPeriod")?;
        let mut vr = validity.reader();
        let not_before = vr
            .read(tag::GENERALIZED_TIME, "notBeforeTime")?
            .time("notBeforeTime")?;
        let not_after = vr
            .read(tag::GENERALIZED_TIME, "notAfterTime")?
            .time("notAfterTime")?;
        vr.finish("attrCertValidityPeriod")?;

        // attributes: SEQUENCE OF Attribute; exactly one VOMS FQAN attribute.
        let attrs = i.read(tag::SEQUENCE, "attributes")?;
        let mut ar = attrs.reader();
        let mut fqan_attr: Option<(String, Vec<String>)> = None;
        let mut n_attrs = 0usize;
        while !ar.is_empty() {
            n_attrs = n_attrs.saturating_add(1);
            if n_attrs > limits::MAX_AC_ATTRIBUTES {
                return Err(too_many(ac, "attributes", n_attrs, limits::MAX_AC_ATTRIBUTES).into());
            }
            let a = ar.read(tag::SEQUENCE, "attribute")?;
            let mut a_r = a.reader();
            let a_oid = a_r.read(tag::OID, "attribute type")?;
            let values = a_r.read(tag::SET, "attribute values")?;
            a_r.finish("attribute")?;
            if a_oid.body == oid::VOMS_FQANS.as_bytes() {
                if fqan_attr.is_some() {
                    return Err(Error::BadFqanAttribute {
                        ac,
                        reason: "the FQAN attribute occurs twice",
                    }
                    .into());
                }
                fqan_attr = Some(decode_ietf_attr(&values, ac)?);
            }
        }
        let (policy_authority, raw_fqans) = fqan_attr.ok_or(Error::BadFqanAttribute {
            ac,
            reason: "missing (no attribute 1.3.6.1.4.1.8005.100.100.4)",
        })?;
        let (vo, uri) = policy_authority
            .split_once("://")
            .map(|(v, u)| (v.to_string(), u.to_string()))
            .ok_or(Error::BadFqanAttribute {
                ac,
                reason: "policy authority is not of the form vo://host:port",
            })?;
        if vo.is_empty() {
            return Err(Error::BadFqanAttribute {
                ac,
                reason: "policy authority has an empty VO name",
            }
            .into());
        }
        let host = uri
            .rsplit_once(':')
            .map_or(uri.as_str(), |(h, _)| h)
            .to_string();
        let mut fqans = Vec::with_capacity(raw_fqans.len());
        for f in raw_fqans {
            let parsed = Fqan::parse(&f)?;
            if parsed.vo() != vo {
                return Err(Error::FqanOutsideVo { ac, vo, fqan: f }.into());
            }
            fqans.push(parsed);
        }

        let _ = i.optional(tag::BIT_STRING, "issuerUniqueID")?;
        let mut out = Self {
            der: input.to_vec(),
            index: ac,
            info: range_of(input, info.raw),
            signature_algorithm,
            signature: range_of(input, sig_bits),
            holder,
            issuer,
            serial,
            not_before,
            not_after,
            policy_authority,
            vo,
            uri,
            host,
            fqans,
            attributes: Vec::new(),
            certs: Vec::new(),
            targets: None,
            no_rev_avail: false,
            authority_key_id: None,
            unknown_critical: Vec::new(),
        };
        if let Some(exts) = i.optional(tag::SEQUENCE, "extensions")? {
            out.decode_extensions(&exts)?;
        }
        i.finish("acinfo")?;
        Ok(out)
    }

    fn decode_extensions(&mut self, exts: &Tlv<'_>) -> Result<(), Fail> {
        let ac = self.index;
        let mut seen: Vec<&[u8]> = Vec::new();
        let mut r = exts.reader();
        while !r.is_empty() {
            if seen.len() >= limits::MAX_AC_EXTENSIONS {
                return Err(too_many(
                    ac,
                    "extensions",
                    seen.len().saturating_add(1),
                    limits::MAX_AC_EXTENSIONS,
                )
                .into());
            }
            let e = r.read(tag::SEQUENCE, "extension")?;
            let mut er = e.reader();
            let e_oid = er.read(tag::OID, "extension id")?;
            let critical = match er.optional(tag::BOOLEAN, "extension critical")? {
                Some(b) => b.body == [0xff],
                None => false,
            };
            let value = er.read(tag::OCTET_STRING, "extension value")?;
            er.finish("extension")?;
            if seen.contains(&e_oid.body) {
                return Err(Error::DuplicateExtension {
                    context: format!("AC #{ac}"),
                    oid: oid_text(e_oid.body),
                }
                .into());
            }
            seen.push(e_oid.body);
            let (v, base) = (value.body, value.body_offset);
            let o = e_oid.body;
            if o == oid::VOMS_CERTS.as_bytes() {
                self.certs = decode_certs(v, base, ac)?;
            } else if o == oid::VOMS_ATTRIBUTES.as_bytes() {
                self.attributes = decode_generic_attributes(v, base, ac)?;
            } else if o == oid::TARGET_INFORMATION.as_bytes() {
                self.targets = Some(decode_targets(v, base, ac)?);
            } else if o == oid::NO_REV_AVAIL.as_bytes() {
                let n = der::single_at(v, base, tag::NULL, "noRevAvail")?;
                if !n.body.is_empty() {
                    return Err(n.err("noRevAvail", "NULL with contents").into());
                }
                self.no_rev_avail = true;
            } else if o == oid::AUTHORITY_KEY_ID.as_bytes() {
                let s = der::single_at(v, base, tag::SEQUENCE, "authorityKeyIdentifier")?;
                let mut sr = s.reader();
                self.authority_key_id = sr
                    .optional(tag::ctx_prim(0), "keyIdentifier")?
                    .map(|k| k.body.to_vec());
            } else if critical {
                self.unknown_critical.push(oid_text(o));
            }
        }
        Ok(())
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// Position in the proxy's AC list (0 = first).
    pub fn index(&self) -> usize {
        self.index
    }
    /// The holder.
    pub fn holder(&self) -> &Holder {
        &self.holder
    }
    /// The AC issuer (the VOMS server's subject).
    pub fn issuer(&self) -> &Dn {
        &self.issuer
    }
    /// Serial number (big-endian magnitude).
    pub fn serial(&self) -> &[u8] {
        &self.serial
    }
    /// Serial number in upper-case hex, as `voms-proxy-info -serial` prints it.
    pub fn serial_hex(&self) -> String {
        crate::hex_upper(&self.serial)
    }
    /// Start of validity.
    pub fn not_before(&self) -> UnixTime {
        self.not_before
    }
    /// End of validity.
    pub fn not_after(&self) -> UnixTime {
        self.not_after
    }
    /// The policy authority as written: `vo://host:port`.
    pub fn policy_authority(&self) -> &str {
        &self.policy_authority
    }
    /// The VO name.
    pub fn vo(&self) -> &str {
        &self.vo
    }
    /// The VOMS server `host:port`.
    pub fn uri(&self) -> &str {
        &self.uri
    }
    /// The VOMS server host name (the `.lsc` file name without extension).
    pub fn host(&self) -> &str {
        &self.host
    }
    /// FQANs in the order stored; the first is the primary one.
    pub fn fqans(&self) -> &[Fqan] {
        &self.fqans
    }
    /// Generic attributes.
    pub fn attributes(&self) -> &[GenericAttribute] {
        &self.attributes
    }
    /// Certificates embedded by the VOMS server (its own first).
    pub fn certs(&self) -> &[Certificate] {
        &self.certs
    }
    /// Targets (2.5.29.55), `None` when the AC is not targeted.
    pub fn targets(&self) -> Option<&[String]> {
        self.targets.as_deref()
    }
    /// The no-revocation-available extension is present.
    pub fn no_rev_avail(&self) -> bool {
        self.no_rev_avail
    }
    /// The authority key identifier, when present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.authority_key_id.as_deref()
    }
    /// Critical extensions this crate does not know (make verification fail).
    pub fn unknown_critical_extensions(&self) -> &[String] {
        &self.unknown_critical
    }
    pub(crate) fn info_der(&self) -> &[u8] {
        self.der.get(self.info.clone()).unwrap_or_default()
    }
    /// The signature algorithm as labelled (VOMS labels ECDSA signatures with the RSA
    /// OID of the digest; see [`crate::VerifyPolicy::allow_voms_ec_label`]).
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.signature_algorithm
    }
    pub(crate) fn signature(&self) -> &[u8] {
        self.der.get(self.signature.clone()).unwrap_or_default()
    }
}

pub(crate) fn oid_text(bytes: &[u8]) -> String {
    ObjectIdentifier::from_bytes(bytes)
        .map_or_else(|_| "<invalid OID>".to_string(), |o| o.to_string())
}

/// The algorithm of an AlgorithmIdentifier (parameters are not read: RSA's NULL and
/// ECDSA's absent parameters carry nothing).
fn signature_algorithm(alg: &Tlv<'_>) -> DerResult<SignatureAlgorithm> {
    let mut r = alg.reader();
    let o = r.read(tag::OID, "signatureAlgorithm")?;
    ObjectIdentifier::from_bytes(o.body)
        .map(SignatureAlgorithm::from_oid)
        .map_err(|_| o.err("signatureAlgorithm", "malformed OBJECT IDENTIFIER"))
}

fn decode_holder(h: &Tlv<'_>) -> Result<Holder, Fail> {
    let mut r = h.reader();
    let mut holder = Holder {
        issuer: None,
        serial: None,
        entity_name: None,
    };
    if let Some(base) = r.optional(tag::ctx_cons(0), "holder baseCertificateID")? {
        let mut b = base.reader();
        let names = b.read(tag::SEQUENCE, "holder issuer")?;
        holder.issuer = Some(single_directory_name(&names, "holder issuer")?);
        holder.serial = Some(
            b.read(tag::INTEGER, "holder serial")?
                .uint_bytes("holder serial")?
                .to_vec(),
        );
        let _ = b.optional(tag::BIT_STRING, "holder issuerUID")?;
        b.finish("holder baseCertificateID")?;
    }
    if let Some(en) = r.optional(tag::ctx_cons(1), "holder entityName")? {
        holder.entity_name = Some(single_directory_name(&en, "holder entityName")?);
    }
    if r.peek_tag() == Some(tag::ctx_cons(2)) {
        return Err(r
            .err(
                "holder objectDigestInfo",
                "object-digest holders are not supported",
            )
            .into());
    }
    r.finish("holder")?;
    if holder.issuer.is_none() && holder.entity_name.is_none() {
        return Err(h
            .err("holder", "neither baseCertificateID nor entityName")
            .into());
    }
    Ok(holder)
}

fn decode_issuer(r: &mut Reader<'_>) -> Result<Dn, Fail> {
    // v2Form [0] IMPLICIT V2Form { issuerName GeneralNames } — VOMS writes [0] EXPLICIT
    // GeneralNames, which is the same encoding. v1Form is a bare GeneralNames.
    match r.peek_tag() {
        Some(t) if t == tag::ctx_cons(0) => {
            let v2 = r.any("issuer")?;
            let mut vr = v2.reader();
            let names = vr.read(tag::SEQUENCE, "issuer issuerName")?;
            if !vr.is_empty() {
                return Err(vr
                    .err(
                        "issuer",
                        "V2Form baseCertificateID/objectDigestInfo not supported",
                    )
                    .into());
            }
            Ok(single_directory_name(&names, "issuer issuerName")?)
        }
        Some(tag::SEQUENCE) => {
            let names = r.any("issuer")?;
            Ok(single_directory_name(&names, "issuer")?)
        }
        _ => Err(r
            .err("issuer", "wrong tag: expected v2Form [0] or GeneralNames")
            .into()),
    }
}

fn decode_ietf_attr(values: &Tlv<'_>, ac: usize) -> Result<(String, Vec<String>), Fail> {
    let mut vr = values.reader();
    let ietf = vr.read(tag::SEQUENCE, "IetfAttrSyntax")?;
    if !vr.is_empty() {
        return Err(Error::BadFqanAttribute {
            ac,
            reason: "more than one IetfAttrSyntax value",
        }
        .into());
    }
    let mut r = ietf.reader();
    let pa = r
        .optional(tag::ctx_cons(0), "policyAuthority")?
        .ok_or(Error::BadFqanAttribute {
            ac,
            reason: "no policy authority (vo://host:port)",
        })?;
    let mut pr = pa.reader();
    let names = general_names_text(&mut pr, "policyAuthority")?;
    let authority = match names.as_slice() {
        [one] => one.clone(),
        _ => {
            return Err(Error::BadFqanAttribute {
                ac,
                reason: "policy authority must hold exactly one name",
            }
            .into());
        }
    };
    let list = r.read(tag::SEQUENCE, "FQAN values")?;
    r.finish("IetfAttrSyntax")?;
    let mut fr = list.reader();
    let mut fqans = Vec::new();
    while !fr.is_empty() {
        if fqans.len() >= limits::MAX_FQANS_PER_AC {
            return Err(too_many(
                ac,
                "FQANs",
                fqans.len().saturating_add(1),
                limits::MAX_FQANS_PER_AC,
            )
            .into());
        }
        let v = fr.read(tag::OCTET_STRING, "FQAN value")?;
        fqans.push(utf8(&v, "FQAN value")?);
    }
    if fqans.is_empty() {
        return Err(Error::BadFqanAttribute {
            ac,
            reason: "no FQANs",
        }
        .into());
    }
    Ok((authority, fqans))
}

fn decode_certs(v: &[u8], base: usize, ac: usize) -> Result<Vec<Certificate>, Fail> {
    let outer = der::single_at(v, base, tag::SEQUENCE, "VOMS certificates")?;
    let mut o = outer.reader();
    let list = o.read(tag::SEQUENCE, "VOMS certificates")?;
    o.finish("VOMS certificates")?;
    let mut r = list.reader();
    let mut out = Vec::new();
    while !r.is_empty() {
        if out.len() >= limits::MAX_EMBEDDED_CERTS {
            return Err(too_many(
                ac,
                "embedded certificates",
                out.len().saturating_add(1),
                limits::MAX_EMBEDDED_CERTS,
            )
            .into());
        }
        let c = r.read(tag::SEQUENCE, "VOMS certificate")?;
        let origin = format!("AC #{ac} VOMS certificates");
        let cert = Certificate::from_der_at(c.raw, &origin, out.len())
            .map_err(|e| Error::certificate(origin, out.len(), e))?;
        out.push(cert);
    }
    Ok(out)
}

fn decode_generic_attributes(
    v: &[u8],
    base: usize,
    ac: usize,
) -> Result<Vec<GenericAttribute>, Fail> {
    let outer = der::single_at(v, base, tag::SEQUENCE, "generic attributes")?;
    let mut o = outer.reader();
    let holders = o.read(tag::SEQUENCE, "generic attribute holders")?;
    o.finish("generic attributes")?;
    let mut hr = holders.reader();
    let mut out = Vec::new();
    while !hr.is_empty() {
        let h = hr.read(tag::SEQUENCE, "generic attribute holder")?;
        let mut r = h.reader();
        let grantor_t = r.read(tag::SEQUENCE, "grantor")?;
        let grantor = general_names_text(&mut grantor_t.reader(), "grantor")?.join(",");
        let list = r.read(tag::SEQUENCE, "generic attribute list")?;
        r.finish("generic attribute holder")?;
        let mut lr = list.reader();
        while !lr.is_empty() {
            if out.len() >= limits::MAX_ATTRIBUTES_PER_AC {
                return Err(too_many(
                    ac,
                    "generic attributes",
                    out.len().saturating_add(1),
                    limits::MAX_ATTRIBUTES_PER_AC,
                )
                .into());
            }
            let a = lr.read(tag::SEQUENCE, "generic attribute")?;
            let mut ar = a.reader();
            let mut field = |f: &'static str| -> DerResult<String> {
                let t = ar.read(tag::OCTET_STRING, f)?;
                if t.body.len() > limits::MAX_ATTRIBUTE_BYTES {
                    return Err(t.err(f, "longer than the 4096-byte limit"));
                }
                utf8(&t, f)
            };
            let name = field("generic attribute name")?;
            let value = field("generic attribute value")?;
            let qualifier = field("generic attribute qualifier")?;
            ar.finish("generic attribute")?;
            out.push(GenericAttribute {
                name,
                value,
                qualifier,
                grantor: grantor.clone(),
            });
        }
    }
    Ok(out)
}

fn decode_targets(v: &[u8], base: usize, ac: usize) -> Result<Vec<String>, Fail> {
    // RFC 3281: SEQUENCE OF Targets, Targets ::= SEQUENCE OF Target (a CHOICE of [0] [1] [2]).
    // VOMS wraps each Target in its own SEQUENCE; both are read.
    let outer = der::single_at(v, base, tag::SEQUENCE, "targets")?;
    let mut o = outer.reader();
    let mut out = Vec::new();
    while !o.is_empty() {
        let targets = o.read(tag::SEQUENCE, "targets")?;
        let mut tr = targets.reader();
        while !tr.is_empty() {
            if out.len() >= limits::MAX_TARGETS {
                return Err(too_many(
                    ac,
                    "targets",
                    out.len().saturating_add(1),
                    limits::MAX_TARGETS,
                )
                .into());
            }
            let mut t = tr.any("target")?;
            if t.tag == tag::SEQUENCE {
                let mut w = t.reader();
                t = w.any("target")?;
                w.finish("target")?;
            }
            match t.tag {
                0xa0 | 0xa1 => {
                    let mut g = t.reader();
                    let gn = g.any("target name")?;
                    g.finish("target name")?;
                    out.push(general_name_text(&gn, "target name")?);
                }
                0xa2 => {
                    return Err(t
                        .err("target", "targetCert targets are not supported")
                        .into());
                }
                _ => {
                    return Err(t
                        .err(
                            "target",
                            "wrong tag: expected [0] targetName or [1] targetGroup",
                        )
                        .into());
                }
            }
        }
    }
    Ok(out)
}

/// ACs found in a proxy chain.
#[derive(Clone, Debug)]
pub struct ProxyAcs {
    /// Index of the certificate that carries the AC extension (0 = leaf).
    pub cert_index: usize,
    /// The ACs, in the order stored.
    pub acs: Vec<AttributeCertificate>,
}

/// Finds the VOMS AC sequence extension in the chain (leaf first; the first certificate
/// that carries it wins, since a proxy of a VOMS proxy carries none in its leaf) and
/// decodes every AC. `Ok(None)` when no certificate carries one.
pub fn read_acs(chain: &[Certificate]) -> Result<Option<ProxyAcs>> {
    for (cert_index, cert) in chain.iter().enumerate() {
        let Some(value) = cert.extension_value(&oid::VOMS_AC_SEQ) else {
            continue;
        };
        let seq_err = |e: DerError| Error::MalformedAcSequence {
            cert: cert_index,
            offset: e.offset,
            reason: e.reason,
        };
        let outer = der::single(value, tag::SEQUENCE, "AC sequence").map_err(seq_err)?;
        let mut o = outer.reader();
        let list = o.read(tag::SEQUENCE, "AC sequence").map_err(seq_err)?;
        o.finish("AC sequence").map_err(seq_err)?;
        let mut r = list.reader();
        let mut acs = Vec::new();
        while !r.is_empty() {
            if acs.len() >= limits::MAX_ACS_PER_PROXY {
                return Err(Error::TooMany {
                    context: format!("certificate #{cert_index}"),
                    what: "ACs",
                    count: acs.len().saturating_add(1),
                    max: limits::MAX_ACS_PER_PROXY,
                });
            }
            let t = r.read(tag::SEQUENCE, "AC").map_err(seq_err)?;
            acs.push(AttributeCertificate::from_der(t.raw, acs.len())?);
        }
        return Ok(Some(ProxyAcs { cert_index, acs }));
    }
    Ok(None)
}

/// Decodes a chain of DER certificates (leaf first), each parsed once.
pub fn decode_chain<B: AsRef<[u8]>>(chain: &[B]) -> Result<Vec<Certificate>> {
    if chain.len() > grid_x509::limits::MAX_CHAIN_DEPTH {
        return Err(Error::TooMany {
            context: "certificate chain".to_string(),
            what: "certificates",
            count: chain.len(),
            max: grid_x509::limits::MAX_CHAIN_DEPTH,
        });
    }
    chain
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Certificate::from_der_at(c.as_ref(), CHAIN_ORIGIN, i)
                .map_err(|e| Error::certificate(CHAIN_ORIGIN, i, e))
        })
        .collect()
}

/// How [`decode_chain`] names its input in errors.
const CHAIN_ORIGIN: &str = "certificate chain";

/// The end-entity certificate behind the proxies: the first non-proxy certificate
/// (RFC 3820, draft or legacy Globus proxy, see [`grid_x509::CertKind::of`]).
pub fn end_entity(chain: &[Certificate]) -> Option<&Certificate> {
    chain.get(grid_x509::end_entity_index(chain)?)
}
