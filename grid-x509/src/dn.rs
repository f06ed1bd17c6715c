//! Distinguished names: decoding from DER, the OpenSSL slash form and RFC 2253 text,
//! canonical comparison and the OpenSSL subject hashes that name CA directory files.
//!
//! A [`Dn`] is structural: a sequence of [`Rdn`]s, each a set of one or more [`Ava`]s
//! (attribute type and value). Two DNs are equal when their OpenSSL canonical encodings
//! are equal (`X509_NAME_cmp` in OpenSSL 3): per value, ASCII case and whitespace runs do
//! not matter, neither does the string type (PrintableString vs UTF8String), and the AVAs
//! of a multi-valued RDN compare as a set. Text is never compared as text.
//!
//! Text forms:
//! - the OpenSSL slash form printed by `openssl x509 -subject -nameopt compat` and by the
//!   grid tools (`/DC=ch/DC=cern/OU=Users/CN=jdoe`), see [`Dn::to_openssl`] and
//!   [`Dn::parse_openssl`];
//! - RFC 2253 (`CN=jdoe,OU=Users,DC=cern,DC=ch`), as printed by `-nameopt RFC2253`, see
//!   [`Dn::to_rfc2253`] and [`Dn::parse_rfc2253`].

use std::fmt;
use std::hash::{Hash, Hasher};

use const_oid::ObjectIdentifier;

use crate::error::{Error, Result};

/// Most RDNs accepted in one DN. Real grid DNs have under 15; the bound keeps hostile
/// input from costing more than a few kilobytes of bookkeeping per name.
pub const MAX_DN_RDNS: usize = 64;
/// Most AVAs accepted in one multi-valued RDN (real ones have 2 or 3).
pub const MAX_RDN_AVAS: usize = 16;
/// Largest encoded attribute value, in bytes (X.520 upper bounds are 64 to 32768
/// characters; 64 KiB bounds memory while accepting every real name).
pub const MAX_DN_VALUE_BYTES: usize = 64 * 1024;

/// Longest attribute keyword or dotted OID looked at when deciding whether a `/` or `+`
/// in slash-form text starts a new attribute. Bounds the look-ahead so parsing stays linear.
const MAX_KEYWORD_CHARS: usize = 128;

// DER tags used here.
const TAG_OID: u8 = 0x06;
const TAG_SEQUENCE: u8 = 0x30;
const TAG_SET: u8 = 0x31;

/// The ASN.1 string type an attribute value is encoded with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StringType {
    /// PrintableString (tag 19).
    Printable,
    /// UTF8String (tag 12).
    Utf8,
    /// IA5String (tag 22), ASCII.
    Ia5,
    /// TeletexString / T61String (tag 20), read as Latin-1 as OpenSSL does.
    Teletex,
    /// BMPString (tag 30), UTF-16 big-endian.
    Bmp,
    /// UniversalString (tag 28), UCS-4 big-endian.
    Universal,
}

impl StringType {
    /// The DER tag byte.
    pub fn tag(self) -> u8 {
        match self {
            StringType::Printable => 0x13,
            StringType::Utf8 => 0x0c,
            StringType::Ia5 => 0x16,
            StringType::Teletex => 0x14,
            StringType::Bmp => 0x1e,
            StringType::Universal => 0x1c,
        }
    }

    /// The string type for a DER tag byte, if it is one this crate decodes.
    pub fn from_tag(tag: u8) -> Option<StringType> {
        Some(match tag {
            0x13 => StringType::Printable,
            0x0c => StringType::Utf8,
            0x16 => StringType::Ia5,
            0x14 => StringType::Teletex,
            0x1e => StringType::Bmp,
            0x1c => StringType::Universal,
            _ => return None,
        })
    }

    /// The ASN.1 name, e.g. `PrintableString`.
    pub fn name(self) -> &'static str {
        match self {
            StringType::Printable => "PrintableString",
            StringType::Utf8 => "UTF8String",
            StringType::Ia5 => "IA5String",
            StringType::Teletex => "TeletexString",
            StringType::Bmp => "BMPString",
            StringType::Universal => "UniversalString",
        }
    }
}

/// How a value given as text is encoded for an attribute (as `openssl req -subj` does
/// with the default `utf8only` string mask).
#[derive(Clone, Copy, PartialEq, Eq)]
enum TextType {
    /// PrintableString when the value fits, else UTF8String.
    Printable,
    /// IA5String when the value is ASCII, else UTF8String.
    Ia5,
    /// UTF8String.
    Utf8,
}

/// One known attribute type: OpenSSL's short name (what it prints) and the text encoding.
struct Attr {
    oid: ObjectIdentifier,
    keyword: &'static str,
    text_type: TextType,
}

const fn attr(oid: &str, keyword: &'static str, text_type: TextType) -> Attr {
    Attr {
        oid: ObjectIdentifier::new_unwrap(oid),
        keyword,
        text_type,
    }
}

