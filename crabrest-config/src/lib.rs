//! The CRAB REST external JSON config and the internal static config (not implemented yet).
//!
//! This crate is an empty placeholder: a later issue fills it. Nothing here works yet.
#![forbid(unsafe_code)]
