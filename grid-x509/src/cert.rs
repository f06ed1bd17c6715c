//! A parsed certificate: a typed view that keeps its DER.

use crate::dn::Dn;
use crate::error::{CertRef, Error, Result};
use crate::ext::{self, Extensions};
use crate::oid;
use crate::time::{UnixTime, parse_der_time};
use der::Decode;
use der::asn1::ObjectIdentifier;

/// The public-key algorithm of a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    /// RSA.
    Rsa,
    /// Elliptic curve (P-256 or P-384).
    Ec,
    /// Anything else (DSA, Ed25519, ...): readable, never accepted for signatures.
    Other,
}

impl KeyType {
    /// `RSA`, `EC` or `other`, as reports print it.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Rsa => "RSA",
            KeyType::Ec => "EC",
            KeyType::Other => "other",
        }
    }
}

/// A certificate's subject public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    key_type: KeyType,
    bits: u32,
    curve: Option<ObjectIdentifier>,
    spki_der: Vec<u8>,
    /// The BIT STRING content: RSAPublicKey DER, or the EC point.
    key_bytes: Vec<u8>,
}

impl PublicKey {
    /// The algorithm.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }
    /// Strength in bits: the RSA modulus length, or the curve size.
    pub fn bits(&self) -> u32 {
        self.bits
    }
    /// The named curve of an EC key.
    pub fn curve(&self) -> Option<ObjectIdentifier> {
        self.curve
    }
    /// The SubjectPublicKeyInfo DER.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }
    /// The subjectPublicKey BIT STRING content (RSAPublicKey DER or an EC point).
    pub fn key_bytes(&self) -> &[u8] {
        &self.key_bytes
    }

    pub(crate) fn from_spki_der(spki_der: &[u8]) -> std::result::Result<Self, String> {
        let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der).map_err(|e| e.to_string())?;
        let key_bytes = spki
            .subject_public_key
            .as_bytes()
            .ok_or("public key BIT STRING has unused bits")?
            .to_vec();
        let alg = spki.algorithm.oid;
        let (key_type, bits, curve) = if alg == oid::RSA_ENCRYPTION {
            (KeyType::Rsa, rsa_modulus_bits(&key_bytes)?, None)
        } else if alg == oid::EC_PUBLIC_KEY {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .ok_or("EC key without a named curve")?;
            let bits = if curve == oid::SECP256R1 {
                256
            } else if curve == oid::SECP384R1 {
                384
            } else if curve == ObjectIdentifier::new_unwrap("1.3.132.0.35") {
                521
            } else {
                0
            };
            (KeyType::Ec, bits, Some(curve))
        } else {
            (KeyType::Other, 0, None)
        };
        Ok(Self {
            key_type,
            bits,
            curve,
            spki_der: spki_der.to_vec(),
            key_bytes,
        })
    }
}

/// Bit length of the modulus in an RSAPublicKey DER.
fn rsa_modulus_bits(rsa_public_key: &[u8]) -> std::result::Result<u32, String> {
    let (_, content, _) = ext::split_tlv(rsa_public_key).ok_or("RSAPublicKey is not DER")?;
    let (tag, n, _) = ext::split_tlv(content).ok_or("RSAPublicKey modulus missing")?;
    if tag != 0x02 {
        return Err("RSAPublicKey modulus is not an INTEGER".into());
    }
    let n = strip_leading_zeros(n);
    let first = n.first().copied().unwrap_or(0);
    let len = u32::try_from(n.len()).map_err(|_| "modulus too long")?;
    if len == 0 {
        return Ok(0);
    }
    Ok((len - 1)
        .saturating_mul(8)
        .saturating_add(8 - first.leading_zeros()))
}

fn strip_leading_zeros(mut b: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = b {
        b = rest;
    }
    b
}

/// A certificate signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// md5WithRSAEncryption (never verified).
    RsaMd5,
    /// sha1WithRSAEncryption (legacy).
    RsaSha1,
    /// sha256WithRSAEncryption.
    RsaSha256,
    /// sha384WithRSAEncryption.
    RsaSha384,
    /// sha512WithRSAEncryption.
    RsaSha512,
    /// ecdsa-with-SHA256.
    EcdsaSha256,
    /// ecdsa-with-SHA384.
    EcdsaSha384,
    /// ecdsa-with-SHA512.
    EcdsaSha512,
    /// Anything else.
    Other(ObjectIdentifier),
}

