//! Differential tests: proxies made by Debian's `grid-proxy-init` and certificates made by
//! `openssl` are read and validated here, and every field and verdict is compared with
//! `grid-proxy-info`, `openssl x509` and `openssl verify`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{Pki, have, run, try_run};
use grid_x509::{
    CaStore, CertKind, Credential, Dn, Error, UnixTime, ValidationPolicy, verify_chain,
};
use std::path::Path;

fn tools() -> bool {
    let ok = have("grid-proxy-init") && have("grid-proxy-info") && have("openssl");
    if !ok {
        eprintln!(
            "SKIPPED: grid-proxy-init/grid-proxy-info/openssl not installed (scripts/setup.sh installs them)"
        );
    }
    ok
}

fn info(pki: &Pki, file: &Path, what: &str) -> String {
    run(
        "grid-proxy-info",
        &["-file", file.to_str().unwrap(), what],
        pki.dir.path(),
    )
    .trim()
    .to_string()
}

fn store(pki: &Pki) -> CaStore {
    CaStore::from_dir(pki.path("certificates")).unwrap()
}

/// Compares subject, issuer, identity, type, strength and timeleft with grid-proxy-info.
fn compare_with_grid_proxy_info(pki: &Pki, file: &Path) {
    let cred = Credential::read_file(file, None).unwrap();
    let leaf = cred.leaf().unwrap();
    let certs = cred.certs();
    // grid-proxy-info prints names with X509_NAME_oneline: compare structurally.
    let subject = Dn::parse_openssl(&info(pki, file, "-subject")).unwrap();
    let issuer = Dn::parse_openssl(&info(pki, file, "-issuer")).unwrap();
    let identity = Dn::parse_openssl(&info(pki, file, "-identity")).unwrap();
    assert_eq!(leaf.subject(), &subject, "subject of {}", file.display());
    assert_eq!(leaf.issuer(), &issuer);
    assert_eq!(grid_x509::globus_identity(certs).unwrap(), identity);
    let strength: u32 = info(pki, file, "-strength").parse().unwrap();
    assert_eq!(leaf.public_key().bits(), strength);
    // Human type line.
    let all = info(pki, file, "-all");
    let type_line = all
        .lines()
        .find_map(|l| l.strip_prefix("type     : "))
        .unwrap();
    assert_eq!(CertKind::of(leaf).globus_name(), type_line);
    // timeleft: the tool reads the clock; allow a few seconds of drift.
    let tool_left: i64 = info(pki, file, "-timeleft").parse().unwrap();
    let now = UnixTime::now();
    let chain_end = certs.iter().map(|c| c.not_after()).min().unwrap();
    let ours = now.seconds_until(chain_end).max(0);
    assert!(
        (ours - tool_left).abs() <= 5,
        "timeleft {ours} vs grid-proxy-info {tool_left}"
    );
}

/// `openssl verify -allow_proxy_certs` on a proxy file: (ok, output).
fn openssl_verify(pki: &Pki, file: &Path, extra: &[&str]) -> (bool, String) {
    let d = pki.dir.path();
    let cred = Credential::read_file(file, None).unwrap();
    let leaf = d.join("leaf.pem");
    let chain = d.join("chain.pem");
    std::fs::write(&leaf, pem_of(&cred.certs()[..1])).unwrap();
    std::fs::write(&chain, pem_of(&cred.certs()[1..])).unwrap();
    let mut args = vec![
        "verify",
        "-allow_proxy_certs",
        "-CApath",
        "certificates",
        "-untrusted",
        "chain.pem",
    ];
    args.extend_from_slice(extra);
    args.push("leaf.pem");
    try_run("openssl", &args, d)
}

