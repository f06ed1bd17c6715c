//! Minting VOMS attribute certificates and proxies that embed them, for tests and
//! `gridauth voms fake` (the `fixtures` feature). Signing uses OpenSSL.
//!
//! The ACs follow what a VOMS server writes: v2, holder as base certificate ID whose
//! issuer name is the holder's subject (or, with [`HolderForm::Rfc3281`], its issuer),
//! issuer as v2Form, the FQAN attribute with policy authority `vo://host:port`, and the
//! extensions no-rev-avail, authority key identifier, the VOMS certificate list, generic
//! attributes and (critical) targets.

use crate::der::{cons, tag, tlv};
use crate::error::{Error, Result};
use crate::oid;
use grid_x509::{Certificate, UnixTime};
use openssl::asn1::{Asn1Integer, Asn1Object, Asn1OctetString, Asn1Time};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Private};
use openssl::x509::{X509, X509Builder, X509Extension, X509NameBuilder};

fn mint_err(what: &'static str) -> impl Fn(openssl::error::ErrorStack) -> Error {
    move |e| Error::Mint {
        what,
        reason: e.to_string(),
    }
}

/// How the holder is named.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HolderForm {
    /// VOMS default: base certificate ID with the holder's *subject* as issuer name.
    #[default]
    VomsSubject,
    /// RFC 3281: base certificate ID with the holder certificate's issuer name.
    Rfc3281,
}

/// What to put in an AC.
#[derive(Clone, Debug)]
pub struct AcSpec {
    /// VO name.
    pub vo: String,
    /// VOMS server `host:port`.
    pub uri: String,
    /// FQANs, primary first, written as given.
    pub fqans: Vec<String>,
    /// Generic attributes: (name, value, qualifier).
    pub attributes: Vec<(String, String, String)>,
    /// Targets (URIs); none = untargeted.
    pub targets: Vec<String>,
    /// Start of validity.
    pub not_before: UnixTime,
    /// End of validity.
    pub not_after: UnixTime,
    /// Serial number (big-endian).
    pub serial: Vec<u8>,
    /// Holder naming.
    pub holder_form: HolderForm,
    /// Sign with SHA-1 (RSA only), as VOMS servers before 2.0.12 did.
    pub legacy_sha1: bool,
}

impl AcSpec {
    /// A spec valid from `now` for `hours`, with the given VO, URI and FQANs.
    pub fn new(vo: &str, uri: &str, fqans: &[&str], now: UnixTime, hours: i64) -> Self {
        Self {
            vo: vo.to_string(),
            uri: uri.to_string(),
            fqans: fqans.iter().map(|s| (*s).to_string()).collect(),
            attributes: Vec::new(),
            targets: Vec::new(),
            not_before: now,
            not_after: now.saturating_add(hours.saturating_mul(3600)),
            serial: now.secs().to_be_bytes().to_vec(),
            holder_form: HolderForm::VomsSubject,
            legacy_sha1: false,
        }
    }
}

/// A VOMS server credential: its certificate (and chain to embed) and private key.
pub struct VomsSigner {
    cert: Certificate,
    extra: Vec<Vec<u8>>,
    key: PKey<Private>,
}

impl std::fmt::Debug for VomsSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VomsSigner")
            .field("subject", &self.cert.subject().to_openssl())
            .field("key", &"<redacted>")
            .finish()
    }
}

impl VomsSigner {
    /// From PEM certificate(s) (server first; the rest are embedded too) and a PEM key.
    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<Self> {
        let certs = crate::trust::pem_certs(cert_pem, "VOMS certificate")?;
        let mut it = certs.into_iter();
        let cert = it.next().ok_or(Error::Mint {
            what: "VOMS signer",
            reason: "no certificate in the PEM input".to_string(),
        })?;
        let key = PKey::private_key_from_pem(key_pem).map_err(mint_err("VOMS signer"))?;
        Ok(Self {
            cert,
            extra: it.map(|c| c.der().to_vec()).collect(),
            key,
        })
    }

    /// The VOMS server certificate.
    pub fn cert(&self) -> &Certificate {
        &self.cert
    }
}

