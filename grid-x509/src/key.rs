//! Private keys: reading every container grid users meet, generating, signing, writing.
//!
//! Containers are parsed here with `der` so that every failure is a typed error naming
//! the structure that is wrong; OpenSSL (libcrypto) does only the primitive operations
//! ring cannot: RSA generation at any size, signing with keys under 2048 bits, the legacy
//! PEM ciphers and PBKDF2.
//!
//! Read: PKCS#1 `RSA PRIVATE KEY`, PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY`
//! (P-256/P-384), PKCS#8 `ENCRYPTED PRIVATE KEY` (PBES2 with PBKDF2-HMAC-SHA1/SHA2 and
//! AES-CBC or DES-EDE3-CBC), and OpenSSL's legacy `Proc-Type: 4,ENCRYPTED` PEM.

use std::fmt;

use const_oid::ObjectIdentifier as Oid;
use der::asn1::{AnyRef, BitStringRef, OctetStringRef, UintRef};
use der::{Decode, Encode, Sequence, Tag, Tagged};
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey, EcPoint, PointConversionForm};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::symm::{Cipher, Crypter, Mode};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::oid;
use crate::secret::Passphrase;

/// PBKDF2 iteration budget when reading. OpenSSL 3 writes 2048, OWASP 2023 suggests
/// 600,000 for HMAC-SHA256; ten million (several seconds) is far above any real file and
/// keeps a hostile file from hanging the process.
pub const MAX_PBKDF2_ITERATIONS: u64 = 10_000_000;

/// PBKDF2 iterations used when this crate encrypts a key: OWASP's 2023 recommendation
/// for PBKDF2-HMAC-SHA256. OpenSSL 3's default of 2048 is cheap to brute-force; 600,000
/// costs about a quarter of a second once per proxy creation, which users do not notice.
pub const PBKDF2_ITERATIONS: u32 = 600_000;

/// Largest RSA modulus read (bits). 16384-bit keys exist in the wild but are rare;
/// larger ones only make signing slow.
pub const MAX_RSA_BITS: u32 = 16_384;

/// Smallest and largest RSA key generated (bits).
pub const RSA_GENERATE_BITS: std::ops::RangeInclusive<u32> = 1024..=8192;

const PBES2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.13");
const PBKDF2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.12");
const SCRYPT: Oid = Oid::new_unwrap("1.3.6.1.4.1.11591.4.11");
const HMAC_SHA1: Oid = Oid::new_unwrap("1.2.840.113549.2.7");
const HMAC_SHA224: Oid = Oid::new_unwrap("1.2.840.113549.2.8");
const HMAC_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.2.9");
const HMAC_SHA384: Oid = Oid::new_unwrap("1.2.840.113549.2.10");
const HMAC_SHA512: Oid = Oid::new_unwrap("1.2.840.113549.2.11");
const AES128_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.2");
const AES192_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.22");
const AES256_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.42");
const DES_EDE3_CBC: Oid = Oid::new_unwrap("1.2.840.113549.3.7");
const ECDSA_WITH_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");

/// An elliptic curve this crate reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EcCurve {
    /// NIST P-256 (prime256v1, secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
}

impl EcCurve {
    /// Field size in bits.
    pub fn bits(self) -> u32 {
        match self {
            EcCurve::P256 => 256,
            EcCurve::P384 => 384,
        }
    }

    /// The named-curve OID.
    pub fn oid(self) -> Oid {
        match self {
            EcCurve::P256 => oid::SECP256R1,
            EcCurve::P384 => oid::SECP384R1,
        }
    }

    fn from_oid(o: &Oid) -> Option<Self> {
        if *o == oid::SECP256R1 {
            Some(EcCurve::P256)
        } else if *o == oid::SECP384R1 {
            Some(EcCurve::P384)
        } else {
            None
        }
    }

    fn nid(self) -> Nid {
        match self {
            EcCurve::P256 => Nid::X9_62_PRIME256V1,
            EcCurve::P384 => Nid::SECP384R1,
        }
    }
}

impl fmt::Display for EcCurve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EcCurve::P256 => "P-256",
            EcCurve::P384 => "P-384",
        })
    }
}

/// The algorithm and size of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// RSA with a modulus of `bits` bits.
    Rsa {
        /// Modulus size.
        bits: u32,
    },
    /// ECDSA on a named curve.
    Ec {
        /// The curve.
        curve: EcCurve,
    },
}

impl KeyAlgorithm {
    /// Key size in bits (RSA modulus or EC field size).
    pub fn bits(self) -> u32 {
        match self {
            KeyAlgorithm::Rsa { bits } => bits,
            KeyAlgorithm::Ec { curve } => curve.bits(),
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyAlgorithm::Rsa { .. } => "RSA",
            KeyAlgorithm::Ec { .. } => "EC",
        })
    }
}

/// Message digest for signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Digest {
    /// SHA-1 (legacy; only for old peers).
    Sha1,
    /// SHA-256 (what grid-proxy-init uses).
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Digest {
    fn message_digest(self) -> MessageDigest {
        match self {
            Digest::Sha1 => MessageDigest::sha1(),
            Digest::Sha256 => MessageDigest::sha256(),
            Digest::Sha384 => MessageDigest::sha384(),
            Digest::Sha512 => MessageDigest::sha512(),
        }
    }
}

/// A private key (RSA or EC). Held as PKCS#8 DER in memory that is wiped on drop;
/// `Debug` shows only the algorithm and size, `Display` prints `<redacted>`.
#[derive(Clone)]
pub struct PrivateKey {
    algorithm: KeyAlgorithm,
    /// PKCS#8 PrivateKeyInfo DER.
    pkcs8: Zeroizing<Vec<u8>>,
    /// The "traditional" form written by [`PrivateKey::to_pem`]: PKCS#1 for RSA, PKCS#8 for EC.
    traditional: Zeroizing<Vec<u8>>,
    spki: Vec<u8>,
    pkey: PKey<Private>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("algorithm", &self.algorithm)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl fmt::Display for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{} private key <redacted>",
            self.algorithm,
            self.algorithm.bits()
        )
    }
}

// ----- ASN.1 structures --------------------------------------------------------------------

/// RFC 8017 A.1.2 RSAPrivateKey (two-prime only).
#[derive(Sequence)]
struct RsaPrivateKeyDer<'a> {
    version: UintRef<'a>,
    modulus: UintRef<'a>,
    public_exponent: UintRef<'a>,
    private_exponent: UintRef<'a>,
    prime1: UintRef<'a>,
    prime2: UintRef<'a>,
    exponent1: UintRef<'a>,
    exponent2: UintRef<'a>,
    coefficient: UintRef<'a>,
}

