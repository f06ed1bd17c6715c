//! ACs and proxies minted by this crate (`fixtures`), read back by `voms-proxy-info`,
//! verified by the VOMS C API (libvomsapi) and `voms-verify`, and by this crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use voms_proxy::fixtures::{AcSpec, HolderForm, mint_ac};
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

#[test]
fn minted_acs_are_accepted_by_the_voms_tools() {
    let pki = Pki::new();
    let now = wall_clock().saturating_add(-60);
    let trust = VomsTrust::load(&pki.p("vomsdir"), &pki.p("certs")).unwrap();
    let user = pki.der_of("user");

    let mut spec = AcSpec::new(
        "testvo",
        "voms.example.org:15000",
        &[
            "/testvo",
            "/testvo/prod/Role=production",
            "/testvo/grp/Role=NULL/Capability=NULL",
        ],
        now,
        12,
    );
    spec.attributes = vec![("nickname".into(), "alice".into(), "testvo".into())];
    let rsa_ac = mint_ac(&spec, &user, &pki.signer("voms")).unwrap();

    let mut ec_spec = AcSpec::new(
        "ecvo",
        "vomsec.example.org:15002",
        &["/ecvo/Role=pilot"],
        now,
        12,
    );
    ec_spec.holder_form = HolderForm::Rfc3281;
    let ec_ac = mint_ac(&ec_spec, &user, &pki.signer("vomsec")).unwrap();

    for (name, acs) in [
        ("rsa.pem", vec![rsa_ac.clone()]),
        ("ec.pem", vec![ec_ac.clone()]),
        ("both.pem", vec![rsa_ac, ec_ac]),
    ] {
        let f = pki.proxy_with(name, "user", &acs);
        assert!(pki.voms_verify(&f), "{name}: voms-verify");
        pki.peer(&f, "vomsdir", wall_clock())
            .unwrap_or_else(|e| panic!("{name}: libvomsapi: {e}"));
        let chain = decode_chain(&pem_chain(&f)).unwrap();
        let v = verify_chain_acs(&chain, &trust, &VerifyPolicy::strict(), wall_clock()).unwrap();
        assert_eq!(v.verified().count(), acs.len(), "{name}");
        let (out, rc) = pki.vpi(&f, "vomsdir", &["-all"]);
        assert_eq!(rc, 0, "{out}");
        let mut expect_attrs = Vec::new();
        for (ac, _) in &v.acs {
            expect_attrs.extend(ac.fqans().iter().map(ToString::to_string));
            expect_attrs.extend(
                ac.attributes()
                    .iter()
                    .map(|a| format!("{} = {} ({})", a.name, a.value, a.qualifier)),
            );
        }
        assert_eq!(field(&out, "attribute"), expect_attrs, "{name}");
        let (o, _) = pki.vpi(&f, "vomsdir", &["-serial"]);
        assert_eq!(
            o.lines().collect::<Vec<_>>(),
            v.acs
                .iter()
                .map(|(a, _)| a.serial_hex())
                .collect::<Vec<_>>()
        );
        let (o, _) = pki.vpi(&f, "vomsdir", &["-acsubject"]);
        assert!(o.lines().all(|l| l == USER_DN), "{o}");
    }
}

#[test]
fn targets() {
    let pki = Pki::new();
    let now = wall_clock().saturating_add(-60);
    let trust = VomsTrust::load(&pki.p("vomsdir"), &pki.p("certs")).unwrap();
    let mut spec = AcSpec::new("testvo", "voms.example.org:15000", &["/testvo"], now, 1);
    spec.targets = vec!["https://ce.example.org".into(), "se.example.org".into()];
    let ac = mint_ac(&spec, &pki.der_of("user"), &pki.signer("voms")).unwrap();
    let f = pki.proxy_with("t.pem", "user", &[ac]);
    let chain = decode_chain(&pem_chain(&f)).unwrap();
    let ee = end_entity(&chain).unwrap();
    let ac = &read_acs(&chain).unwrap().unwrap().acs[0];
    assert_eq!(
        ac.targets().unwrap(),
        ["https://ce.example.org", "se.example.org"]
    );
    verify_ac(
        ac,
        ee,
        &trust,
        &VerifyPolicy::strict().with_target("se.example.org"),
        wall_clock(),
    )
    .unwrap();
    let e = verify_ac(
        ac,
        ee,
        &trust,
        &VerifyPolicy::strict().with_target("other.org"),
        wall_clock(),
    )
    .unwrap_err();
    assert!(matches!(e, Error::TargetMismatch { ref caller, .. } if caller == "other.org"));
    let e = verify_ac(ac, ee, &trust, &VerifyPolicy::strict(), wall_clock()).unwrap_err();
    assert!(matches!(e, Error::TargetMismatch { ref caller, .. } if caller == "<none given>"));
    let (out, rc) = pki.vpi(&f, "vomsdir", &["-all"]);
    assert_eq!(rc, 0, "{out}");
}

#[test]
fn legacy_sha1_and_rsa_1024_are_opt_in() {
    let pki = Pki::new();
    let now = wall_clock().saturating_add(-60);
    let trust = VomsTrust::load(&pki.p("vomsdir"), &pki.p("certs")).unwrap();
    let user = pki.der_of("user");
    let mut spec = AcSpec::new("testvo", "voms.example.org:15000", &["/testvo"], now, 1);
    spec.legacy_sha1 = true;
    let sha1 = mint_ac(&spec, &user, &pki.signer("voms")).unwrap();
    let small = mint_ac(
        &AcSpec::new("oldvo", "voms1024.example.org:15003", &["/oldvo"], now, 1),
        &user,
        &pki.signer("voms1024"),
    )
    .unwrap();
    for (name, ac, option) in [
        ("sha1.pem", sha1, "allow_sha1"),
        ("small.pem", small, "allow_rsa_1024"),
    ] {
        let f = pki.proxy_with(name, "user", &[ac]);
        // The VOMS C API accepts both.
        pki.peer(&f, "vomsdir", wall_clock()).unwrap();
        let chain = decode_chain(&pem_chain(&f)).unwrap();
        let ee = end_entity(&chain).unwrap();
        let ac = &read_acs(&chain).unwrap().unwrap().acs[0];
        let e = verify_ac(ac, ee, &trust, &VerifyPolicy::strict(), wall_clock()).unwrap_err();
        assert!(
            matches!(e, Error::LegacyAlgorithm { option: o, .. } if o == option),
            "{name}: {e}"
        );
        verify_ac(
            ac,
            ee,
            &trust,
            &VerifyPolicy::voms_compatible(),
            wall_clock(),
        )
        .unwrap();
    }
}