fn pem_of(certs: &[grid_x509::Certificate]) -> String {
    use base64::Engine;
    let mut s = String::new();
    for c in certs {
        s.push_str("-----BEGIN CERTIFICATE-----\n");
        let b = base64::engine::general_purpose::STANDARD.encode(c.der());
        for chunk in b.as_bytes().chunks(64) {
            s.push_str(std::str::from_utf8(chunk).unwrap());
            s.push('\n');
        }
        s.push_str("-----END CERTIFICATE-----\n");
    }
    s
}

#[test]
fn every_proxy_kind_matches_grid_proxy_info_and_verifies() {
    if !tools() {
        return;
    }
    let pki = Pki::new();
    let kinds: [(&str, &[&str], &str); 8] = [
        ("p_rfc", &[], "rfc3820-impersonation"),
        ("p_lim", &["-limited"], "rfc3820-limited"),
        ("p_ind", &["-independent"], "rfc3820-independent"),
        ("p_old", &["-old"], "legacy-full"),
        ("p_oldlim", &["-old", "-limited"], "legacy-limited"),
        ("p_draft", &["-draft"], "draft-impersonation"),
        ("p_dlim", &["-draft", "-limited"], "draft-limited"),
        ("p_dind", &["-draft", "-independent"], "draft-independent"),
    ];
    let store = store(&pki);
    let now = UnixTime::now();
    for (name, flags, json_type) in kinds {
        let f = pki.grid_proxy_init("user.pem", "userkey.pem", name, flags);
        compare_with_grid_proxy_info(&pki, &f);
        let cred = Credential::read_file(&f, None).unwrap();
        assert_eq!(CertKind::of(cred.leaf().unwrap()).json_name(), json_type);
        let v = verify_chain(cred.certs(), &store, &ValidationPolicy::grid(), now)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(v.identity(), &Dn::parse_openssl(common::USER_DN).unwrap());
        let (ok, out) = openssl_verify(&pki, &f, &[]);
        // OpenSSL knows RFC 3820 proxies only; legacy and draft ones look like end-entity
        // certificates issued by a non-CA to it.
        if json_type.starts_with("rfc3820") {
            assert!(ok, "openssl verify {name}: {out}");
        }
        // The strict policy takes RFC 3820 only.
        let strict = verify_chain(cred.certs(), &store, &ValidationPolicy::strict(), now);
        if json_type.starts_with("rfc3820") {
            strict.unwrap();
        } else {
            assert!(
                matches!(strict, Err(Error::ProxyKindNotAllowed { .. })),
                "{name}: {strict:?}"
            );
        }
    }
}

#[test]
fn delegated_proxy_and_host_proxy_with_slash_in_cn() {
    if !tools() {
        return;
    }
    let pki = Pki::new();
    let store = store(&pki);
    let now = UnixTime::now();
    // Proxy of a proxy of a proxy.
    let p1 = pki.grid_proxy_init("user.pem", "userkey.pem", "p1", &[]);
    let p2 = pki.grid_proxy_init("p1", "p1", "p2", &[]);
    let p3 = pki.grid_proxy_init("p2", "p2", "p3", &["-limited"]);
    for f in [&p1, &p2, &p3] {
        compare_with_grid_proxy_info(&pki, f);
    }
    let cred = Credential::read_file(&p3, None).unwrap();
    let v = verify_chain(cred.certs(), &store, &ValidationPolicy::grid(), now).unwrap();
    assert_eq!(v.proxy_depth(), 3);
    assert!(v.is_limited());
    assert_eq!(v.identity(), &Dn::parse_openssl(common::USER_DN).unwrap());
    let (ok, out) = openssl_verify(&pki, &p3, &[]);
    assert!(ok, "{out}");

    // A host certificate whose CN holds a slash; grid-proxy-info prints it unescaped.
    let hp = pki.grid_proxy_init("host.pem", "hostkey.pem", "hp", &[]);
    compare_with_grid_proxy_info(&pki, &hp);
    let cred = Credential::read_file(&hp, None).unwrap();
    let ee = Dn::parse_openssl("/DC=ch/DC=cern/OU=computers/CN=tw/vocms0118.cern.ch").unwrap();
    assert_eq!(cred.end_entity_subject().unwrap(), &ee);
    assert_eq!(ee.len(), 4);
    verify_chain(cred.certs(), &store, &ValidationPolicy::grid(), now).unwrap();
    // The SANs, including the service-prefixed one, as openssl prints them.
    let host = grid_x509::read_certificates(&std::fs::read(pki.path("host.pem")).unwrap(), "host")
        .unwrap();
    let text = run(
        "openssl",
        &[
            "x509",
            "-in",
            "host.pem",
            "-noout",
            "-ext",
            "subjectAltName",
        ],
        pki.dir.path(),
    );
    let line = text.lines().nth(1).unwrap().trim();
    assert_eq!(host[0].extensions().subject_alt_names.join(", "), line);
}

