//! Accepting ACs without verification. Everything here skips the signature, validity,
//! holder and trust checks: use it only to display a credential or where an outer layer
//! has already verified the AC.

use crate::ac::AttributeCertificate;
use crate::verify::VerifiedAc;
use grid_x509::UnixTime;

/// Wraps an AC as a [`VerifiedAc`] whose [`VerifiedAc::trust_source`] is
/// [`crate::TrustSource::Unverified`] and which has no signer.
pub fn accept_unverified(ac: AttributeCertificate, now: UnixTime) -> VerifiedAc {
    VerifiedAc::unverified(ac, now)
}