/// Attribute types OpenSSL 3.0 knows by name, with the short names it prints.
const ATTRS: &[Attr] = &[
    attr("2.5.4.3", "CN", TextType::Utf8),
    attr("2.5.4.4", "SN", TextType::Utf8),
    attr("2.5.4.5", "serialNumber", TextType::Printable),
    attr("2.5.4.6", "C", TextType::Printable),
    attr("2.5.4.7", "L", TextType::Utf8),
    attr("2.5.4.8", "ST", TextType::Utf8),
    attr("2.5.4.9", "street", TextType::Utf8),
    attr("2.5.4.10", "O", TextType::Utf8),
    attr("2.5.4.11", "OU", TextType::Utf8),
    attr("2.5.4.12", "title", TextType::Utf8),
    attr("2.5.4.13", "description", TextType::Utf8),
    attr("2.5.4.14", "searchGuide", TextType::Utf8),
    attr("2.5.4.15", "businessCategory", TextType::Utf8),
    attr("2.5.4.16", "postalAddress", TextType::Utf8),
    attr("2.5.4.17", "postalCode", TextType::Utf8),
    attr("2.5.4.18", "postOfficeBox", TextType::Utf8),
    attr("2.5.4.19", "physicalDeliveryOfficeName", TextType::Utf8),
    attr("2.5.4.20", "telephoneNumber", TextType::Utf8),
    attr("2.5.4.21", "telexNumber", TextType::Utf8),
    attr("2.5.4.22", "teletexTerminalIdentifier", TextType::Utf8),
    attr("2.5.4.23", "facsimileTelephoneNumber", TextType::Utf8),
    attr("2.5.4.24", "x121Address", TextType::Utf8),
    attr("2.5.4.25", "internationaliSDNNumber", TextType::Utf8),
    attr("2.5.4.26", "registeredAddress", TextType::Utf8),
    attr("2.5.4.27", "destinationIndicator", TextType::Utf8),
    attr("2.5.4.28", "preferredDeliveryMethod", TextType::Utf8),
    attr("2.5.4.29", "presentationAddress", TextType::Utf8),
    attr("2.5.4.30", "supportedApplicationContext", TextType::Utf8),
    attr("2.5.4.31", "member", TextType::Utf8),
    attr("2.5.4.32", "owner", TextType::Utf8),
    attr("2.5.4.33", "roleOccupant", TextType::Utf8),
    attr("2.5.4.34", "seeAlso", TextType::Utf8),
    attr("2.5.4.35", "userPassword", TextType::Utf8),
    attr("2.5.4.36", "userCertificate", TextType::Utf8),
    attr("2.5.4.37", "cACertificate", TextType::Utf8),
    attr("2.5.4.38", "authorityRevocationList", TextType::Utf8),
    attr("2.5.4.39", "certificateRevocationList", TextType::Utf8),
    attr("2.5.4.40", "crossCertificatePair", TextType::Utf8),
    attr("2.5.4.41", "name", TextType::Utf8),
    attr("2.5.4.42", "GN", TextType::Utf8),
    attr("2.5.4.43", "initials", TextType::Utf8),
    attr("2.5.4.44", "generationQualifier", TextType::Utf8),
    attr("2.5.4.45", "x500UniqueIdentifier", TextType::Utf8),
    attr("2.5.4.46", "dnQualifier", TextType::Printable),
    attr("2.5.4.47", "enhancedSearchGuide", TextType::Utf8),
    attr("2.5.4.48", "protocolInformation", TextType::Utf8),
    attr("2.5.4.49", "distinguishedName", TextType::Utf8),
    attr("2.5.4.50", "uniqueMember", TextType::Utf8),
    attr("2.5.4.51", "houseIdentifier", TextType::Utf8),
    attr("2.5.4.52", "supportedAlgorithms", TextType::Utf8),
    attr("2.5.4.53", "deltaRevocationList", TextType::Utf8),
    attr("2.5.4.54", "dmdName", TextType::Utf8),
    attr("2.5.4.65", "pseudonym", TextType::Utf8),
    attr("2.5.4.72", "role", TextType::Utf8),
    attr("2.5.4.97", "organizationIdentifier", TextType::Utf8),
    attr("0.9.2342.19200300.100.1.1", "UID", TextType::Utf8),
    attr("0.9.2342.19200300.100.1.3", "mail", TextType::Ia5),
    attr("0.9.2342.19200300.100.1.25", "DC", TextType::Ia5),
    attr("1.2.840.113549.1.9.1", "emailAddress", TextType::Ia5),
    attr("1.2.840.113549.1.9.2", "unstructuredName", TextType::Utf8),
    attr(
        "1.2.840.113549.1.9.8",
        "unstructuredAddress",
        TextType::Utf8,
    ),
    attr("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL", TextType::Utf8),
    attr("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST", TextType::Utf8),
    attr(
        "1.3.6.1.4.1.311.60.2.1.3",
        "jurisdictionC",
        TextType::Printable,
    ),
];

/// Other spellings accepted on input (case-insensitive), beside the short names above.
const ALIASES: &[(&str, &str)] = &[
    ("commonName", "2.5.4.3"),
    ("surname", "2.5.4.4"),
    ("countryName", "2.5.4.6"),
    ("localityName", "2.5.4.7"),
    ("stateOrProvinceName", "2.5.4.8"),
    ("S", "2.5.4.8"),
    ("streetAddress", "2.5.4.9"),
    ("organizationName", "2.5.4.10"),
    ("organizationalUnitName", "2.5.4.11"),
    ("givenName", "2.5.4.42"),
    ("userid", "0.9.2342.19200300.100.1.1"),
    ("rfc822Mailbox", "0.9.2342.19200300.100.1.3"),
    ("domainComponent", "0.9.2342.19200300.100.1.25"),
    ("E", "1.2.840.113549.1.9.1"),
    ("Email", "1.2.840.113549.1.9.1"),
    ("jurisdictionCountryName", "1.3.6.1.4.1.311.60.2.1.3"),
    (
        "jurisdictionStateOrProvinceName",
        "1.3.6.1.4.1.311.60.2.1.2",
    ),
    ("jurisdictionLocalityName", "1.3.6.1.4.1.311.60.2.1.1"),
];

const CN_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

fn attr_by_oid(oid: &ObjectIdentifier) -> Option<&'static Attr> {
    ATTRS.iter().find(|a| a.oid == *oid)
}

/// Resolves a keyword (case-insensitive) or dotted OID to an OID.
fn resolve_keyword(keyword: &str) -> Option<ObjectIdentifier> {
    if let Some(a) = ATTRS
        .iter()
        .find(|a| a.keyword.eq_ignore_ascii_case(keyword))
    {
        return Some(a.oid);
    }
    if let Some((_, oid)) = ALIASES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(keyword))
    {
        return ObjectIdentifier::new(oid).ok();
    }
    let dotted = keyword
        .strip_prefix("OID.")
        .or_else(|| keyword.strip_prefix("oid."))
        .unwrap_or(keyword);
    if !dotted.is_empty() && dotted.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return ObjectIdentifier::new(dotted).ok();
    }
    None
}

/// OpenSSL's PrintableString character set (`ossl_isasn1print`).
fn is_printable_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            ' ' | '\'' | '(' | ')' | '+' | ',' | '-' | '.' | '/' | ':' | '=' | '?'
        )
}

/// One attribute type and value (`AttributeTypeAndValue`, RFC 5280 §4.1.2.4).
#[derive(Clone)]
pub struct Ava {
    oid: ObjectIdentifier,
    string_type: StringType,
    /// The encoded value bytes (content octets of the string).
    raw: Vec<u8>,
    /// The decoded text.
    text: String,
}

impl Ava {
    /// The attribute type.
    pub fn oid(&self) -> ObjectIdentifier {
        self.oid
    }