#[test]
fn verdicts_agree_with_openssl_verify() {
    if !tools() {
        return;
    }
    let pki = Pki::new();
    let store = store(&pki);
    let d = pki.dir.path();
    let f = pki.grid_proxy_init("user.pem", "userkey.pem", "p", &["-valid", "1:00"]);
    let cred = Credential::read_file(&f, None).unwrap();
    let leaf = cred.leaf().unwrap().clone();
    let policy = ValidationPolicy::grid();

    // Expired: one second after the proxy's notAfter.
    let later = leaf.not_after().saturating_add(1);
    let e = verify_chain(cred.certs(), &store, &policy, later).unwrap_err();
    assert!(
        matches!(e, Error::Expired { ref cert, .. } if cert.index == 0),
        "{e}"
    );
    assert_eq!(e.code(), "expired");
    let (ok, out) = openssl_verify(&pki, &f, &["-attime", &later.secs().to_string()]);
    assert!(!ok && out.contains("certificate has expired"), "{out}");

    // Not yet valid: before the 5-minute backdated notBefore.
    let early = leaf.not_before().saturating_add(-1);
    let e = verify_chain(cred.certs(), &store, &policy, early).unwrap_err();
    assert_eq!(e.code(), "not_yet_valid");
    let (ok, out) = openssl_verify(&pki, &f, &["-attime", &early.secs().to_string()]);
    assert!(!ok && out.contains("not yet valid"), "{out}");

    // Untrusted: an empty CA directory.
    let empty = CaStore::from_dir(tempfile::tempdir().unwrap().path()).unwrap();
    let e = verify_chain(cred.certs(), &empty, &policy, UnixTime::now()).unwrap_err();
    assert_eq!(e.code(), "untrusted_issuer");
    assert_eq!(e.certificate_index(), Some(1));

    // Tampered signature on the proxy.
    let mut der = leaf.der().to_vec();
    let n = der.len();
    der[n - 5] ^= 0x55;
    let tampered = grid_x509::Certificate::from_der(&der).unwrap();
    let mut certs = cred.certs().to_vec();
    certs[0] = tampered;
    let e = verify_chain(&certs, &store, &policy, UnixTime::now()).unwrap_err();
    assert_eq!(e.code(), "bad_signature");
    assert_eq!(e.certificate_index(), Some(0));

    // Revoked end-entity certificate, from the CRL in the CA directory.
    let r = pki.grid_proxy_init("revoked.pem", "revokedkey.pem", "pr", &[]);
    let cred_r = Credential::read_file(&r, None).unwrap();
    let e = verify_chain(cred_r.certs(), &store, &policy, UnixTime::now()).unwrap_err();
    assert_eq!(e.code(), "revoked", "{e}");
    assert_eq!(e.certificate_index(), Some(1));
    let (ok, out) = openssl_verify(&pki, &r, &["-crl_check_all"]);
    assert!(!ok && out.contains("revoked"), "{out}");

    // Path length: a proxy with pathlen 1 allows one proxy below it, not two.
    // (grid-proxy-init treats `-path-length 0` as "no constraint", so use 1.)
    pki.grid_proxy_init("user.pem", "userkey.pem", "pl", &["-path-length", "1"]);
    pki.grid_proxy_init("pl", "pl", "pl_a", &[]);
    let below = pki.grid_proxy_init("pl_a", "pl_a", "pl_b", &[]);
    let cred_a = Credential::read_file(pki.path("pl_a"), None).unwrap();
    verify_chain(cred_a.certs(), &store, &policy, UnixTime::now()).unwrap();
    let cred_pl = Credential::read_file(&below, None).unwrap();
    let e = verify_chain(cred_pl.certs(), &store, &policy, UnixTime::now()).unwrap_err();
    assert_eq!(e.code(), "path_length_exceeded", "{e}");
    assert_eq!(e.certificate_index(), Some(2));
    let (ok, out) = openssl_verify(&pki, &below, &[]);
    assert!(!ok && out.contains("path length"), "{out}");

    // A "proxy" whose subject is not its issuer plus one CN, made with openssl.
    run(
        "openssl",
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "badkey.pem",
            "-out",
            "bad.csr",
            "-subj",
            "/DC=ch/DC=cern/OU=Users/CN=someone else/CN=12345",
        ],
        d,
    );
    run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "bad.csr",
            "-CA",
            "user.pem",
            "-CAkey",
            "userkey.pem",
            "-set_serial",
            "12345",
            "-days",
            "1",
            "-out",
            "bad.pem",
            "-extfile",
            "ca.cnf",
            "-extensions",
            "bad_proxy",
        ],
        d,
    );
    let bad =
        grid_x509::read_certificates(&std::fs::read(pki.path("bad.pem")).unwrap(), "bad").unwrap();
    let user =
        grid_x509::read_certificates(&std::fs::read(pki.path("user.pem")).unwrap(), "u").unwrap();
    let chain = [bad[0].clone(), user[0].clone()];
    let e = verify_chain(&chain, &store, &policy, UnixTime::now()).unwrap_err();
    assert_eq!(e.code(), "proxy_subject_mismatch", "{e}");
    std::fs::write(d.join("badchain.pem"), pem_of(&chain)).unwrap();
    let (ok, out) = try_run(
        "openssl",
        &[
            "verify",
            "-allow_proxy_certs",
            "-CApath",
            "certificates",
            "-untrusted",
            "user.pem",
            "bad.pem",
        ],
        d,
    );
    assert!(!ok, "openssl accepted a proxy with a wrong subject: {out}");
}

