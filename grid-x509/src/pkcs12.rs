//! PKCS#12.