    /// OpenSSL's short name for the attribute type (`CN`, `DC`, `emailAddress`, ...), or
    /// `None` when OpenSSL prints it as a dotted OID.
    pub fn keyword(&self) -> Option<&'static str> {
        attr_by_oid(&self.oid).map(|a| a.keyword)
    }

    /// The decoded value.
    pub fn value(&self) -> &str {
        &self.text
    }

    /// The ASN.1 string type of the value.
    pub fn string_type(&self) -> StringType {
        self.string_type
    }

    /// The encoded value (content octets of the string, as in the certificate).
    pub fn raw_value(&self) -> &[u8] {
        &self.raw
    }

    /// Builds an AVA from text, choosing the string type as `openssl req -subj` does.
    fn from_text(oid: ObjectIdentifier, text: String) -> Result<Ava> {
        let text_type = attr_by_oid(&oid).map_or(TextType::Utf8, |a| a.text_type);
        let string_type = match text_type {
            TextType::Printable if text.chars().all(is_printable_char) => StringType::Printable,
            TextType::Ia5 if text.is_ascii() => StringType::Ia5,
            _ => StringType::Utf8,
        };
        Ava::with_type(oid, string_type, text)
    }

    /// Builds an AVA with the given string type; `text` must be representable in it.
    fn with_type(oid: ObjectIdentifier, string_type: StringType, text: String) -> Result<Ava> {
        let raw = match string_type {
            StringType::Printable | StringType::Ia5 | StringType::Utf8 => text.as_bytes().to_vec(),
            StringType::Teletex => text
                .chars()
                .map(|c| u8::try_from(u32::from(c)))
                .collect::<std::result::Result<Vec<u8>, _>>()
                .map_err(|_| value_error(&oid, "character outside Latin-1 in a TeletexString"))?,
            StringType::Bmp => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            StringType::Universal => text
                .chars()
                .flat_map(|c| u32::from(c).to_be_bytes())
                .collect(),
        };
        check_value_len(raw.len())?;
        Ok(Ava {
            oid,
            string_type,
            raw,
            text,
        })
    }

    /// Decodes a value from its DER tag and content octets.
    fn from_der_value(oid: ObjectIdentifier, tag: u8, raw: &[u8]) -> Result<Ava> {
        check_value_len(raw.len())?;
        let string_type = StringType::from_tag(tag).ok_or_else(|| {
            value_error(
                &oid,
                &format!(
                    "unsupported value type (DER tag 0x{tag:02x}); expected PrintableString, \
                     UTF8String, IA5String, TeletexString, BMPString or UniversalString"
                ),
            )
        })?;
        let text = decode_string(string_type, raw).map_err(|reason| value_error(&oid, &reason))?;
        Ok(Ava {
            oid,
            string_type,
            raw: raw.to_vec(),
            text,
        })
    }

    fn keyword_or_oid(&self) -> String {
        self.keyword()
            .map_or_else(|| self.oid.to_string(), str::to_string)
    }

    /// DER of `SEQUENCE { type, value }`.
    fn encode(&self) -> Vec<u8> {
        let mut content = tlv(TAG_OID, self.oid.as_bytes());
        content.extend(tlv(self.string_type.tag(), &self.raw));
        tlv(TAG_SEQUENCE, &content)
    }

    /// DER of the canonical form OpenSSL hashes and compares (`x509_name_canon`).
    fn encode_canonical(&self) -> Vec<u8> {
        let mut content = tlv(TAG_OID, self.oid.as_bytes());
        content.extend(tlv(
            StringType::Utf8.tag(),
            canonical_value(&self.text).as_bytes(),
        ));
        tlv(TAG_SEQUENCE, &content)
    }
}

impl fmt::Debug for Ava {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}={:?} ({})",
            self.keyword_or_oid(),
            self.text,
            self.string_type.name()
        )
    }
}

fn value_error(oid: &ObjectIdentifier, reason: &str) -> Error {
    Error::DnValue {
        attribute: attr_by_oid(oid).map_or_else(|| oid.to_string(), |a| a.keyword.to_string()),
        reason: reason.to_string(),
    }
}

fn check_value_len(len: usize) -> Result<()> {
    if len > MAX_DN_VALUE_BYTES {
        return Err(Error::DnLimit {
            what: "bytes in one attribute value",
            count: len,
            max: MAX_DN_VALUE_BYTES,
        });
    }
    Ok(())
}

/// Decodes the content octets of a string value.
fn decode_string(string_type: StringType, raw: &[u8]) -> std::result::Result<String, String> {
    match string_type {
        StringType::Printable => {
            if let Some(b) = raw.iter().find(|b| !(0x20..=0x7e).contains(*b)) {
                return Err(format!(
                    "byte 0x{b:02x} is not allowed in a PrintableString"
                ));
            }
            Ok(raw.iter().map(|&b| char::from(b)).collect())
        }
        StringType::Ia5 => {
            if let Some(b) = raw.iter().find(|b| !b.is_ascii()) {
                return Err(format!("byte 0x{b:02x} is not ASCII in an IA5String"));
            }
            Ok(raw.iter().map(|&b| char::from(b)).collect())
        }
        StringType::Utf8 => std::str::from_utf8(raw)
            .map(str::to_string)
            .map_err(|e| format!("UTF8String is not valid UTF-8: {e}")),
        StringType::Teletex => Ok(raw.iter().map(|&b| char::from(b)).collect()),
        StringType::Bmp => {
            if !raw.len().is_multiple_of(2) {
                return Err(format!("BMPString has odd length {}", raw.len()));
            }
            let units = raw
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([first(p, 0), first(p, 1)]));
            char::decode_utf16(units)
                .collect::<std::result::Result<String, _>>()
                .map_err(|e| {
                    format!(
                        "BMPString holds an unpaired surrogate 0x{:04x}",
                        e.unpaired_surrogate()
                    )
                })
        }
        StringType::Universal => {
            if !raw.len().is_multiple_of(4) {
                return Err(format!(
                    "UniversalString length {} is not a multiple of 4",
                    raw.len()
                ));
            }
            raw.chunks_exact(4)
                .map(|q| {
                    let v =
                        u32::from_be_bytes([first(q, 0), first(q, 1), first(q, 2), first(q, 3)]);
                    char::from_u32(v)
                        .ok_or_else(|| format!("UniversalString holds invalid code point 0x{v:x}"))
                })
                .collect()
        }
    }
}