/// DER of the rsaEncryption OID (1.2.840.113549.1.1.1).
const RSA_ENCRYPTION_OID_TLV: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
];

/// RFC 8017 A.1.1 RSAPublicKey.
#[derive(Sequence)]
struct RsaPublicKeyDer<'a> {
    modulus: UintRef<'a>,
    public_exponent: UintRef<'a>,
}

/// RFC 5915 ECPrivateKey.
#[derive(Sequence)]
struct EcPrivateKeyDer<'a> {
    version: UintRef<'a>,
    private_key: &'a OctetStringRef,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    parameters: Option<AnyRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    public_key: Option<BitStringRef<'a>>,
}

/// RFC 5958 EncryptedPrivateKeyInfo.
#[derive(Sequence)]
struct EncryptedPrivateKeyInfoDer<'a> {
    algorithm: AlgorithmIdentifierRef<'a>,
    data: &'a OctetStringRef,
}

/// RFC 8018 A.4 PBES2-params.
#[derive(Sequence)]
struct Pbes2ParamsDer<'a> {
    kdf: AlgorithmIdentifierRef<'a>,
    scheme: AlgorithmIdentifierRef<'a>,
}

/// RFC 8018 A.2 PBKDF2-params (salt `specified` only).
#[derive(Sequence)]
struct Pbkdf2ParamsDer<'a> {
    salt: &'a OctetStringRef,
    iterations: UintRef<'a>,
    #[asn1(optional = "true")]
    key_length: Option<UintRef<'a>>,
    #[asn1(optional = "true")]
    prf: Option<AlgorithmIdentifierRef<'a>>,
}

/// The parsed view of a PKCS#8 PrivateKeyInfo.
struct Pkcs8View<'a> {
    algorithm: AlgorithmIdentifierRef<'a>,
    private_key: &'a [u8],
}

fn parse_pkcs8<'a>(der: &'a [u8], origin: &str) -> Result<Pkcs8View<'a>> {
    let bad = |reason: String| Error::KeyDecode {
        origin: origin.into(),
        format: "PKCS#8 PRIVATE KEY".into(),
        reason,
    };
    let any = AnyRef::from_der(der).map_err(|e| bad(e.to_string()))?;
    if any.tag() != Tag::Sequence {
        return Err(bad(format!("expected SEQUENCE, found {}", any.tag())));
    }
    any.sequence(|r| {
        let version = UintRef::decode(r)?;
        let algorithm = AlgorithmIdentifierRef::decode(r)?;
        let key = <&OctetStringRef>::decode(r)?;
        // Optional attributes [0] and publicKey [1] (RFC 5958): skipped.
        while !der::Reader::is_finished(r) {
            AnyRef::decode(r)?;
        }
        Ok::<_, der::Error>((version, algorithm, key))
    })
    .map_err(|e| bad(e.to_string()))
    .and_then(|(version, algorithm, key)| {
        if version.as_bytes().len() > 1 || version.as_bytes().first().copied().unwrap_or(0) > 1 {
            return Err(bad("version must be 0 or 1 (RFC 5958)".into()));
        }
        Ok(Pkcs8View {
            algorithm,
            private_key: key.as_bytes(),
        })
    })
}

fn uint_to_u64(u: &UintRef<'_>) -> Option<u64> {
    let b = u.as_bytes();
    if b.len() > 8 {
        return None;
    }
    Some(b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
}

fn uint_bits(u: &UintRef<'_>) -> u32 {
    let b = u.as_bytes();
    let Some(&first) = b.iter().find(|&&x| x != 0) else {
        return 0;
    };
    let skipped = b.iter().take_while(|&&x| x == 0).count();
    let len = u32::try_from(b.len().saturating_sub(skipped)).unwrap_or(u32::MAX);
    len.saturating_mul(8).saturating_sub(first.leading_zeros())
}

fn crypto_err(operation: &'static str) -> impl Fn(openssl::error::ErrorStack) -> Error {
    move |e| Error::Crypto {
        operation,
        reason: e.to_string(),
    }
}

// ----- the container kinds -----------------------------------------------------------------

/// What the outer DER looks like.
enum Container {
    Pkcs1,
    Pkcs8,
    Sec1,
    EncryptedPkcs8,
}

impl Container {
    fn name(&self) -> &'static str {
        match self {
            Container::Pkcs1 => "PKCS#1 RSA key",
            Container::Pkcs8 => "PKCS#8 key",
            Container::Sec1 => "SEC1 EC key",
            Container::EncryptedPkcs8 => "encrypted PKCS#8 key",
        }
    }
}

fn sniff(der: &[u8], origin: &str) -> Result<Container> {
    let bad = |reason: String| Error::KeyDecode {
        origin: origin.into(),
        format: "DER private key".into(),
        reason,
    };
    let any = AnyRef::from_der(der).map_err(|e| bad(e.to_string()))?;
    if any.tag() != Tag::Sequence {
        return Err(bad(format!("expected SEQUENCE, found {}", any.tag())));
    }
    let mut r = der::SliceReader::new(any.value()).map_err(|e| bad(e.to_string()))?;
    let first = AnyRef::decode(&mut r).map_err(|e| bad(e.to_string()))?;
    match first.tag() {
        Tag::Sequence => return Ok(Container::EncryptedPkcs8),
        Tag::Integer => {}
        t => return Err(bad(format!("unexpected first element {t}"))),
    }
    let second = AnyRef::decode(&mut r).map_err(|e| bad(e.to_string()))?;
    match second.tag() {
        Tag::Sequence => Ok(Container::Pkcs8),
        Tag::Integer => Ok(Container::Pkcs1),
        Tag::OctetString => Ok(Container::Sec1),
        t => Err(bad(format!("unexpected second element {t}"))),
    }
}

impl PrivateKey {
    /// True for the PEM labels that hold a private key.
    pub fn is_key_label(label: &str) -> bool {
        matches!(
            label,
            "RSA PRIVATE KEY" | "PRIVATE KEY" | "EC PRIVATE KEY" | "ENCRYPTED PRIVATE KEY"
        )
    }

