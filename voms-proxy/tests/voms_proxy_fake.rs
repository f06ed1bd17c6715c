//! Differential tests: proxies made by Debian's `voms-proxy-fake`, read and verified
//! here, compared field by field with `voms-proxy-info` (C++).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use grid_x509::UnixTime;
use voms_proxy::*;

fn field<'a>(out: &'a str, name: &str) -> Vec<&'a str> {
    out.lines()
        .filter_map(|l| {
            l.split_once(" : ")
                .filter(|(k, _)| k.trim() == name)
                .map(|(_, v)| v)
        })
        .collect()
}

fn trust(pki: &Pki, vomsdir: &str) -> VomsTrust {
    VomsTrust::load(&pki.p(vomsdir), &pki.p("certs")).unwrap()
}

fn load(pki: &Pki, file: &std::path::Path) -> (Vec<CertView>, ProxyAcs) {
    let chain = decode_chain(&pem_chain(file)).unwrap();
    let acs = read_acs(&chain).unwrap().expect("an AC");
    let _ = pki;
    (chain, acs)
}

#[test]
fn fields_match_voms_proxy_info() {
    let pki = Pki::new();
    let f = pki.fake(
        "p.pem",
        "user",
        "voms",
        "testvo",
        "voms.example.org:15000",
        &[
            "-fqan",
            "/testvo/Role=NULL/Capability=NULL",
            "-fqan",
            "/testvo/prod/Role=production",
            "-fqan",
            "/testvo/grp/sub",
            "-ga",
            "foo=bar (ctx)",
            "-ga",
            "x=y",
        ],
    );
    let (chain, found) = load(&pki, &f);
    assert_eq!(found.cert_index, 0);
    assert_eq!(found.acs.len(), 1);
    let ac = &found.acs[0];
    let (out, rc) = pki.vpi(&f, "vomsdir", &["-all"]);
    assert_eq!(rc, 0, "{out}");
    assert_eq!(field(&out, "VO"), vec![ac.vo()]);
    assert_eq!(field(&out, "issuer")[1], ac.issuer().as_str());
    assert_eq!(field(&out, "subject")[1], ac.holder().name());
    assert_eq!(field(&out, "uri"), vec![ac.uri()]);
    let attrs: Vec<String> = ac
        .fqans()
        .iter()
        .map(ToString::to_string)
        .chain(
            ac.attributes()
                .iter()
                .map(|a| format!("{} = {} ({})", a.name, a.value, a.qualifier)),
        )
        .collect();
    assert_eq!(field(&out, "attribute"), attrs);
    // Primary FQAN and forms.
    assert_eq!(ac.fqans()[0].short(), "/testvo");
    assert!(ac.fqans()[0] == Fqan::parse("/testvo").unwrap());
    // -fqan, -serial, -acissuer, -acsubject, -vo, -uri, -actimeleft one per line.
    let (o, _) = pki.vpi(&f, "vomsdir", &["-fqan"]);
    assert_eq!(
        o.lines().collect::<Vec<_>>(),
        ac.fqans().iter().map(Fqan::as_str).collect::<Vec<_>>()
    );
    let (o, _) = pki.vpi(&f, "vomsdir", &["-serial"]);
    assert_eq!(o.trim(), ac.serial_hex());
    let (o, _) = pki.vpi(&f, "vomsdir", &["-actimeleft"]);
    let left: i64 = o.trim().parse().unwrap();
    let mine = wall_clock().seconds_until(ac.not_after());
    assert!((left - mine).abs() <= 5, "{left} vs {mine}");
    // The holder is Alice's own certificate.
    let ee = end_entity(&chain).unwrap();
    assert_eq!(ee.subject().as_str(), USER_DN);
    assert_eq!(ac.holder().serial.as_deref(), Some(ee.serial()));
    // Verifies.
    let v = verify_ac(
        ac,
        ee,
        &trust(&pki, "vomsdir"),
        &VerifyPolicy::strict(),
        wall_clock(),
    )
    .unwrap();
    assert!(v.holds("/testvo/prod", Some("production")));
    assert!(v.holds("/testvo/grp/sub", None));
    assert!(!v.holds("/testvo/grp", None));
    assert!(v.holds_role("production"));
    assert_eq!(v.issuer_ca(), Some(CA_DN));
    assert!(matches!(v.trust_source(), TrustSource::Lsc { .. }));
    assert!(ac.no_rev_avail());
    assert!(ac.authority_key_id().is_some());
    assert_eq!(ac.certs().len(), 1);
    assert_eq!(ac.certs()[0].subject().as_str(), VOMS_DN);
}

