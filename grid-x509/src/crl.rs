//! Certificate revocation lists (RFC 5280 §5), as installed in a CA directory.

use crate::cert::{PublicKey, SignatureAlgorithm};
use crate::dn::Dn;
use crate::error::{Error, Result};
use crate::ext::split_tlv;
use crate::limits;
use crate::signature::{SignatureFailure, verify_signature};
use crate::time::{UnixTime, parse_der_time as parse_time};
use std::collections::HashSet;
use std::sync::OnceLock;

/// A parsed CRL: issuer, update times and the revoked serial numbers.
#[derive(Clone, Debug)]
pub struct Crl {
    origin: String,
    der: Vec<u8>,
    tbs_range: (usize, usize),
    issuer: Dn,
    this_update: UnixTime,
    next_update: Option<UnixTime>,
    signature_algorithm: SignatureAlgorithm,
    signature: Vec<u8>,
    revoked: HashSet<Vec<u8>>,
    /// The issuer key (SPKI DER) whose signature check succeeded, so that validating many
    /// chains against one CA directory verifies each CRL once.
    verified_by: OnceLock<Vec<u8>>,
}

fn strip_zeros(mut b: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = b {
        b = rest;
    }
    b
}

impl Crl {
    /// Parses a DER CRL (v1 or v2). `origin` (the file) goes into errors.
    pub fn from_der(der: &[u8], origin: &str) -> Result<Self> {
        let bad = |reason: &str| Error::CrlInvalid {
            path: origin.to_string(),
            issuer: "?".into(),
            reason: reason.to_string(),
        };
        let (tag, content, rest) = split_tlv(der).ok_or_else(|| bad("not DER"))?;
        if tag != 0x30 || !rest.is_empty() {
            return Err(bad("not a single DER SEQUENCE (trailing data?)"));
        }
        let start = der.len().saturating_sub(content.len());
        let (tbs_tag, tbs, after_tbs) =
            split_tlv(content).ok_or_else(|| bad("TBSCertList missing"))?;
        if tbs_tag != 0x30 {
            return Err(bad("TBSCertList is not a SEQUENCE"));
        }
        let tbs_range = (
            start,
            start.saturating_add(content.len().saturating_sub(after_tbs.len())),
        );
        let (t, alg, after_alg) =
            split_tlv(after_tbs).ok_or_else(|| bad("signatureAlgorithm missing"))?;
        let (bt, bits, end) = split_tlv(after_alg).ok_or_else(|| bad("signature missing"))?;
        if t != 0x30 || bt != 0x03 || !end.is_empty() {
            return Err(bad("bad signatureAlgorithm or signature"));
        }
        let (ot, oid_bytes, _) = split_tlv(alg).ok_or_else(|| bad("bad signatureAlgorithm"))?;
        let alg_oid = (ot == 0x06)
            .then(|| der::asn1::ObjectIdentifier::from_bytes(oid_bytes).ok())
            .flatten()
            .ok_or_else(|| bad("bad signatureAlgorithm OID"))?;
        let (&unused, signature) = bits.split_first().ok_or_else(|| bad("empty signature"))?;
        if unused != 0 {
            return Err(bad("signature BIT STRING has unused bits"));
        }

        // TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature, issuer,
        //   thisUpdate, nextUpdate OPTIONAL, revokedCertificates OPTIONAL, [0] crlExtensions OPTIONAL }
        let mut cur = tbs;
        let (mut tag, mut val, mut next) =
            split_tlv(cur).ok_or_else(|| bad("empty TBSCertList"))?;
        if tag == 0x02 {
            cur = next;
            (tag, val, next) = split_tlv(cur).ok_or_else(|| bad("TBSCertList truncated"))?;
        }
        if tag != 0x30 {
            return Err(bad("TBSCertList signature algorithm missing"));
        }
        let _ = val;
        cur = next;
        let issuer_len = cur.len();
        let (it, _, next) = split_tlv(cur).ok_or_else(|| bad("issuer missing"))?;
        if it != 0x30 {
            return Err(bad("issuer is not a Name"));
        }
        let issuer_der = cur
            .get(..issuer_len.saturating_sub(next.len()))
            .unwrap_or(&[]);
        let issuer = Dn::from_der(issuer_der)?;
        cur = next;
        let (tt, tv, next) = split_tlv(cur).ok_or_else(|| bad("thisUpdate missing"))?;
        let this_update =
            parse_time(tt, tv).ok_or_else(|| bad("thisUpdate is not a valid time"))?;
        cur = next;
        let mut next_update = None;
        if let Some((nt @ (0x17 | 0x18), nv, next)) = split_tlv(cur) {
            next_update =
                Some(parse_time(nt, nv).ok_or_else(|| bad("nextUpdate is not a valid time"))?);
            cur = next;
        }
        let mut revoked = HashSet::new();
        if let Some((0x30, list, next)) = split_tlv(cur) {
            let mut entries = list;
            while !entries.is_empty() {
                let (et, entry, rest) =
                    split_tlv(entries).ok_or_else(|| bad("bad revoked entry"))?;
                let (st, serial, _) = split_tlv(entry).ok_or_else(|| bad("bad revoked entry"))?;
                if et != 0x30 || st != 0x02 {
                    return Err(bad("revoked entry is not SEQUENCE { serial INTEGER, ... }"));
                }
                if revoked.len() >= limits::MAX_CRL_ENTRIES {
                    return Err(bad("too many revoked entries"));
                }
                revoked.insert(strip_zeros(serial).to_vec());
                entries = rest;
            }
            cur = next;
        }
        if let Some((0xa0, _, next)) = split_tlv(cur) {
            cur = next;
        }
        if !cur.is_empty() {
            return Err(bad("unexpected data at the end of TBSCertList"));
        }
        Ok(Self {
            origin: origin.to_string(),
            der: der.to_vec(),
            tbs_range,
            issuer,
            this_update,
            next_update,
            signature_algorithm: SignatureAlgorithm::from_oid(alg_oid),
            signature: signature.to_vec(),
            revoked,
            verified_by: OnceLock::new(),
        })
    }