fn int(bytes: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = {
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let t = bytes.get(skip..).unwrap_or_default();
        if t.is_empty() { &[0] } else { t }
    };
    let mut body = Vec::with_capacity(trimmed.len().saturating_add(1));
    if trimmed.first().is_some_and(|b| b & 0x80 != 0) {
        body.push(0);
    }
    body.extend_from_slice(trimmed);
    tlv(tag::INTEGER, &body)
}

fn gtime(t: UnixTime) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = t.to_civil();
    tlv(
        tag::GENERALIZED_TIME,
        format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z").as_bytes(),
    )
}

fn dir_names(name_der: &[u8]) -> Vec<u8> {
    // GeneralNames { [4] EXPLICIT Name }
    cons(tag::SEQUENCE, &[&tlv(tag::ctx_cons(4), name_der)])
}

fn ext(oid: &const_oid::ObjectIdentifier, critical: bool, value: &[u8]) -> Vec<u8> {
    let o = tlv(tag::OID, oid.as_bytes());
    let v = tlv(tag::OCTET_STRING, value);
    if critical {
        cons(tag::SEQUENCE, &[&o, &tlv(tag::BOOLEAN, &[0xff]), &v])
    } else {
        cons(tag::SEQUENCE, &[&o, &v])
    }
}

fn sig_alg(key: &PKey<Private>, sha1: bool) -> Result<(Vec<u8>, MessageDigest)> {
    match key.id() {
        Id::RSA if sha1 => Ok((
            cons(
                tag::SEQUENCE,
                &[
                    &tlv(tag::OID, oid::SHA1_WITH_RSA.as_bytes()),
                    &tlv(tag::NULL, &[]),
                ],
            ),
            MessageDigest::sha1(),
        )),
        Id::RSA => Ok((
            cons(
                tag::SEQUENCE,
                &[
                    &tlv(tag::OID, oid::SHA256_WITH_RSA.as_bytes()),
                    &tlv(tag::NULL, &[]),
                ],
            ),
            MessageDigest::sha256(),
        )),
        Id::EC => Ok((
            cons(
                tag::SEQUENCE,
                &[&tlv(tag::OID, oid::ECDSA_WITH_SHA256.as_bytes())],
            ),
            MessageDigest::sha256(),
        )),
        _ => Err(Error::Mint {
            what: "AC",
            reason: "only RSA and EC VOMS keys are supported".to_string(),
        }),
    }
}

