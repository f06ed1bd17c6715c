//! PKCS#12 (RFC 7292): the `.p12` files CAs hand out and browsers import.
//!
//! Reading accepts what OpenSSL 3 writes (PBES2 with PBKDF2 and AES-256-CBC, HMAC-SHA256
//! MAC) and the legacy `pbeWithSHAAnd40BitRC2-CBC` / `pbeWithSHAAnd3-KeyTripleDES-CBC`
//! files older CA pages still serve; for those OpenSSL's legacy provider is loaded once,
//! on first need, and kept for the life of the process. Writing uses OpenSSL 3's
//! defaults (AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC), which `openssl pkcs12` and
//! current browsers read.

use std::sync::OnceLock;

use openssl::pkcs12::Pkcs12;
use openssl::provider::Provider;
use openssl::stack::Stack;
use openssl::x509::X509;
use zeroize::Zeroizing;

use crate::cert::Certificate;
use crate::error::{Error, Result};
use crate::key::{PrivateKey, pem_encode};
use crate::limits::MAX_FILE_BYTES;
use crate::secret::Passphrase;

/// Most CA certificates taken from one PKCS#12 file (the chain-depth budget).
const MAX_P12_CHAIN: usize = crate::limits::MAX_CHAIN_DEPTH;

/// The legacy provider, loaded at most once and kept alive for the process (unloading it
/// while another thread decrypts would pull the algorithms from under it).
static LEGACY: OnceLock<std::result::Result<Provider, String>> = OnceLock::new();

fn legacy_provider() -> std::result::Result<(), String> {
    LEGACY
        .get_or_init(|| {
            // retain_fallbacks: the default provider stays available alongside.
            Provider::try_load(None, "legacy", true).map_err(|e| e.to_string())
        })
        .as_ref()
        .map(|_| ())
        .map_err(Clone::clone)
}

/// The contents of a PKCS#12 file: the certificate whose key it holds, the key, and the
/// other certificates (the chain, leaf's issuer first where they link).
#[derive(Clone, Debug)]
pub struct Pkcs12Contents {
    /// The end-entity certificate (the one matching the key).
    pub cert: Certificate,
    /// Its private key.
    pub key: PrivateKey,
    /// The remaining certificates, ordered along issuer links from the certificate.
    pub chain: Vec<Certificate>,
}

impl Pkcs12Contents {
    /// From certificates in any order and the key: the certificate matching the key
    /// becomes [`Pkcs12Contents::cert`], the rest is ordered along issuer links.
    pub fn from_parts(certs: Vec<Certificate>, key: PrivateKey) -> Result<Self> {
        let first_ref = certs
            .first()
            .map(|c| c.cert_ref(0))
            .ok_or(Error::NoCertificate {
                origin: "PKCS#12 contents".into(),
            })?;
        if !certs
            .iter()
            .any(|c| key.matches_spki(c.public_key_spki_der()))
        {
            return Err(Error::KeyMismatch { cert: first_ref });
        }
        let mut ordered = crate::bundle::order_chain(certs, Some(&key)).into_iter();
        let cert = ordered.next().ok_or(Error::NoCertificate {
            origin: "PKCS#12 contents".into(),
        })?;
        Ok(Self {
            cert,
            key,
            chain: ordered.collect(),
        })
    }

