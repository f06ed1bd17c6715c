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

fn load(pki: &Pki, file: &std::path::Path) -> (Vec<grid_x509::Certificate>, ProxyAcs) {
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
    assert_eq!(field(&out, "issuer")[1], ac.issuer().to_openssl());
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
    assert_eq!(ee.subject().to_openssl(), USER_DN);
    assert_eq!(ac.holder().dn(), Some(ee.subject()));
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
    assert_eq!(
        ac.holder().serial.as_deref().map(hex),
        Some(ee.serial_hex())
    );
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
    assert_eq!(ac.certs()[0].subject().to_openssl(), VOMS_DN);
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
    // DNs in an .lsc file compare structurally (OpenSSL's canonical form): keyword and
    // value case and whitespace runs do not matter; a different DN still fails.
    std::fs::create_dir_all(pki.p("lsccase/testvo")).unwrap();
    let with_lsc = |text: &str| {
        std::fs::write(pki.p("lsccase/testvo/voms.example.org.lsc"), text).unwrap();
        let t = trust(&pki, "lsccase");
        verify_ac(&found.acs[0], ee, &t, &VerifyPolicy::strict(), now)
    };
    let v =
        with_lsc("/dc=org/DC=test/ou=Services/CN=VOMS.example.org\n/DC=org/DC=Test/cn=Test   CA\n")
            .unwrap();
    assert!(matches!(
        v.trust_source(),
        TrustSource::Lsc { chain: 0, .. }
    ));
    let e = with_lsc(
        "/DC=org/DC=Test/OU=Services/CN=voms.example.org/CN=x\n/DC=org/DC=Test/CN=Test CA\n",
    )
    .unwrap_err();
    assert!(matches!(e, Error::LscMismatch { .. }), "{e}");
}

/// Our verdict on the first AC of a proxy file, and the VOMS C API's.
fn both(
    pki: &Pki,
    file: &std::path::Path,
    vomsdir: &str,
    now: UnixTime,
) -> (Result<VerifiedAc, Error>, Result<(), String>) {
    let chain = decode_chain(&pem_chain(file)).unwrap();
    let mut v =
        verify_chain_acs(&chain, &trust(pki, vomsdir), &VerifyPolicy::strict(), now).unwrap();
    assert_eq!(v.acs.len(), 1);
    let ours = v.acs.remove(0).1;
    (ours, pki.peer(file, vomsdir, now))
}

