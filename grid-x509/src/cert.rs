//! A parsed certificate: a typed view that keeps its DER.

use crate::dn::Dn;
use crate::error::{CertRef, Error, Result};
use crate::ext::{self, Extensions};
use crate::oid;
use crate::time::UnixTime;
use der::Decode;
use der::asn1::ObjectIdentifier;
use x509_cert::certificate::{CertificateInner, Raw};

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
    inner: CertificateInner<Raw>,
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
    pub fn from_der_at(der: &[u8], origin: &str, index: usize) -> Result<Self> {
        let bad = |reason: String| Error::CertificateDecode {
            origin: origin.to_string(),
            index,
            reason,
        };
        let inner = CertificateInner::<Raw>::from_der(der).map_err(|e| bad(e.to_string()))?;
        // Locate the TBSCertificate bytes exactly as signed.
        let (tag, content, rest) =
            ext::split_tlv(der).ok_or_else(|| bad("not a DER SEQUENCE".into()))?;
        if tag != 0x30 || !rest.is_empty() {
            return Err(bad("trailing data after the certificate".into()));
        }
        let content_start = der.len().saturating_sub(content.len());
        let (_, _, after_tbs) =
            ext::split_tlv(content).ok_or_else(|| bad("TBSCertificate missing".into()))?;
        let tbs_len = content.len().saturating_sub(after_tbs.len());
        let tbs_range = (content_start, content_start.saturating_add(tbs_len));

        let tbs = inner.tbs_certificate();
        if tbs.signature() != inner.signature_algorithm() {
            return Err(bad(
                "signature algorithm in TBSCertificate differs from the outer one (RFC 5280 §4.1.1.2)"
                    .into(),
            ));
        }
        let subject = Dn::from_name(tbs.subject())?;
        let issuer = Dn::from_name(tbs.issuer())?;
        let spki_der = der::Encode::to_der(tbs.subject_public_key_info())
            .map_err(|e| bad(format!("subjectPublicKeyInfo: {e}")))?;
        let public_key = PublicKey::from_spki_der(&spki_der)
            .map_err(|e| bad(format!("subjectPublicKeyInfo: {e}")))?;
        let signature_algorithm = SignatureAlgorithm::from_oid(inner.signature_algorithm().oid);
        let validity = tbs.validity();
        let not_before = to_unix(&validity.not_before);
        let not_after = to_unix(&validity.not_after);
        let cert_ref = CertRef {
            index,
            subject: subject.to_openssl(),
        };
        let extensions = Extensions::parse(tbs.extensions().map(|v| v.as_slice()), &cert_ref)?;
        Ok(Self {
            der: der.to_vec(),
            tbs_range,
            inner,
            subject,
            issuer,
            public_key,
            signature_algorithm,
            not_before,
            not_after,
            extensions,
        })
    }

    /// The certificate DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The TBSCertificate DER, exactly as signed.
    pub fn tbs_der(&self) -> &[u8] {
        self.der.get(self.tbs_range.0..self.tbs_range.1).unwrap_or(&[])
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        self.inner.signature().raw_bytes()
    }

    /// The x509-cert structure, for fields this type does not expose.
    pub fn inner(&self) -> &CertificateInner<Raw> {
        &self.inner
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
        self.inner.tbs_certificate().serial_number().as_bytes()
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

fn to_unix(t: &x509_cert::time::Time) -> UnixTime {
    let secs = t.to_unix_duration().as_secs();
    UnixTime(i64::try_from(secs).unwrap_or(i64::MAX))
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