    /// Reads the first private-key block in PEM `text`.
    pub fn from_pem(text: &[u8], passphrase: Option<&Passphrase>, origin: &str) -> Result<Self> {
        let max = crate::limits::MAX_FILE_BYTES;
        if text.len() > max {
            return Err(Error::TooLarge {
                origin: origin.into(),
                what: "private key file",
                size: text.len(),
                max,
            });
        }
        let blocks = pem::parse_many(text).map_err(|e| Error::Pem {
            origin: origin.into(),
            block: 0,
            line: 0,
            reason: e.to_string(),
        })?;
        let mut result = None;
        for block in &blocks {
            if Self::is_key_label(block.tag()) {
                result = Some(Self::from_pem_block(block, passphrase, origin));
                break;
            }
        }
        // Wipe the decoded blocks (they may hold unencrypted key bytes).
        for block in blocks {
            drop(Zeroizing::new(block.into_contents()));
        }
        result.unwrap_or_else(|| {
            Err(Error::NoPrivateKey {
                origin: origin.into(),
            })
        })
    }

    /// Reads the first private key of a PEM file (`userkey.pem`, `hostkey.pem`, a proxy
    /// file). The file's bytes are wiped after parsing.
    pub fn read_pem_file(
        path: impl AsRef<std::path::Path>,
        passphrase: Option<&Passphrase>,
    ) -> Result<Self> {
        use std::io::Read as _;
        let path = path.as_ref();
        let origin = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
        let max = crate::limits::MAX_FILE_BYTES;
        let mut text = Zeroizing::new(Vec::new());
        file.take(u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1))
            .read_to_end(&mut text)
            .map_err(|e| Error::io(path, &e))?;
        Self::from_pem(&text, passphrase, &origin)
    }

    /// Reads one PEM block, including OpenSSL's legacy `Proc-Type: 4,ENCRYPTED` form.
    pub fn from_pem_block(
        block: &pem::Pem,
        passphrase: Option<&Passphrase>,
        origin: &str,
    ) -> Result<Self> {
        let label = block.tag();
        if !Self::is_key_label(label) {
            return Err(Error::UnsupportedPemLabel {
                origin: origin.into(),
                block: 0,
                line: 0,
                label: label.into(),
            });
        }
        let headers = block.headers();
        let proc_type = headers.get("Proc-Type");
        let Some(proc_type) = proc_type else {
            let container = sniff(block.contents(), origin)?;
            let expected = match label {
                "RSA PRIVATE KEY" => matches!(container, Container::Pkcs1),
                "EC PRIVATE KEY" => matches!(container, Container::Sec1),
                "PRIVATE KEY" => matches!(container, Container::Pkcs8),
                _ => matches!(container, Container::EncryptedPkcs8),
            };
            if !expected {
                return Err(Error::KeyDecode {
                    origin: origin.into(),
                    format: label.into(),
                    reason: format!(
                        "the content is a {}, not what the label '{label}' says",
                        container.name()
                    ),
                });
            }
            return Self::from_der(block.contents(), passphrase, origin);
        };
        if proc_type.trim() != "4,ENCRYPTED" {
            return Err(Error::Pem {
                origin: origin.into(),
                block: 0,
                line: 0,
                reason: format!("unsupported Proc-Type '{proc_type}' (expected '4,ENCRYPTED')"),
            });
        }
        let dek = headers.get("DEK-Info").ok_or_else(|| Error::Pem {
            origin: origin.into(),
            block: 0,
            line: 0,
            reason: "Proc-Type: 4,ENCRYPTED without a DEK-Info header".into(),
        })?;
        let passphrase = passphrase.ok_or_else(|| Error::PassphraseRequired {
            origin: origin.into(),
        })?;
        let plain = decrypt_legacy_pem(dek, block.contents(), passphrase, origin)?;
        // A wrong passphrase gives garbage that (rarely) has valid padding: any
        // structural failure of the decrypted body is reported as a wrong passphrase.
        let container = sniff(&plain, origin).map_err(|_| Error::WrongPassphrase {
            origin: origin.into(),
        })?;
        let key = match (label, container) {
            ("RSA PRIVATE KEY", Container::Pkcs1) => Self::from_pkcs1(&plain, origin),
            ("EC PRIVATE KEY", Container::Sec1) => Self::from_sec1(&plain, None, origin),
            ("PRIVATE KEY", Container::Pkcs8) => Self::from_pkcs8(&plain, origin),
            _ => Err(Error::WrongPassphrase {
                origin: origin.into(),
            }),
        };
        key.map_err(|e| match e {
            Error::KeyDecode { .. } => Error::WrongPassphrase {
                origin: origin.into(),
            },
            other => other,
        })
    }

    /// Reads DER: PKCS#8, encrypted PKCS#8, PKCS#1 (RSA) or SEC1 (EC).
    pub fn from_der(der: &[u8], passphrase: Option<&Passphrase>, origin: &str) -> Result<Self> {
        match sniff(der, origin)? {
            Container::Pkcs1 => Self::from_pkcs1(der, origin),
            Container::Pkcs8 => Self::from_pkcs8(der, origin),
            Container::Sec1 => Self::from_sec1(der, None, origin),
            Container::EncryptedPkcs8 => {
                let passphrase = passphrase.ok_or_else(|| Error::PassphraseRequired {
                    origin: origin.into(),
                })?;
                let plain = decrypt_pkcs8(der, passphrase, origin)?;
                match parse_pkcs8(&plain, origin) {
                    Ok(_) => Self::from_pkcs8(&plain, origin),
                    Err(_) => Err(Error::WrongPassphrase {
                        origin: origin.into(),
                    }),
                }
            }
        }
    }

    fn from_pkcs1(der: &[u8], origin: &str) -> Result<Self> {
        let bad = |reason: String| Error::KeyDecode {
            origin: origin.into(),
            format: "PKCS#1 RSA PRIVATE KEY".into(),
            reason,
        };
        let k = RsaPrivateKeyDer::from_der(der).map_err(|e| bad(e.to_string()))?;
        if uint_to_u64(&k.version) != Some(0) {
            return Err(bad(
                "version is not 0 (multi-prime RSA keys are not supported)".into(),
            ));
        }
        let bits = uint_bits(&k.modulus);
        if bits > MAX_RSA_BITS {
            return Err(Error::KeyBudget {
                origin: origin.into(),
                what: "RSA modulus size (bits)",
                value: u64::from(bits),
                max: u64::from(MAX_RSA_BITS),
            });
        }
        check_rsa_consistency(&k).map_err(|reason| bad(reason.into()))?;
        let rsa = Rsa::private_key_from_der(der).map_err(|e| bad(e.to_string()))?;
        let pkey = PKey::from_rsa(rsa).map_err(|e| bad(e.to_string()))?;
        // The PKCS#1 bytes were just decoded as DER, so the PKCS#8 and SPKI forms are
        // built around them instead of re-encoding through OpenSSL (which costs more than
        // the rest of reading a proxy file).
        let public = RsaPublicKeyDer {
            modulus: k.modulus,
            public_exponent: k.public_exponent,
        }
        .to_der()
        .map_err(|e| bad(e.to_string()))?;
        let alg_id = der_wrap(
            0x30,
            &[RSA_ENCRYPTION_OID_TLV.as_slice(), &[0x05, 0x00]].concat(),
        );
        let mut bits_content = Vec::with_capacity(public.len().saturating_add(1));
        bits_content.push(0);
        bits_content.extend_from_slice(&public);
        let spki = der_wrap(
            0x30,
            &[alg_id.as_slice(), &der_wrap(0x03, &bits_content)].concat(),
        );
        let mut body = Zeroizing::new(Vec::with_capacity(der.len().saturating_add(32)));
        body.extend_from_slice(&[0x02, 0x01, 0x00]);
        body.extend_from_slice(&alg_id);
        body.extend_from_slice(&Zeroizing::new(der_wrap(0x04, der)));
        let pkcs8 = Zeroizing::new(der_wrap(0x30, &body));
        Ok(Self {
            algorithm: KeyAlgorithm::Rsa { bits },
            pkcs8,
            traditional: Zeroizing::new(der.to_vec()),
            spki,
            pkey,
        })
    }

    fn from_sec1(der: &[u8], outer_curve: Option<EcCurve>, origin: &str) -> Result<Self> {
        let bad = |reason: String| Error::KeyDecode {
            origin: origin.into(),
            format: "SEC1 EC PRIVATE KEY".into(),
            reason,
        };
        let k = EcPrivateKeyDer::from_der(der).map_err(|e| bad(e.to_string()))?;
        if uint_to_u64(&k.version) != Some(1) {
            return Err(bad("version is not 1 (RFC 5915)".into()));
        }
        let inner_curve = match k.parameters {
            None => None,
            Some(p) if p.tag() == Tag::ObjectIdentifier => {
                let o: Oid = p
                    .decode_as::<Oid>()
                    .map_err(|e: der::Error| bad(e.to_string()))?;
                Some(
                    EcCurve::from_oid(&o).ok_or_else(|| Error::UnsupportedKeyAlgorithm {
                        origin: origin.into(),
                        algorithm: format!("EC curve {o}"),
                    })?,
                )
            }
            Some(_) => {
                return Err(Error::UnsupportedKeyAlgorithm {
                    origin: origin.into(),
                    algorithm: "EC with explicit curve parameters".into(),
                });
            }
        };
        let curve = match (outer_curve, inner_curve) {
            (Some(a), Some(b)) if a != b => {
                return Err(bad(format!(
                    "curve {b} inside the key differs from {a} in the PKCS#8 wrapper"
                )));
            }
            (Some(c), _) | (None, Some(c)) => c,
            (None, None) => return Err(bad("no curve parameters".into())),
        };
        let scalar = k.private_key.as_bytes();
        let field_bytes = usize::try_from(curve.bits().div_ceil(8)).unwrap_or(usize::MAX);
        if scalar.is_empty() || scalar.len() > field_bytes {
            return Err(bad(format!(
                "private scalar is {} bytes; {curve} needs at most {field_bytes}",
                scalar.len()
            )));
        }
        let group = EcGroup::from_curve_name(curve.nid()).map_err(|e| bad(e.to_string()))?;
        let d = BigNum::from_slice(scalar).map_err(|e| bad(e.to_string()))?;
        let mut ctx = BigNumContext::new().map_err(|e| bad(e.to_string()))?;
        let mut point = EcPoint::new(&group).map_err(|e| bad(e.to_string()))?;
        point
            .mul_generator2(&group, &d, &mut ctx)
            .map_err(|e| bad(e.to_string()))?;
        if let Some(pk) = k.public_key {
            let given = pk
                .as_bytes()
                .ok_or_else(|| bad("public key BIT STRING has unused bits".into()))?;
            let given = EcPoint::from_bytes(&group, given, &mut ctx)
                .map_err(|e| bad(format!("public key point: {e}")))?;
            let mut ctx2 = BigNumContext::new().map_err(|e| bad(e.to_string()))?;
            if !point
                .eq(&group, &given, &mut ctx2)
                .map_err(|e| bad(e.to_string()))?
            {
                return Err(bad(
                    "public key does not belong to the private scalar (corrupt key)".into(),
                ));
            }
        }
        let ec =
            EcKey::from_private_components(&group, &d, &point).map_err(|e| bad(e.to_string()))?;
        ec.check_key().map_err(|e| bad(e.to_string()))?;
        let pkey = PKey::from_ec_key(ec).map_err(|e| bad(e.to_string()))?;
        Self::from_pkey(pkey, KeyAlgorithm::Ec { curve })
    }

    fn from_pkcs8(der: &[u8], origin: &str) -> Result<Self> {
        let view = parse_pkcs8(der, origin)?;
        let alg = view.algorithm.oid;
        if alg == oid::RSA_ENCRYPTION {
            Self::from_pkcs1(view.private_key, origin)
        } else if alg == oid::EC_PUBLIC_KEY {
            let params = view.algorithm.parameters.ok_or_else(|| Error::KeyDecode {
                origin: origin.into(),
                format: "PKCS#8 PRIVATE KEY".into(),
                reason: "EC key without curve parameters".into(),
            })?;
            let curve_oid: Oid =
                params
                    .decode_as()
                    .map_err(|_| Error::UnsupportedKeyAlgorithm {
                        origin: origin.into(),
                        algorithm: "EC with explicit curve parameters".into(),
                    })?;
            let curve =
                EcCurve::from_oid(&curve_oid).ok_or_else(|| Error::UnsupportedKeyAlgorithm {
                    origin: origin.into(),
                    algorithm: format!("EC curve {curve_oid}"),
                })?;
            Self::from_sec1(view.private_key, Some(curve), origin)
        } else {
            Err(Error::UnsupportedKeyAlgorithm {
                origin: origin.into(),
                algorithm: describe_key_oid(&alg),
            })
        }
    }

    fn from_pkey(pkey: PKey<Private>, algorithm: KeyAlgorithm) -> Result<Self> {
        let pkcs8 = Zeroizing::new(
            pkey.private_key_to_pkcs8()
                .map_err(crypto_err("PKCS#8 encoding"))?,
        );
        let traditional = match algorithm {
            KeyAlgorithm::Rsa { .. } => Zeroizing::new(
                pkey.rsa()
                    .and_then(|r| r.private_key_to_der())
                    .map_err(crypto_err("PKCS#1 encoding"))?,
            ),
            KeyAlgorithm::Ec { .. } => pkcs8.clone(),
        };
        let spki = pkey
            .public_key_to_der()
            .map_err(crypto_err("public key encoding"))?;
        Ok(Self {
            algorithm,
            pkcs8,
            traditional,
            spki,
            pkey,
        })
    }

    /// Generates an RSA key (e = 65537). `bits` must be within 1024..=8192 and a
    /// multiple of 8.
    pub fn generate_rsa(bits: u32) -> Result<Self> {
        if !RSA_GENERATE_BITS.contains(&bits) || !bits.is_multiple_of(8) {
            return Err(Error::UnsupportedKeySize {
                algorithm: "RSA",
                bits,
                allowed: "use 1024 to 8192 bits in multiples of 8 (2048 is the default)",
            });
        }
        let rsa = Rsa::generate(bits).map_err(crypto_err("RSA key generation"))?;
        let pkey = PKey::from_rsa(rsa).map_err(crypto_err("RSA key generation"))?;
        Self::from_pkey(pkey, KeyAlgorithm::Rsa { bits })
    }

    /// Generates an EC P-256 key.
    pub fn generate_ec_p256() -> Result<Self> {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)
            .map_err(crypto_err("EC key generation"))?;
        let ec = EcKey::generate(&group).map_err(crypto_err("EC key generation"))?;
        let pkey = PKey::from_ec_key(ec).map_err(crypto_err("EC key generation"))?;
        Self::from_pkey(
            pkey,
            KeyAlgorithm::Ec {
                curve: EcCurve::P256,
            },
        )
    }

    /// The key's algorithm and size.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// The public key as SubjectPublicKeyInfo DER.
    pub fn public_key_spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// True when `spki_der` holds this key's public key. Compared structurally (RSA
    /// modulus and exponent; EC curve and point, compressed or not), so differing but
    /// valid encodings of the same key match. Undecodable input gives `false`.
    pub fn matches_spki(&self, spki_der: &[u8]) -> bool {
        spki_equal(&self.spki, spki_der).unwrap_or(false)
    }

    /// Signs `message`: RSA PKCS#1 v1.5, or ECDSA with a DER `Ecdsa-Sig-Value` (the X.509
    /// encoding).
    pub fn sign(&self, digest: Digest, message: &[u8]) -> Result<Vec<u8>> {
        let mut signer = openssl::sign::Signer::new(digest.message_digest(), &self.pkey)
            .map_err(crypto_err("signing"))?;
        signer
            .sign_oneshot_to_vec(message)
            .map_err(crypto_err("signing"))
    }

    /// The signature AlgorithmIdentifier DER that goes into a certificate signed with
    /// this key: `shaNNNWithRSAEncryption` with NULL parameters, or `ecdsa-with-SHANNN`
    /// without parameters (RFC 4055, RFC 5758).
    pub fn signature_algorithm_der(&self, digest: Digest) -> Vec<u8> {
        let (o, null) = match (self.algorithm, digest) {
            (KeyAlgorithm::Rsa { .. }, Digest::Sha1) => (oid::SHA1_WITH_RSA, true),
            (KeyAlgorithm::Rsa { .. }, Digest::Sha256) => (oid::SHA256_WITH_RSA, true),
            (KeyAlgorithm::Rsa { .. }, Digest::Sha384) => (oid::SHA384_WITH_RSA, true),
            (KeyAlgorithm::Rsa { .. }, Digest::Sha512) => (oid::SHA512_WITH_RSA, true),
            (KeyAlgorithm::Ec { .. }, Digest::Sha1) => (ECDSA_WITH_SHA1, false),
            (KeyAlgorithm::Ec { .. }, Digest::Sha256) => (oid::ECDSA_WITH_SHA256, false),
            (KeyAlgorithm::Ec { .. }, Digest::Sha384) => (oid::ECDSA_WITH_SHA384, false),
            (KeyAlgorithm::Ec { .. }, Digest::Sha512) => (oid::ECDSA_WITH_SHA512, false),
        };
        let oid_der = o.to_der().unwrap_or_default();
        let mut body = oid_der;
        if null {
            body.extend_from_slice(&[0x05, 0x00]);
        }
        der_wrap(0x30, &body)
    }

    /// PEM as grid tools expect it: RSA as PKCS#1 `RSA PRIVATE KEY` (what proxies carry
    /// and every grid tool reads), EC as PKCS#8 `PRIVATE KEY`.
    pub fn to_pem(&self) -> Zeroizing<String> {
        match self.algorithm {
            KeyAlgorithm::Rsa { .. } => pem_encode("RSA PRIVATE KEY", &self.traditional),
            KeyAlgorithm::Ec { .. } => pem_encode("PRIVATE KEY", &self.pkcs8),
        }
    }

    /// PKCS#8 `PRIVATE KEY` PEM.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        pem_encode("PRIVATE KEY", &self.pkcs8)
    }

    /// PKCS#8 DER.
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        self.pkcs8.clone()
    }

    /// `ENCRYPTED PRIVATE KEY` PEM: PBES2 with PBKDF2-HMAC-SHA256 (600,000
    /// iterations, 16-byte random salt) and AES-256-CBC with a random IV. Readable by
    /// `openssl pkey` and every PKCS#8 reader.
    pub fn to_encrypted_pkcs8_pem(&self, passphrase: &Passphrase) -> Result<String> {
        self.to_encrypted_pkcs8_pem_with_iterations(passphrase, PBKDF2_ITERATIONS)
    }

    /// As [`PrivateKey::to_encrypted_pkcs8_pem`] with a chosen PBKDF2 iteration count
    /// (at least 1; test fixtures use a small count to stay fast).
    pub fn to_encrypted_pkcs8_pem_with_iterations(
        &self,
        passphrase: &Passphrase,
        iterations: u32,
    ) -> Result<String> {
        let iterations = iterations.max(1);
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        openssl::rand::rand_bytes(&mut salt).map_err(crypto_err("random salt"))?;
        openssl::rand::rand_bytes(&mut iv).map_err(crypto_err("random IV"))?;
        let cipher = Cipher::aes_256_cbc();
        let mut key = Zeroizing::new(vec![0u8; cipher.key_len()]);
        openssl::pkcs5::pbkdf2_hmac(
            passphrase.expose(),
            &salt,
            usize::try_from(iterations).unwrap_or(usize::MAX),
            MessageDigest::sha256(),
            &mut key,
        )
        .map_err(crypto_err("PBKDF2"))?;
        let ciphertext = cbc(cipher, Mode::Encrypt, &key, &iv, &self.pkcs8)
            .map_err(crypto_err("AES-256-CBC encryption"))?;

        let enc = (|| -> der::Result<Vec<u8>> {
            let iter_bytes = iterations.to_be_bytes();
            let prf = AlgorithmIdentifierRef {
                oid: HMAC_SHA256,
                parameters: Some(AnyRef::NULL),
            };
            let kdf_params = Pbkdf2ParamsDer {
                salt: OctetStringRef::new(&salt)?,
                iterations: UintRef::new(&iter_bytes)?,
                key_length: None,
                prf: Some(prf),
            }
            .to_der()?;
            let iv_der = OctetStringRef::new(&iv)?.to_der()?;
            let pbes2 = Pbes2ParamsDer {
                kdf: AlgorithmIdentifierRef {
                    oid: PBKDF2,
                    parameters: Some(AnyRef::from_der(&kdf_params)?),
                },
                scheme: AlgorithmIdentifierRef {
                    oid: AES256_CBC,
                    parameters: Some(AnyRef::from_der(&iv_der)?),
                },
            }
            .to_der()?;
            EncryptedPrivateKeyInfoDer {
                algorithm: AlgorithmIdentifierRef {
                    oid: PBES2,
                    parameters: Some(AnyRef::from_der(&pbes2)?),
                },
                data: OctetStringRef::new(&ciphertext)?,
            }
            .to_der()
        })()
        .map_err(|e| Error::Crypto {
            operation: "encrypted PKCS#8 encoding",
            reason: e.to_string(),
        })?;
        Ok(pem_encode("ENCRYPTED PRIVATE KEY", &enc).to_string())
    }

    /// The OpenSSL key, for signing inside this crate.
    #[allow(dead_code)]
    pub(crate) fn pkey(&self) -> &PKey<Private> {
        &self.pkey
    }
}

