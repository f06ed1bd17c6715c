//! Test PKI made with the real `openssl` and `grid-proxy-init` in a temporary directory.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs a command, panics with its stderr on failure, returns stdout.
pub fn run(cmd: &str, args: &[&str], dir: &Path) -> String {
    let out = Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .env("X509_CERT_DIR", dir.join("certificates"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command and returns (success, stdout+stderr).
pub fn try_run(cmd: &str, args: &[&str], dir: &Path) -> (bool, String) {
    let out = Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .env("X509_CERT_DIR", dir.join("certificates"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd}: {e}"));
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), s)
}

/// `openssl ARGS` in `dir`: (success, stdout+stderr).
pub fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), s)
}

/// `openssl ARGS` in `dir`, which must succeed; its output.
pub fn must(dir: &Path, args: &[&str]) -> String {
    let (ok, out) = openssl(dir, args);
    assert!(ok, "openssl {args:?}: {out}");
    out
}

pub fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// A CA (root), a user, a host with a slash in its CN, a CA directory with a CRL.
pub struct Pki {
    pub dir: tempfile::TempDir,
}

pub const USER_DN: &str = "/DC=ch/DC=cern/OU=Organic Units/OU=Users/CN=jdoe/CN=123456/CN=Jane Doe";
pub const HOST_DN: &str = "/DC=ch/DC=cern/OU=computers/CN=tw\\/vocms0118.cern.ch";
pub const CA_DN: &str = "/DC=org/DC=example/CN=Example Grid CA";

impl Pki {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join("ca.cnf"),
            "[ca]\ndefault_ca=CA_default\n[CA_default]\ndatabase=index.txt\ndefault_md=sha256\n\
             [v3_ca]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n\
             subjectKeyIdentifier=hash\n\
             [usr]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
             extendedKeyUsage=clientAuth\n\
             [host]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
             extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:vocms0118.cern.ch,DNS:tw/vocms0118.cern.ch,IP:127.0.0.1\n\
             [bad_proxy]\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
             proxyCertInfo=critical,language:id-ppl-inheritAll\n",
        )
        .unwrap();
        std::fs::write(d.join("index.txt"), "").unwrap();
        run(
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "3650",
                "-subj",
                CA_DN,
                "-config",
                "ca.cnf",
                "-extensions",
                "v3_ca",
            ],
            d,
        );
        Self::issue(d, "user", USER_DN, "usr", "0x1F2E");
        Self::issue(d, "host", HOST_DN, "host", "0x2A");
        Self::issue(
            d,
            "revoked",
            "/DC=ch/DC=cern/OU=Users/CN=revoked",
            "usr",
            "0x3B",
        );
        std::fs::create_dir(d.join("certificates")).unwrap();
        let hash = run(
            "openssl",
            &["x509", "-in", "ca.pem", "-noout", "-subject_hash"],
            d,
        );
        let hash = hash.trim();
        std::fs::copy(d.join("ca.pem"), d.join(format!("certificates/{hash}.0"))).unwrap();
        // Revoke the "revoked" certificate and publish the CRL as <hash>.r0.
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
                "-revoke",
                "revoked.pem",
            ],
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
                "-crldays",
                "30",
                "-out",
                &format!("certificates/{hash}.r0"),
            ],
            d,
        );
        Pki { dir }
    }

    fn issue(d: &Path, name: &str, subj: &str, ext: &str, serial: &str) {
        run(
            "openssl",
            &[
                "req",
                "-new",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &format!("{name}key.pem"),
                "-out",
                &format!("{name}.csr"),
                "-subj",
                subj,
            ],
            d,
        );
        run(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-set_serial",
                serial,
                "-days",
                "365",
                "-out",
                &format!("{name}.pem"),
                "-extfile",
                "ca.cnf",
                "-extensions",
                ext,
            ],
            d,
        );
        std::fs::set_permissions(
            d.join(format!("{name}key.pem")),
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .unwrap();
        // Keep a record in the CA database so `openssl ca -revoke` works.
    }

    /// `grid-proxy-init -cert CERT -key KEY -out OUT EXTRA...`.
    pub fn grid_proxy_init(&self, cert: &str, key: &str, out: &str, extra: &[&str]) -> PathBuf {
        let mut args = vec!["-q", "-cert", cert, "-key", key, "-out", out];
        args.extend_from_slice(extra);
        run("grid-proxy-init", &args, self.dir.path());
        self.path(out)
    }
}
