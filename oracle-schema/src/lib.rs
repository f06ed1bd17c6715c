//! The CRAB Oracle schema as data (not implemented yet).
//!
//! This crate is an empty placeholder: a later issue fills it. Nothing here works yet.
#![forbid(unsafe_code)]