fn describe_key_oid(o: &Oid) -> String {
    let name = match o.to_string().as_str() {
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.2.840.10040.4.1" => "DSA",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.10046.2.1" => "DH",
        _ => "",
    };
    if name.is_empty() {
        o.to_string()
    } else {
        format!("{name} ({o})")
    }
}

/// n = p*q, e*dp = 1 mod (p-1), e*dq = 1 mod (q-1), q*qinv = 1 mod p, d agrees with
/// dp and dq: cheap checks
/// (microseconds) that catch corrupted or tampered key files before they make bad
/// signatures. OpenSSL signs with the CRT values, so these are the ones that matter.
fn check_rsa_consistency(k: &RsaPrivateKeyDer<'_>) -> std::result::Result<(), &'static str> {
    let run = || -> std::result::Result<bool, openssl::error::ErrorStack> {
        let bn = |u: &UintRef<'_>| BigNum::from_slice(u.as_bytes());
        let (n, e, p, q) = (
            bn(&k.modulus)?,
            bn(&k.public_exponent)?,
            bn(&k.prime1)?,
            bn(&k.prime2)?,
        );
        let (dp, dq, qinv) = (bn(&k.exponent1)?, bn(&k.exponent2)?, bn(&k.coefficient)?);
        let mut ctx = BigNumContext::new()?;
        let one = BigNum::from_u32(1)?;
        let mut t = BigNum::new()?;
        t.checked_mul(&p, &q, &mut ctx)?;
        if t != n {
            return Ok(false);
        }
        let mut pm1 = BigNum::new()?;
        pm1.checked_sub(&p, &one)?;
        let mut qm1 = BigNum::new()?;
        qm1.checked_sub(&q, &one)?;
        if pm1.num_bits() == 0 || qm1.num_bits() == 0 {
            return Ok(false);
        }
        let mut r = BigNum::new()?;
        r.mod_mul(&e, &dp, &pm1, &mut ctx)?;
        if r != one {
            return Ok(false);
        }
        r.mod_mul(&e, &dq, &qm1, &mut ctx)?;
        if r != one {
            return Ok(false);
        }
        r.mod_mul(&q, &qinv, &p, &mut ctx)?;
        if r != one {
            return Ok(false);
        }
        // d is not used by CRT signing but is written back out: d = dp mod (p-1) and
        // d = dq mod (q-1).
        let d = bn(&k.private_exponent)?;
        r.nnmod(&d, &pm1, &mut ctx)?;
        if r != dp {
            return Ok(false);
        }
        r.nnmod(&d, &qm1, &mut ctx)?;
        Ok(r == dq)
    };
    match run() {
        Ok(true) => Ok(()),
        Ok(false) => Err("RSA key components are inconsistent (corrupt or tampered key)"),
        Err(_) => Err("RSA key components cannot be checked"),
    }
}

fn spki_equal(a: &[u8], b: &[u8]) -> Option<bool> {
    let a = SubjectPublicKeyInfoRef::from_der(a).ok()?;
    let b = SubjectPublicKeyInfoRef::from_der(b).ok()?;
    if a.algorithm.oid != b.algorithm.oid {
        return Some(false);
    }
    let ka = a.subject_public_key.as_bytes()?;
    let kb = b.subject_public_key.as_bytes()?;
    if a.algorithm.oid == oid::RSA_ENCRYPTION {
        let ra = RsaPublicKeyDer::from_der(ka).ok()?;
        let rb = RsaPublicKeyDer::from_der(kb).ok()?;
        Some(
            ra.modulus.as_bytes() == rb.modulus.as_bytes()
                && ra.public_exponent.as_bytes() == rb.public_exponent.as_bytes(),
        )
    } else if a.algorithm.oid == oid::EC_PUBLIC_KEY {
        let ca: Oid = a.algorithm.parameters?.decode_as().ok()?;
        let cb: Oid = b.algorithm.parameters?.decode_as().ok()?;
        if ca != cb {
            return Some(false);
        }
        let curve = EcCurve::from_oid(&ca)?;
        let group = EcGroup::from_curve_name(curve.nid()).ok()?;
        let mut ctx = BigNumContext::new().ok()?;
        let pa = EcPoint::from_bytes(&group, ka, &mut ctx).ok()?;
        let pb = EcPoint::from_bytes(&group, kb, &mut ctx).ok()?;
        let ua = pa
            .to_bytes(&group, PointConversionForm::UNCOMPRESSED, &mut ctx)
            .ok()?;
        let ub = pb
            .to_bytes(&group, PointConversionForm::UNCOMPRESSED, &mut ctx)
            .ok()?;
        Some(ua == ub)
    } else {
        Some(ka == kb)
    }
}

/// DER TLV with a definite length.
pub(crate) fn der_wrap(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len().saturating_add(6));
    out.push(tag);
    let len = body.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | u8::try_from(significant.len()).unwrap_or(0));
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(body);
    out
}

