//! Test credentials made with the real tools: `openssl` for the PKI and Debian's
//! `voms-proxy-fake` for VOMS proxies; `voms-proxy-info` as the reference reader.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Pki {
    pub dir: tempfile::TempDir,
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const CNF: &str = "[ req ]\ndistinguished_name = dn\n[ dn ]\n[ v3_ca ]\nbasicConstraints = critical,CA:true\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n[ v3_ee ]\nbasicConstraints = critical,CA:false\nkeyUsage = critical,digitalSignature,keyEncipherment\nauthorityKeyIdentifier = keyid\nsubjectKeyIdentifier = hash\n";

pub const CA_DN: &str = "/DC=org/DC=Test/CN=Test CA";
pub const USER_DN: &str = "/DC=org/DC=Test/OU=People/CN=Alice Example";
pub const BOB_DN: &str = "/DC=org/DC=Test/OU=People/CN=Bob Example";
pub const VOMS_DN: &str = "/DC=org/DC=Test/OU=Services/CN=voms.example.org";
pub const VOMS2_DN: &str = "/DC=org/DC=Test/OU=Services/CN=voms2.example.org";

impl Pki {
    pub fn p(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn ca(&self, name: &str, subj: &str) {
        run(Command::new("openssl")
            .current_dir(self.dir.path())
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout"])
            .arg(format!("{name}.key"))
            .arg("-out")
            .arg(format!("{name}.pem"))
            .args([
                "-subj",
                subj,
                "-days",
                "3650",
                "-config",
                "ca.cnf",
                "-extensions",
                "v3_ca",
            ]));
    }

    /// An end-entity certificate `name` signed by CA `ca`.
    pub fn ee(&self, name: &str, subj: &str, ca: &str, key: &str) {
        run(Command::new("openssl")
            .current_dir(self.dir.path())
            .args(["req", "-newkey", key, "-nodes", "-keyout"])
            .arg(format!("{name}.key"))
            .arg("-out")
            .arg(format!("{name}.csr"))
            .args(["-subj", subj]));
        run(Command::new("openssl")
            .current_dir(self.dir.path())
            .args(["x509", "-req", "-in"])
            .arg(format!("{name}.csr"))
            .arg("-CA")
            .arg(format!("{ca}.pem"))
            .arg("-CAkey")
            .arg(format!("{ca}.key"))
            .args(["-set_serial"])
            .arg(format!(
                "0x{:x}",
                0x1000 + name.len() * 7919 + name.bytes().map(usize::from).sum::<usize>()
            ))
            .args(["-days", "365", "-out"])
            .arg(format!("{name}.pem"))
            .args(["-extfile", "ca.cnf", "-extensions", "v3_ee"]));
        let mut perm = std::fs::metadata(self.p(&format!("{name}.key")))
            .unwrap()
            .permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o600);
        std::fs::set_permissions(self.p(&format!("{name}.key")), perm).unwrap();
    }

    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pki = Pki { dir };
        std::fs::write(pki.p("ca.cnf"), CNF).unwrap();
        pki.ca("ca", "/DC=org/DC=Test/CN=Test CA");
        // Same name as the real CA, different key: a wrong signer that passes the LSC.
        pki.ca("evilca", "/DC=org/DC=Test/CN=Test CA");
        pki.ca("rogueca", "/DC=org/DC=Test/CN=Rogue CA");
        pki.ee("user", USER_DN, "ca", "rsa:2048");
        pki.ee("bob", BOB_DN, "ca", "rsa:2048");
        pki.ee("voms", VOMS_DN, "ca", "rsa:2048");
        pki.ee("voms2", VOMS2_DN, "ca", "rsa:2048");
        run(Command::new("openssl").current_dir(pki.dir.path()).args([
            "ecparam",
            "-name",
            "prime256v1",
            "-out",
            "ca.ecparam",
        ]));
        pki.ee(
            "vomsec",
            "/DC=org/DC=Test/OU=Services/CN=vomsec.example.org",
            "ca",
            "ec:ca.ecparam",
        );
        pki.ee(
            "voms1024",
            "/DC=org/DC=Test/OU=Services/CN=voms1024.example.org",
            "ca",
            "rsa:1024",
        );
        pki.ee("evilvoms", VOMS_DN, "evilca", "rsa:2048");
        pki.ee("roguevoms", VOMS_DN, "rogueca", "rsa:2048");
        // The libvomsapi verification peer.
        run(Command::new("cc")
            .current_dir(pki.dir.path())
            .arg("-o")
            .arg("vomscheck")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peer/vomscheck.c"))
            .args(["-l:libvomsapi.so.1", "-lcrypto"]));
        // CA directory with the hash link.
        std::fs::create_dir(pki.p("certs")).unwrap();
        let hash = run(Command::new("openssl")
            .current_dir(pki.dir.path())
            .args(["x509", "-hash", "-noout", "-in", "ca.pem"]));
        std::fs::copy(pki.p("ca.pem"), pki.p(&format!("certs/{}.0", hash.trim()))).unwrap();
        // vomsdir with .lsc files.
        for (vo, host, dn) in [
            ("testvo", "voms.example.org", VOMS_DN),
            ("othervo", "voms2.example.org", VOMS2_DN),
            (
                "ecvo",
                "vomsec.example.org",
                "/DC=org/DC=Test/OU=Services/CN=vomsec.example.org",
            ),
            (
                "oldvo",
                "voms1024.example.org",
                "/DC=org/DC=Test/OU=Services/CN=voms1024.example.org",
            ),
        ] {
            std::fs::create_dir_all(pki.p(&format!("vomsdir/{vo}"))).unwrap();
            std::fs::write(
                pki.p(&format!("vomsdir/{vo}/{host}.lsc")),
                format!("{dn}\n{CA_DN}\n"),
            )
            .unwrap();
        }
        pki
    }

    /// Runs `voms-proxy-fake` for Alice (or `holder`) with the VOMS credential `voms`.
    pub fn fake(
        &self,
        out: &str,
        holder: &str,
        voms: &str,
        vo: &str,
        uri: &str,
        extra: &[&str],
    ) -> PathBuf {
        let mut cmd = Command::new("voms-proxy-fake");
        cmd.current_dir(self.dir.path())
            .env("RANDFILE", self.p(".rnd"))
            .args(["-q", "-rfc", "-certdir", "certs", "-cert"])
            .arg(format!("{holder}.pem"))
            .arg("-key")
            .arg(format!("{holder}.key"))
            .arg("-hostcert")
            .arg(format!("{voms}.pem"))
            .arg("-hostkey")
            .arg(format!("{voms}.key"))
            .args(["-voms", vo, "-uri", uri, "-out", out])
            .args(extra);
        run(&mut cmd);
        self.p(out)
    }

    /// `voms-proxy-info` with this PKI's CA dir and a vomsdir.
    pub fn vpi(&self, file: &Path, vomsdir: &str, args: &[&str]) -> (String, i32) {
        let out = Command::new("voms-proxy-info")
            .current_dir(self.dir.path())
            .env("X509_CERT_DIR", self.p("certs"))
            .env("X509_VOMS_DIR", self.p(vomsdir))
            .args(args)
            .arg("-file")
            .arg(file)
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
            out.status.code().unwrap_or(-1),
        )
    }
}

