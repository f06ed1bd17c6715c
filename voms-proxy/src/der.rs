//! A small, schema-driven DER reader and writer.
//!
//! Only what VOMS attribute certificates need (certificates and names are read by
//! `grid_x509`, which has no public TLV reader): single-byte tags,
//! definite minimal lengths of at most four length octets. Every read is bounds-checked
//! and reports the absolute byte offset and the field being read, so a malformed input
//! becomes a typed error naming where it broke. There is no generic recursion: the
//! decoders follow the fixed ASN.1 schemas, so nesting depth is bounded by the schema.

use grid_x509::UnixTime;

/// Universal tags used here.
pub(crate) mod tag {
    pub const BOOLEAN: u8 = 0x01;
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;

    /// `[n]` constructed, context-specific.
    pub const fn ctx_cons(n: u8) -> u8 {
        0xa0 | n
    }
    /// `[n]` primitive, context-specific.
    pub const fn ctx_prim(n: u8) -> u8 {
        0x80 | n
    }
}

/// A decoding failure: where (absolute offset), in which field, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DerError {
    pub offset: usize,
    pub field: &'static str,
    pub reason: &'static str,
}

pub(crate) type DerResult<T> = Result<T, DerError>;

/// One tag-length-value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    /// The contents octets.
    pub body: &'a [u8],
    /// The whole encoding, header included.
    pub raw: &'a [u8],
    /// Absolute offset of the first header byte.
    pub offset: usize,
    /// Absolute offset of the first body byte.
    pub body_offset: usize,
}