/// PEM with 64-column base64 and LF line ends, built in wiped memory.
pub(crate) fn pem_encode(label: &str, der: &[u8]) -> Zeroizing<String> {
    use base64::Engine as _;
    let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(der));
    let mut out = Zeroizing::new(String::with_capacity(b64.len() + b64.len() / 64 + 80));
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// CBC with PKCS#7 padding into wiped memory.
fn cbc(
    cipher: Cipher,
    mode: Mode,
    key: &[u8],
    iv: &[u8],
    data: &[u8],
) -> std::result::Result<Zeroizing<Vec<u8>>, openssl::error::ErrorStack> {
    let mut c = Crypter::new(cipher, mode, key, Some(iv))?;
    c.pad(true);
    let mut out = Zeroizing::new(vec![0u8; data.len().saturating_add(cipher.block_size())]);
    let n = c.update(data, &mut out)?;
    let m = match out.get_mut(n..) {
        Some(rest) => c.finalize(rest)?,
        None => 0,
    };
    out.truncate(n.saturating_add(m));
    Ok(out)
}

fn decrypt_with(
    cipher: Cipher,
    key: &[u8],
    iv: &[u8],
    data: &[u8],
    origin: &str,
    format: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    let bs = cipher.block_size();
    if data.is_empty() || !data.len().is_multiple_of(bs) {
        return Err(Error::KeyDecode {
            origin: origin.into(),
            format: format.into(),
            reason: format!(
                "encrypted body is {} bytes, not a positive multiple of the {bs}-byte cipher block (truncated file?)",
                data.len()
            ),
        });
    }
    // Bad padding after decryption is the classic sign of a wrong passphrase.
    cbc(cipher, Mode::Decrypt, key, iv, data).map_err(|_| Error::WrongPassphrase {
        origin: origin.into(),
    })
}

