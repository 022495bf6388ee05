//! Files as both hosts read and write them: outside input is read only from regular files and
//! only up to a limit (checked before and while reading), and a file is written beside its target
//! and renamed into place once complete and flushed, so a failed save never leaves half a file.

use crate::error::{Error, Result};
use std::io::{Read, Write};
use std::path::Path;

/// The largest PDF Steward reads (a signed agreement is a few hundred kilobytes).
pub const MAX_PDF: u64 = 64 << 20;
/// The largest text file (templates, variables, CSV, an exported log) Steward reads.
pub const MAX_TEXT: u64 = 64 << 20;
/// The largest file whose SHA-256 Steward records (a manuscript, a piece of evidence).
pub const MAX_FILE: u64 = 256 << 20;

fn io(path: &Path, verb: &str, e: std::io::Error) -> Error {
    Error::Io { context: format!("cannot {verb} {}", path.display()), source: e }
}

/// Reads a regular file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| io(path, "read", e))?;
    if !meta.is_file() {
        return Err(Error::invalid(path.display().to_string(), "is not a regular file"));
    }
    if meta.len() > limit {
        return Err(Error::invalid(
            path.display().to_string(),
            format!("is {} bytes; Steward reads files of at most {limit} bytes", meta.len()),
        ));
    }
    let f = std::fs::File::open(path).map_err(|e| io(path, "read", e))?;
    let mut out = Vec::with_capacity(meta.len() as usize);
    // The file may grow while it is read: never more than the limit.
    f.take(limit + 1).read_to_end(&mut out).map_err(|e| io(path, "read", e))?;
    if out.len() as u64 > limit {
        return Err(Error::invalid(path.display().to_string(), format!("grew beyond {limit} bytes while being read")));
    }
    Ok(out)
}

/// Reads a regular UTF-8 text file of at most `limit` bytes.
pub fn read_text(path: &Path, limit: u64) -> Result<String> {
    String::from_utf8(read_bounded(path, limit)?).map_err(|e| {
        Error::invalid(path.display().to_string(), format!("is not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
    })
}

/// Writes `bytes` to `path` atomically: to a temporary file beside it, flushed to disk, then
/// renamed over the target.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{name}.steward-partial"));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(path, "write", e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded_and_writes_are_whole() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("a.txt");
        write_atomically(&p, b"hello").expect("write");
        assert_eq!(read_bounded(&p, 10).expect("read"), b"hello");
        assert!(read_bounded(&p, 4).expect_err("too big").to_string().contains("at most 4 bytes"));
        assert!(read_bounded(dir.path(), 10).expect_err("a folder").to_string().contains("not a regular file"));
        assert_eq!(read_bounded(&dir.path().join("none"), 10).expect_err("missing").kind(), crate::ErrorKind::Io);
        std::fs::write(&p, [0xff, 0xfe]).expect("write");
        assert!(read_text(&p, 10).expect_err("binary").to_string().contains("not UTF-8"));
        let e = write_atomically(&dir.path().join("no/such/dir/x"), b"x").expect_err("no folder");
        assert_eq!(e.kind(), crate::ErrorKind::Io);
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1, "no partial file is left behind");
    }
}
