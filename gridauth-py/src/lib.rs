//! Python bindings, module gridauth (not implemented yet).
//!
//! This crate is an empty placeholder: a later issue fills it. Nothing here works yet.