impl SignatureAlgorithm {
    /// From the AlgorithmIdentifier OID.
    pub fn from_oid(o: ObjectIdentifier) -> Self {
        match o {
            x if x == oid::MD5_WITH_RSA => Self::RsaMd5,
            x if x == oid::SHA1_WITH_RSA => Self::RsaSha1,
            x if x == oid::SHA256_WITH_RSA => Self::RsaSha256,
            x if x == oid::SHA384_WITH_RSA => Self::RsaSha384,
            x if x == oid::SHA512_WITH_RSA => Self::RsaSha512,
            x if x == oid::ECDSA_WITH_SHA256 => Self::EcdsaSha256,
            x if x == oid::ECDSA_WITH_SHA384 => Self::EcdsaSha384,
            x if x == oid::ECDSA_WITH_SHA512 => Self::EcdsaSha512,
            other => Self::Other(other),
        }
    }

    /// The name OpenSSL prints (`sha256WithRSAEncryption`, `ecdsa-with-SHA256`).
    pub fn name(&self) -> String {
        match self {
            Self::RsaMd5 => "md5WithRSAEncryption".into(),
            Self::RsaSha1 => "sha1WithRSAEncryption".into(),
            Self::RsaSha256 => "sha256WithRSAEncryption".into(),
            Self::RsaSha384 => "sha384WithRSAEncryption".into(),
            Self::RsaSha512 => "sha512WithRSAEncryption".into(),
            Self::EcdsaSha256 => "ecdsa-with-SHA256".into(),
            Self::EcdsaSha384 => "ecdsa-with-SHA384".into(),
            Self::EcdsaSha512 => "ecdsa-with-SHA512".into(),
            Self::Other(o) => o.to_string(),
        }
    }

    /// True for SHA-1 and MD5 based algorithms.
    pub fn is_legacy_digest(&self) -> bool {
        matches!(self, Self::RsaMd5 | Self::RsaSha1)
    }
}

/// A parsed X.509 certificate. Parsed once; keeps its DER and the signed TBS bytes.
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    tbs_range: (usize, usize),
    signature_range: (usize, usize),
    serial_range: (usize, usize),
    version: u8,
    subject: Dn,
    issuer: Dn,
    public_key: PublicKey,
    signature_algorithm: SignatureAlgorithm,
    not_before: UnixTime,
    not_after: UnixTime,
    extensions: Extensions,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject.to_openssl())
            .field("issuer", &self.issuer.to_openssl())
            .field("serial", &self.serial_hex())
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}
impl Eq for Certificate {}

impl Certificate {
    /// Parses one DER certificate (no trailing data allowed).
    pub fn from_der(der: &[u8]) -> Result<Self> {
        Self::from_der_at(der, "<der>", 0)
    }

