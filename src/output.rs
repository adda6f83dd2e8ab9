//! Writing results: atomic files and the manifest.
//!
//! Every file is written to a temporary name in its final folder, flushed
//! to disk, then renamed over the target. A killed run leaves complete files
//! and temporary ones (which the next run removes), never a truncated PDF.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Suffix of temporary files; the next run deletes leftovers.
pub const TMP_SUFFIX: &str = ".canhbao-tmp";

/// Writes `bytes` to `path` atomically (temp file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| {
        format!("không tạo được thư mục “{}” ({})", dir.display(), crate::diag::io_error(&e))
    })?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.{}{TMP_SUFFIX}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("không ghi được tệp “{}” ({})", path.display(), crate::diag::io_error(&e))
    })
}

/// [`write_atomic`], unless the file already holds exactly `bytes` (then it
/// is left untouched, with its date). Returns whether it wrote.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, String> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    write_atomic(path, bytes).map(|()| true)
}

/// Removes temporary files left by killed runs under `dir`.
///
/// Files of a process that is still running (another shard writing into the
/// same folder) are left alone.
pub fn clean_temp(dir: &Path) -> usize {
    let mut removed = 0;
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            removed += clean_temp(&path);
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(TMP_SUFFIX) else { continue };
        let pid = stem.rsplit('.').next().and_then(|p| p.parse::<u32>().ok());
        let alive = pid
            .is_some_and(|p| p != std::process::id() && Path::new(&format!("/proc/{p}")).exists());
        if !alive && fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Hex SHA-256.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// One output file in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// Path relative to the output folder, with `/`.
    pub file: String,
    /// Layout id.
    pub layout: String,
    /// Village (or commune) name.
    pub village: String,
    /// Page count.
    pub pages: usize,
    /// File size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Hash of everything that went into the file (data, layouts, fonts, tool).
    pub inputs: String,
}

/// `manifest.json`: what a run wrote.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// canhbao version.
    pub tool: String,
    /// Files, sorted by path.
    pub files: Vec<Entry>,
}

impl Manifest {
    /// Reads a manifest, or an empty one when absent or unreadable.
    pub fn read(path: &Path) -> Manifest {
        fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// This manifest's entries (it is `own` in `out`), then those of every
    /// other manifest there (the whole run's and each shard's): what is known
    /// to be on disk, whichever run wrote it. This is how shards merge: after shards 1/N … N/N have
    /// written into one folder (or their folders were copied together), a
    /// whole run finds every file already made, renders nothing, and writes
    /// one manifest and the print package.
    pub fn with_others(&self, out: &Path, own: &str) -> Vec<Entry> {
        let mut names: Vec<String> = fs::read_dir(out)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n != own && n.starts_with("manifest") && n.ends_with(".json"))
            .collect();
        names.sort();
        let mut seen = std::collections::HashSet::new();
        let others = names.into_iter().flat_map(|n| Manifest::read(&out.join(n)).files);
        self.files.iter().cloned().chain(others).filter(|e| seen.insert(e.file.clone())).collect()
    }

    /// Writes the manifest atomically, files sorted.
    pub fn write(&mut self, path: &Path) -> Result<(), String> {
        self.files.sort_by(|a, b| a.file.cmp(&b.file));
        let json = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        write_atomic(path, &json)
    }
}

/// The output path of a job stem with an extension.
pub fn out_path(out: &Path, stem: &str, ext: &str) -> PathBuf {
    out.join(format!("{stem}.{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.pdf");
        write_atomic(&path, b"%PDF").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"%PDF");
        let names: Vec<_> =
            fs::read_dir(dir.path().join("a")).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn manifests_merge_own_first() {
        let dir = tempfile::tempdir().unwrap();
        let entry = |file: &str, sha: &str| Entry {
            file: file.into(),
            layout: "l".into(),
            village: "v".into(),
            pages: 1,
            bytes: 1,
            sha256: sha.into(),
            inputs: "i".into(),
        };
        let mut own = Manifest { tool: "t".into(), files: vec![entry("a.pdf", "own")] };
        own.write(&dir.path().join("manifest.json")).unwrap();
        let mut shard = Manifest {
            tool: "t".into(),
            files: vec![entry("a.pdf", "shard"), entry("b.pdf", "shard")],
        };
        shard.write(&dir.path().join("manifest.shard-1-of-2.json")).unwrap();
        fs::write(dir.path().join("print-order.json"), b"{}").unwrap();
        let all = Manifest::read(&dir.path().join("manifest.json"))
            .with_others(dir.path(), "manifest.json");
        let got: Vec<(&str, &str)> =
            all.iter().map(|e| (e.file.as_str(), e.sha256.as_str())).collect();
        assert_eq!(got, [("a.pdf", "own"), ("b.pdf", "shard")]);
    }

    #[test]
    fn stale_temp_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(format!(".x.pdf.999999999{TMP_SUFFIX}"));
        fs::write(&stale, b"half").unwrap();
        assert_eq!(clean_temp(dir.path()), 1);
        assert!(!stale.exists());
    }
}
