//! VOMS attribute certificates in proxies: FQANs, vomsdir and vomses, voms-proxy-info reports
#![forbid(unsafe_code)]