    /// Parses one DER certificate; `origin` and `index` go into errors.
    ///
    /// The structure (RFC 5280 §4.1) is walked directly over the bytes with bounded
    /// reads, so the view keeps offsets into the DER instead of copies.
    pub fn from_der_at(der: &[u8], origin: &str, index: usize) -> Result<Self> {
        let bad = |reason: &str| Error::CertificateDecode {
            origin: origin.to_string(),
            index,
            reason: reason.to_string(),
        };
        let offset = |part: &[u8]| der.len().saturating_sub(part.len());
        let (tag, content, rest) =
            ext::split_tlv(der).ok_or_else(|| bad("not DER (bad length or truncated)"))?;
        if tag != 0x30 {
            return Err(bad("not a certificate (expected a SEQUENCE)"));
        }
        if !rest.is_empty() {
            return Err(bad("trailing data after the certificate"));
        }
        let (tbs_tag, tbs, after_tbs) =
            ext::split_tlv(content).ok_or_else(|| bad("TBSCertificate truncated"))?;
        if tbs_tag != 0x30 {
            return Err(bad("TBSCertificate is not a SEQUENCE"));
        }
        let tbs_range = (offset(content), offset(after_tbs));
        let (alg_tag, _, after_alg) =
            ext::split_tlv(after_tbs).ok_or_else(|| bad("signatureAlgorithm missing"))?;
        let outer_alg = after_tbs
            .get(..after_tbs.len().saturating_sub(after_alg.len()))
            .unwrap_or(&[]);
        let (sig_tag, sig_bits, end) =
            ext::split_tlv(after_alg).ok_or_else(|| bad("signature missing"))?;
        if alg_tag != 0x30 || sig_tag != 0x03 || !end.is_empty() {
            return Err(bad(
                "expected signatureAlgorithm SEQUENCE and signature BIT STRING",
            ));
        }
        let (&unused, sig) = sig_bits
            .split_first()
            .ok_or_else(|| bad("empty signature BIT STRING"))?;
        if unused != 0 {
            return Err(bad("signature BIT STRING has unused bits"));
        }
        let signature_range = (offset(sig), offset(end));

        // TBSCertificate fields, in order.
        let mut cur = tbs;
        let (mut t, mut v, mut whole) =
            take_tlv(&mut cur).ok_or_else(|| bad("TBSCertificate is empty"))?;
        let mut version = 0u8;
        if t == 0xa0 {
            let (it, iv, _) = ext::split_tlv(v).ok_or_else(|| bad("bad version"))?;
            version = match (it, iv) {
                (0x02, [n @ 0..=2]) => *n,
                _ => return Err(bad("version must be v1, v2 or v3")),
            };
            (t, v, whole) = take_tlv(&mut cur).ok_or_else(|| bad("serialNumber missing"))?;
        }
        if t != 0x02 || v.is_empty() || v.len() > 64 {
            return Err(bad("serialNumber is not an INTEGER of 1 to 64 bytes"));
        }
        // `cur` is now the suffix of the TBS content after the serial; the TBS content
        // ends where the TBSCertificate TLV ends.
        let serial_end = tbs_range.1.saturating_sub(cur.len());
        let serial_range = (serial_end.saturating_sub(v.len()), serial_end);
        let _ = whole;
        let (t, _, inner_alg) =
            take_tlv(&mut cur).ok_or_else(|| bad("signature algorithm missing"))?;
        if t != 0x30 {
            return Err(bad(
                "TBSCertificate signature is not an AlgorithmIdentifier",
            ));
        }
        if inner_alg != outer_alg {
            return Err(bad(
                "signature algorithm in TBSCertificate differs from the outer one (RFC 5280 §4.1.1.2)",
            ));
        }
        let (t, _, issuer_der) = take_tlv(&mut cur).ok_or_else(|| bad("issuer missing"))?;
        if t != 0x30 {
            return Err(bad("issuer is not a Name"));
        }
        let issuer = Dn::from_der(issuer_der)?;
        let (t, validity, _) = take_tlv(&mut cur).ok_or_else(|| bad("validity missing"))?;
        if t != 0x30 {
            return Err(bad("validity is not a SEQUENCE"));
        }
        let (nbt, nbv, vrest) = ext::split_tlv(validity).ok_or_else(|| bad("notBefore missing"))?;
        let (nat, nav, vend) = ext::split_tlv(vrest).ok_or_else(|| bad("notAfter missing"))?;
        if !vend.is_empty() {
            return Err(bad("trailing data in validity"));
        }
        let not_before = parse_der_time(nbt, nbv)
            .ok_or_else(|| bad("notBefore is not a valid UTCTime/GeneralizedTime"))?;
        let not_after = parse_der_time(nat, nav)
            .ok_or_else(|| bad("notAfter is not a valid UTCTime/GeneralizedTime"))?;
        let (t, _, subject_der) = take_tlv(&mut cur).ok_or_else(|| bad("subject missing"))?;
        if t != 0x30 {
            return Err(bad("subject is not a Name"));
        }
        let subject = Dn::from_der(subject_der)?;
        let (t, _, spki_der) =
            take_tlv(&mut cur).ok_or_else(|| bad("subjectPublicKeyInfo missing"))?;
        if t != 0x30 {
            return Err(bad("subjectPublicKeyInfo is not a SEQUENCE"));
        }
        let public_key = PublicKey::from_spki_der(spki_der)
            .map_err(|e| bad(&format!("subjectPublicKeyInfo: {e}")))?;
        let cert_ref = CertRef {
            index,
            subject: subject.to_openssl(),
        };
        let mut extensions = Extensions::default();
        while !cur.is_empty() {
            let (t, v, _) = take_tlv(&mut cur).ok_or_else(|| bad("TBSCertificate truncated"))?;
            match t {
                0x81 | 0x82 => {} // issuerUniqueID / subjectUniqueID
                0xa3 if version == 2 => {
                    extensions = Extensions::parse_der(v, &cert_ref).map_err(|e| match e {
                        Error::CertificateDecode { reason, .. } => bad(&reason),
                        other => other,
                    })?;
                }
                0xa3 => return Err(bad("extensions present in a certificate that is not v3")),
                _ => return Err(bad("unexpected field at the end of TBSCertificate")),
            }
        }
        let (_, alg_content, _) =
            ext::split_tlv(outer_alg).ok_or_else(|| bad("bad signatureAlgorithm"))?;
        let (ot, oid_bytes, _) =
            ext::split_tlv(alg_content).ok_or_else(|| bad("bad signatureAlgorithm"))?;
        let alg_oid = (ot == 0x06)
            .then(|| ObjectIdentifier::from_bytes(oid_bytes).ok())
            .flatten()
            .ok_or_else(|| bad("signatureAlgorithm OID is malformed"))?;
        Ok(Self {
            der: der.to_vec(),
            tbs_range,
            signature_range,
            serial_range,
            version,
            subject,
            issuer,
            public_key,
            signature_algorithm: SignatureAlgorithm::from_oid(alg_oid),
            not_before,
            not_after,
            extensions,
        })
    }

