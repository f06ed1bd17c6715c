//! Distinguished names as `voms-proxy-info` and `.lsc` files write them: OpenSSL's
//! one-line slash form (`/DC=org/DC=Test/CN=Alice`).
//!
//! Local until `grid_x509::Dn` lands; the comparison here is on the rendered string
//! after the attribute-name aliases VOMS normalizes (`Email`/`E` -> `emailAddress`,
//! `USERID` -> `UID`).

use crate::der::{DerResult, Reader, Tlv, tag};
use const_oid::ObjectIdentifier;

/// A decoded name: the DER encoding and its OpenSSL one-line rendering.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DnString {
    der: Vec<u8>,
    text: String,
}

impl DnString {
    /// The DER encoding of the Name.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// OpenSSL one-line slash form.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Same DN, comparing the rendered forms after alias normalization.
    pub fn same_as(&self, other: &DnString) -> bool {
        self.der == other.der || normalize(&self.text) == normalize(&other.text)
    }
}

impl std::fmt::Display for DnString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Normalizes attribute-name aliases in a slash-form DN, the way VOMS compares `.lsc`
/// entries with certificate names.
pub(crate) fn normalize(dn: &str) -> String {
    let mut out = String::with_capacity(dn.len());
    let mut rest = dn;
    // Replace `/Alias=` at component starts only.
    while let Some(pos) = rest.find('/') {
        let (head, tail) = rest.split_at(pos);
        out.push_str(head);
        let after = tail.get(1..).unwrap_or_default();
        let mut replaced = false;
        for (from, to) in [
            ("Email=", "emailAddress="),
            ("E=", "emailAddress="),
            ("USERID=", "UID="),
            ("userId=", "UID="),
        ] {
            if let Some(r) = after.strip_prefix(from) {
                out.push('/');
                out.push_str(to);
                rest = r;
                replaced = true;
                break;
            }
        }
        if !replaced {
            out.push('/');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Decodes a `Name` TLV (SEQUENCE OF RDN) into its slash form.
pub(crate) fn decode_name(t: &Tlv<'_>, field: &'static str) -> DerResult<DnString> {
    if t.tag != tag::SEQUENCE {
        return Err(t.err(field, "wrong tag: expected a Name (SEQUENCE)"));
    }
    let mut text = String::new();
    let mut rdns = t.reader();
    while !rdns.is_empty() {
        let rdn = rdns.read(tag::SET, field)?;
        let mut atvs = rdn.reader();
        let mut first = true;
        if atvs.is_empty() {
            return Err(rdn.err(field, "empty relative distinguished name"));
        }
        while !atvs.is_empty() {
            let atv = atvs.read(tag::SEQUENCE, field)?;
            let mut r = atv.reader();
            let oid = r.read(tag::OID, field)?;
            let value = r.any(field)?;
            r.finish(field)?;
            text.push(if first { '/' } else { '+' });
            first = false;
            text.push_str(&short_name(oid.body));
            text.push('=');
            push_value(&mut text, &value, field)?;
        }
    }
    Ok(DnString {
        der: t.raw.to_vec(),
        text,
    })
}

fn short_name(oid: &[u8]) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("2.5.4.3", "CN"),
        ("2.5.4.6", "C"),
        ("2.5.4.7", "L"),
        ("2.5.4.8", "ST"),
        ("2.5.4.9", "street"),
        ("2.5.4.10", "O"),
        ("2.5.4.11", "OU"),
        ("2.5.4.12", "title"),
        ("2.5.4.4", "SN"),
        ("2.5.4.5", "serialNumber"),
        ("2.5.4.42", "GN"),
        ("2.5.4.43", "initials"),
        ("2.5.4.44", "generationQualifier"),
        ("2.5.4.46", "dnQualifier"),
        ("2.5.4.65", "pseudonym"),
        ("2.5.4.41", "name"),
        ("2.5.4.17", "postalCode"),
        ("2.5.4.15", "businessCategory"),
        ("0.9.2342.19200300.100.1.25", "DC"),
        ("0.9.2342.19200300.100.1.1", "UID"),
        ("1.2.840.113549.1.9.1", "emailAddress"),
    ];
    match ObjectIdentifier::from_bytes(oid) {
        Ok(o) => {
            let dotted = o.to_string();
            NAMES
                .iter()
                .find(|(d, _)| *d == dotted)
                .map_or(dotted, |(_, n)| (*n).to_string())
        }
        Err(_) => "UNKNOWN".to_string(),
    }
}

fn push_value(out: &mut String, v: &Tlv<'_>, field: &'static str) -> DerResult<()> {
    let s: String = match v.tag {
        tag::UTF8_STRING
        | tag::PRINTABLE_STRING
        | tag::IA5_STRING
        | tag::VISIBLE_STRING
        | tag::T61_STRING => match std::str::from_utf8(v.body) {
            Ok(s) => s.to_string(),
            // T61 and friends may hold Latin-1 bytes: render them as OpenSSL does.
            Err(_) => v.body.iter().map(|b| char::from(*b)).collect(),
        },
        tag::BMP_STRING => {
            if !v.body.len().is_multiple_of(2) {
                return Err(v.err(field, "BMPString of odd length"));
            }
            let units: Vec<u16> = v
                .body
                .chunks_exact(2)
                .map(|c| {
                    u16::from_be_bytes([
                        c.first().copied().unwrap_or(0),
                        c.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        tag::UNIVERSAL_STRING => {
            if !v.body.len().is_multiple_of(4) {
                return Err(v.err(field, "UniversalString length not a multiple of 4"));
            }
            v.body
                .chunks_exact(4)
                .map(|c| {
                    let mut b = [0u8; 4];
                    b.copy_from_slice(c);
                    char::from_u32(u32::from_be_bytes(b)).unwrap_or('\u{fffd}')
                })
                .collect()
        }
        _ => return Err(v.err(field, "attribute value is not a string type")),
    };
    for c in s.chars() {
        if c.is_control() {
            out.push_str(&format!("\\x{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Ok(())
}

/// Reads a GeneralNames SEQUENCE holding exactly one directoryName `[4]`, as VOMS writes
/// holder and issuer names.
pub(crate) fn single_directory_name(
    general_names: &Tlv<'_>,
    field: &'static str,
) -> DerResult<DnString> {
    let mut r = general_names.reader();
    let dn = r.read(tag::ctx_cons(4), field)?;
    r.finish(field)?;
    let mut inner = dn.reader();
    let name = inner.read(tag::SEQUENCE, field)?;
    inner.finish(field)?;
    decode_name(&name, field)
}

/// A GeneralName rendered for display: URI and DNS names as text, directory names in
/// slash form, others as `<type n>`.
pub(crate) fn general_name_text(t: &Tlv<'_>, field: &'static str) -> DerResult<String> {
    match t.tag {
        0x86 | 0x82 | 0x81 => std::str::from_utf8(t.body)
            .map(str::to_string)
            .map_err(|_| t.err(field, "name is not ASCII")),
        0xa4 => {
            let mut r = t.reader();
            let n = r.read(tag::SEQUENCE, field)?;
            r.finish(field)?;
            Ok(decode_name(&n, field)?.text)
        }
        other => Ok(format!("<general name type {}>", other & 0x1f)),
    }
}

/// Consumes the reader's remaining general names (a GeneralNames body).
pub(crate) fn general_names_text(
    r: &mut Reader<'_>,
    field: &'static str,
) -> DerResult<Vec<String>> {
    let mut out = Vec::new();
    while !r.is_empty() {
        let t = r.any(field)?;
        out.push(general_name_text(&t, field)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        assert_eq!(
            normalize("/DC=ch/Email=a@b/USERID=x/CN=E=mc2"),
            "/DC=ch/emailAddress=a@b/UID=x/CN=E=mc2"
        );
    }
}