#[test]
fn pem_vomsdir_and_three_line_lsc() {
    let pki = Pki::new();
    let f = pki.fake(
        "p.pem",
        "user",
        "voms",
        "testvo",
        "voms.example.org:15000",
        &["-fqan", "/testvo"],
    );
    let (chain, found) = load(&pki, &f);
    let ee = end_entity(&chain).unwrap();
    let now = wall_clock();
    // PEM in <vo>/.
    std::fs::create_dir_all(pki.p("pemdir/testvo")).unwrap();
    std::fs::copy(pki.p("voms.pem"), pki.p("pemdir/testvo/voms.pem")).unwrap();
    let v = verify_ac(
        &found.acs[0],
        ee,
        &trust(&pki, "pemdir"),
        &VerifyPolicy::strict(),
        now,
    )
    .unwrap();
    assert!(matches!(v.trust_source(), TrustSource::Pem { .. }));
    // PEM at the top level.
    std::fs::create_dir_all(pki.p("topdir")).unwrap();
    std::fs::copy(pki.p("voms.pem"), pki.p("topdir/voms.pem")).unwrap();
    verify_ac(
        &found.acs[0],
        ee,
        &trust(&pki, "topdir"),
        &VerifyPolicy::strict(),
        now,
    )
    .unwrap();
    // A 3-line .lsc (VOMS, CA, and a root above it) and a quoted, alternative chain.
    std::fs::create_dir_all(pki.p("lsc3/testvo")).unwrap();
    std::fs::write(
        pki.p("lsc3/testvo/voms.example.org.lsc"),
        format!("/CN=old voms\n/CN=old ca\n{NEXT_CHAIN}\n\"{VOMS_DN}\"\n  {CA_DN}\n/DC=org/CN=Some Root\n"),
    )
    .unwrap();
    let v = verify_ac(
        &found.acs[0],
        ee,
        &trust(&pki, "lsc3"),
        &VerifyPolicy::strict(),
        now,
    )
    .unwrap();
    assert!(matches!(
        v.trust_source(),
        TrustSource::Lsc { chain: 1, .. }
    ));
    let (out, rc) = pki.vpi(&f, "lsc3", &["-acexists", "testvo"]);
    assert_eq!(rc, 0, "{out}");
}

