//! GeneralNames as VOMS attribute certificates write them (holder, issuer, policy
//! authority, grantor, targets). Directory names are decoded into [`grid_x509::Dn`]
//! (structural, compared canonically); URIs and DNS names are kept as text.

use crate::der::{DerError, Reader, Tlv, tag};
use grid_x509::Dn;

/// A directory name that is not a valid X.501 Name (`grid_x509::Dn::from_der`).
#[derive(Debug)]
pub(crate) struct BadName {
    pub field: &'static str,
    /// Absolute offset of the Name.
    pub offset: usize,
    pub source: Box<grid_x509::Error>,
}

impl BadName {
    /// The error for AC number `ac`.
    pub fn in_ac(self, ac: usize) -> crate::Error {
        crate::Error::MalformedAcName {
            ac,
            field: self.field,
            offset: self.offset,
            source: self.source,
        }
    }
}

/// Why a name could not be read: the DER around it, or the Name itself.
#[derive(Debug)]
pub(crate) enum NameError {
    /// The GeneralNames structure is malformed.
    Der(DerError),
    /// The directory name is malformed.
    Name(BadName),
}

impl From<DerError> for NameError {
    fn from(e: DerError) -> Self {
        NameError::Der(e)
    }
}

pub(crate) type NameResult<T> = Result<T, NameError>;

/// Decodes a `Name` TLV (SEQUENCE OF RDN).
fn decode_name(t: &Tlv<'_>, field: &'static str) -> NameResult<Dn> {
    if t.tag != tag::SEQUENCE {
        return Err(t.err(field, "wrong tag: expected a Name (SEQUENCE)").into());
    }
    Dn::from_der(t.raw).map_err(|source| {
        NameError::Name(BadName {
            field,
            offset: t.offset,
            source: Box::new(source),
        })
    })
}

/// Reads a `[4]` directoryName's contents: exactly one Name.
fn directory_name(dn: &Tlv<'_>, field: &'static str) -> NameResult<Dn> {
    let mut inner = dn.reader();
    let name = inner.read(tag::SEQUENCE, field)?;
    inner.finish(field)?;
    decode_name(&name, field)
}

/// Reads GeneralNames holding exactly one directoryName `[4]`, as VOMS writes holder
/// and issuer names (a SEQUENCE, or the `[1]` entityName with the same contents).
pub(crate) fn single_directory_name(
    general_names: &Tlv<'_>,
    field: &'static str,
) -> NameResult<Dn> {
    let mut r = general_names.reader();
    let dn = r.read(tag::ctx_cons(4), field)?;
    r.finish(field)?;
    directory_name(&dn, field)
}

/// A GeneralName rendered for display: URI and DNS names as text, directory names in
/// slash form, others as `<general name type n>`.
pub(crate) fn general_name_text(t: &Tlv<'_>, field: &'static str) -> NameResult<String> {
    match t.tag {
        0x86 | 0x82 | 0x81 => std::str::from_utf8(t.body)
            .map(str::to_string)
            .map_err(|_| t.err(field, "name is not ASCII").into()),
        0xa4 => Ok(directory_name(t, field)?.to_openssl()),
        other => Ok(format!("<general name type {}>", other & 0x1f)),
    }
}

/// Consumes the reader's remaining general names (a GeneralNames body).
pub(crate) fn general_names_text(
    r: &mut Reader<'_>,
    field: &'static str,
) -> NameResult<Vec<String>> {
    let mut out = Vec::new();
    while !r.is_empty() {
        let t = r.any(field)?;
        out.push(general_name_text(&t, field)?);
    }
    Ok(out)
}