    /// Decodes and decrypts a `.p12` / `.pfx` file. A wrong passphrase (the MAC does not
    /// verify) is [`Error::WrongPassphrase`]; a file with legacy encryption on a system
    /// without OpenSSL's legacy provider is [`Error::Pkcs12Legacy`].
    pub fn from_der(der: &[u8], passphrase: &Passphrase, origin: &str) -> Result<Self> {
        if der.len() > MAX_FILE_BYTES {
            return Err(Error::TooLarge {
                origin: origin.into(),
                what: "PKCS#12 file",
                size: der.len(),
                max: MAX_FILE_BYTES,
            });
        }
        let pass = pass_str(passphrase, origin)?;
        check_mac_iterations(der, origin)?;
        let p12 = Pkcs12::from_der(der).map_err(|e| Error::Pkcs12 {
            origin: origin.into(),
            reason: format!("not a PKCS#12 structure ({})", first_reason(&e)),
        })?;
        let parsed = match p12.parse2(&pass) {
            Ok(p) => p,
            Err(e) if is_mac_failure(&e) => {
                return Err(Error::WrongPassphrase {
                    origin: origin.into(),
                });
            }
            Err(e) if is_unsupported_algorithm(&e) => {
                legacy_provider().map_err(|reason| Error::Pkcs12Legacy {
                    origin: origin.into(),
                    reason: format!(
                        "{}; loading the legacy provider: {reason}",
                        first_reason(&e)
                    ),
                })?;
                p12.parse2(&pass).map_err(|e| parse_error(&e, origin))?
            }
            Err(e) => return Err(parse_error(&e, origin)),
        };
        let pkey = parsed.pkey.ok_or_else(|| Error::NoPrivateKey {
            origin: origin.into(),
        })?;
        let x509 = parsed.cert.ok_or_else(|| Error::NoCertificate {
            origin: origin.into(),
        })?;
        let pkcs8 = Zeroizing::new(pkey.private_key_to_pkcs8().map_err(|e| Error::Pkcs12 {
            origin: origin.into(),
            reason: format!(
                "the key cannot be re-encoded as PKCS#8 ({})",
                first_reason(&e)
            ),
        })?);
        drop(pkey);
        let key = PrivateKey::from_der(&pkcs8, None, origin)?;
        let mut certs = Vec::new();
        certs.push(cert_from_openssl(&x509, origin, 0)?);
        if let Some(ca) = parsed.ca {
            if ca.len() > MAX_P12_CHAIN {
                return Err(Error::TooManyCertificates {
                    origin: origin.into(),
                    count: ca.len(),
                    max: MAX_P12_CHAIN,
                });
            }
            for (i, c) in ca.iter().enumerate() {
                certs.push(cert_from_openssl(c, origin, i.saturating_add(1))?);
            }
        }
        Self::from_parts(certs, key)
    }

    /// Encodes a `.p12` encrypted with `passphrase` (AES-256-CBC with PBKDF2, SHA-256
    /// MAC; OpenSSL 3's defaults). `friendly_name` is the label browsers show.
    pub fn to_der(&self, passphrase: &Passphrase, friendly_name: Option<&str>) -> Result<Vec<u8>> {
        let pass = pass_str(passphrase, "the PKCS#12 passphrase")?;
        let err = |e: openssl::error::ErrorStack| Error::Crypto {
            operation: "PKCS#12 encoding",
            reason: first_reason(&e),
        };
        let cert = X509::from_der(self.cert.der()).map_err(err)?;
        let mut stack = Stack::new().map_err(err)?;
        for c in &self.chain {
            stack
                .push(X509::from_der(c.der()).map_err(err)?)
                .map_err(err)?;
        }
        let mut builder = Pkcs12::builder();
        if let Some(name) = friendly_name {
            if name.contains('\0') {
                return Err(Error::Pkcs12 {
                    origin: "friendly name".into(),
                    reason: "contains a NUL character".into(),
                });
            }
            builder.name(name);
        }
        builder.pkey(self.key.pkey()).cert(&cert);
        if !self.chain.is_empty() {
            builder.ca(stack);
        }
        let p12 = builder.build2(&pass).map_err(err)?;
        p12.to_der().map_err(err)
    }

    /// The certificate followed by the chain, as PEM (what goes into `usercert.pem`).
    pub fn cert_pem(&self) -> String {
        let mut out = pem_encode("CERTIFICATE", self.cert.der()).to_string();
        for c in &self.chain {
            out.push_str(&pem_encode("CERTIFICATE", c.der()));
        }
        out
    }
}

