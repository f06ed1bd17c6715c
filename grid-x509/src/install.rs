//! Installing a certificate and its key where the grid tools look:
//! `/etc/grid-security/hostcert.pem` + `hostkey.pem`, `servicecert.pem` +
//! `servicekey.pem`, or `~/.globus/usercert.pem` + `userkey.pem`.
//!
//! [`check_for_install`] checks what the CA returned (the key matches, the subject and
//! subjectAltNames are the requested ones, the chain reaches a trusted CA at the given
//! time); [`place_pair`] then writes both files with the conventional modes (key 0400,
//! certificate 0444, or 0440 for services) and owner:
//!
//! 1. both new files are written as temporary files in the destination directory,
//!    with their final mode and owner from the first byte, and fsynced;
//! 2. the previous files, if any, are copied to `<name>.<UTC yyyymmddTHHMMSSZ>.bak`
//!    (mode 0400, the previous owner);
//! 3. the key, then the certificate, are renamed into place, and the directory fsynced.
//!
//! A failure in steps 1 and 2 changes nothing (temporary files and backups made so far
//! are removed). If the second rename fails, the previous key is put back. A crash
//! between the two renames leaves the new key beside the old certificate; the backups
//! hold the previous pair.

use std::fs::{File, Permissions};
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;
use zeroize::Zeroizing;

use crate::cert::Certificate;
use crate::chain::{VerifiedChain, verify_chain};
use crate::csr::CertificateRequest;
use crate::error::{Error, Result};
use crate::key::{PrivateKey, pem_encode};
use crate::policy::ValidationPolicy;
use crate::proxy::CertKind;
use crate::time::UnixTime;
use crate::{CaStore, limits};

/// Which pair of files a credential is installed as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    /// `hostcert.pem` (0444) and `hostkey.pem` (0400), in `/etc/grid-security`.
    Host,
    /// `servicecert.pem` (0440) and `servicekey.pem` (0400), e.g. in
    /// `/etc/grid-security/<service>`.
    Service,
    /// `usercert.pem` (0444) and `userkey.pem` (0400), in `~/.globus`.
    User,
}

impl CredentialKind {
    /// The certificate's file name.
    pub fn cert_file(self) -> &'static str {
        match self {
            CredentialKind::Host => "hostcert.pem",
            CredentialKind::Service => "servicecert.pem",
            CredentialKind::User => "usercert.pem",
        }
    }

    /// The key's file name.
    pub fn key_file(self) -> &'static str {
        match self {
            CredentialKind::Host => "hostkey.pem",
            CredentialKind::Service => "servicekey.pem",
            CredentialKind::User => "userkey.pem",
        }
    }

    /// The certificate's mode: 0444, or 0440 for a service certificate.
    pub fn cert_mode(self) -> u32 {
        match self {
            CredentialKind::Service => 0o440,
            CredentialKind::Host | CredentialKind::User => 0o444,
        }
    }

    /// The key's mode: 0400.
    pub fn key_mode(self) -> u32 {
        0o400
    }
}

/// A numeric owner for installed files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner {
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
}

/// Resolves `USER:GROUP` (or `USER`, meaning the user's primary group) from names in
/// `/etc/passwd` and `/etc/group`, or numeric ids.
pub fn resolve_owner(spec: &str) -> Result<Owner> {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let group = std::fs::read_to_string("/etc/group").unwrap_or_default();
    resolve_owner_in(spec, &passwd, &group)
}

fn resolve_owner_in(spec: &str, passwd: &str, group: &str) -> Result<Owner> {
    let err = |reason: String| Error::Owner {
        spec: spec.chars().take(256).collect(),
        reason,
    };
    let (user, grp) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    if user.is_empty() {
        return Err(err("no user; give USER:GROUP, e.g. root:root or 0:0".into()));
    }
    // Fields of the entry named `name` in a colon-separated database.
    let lookup = |db: &str, name: &str| -> Option<Vec<String>> {
        db.lines()
            .map(|l| l.split(':').map(str::to_string).collect::<Vec<_>>())
            .find(|f| f.first().is_some_and(|n| n == name))
    };
    let (uid, primary_gid) = match user.parse::<u32>() {
        Ok(uid) => (uid, None),
        Err(_) => {
            let f = lookup(passwd, user)
                .ok_or_else(|| err(format!("no user {user:?} in /etc/passwd")))?;
            let uid = f
                .get(2)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| err(format!("bad /etc/passwd entry for {user:?}")))?;
            (uid, f.get(3).and_then(|s| s.parse::<u32>().ok()))
        }
    };
    let gid = match grp {
        Some("") | None => primary_gid.ok_or_else(|| {
            err("no group; give USER:GROUP (a numeric user has no primary group here)".into())
        })?,
        Some(g) => match g.parse::<u32>() {
            Ok(gid) => gid,
            Err(_) => lookup(group, g)
                .and_then(|f| f.get(2).and_then(|s| s.parse().ok()))
                .ok_or_else(|| err(format!("no group {g:?} in /etc/group")))?,
        },
    };
    Ok(Owner { uid, gid })
}