#[test]
fn verdicts_for_bad_acs() {
    let pki = Pki::new();
    // A minute after minting: everything minted below is valid then unless made not to be.
    let now = wall_clock().saturating_add(60);
    let uri = "voms.example.org:15000";

    // Good.
    let ok = pki.fake(
        "ok.pem",
        "user",
        "voms",
        "testvo",
        uri,
        &["-fqan", "/testvo"],
    );
    let (ours, peer) = both(&pki, &ok, "vomsdir", now);
    ours.unwrap();
    peer.unwrap();

    // Expired: valid from 3 h ago for 1 h.
    let f = pki.fake(
        "exp.pem",
        "user",
        "voms",
        "testvo",
        uri,
        &["-fqan", "/testvo", "-pastac", "3:00", "-vomslife", "1"],
    );
    let (ours, peer) = both(&pki, &f, "vomsdir", now);
    let e = ours.unwrap_err();
    assert!(
        matches!(e, Error::Expired { ac: 0, ref vo, .. } if vo == "testvo"),
        "{e}"
    );
    assert_eq!(e.code(), "expired");
    assert!(peer.is_err());
    let (o, _) = pki.vpi(&f, "vomsdir", &["-actimeleft"]);
    assert_eq!(o.trim(), "0");

    // Not yet valid: checked two hours before it was minted (VOMS allows 5 minutes).
    let (ours, peer) = both(&pki, &ok, "vomsdir", now.saturating_add(-7200));
    assert!(matches!(ours, Err(Error::NotYetValid { .. })), "{ours:?}");
    assert!(peer.is_err());
    // Skew: 200 s after the end is fine with 300 s of skew, as in VOMS.
    let chain = decode_chain(&pem_chain(&ok)).unwrap();
    let ee = end_entity(&chain).unwrap();
    let ac = read_acs(&chain).unwrap().unwrap().acs.remove(0);
    let t = trust(&pki, "vomsdir");
    let late = ac.not_after().saturating_add(200);
    verify_ac(
        &ac,
        ee,
        &t,
        &VerifyPolicy::strict().with_clock_skew(300),
        late,
    )
    .unwrap();
    assert!(matches!(
        verify_ac(&ac, ee, &t, &VerifyPolicy::strict(), late),
        Err(Error::Expired { .. })
    ));
    pki.peer(&ok, "vomsdir", late).unwrap();

    // Holder mismatch: Alice's AC in a proxy of Bob.
    let f = pki.proxy_with("bob.pem", "bob", &[ac.der().to_vec()]);
    assert!(pki.voms_verify(&f));
    let (ours, peer) = both(&pki, &f, "vomsdir", now);
    assert!(
        matches!(ours, Err(Error::HolderMismatch { .. })),
        "{ours:?}"
    );
    assert!(peer.is_err());

    // No trust for the VO: empty vomsdir.
    std::fs::create_dir_all(pki.p("empty")).unwrap();
    let (ours, peer) = both(&pki, &ok, "empty", now);
    assert!(
        matches!(ours, Err(Error::NoTrustForVo { ref host, .. }) if host == "voms.example.org"),
        "{ours:?}"
    );
    assert!(peer.is_err());

    // Wrong signer, issuer not in the LSC: LSC mismatch.
    let f = pki.fake(
        "rogue.pem",
        "user",
        "roguevoms",
        "testvo",
        uri,
        &["-fqan", "/testvo"],
    );
    let (ours, peer) = both(&pki, &f, "vomsdir", now);
    assert!(matches!(ours, Err(Error::LscMismatch { .. })), "{ours:?}");
    assert!(peer.is_err());

    // Wrong signer with the very names of the real one: the LSC matches and the
    // signature is the embedded certificate's, but it does not chain to the CA.
    let f = pki.fake(
        "evil.pem",
        "user",
        "evilvoms",
        "testvo",
        uri,
        &["-fqan", "/testvo"],
    );
    let (ours, peer) = both(&pki, &f, "vomsdir", now);
    assert!(
        matches!(ours, Err(Error::UntrustedIssuerChain { .. })),
        "{ours:?}"
    );
    assert!(peer.is_err());
    // With the real VOMS certificate as PEM instead: nothing in the vomsdir signed it.
    std::fs::create_dir_all(pki.p("pemdir/testvo")).unwrap();
    std::fs::copy(pki.p("voms.pem"), pki.p("pemdir/testvo/voms.pem")).unwrap();
    let (ours, peer) = both(&pki, &f, "pemdir", now);
    assert!(matches!(ours, Err(Error::NoTrustForVo { .. })), "{ours:?}");
    assert!(peer.is_err());
    let (ours, peer) = both(&pki, &ok, "pemdir", now);
    assert!(matches!(
        ours.unwrap().trust_source(),
        TrustSource::Pem { .. }
    ));
    peer.unwrap();

    // A tampered AC: one FQAN byte changed after signing.
    let f = pki.fake(
        "t.pem",
        "user",
        "voms",
        "testvo",
        uri,
        &["-fqan", "/testvo/aaa"],
    );
    let chain = decode_chain(&pem_chain(&f)).unwrap();
    let mut der = read_acs(&chain).unwrap().unwrap().acs[0].der().to_vec();
    let pos = der.windows(11).position(|w| w == b"/testvo/aaa").unwrap();
    der[pos + 10] = b'b';
    let f = pki.proxy_with("tampered.pem", "user", &[der]);
    let (ours, peer) = both(&pki, &f, "vomsdir", now);
    assert!(
        matches!(ours, Err(Error::BadSignature { ref signer, .. }) if signer == VOMS_DN),
        "{ours:?}"
    );
    assert!(peer.is_err());
    let (o, _) = pki.vpi(&f, "vomsdir", &["-fqan"]);
    assert_eq!(
        o.trim(),
        "/testvo/aab",
        "voms-proxy-info shows the tampered FQAN without a warning"
    );

    // A targeted AC (voms-proxy-fake writes an empty target list): refused.
    let f = pki.fake(
        "tg.pem",
        "user",
        "voms",
        "testvo",
        uri,
        &["-fqan", "/testvo", "-target", "host.example.org"],
    );
    let chain = decode_chain(&pem_chain(&f)).unwrap();
    let found = read_acs(&chain).unwrap().unwrap();
    assert_eq!(found.acs[0].targets(), Some(&[][..]));
    let e = verify_ac(
        &found.acs[0],
        end_entity(&chain).unwrap(),
        &t,
        &VerifyPolicy::strict().with_target("host.example.org"),
        now,
    )
    .unwrap_err();
    assert!(matches!(e, Error::TargetMismatch { .. }), "{e}");
}

