//! Installing credentials.