/// Where and how to install.
#[derive(Clone, Debug)]
pub struct InstallOptions {
    /// Which file names and modes.
    pub kind: CredentialKind,
    /// The destination directory (created, mode 0700 for a user's and 0755 otherwise,
    /// when missing).
    pub dest: PathBuf,
    /// Owner of both files; only root may give one.
    pub owner: Option<Owner>,
}

/// A certificate that passed [`check_for_install`].
#[derive(Clone, Debug)]
pub struct CheckedCredential {
    leaf: Certificate,
    intermediates: Vec<Certificate>,
    verified: VerifiedChain,
    request_checked: bool,
    warnings: Vec<String>,
}

impl CheckedCredential {
    /// The end-entity certificate (the one matching the key).
    pub fn leaf(&self) -> &Certificate {
        &self.leaf
    }

    /// The validated path, leaf first, ending at the trusted CA.
    pub fn verified(&self) -> &VerifiedChain {
        &self.verified
    }

    /// True when the subject, subjectAltNames and key were compared with the request;
    /// false when no request was given (only the key match and chain were checked).
    pub fn request_checked(&self) -> bool {
        self.request_checked
    }

    /// What the operator should know (names the CA added, no request to compare with).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The certificate file's content: the leaf, then the intermediates that came with
    /// it (self-signed roots are left to the CA directory).
    pub fn cert_pem(&self) -> String {
        let mut out = pem_encode("CERTIFICATE", self.leaf.der()).to_string();
        for c in &self.intermediates {
            out.push_str(&pem_encode("CERTIFICATE", c.der()));
        }
        out
    }
}