#[test]
fn two_vos_from_voms_proxy_fake() {
    // voms-proxy-fake's -voinfo (several VOs) crashes in Debian's build; its single-VO
    // ACs are combined into one proxy here.
    let pki = Pki::new();
    let a = pki.fake(
        "a.pem",
        "user",
        "voms",
        "testvo",
        "voms.example.org:15000",
        &["-fqan", "/testvo/Role=admin", "-ga", "k=v (q)"],
    );
    let b = pki.fake(
        "b.pem",
        "user",
        "voms2",
        "othervo",
        "voms2.example.org:15001",
        &["-fqan", "/othervo", "-fqan", "/othervo/g"],
    );
    let ac = |f: &std::path::Path| {
        read_acs(&decode_chain(&pem_chain(f)).unwrap())
            .unwrap()
            .unwrap()
            .acs
            .remove(0)
    };
    let f = pki.proxy_with(
        "two.pem",
        "user",
        &[ac(&a).der().to_vec(), ac(&b).der().to_vec()],
    );
    assert!(pki.voms_verify(&f));
    let chain = decode_chain(&pem_chain(&f)).unwrap();
    let v = verify_chain_acs(
        &chain,
        &trust(&pki, "vomsdir"),
        &VerifyPolicy::strict(),
        wall_clock(),
    )
    .unwrap();
    assert_eq!(v.acs.len(), 2);
    assert_eq!(v.verified().count(), 2);
    assert_eq!(v.acs[1].0.index(), 1);
    assert_eq!(v.acs[0].0.attributes()[0].value, "v ");
    pki.peer(&f, "vomsdir", wall_clock()).unwrap();
    let (out, rc) = pki.vpi(&f, "vomsdir", &["-all"]);
    assert_eq!(rc, 0, "{out}");
    assert_eq!(field(&out, "VO"), vec!["testvo", "othervo"]);
    assert_eq!(
        field(&out, "attribute"),
        vec!["/testvo/Role=admin", "k = v  (q)", "/othervo", "/othervo/g"],
        "voms-proxy-fake keeps the space before the qualifier in the value"
    );
    assert_eq!(
        field(&out, "uri"),
        vec!["voms.example.org:15000", "voms2.example.org:15001"]
    );
    let (o, _) = pki.vpi(&f, "vomsdir", &["-vo"]);
    assert_eq!(o.lines().collect::<Vec<_>>(), vec!["testvo", "othervo"]);
    let (_, rc) = pki.vpi(&f, "vomsdir", &["-acexists", "othervo"]);
    assert_eq!(rc, 0);
    let (_, rc) = pki.vpi(&f, "vomsdir", &["-acexists", "nosuchvo"]);
    assert_eq!(rc, 1);
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
    assert_eq!(ee.subject().to_openssl(), USER_DN);
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