fn first(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// OpenSSL's value canonicalisation (`asn1_string_canon`): leading and trailing
/// whitespace removed, internal whitespace runs collapsed to one space, ASCII lower-cased.
/// Non-ASCII characters are kept as they are.
fn canonical_value(text: &str) -> String {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r');
    let trimmed = text.trim_matches(is_space);
    let mut out = String::with_capacity(trimmed.len());
    let mut in_space = false;
    for c in trimmed.chars() {
        if is_space(c) {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            in_space = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// One relative distinguished name: a set of one or more AVAs.
#[derive(Clone)]
pub struct Rdn {
    avas: Vec<Ava>,
}

impl Rdn {
    /// The AVAs, in encoding order (DER SET OF order for names built from text).
    pub fn avas(&self) -> &[Ava] {
        &self.avas
    }

    /// An RDN from text-built AVAs, sorted as DER orders a SET OF.
    fn sorted(avas: Vec<Ava>) -> Rdn {
        let mut keyed: Vec<(Vec<u8>, Ava)> = avas.into_iter().map(|a| (a.encode(), a)).collect();
        keyed.sort_by(|x, y| x.0.cmp(&y.0));
        Rdn {
            avas: keyed.into_iter().map(|(_, a)| a).collect(),
        }
    }

    fn encode(&self) -> Vec<u8> {
        let content: Vec<u8> = self.avas.iter().flat_map(Ava::encode).collect();
        tlv(TAG_SET, &content)
    }

    fn encode_canonical(&self) -> Vec<u8> {
        let mut parts: Vec<Vec<u8>> = self.avas.iter().map(Ava::encode_canonical).collect();
        parts.sort();
        tlv(TAG_SET, &parts.concat())
    }
}

impl fmt::Debug for Rdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.avas).finish()
    }
}

/// A distinguished name (X.501 `Name`, RFC 5280 §4.1.2.4), owned and structural.
///
/// Equality and hashing use OpenSSL's canonical form (see the module documentation);
/// [`Display`](fmt::Display) prints the OpenSSL slash form.
#[derive(Clone)]
pub struct Dn {
    rdns: Vec<Rdn>,
    /// DER of the Name: the original bytes when decoded, else the encoding of `rdns`.
    der: Vec<u8>,
    /// OpenSSL's canonical encoding (`canon_enc`), used for equality and `subject_hash`.
    canon: Vec<u8>,
}

impl Dn {
    fn from_rdns(rdns: Vec<Rdn>) -> Dn {
        let content: Vec<u8> = rdns.iter().flat_map(Rdn::encode).collect();
        let der = tlv(TAG_SEQUENCE, &content);
        Dn::with_der(rdns, der)
    }

    fn with_der(rdns: Vec<Rdn>, der: Vec<u8>) -> Dn {
        let canon = rdns.iter().flat_map(Rdn::encode_canonical).collect();
        Dn { rdns, der, canon }
    }

    /// The empty DN (no RDNs).
    pub fn empty() -> Dn {
        Dn::from_rdns(Vec::new())
    }

    /// Converts an x509-cert `Name`.
    pub fn from_name(name: &x509_cert::name::Name) -> Result<Dn> {
        use der::Encode;
        let der = name.to_der().map_err(|e| Error::DnDecode {
            position: 0,
            reason: format!("cannot encode the Name: {e}"),
        })?;
        Dn::from_der(&der)
    }

    /// Decodes the DER of a `Name` (an RDNSequence), keeping the bytes.
    ///
    /// Values must be PrintableString, UTF8String, IA5String, TeletexString, BMPString or
    /// UniversalString ([`Error::DnValue`] otherwise); the DER must be definite-length with
    /// minimal lengths and no trailing data ([`Error::DnDecode`]); at most
    /// [`MAX_DN_RDNS`] RDNs of at most [`MAX_RDN_AVAS`] AVAs ([`Error::DnLimit`]).
    pub fn from_der(der: &[u8]) -> Result<Dn> {
        let mut outer = DerReader::new(der, 0);
        let (tag, seq) = outer.read()?;
        if tag != TAG_SEQUENCE {
            return Err(outer.error(format!("expected a SEQUENCE (0x30), found tag 0x{tag:02x}")));
        }
        if !outer.is_empty() {
            return Err(outer.error("trailing data after the Name".to_string()));
        }
        let mut rdns = Vec::new();
        let mut seq = seq;
        while !seq.is_empty() {
            if rdns.len() >= MAX_DN_RDNS {
                return Err(Error::DnLimit {
                    what: "RDNs in one DN",
                    count: rdns.len().saturating_add(1),
                    max: MAX_DN_RDNS,
                });
            }
            let (tag, mut set) = seq.read()?;
            if tag != TAG_SET {
                return Err(seq.error(format!("expected an RDN SET (0x31), found tag 0x{tag:02x}")));
            }
            if set.is_empty() {
                return Err(set.error("empty RDN (a SET needs at least one AVA)".to_string()));
            }
            let mut avas = Vec::new();
            while !set.is_empty() {
                if avas.len() >= MAX_RDN_AVAS {
                    return Err(Error::DnLimit {
                        what: "AVAs in one RDN",
                        count: avas.len().saturating_add(1),
                        max: MAX_RDN_AVAS,
                    });
                }
                let (tag, mut ava) = set.read()?;
                if tag != TAG_SEQUENCE {
                    return Err(set.error(format!(
                        "expected an AttributeTypeAndValue SEQUENCE (0x30), found tag 0x{tag:02x}"
                    )));
                }
                let (tag, oid_reader) = ava.read()?;
                if tag != TAG_OID {
                    return Err(ava.error(format!(
                        "expected an attribute type OID (0x06), found tag 0x{tag:02x}"
                    )));
                }
                let oid = ObjectIdentifier::from_bytes(oid_reader.rest())
                    .map_err(|e| oid_reader.error(format!("bad attribute type OID: {e}")))?;
                let (tag, value) = ava.read()?;
                if !ava.is_empty() {
                    return Err(ava.error("trailing data in an AttributeTypeAndValue".to_string()));
                }
                avas.push(Ava::from_der_value(oid, tag, value.rest())?);
            }
            rdns.push(Rdn { avas });
        }
        Ok(Dn::with_der(rdns, der.to_vec()))
    }

    /// The DER of the Name: the original bytes when decoded from DER, else the encoding.
    pub fn to_der(&self) -> Vec<u8> {
        self.der.clone()
    }

    /// The DER of the Name, borrowed.
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// Converts to an x509-cert `Name` (for building certificates).
    pub fn to_name(&self) -> Result<x509_cert::name::Name> {
        use der::Decode;
        x509_cert::name::Name::from_der(&self.der).map_err(|e| Error::DnDecode {
            position: 0,
            reason: format!("x509-cert rejects the Name: {e}"),
        })
    }

    /// Parses the OpenSSL slash form (`/DC=ch/DC=cern/CN=jdoe`).
    ///
    /// Both the escaped form OpenSSL 3 prints (`\/`, `\+`, `\xHH` for bytes outside
    /// printable ASCII) and the unescaped form of older tools are read: a `/` starts a new
    /// RDN, and a `+` a new AVA of the same RDN, only when an attribute keyword (known
    /// keyword, case-insensitive, or dotted OID) and `=` follow; otherwise it is part of
    /// the value. `\\` is a backslash; a backslash before any other character is kept.
    /// The empty string is the empty DN.
    pub fn parse_openssl(s: &str) -> Result<Dn> {
        SlashParser::new(s).parse()
    }

    /// Parses RFC 2253 / RFC 4514 text (`CN=jdoe,OU=Users,DC=cern,DC=ch`): the most
    /// specific RDN first, `,` (or `;`) between RDNs, `+` between AVAs, backslash escapes
    /// (`\,` and `\2C`), `#hex` BER values and quoted values. Spaces around separators
    /// are ignored. The empty string is the empty DN.
    pub fn parse_rfc2253(s: &str) -> Result<Dn> {
        Rfc2253Parser::new(s).parse()
    }

    /// Parses either text form: a leading `/` means the slash form, else RFC 2253.
    pub fn parse(s: &str) -> Result<Dn> {
        if s.starts_with('/') {
            Dn::parse_openssl(s)
        } else {
            Dn::parse_rfc2253(s)
        }
    }

    /// The OpenSSL slash form, exactly as `openssl x509 -subject -nameopt compat`
    /// (`X509_NAME_oneline`) prints it: `/` before each RDN, `+` between the AVAs of a
    /// multi-valued RDN, `/` and `+` in values escaped with a backslash, and each byte of
    /// the encoded value outside printable ASCII written as `\xHH`.
    pub fn to_openssl(&self) -> String {
        let mut out = String::new();
        for rdn in &self.rdns {
            for (i, ava) in rdn.avas.iter().enumerate() {
                out.push(if i == 0 { '/' } else { '+' });
                out.push_str(&ava.keyword_or_oid());
                out.push('=');
                for &b in &ava.raw {
                    if !(b' '..=b'~').contains(&b) {
                        out.push_str(&format!("\\x{b:02X}"));
                    } else {
                        if b == b'/' || b == b'+' {
                            out.push('\\');
                        }
                        out.push(char::from(b));
                    }
                }
            }
        }
        out
    }

    /// RFC 2253 text exactly as `openssl x509 -nameopt RFC2253` prints it: RDNs and the
    /// AVAs within each RDN in reverse order, `,` and `+` separators, RFC 2253 escapes,
    /// bytes of the UTF-8 form outside ASCII and control characters as `\HH`, and values
    /// of attribute types OpenSSL does not name as `#` and the hex of their DER.
    pub fn to_rfc2253(&self) -> String {
        let mut out = String::new();
        for (i, rdn) in self.rdns.iter().rev().enumerate() {
            if i > 0 {
                out.push(',');
            }
            for (j, ava) in rdn.avas.iter().rev().enumerate() {
                if j > 0 {
                    out.push('+');
                }
                match ava.keyword() {
                    Some(k) => {
                        out.push_str(k);
                        out.push('=');
                        escape_rfc2253(&ava.text, &mut out);
                    }
                    None => {
                        out.push_str(&ava.oid.to_string());
                        out.push_str("=#");
                        for b in tlv(ava.string_type.tag(), &ava.raw) {
                            out.push_str(&format!("{b:02X}"));
                        }
                    }
                }
            }
        }
        out
    }

    /// The RDNs, most general first (the order of the DER and of the slash form).
    pub fn rdns(&self) -> &[Rdn] {
        &self.rdns
    }

    /// Number of RDNs.
    pub fn len(&self) -> usize {
        self.rdns.len()
    }

    /// True for the empty DN.
    pub fn is_empty(&self) -> bool {
        self.rdns.is_empty()
    }

    /// The value of the last RDN when it is a single CN AVA (as in proxy subjects).
    pub fn last_cn(&self) -> Option<&str> {
        match self.rdns.last().map(|r| r.avas.as_slice()) {
            Some([ava]) if ava.oid == CN_OID => Some(&ava.text),
            _ => None,
        }
    }

    /// The DN without its last RDN (`None` for the empty DN).
    pub fn parent(&self) -> Option<Dn> {
        let (_, rest) = self.rdns.split_last()?;
        Some(Dn::from_rdns(rest.to_vec()))
    }

    /// This DN with one more RDN `CN=cn` appended, as a proxy subject is made: the value is
    /// a PrintableString when it fits, else a UTF8String.
    ///
    /// The value is not checked against [`MAX_DN_VALUE_BYTES`] or the RDN count; use
    /// [`Dn::try_with_cn`] for values from untrusted input.
    pub fn with_cn(&self, cn: &str) -> Dn {
        let string_type = if cn.chars().all(is_printable_char) {
            StringType::Printable
        } else {
            StringType::Utf8
        };
        let ava = Ava {
            oid: CN_OID,
            string_type,
            raw: cn.as_bytes().to_vec(),
            text: cn.to_string(),
        };
        let mut rdns = self.rdns.clone();
        rdns.push(Rdn { avas: vec![ava] });
        Dn::from_rdns(rdns)
    }

    /// Like [`Dn::with_cn`], but enforces [`MAX_DN_VALUE_BYTES`] and [`MAX_DN_RDNS`].
    pub fn try_with_cn(&self, cn: &str) -> Result<Dn> {
        check_value_len(cn.len())?;
        if self.rdns.len() >= MAX_DN_RDNS {
            return Err(Error::DnLimit {
                what: "RDNs in one DN",
                count: self.rdns.len().saturating_add(1),
                max: MAX_DN_RDNS,
            });
        }
        Ok(self.with_cn(cn))
    }

    /// OpenSSL's subject hash (`openssl x509 -subject_hash`, `X509_NAME_hash_ex`): the
    /// first four bytes, little-endian, of the SHA-1 of the canonical encoding. CA
    /// directories name files `<hash>.0` by it (print with `{:08x}`).
    pub fn subject_hash(&self) -> u32 {
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &self.canon);
        le_u32(digest.as_ref())
    }

    /// OpenSSL's old subject hash (`openssl x509 -subject_hash_old`): the first four
    /// bytes, little-endian, of the MD5 of the DER of the Name.
    pub fn subject_hash_old(&self) -> u32 {
        le_u32(&md5(&self.der))
    }

    /// OpenSSL's canonical encoding of the name (what equality and `subject_hash` use).
    pub fn canonical_encoding(&self) -> &[u8] {
        &self.canon
    }
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes([first(b, 0), first(b, 1), first(b, 2), first(b, 3)])
}