impl Pki {
    /// The VOMS C API's verdict (everything but targets) at `at`: `Ok` or the message.
    pub fn peer(&self, file: &Path, vomsdir: &str, at: grid_x509::UnixTime) -> Result<(), String> {
        let out = Command::new(self.p("vomscheck"))
            .arg(file)
            .arg(self.p(vomsdir))
            .arg(self.p("certs"))
            .arg(at.secs().to_string())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        match out.status.code() {
            Some(0) => Ok(()),
            Some(1) => Err(text),
            other => panic!(
                "vomscheck failed ({other:?}): {text} {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }

    /// Writes a proxy for `holder` embedding `acs` (minted here) and returns its path.
    pub fn proxy_with(&self, out: &str, holder: &str, acs: &[Vec<u8>]) -> PathBuf {
        let pem = voms_proxy::fixtures::mint_proxy(
            &std::fs::read(self.p(&format!("{holder}.pem"))).unwrap(),
            &std::fs::read(self.p(&format!("{holder}.key"))).unwrap(),
            acs,
            grid_x509::UnixTime::now().saturating_add(-60),
            12,
        )
        .unwrap();
        std::fs::write(self.p(out), pem).unwrap();
        self.p(out)
    }

    /// `voms-verify` (proxy chain verification) exit status.
    pub fn voms_verify(&self, file: &Path) -> bool {
        Command::new("voms-verify")
            .env("X509_USER_CERT", file)
            .env("X509_CERT_DIR", self.p("certs"))
            .output()
            .unwrap()
            .status
            .success()
    }

    pub fn signer(&self, name: &str) -> voms_proxy::fixtures::VomsSigner {
        voms_proxy::fixtures::VomsSigner::from_pem(
            &std::fs::read(self.p(&format!("{name}.pem"))).unwrap(),
            &std::fs::read(self.p(&format!("{name}.key"))).unwrap(),
        )
        .unwrap()
    }

    pub fn der_of(&self, name: &str) -> Vec<u8> {
        pem_chain(&self.p(&format!("{name}.pem"))).remove(0)
    }
}

/// The DER certificates of a PEM file, in order.
pub fn pem_chain(path: &Path) -> Vec<Vec<u8>> {
    pem::parse_many(std::fs::read(path).unwrap())
        .unwrap()
        .into_iter()
        .filter(|p| p.tag() == "CERTIFICATE")
        .map(|p| p.contents().to_vec())
        .collect()
}

/// Seconds since the epoch from the system clock (the fixtures are minted "now").
pub fn wall_clock() -> grid_x509::UnixTime {
    grid_x509::UnixTime::now()
}
