//! File-permission policy for grid credentials.
//!
//! Grid conventions (as enforced by Globus, VOMS and the `grid-proxy-*` tools):
//!
//! | role | expected mode | error | warning |
//! |------|---------------|-------|---------|
//! | private key | `0400` or `0600` | readable or writable by group or others | executable, unreadable by owner, set-id bits |
//! | certificate | `0444`, `0440` or `0644` | writable by group or others | any other safe mode |
//! | proxy | `0600` or `0400`, owned by the user | readable or writable by group or others; wrong owner | executable, unreadable by owner |
//! | credential directory | `0700` | writable by group or others; readable when it holds keys | readable by others when it holds only certificates (e.g. `0755`) |
//!
//! A symbolic link is reported (warning `symlink`) and its target audited. Every
//! [`AuditFinding`] has a stable snake_case `rule` and a message saying what is wrong and
//! the command that fixes it.

use std::fmt;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::error::{Error, Result};

/// Directory entries examined when deciding whether a credential directory holds only
/// certificates (an IGTF CA directory has about 2,000 files). Beyond it the directory
/// is treated as possibly holding keys.
const MAX_DIR_ENTRIES_SCANNED: usize = 20_000;
/// Bytes read from each file of a credential directory when looking for a private key.
const MAX_BYTES_SCANNED: u64 = 64 * 1024;

/// What a file is for; it selects the permission rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileRole {
    /// A private key (`userkey.pem`, `hostkey.pem`): `0400` or `0600`.
    PrivateKey,
    /// A certificate (`usercert.pem`, `hostcert.pem`): `0444`, `0440` or `0644`.
    Certificate,
    /// A proxy credential (`/tmp/x509up_u<uid>`): `0600` or `0400`, owned by the user.
    Proxy,
    /// A directory of credentials (`~/.globus`, `/etc/grid-security`): `0700`.
    CredentialDir,
}

impl FileRole {
    /// A short human name, e.g. `private key`.
    pub fn name(self) -> &'static str {
        match self {
            FileRole::PrivateKey => "private key",
            FileRole::Certificate => "certificate",
            FileRole::Proxy => "proxy",
            FileRole::CredentialDir => "credential directory",
        }
    }
}

impl fmt::Display for FileRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Unusual but not exploitable; worth fixing.
    Warning,
    /// Exposes or endangers the credential; grid tools refuse such files.
    Error,
}

/// One violated rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFinding {
    /// The file or directory.
    pub path: String,
    /// Stable snake_case rule name, e.g. `key_group_readable`.
    pub rule: &'static str,
    /// What is wrong and the fix, e.g. `mode 0640 lets the group read the private key;
    /// run chmod 600 FILE`.
    pub message: String,
    /// Error or warning.
    pub severity: Severity,
}

impl fmt::Display for AuditFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level} [{}] {}: {}", self.rule, self.path, self.message)
    }
}

/// The result of auditing one path: what was found there and the rules it violates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditReport {
    /// The path audited (as given).
    pub path: String,
    /// The role it was audited for.
    pub role: FileRole,
    /// Permission bits (`st_mode & 0o7777`) of the file, or of the link's target.
    pub mode: u32,
    /// Owner uid.
    pub uid: u32,
    /// Owner gid.
    pub gid: u32,
    /// Violated rules, in the order checked.
    pub findings: Vec<AuditFinding>,
}

impl AuditReport {
    /// True when there is no [`Severity::Error`] finding (warnings allowed).
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The rule names found, in order (handy in scripts and tests).
    pub fn rules(&self) -> Vec<&'static str> {
        self.findings.iter().map(|f| f.rule).collect()
    }

    /// `Ok(self)` when [`ok`](Self::ok), else [`Error::FilePolicy`] carrying the first
    /// error finding's message (which names the fix).
    pub fn into_result(self) -> Result<AuditReport> {
        match self.findings.iter().find(|f| f.severity == Severity::Error) {
            Some(f) => Err(Error::FilePolicy {
                path: f.path.clone(),
                reason: format!("{} ({})", f.message, f.rule),
            }),
            None => Ok(self),
        }
    }
}