#[test]
fn verdicts_for_bad_acs() {
    let pki = Pki::new();
    // A minute after minting: everything minted below is valid then unless made not to be.
    let now = wall_clock().saturating_add(60);
    let t = trust(&pki, "vomsdir");
    let strict = VerifyPolicy::strict();

    // Expired: valid from 3 h ago for 1 h.
    let f = pki.fake(
        "exp.pem",
        "user",
        "voms",
        "testvo",
        "voms.example.org:15000",
        &["-fqan", "/testvo", "-pastac", "3:00", "-vomslife", "1"],
    );
    let (chain, found) = load(&pki, &f);
    let ee = end_entity(&chain).unwrap();
    let e = verify_ac(&found.acs[0], ee, &t, &strict, now).unwrap_err();
    assert!(
        matches!(e, Error::Expired { ac: 0, ref vo, .. } if vo == "testvo"),
        "{e}"
    );
    assert_eq!(e.code(), "expired");
    // voms-proxy-info reports the AC's time left as 0.
    let (o, _) = pki.vpi(&f, "vomsdir", &["-actimeleft"]);
    assert_eq!(o.trim(), "0");

    // Not yet valid: checked two hours before it was minted.
    let f = pki.fake(
        "ok.pem",
        "user",
        "voms",
        "testvo",
        "voms.example.org:15000",
        &["-fqan", "/testvo"],
    );
    let (chain, found) = load(&pki, &f);
    let ee = end_entity(&chain).unwrap();
    let e = verify_ac(&found.acs[0], ee, &t, &strict, now.saturating_add(-7200)).unwrap_err();
    assert!(matches!(e, Error::NotYetValid { .. }), "{e}");
    // ... unless the skew allows it.
    let late = found.acs[0].not_after().saturating_add(200);
    verify_ac(
        &found.acs[0],
        ee,
        &t,
        &strict.clone().with_clock_skew(300),
        late,
    )
    .unwrap();
    assert!(matches!(
        verify_ac(&found.acs[0], ee, &t, &strict, late),
        Err(Error::Expired { .. })
    ));

    // Holder mismatch: Alice's AC presented with Bob's chain.
    let fb = pki.fake(
        "bob.pem",
        "bob",
        "voms",
        "testvo",
        "voms.example.org:15000",
        &["-fqan", "/testvo"],
    );
    let bob_chain = decode_chain(&pem_chain(&fb)).unwrap();
    let e = verify_ac(
        &found.acs[0],
        end_entity(&bob_chain).unwrap(),
        &t,
        &strict,
        now,
    )
    .unwrap_err();
    assert!(matches!(e, Error::HolderMismatch { .. }), "{e}");

    // No trust for the VO: empty vomsdir.
    std::fs::create_dir_all(pki.p("empty")).unwrap();
    let e = verify_ac(&found.acs[0], ee, &trust(&pki, "empty"), &strict, now).unwrap_err();
    assert!(
        matches!(e, Error::NoTrustForVo { ref host, .. } if host == "voms.example.org"),
        "{e}"
    );

    // Wrong signer, issuer not in the LSC: LSC mismatch.
    let f = pki.fake(
        "rogue.pem",
        "user",
        "roguevoms",
        "testvo",
        "voms.example.org:15000",
        &["-fqan", "/testvo"],
    );
    let (chain, found) = load(&pki, &f);
    let e = verify_ac(&found.acs[0], end_entity(&chain).unwrap(), &t, &strict, now).unwrap_err();
    assert!(matches!(e, Error::LscMismatch { .. }), "{e}");

    // Wrong signer with the very names of the real one: the LSC matches, the signature
    // is the embedded certificate's, but that certificate does not chain to the CA.
    let f = pki.fake(
        "evil.pem",
        "user",
        "evilvoms",
        "testvo",
        "voms.example.org:15000",
        &["-fqan", "/testvo"],
    );
    let (chain, found) = load(&pki, &f);
    let e = verify_ac(&found.acs[0], end_entity(&chain).unwrap(), &t, &strict, now).unwrap_err();
    assert!(matches!(e, Error::UntrustedIssuerChain { .. }), "{e}");
    // With the real VOMS certificate as PEM instead: bad signature is "no trust".
    std::fs::create_dir_all(pki.p("pemdir/testvo")).unwrap();
    std::fs::copy(pki.p("voms.pem"), pki.p("pemdir/testvo/voms.pem")).unwrap();
    let e = verify_ac(
        &found.acs[0],
        end_entity(&chain).unwrap(),
        &trust(&pki, "pemdir"),
        &strict,
        now,
    )
    .unwrap_err();
    assert!(matches!(e, Error::NoTrustForVo { .. }), "{e}");

    // A tampered AC: one FQAN byte changed after signing.
    let f = pki.fake(
        "t.pem",
        "user",
        "voms",
        "testvo",
        "voms.example.org:15000",
        &["-fqan", "/testvo/aaa"],
    );
    let (chain, found) = load(&pki, &f);
    let mut der = found.acs[0].der().to_vec();
    let pos = der.windows(11).position(|w| w == b"/testvo/aaa").unwrap();
    der[pos + 10] = b'b';
    let bad = AttributeCertificate::from_der(&der, 0).unwrap();
    assert_eq!(bad.fqans()[0].as_str(), "/testvo/aab");
    let e = verify_ac(&bad, end_entity(&chain).unwrap(), &t, &strict, now).unwrap_err();
    assert!(
        matches!(e, Error::BadSignature { ref signer, .. } if signer == VOMS_DN),
        "{e}"
    );

    // A targeted AC (voms-proxy-fake writes an empty target list): refused.
    let f = pki.fake(
        "tg.pem",
        "user",
        "voms",
        "testvo",
        "voms.example.org:15000",
        &["-fqan", "/testvo", "-target", "host.example.org"],
    );
    let (chain, found) = load(&pki, &f);
    assert!(found.acs[0].targets().is_some());
    let e = verify_ac(
        &found.acs[0],
        end_entity(&chain).unwrap(),
        &t,
        &strict.clone().with_target("host.example.org"),
        now,
    )
    .unwrap_err();
    assert!(matches!(e, Error::TargetMismatch { .. }), "{e}");
}

