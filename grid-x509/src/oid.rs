//! Object identifiers used by grid certificates.

pub use const_oid::ObjectIdentifier as Oid;

/// RFC 3820 proxyCertInfo extension.
pub const PROXY_CERT_INFO: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.14");
/// Pre-RFC (GT3/GT4 draft) proxyCertInfo extension.
pub const PROXY_CERT_INFO_DRAFT: Oid = Oid::new_unwrap("1.3.6.1.4.1.3536.1.222");
/// Proxy policy language: inherit all (impersonation).
pub const PPL_INHERIT_ALL: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.21.1");
/// Proxy policy language: independent.
pub const PPL_INDEPENDENT: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.21.2");
/// Globus limited-proxy policy language.
pub const PPL_LIMITED: Oid = Oid::new_unwrap("1.3.6.1.4.1.3536.1.1.1.9");

/// basicConstraints.
pub const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
/// keyUsage.
pub const KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
/// extendedKeyUsage.
pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
/// subjectAltName.
pub const SUBJECT_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.17");
/// issuerAltName.
pub const ISSUER_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.18");
/// subjectKeyIdentifier.
pub const SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
/// authorityKeyIdentifier.
pub const AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");
/// certificatePolicies.
pub const CERTIFICATE_POLICIES: Oid = Oid::new_unwrap("2.5.29.32");
/// cRLDistributionPoints.
pub const CRL_DISTRIBUTION_POINTS: Oid = Oid::new_unwrap("2.5.29.31");
/// nameConstraints.
pub const NAME_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.30");
/// policyConstraints.
pub const POLICY_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.36");
/// inhibitAnyPolicy.
pub const INHIBIT_ANY_POLICY: Oid = Oid::new_unwrap("2.5.29.54");
/// policyMappings.
pub const POLICY_MAPPINGS: Oid = Oid::new_unwrap("2.5.29.33");
/// CRL number.
pub const CRL_NUMBER: Oid = Oid::new_unwrap("2.5.29.20");
/// authorityInfoAccess.
pub const AUTHORITY_INFO_ACCESS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.1");
/// VOMS attribute-certificate sequence extension in a proxy.
pub const VOMS_AC_SEQ: Oid = Oid::new_unwrap("1.3.6.1.4.1.8005.100.100.5");

/// rsaEncryption.
pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
/// id-ecPublicKey.
pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
/// prime256v1 / P-256.
pub const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
/// secp384r1 / P-384.
pub const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");

/// md5WithRSAEncryption (never accepted).
pub const MD5_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.4");
/// sha1WithRSAEncryption.
pub const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
/// sha256WithRSAEncryption.
pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
/// sha384WithRSAEncryption.
pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
/// sha512WithRSAEncryption.
pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
/// ecdsa-with-SHA256.
pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
/// ecdsa-with-SHA384.
pub const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
/// ecdsa-with-SHA512.
pub const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");

/// commonName.
pub const CN: Oid = Oid::new_unwrap("2.5.4.3");
/// emailAddress (PKCS#9).
pub const EMAIL_ADDRESS: Oid = Oid::new_unwrap("1.2.840.113549.1.9.1");
/// domainComponent.
pub const DC: Oid = Oid::new_unwrap("0.9.2342.19200300.100.1.25");

/// EKU serverAuth.
pub const KP_SERVER_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.1");
/// EKU clientAuth.
pub const KP_CLIENT_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.2");
