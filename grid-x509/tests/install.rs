//! Installing a CA-signed certificate: a request made here, signed by `openssl x509
//! -req` as a CA would, checked and installed; the result checked with `openssl verify`,
//! `openssl x509`/`rsa` and the file modes and owners; failed installs leave the previous
//! pair in place.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::must;

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use grid_x509::{
    CaStore, CertificateRequest, CredentialKind, CsrBuilder, Dn, InstallOptions, Owner, PrivateKey,
    SanName, UnixTime, ValidationPolicy, check_for_install, place_pair, read_certificates,
};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().mode() & 0o7777
}

const HOST_DN: &str = "/DC=org/DC=test/OU=computers/CN=host.example.org";

/// A CA made by `openssl`, installed in `certificates/<hash>.0`; and a second CA that is
/// not installed.
fn ca(dir: &Path) {
    for name in ["ca", "rogue"] {
        must(
            dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.pem"),
                "-subj",
                &format!("/DC=org/DC=test/CN=Test {name} CA"),
                "-days",
                "3650",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
    }
    std::fs::write(
        dir.join("ee.cnf"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n",
    )
    .unwrap();
    let hash = must(dir, &["x509", "-hash", "-noout", "-in", "ca.pem"]);
    std::fs::create_dir_all(dir.join("certificates")).unwrap();
    std::fs::copy(
        dir.join("ca.pem"),
        dir.join("certificates").join(format!("{}.0", hash.trim())),
    )
    .unwrap();
}

/// Makes a request with this crate and has `openssl x509 -req` sign it, copying the
/// requested extensions, plus `extra_san` when given (a CA that adds names).
fn issue(dir: &Path, stem: &str, subject: &str, sans: &[&str], ca: &str) -> PathBuf {
    let mut b = CsrBuilder::new(Dn::parse(subject).unwrap());
    for s in sans {
        b = b.san(SanName::parse(s).unwrap());
    }
    let new = b.build().unwrap();
    new.write_key(&dir.join(format!("{stem}.key")), None)
        .unwrap();
    new.write_request(&dir.join(format!("{stem}.csr"))).unwrap();
    must(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{stem}.csr"),
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-copy_extensions",
            "copy",
            "-extfile",
            "ee.cnf",
            "-days",
            "365",
            "-out",
            &format!("{stem}.pem"),
        ],
    );
    dir.join(format!("{stem}.pem"))
}

struct Inputs {
    certs: Vec<grid_x509::Certificate>,
    key: PrivateKey,
    key_pem: Vec<u8>,
    request: CertificateRequest,
    now: UnixTime,
}

fn inputs(dir: &Path, stem: &str) -> Inputs {
    let certs = read_certificates(
        &std::fs::read(dir.join(format!("{stem}.pem"))).unwrap(),
        stem,
    )
    .unwrap();
    let key_pem = std::fs::read(dir.join(format!("{stem}.key"))).unwrap();
    let key = PrivateKey::from_pem(&key_pem, None, stem).unwrap();
    let request = CertificateRequest::read_file(dir.join(format!("{stem}.csr"))).unwrap();
    // A fixed instant inside the certificate's validity.
    let now = UnixTime(certs[0].not_before().0 + 3600);
    Inputs {
        certs,
        key,
        key_pem,
        request,
        now,
    }
}

fn install(
    dir: &Path,
    i: &Inputs,
    kind: CredentialKind,
    owner: Option<Owner>,
) -> grid_x509::Result<grid_x509::Placed> {
    let store = CaStore::from_dir(dir.join("certificates")).unwrap();
    let checked = check_for_install(
        &i.certs,
        &i.key,
        Some(&i.request),
        &store,
        &ValidationPolicy::grid(),
        i.now,
    )?;
    assert!(checked.request_checked());
    let opts = InstallOptions {
        kind,
        dest: dir.join("grid-security"),
        owner,
    };
    place_pair(&opts, checked.cert_pem().as_bytes(), &i.key_pem, i.now)
}

fn dir_entries(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn host_install_then_renewal_keeps_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ca(d);
    issue(d, "host1", HOST_DN, &["host.example.org", "10.0.0.5"], "ca");
    let first = inputs(d, "host1");
    let placed = install(d, &first, CredentialKind::Host, None).unwrap();
    let gs = d.join("grid-security");
    assert_eq!(placed.cert_path, gs.join("hostcert.pem"));
    assert_eq!(placed.key_path, gs.join("hostkey.pem"));
    assert!(placed.backups.is_empty());
    assert_eq!(mode(&placed.cert_path), 0o444);
    assert_eq!(mode(&placed.key_path), 0o400);
    assert_eq!(dir_entries(&gs), ["hostcert.pem", "hostkey.pem"]);
    // openssl agrees: the certificate verifies against the CA directory and the key is its
    // key.
    let out = must(
        d,
        &[
            "verify",
            "-CApath",
            "certificates",
            "grid-security/hostcert.pem",
        ],
    );
    assert!(out.contains("OK"), "{out}");
    let m1 = must(
        d,
        &[
            "x509",
            "-noout",
            "-modulus",
            "-in",
            "grid-security/hostcert.pem",
        ],
    );
    let m2 = must(
        d,
        &[
            "rsa",
            "-noout",
            "-modulus",
            "-in",
            "grid-security/hostkey.pem",
        ],
    );
    assert_eq!(m1, m2);

    // Renewal: a new key and certificate; the previous pair is kept as backups.
    issue(d, "host2", HOST_DN, &["host.example.org", "10.0.0.5"], "ca");
    let mut second = inputs(d, "host2");
    second.now = UnixTime::from_civil(2026, 12, 1, 8, 30, 0).max(second.now);
    let stamp = {
        let (y, mo, dd, h, mi, s) = second.now.to_civil();
        format!("{y:04}{mo:02}{dd:02}T{h:02}{mi:02}{s:02}Z")
    };
    let placed = install(d, &second, CredentialKind::Host, None).unwrap();
    assert_eq!(
        placed.backups,
        [
            gs.join(format!("hostkey.pem.{stamp}.bak")),
            gs.join(format!("hostcert.pem.{stamp}.bak"))
        ]
    );
    for b in &placed.backups {
        assert_eq!(mode(b), 0o400, "{}", b.display());
    }
    assert_eq!(
        std::fs::read(&placed.backups[0]).unwrap(),
        first.key_pem,
        "the key backup holds the previous key"
    );
    let old_cert = read_certificates(&std::fs::read(&placed.backups[1]).unwrap(), "b").unwrap();
    assert_eq!(old_cert[0], first.certs[0]);
    let now_cert =
        read_certificates(&std::fs::read(gs.join("hostcert.pem")).unwrap(), "c").unwrap();
    assert_eq!(now_cert[0], second.certs[0]);
    assert_eq!(
        std::fs::read(gs.join("hostkey.pem")).unwrap(),
        second.key_pem
    );
    assert_eq!(mode(&gs.join("hostcert.pem")), 0o444);
    assert_eq!(mode(&gs.join("hostkey.pem")), 0o400);
    // No temporary files left.
    assert_eq!(dir_entries(&gs).len(), 4, "{:?}", dir_entries(&gs));
    // The same instant again: a second backup set, not an overwrite.
    let placed = install(d, &second, CredentialKind::Host, None).unwrap();
    assert_eq!(
        placed.backups[0],
        gs.join(format!("hostkey.pem.{stamp}.1.bak"))
    );
}

#[test]
fn failed_checks_leave_the_previous_pair() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ca(d);
    issue(d, "good", HOST_DN, &["host.example.org"], "ca");
    let good = inputs(d, "good");
    install(d, &good, CredentialKind::Host, None).unwrap();
    let gs = d.join("grid-security");
    let before = (
        std::fs::read(gs.join("hostcert.pem")).unwrap(),
        std::fs::read(gs.join("hostkey.pem")).unwrap(),
    );
    let unchanged = || {
        assert_eq!(std::fs::read(gs.join("hostcert.pem")).unwrap(), before.0);
        assert_eq!(std::fs::read(gs.join("hostkey.pem")).unwrap(), before.1);
        assert_eq!(dir_entries(&gs), ["hostcert.pem", "hostkey.pem"]);
    };

    // The key of another request.
    issue(d, "other", HOST_DN, &["host.example.org"], "ca");
    let mut wrong_key = inputs(d, "other");
    wrong_key.key = good.key.clone();
    wrong_key.key_pem = good.key_pem.clone();
    let e = install(d, &wrong_key, CredentialKind::Host, None).unwrap_err();
    assert_eq!(e.code(), "key_mismatch", "{e}");
    unchanged();

    // Signed by a CA that is not in the CA directory.
    issue(d, "fromrogue", HOST_DN, &["host.example.org"], "rogue");
    let e = install(d, &inputs(d, "fromrogue"), CredentialKind::Host, None).unwrap_err();
    assert_eq!(e.code(), "untrusted_issuer", "{e}");
    unchanged();

    // The CA dropped a requested name: compared with a request that asked for more.
    let mut fewer = inputs(d, "other");
    fewer.request = {
        let r = CsrBuilder::new(Dn::parse(HOST_DN).unwrap())
            .key(grid_x509::KeySpec::Existing(fewer.key.clone()))
            .san(SanName::parse("host.example.org").unwrap())
            .san(SanName::parse("alias.example.org").unwrap())
            .build()
            .unwrap();
        r.request
    };
    let e = install(d, &fewer, CredentialKind::Host, None).unwrap_err();
    assert_eq!(e.code(), "request_mismatch", "{e}");
    assert!(e.to_string().contains("alias.example.org"), "{e}");
    unchanged();

    // Another subject than requested.
    let mut renamed = inputs(d, "other");
    renamed.request =
        CsrBuilder::new(Dn::parse("/DC=org/DC=test/OU=computers/CN=other.example.org").unwrap())
            .key(grid_x509::KeySpec::Existing(renamed.key.clone()))
            .san(SanName::parse("host.example.org").unwrap())
            .build()
            .unwrap()
            .request;
    let e = install(d, &renamed, CredentialKind::Host, None).unwrap_err();
    assert_eq!(e.code(), "request_mismatch", "{e}");
    assert!(e.to_string().contains("subject"), "{e}");
    unchanged();

    // Expired at the time given.
    let mut late = inputs(d, "other");
    late.now = UnixTime(late.certs[0].not_after().0 + 1);
    let e = install(d, &late, CredentialKind::Host, None).unwrap_err();
    assert_eq!(e.code(), "expired", "{e}");
    unchanged();

    // The CA certificate itself is not a credential.
    let ca_certs = read_certificates(&std::fs::read(d.join("ca.pem")).unwrap(), "ca").unwrap();
    let ca_key = PrivateKey::read_pem_file(d.join("ca.key"), None).unwrap();
    let store = CaStore::from_dir(d.join("certificates")).unwrap();
    let e = check_for_install(
        &ca_certs,
        &ca_key,
        None,
        &store,
        &ValidationPolicy::grid(),
        good.now,
    )
    .unwrap_err();
    assert_eq!(e.code(), "not_end_entity", "{e}");
}

