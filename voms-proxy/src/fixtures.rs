//! Minting VOMS ACs and proxies for tests (filled in below).