impl PartialEq for Dn {
    fn eq(&self, other: &Self) -> bool {
        self.canon == other.canon
    }
}

impl Eq for Dn {}

impl Hash for Dn {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canon.hash(state);
    }
}

impl fmt::Display for Dn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_openssl())
    }
}

impl fmt::Debug for Dn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Dn({:?})", self.to_openssl())
    }
}

impl std::str::FromStr for Dn {
    type Err = Error;

    fn from_str(s: &str) -> Result<Dn> {
        Dn::parse(s)
    }
}

/// RFC 2253 value escaping as OpenSSL's `do_esc_char` with `ASN1_STRFLGS_RFC2253`.
fn escape_rfc2253(text: &str, out: &mut String) {
    let count = text.chars().count();
    for (i, c) in text.chars().enumerate() {
        let first_char = i == 0;
        let last_char = i.saturating_add(1) == count;
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            let special = matches!(b, b',' | b'+' | b'"' | b'\\' | b'<' | b'>' | b';')
                || (first_char && (b == b'#' || b == b' '))
                || (last_char && b == b' ');
            if special {
                out.push('\\');
                out.push(char::from(b));
            } else if !(0x20..0x7f).contains(&b) {
                out.push_str(&format!("\\{b:02X}"));
            } else {
                out.push(char::from(b));
            }
        }
    }
}