/// Refuses a MAC iteration count over [`crate::key::MAX_PBKDF2_ITERATIONS`] before
/// OpenSSL derives the MAC key (RFC 7292 §4: `MacData.iterations`), so a hostile file
/// cannot make the reader spin. Structure errors are left to OpenSSL's decoder.
fn check_mac_iterations(der: &[u8], origin: &str) -> Result<()> {
    use crate::ext::split_tlv;
    let mac_iterations = (|| {
        let (_, pfx, _) = split_tlv(der)?;
        let (_, _, rest) = split_tlv(pfx)?; // version
        let (_, _, rest) = split_tlv(rest)?; // authSafe
        let (_, mac_data, _) = split_tlv(rest)?;
        let (_, _, rest) = split_tlv(mac_data)?; // DigestInfo
        let (_, _, rest) = split_tlv(rest)?; // macSalt
        let (tag, iterations, _) = split_tlv(rest)?;
        (tag == 0x02).then_some(iterations)
    })();
    let Some(bytes) = mac_iterations else {
        return Ok(());
    };
    let max = crate::key::MAX_PBKDF2_ITERATIONS;
    let digits = bytes
        .get(bytes.iter().take_while(|&&b| b == 0).count()..)
        .unwrap_or_default();
    let value = if digits.len() > 8 {
        u64::MAX
    } else {
        digits
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    };
    if value > max {
        return Err(Error::KeyBudget {
            origin: origin.into(),
            what: "PKCS#12 MAC iteration count",
            value,
            max,
        });
    }
    Ok(())
}

/// The passphrase as OpenSSL's PKCS#12 code takes it: UTF-8 text without NUL (it is
/// converted to a BMPString, RFC 7292 appendix B.1).
fn pass_str(passphrase: &Passphrase, origin: &str) -> Result<Zeroizing<String>> {
    let bad = |reason: &str| Error::Passphrase {
        source_name: origin.into(),
        reason: reason.into(),
    };
    let s = std::str::from_utf8(passphrase.expose())
        .map_err(|_| bad("a PKCS#12 passphrase must be UTF-8 text"))?;
    if s.contains('\0') {
        return Err(bad("a PKCS#12 passphrase cannot contain a NUL character"));
    }
    Ok(Zeroizing::new(s.to_string()))
}

fn cert_from_openssl(
    x: &openssl::x509::X509Ref,
    origin: &str,
    index: usize,
) -> Result<Certificate> {
    let der = x.to_der().map_err(|e| Error::CertificateDecode {
        origin: origin.into(),
        index,
        reason: first_reason(&e),
    })?;
    Certificate::from_der_at(&der, origin, index)
}

fn reasons(e: &openssl::error::ErrorStack) -> impl Iterator<Item = &'static str> + '_ {
    e.errors().iter().filter_map(openssl::error::Error::reason)
}

fn first_reason(e: &openssl::error::ErrorStack) -> String {
    reasons(e)
        .next()
        .map_or_else(|| "unknown OpenSSL error".to_string(), str::to_string)
}

fn is_mac_failure(e: &openssl::error::ErrorStack) -> bool {
    reasons(e).any(|r| r.contains("mac verify failure"))
}

fn is_unsupported_algorithm(e: &openssl::error::ErrorStack) -> bool {
    reasons(e).any(|r| {
        r.contains("unsupported") || r.contains("unknown cipher") || r.contains("fetch failed")
    })
}

fn parse_error(e: &openssl::error::ErrorStack, origin: &str) -> Error {
    if is_mac_failure(e) {
        return Error::WrongPassphrase {
            origin: origin.into(),
        };
    }
    if is_unsupported_algorithm(e) {
        return Error::Pkcs12Legacy {
            origin: origin.into(),
            reason: first_reason(e),
        };
    }
    Error::Pkcs12 {
        origin: origin.into(),
        reason: reasons(e).collect::<Vec<_>>().join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_iteration_budget() {
        // PFX { version 3, authSafe {}, MacData { DigestInfo {}, salt "", iterations } }
        let pfx = |iterations: &[u8]| {
            let mut mac = vec![0x30, 0x00, 0x04, 0x00, 0x02, iterations.len() as u8];
            mac.extend_from_slice(iterations);
            let mut body = vec![0x02, 0x01, 0x03, 0x30, 0x00, 0x30, mac.len() as u8];
            body.extend(mac);
            let mut out = vec![0x30, body.len() as u8];
            out.extend(body);
            out
        };
        let e = check_mac_iterations(&pfx(&[0x7f, 0xff, 0xff, 0xff]), "big.p12").unwrap_err();
        assert_eq!(e.code(), "key_budget");
        let e = Pkcs12Contents::from_der(&pfx(&[0x7f; 12]), &Passphrase::new("x"), "big.p12")
            .unwrap_err();
        assert_eq!(e.code(), "key_budget");
        assert!(check_mac_iterations(&pfx(&[0x08, 0x00]), "ok.p12").is_ok());
    }
}