/// The DER `AttributeCertificateInfo` for `spec`, holder `holder`, issuer `issuer`,
/// signature algorithm `alg` and the VOMS certificates `certs` (for hostile-input tests
/// that need a syntactically valid body).
pub fn ac_info_der(
    spec: &AcSpec,
    holder: &Certificate,
    issuer: &Certificate,
    alg: &[u8],
    certs: &[&[u8]],
) -> Vec<u8> {
    let holder_issuer = match spec.holder_form {
        HolderForm::VomsSubject => holder.subject().as_der(),
        HolderForm::Rfc3281 => holder.issuer().as_der(),
    };
    let holder_t = cons(
        tag::SEQUENCE,
        &[&cons(
            tag::ctx_cons(0),
            &[&dir_names(holder_issuer), &int(holder.serial_bytes())],
        )],
    );
    let issuer_t = cons(tag::ctx_cons(0), &[&dir_names(issuer.subject().as_der())]);
    let validity = cons(
        tag::SEQUENCE,
        &[&gtime(spec.not_before), &gtime(spec.not_after)],
    );
    let authority = format!("{}://{}", spec.vo, spec.uri);
    let fq: Vec<Vec<u8>> = spec
        .fqans
        .iter()
        .map(|f| tlv(tag::OCTET_STRING, f.as_bytes()))
        .collect();
    let fq_refs: Vec<&[u8]> = fq.iter().map(Vec::as_slice).collect();
    let ietf = cons(
        tag::SEQUENCE,
        &[
            &tlv(
                tag::ctx_cons(0),
                &tlv(tag::ctx_prim(6), authority.as_bytes()),
            ),
            &cons(tag::SEQUENCE, &fq_refs),
        ],
    );
    let attr = cons(
        tag::SEQUENCE,
        &[
            &tlv(tag::OID, oid::VOMS_FQANS.as_bytes()),
            &cons(tag::SET, &[&ietf]),
        ],
    );
    let attrs = cons(tag::SEQUENCE, &[&attr]);

    let mut exts: Vec<Vec<u8>> = Vec::new();
    if !spec.attributes.is_empty() {
        let items: Vec<Vec<u8>> = spec
            .attributes
            .iter()
            .map(|(n, v, q)| {
                cons(
                    tag::SEQUENCE,
                    &[
                        &tlv(tag::OCTET_STRING, n.as_bytes()),
                        &tlv(tag::OCTET_STRING, v.as_bytes()),
                        &tlv(tag::OCTET_STRING, q.as_bytes()),
                    ],
                )
            })
            .collect();
        let refs: Vec<&[u8]> = items.iter().map(Vec::as_slice).collect();
        let grantor = cons(
            tag::SEQUENCE,
            &[&tlv(tag::ctx_prim(6), authority.as_bytes())],
        );
        let holder = cons(tag::SEQUENCE, &[&grantor, &cons(tag::SEQUENCE, &refs)]);
        let value = cons(tag::SEQUENCE, &[&cons(tag::SEQUENCE, &[&holder])]);
        exts.push(ext(&oid::VOMS_ATTRIBUTES, false, &value));
    }
    exts.push(ext(
        &oid::VOMS_CERTS,
        false,
        &cons(tag::SEQUENCE, &[&cons(tag::SEQUENCE, certs)]),
    ));
    exts.push(ext(&oid::NO_REV_AVAIL, false, &tlv(tag::NULL, &[])));
    let keyid = openssl::sha::sha1(issuer.public_key().key_bytes());
    exts.push(ext(
        &oid::AUTHORITY_KEY_ID,
        false,
        &cons(tag::SEQUENCE, &[&tlv(tag::ctx_prim(0), &keyid)]),
    ));
    if !spec.targets.is_empty() {
        let items: Vec<Vec<u8>> = spec
            .targets
            .iter()
            .map(|t| {
                cons(
                    tag::SEQUENCE,
                    &[&tlv(tag::ctx_cons(0), &tlv(tag::ctx_prim(6), t.as_bytes()))],
                )
            })
            .collect();
        let refs: Vec<&[u8]> = items.iter().map(Vec::as_slice).collect();
        exts.push(ext(
            &oid::TARGET_INFORMATION,
            true,
            &cons(tag::SEQUENCE, &[&cons(tag::SEQUENCE, &refs)]),
        ));
    }
    let ext_refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
    cons(
        tag::SEQUENCE,
        &[
            &int(&[1]),
            &holder_t,
            &issuer_t,
            alg,
            &int(&spec.serial),
            &validity,
            &attrs,
            &cons(tag::SEQUENCE, &ext_refs),
        ],
    )
}

/// Issues and signs an AC for the holder certificate `holder_der` (the end-entity
/// certificate), embedding the signer's certificate(s). Returns the AC's DER.
pub fn mint_ac(spec: &AcSpec, holder_der: &[u8], signer: &VomsSigner) -> Result<Vec<u8>> {
    let holder = Certificate::from_der_at(holder_der, "holder certificate", 0)
        .map_err(|e| Error::certificate("holder certificate", 0, e))?;
    let (alg, md) = sig_alg(&signer.key, spec.legacy_sha1)?;
    let mut certs: Vec<&[u8]> = vec![signer.cert.der()];
    certs.extend(signer.extra.iter().map(Vec::as_slice));
    let info = ac_info_der(spec, &holder, &signer.cert, &alg, &certs);
    let mut s = openssl::sign::Signer::new(md, &signer.key).map_err(mint_err("AC signature"))?;
    let sig = s
        .sign_oneshot_to_vec(&info)
        .map_err(mint_err("AC signature"))?;
    let mut bits = vec![0u8];
    bits.extend_from_slice(&sig);
    Ok(cons(
        tag::SEQUENCE,
        &[&info, &alg, &tlv(tag::BIT_STRING, &bits)],
    ))
}