impl<'a> Tlv<'a> {
    /// A reader over the contents.
    pub fn reader(&self) -> Reader<'a> {
        Reader {
            data: self.body,
            pos: 0,
            base: self.body_offset,
        }
    }

    pub fn err(&self, field: &'static str, reason: &'static str) -> DerError {
        DerError {
            offset: self.offset,
            field,
            reason,
        }
    }

    /// A non-negative INTEGER that fits in a `u64`.
    pub fn small_uint(&self, field: &'static str) -> DerResult<u64> {
        check_integer(self, field)?;
        let bytes = strip_sign(self.body);
        if bytes.len() > 8 || self.body.first().is_some_and(|b| b & 0x80 != 0) {
            return Err(self.err(field, "integer out of range"));
        }
        Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// INTEGER contents, checked for minimal encoding, as unsigned big-endian magnitude
    /// (the leading sign byte removed).
    pub fn uint_bytes(&self, field: &'static str) -> DerResult<&'a [u8]> {
        check_integer(self, field)?;
        Ok(strip_sign(self.body))
    }

    /// BIT STRING contents with no unused bits.
    pub fn bit_string(&self, field: &'static str) -> DerResult<&'a [u8]> {
        match self.body.split_first() {
            Some((0, rest)) => Ok(rest),
            Some(_) => Err(self.err(field, "bit string with unused bits")),
            None => Err(self.err(field, "empty bit string")),
        }
    }

    /// A time (UTCTime or GeneralizedTime) in DER form `...Z`.
    pub fn time(&self, field: &'static str) -> DerResult<UnixTime> {
        let s = self.body;
        let (year, rest) = match self.tag {
            tag::UTC_TIME if s.len() == 13 => {
                let yy = i64::from(two(s, 0).ok_or(self.err(field, "bad digits in UTCTime"))?);
                (if yy >= 50 { 1900 + yy } else { 2000 + yy }, s.get(2..))
            }
            tag::GENERALIZED_TIME if s.len() == 15 => {
                let hi = two(s, 0).ok_or(self.err(field, "bad digits in GeneralizedTime"))?;
                let lo = two(s, 2).ok_or(self.err(field, "bad digits in GeneralizedTime"))?;
                (i64::from(hi) * 100 + i64::from(lo), s.get(4..))
            }
            tag::UTC_TIME | tag::GENERALIZED_TIME => {
                return Err(self.err(
                    field,
                    "time is not in DER form YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ",
                ));
            }
            _ => return Err(self.err(field, "expected a UTCTime or GeneralizedTime")),
        };
        let r = rest.unwrap_or_default();
        let bad = || self.err(field, "bad digits in time");
        let (mo, d, h, mi, sec) = (
            two(r, 0).ok_or_else(bad)?,
            two(r, 2).ok_or_else(bad)?,
            two(r, 4).ok_or_else(bad)?,
            two(r, 6).ok_or_else(bad)?,
            two(r, 8).ok_or_else(bad)?,
        );
        if r.get(10) != Some(&b'Z') {
            return Err(self.err(field, "time does not end in Z"));
        }
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
            return Err(self.err(field, "time field out of range"));
        }
        Ok(UnixTime::from_civil(year, mo, d, h, mi, sec))
    }
}

fn two(s: &[u8], at: usize) -> Option<u32> {
    let a = *s.get(at)?;
    let b = *s.get(at.checked_add(1)?)?;
    if a.is_ascii_digit() && b.is_ascii_digit() {
        Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
    } else {
        None
    }
}

fn check_integer(t: &Tlv<'_>, field: &'static str) -> DerResult<()> {
    if t.tag != tag::INTEGER {
        return Err(t.err(field, "expected an INTEGER"));
    }
    match t.body {
        [] => Err(t.err(field, "empty integer")),
        [0x00, b, ..] if b & 0x80 == 0 => Err(t.err(field, "integer not minimally encoded")),
        [0xff, b, ..] if b & 0x80 != 0 => Err(t.err(field, "integer not minimally encoded")),
        _ => Ok(()),
    }
}

fn strip_sign(b: &[u8]) -> &[u8] {
    match b {
        [0x00, rest @ ..] if !rest.is_empty() => rest,
        _ => b,
    }
}

/// A cursor over a sequence of TLVs.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole input starting at absolute offset 0.
    pub fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            pos: 0,
            base: 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    pub fn err(&self, field: &'static str, reason: &'static str) -> DerError {
        DerError {
            offset: self.offset(),
            field,
            reason,
        }
    }

    pub fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Reads the next TLV, whatever its tag.
    pub fn any(&mut self, field: &'static str) -> DerResult<Tlv<'a>> {
        let start = self.pos;
        let tag = *self
            .data
            .get(start)
            .ok_or(self.err(field, "unexpected end of data"))?;
        if tag & 0x1f == 0x1f {
            return Err(self.err(field, "multi-byte tags are not used here"));
        }
        let first = *self
            .data
            .get(start.saturating_add(1))
            .ok_or(self.err(field, "truncated length"))?;
        let mut hdr = 2usize;
        let len = if first < 0x80 {
            usize::from(first)
        } else if first == 0x80 {
            return Err(self.err(field, "indefinite length is not DER"));
        } else {
            let n = usize::from(first & 0x7f);
            if n > 4 {
                return Err(self.err(field, "length too large"));
            }
            let bytes = self
                .data
                .get(start.saturating_add(2)..start.saturating_add(2).saturating_add(n))
                .ok_or(self.err(field, "truncated length"))?;
            if bytes.first() == Some(&0) {
                return Err(self.err(field, "length not minimally encoded"));
            }
            let len = bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            if len < 0x80 {
                return Err(self.err(field, "length not minimally encoded"));
            }
            hdr = hdr.saturating_add(n);
            len
        };
        let body_start = start.saturating_add(hdr);
        let end = body_start
            .checked_add(len)
            .ok_or(self.err(field, "length overflows"))?;
        let body = self
            .data
            .get(body_start..end)
            .ok_or(self.err(field, "length runs past the end of the data"))?;
        let raw = self.data.get(start..end).unwrap_or_default();
        self.pos = end;
        Ok(Tlv {
            tag,
            body,
            raw,
            offset: self.base.saturating_add(start),
            body_offset: self.base.saturating_add(body_start),
        })
    }

    /// Reads the next TLV and checks its tag.
    pub fn read(&mut self, expected: u8, field: &'static str) -> DerResult<Tlv<'a>> {
        match self.peek_tag() {
            Some(t) if t == expected => self.any(field),
            Some(_) => Err(self.err(field, wrong_tag_reason(expected))),
            None => Err(self.err(field, "missing (unexpected end of data)")),
        }
    }

    /// Reads the next TLV when it has the given tag.
    pub fn optional(&mut self, expected: u8, field: &'static str) -> DerResult<Option<Tlv<'a>>> {
        if self.peek_tag() == Some(expected) {
            self.any(field).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fails when data is left over.
    pub fn finish(&self, field: &'static str) -> DerResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.err(field, "trailing data"))
        }
    }
}

fn wrong_tag_reason(expected: u8) -> &'static str {
    match expected {
        tag::SEQUENCE => "wrong tag: expected a SEQUENCE",
        tag::SET => "wrong tag: expected a SET",
        tag::INTEGER => "wrong tag: expected an INTEGER",
        tag::OID => "wrong tag: expected an OBJECT IDENTIFIER",
        tag::OCTET_STRING => "wrong tag: expected an OCTET STRING",
        tag::BIT_STRING => "wrong tag: expected a BIT STRING",
        tag::GENERALIZED_TIME => "wrong tag: expected a GeneralizedTime",
        tag::BOOLEAN => "wrong tag: expected a BOOLEAN",
        _ => "wrong tag: expected a context-specific tag",
    }
}

/// Parses a whole input as exactly one TLV with the given tag.
pub(crate) fn single<'a>(data: &'a [u8], expected: u8, field: &'static str) -> DerResult<Tlv<'a>> {
    let mut r = Reader::new(data);
    let t = r.read(expected, field)?;
    r.finish(field)?;
    Ok(t)
}

/// Like [`single`] for a nested encoding (an extension value) that starts at absolute `base`.
pub(crate) fn single_at<'a>(
    data: &'a [u8],
    base: usize,
    expected: u8,
    field: &'static str,
) -> DerResult<Tlv<'a>> {
    let mut r = Reader { data, pos: 0, base };
    let t = r.read(expected, field)?;
    r.finish(field)?;
    Ok(t)
}

// ----- writing ------------------------------------------------------------------------

/// Appends a TLV with the given tag and contents.
#[cfg_attr(not(feature = "fixtures"), allow(dead_code))]
pub(crate) fn write_tlv(out: &mut Vec<u8>, tag: u8, body: &[u8]) {
    out.push(tag);
    let len = body.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let sig = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | u8::try_from(sig.len()).unwrap_or(0));
        out.extend_from_slice(sig);
    }
    out.extend_from_slice(body);
}