fn decrypt_legacy_pem(
    dek_info: &str,
    body: &[u8],
    passphrase: &Passphrase,
    origin: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    let format = "legacy encrypted PEM (DEK-Info)";
    let bad = |reason: String| Error::KeyDecode {
        origin: origin.into(),
        format: format.into(),
        reason,
    };
    let (name, iv_hex) = dek_info
        .split_once(',')
        .ok_or_else(|| bad(format!("DEK-Info '{dek_info}' is not 'CIPHER,IV'")))?;
    let name = name.trim();
    let cipher = match name.to_ascii_uppercase().as_str() {
        "DES-EDE3-CBC" => Cipher::des_ede3_cbc(),
        "AES-128-CBC" => Cipher::aes_128_cbc(),
        "AES-192-CBC" => Cipher::aes_192_cbc(),
        "AES-256-CBC" => Cipher::aes_256_cbc(),
        _ => {
            return Err(Error::UnsupportedKeyEncryption {
                origin: origin.into(),
                algorithm: format!("DEK-Info cipher {name}"),
            });
        }
    };
    let iv = decode_hex(iv_hex.trim()).ok_or_else(|| bad("DEK-Info IV is not hex".into()))?;
    let iv_len = cipher.iv_len().unwrap_or(0);
    if iv.len() != iv_len {
        return Err(bad(format!(
            "DEK-Info IV is {} bytes; {name} needs {iv_len}",
            iv.len()
        )));
    }
    let salt = iv
        .get(..8)
        .ok_or_else(|| bad("DEK-Info IV shorter than 8 bytes".into()))?;
    let kiv = openssl::pkcs5::bytes_to_key(
        cipher,
        MessageDigest::md5(),
        passphrase.expose(),
        Some(salt),
        1,
    )
    .map_err(crypto_err("EVP_BytesToKey"))?;
    let key = Zeroizing::new(kiv.key);
    decrypt_with(cipher, &key, &iv, body, origin, format)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            let text = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(text, 16).ok()
        })
        .collect()
}