    /// The file it came from.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// The CRL issuer.
    pub fn issuer(&self) -> &Dn {
        &self.issuer
    }
    /// thisUpdate.
    pub fn this_update(&self) -> UnixTime {
        self.this_update
    }
    /// nextUpdate.
    pub fn next_update(&self) -> Option<UnixTime> {
        self.next_update
    }
    /// The DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// The signed TBSCertList bytes.
    pub fn tbs_der(&self) -> &[u8] {
        self.der
            .get(self.tbs_range.0..self.tbs_range.1)
            .unwrap_or(&[])
    }
    /// Signature algorithm.
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.signature_algorithm
    }
    /// Signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }
    /// Number of revoked entries.
    pub fn len(&self) -> usize {
        self.revoked.len()
    }
    /// True when nothing is revoked.
    pub fn is_empty(&self) -> bool {
        self.revoked.is_empty()
    }
    /// Whether a serial number (as encoded in a certificate) is listed.
    pub fn is_revoked(&self, serial: &[u8]) -> bool {
        self.revoked.contains(strip_zeros(serial))
    }
    /// Checks the CRL's signature with its issuer's key. A success is remembered for that
    /// key; the algorithm policy (`allow_sha1`) is applied on every call.
    pub fn check_signature(
        &self,
        issuer: &PublicKey,
        allow_sha1: bool,
    ) -> std::result::Result<(), SignatureFailure> {
        let policy_ok = allow_sha1 || !self.signature_algorithm.is_legacy_digest();
        if policy_ok
            && self
                .verified_by
                .get()
                .is_some_and(|k| k == issuer.spki_der())
        {
            return Ok(());
        }
        verify_signature(
            issuer,
            self.signature_algorithm,
            self.tbs_der(),
            &self.signature,
            allow_sha1,
        )?;
        let _ = self.verified_by.set(issuer.spki_der().to_vec());
        Ok(())
    }

    /// Current at `now`: thisUpdate passed and nextUpdate (if any) not reached.
    pub fn is_current(&self, now: UnixTime) -> bool {
        self.this_update <= now && self.next_update.is_none_or(|n| now <= n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(
            parse_time(0x17, b"261123062310Z"),
            Some(UnixTime::from_civil(2026, 11, 23, 6, 23, 10))
        );
        assert_eq!(
            parse_time(0x18, b"20991231235959Z"),
            Some(UnixTime(4_102_444_799))
        );
        assert_eq!(
            parse_time(0x17, b"991231235959Z").map(|t| t.to_civil().0),
            Some(1999)
        );
        assert_eq!(parse_time(0x17, b"2611230623Z"), None);
        assert_eq!(parse_time(0x17, b"261323062310Z"), None);
        assert_eq!(parse_time(0x18, b"2026112306231+Z"), None);
    }

    #[test]
    fn hostile_crls_do_not_panic() {
        for len in 0..64 {
            let junk: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let _ = Crl::from_der(&junk, "junk");
            let mut seq = vec![0x30, len as u8];
            seq.extend(&junk);
            let _ = Crl::from_der(&seq, "junk");
        }
    }
}