#[test]
fn failure_while_placing_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ca(d);
    issue(
        d,
        "svc",
        "/DC=org/DC=test/OU=computers/CN=tw/host.example.org",
        &["tw/host.example.org", "host.example.org"],
        "ca",
    );
    let i = inputs(d, "svc");
    let gs = d.join("grid-security");
    std::fs::create_dir_all(&gs).unwrap();
    std::fs::write(gs.join("servicekey.pem"), b"previous key").unwrap();
    // The certificate's place is taken by a directory: the backup step fails.
    std::fs::create_dir(gs.join("servicecert.pem")).unwrap();
    let e = install(d, &i, CredentialKind::Service, None).unwrap_err();
    assert_eq!(e.code(), "io", "{e}");
    assert_eq!(
        std::fs::read(gs.join("servicekey.pem")).unwrap(),
        b"previous key"
    );
    assert_eq!(dir_entries(&gs), ["servicecert.pem", "servicekey.pem"]);
}

#[test]
fn service_modes_and_numeric_owner() {
    // Tests run as root here; elsewhere the owner change is refused with a typed error.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ca(d);
    issue(
        d,
        "svc",
        "/DC=org/DC=test/OU=computers/CN=tw/host.example.org",
        &["tw/host.example.org", "host.example.org"],
        "ca",
    );
    let i = inputs(d, "svc");
    let owner = Owner {
        uid: 4321,
        gid: 8765,
    };
    let result = install(d, &i, CredentialKind::Service, Some(owner));
    if !rustix::process::geteuid().is_root() {
        assert_eq!(result.unwrap_err().code(), "bad_owner");
        return;
    }
    let placed = result.unwrap();
    assert_eq!(placed.cert_path.file_name().unwrap(), "servicecert.pem");
    assert_eq!(mode(&placed.cert_path), 0o440);
    assert_eq!(mode(&placed.key_path), 0o400);
    for p in [&placed.cert_path, &placed.key_path] {
        let m = std::fs::metadata(p).unwrap();
        assert_eq!((m.uid(), m.gid()), (4321, 8765), "{}", p.display());
    }
    let text = must(
        d,
        &[
            "x509",
            "-noout",
            "-ext",
            "subjectAltName",
            "-in",
            "grid-security/servicecert.pem",
        ],
    );
    assert!(
        text.contains("DNS:tw/host.example.org, DNS:host.example.org"),
        "{text}"
    );
    // Backups keep the previous owner.
    let placed = install(d, &i, CredentialKind::Service, None).unwrap();
    for b in &placed.backups {
        let m = std::fs::metadata(b).unwrap();
        assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (4321, 8765, 0o400));
    }
}
