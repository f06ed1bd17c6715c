//! SciToken and WLCG JWT validation with the XRootD scitokens.cfg model
#![forbid(unsafe_code)]
