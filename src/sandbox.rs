//! Paths built from data stay inside their folder.
//!
//! Every path that comes from the user's data or a layout registry goes
//! through [`resolve`] with the folder it must stay in: the campaign folder
//! for what is read (the village table, the logo, a file a layout reads),
//! the output folder for what is written (a layout id, a format, a village
//! slug). The text is checked first (relative, no `..`, no backslash), then
//! the disk: a symbolic link on the way must not lead out, and a file to
//! read must be a regular file (a FIFO would block the run forever).

use std::io;
use std::path::{Component, Path, PathBuf};

/// What the caller needs at the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// An existing regular file, to read.
    File,
    /// A place to write a file (it may not exist yet).
    Place,
}

/// Why a path was refused.
#[derive(Debug)]
pub enum Escape {
    /// The path is empty.
    Empty,
    /// Its text leaves the folder: absolute (`/home/…`, `C:\…`), `..`, or
    /// a backslash in an output path.
    Leaves,
    /// A symbolic link on the way leads out of the folder.
    Link,
    /// Nothing there (reading).
    Missing,
    /// A folder, a FIFO or a device where a file is needed.
    NotFile,
    /// The folder itself cannot be opened.
    Root(io::Error),
}

impl Escape {
    /// A Vietnamese sentence for `rel` inside `folder` (e.g. "thư mục chiến dịch").
    pub fn explain(&self, rel: &str, folder: &str) -> String {
        match self {
            Escape::Empty => "đường dẫn tệp đang để trống".into(),
            Escape::Leaves if !absolute(rel) => format!("tệp “{rel}” nằm ngoài {folder}"),
            Escape::Leaves => format!(
                "“{rel}” là đường dẫn đầy đủ; chỉ ghi đường dẫn tính từ {folder} (ví dụ logo.png hoặc du-lieu/villages.csv)"
            ),
            Escape::Link => format!("tệp “{rel}” trỏ ra ngoài {folder}"),
            Escape::Missing => format!("không tìm thấy tệp “{rel}” trong {folder}"),
            Escape::NotFile => format!("“{rel}” không phải là tệp thường"),
            Escape::Root(e) => format!("không mở được {folder} ({})", crate::diag::io_error(e)),
        }
    }
}

/// A full path, on Linux or Windows: `/home/…`, `\\server\…`, `C:\…`,
/// `C:/…` (even `C:logo.png`, relative to a drive's current folder).
fn absolute(rel: &str) -> bool {
    let b = rel.as_bytes();
    let drive = b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic();
    drive || rel.starts_with(['/', '\\'])
}

/// The text check alone: `rel` is a relative path of plain names separated
/// by `/` (a leading `./` is fine).
pub fn check_text(rel: &str) -> Result<(), Escape> {
    if rel.is_empty() {
        return Err(Escape::Empty);
    }
    if rel.contains('\\') || rel.contains('\0') {
        return Err(Escape::Leaves);
    }
    if absolute(rel) {
        return Err(Escape::Leaves);
    }
    let plain =
        Path::new(rel).components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !plain {
        return Err(Escape::Leaves);
    }
    Ok(())
}

/// Resolves `rel` under `root`. For [`Need::File`] returns the real path of
/// a regular file inside `root`; for [`Need::Place`] returns `root/rel`,
/// after checking that the nearest part of it that exists is inside `root`
/// (so a symlinked subfolder cannot carry a write elsewhere).
pub fn resolve(root: &Path, rel: &str, need: Need) -> Result<PathBuf, Escape> {
    check_text(rel)?;
    let real_root = root.canonicalize().map_err(Escape::Root)?;
    let joined = root.join(rel);
    match need {
        Need::File => {
            let real = joined.canonicalize().map_err(|_| Escape::Missing)?;
            if !real.starts_with(&real_root) {
                return Err(Escape::Link);
            }
            // Asked before opening: opening a FIFO blocks until a writer comes.
            let meta = std::fs::metadata(&real).map_err(|_| Escape::Missing)?;
            if !meta.is_file() {
                return Err(Escape::NotFile);
            }
            Ok(real)
        }
        Need::Place => {
            let existing =
                joined.ancestors().find(|a| a.symlink_metadata().is_ok()).ok_or(Escape::Missing)?;
            let real = existing.canonicalize().map_err(|_| Escape::Link)?;
            if !real.starts_with(&real_root) {
                return Err(Escape::Link);
            }
            Ok(joined)
        }
    }
}

/// A file of the campaign folder named by the campaign's data (the village
/// table, the logo, a layout registry): [`resolve`] with the refusal said
/// in Vietnamese. A backslash is a folder separator here, as on Windows
/// where officers type these paths ([`data_path`]).
pub fn inside(dir: &Path, rel: &str) -> Result<PathBuf, String> {
    resolve(dir, &data_path(rel), Need::File).map_err(|e| e.explain(rel, "thư mục chiến dịch"))
}

/// A path to read written in the campaign's data, with Windows' `\` as a
/// folder separator: `anh\logo.png` is `anh/logo.png`.
pub fn data_path(rel: &str) -> String {
    rel.trim().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_leaves_is_refused() {
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "pdf/../../v.txt", "a\\b", "a\0b"] {
            assert!(check_text(bad).is_err(), "{bad:?}");
        }
        for full in ["/etc/passwd", "C:/Users/a/logo.png", "c:logo.png", "\\\\máy\\x"] {
            assert!(absolute(full), "{full:?}");
            assert!(Escape::Leaves.explain(full, "thư mục").contains("đường dẫn đầy đủ"));
        }
        assert_eq!(data_path("anh\\logo.png"), "anh/logo.png");
        for good in ["a", "a/b.pdf", "./logo.png", "leaflet-a5/thon-an-hai.pdf"] {
            assert!(check_text(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn symlinks_out_are_refused_for_reading_and_writing() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("secret"), "x").unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), root.path().join("sub")).unwrap();
        assert!(matches!(resolve(root.path(), "sub/secret", Need::File), Err(Escape::Link)));
        assert!(matches!(resolve(root.path(), "sub/new.pdf", Need::Place), Err(Escape::Link)));
        assert!(matches!(resolve(root.path(), "sub/a/b.pdf", Need::Place), Err(Escape::Link)));
        let inside = resolve(root.path(), "new/a.pdf", Need::Place).unwrap();
        assert_eq!(inside, root.path().join("new/a.pdf"));
    }

    #[test]
    fn a_fifo_is_not_a_file() {
        let root = tempfile::tempdir().unwrap();
        let fifo = root.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        assert!(matches!(resolve(root.path(), "pipe", Need::File), Err(Escape::NotFile)));
    }
}
