//! Atomic file writes for credentials.
//!
//! The new content goes to a temporary file in the target's directory, created with the
//! final mode (0600 for keys and proxies) from the first byte, so it is never readable by
//! others; it is written completely, fsynced, renamed over the target and the directory
//! is fsynced. A failure at any point leaves the old file untouched and removes the
//! temporary file.

use std::fs::{File, Permissions};
use std::io::Write;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `data` to `path` atomically with permission bits `mode` (e.g. `0o600`).
pub fn write_atomic(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    write_atomic_with(path, data, mode, |file, _tmp| Ok(Box::new(file)))
}

/// A writer the content goes through, given the temporary file (tests use it to fail
/// midway and to look at the temporary file).
pub(crate) fn write_atomic_with(
    path: &Path,
    data: &[u8],
    mode: u32,
    wrap: impl for<'f> FnOnce(&'f mut File, &Path) -> std::io::Result<Box<dyn Write + 'f>>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Io {
            path: path.display().to_string(),
            reason: "not a file path".into(),
        })?;
    let mode = mode & 0o7777;
    // `tempfile` opens with O_CREAT|O_EXCL and the given mode, so the file exists with
    // the final permissions from the first instant (modulo a umask, which can only
    // remove bits).
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".tmp")
        .permissions(Permissions::from_mode(mode))
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, &e))?;
    let tmp_path = tmp.path().to_path_buf();
    {
        let file = tmp.as_file_mut();
        let mut w = wrap(file, &tmp_path).map_err(|e| Error::io(&tmp_path, &e))?;
        w.write_all(data).map_err(|e| Error::io(&tmp_path, &e))?;
        w.flush().map_err(|e| Error::io(&tmp_path, &e))?;
    }
    // The umask may have cleared bits the caller asked for; set them exactly (this
    // can only widen to `mode`, which the caller chose).
    tmp.as_file()
        .set_permissions(Permissions::from_mode(mode))
        .map_err(|e| Error::io(&tmp_path, &e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(&tmp_path, &e))?;
    tmp.persist(path).map_err(|e| Error::io(path, &e.error))?;
    // Make the rename durable.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt as _;

    /// Fails after `limit` bytes, like a process killed mid-write or a full disk.
    struct FailAfter<'a> {
        inner: &'a mut File,
        limit: usize,
        written: usize,
    }

    impl Write for FailAfter<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.written >= self.limit {
                return Err(std::io::Error::other("simulated failure"));
            }
            let n = buf.len().min(self.limit - self.written).min(7);
            let n = self.inner.write(&buf[..n])?;
            self.written += n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.inner.flush()
        }
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_and_sets_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x509up_u1000");
        std::fs::write(&p, b"old").unwrap();
        std::fs::set_permissions(&p, Permissions::from_mode(0o644)).unwrap();
        write_atomic(&p, b"new content", 0o600).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new content");
        assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o600);
        assert_eq!(entries(dir.path()), vec!["x509up_u1000"]);
    }

    #[test]
    fn failure_midway_keeps_old_file_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("proxy");
        std::fs::write(&p, b"old proxy").unwrap();
        let data = vec![b'x'; 4096];
        let mut seen_mode = None;
        let err = write_atomic_with(&p, &data, 0o600, |f, tmp| {
            // The temporary file already exists with mode 0600 before any byte.
            seen_mode = Some(std::fs::metadata(tmp)?.mode() & 0o777);
            assert_eq!(f.metadata()?.len(), 0);
            Ok(Box::new(FailAfter {
                inner: f,
                limit: 100,
                written: 0,
            }))
        })
        .unwrap_err();
        assert_eq!(err.code(), "io");
        assert_eq!(seen_mode, Some(0o600));
        assert_eq!(std::fs::read(&p).unwrap(), b"old proxy");
        assert_eq!(entries(dir.path()), vec!["proxy"]);
    }

    #[test]
    fn missing_directory_is_io_error() {
        let e = write_atomic(Path::new("/nonexistent-dir-xyz/f"), b"a", 0o600).unwrap_err();
        assert_eq!(e.code(), "io");
    }
}