    /// X.509 version number as encoded (0 = v1, 2 = v3).
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The certificate DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The TBSCertificate DER, exactly as signed.
    pub fn tbs_der(&self) -> &[u8] {
        self.der
            .get(self.tbs_range.0..self.tbs_range.1)
            .unwrap_or(&[])
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        self.der
            .get(self.signature_range.0..self.signature_range.1)
            .unwrap_or(&[])
    }

    /// Subject DN.
    pub fn subject(&self) -> &Dn {
        &self.subject
    }

    /// Issuer DN.
    pub fn issuer(&self) -> &Dn {
        &self.issuer
    }

    /// Serial number bytes (big-endian two's complement, as encoded).
    pub fn serial_bytes(&self) -> &[u8] {
        self.der
            .get(self.serial_range.0..self.serial_range.1)
            .unwrap_or(&[])
    }

    /// Serial number as upper-case hex without leading zero bytes (`openssl x509 -serial`
    /// style, at least two digits).
    pub fn serial_hex(&self) -> String {
        let b = strip_leading_zeros(self.serial_bytes());
        if b.is_empty() {
            return "00".into();
        }
        b.iter().map(|x| format!("{x:02X}")).collect()
    }

    /// Serial number as a decimal string.
    pub fn serial_decimal(&self) -> String {
        decimal_from_be(strip_leading_zeros(self.serial_bytes()))
    }

    /// Start of the validity period.
    pub fn not_before(&self) -> UnixTime {
        self.not_before
    }

    /// End of the validity period.
    pub fn not_after(&self) -> UnixTime {
        self.not_after
    }

    /// The subject public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// SubjectPublicKeyInfo DER.
    pub fn public_key_spki_der(&self) -> &[u8] {
        self.public_key.spki_der()
    }

    /// The signature algorithm.
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.signature_algorithm
    }

    /// The decoded extensions this crate understands, plus the raw list.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// The raw value of an extension by OID.
    pub fn extension_value(&self, id: &ObjectIdentifier) -> Option<&[u8]> {
        self.extensions.raw(id).map(|e| e.value.as_slice())
    }

    /// `openssl x509 -subject_hash` of this certificate.
    pub fn subject_hash(&self) -> u32 {
        self.subject.subject_hash()
    }

    /// `openssl x509 -subject_hash_old` of this certificate.
    pub fn subject_hash_old(&self) -> u32 {
        self.subject.subject_hash_old()
    }

    /// True when subject and issuer are the same DN (a self-issued certificate).
    pub fn is_self_issued(&self) -> bool {
        self.subject == self.issuer
    }

    /// A reference for error messages.
    pub fn cert_ref(&self, index: usize) -> CertRef {
        CertRef {
            index,
            subject: self.subject.to_openssl(),
        }
    }
}

/// Takes one TLV off `cur`: (tag, content, the whole TLV).
fn take_tlv<'a>(cur: &mut &'a [u8]) -> Option<(u8, &'a [u8], &'a [u8])> {
    let (t, v, r) = ext::split_tlv(cur)?;
    let whole = cur.get(..cur.len().saturating_sub(r.len()))?;
    *cur = r;
    Some((t, v, whole))
}

/// Big-endian unsigned bytes to decimal text.
pub(crate) fn decimal_from_be(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "0".into();
    }
    // Repeated division by 10 over base-256 digits; serials are at most ~20 bytes.
    let mut digits: Vec<u8> = bytes.to_vec();
    let mut out = Vec::new();
    while digits.iter().any(|&d| d != 0) {
        let mut rem: u32 = 0;
        for d in digits.iter_mut() {
            let cur = (rem << 8) | u32::from(*d);
            *d = u8::try_from(cur / 10).unwrap_or(0);
            rem = cur % 10;
        }
        out.push(b'0' + u8::try_from(rem).unwrap_or(0));
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal() {
        assert_eq!(decimal_from_be(&[0x44, 0x55, 0xb9, 0xe0]), "1146468832");
        assert_eq!(decimal_from_be(&[]), "0");
        assert_eq!(decimal_from_be(&[0x01, 0x00]), "256");
    }

    #[test]
    fn modulus_bits() {
        // SEQUENCE { INTEGER 0x00 0x80 ..(256 bytes), INTEGER 65537 }
        let mut n = vec![0x00, 0x80];
        n.extend(std::iter::repeat_n(0x11, 255));
        let mut body = vec![0x02, 0x82, 0x01, 0x01];
        body.extend(&n);
        body.extend([0x02, 0x03, 0x01, 0x00, 0x01]);
        let mut der = vec![0x30, 0x82];
        der.extend(u16::try_from(body.len()).unwrap().to_be_bytes());
        der.extend(body);
        assert_eq!(rsa_modulus_bits(&der).unwrap(), 2048);
    }
}