/// DER TLV with a definite, minimal length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len().saturating_add(6));
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.extend(u8::try_from(len).ok());
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = bytes.get(skip..).unwrap_or(&[]);
        out.extend(u8::try_from(significant.len()).ok().map(|n| 0x80 | n));
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(content);
    out
}

/// A minimal DER reader over a slice; positions in errors are absolute byte offsets.
struct DerReader<'a> {
    data: &'a [u8],
    /// Absolute offset of `data[0]`.
    base: usize,
    /// Offset into `data`.
    pos: usize,
}

impl<'a> DerReader<'a> {
    fn new(data: &'a [u8], base: usize) -> Self {
        DerReader { data, base, pos: 0 }
    }

    fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }

    fn error(&self, reason: String) -> Error {
        Error::DnDecode {
            position: self.base.saturating_add(self.pos),
            reason,
        }
    }

    fn byte(&mut self) -> Result<u8> {
        let b = self
            .data
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.error("unexpected end of data".to_string()))?;
        self.pos = self.pos.saturating_add(1);
        Ok(b)
    }

    /// Reads one TLV; returns the tag and a reader over the content.
    fn read(&mut self) -> Result<(u8, DerReader<'a>)> {
        let start = self.pos;
        let tag = self.byte()?;
        if tag & 0x1f == 0x1f {
            self.pos = start;
            return Err(self.error("multi-byte tags are not used in Names".to_string()));
        }
        let first_len = self.byte()?;
        let len = if first_len < 0x80 {
            usize::from(first_len)
        } else if first_len == 0x80 {
            return Err(self.error("indefinite length is not DER".to_string()));
        } else {
            let n = usize::from(first_len & 0x7f);
            if n > 4 {
                return Err(self.error(format!("length of {n} bytes is too large")));
            }
            let mut len = 0usize;
            for i in 0..n {
                let b = self.byte()?;
                if i == 0 && b == 0 {
                    return Err(self.error("non-minimal length encoding is not DER".to_string()));
                }
                len = (len << 8) | usize::from(b);
            }
            if len < 0x80 {
                return Err(self.error("non-minimal length encoding is not DER".to_string()));
            }
            len
        };
        let content_start = self.pos;
        let end = content_start
            .checked_add(len)
            .filter(|&e| e <= self.data.len())
            .ok_or_else(|| {
                self.error(format!(
                    "length {len} runs past the end of the data ({} bytes left)",
                    self.data.len().saturating_sub(content_start)
                ))
            })?;
        let content = self.data.get(content_start..end).unwrap_or(&[]);
        self.pos = end;
        Ok((
            tag,
            DerReader::new(content, self.base.saturating_add(content_start)),
        ))
    }
}

// ----- text parsing ------------------------------------------------------------------------

/// Collects AVAs and RDNs while parsing, enforcing the budgets.
struct Builder {
    rdns: Vec<Rdn>,
    avas: Vec<Ava>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            rdns: Vec::new(),
            avas: Vec::new(),
        }
    }

    fn push_ava(&mut self, ava: Ava) -> Result<()> {
        if self.avas.len() >= MAX_RDN_AVAS {
            return Err(Error::DnLimit {
                what: "AVAs in one RDN",
                count: self.avas.len().saturating_add(1),
                max: MAX_RDN_AVAS,
            });
        }
        self.avas.push(ava);
        Ok(())
    }

    fn end_rdn(&mut self) -> Result<()> {
        if self.rdns.len() >= MAX_DN_RDNS {
            return Err(Error::DnLimit {
                what: "RDNs in one DN",
                count: self.rdns.len().saturating_add(1),
                max: MAX_DN_RDNS,
            });
        }
        let avas = std::mem::take(&mut self.avas);
        self.rdns.push(Rdn::sorted(avas));
        Ok(())
    }
}

fn parse_error(input: &str, position: usize, reason: impl Into<String>) -> Error {
    Error::DnParse {
        input: input.to_string(),
        position,
        reason: reason.into(),
    }
}