/// The value of the proxy extension 1.3.6.1.4.1.8005.100.100.5 holding `acs`.
pub fn ac_sequence_value(acs: &[Vec<u8>]) -> Vec<u8> {
    let refs: Vec<&[u8]> = acs.iter().map(Vec::as_slice).collect();
    cons(tag::SEQUENCE, &[&cons(tag::SEQUENCE, &refs)])
}

/// Makes a level-one RFC 3820 proxy (impersonation, 2048-bit RSA key) of the holder
/// credential (`holder_cert_pem` with its chain, `holder_key_pem`) that embeds `acs`,
/// valid from `now` for `hours`. Returns the proxy file in the usual order: proxy
/// certificate, proxy key, holder certificate(s).
pub fn mint_proxy(
    holder_cert_pem: &[u8],
    holder_key_pem: &[u8],
    acs: &[Vec<u8>],
    now: UnixTime,
    hours: i64,
) -> Result<String> {
    let e = mint_err("proxy");
    let holder_chain = X509::stack_from_pem(holder_cert_pem).map_err(&e)?;
    let holder = holder_chain.first().ok_or(Error::Mint {
        what: "proxy",
        reason: "no holder certificate".to_string(),
    })?;
    let holder_key = PKey::private_key_from_pem(holder_key_pem).map_err(&e)?;
    let rsa = openssl::rsa::Rsa::generate(2048).map_err(&e)?;
    let key = PKey::from_rsa(rsa).map_err(&e)?;
    let serial_u32 = u32::try_from(now.secs().rem_euclid(0x7fff_ffff)).unwrap_or(1) | 1;
    let mut b = X509Builder::new().map_err(&e)?;
    b.set_version(2).map_err(&e)?;
    let bn = BigNum::from_u32(serial_u32).map_err(&e)?;
    let serial = Asn1Integer::from_bn(&bn).map_err(&e)?;
    b.set_serial_number(&serial).map_err(&e)?;
    b.set_issuer_name(holder.subject_name()).map_err(&e)?;
    let mut name = X509NameBuilder::new().map_err(&e)?;
    for entry in holder.subject_name().entries() {
        name.append_entry(entry).map_err(&e)?;
    }
    name.append_entry_by_text("CN", &serial_u32.to_string())
        .map_err(&e)?;
    let name = name.build();
    b.set_subject_name(&name).map_err(&e)?;
    b.set_pubkey(&key).map_err(&e)?;
    let nb = Asn1Time::from_unix(now.secs()).map_err(&e)?;
    let na =
        Asn1Time::from_unix(now.secs().saturating_add(hours.saturating_mul(3600))).map_err(&e)?;
    b.set_not_before(&nb).map_err(&e)?;
    b.set_not_after(&na).map_err(&e)?;
    let add = |b: &mut X509Builder, oid: &str, critical: bool, value: &[u8]| -> Result<()> {
        let o = Asn1Object::from_str(oid).map_err(&e)?;
        let v = Asn1OctetString::new_from_bytes(value).map_err(&e)?;
        let x = X509Extension::new_from_der(&o, critical, &v).map_err(&e)?;
        b.append_extension(x).map_err(&e)
    };
    if !acs.is_empty() {
        add(
            &mut b,
            "1.3.6.1.4.1.8005.100.100.5",
            false,
            &ac_sequence_value(acs),
        )?;
    }
    add(&mut b, "2.5.29.15", true, &[0x03, 0x02, 0x05, 0xa0])?;
    // proxyCertInfo: inherit-all policy, no path length.
    add(
        &mut b,
        "1.3.6.1.5.5.7.1.14",
        true,
        &[
            0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x15, 0x01,
        ],
    )?;
    b.sign(&holder_key, MessageDigest::sha256()).map_err(&e)?;
    let cert = b.build();
    let mut out = String::from_utf8_lossy(&cert.to_pem().map_err(&e)?).into_owned();
    out.push_str(&String::from_utf8_lossy(
        &key.private_key_to_pem_pkcs8().map_err(&e)?,
    ));
    for c in &holder_chain {
        out.push_str(&String::from_utf8_lossy(&c.to_pem().map_err(&e)?));
    }
    Ok(out)
}