/// Audits `path` for `role` against the grid permission conventions.
///
/// `expected_owner` is the uid that must own the file; when `None`, proxies must be owned
/// by the current real uid and other roles are not checked for ownership. A symbolic
/// link is reported (warning `symlink`) and its target audited. A path that does not
/// exist (or a dangling link) is an [`Error::Io`].
pub fn audit_path(path: &Path, role: FileRole, expected_owner: Option<u32>) -> Result<AuditReport> {
    let shown = path.display().to_string();
    let link_meta = std::fs::symlink_metadata(path).map_err(|e| Error::io(path, &e))?;
    let mut findings = Vec::new();
    let mut finding = |rule: &'static str, severity: Severity, message: String| {
        findings.push(AuditFinding {
            path: shown.clone(),
            rule,
            message,
            severity,
        });
    };

    let meta = if link_meta.file_type().is_symlink() {
        let target = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_else(|_| "?".to_string());
        let meta = std::fs::metadata(path).map_err(|e| Error::Io {
            path: shown.clone(),
            reason: format!("symbolic link to {target} cannot be followed: {e}"),
        })?;
        finding(
            "symlink",
            Severity::Warning,
            format!(
                "is a symbolic link to {target}; the target was audited. Whoever can change \
                 the link can substitute the {role}; replace the link with the file itself"
            ),
        );
        meta
    } else {
        link_meta
    };

    let mode = meta.mode() & 0o7777;
    let uid = meta.uid();
    let gid = meta.gid();
    let ft = meta.file_type();

    match role {
        FileRole::CredentialDir if !ft.is_dir() => finding(
            "not_directory",
            Severity::Error,
            format!(
                "is not a directory ({}); a credential directory was expected",
                kind(&ft)
            ),
        ),
        FileRole::PrivateKey | FileRole::Certificate | FileRole::Proxy if !ft.is_file() => {
            finding(
                "not_regular_file",
                Severity::Error,
                format!(
                    "is not a regular file ({}); a {role} file was expected",
                    kind(&ft)
                ),
            );
        }
        FileRole::PrivateKey => secret_rules("key", "private key", &shown, mode, &mut finding),
        FileRole::Proxy => secret_rules("proxy", "proxy", &shown, mode, &mut finding),
        FileRole::Certificate => certificate_rules(&shown, mode, &mut finding),
        FileRole::CredentialDir => directory_rules(path, &shown, mode, &mut finding),
    }

    let expected = match (expected_owner, role) {
        (Some(uid), _) => Some(uid),
        (None, FileRole::Proxy) => Some(rustix::process::getuid().as_raw()),
        (None, _) => None,
    };
    if let Some(want) = expected
        && uid != want
    {
        let fix = if role == FileRole::Proxy {
            format!("create the proxy again as uid {want}")
        } else {
            format!("run chown {want} {shown}")
        };
        finding(
            "owner_mismatch",
            Severity::Error,
            format!("owned by uid {uid}, but the {role} must be owned by uid {want}; {fix}"),
        );
    }

    Ok(AuditReport {
        path: shown,
        role,
        mode,
        uid,
        gid,
        findings,
    })
}

fn kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_dir() {
        "a directory"
    } else if ft.is_file() {
        "a regular file"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_char_device() {
        "a character device"
    } else {
        "a special file"
    }
}

