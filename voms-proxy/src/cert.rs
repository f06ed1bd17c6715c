//! A minimal read-only view of an X.509 certificate: what AC verification needs.
//!
//! Local until `grid_x509::Certificate` lands; it reads the TBS fields, keeps the DER and
//! never re-parses.

use crate::der::{self, DerResult, Tlv, tag};
use crate::name::{DnString, decode_name};
use crate::oid;
use grid_x509::UnixTime;
use std::ops::Range;

/// One extension: OID bytes, criticality and the value's byte range in the DER.
#[derive(Clone, Debug)]
pub(crate) struct Ext {
    pub oid: Vec<u8>,
    pub value: Range<usize>,
    /// Absolute offset of the value inside the certificate.
    pub value_offset: usize,
}

/// A decoded certificate (subject, issuer, serial, validity, key, extensions).
#[derive(Clone, Debug)]
pub struct CertView {
    der: Vec<u8>,
    serial: Vec<u8>,
    issuer: DnString,
    subject: DnString,
    not_before: UnixTime,
    not_after: UnixTime,
    spki: Range<usize>,
    pub(crate) exts: Vec<Ext>,
    is_ca: bool,
}

fn range_of(outer: &[u8], inner: &[u8]) -> Range<usize> {
    let start = (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize);
    start..start.saturating_add(inner.len())
}

impl CertView {
    /// Decodes a DER certificate. `index` names it in errors.
    pub fn from_der(der: &[u8], index: usize) -> crate::Result<Self> {
        Self::decode(der).map_err(|e| crate::Error::cert_der(index, e))
    }

    fn decode(input: &[u8]) -> DerResult<Self> {
        let cert = der::single(input, tag::SEQUENCE, "Certificate")?;
        let mut r = cert.reader();
        let tbs = r.read(tag::SEQUENCE, "tbsCertificate")?;
        let sig_alg = r.read(tag::SEQUENCE, "signatureAlgorithm")?;
        let sig = r.read(tag::BIT_STRING, "signatureValue")?;
        r.finish("Certificate")?;
        sig.bit_string("signatureValue")?;

        let mut t = tbs.reader();
        if let Some(v) = t.optional(tag::ctx_cons(0), "version")? {
            let mut vr = v.reader();
            let n = vr.read(tag::INTEGER, "version")?.small_uint("version")?;
            vr.finish("version")?;
            if n > 2 {
                return Err(v.err("version", "unknown certificate version"));
            }
        }
        let serial = t.read(tag::INTEGER, "serialNumber")?;
        let serial_bytes = serial.uint_bytes("serialNumber")?.to_vec();
        let inner_alg = t.read(tag::SEQUENCE, "signature")?;
        if inner_alg.raw != sig_alg.raw {
            return Err(inner_alg.err("signature", "inner and outer signature algorithms differ"));
        }
        let issuer = decode_name(&t.read(tag::SEQUENCE, "issuer")?, "issuer")?;
        let validity = t.read(tag::SEQUENCE, "validity")?;
        let mut vr = validity.reader();
        let nb = vr.any("notBefore")?.time("notBefore")?;
        let na = vr.any("notAfter")?.time("notAfter")?;
        vr.finish("validity")?;
        let subject = decode_name(&t.read(tag::SEQUENCE, "subject")?, "subject")?;
        let spki = t.read(tag::SEQUENCE, "subjectPublicKeyInfo")?;
        let _ = t.optional(tag::ctx_prim(1), "issuerUniqueID")?;
        let _ = t.optional(tag::ctx_prim(2), "subjectUniqueID")?;
        let mut exts = Vec::new();
        let mut is_ca = false;
        if let Some(e) = t.optional(tag::ctx_cons(3), "extensions")? {
            let mut er = e.reader();
            let list = er.read(tag::SEQUENCE, "extensions")?;
            er.finish("extensions")?;
            let mut lr = list.reader();
            while !lr.is_empty() {
                let ext = parse_ext(&lr.read(tag::SEQUENCE, "extension")?, input)?;
                if exts.iter().any(|x: &Ext| x.oid == ext.oid) {
                    return Err(list.err("extensions", "duplicate extension"));
                }
                if ext.oid == oid::BASIC_CONSTRAINTS.as_bytes() {
                    is_ca = basic_constraints_ca(
                        input.get(ext.value.clone()).unwrap_or_default(),
                        ext.value_offset,
                    )?;
                }
                exts.push(ext);
            }
        }
        t.finish("tbsCertificate")?;
        Ok(Self {
            der: input.to_vec(),
            serial: serial_bytes,
            issuer,
            subject,
            not_before: nb,
            not_after: na,
            spki: range_of(input, spki.raw),
            exts,
            is_ca,
        })
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// Subject name.
    pub fn subject(&self) -> &DnString {
        &self.subject
    }
    /// Issuer name.
    pub fn issuer(&self) -> &DnString {
        &self.issuer
    }
    /// Serial number, unsigned big-endian magnitude.
    pub fn serial(&self) -> &[u8] {
        &self.serial
    }
    /// Serial number in upper-case hex.
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
    /// The DER SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> &[u8] {
        self.der.get(self.spki.clone()).unwrap_or_default()
    }
    /// basicConstraints cA is true.
    pub fn is_ca(&self) -> bool {
        self.is_ca
    }

    /// The value of the extension with this OID, with its absolute offset.
    pub(crate) fn ext_value(&self, oid: &[u8]) -> Option<(&[u8], usize)> {
        self.exts.iter().find(|e| e.oid == oid).map(|e| {
            (
                self.der.get(e.value.clone()).unwrap_or_default(),
                e.value_offset,
            )
        })
    }

    /// An RFC 3820 or pre-RFC (GT3) proxy, or a legacy Globus proxy
    /// (subject = issuer + `/CN=proxy` or `/CN=limited proxy`).
    pub fn is_proxy(&self) -> bool {
        if self.ext_value(oid::PROXY_CERT_INFO.as_bytes()).is_some()
            || self
                .ext_value(oid::PROXY_CERT_INFO_DRAFT.as_bytes())
                .is_some()
        {
            return true;
        }
        let s = self.subject.as_str();
        let i = self.issuer.as_str();
        s.strip_prefix(i)
            .is_some_and(|rest| rest == "/CN=proxy" || rest == "/CN=limited proxy")
    }
}

fn parse_ext(t: &Tlv<'_>, whole: &[u8]) -> DerResult<Ext> {
    let mut r = t.reader();
    let oid_t = r.read(tag::OID, "extension id")?;
    // DEFAULT FALSE encoded explicitly is not DER, but old grid CAs write it.
    if let Some(b) = r.optional(tag::BOOLEAN, "extension critical")?
        && !matches!(b.body, [0xff] | [0x00])
    {
        return Err(b.err("extension critical", "bad BOOLEAN"));
    }
    let v = r.read(tag::OCTET_STRING, "extension value")?;
    r.finish("extension")?;
    Ok(Ext {
        oid: oid_t.body.to_vec(),
        value: range_of(whole, v.body),
        value_offset: v.body_offset,
    })
}

fn basic_constraints_ca(value: &[u8], base: usize) -> DerResult<bool> {
    let seq = der::single_at(value, base, tag::SEQUENCE, "basicConstraints")?;
    let mut r = seq.reader();
    Ok(match r.optional(tag::BOOLEAN, "basicConstraints cA")? {
        Some(b) => b.body == [0xff],
        None => false,
    })
}