fn decrypt_pkcs8(der: &[u8], passphrase: &Passphrase, origin: &str) -> Result<Zeroizing<Vec<u8>>> {
    let format = "PKCS#8 ENCRYPTED PRIVATE KEY";
    let bad = |reason: String| Error::KeyDecode {
        origin: origin.into(),
        format: format.into(),
        reason,
    };
    let unsupported = |what: String| Error::UnsupportedKeyEncryption {
        origin: origin.into(),
        algorithm: what,
    };
    let epki = EncryptedPrivateKeyInfoDer::from_der(der).map_err(|e| bad(e.to_string()))?;
    if epki.algorithm.oid != PBES2 {
        return Err(unsupported(describe_pbe_oid(&epki.algorithm.oid)));
    }
    let params = epki
        .algorithm
        .parameters
        .ok_or_else(|| bad("PBES2 without parameters".into()))?;
    let pbes2: Pbes2ParamsDer<'_> = params
        .decode_as()
        .map_err(|e| bad(format!("PBES2 parameters: {e}")))?;
    if pbes2.kdf.oid != PBKDF2 {
        let what = if pbes2.kdf.oid == SCRYPT {
            format!("scrypt key derivation ({SCRYPT})")
        } else {
            format!("key derivation function {}", pbes2.kdf.oid)
        };
        return Err(unsupported(what));
    }
    let kdf: Pbkdf2ParamsDer<'_> = pbes2
        .kdf
        .parameters
        .ok_or_else(|| bad("PBKDF2 without parameters".into()))?
        .decode_as()
        .map_err(|e| bad(format!("PBKDF2 parameters: {e}")))?;
    let iterations = uint_to_u64(&kdf.iterations).unwrap_or(u64::MAX);
    if iterations > MAX_PBKDF2_ITERATIONS {
        return Err(Error::KeyBudget {
            origin: origin.into(),
            what: "PBKDF2 iteration count",
            value: iterations,
            max: MAX_PBKDF2_ITERATIONS,
        });
    }
    if iterations == 0 {
        return Err(bad("PBKDF2 iteration count is 0".into()));
    }
    let prf_oid = kdf.prf.as_ref().map_or(HMAC_SHA1, |p| p.oid);
    let md = if prf_oid == HMAC_SHA1 {
        MessageDigest::sha1()
    } else if prf_oid == HMAC_SHA224 {
        MessageDigest::sha224()
    } else if prf_oid == HMAC_SHA256 {
        MessageDigest::sha256()
    } else if prf_oid == HMAC_SHA384 {
        MessageDigest::sha384()
    } else if prf_oid == HMAC_SHA512 {
        MessageDigest::sha512()
    } else {
        return Err(unsupported(format!("PBKDF2 PRF {prf_oid}")));
    };
    let scheme = pbes2.scheme.oid;
    let cipher = if scheme == AES128_CBC {
        Cipher::aes_128_cbc()
    } else if scheme == AES192_CBC {
        Cipher::aes_192_cbc()
    } else if scheme == AES256_CBC {
        Cipher::aes_256_cbc()
    } else if scheme == DES_EDE3_CBC {
        Cipher::des_ede3_cbc()
    } else {
        return Err(unsupported(format!(
            "PBES2 cipher {}",
            describe_cipher_oid(&scheme)
        )));
    };
    if let Some(kl) = kdf.key_length
        && uint_to_u64(&kl) != u64::try_from(cipher.key_len()).ok()
    {
        {
            return Err(bad(format!(
                "PBKDF2 keyLength does not match the {}-byte cipher key",
                cipher.key_len()
            )));
        }
    }
    let iv: &OctetStringRef = pbes2
        .scheme
        .parameters
        .ok_or_else(|| bad("cipher without IV".into()))?
        .decode_as()
        .map_err(|e| bad(format!("cipher IV: {e}")))?;
    if Some(iv.as_bytes().len()) != cipher.iv_len() {
        return Err(bad(format!(
            "cipher IV is {} bytes, expected {}",
            iv.as_bytes().len(),
            cipher.iv_len().unwrap_or(0)
        )));
    }
    let mut key = Zeroizing::new(vec![0u8; cipher.key_len()]);
    openssl::pkcs5::pbkdf2_hmac(
        passphrase.expose(),
        kdf.salt.as_bytes(),
        usize::try_from(iterations).unwrap_or(usize::MAX),
        md,
        &mut key,
    )
    .map_err(crypto_err("PBKDF2"))?;
    decrypt_with(
        cipher,
        &key,
        iv.as_bytes(),
        epki.data.as_bytes(),
        origin,
        format,
    )
}

