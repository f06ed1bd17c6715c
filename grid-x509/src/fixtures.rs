//! Test PKI fixtures (placeholder).