/// Checks a certificate the CA returned before it is installed: one of `certs` matches
/// `key`, it is an end-entity certificate, its subject and subjectAltNames are those of
/// `request` (when given; names the CA added are reported as warnings) and its key is the
/// request's, and the chain verifies against `store` under `policy` at `now`.
pub fn check_for_install(
    certs: &[Certificate],
    key: &PrivateKey,
    request: Option<&CertificateRequest>,
    store: &CaStore,
    policy: &ValidationPolicy,
    now: UnixTime,
) -> Result<CheckedCredential> {
    let first = certs.first().ok_or(Error::NoCertificate {
        origin: "certificate to install".into(),
    })?;
    if !certs
        .iter()
        .any(|c| key.matches_spki(c.public_key_spki_der()))
    {
        return Err(Error::KeyMismatch {
            cert: first.cert_ref(0),
        });
    }
    let ordered = crate::bundle::order_chain(certs.to_vec(), Some(key));
    let leaf = ordered.first().cloned().ok_or(Error::NoCertificate {
        origin: "certificate to install".into(),
    })?;
    let leaf_ref = leaf.cert_ref(0);
    match CertKind::of(&leaf) {
        CertKind::EndEntity => {}
        CertKind::Ca => {
            return Err(Error::NotEndEntity {
                cert: leaf_ref,
                kind: "CA",
            });
        }
        CertKind::Proxy(_) => {
            return Err(Error::NotEndEntity {
                cert: leaf_ref,
                kind: "proxy",
            });
        }
    }
    let mut warnings = Vec::new();
    if let Some(req) = request {
        if !key.matches_spki(req.public_key_spki_der()) {
            return Err(Error::RequestMismatch {
                cert: leaf_ref,
                what: "public key",
                requested: format!("key {}", fingerprint(req.public_key_spki_der())),
                found: format!("key {}", fingerprint(leaf.public_key_spki_der())),
            });
        }
        if leaf.subject() != req.subject() {
            return Err(Error::RequestMismatch {
                cert: leaf_ref,
                what: "subject",
                requested: req.subject().to_openssl(),
                found: leaf.subject().to_openssl(),
            });
        }
        let issued: Vec<String> = leaf
            .extensions()
            .subject_alt_names
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect();
        let missing: Vec<&String> = req
            .subject_alt_names()
            .iter()
            .filter(|s| !issued.contains(&s.to_ascii_lowercase()))
            .collect();
        if !missing.is_empty() {
            return Err(Error::RequestMismatch {
                cert: leaf_ref,
                what: "subjectAltName",
                requested: req.subject_alt_names().join(", "),
                found: if issued.is_empty() {
                    "none".into()
                } else {
                    leaf.extensions().subject_alt_names.join(", ")
                },
            });
        }
        let requested: Vec<String> = req
            .subject_alt_names()
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect();
        let added: Vec<&String> = leaf
            .extensions()
            .subject_alt_names
            .iter()
            .filter(|s| !requested.contains(&s.to_ascii_lowercase()))
            .collect();
        if !added.is_empty() {
            warnings.push(format!(
                "the CA added subjectAltNames that were not requested: {}",
                added
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    } else {
        warnings.push(
            "no certificate request given: subject and subjectAltNames were not compared with what was requested; only the key match and the chain were checked"
                .into(),
        );
    }
    let verified = verify_chain(&ordered, store, policy, now)?;
    let intermediates = ordered
        .iter()
        .skip(1)
        .filter(|c| !c.is_self_issued())
        .cloned()
        .collect();
    Ok(CheckedCredential {
        leaf,
        intermediates,
        verified,
        request_checked: request.is_some(),
        warnings,
    })
}

fn fingerprint(spki: &[u8]) -> String {
    let d = openssl::sha::sha256(spki);
    let hex: Vec<String> = d.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{}…", hex.join(""))
}

/// What [`place_pair`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    /// The installed certificate.
    pub cert_path: PathBuf,
    /// The installed key.
    pub key_path: PathBuf,
    /// Backups of the previous files (empty when there were none).
    pub backups: Vec<PathBuf>,
    /// What the operator should know (an encrypted key for a service).
    pub warnings: Vec<String>,
}

/// `yyyymmddTHHMMSSZ` in UTC.
fn timestamp(now: UnixTime) -> String {
    let (y, mo, d, h, mi, s) = now.to_civil();
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// Writes `cert_pem` and `key_pem` as the `kind`'s pair of files in `dest` (see the
/// module documentation for the order of operations). It does no checking of its own:
/// call [`check_for_install`] first. `now` names the backups.
pub fn place_pair(
    opts: &InstallOptions,
    cert_pem: &[u8],
    key_pem: &[u8],
    now: UnixTime,
) -> Result<Placed> {
    let is_root = rustix::process::geteuid().is_root();
    if let Some(o) = opts.owner
        && !is_root
    {
        return Err(Error::Owner {
            spec: format!("{}:{}", o.uid, o.gid),
            reason: "changing the owner needs root; run as root or leave out --owner".into(),
        });
    }
    let dest = &opts.dest;
    if !dest.exists() {
        let mode = if opts.kind == CredentialKind::User {
            0o700
        } else {
            0o755
        };
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(mode)
            .create(dest)
            .map_err(|e| Error::io(dest, &e))?;
    }
    let kind = opts.kind;
    let cert_path = dest.join(kind.cert_file());
    let key_path = dest.join(kind.key_file());
    let mut warnings = Vec::new();
    if kind != CredentialKind::User && contains(key_pem, b"ENCRYPTED") {
        warnings.push(format!(
            "{} is encrypted; services read their key without a passphrase",
            key_path.display()
        ));
    }

    // 1. Both new files, complete, with final mode and owner.
    let new_key = stage(&key_path, key_pem, kind.key_mode(), opts.owner)?;
    let new_cert = stage(&cert_path, cert_pem, kind.cert_mode(), opts.owner)?;

    // 2. Backups of what is there now.
    let stamp = timestamp(now);
    let mut backups = Vec::new();
    let mut old_key: Option<(Zeroizing<Vec<u8>>, std::fs::Metadata)> = None;
    for (path, is_key) in [(&key_path, true), (&cert_path, false)] {
        match backup(path, &stamp, is_root) {
            Ok(Some((b, content, meta))) => {
                backups.push(b);
                if is_key {
                    old_key = Some((content, meta));
                }
            }
            Ok(None) => {}
            Err(e) => {
                for b in &backups {
                    let _ = std::fs::remove_file(b);
                }
                return Err(e);
            }
        }
    }

    // 3. Key, then certificate.
    if let Err(e) = new_key.persist(&key_path) {
        for b in &backups {
            let _ = std::fs::remove_file(b);
        }
        return Err(Error::io(&key_path, &e.error));
    }
    if let Err(e) = new_cert.persist(&cert_path) {
        let err = Error::io(&cert_path, &e.error);
        // Put the previous key back so the pair stays consistent.
        let restored = match &old_key {
            Some((content, meta)) => {
                let owner = is_root.then(|| Owner {
                    uid: meta.uid(),
                    gid: meta.gid(),
                });
                stage(&key_path, content, meta.mode() & 0o7777, owner)
                    .and_then(|t| {
                        t.persist(&key_path)
                            .map_err(|e| Error::io(&key_path, &e.error))
                    })
                    .map(|_| ())
            }
            None => std::fs::remove_file(&key_path).map_err(|e| Error::io(&key_path, &e)),
        };
        return Err(match restored {
            Ok(()) => err,
            Err(r) => Error::Io {
                path: cert_path.display().to_string(),
                reason: format!(
                    "{err}; restoring the previous key also failed ({r}): the previous pair is in the backups {}",
                    backups
                        .iter()
                        .map(|b| b.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        });
    }
    if let Ok(d) = File::open(dest) {
        let _ = d.sync_all();
    }
    Ok(Placed {
        cert_path,
        key_path,
        backups,
        warnings,
    })
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A temporary file next to `target` holding `data`, with `mode` and `owner` set,
/// fsynced.
fn stage(target: &Path, data: &[u8], mode: u32, owner: Option<Owner>) -> Result<NamedTempFile> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .permissions(Permissions::from_mode(mode))
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, &e))?;
    let tmp_path = tmp.path().to_path_buf();
    let io = |e: std::io::Error| Error::io(&tmp_path, &e);
    tmp.write_all(data).map_err(io)?;
    tmp.flush().map_err(io)?;
    if let Some(o) = owner {
        std::os::unix::fs::fchown(tmp.as_file(), Some(o.uid), Some(o.gid)).map_err(io)?;
    }
    tmp.as_file()
        .set_permissions(Permissions::from_mode(mode))
        .map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    Ok(tmp)
}

/// Copies an existing `path` to `<path>.<stamp>.bak` (mode 0400, the original's owner
/// when running as root). `None` when there is nothing to back up.
#[allow(clippy::type_complexity)]
fn backup(
    path: &Path,
    stamp: &str,
    is_root: bool,
) -> Result<Option<(PathBuf, Zeroizing<Vec<u8>>, std::fs::Metadata)>> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, &e)),
    };
    if !meta.is_file() {
        return Err(Error::Io {
            path: path.display().to_string(),
            reason: "exists but is not a regular file; move it away and install again".into(),
        });
    }
    let size = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if size > limits::MAX_FILE_BYTES {
        return Err(Error::TooLarge {
            origin: path.display().to_string(),
            what: "credential file to back up",
            size,
            max: limits::MAX_FILE_BYTES,
        });
    }
    let content = Zeroizing::new(std::fs::read(path).map_err(|e| Error::io(path, &e))?);
    let owner = is_root.then(|| Owner {
        uid: meta.uid(),
        gid: meta.gid(),
    });
    let tmp = stage(path, &content, 0o400, owner)?;
    let base = format!("{}.{stamp}", path.display());
    let mut candidate = PathBuf::from(format!("{base}.bak"));
    let mut tmp = tmp;
    for n in 1..=100u32 {
        match tmp.persist_noclobber(&candidate) {
            Ok(_) => return Ok(Some((candidate, content, meta))),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                tmp = e.file;
                candidate = PathBuf::from(format!("{base}.{n}.bak"));
            }
            Err(e) => return Err(Error::io(&candidate, &e.error)),
        }
    }
    Err(Error::Io {
        path: base,
        reason: "too many backups with this timestamp".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\nglobus:x:501:502::/home/globus:/bin/sh\n";
        let group = "root:x:0:\nglobus:x:502:\nwheel:x:10:globus\n";
        let r = |s| resolve_owner_in(s, passwd, group);
        assert_eq!(r("root:root").unwrap(), Owner { uid: 0, gid: 0 });
        assert_eq!(r("globus").unwrap(), Owner { uid: 501, gid: 502 });
        assert_eq!(r("globus:wheel").unwrap(), Owner { uid: 501, gid: 10 });
        assert_eq!(
            r("1000:1001").unwrap(),
            Owner {
                uid: 1000,
                gid: 1001
            }
        );
        assert_eq!(r("globus:7").unwrap(), Owner { uid: 501, gid: 7 });
        for bad in ["nobody:root", "root:nogroup", ":0", "1000"] {
            assert_eq!(r(bad).unwrap_err().code(), "bad_owner", "{bad}");
        }
    }

    #[test]
    fn backup_names() {
        let t = UnixTime::from_civil(2026, 11, 23, 6, 5, 9);
        assert_eq!(timestamp(t), "20261123T060509Z");
    }
}