fn describe_pbe_oid(o: &Oid) -> String {
    let name = match o.to_string().as_str() {
        "1.2.840.113549.1.5.3" => "PBES1 pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.10" => "PBES1 pbeWithSHA1AndDES-CBC",
        "1.2.840.113549.1.5.6" => "PBES1 pbeWithMD5AndRC2-CBC",
        "1.2.840.113549.1.5.11" => "PBES1 pbeWithSHA1AndRC2-CBC",
        "1.2.840.113549.1.12.1.3" => "PKCS#12 pbeWithSHAAnd3-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.6" => "PKCS#12 pbeWithSHAAnd40BitRC2-CBC",
        "1.2.840.113549.1.12.1.1" => "PKCS#12 pbeWithSHAAnd128BitRC4",
        _ => "scheme",
    };
    format!("{name} ({o})")
}

fn describe_cipher_oid(o: &Oid) -> String {
    let name = match o.to_string().as_str() {
        "1.3.14.3.2.7" => "DES-CBC",
        "1.2.840.113549.3.2" => "RC2-CBC",
        "2.16.840.1.101.3.4.1.6" => "AES-128-GCM",
        "2.16.840.1.101.3.4.1.46" => "AES-256-GCM",
        "1.2.410.200004.1.4" => "SEED-CBC",
        _ => "",
    };
    if name.is_empty() {
        o.to_string()
    } else {
        format!("{name} ({o})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkcs1_read_builds_the_same_encodings_as_openssl() {
        for bits in [1024, 2048] {
            // Generated keys are encoded by OpenSSL; reading their PKCS#1 form builds the
            // PKCS#8 and SPKI encodings without it. They must be byte-identical.
            let k = PrivateKey::generate_rsa(bits).unwrap();
            let back = PrivateKey::from_pem(k.to_pem().as_bytes(), None, "test").unwrap();
            assert_eq!(back.pkcs8.as_slice(), k.pkcs8.as_slice());
            assert_eq!(back.spki, k.spki);
            assert_eq!(back.traditional.as_slice(), k.traditional.as_slice());
        }
    }

    #[test]
    fn rsa_round_trip_and_sign() {
        let k = PrivateKey::generate_rsa(1024).unwrap();
        assert_eq!(k.algorithm(), KeyAlgorithm::Rsa { bits: 1024 });
        let pem = k.to_pem();
        assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        let back = PrivateKey::from_pem(pem.as_bytes(), None, "test").unwrap();
        assert!(back.matches_spki(k.public_key_spki_der()));
        let p8 = PrivateKey::from_pem(k.to_pkcs8_pem().as_bytes(), None, "t").unwrap();
        assert!(p8.matches_spki(k.public_key_spki_der()));
        let sig = k.sign(Digest::Sha256, b"hello").unwrap();
        assert_eq!(sig.len(), 128);
    }

    #[test]
    fn ec_round_trip() {
        let k = PrivateKey::generate_ec_p256().unwrap();
        let back = PrivateKey::from_pem(k.to_pem().as_bytes(), None, "t").unwrap();
        assert!(back.matches_spki(k.public_key_spki_der()));
        let other = PrivateKey::generate_ec_p256().unwrap();
        assert!(!other.matches_spki(k.public_key_spki_der()));
        assert_eq!(
            k.signature_algorithm_der(Digest::Sha256),
            [
                0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02
            ]
        );
    }

    #[test]
    fn encrypted_round_trip() {
        let k = PrivateKey::generate_ec_p256().unwrap();
        let pass = Passphrase::new("pw");
        let pem = k
            .to_encrypted_pkcs8_pem_with_iterations(&pass, 1000)
            .unwrap();
        let back = PrivateKey::from_pem(pem.as_bytes(), Some(&pass), "t").unwrap();
        assert!(back.matches_spki(k.public_key_spki_der()));
        let e = PrivateKey::from_pem(pem.as_bytes(), Some(&Passphrase::new("x")), "t").unwrap_err();
        assert_eq!(e.code(), "wrong_passphrase");
        let e = PrivateKey::from_pem(pem.as_bytes(), None, "t").unwrap_err();
        assert_eq!(e.code(), "passphrase_required");
    }

    #[test]
    fn bad_sizes() {
        assert_eq!(
            PrivateKey::generate_rsa(1000).unwrap_err().code(),
            "unsupported_key_size"
        );
        assert_eq!(
            PrivateKey::generate_rsa(512).unwrap_err().code(),
            "unsupported_key_size"
        );
    }

    #[test]
    fn der_wrap_long() {
        let body = vec![0u8; 300];
        let w = der_wrap(0x04, &body);
        assert_eq!(&w[..4], &[0x04, 0x82, 0x01, 0x2c]);
    }
}