/// A TLV as a fresh vector.
#[cfg_attr(not(feature = "fixtures"), allow(dead_code))]
pub(crate) fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(body.len().saturating_add(6));
    write_tlv(&mut v, tag, body);
    v
}

/// A TLV whose contents are the concatenation of `parts`.
#[cfg_attr(not(feature = "fixtures"), allow(dead_code))]
pub(crate) fn cons(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &parts.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert!(single(&[0x30, 0x80, 0x00, 0x00], tag::SEQUENCE, "x").is_err());
        assert!(single(&[0x30, 0x81, 0x05, 1, 2, 3, 4, 5], tag::SEQUENCE, "x").is_err());
        assert!(single(&[0x30, 0x85, 1, 1, 1, 1, 1], tag::SEQUENCE, "x").is_err());
        assert!(single(&[0x30, 0x03, 1], tag::SEQUENCE, "x").is_err());
        assert!(single(&[0x30, 0x00, 0], tag::SEQUENCE, "x").is_err());
        assert!(single(&[0x3f, 0x00], tag::SEQUENCE, "x").is_err());
        let big = tlv(tag::OCTET_STRING, &[7u8; 300]);
        let t = single(&big, tag::OCTET_STRING, "x").unwrap();
        assert_eq!(t.body.len(), 300);
    }

    #[test]
    fn times() {
        let t = tlv(tag::GENERALIZED_TIME, b"20261123061630Z");
        let t = single(&t, tag::GENERALIZED_TIME, "x")
            .unwrap()
            .time("x")
            .unwrap();
        assert_eq!(t, UnixTime::from_civil(2026, 11, 23, 6, 16, 30));
        let u = tlv(tag::UTC_TIME, b"491231235959Z");
        let u = single(&u, tag::UTC_TIME, "x").unwrap().time("x").unwrap();
        assert_eq!(u.to_civil().0, 2049);
        let bad = tlv(tag::GENERALIZED_TIME, b"2026112306163aZ");
        assert!(
            single(&bad, tag::GENERALIZED_TIME, "x")
                .unwrap()
                .time("x")
                .is_err()
        );
    }

    #[test]
    fn integers() {
        let i = tlv(tag::INTEGER, &[0x00, 0x81]);
        assert_eq!(
            single(&i, tag::INTEGER, "x")
                .unwrap()
                .uint_bytes("x")
                .unwrap(),
            &[0x81]
        );
        let i = tlv(tag::INTEGER, &[0x00, 0x01]);
        assert!(
            single(&i, tag::INTEGER, "x")
                .unwrap()
                .uint_bytes("x")
                .is_err()
        );
        let i = tlv(tag::INTEGER, &[0x01]);
        assert_eq!(
            single(&i, tag::INTEGER, "x")
                .unwrap()
                .small_uint("x")
                .unwrap(),
            1
        );
    }
}