#[test]
fn ec_voms_server() {
    let pki = Pki::new();
    let f = pki.fake(
        "ec.pem",
        "user",
        "vomsec",
        "ecvo",
        "vomsec.example.org:15002",
        &["-fqan", "/ecvo/Role=pilot"],
    );
    let (chain, found) = load(&pki, &f);
    let ac = &found.acs[0];
    // VOMS labels ECDSA signatures sha256WithRSAEncryption: refused unless opted in.
    let ee = end_entity(&chain).unwrap();
    let t = trust(&pki, "vomsdir");
    let e = verify_ac(ac, ee, &t, &VerifyPolicy::strict(), wall_clock()).unwrap_err();
    assert!(
        matches!(
            e,
            Error::LegacyAlgorithm {
                option: "allow_voms_ec_label",
                ..
            }
        ),
        "{e}"
    );
    let mut p = VerifyPolicy::strict();
    p.allow_voms_ec_label = true;
    let v = verify_ac(ac, ee, &t, &p, wall_clock()).unwrap();
    assert!(v.holds("/ecvo", Some("pilot")));
    verify_ac(ac, ee, &t, &VerifyPolicy::voms_compatible(), wall_clock()).unwrap();
    let (out, rc) = pki.vpi(&f, "vomsdir", &["-all"]);
    assert_eq!(rc, 0, "{out}");
    assert_eq!(field(&out, "attribute"), vec!["/ecvo/Role=pilot"]);
}

#[test]
fn proxy_of_a_voms_proxy() {
    // A second-level proxy made by grid-proxy-init from the VOMS proxy: its leaf carries
    // no AC; the AC is found in certificate #1.
    let pki = Pki::new();
    let f = pki.fake(
        "p.pem",
        "user",
        "voms",
        "testvo",
        "voms.example.org:15000",
        &["-fqan", "/testvo"],
    );
    let out = std::process::Command::new("grid-proxy-init")
        .env("X509_CERT_DIR", pki.p("certs"))
        .args(["-q", "-rfc", "-cert"])
        .arg(&f)
        .arg("-key")
        .arg(&f)
        .arg("-out")
        .arg(pki.p("p2.pem"))
        .output()
        .unwrap();
    if !out.status.success() {
        eprintln!(
            "grid-proxy-init failed, skipping: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let chain = decode_chain(&pem_chain(&pki.p("p2.pem"))).unwrap();
    let found = read_acs(&chain).unwrap().unwrap();
    assert_eq!(found.cert_index, 1);
    let ee = end_entity(&chain).unwrap();
    assert_eq!(ee.subject().as_str(), USER_DN);
    let verdicts = verify_chain_acs(
        &chain,
        &trust(&pki, "vomsdir"),
        &VerifyPolicy::strict(),
        wall_clock(),
    )
    .unwrap();
    assert_eq!(verdicts.verified().count(), 1);
}

#[test]
fn no_ac_is_none() {
    let pki = Pki::new();
    let chain = decode_chain(&pem_chain(&pki.p("user.pem"))).unwrap();
    assert!(read_acs(&chain).unwrap().is_none());
    let _ = UnixTime::from_secs(0);
}