/// Rules for files holding a private key (keys and proxies): no group or other read or
/// write, no execute, readable by the owner, no set-id bits.
fn secret_rules(
    prefix: &'static str,
    what: &str,
    path: &str,
    mode: u32,
    finding: &mut impl FnMut(&'static str, Severity, String),
) {
    let (rules, fix) = if prefix == "key" {
        (
            [
                "key_group_readable",
                "key_world_readable",
                "key_group_writable",
                "key_world_writable",
                "key_executable",
                "key_not_owner_readable",
            ],
            format!("run chmod 600 {path}"),
        )
    } else {
        (
            [
                "proxy_group_readable",
                "proxy_world_readable",
                "proxy_group_writable",
                "proxy_world_writable",
                "proxy_executable",
                "proxy_not_owner_readable",
            ],
            format!("run chmod 600 {path}"),
        )
    };
    let [g_r, o_r, g_w, o_w, exec, unreadable] = rules;
    let checks = [
        (0o040, g_r, "lets the group read"),
        (0o004, o_r, "lets every user read"),
        (0o020, g_w, "lets the group modify"),
        (0o002, o_w, "lets every user modify"),
    ];
    for (bit, rule, does) in checks {
        if mode & bit != 0 {
            finding(
                rule,
                Severity::Error,
                format!("mode {mode:04o} {does} the {what}; {fix}"),
            );
        }
    }
    if mode & 0o111 != 0 {
        finding(
            exec,
            Severity::Warning,
            format!("mode {mode:04o} makes the {what} executable; {fix}"),
        );
    }
    if mode & 0o400 == 0 {
        finding(
            unreadable,
            Severity::Warning,
            format!("mode {mode:04o} does not let the owner read the {what}; {fix}"),
        );
    }
    setid_rule(path, mode, finding);
}

fn setid_rule(path: &str, mode: u32, finding: &mut impl FnMut(&'static str, Severity, String)) {
    if mode & 0o6000 != 0 {
        finding(
            "setid_bits",
            Severity::Warning,
            format!(
                "mode {mode:04o} has set-user-ID or set-group-ID bits, which a credential file \
                 never needs; run chmod ug-s {path}"
            ),
        );
    }
}

fn certificate_rules(
    path: &str,
    mode: u32,
    finding: &mut impl FnMut(&'static str, Severity, String),
) {
    let mut unsafe_mode = false;
    if mode & 0o020 != 0 {
        unsafe_mode = true;
        finding(
            "cert_group_writable",
            Severity::Error,
            format!("mode {mode:04o} lets the group replace the certificate; run chmod 644 {path}"),
        );
    }
    if mode & 0o002 != 0 {
        unsafe_mode = true;
        finding(
            "cert_world_writable",
            Severity::Error,
            format!(
                "mode {mode:04o} lets every user replace the certificate; run chmod 644 {path}"
            ),
        );
    }
    if !unsafe_mode && !matches!(mode, 0o444 | 0o440 | 0o644) {
        finding(
            "cert_unusual_mode",
            Severity::Warning,
            format!(
                "mode {mode:04o} is not one of 0444, 0440, 0644 used for certificates; \
                 run chmod 644 {path}"
            ),
        );
    }
}

fn directory_rules(
    path: &Path,
    shown: &str,
    mode: u32,
    finding: &mut impl FnMut(&'static str, Severity, String),
) {
    let fix = format!("run chmod 700 {shown}");
    if mode & 0o020 != 0 {
        finding(
            "dir_group_writable",
            Severity::Error,
            format!("mode {mode:04o} lets the group add or replace credentials; {fix}"),
        );
    }
    if mode & 0o002 != 0 {
        finding(
            "dir_world_writable",
            Severity::Error,
            format!("mode {mode:04o} lets every user add or replace credentials; {fix}"),
        );
    }
    if mode & 0o055 != 0 {
        match holds_only_certificates(path) {
            Some(true) => finding(
                "dir_not_private",
                Severity::Warning,
                format!(
                    "mode {mode:04o} lets others list the directory; it holds only \
                     certificates, but a credential directory should be private; {fix}"
                ),
            ),
            found => {
                let why = if found.is_some() {
                    "it holds a private key"
                } else {
                    "it may hold a private key (not every file could be read)"
                };
                if mode & 0o050 != 0 {
                    finding(
                        "dir_group_accessible",
                        Severity::Error,
                        format!(
                            "mode {mode:04o} lets the group open the directory and {why}; {fix}"
                        ),
                    );
                }
                if mode & 0o005 != 0 {
                    finding(
                        "dir_world_accessible",
                        Severity::Error,
                        format!(
                            "mode {mode:04o} lets every user open the directory and {why}; {fix}"
                        ),
                    );
                }
            }
        }
    }
}

/// `Some(true)` when every file in `dir` is readable and none holds a private key,
/// `Some(false)` when one holds a private key, `None` when that cannot be told
/// (unreadable directory or file, or over the scan budget).
fn holds_only_certificates(dir: &Path) -> Option<bool> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut unknown = false;
    for (n, entry) in entries.enumerate() {
        if n >= MAX_DIR_ENTRIES_SCANNED {
            return None;
        }
        let Ok(entry) = entry else {
            unknown = true;
            continue;
        };
        let name = entry.file_name();
        let name = name.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".p12") || name.ends_with(".pfx") {
            return Some(false);
        }
        match file_has_private_key(&entry.path()) {
            Some(true) => return Some(false),
            Some(false) => {}
            None => unknown = true,
        }
    }
    if unknown { None } else { Some(true) }
}

/// Whether a file holds a PEM private key. Directories, devices and FIFOs are `false`
/// (never opened for reading, so nothing can block); `None` when it cannot be read.
fn file_has_private_key(path: &Path) -> Option<bool> {
    use rustix::fs::{Mode, OFlags};
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return Some(false);
    }
    // O_NONBLOCK: if the file was swapped for a FIFO since the check, do not hang.
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY,
        Mode::empty(),
    )
    .ok()?;
    let file = std::fs::File::from(fd);
    if !file.metadata().ok()?.is_file() {
        return Some(false);
    }
    let mut buf = Vec::new();
    file.take(MAX_BYTES_SCANNED).read_to_end(&mut buf).ok()?;
    Some(
        buf.windows(b"PRIVATE KEY-----".len())
            .any(|w| w == b"PRIVATE KEY-----"),
    )
}