#[test]
fn subject_hash_matches_openssl() {
    if !tools() {
        return;
    }
    let pki = Pki::new();
    for f in ["ca.pem", "user.pem", "host.pem"] {
        let c = grid_x509::read_certificates(&std::fs::read(pki.path(f)).unwrap(), f).unwrap();
        let h = run(
            "openssl",
            &["x509", "-in", f, "-noout", "-subject_hash"],
            pki.dir.path(),
        );
        let old = run(
            "openssl",
            &["x509", "-in", f, "-noout", "-subject_hash_old"],
            pki.dir.path(),
        );
        assert_eq!(format!("{:08x}", c[0].subject_hash()), h.trim(), "{f}");
        assert_eq!(
            format!("{:08x}", c[0].subject_hash_old()),
            old.trim(),
            "{f}"
        );
        let serial = run(
            "openssl",
            &["x509", "-in", f, "-noout", "-serial"],
            pki.dir.path(),
        );
        assert_eq!(format!("serial={}", c[0].serial_hex()), serial.trim());
    }
}

#[test]
fn legacy_crypto_is_a_named_opt_in() {
    if !tools() {
        return;
    }
    let pki = Pki::new();
    let d = pki.dir.path();
    // An old-style user: 1024-bit key, certificate signed with SHA-1.
    run(
        "openssl",
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:1024",
            "-nodes",
            "-keyout",
            "oldkey.pem",
            "-out",
            "old.csr",
            "-subj",
            "/DC=ch/DC=cern/OU=Users/CN=old timer",
        ],
        d,
    );
    run(
        "openssl",
        &[
            "x509",
            "-req",
            "-sha1",
            "-in",
            "old.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "77",
            "-days",
            "30",
            "-out",
            "old.pem",
            "-extfile",
            "ca.cnf",
            "-extensions",
            "usr",
        ],
        d,
    );
    std::fs::set_permissions(
        pki.path("oldkey.pem"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let p = pki.grid_proxy_init("old.pem", "oldkey.pem", "p_old_crypto", &["-bits", "1024"]);
    compare_with_grid_proxy_info(&pki, &p);
    let cred = Credential::read_file(&p, None).unwrap();
    assert_eq!(cred.leaf().unwrap().public_key().bits(), 1024);
    let store = store(&pki);
    let now = UnixTime::now();
    verify_chain(cred.certs(), &store, &ValidationPolicy::grid(), now).unwrap();
    let e = verify_chain(cred.certs(), &store, &ValidationPolicy::strict(), now).unwrap_err();
    // grid-proxy-init signs the proxy with the digest of the user's certificate (SHA-1),
    // so the leaf is the first SHA-1 signature met: the strict preset names that rule.
    assert_eq!(e.code(), "signature_algorithm", "{e}");
    assert_eq!(e.certificate_index(), Some(0));
    assert!(e.to_string().contains("SHA-1"), "{e}");
    // With SHA-1 allowed but the strict key size, the 1024-bit keys are named.
    let sha1_ok = ValidationPolicy {
        allow_sha1: true,
        ..ValidationPolicy::strict()
    };
    let e = verify_chain(cred.certs(), &store, &sha1_ok, now).unwrap_err();
    assert_eq!(e.code(), "weak_key", "{e}");
}

#[test]
fn crl_signature_is_checked_once_but_policy_every_time() {
    if !tools() {
        return;
    }
    let pki = Pki::new();
    let d = pki.dir.path();
    // Re-issue the CRL signed with SHA-1.
    let hash = run(
        "openssl",
        &["x509", "-in", "ca.pem", "-noout", "-subject_hash"],
        d,
    );
    run(
        "openssl",
        &[
            "ca",
            "-config",
            "ca.cnf",
            "-keyfile",
            "ca.key",
            "-cert",
            "ca.pem",
            "-gencrl",
            "-md",
            "sha1",
            "-crldays",
            "30",
            "-out",
            &format!("certificates/{}.r0", hash.trim()),
        ],
        d,
    );
    let store = store(&pki);
    let r = pki.grid_proxy_init("revoked.pem", "revokedkey.pem", "pr", &[]);
    let cred = Credential::read_file(&r, None).unwrap();
    let now = UnixTime::now();
    let strict_sha1_certs = ValidationPolicy {
        allow_sha1: false,
        ..ValidationPolicy::grid()
    };
    let fail_closed = ValidationPolicy {
        crl: grid_x509::CrlPolicy::IfPresent,
        ..strict_sha1_certs.clone()
    };
    for _ in 0..2 {
        // Grid preset: the SHA-1 CRL is used and lists the certificate.
        let e = verify_chain(cred.certs(), &store, &ValidationPolicy::grid(), now).unwrap_err();
        assert_eq!(e.code(), "revoked");
        // After a successful (cached) check, a policy without SHA-1 still refuses the CRL.
        let e = verify_chain(cred.certs(), &store, &fail_closed, now).unwrap_err();
        assert_eq!(e.code(), "crl_invalid", "{e}");
        // ...and the lenient CRL mode ignores the unusable CRL.
        verify_chain(cred.certs(), &store, &strict_sha1_certs, now).unwrap();
    }
}
