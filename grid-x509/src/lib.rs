#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod audit;
mod bundle;
mod ca_dir;
mod cert;
mod chain;
mod create;
mod crl;
mod dn;
mod error;
mod ext;
mod key;
pub mod limits;
pub mod oid;
mod policy;
mod proxy;
mod secret;
mod time;
mod write;

#[cfg(feature = "fixtures")]
pub mod fixtures;

pub use dn::{Ava, Dn, MAX_DN_RDNS, MAX_DN_VALUE_BYTES, MAX_RDN_AVAS, Rdn, StringType};
pub use error::{CertRef, Error, Result};
pub use time::{UnixTime, format_hms};
pub use key::{Digest, EcCurve, KeyAlgorithm, PrivateKey};
pub use secret::Passphrase;
pub use write::write_atomic;
pub use create::{DEFAULT_PROXY_LIFETIME_SECS, KeySpec, NewProxy, ProxyBuilder, ProxyKind};