fn hex_val(c: char) -> Option<u8> {
    c.to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// Turns collected value bytes into text, or an error at `position`.
fn value_text(input: &str, position: usize, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        parse_error(
            input,
            position,
            format!(
                "value is not valid UTF-8 after resolving \\x escapes (byte {} of the value)",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

struct SlashParser<'a> {
    input: &'a str,
    chars: Vec<char>,
}

impl<'a> SlashParser<'a> {
    fn new(input: &'a str) -> Self {
        SlashParser {
            input,
            chars: input.chars().collect(),
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// If an attribute keyword and `=` start at `i`, returns its OID and the index after `=`.
    fn keyword_at(&self, i: usize) -> Option<(ObjectIdentifier, usize)> {
        let mut keyword = String::new();
        let mut j = i;
        while let Some(c) = self.at(j) {
            if c == '=' {
                return resolve_keyword(&keyword).map(|oid| (oid, j.saturating_add(1)));
            }
            if !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
                || keyword.len() >= MAX_KEYWORD_CHARS
            {
                return None;
            }
            keyword.push(c);
            j = j.saturating_add(1);
        }
        None
    }

    /// Reads the attribute keyword at `i` (after a separator), with a precise error.
    fn expect_keyword(&self, i: usize) -> Result<(ObjectIdentifier, usize)> {
        if let Some(found) = self.keyword_at(i) {
            return Ok(found);
        }
        let rest: String = self.chars.get(i..).unwrap_or(&[]).iter().collect();
        match rest.find('=') {
            None => Err(parse_error(
                self.input,
                i,
                "expected KEYWORD=value but found no '='",
            )),
            Some(0) => Err(parse_error(
                self.input,
                i,
                "missing attribute keyword before '='",
            )),
            Some(eq) => {
                let keyword = rest.get(..eq).unwrap_or_default();
                if keyword.contains(['/', '+']) {
                    Err(parse_error(
                        self.input,
                        i,
                        "expected KEYWORD=value after the separator",
                    ))
                } else {
                    Err(Error::UnknownDnAttribute {
                        input: self.input.to_string(),
                        keyword: keyword.to_string(),
                    })
                }
            }
        }
    }

    fn parse(&self) -> Result<Dn> {
        if self.chars.is_empty() {
            return Ok(Dn::empty());
        }
        if self.at(0) != Some('/') {
            return Err(parse_error(
                self.input,
                0,
                "the OpenSSL slash form starts with '/'",
            ));
        }
        let mut b = Builder::new();
        let mut i = 1usize;
        loop {
            let (oid, value_start) = self.expect_keyword(i)?;
            let mut bytes = Vec::new();
            let mut j = value_start;
            // What ended the value: None = end of input, Some(false) = '/', Some(true) = '+'.
            let mut ended_by = None;
            while let Some(c) = self.at(j) {
                match c {
                    '\\' => match self.at(j.saturating_add(1)) {
                        Some(e @ ('/' | '+' | '\\')) => {
                            bytes.push(e as u8);
                            j = j.saturating_add(2);
                        }
                        Some('x') => {
                            let hi = self.at(j.saturating_add(2)).and_then(hex_val);
                            let lo = self.at(j.saturating_add(3)).and_then(hex_val);
                            if let (Some(hi), Some(lo)) = (hi, lo) {
                                bytes.push((hi << 4) | lo);
                                j = j.saturating_add(4);
                            } else {
                                bytes.push(b'\\');
                                j = j.saturating_add(1);
                            }
                        }
                        _ => {
                            bytes.push(b'\\');
                            j = j.saturating_add(1);
                        }
                    },
                    '/' | '+' if self.keyword_at(j.saturating_add(1)).is_some() => {
                        ended_by = Some(c == '+');
                        break;
                    }
                    _ => {
                        let mut buf = [0u8; 4];
                        bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        j = j.saturating_add(1);
                    }
                }
                if bytes.len() > MAX_DN_VALUE_BYTES {
                    return Err(Error::DnLimit {
                        what: "bytes in one attribute value",
                        count: bytes.len(),
                        max: MAX_DN_VALUE_BYTES,
                    });
                }
            }
            let text = value_text(self.input, value_start, bytes)?;
            b.push_ava(Ava::from_text(oid, text)?)?;
            match ended_by {
                None => {
                    b.end_rdn()?;
                    break;
                }
                Some(false) => b.end_rdn()?,
                Some(true) => {}
            }
            i = j.saturating_add(1);
        }
        Ok(Dn::from_rdns(b.rdns))
    }
}

struct Rfc2253Parser<'a> {
    input: &'a str,
    chars: Vec<char>,
}

impl<'a> Rfc2253Parser<'a> {
    fn new(input: &'a str) -> Self {
        Rfc2253Parser {
            input,
            chars: input.chars().collect(),
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.at(i) == Some(' ') {
            i = i.saturating_add(1);
        }
        i
    }

    fn err(&self, position: usize, reason: impl Into<String>) -> Error {
        parse_error(self.input, position, reason)
    }

    fn parse(&self) -> Result<Dn> {
        if self.chars.iter().all(|&c| c == ' ') {
            return Ok(Dn::empty());
        }
        let mut b = Builder::new();
        let mut i = 0usize;
        loop {
            // Attribute type.
            i = self.skip_spaces(i);
            let key_start = i;
            let mut keyword = String::new();
            loop {
                match self.at(i) {
                    None => {
                        return Err(self.err(key_start, "expected KEYWORD=value but found no '='"));
                    }
                    Some('=') => break,
                    Some(c @ (',' | ';' | '+')) => {
                        return Err(self.err(
                            i,
                            format!("expected '=' after the attribute type, found '{c}'"),
                        ));
                    }
                    Some(c) => {
                        if keyword.len() >= MAX_KEYWORD_CHARS {
                            return Err(self.err(key_start, "attribute type is too long"));
                        }
                        keyword.push(c);
                        i = i.saturating_add(1);
                    }
                }
            }
            let keyword = keyword.trim_end_matches(' ');
            if keyword.is_empty() {
                return Err(self.err(key_start, "missing attribute type before '='"));
            }
            let oid = resolve_keyword(keyword).ok_or_else(|| Error::UnknownDnAttribute {
                input: self.input.to_string(),
                keyword: keyword.to_string(),
            })?;
            i = self.skip_spaces(i.saturating_add(1));
            let value_start = i;
            let (ava, next) = match self.at(i) {
                Some('#') => self.hex_value(oid, i)?,
                Some('"') => self.quoted_value(oid, i)?,
                _ => self.plain_value(oid, i)?,
            };
            b.push_ava(ava)?;
            let _ = value_start;
            i = self.skip_spaces(next);
            match self.at(i) {
                None => {
                    b.end_rdn()?;
                    break;
                }
                Some('+') => {}
                Some(',' | ';') => {
                    b.end_rdn()?;
                    if self.skip_spaces(i.saturating_add(1)) >= self.chars.len() {
                        return Err(self.err(i, "separator at the end with no RDN after it"));
                    }
                }
                Some(c) => {
                    return Err(self.err(i, format!("unexpected '{c}' after a value")));
                }
            }
            i = i.saturating_add(1);
        }
        let mut rdns = b.rdns;
        rdns.reverse();
        Ok(Dn::from_rdns(rdns))
    }

    /// `#` followed by the hex of a BER string value.
    fn hex_value(&self, oid: ObjectIdentifier, start: usize) -> Result<(Ava, usize)> {
        let mut i = start.saturating_add(1);
        let mut bytes = Vec::new();
        while let Some(c) = self.at(i) {
            let Some(hi) = hex_val(c) else { break };
            let lo = self
                .at(i.saturating_add(1))
                .and_then(hex_val)
                .ok_or_else(|| self.err(i, "odd number of hex digits in a #hex value"))?;
            bytes.push((hi << 4) | lo);
            i = i.saturating_add(2);
            if bytes.len() > MAX_DN_VALUE_BYTES.saturating_add(8) {
                return Err(Error::DnLimit {
                    what: "bytes in one attribute value",
                    count: bytes.len(),
                    max: MAX_DN_VALUE_BYTES,
                });
            }
        }
        let mut reader = DerReader::new(&bytes, 0);
        let (tag, content) = reader
            .read()
            .map_err(|e| self.err(start, format!("#hex value is not one DER TLV: {e}")))?;
        if !reader.is_empty() {
            return Err(self.err(start, "trailing bytes after the DER value in a #hex value"));
        }
        let ava = Ava::from_der_value(oid, tag, content.rest())?;
        Ok((ava, i))
    }

    /// A `"quoted"` value (RFC 2253 §4 legacy syntax).
    fn quoted_value(&self, oid: ObjectIdentifier, start: usize) -> Result<(Ava, usize)> {
        let mut i = start.saturating_add(1);
        let mut bytes = Vec::new();
        loop {
            match self.at(i) {
                None => return Err(self.err(start, "unterminated quoted value")),
                Some('"') => break,
                Some('\\') => {
                    i = self.escape(i, &mut bytes)?;
                }
                Some(c) => {
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    i = i.saturating_add(1);
                }
            }
            if bytes.len() > MAX_DN_VALUE_BYTES {
                return Err(Error::DnLimit {
                    what: "bytes in one attribute value",
                    count: bytes.len(),
                    max: MAX_DN_VALUE_BYTES,
                });
            }
        }
        let text = value_text(self.input, start, bytes)?;
        Ok((Ava::from_text(oid, text)?, i.saturating_add(1)))
    }

    /// A backslash escape at `i`: `\` + special character or `\` + two hex digits.
    fn escape(&self, i: usize, bytes: &mut Vec<u8>) -> Result<usize> {
        match self.at(i.saturating_add(1)) {
            Some(c) if hex_val(c).is_some() => {
                let hi = hex_val(c).unwrap_or(0);
                let lo = self
                    .at(i.saturating_add(2))
                    .and_then(hex_val)
                    .ok_or_else(|| {
                        self.err(
                            i,
                            "'\\' must be followed by two hex digits or a special character",
                        )
                    })?;
                bytes.push((hi << 4) | lo);
                Ok(i.saturating_add(3))
            }
            Some(c @ (',' | '=' | '+' | '<' | '>' | '#' | ';' | '\\' | '"' | ' ')) => {
                bytes.push(c as u8);
                Ok(i.saturating_add(2))
            }
            Some(c) => Err(self.err(
                i,
                format!("invalid escape '\\{c}'; escape only ,=+<>#;\\\" and space, or use \\HH"),
            )),
            None => Err(self.err(i, "'\\' at the end of the input")),
        }
    }

    /// An unquoted value up to the next unescaped `,`, `;` or `+`, with trailing
    /// unescaped spaces removed.
    fn plain_value(&self, oid: ObjectIdentifier, start: usize) -> Result<(Ava, usize)> {
        let mut i = start;
        let mut bytes = Vec::new();
        // Length of `bytes` up to the last byte that is not an unescaped space.
        let mut keep = 0usize;
        while let Some(c) = self.at(i) {
            match c {
                ',' | ';' | '+' => break,
                '\\' => {
                    i = self.escape(i, &mut bytes)?;
                    keep = bytes.len();
                }
                _ => {
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    if c != ' ' {
                        keep = bytes.len();
                    }
                    i = i.saturating_add(1);
                }
            }
            if bytes.len() > MAX_DN_VALUE_BYTES {
                return Err(Error::DnLimit {
                    what: "bytes in one attribute value",
                    count: bytes.len(),
                    max: MAX_DN_VALUE_BYTES,
                });
            }
        }
        bytes.truncate(keep);
        let text = value_text(self.input, start, bytes)?;
        Ok((Ava::from_text(oid, text)?, i))
    }
}

// ----- MD5 (for the legacy subject hash) ----------------------------------------------------

/// MD5 (RFC 1321), only for OpenSSL's old subject hash; never for security.
fn md5(data: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    const K: [u32; 64] = [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
        0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
        0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
        0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
        0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
        0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
        0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
        0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
        0xeb86d391,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    let bit_len = u64::try_from(data.len()).unwrap_or(0).wrapping_mul(8);
    msg.extend_from_slice(&bit_len.to_le_bytes());
    let mut state: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    for chunk in msg.chunks_exact(64) {
        let mut m = [0u32; 16];
        for (w, b) in m.iter_mut().zip(chunk.chunks_exact(4)) {
            *w = u32::from_le_bytes([first(b, 0), first(b, 1), first(b, 2), first(b, 3)]);
        }
        let [mut a, mut b, mut c, mut d] = state;
        for (i, (s, k)) in S.iter().zip(K.iter()).enumerate() {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f
                .wrapping_add(a)
                .wrapping_add(*k)
                .wrapping_add(m.get(g).copied().unwrap_or(0));
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(*s));
        }
        let [sa, sb, sc, sd] = &mut state;
        *sa = sa.wrapping_add(a);
        *sb = sb.wrapping_add(b);
        *sc = sc.wrapping_add(c);
        *sd = sd.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (o, w) in out.chunks_exact_mut(4).zip(state.iter()) {
        o.copy_from_slice(&w.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_openssl() {
        for len in [0usize, 1, 55, 56, 63, 64, 65, 200, 1000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let want = openssl::hash::hash(openssl::hash::MessageDigest::md5(), &data).unwrap();
            assert_eq!(md5(&data).as_slice(), &want[..], "len {len}");
        }
    }

    #[test]
    fn canonical_value_rules() {
        assert_eq!(canonical_value("  Jane \t  DOE  "), "jane doe");
        assert_eq!(canonical_value("ÉCOLE  X"), "École x");
        assert_eq!(canonical_value(""), "");
    }
}
