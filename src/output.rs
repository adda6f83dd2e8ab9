//! Writing results: atomic files, the manifest and its journal.
//!
//! Every file is written to a temporary name in its final folder, flushed
//! to disk, then renamed over the target. A killed run leaves complete files
//! and temporary ones (which the next run removes), never a truncated PDF.
//! Every path built from data goes through [`place`], so it stays in the
//! output folder. Each finished file is appended to a journal as it lands,
//! so a killed run's successor knows what is already made.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::Fault;

/// Suffix of temporary files; the next run deletes leftovers.
pub const TMP_SUFFIX: &str = ".canhbao-tmp";

/// Where a file named by data (`leaflet-a5/thon-dong-hai.pdf`) goes in the
/// output folder `out`, which must exist. Refuses a name that leaves `out`
/// by its text (`..`, absolute, backslash) or through a symbolic link.
pub fn place(out: &Path, rel: &str) -> Result<PathBuf, Fault> {
    use crate::sandbox::{Need, resolve};
    resolve(out, rel, Need::Place)
        .map_err(|e| Fault::Other(e.explain(rel, "thư mục kết quả (--out)")))
}

/// Why `out` must not be written into without being asked: it is a folder
/// that holds files but no canhbao manifest or journal, so they are someone
/// else's (`None`: empty, absent, or canhbao's own).
pub fn foreign(out: &Path) -> Option<String> {
    let entries = fs::read_dir(out).ok()?;
    let mut names: Vec<String> =
        entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    let ours = |name: &String| match record_base(name) {
        Some(base) if name.ends_with(".json") => {
            Manifest::read(&out.join(base)).tool.starts_with("canhbao")
        }
        Some(_) => true,
        None => false,
    };
    if names.is_empty() || names.iter().any(ours) {
        return None;
    }
    names.sort();
    let more = if names.len() > 3 { ", …" } else { "" };
    Some(format!(
        "thư mục “{}” đã có {} tệp khác ({}{more}) và không phải thư mục kết quả của canhbao (không có manifest.json)",
        out.display(),
        names.len(),
        names[..names.len().min(3)].join(", ")
    ))
}

/// The manifest's file name: `manifest.json`, or one per shard so that
/// the shards of one run can share a folder.
pub fn manifest_name(shard: Option<(usize, usize)>) -> String {
    match shard {
        Some((k, n)) => format!("manifest.shard-{k}-of-{n}.json"),
        None => "manifest.json".into(),
    }
}

/// Where a run writes and whose run it is: what [`refuse_other_run`] checks,
/// the same for a commune and a province.
pub struct Target<'a> {
    /// The campaign folder.
    pub dir: &'a Path,
    /// `--out`, or the campaign's own `out/`.
    pub root: &'a Path,
    /// Where the files go: `root` for a commune, `root/<province>` for a province.
    pub out: &'a Path,
    /// Whose output it is ([`Manifest::commune`]): `xã Tiên Trang`, `tỉnh Thanh Hóa`.
    pub owner: &'a str,
    /// The run's options and data ([`Manifest::key`]).
    pub key: &'a str,
    /// `--shard`.
    pub shard: Option<(usize, usize)>,
    /// `--allow-nonempty-out`.
    pub allow_nonempty: bool,
    /// A province run (says "tỉnh" in the hint, not "xã").
    pub province: bool,
}

/// Refuses a run into a folder that is not its own:
/// - one holding someone else's files, unless the user says so
///   (`--allow-nonempty-out`): a build would replace its `manifest.json`,
///   `print-order.csv`, `loa/` and `print/` files. The campaign's own
///   `out/` is canhbao's by convention (`check` and `preview` write there);
/// - one holding another commune's (province's) output, unless it is the
///   campaign's own `out/`: the commune was renamed;
/// - for a whole run, one holding shards made with other options or data
///   than this run (`key`): merged, they would mix two runs.
pub fn refuse_other_run(t: &Target) -> Result<(), crate::diag::Issues> {
    use crate::diag::{Issue, Issues};
    let own = own_out(t.dir, t.root);
    if let Some(why) = foreign(t.out).filter(|_| !own && !t.allow_nonempty) {
        let issue = Issue::error(Path::new("--out"), why).hint(
            "chọn một thư mục trống (hoặc chưa có) cho --out, hoặc thêm --allow-nonempty-out nếu chắc chắn muốn ghi vào thư mục này",
        );
        return Err(Issues(vec![issue]));
    }
    if let Some(why) = other_commune(t.out, t.owner).filter(|_| !own) {
        let hint = match t.province {
            true => "mỗi tỉnh cần một thư mục kết quả riêng: chọn thư mục khác cho --out",
            false => {
                "mỗi xã cần một thư mục kết quả riêng: chọn thư mục khác cho --out (ví dụ một thư mục mới mang tên xã này); chỉ xoá thư mục cũ nếu không cần các tệp của xã kia nữa"
            }
        };
        return Err(Issues(vec![Issue::error(Path::new("--out"), why).hint(hint)]));
    }
    let shards = if t.shard.is_none() { unmatched_shards(t.out, t.key) } else { Vec::new() };
    if !shards.is_empty() {
        return Err(Issues(vec![shards_issue(t.out, &shards)]));
    }
    Ok(())
}

/// Whether `out` is the campaign folder `dir`'s own `out/`.
pub fn own_out(dir: &Path, out: &Path) -> bool {
    match (out.canonicalize(), dir.join("out").canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Writes `bytes` to `path` atomically (temp file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Fault> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// [`write_atomic`] of what `fill` writes, streamed to the file (through a
/// buffer) instead of held whole in memory first.
///
/// The temporary file is `tempfile`'s, in the same folder (a rename never
/// crosses file systems), named `.<name>.<random>.<pid>.canhbao-tmp` so
/// that [`clean_temp`] knows it and whose it is; it is removed when
/// anything fails, and `persist` renames it over `path` (on Windows too,
/// where a plain rename onto an existing file would fail).
fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<&mut fs::File>) -> std::io::Result<()>,
) -> Result<(), Fault> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(Fault::io("không tạo được thư mục", dir))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let failed = Fault::io("không ghi được tệp", path);
    let result = (|| {
        let mut builder = tempfile::Builder::new();
        let (prefix, suffix) =
            (format!(".{name}."), format!(".{}{TMP_SUFFIX}", std::process::id()));
        builder.prefix(&prefix).suffix(&suffix);
        // A printed file is readable as any file the user makes (0666 less
        // the umask), not kept private as a temporary file is (0600).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut tmp = builder.tempfile_in(dir)?;
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut out)?;
        out.flush()?;
        drop(out);
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    })();
    result.map_err(failed)
}

/// [`write_atomic`], unless the file already holds exactly `bytes` (then it
/// is left untouched, with its date). Returns whether it wrote.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, Fault> {
    // Only a regular file is compared: reading a FIFO would block.
    let regular = fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
    if regular && fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    write_atomic(path, bytes).map(|()| true)
}

/// Removes temporary files left by killed runs in `out` and its direct
/// subfolders, the only places canhbao writes to.
///
/// Symbolic links are never followed (a link to the folder itself, or to
/// another program's folder, is left alone) and only regular files are
/// removed. Files of a process that is still running (another shard
/// writing into the same folder) are left alone.
pub fn clean_temp(out: &Path) -> usize {
    sweep(out, 1)
}

fn sweep(dir: &Path, depth: usize) -> usize {
    let mut removed = 0;
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    for entry in entries.flatten() {
        let path = entry.path();
        // The entry's own type: a symlink is a symlink, not what it points to.
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            if depth > 0 {
                removed += sweep(&path, depth - 1);
            }
            continue;
        }
        if !kind.is_file() {
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

/// Hex SHA-256, kept under its old name for the stages that call it here.
pub use crate::sha256::hex as sha256;

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
    /// Files the layout read from the campaign (or its layouts folder), by
    /// virtual path, with their SHA-256: the file is stale when one changes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reads: BTreeMap<String, String>,
}

/// `manifest.json`: what a run wrote.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// canhbao version.
    pub tool: String,
    /// Whose output this is: `xã Tiên Trang, tỉnh Thanh Hóa` (a province
    /// run: the province). A run for another commune is refused.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub commune: String,
    /// Hash of the options and data the run was made from
    /// ([`crate::rerun::build_key`]): shards merge only when theirs agree.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// Files, sorted by path.
    pub files: Vec<Entry>,
    /// The run's other files, sorted: the files written beside a document
    /// (`--emit-data`'s `<stem>.json`, `--png`'s `<stem>-1.png`), the
    /// loudspeaker scripts, the print order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

impl Manifest {
    /// Reads a manifest, or an empty one when absent or unreadable, with the
    /// entries of its journal (a killed run's files) folded in.
    pub fn read(path: &Path) -> Manifest {
        let mut manifest: Manifest =
            fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        let journal = Journal::entries(&journal_path(path));
        if !journal.is_empty() {
            let newer: std::collections::HashSet<String> =
                journal.iter().map(|e| e.file.clone()).collect();
            manifest.files.retain(|e| !newer.contains(&e.file));
            // A file journaled twice (rendered again): the last line wins.
            let mut last: BTreeMap<String, Entry> = BTreeMap::new();
            for e in journal {
                last.insert(e.file.clone(), e);
            }
            manifest.files.extend(last.into_values());
        }
        manifest
    }

    /// This manifest's entries (it is `own` in `out`), then those of every
    /// other manifest there (the whole run's and each shard's): what is known
    /// to be on disk, whichever run wrote it. This is how shards merge: after shards 1/N … N/N have
    /// written into one folder (or their folders were copied together), a
    /// whole run finds every file already made, renders nothing, and writes
    /// one manifest and the print package.
    pub fn with_others(&self, out: &Path, own: &str) -> Vec<Entry> {
        let mut names = manifest_names(out);
        names.retain(|n| n != own);
        let mut seen = std::collections::HashSet::new();
        let others = names.into_iter().flat_map(|n| Manifest::read(&out.join(n)).files);
        self.files.iter().cloned().chain(others).filter(|e| seen.insert(e.file.clone())).collect()
    }

    /// Every file this manifest says canhbao wrote: its files and its
    /// other files.
    pub fn owned(&self) -> std::collections::BTreeSet<String> {
        self.files.iter().map(|e| &e.file).chain(&self.also).cloned().collect()
    }

    /// Writes the manifest atomically, files sorted; its journal, now
    /// folded in, is removed. The JSON is streamed to the file: 10,000
    /// villages make a manifest of several MB, not held a second time.
    pub fn write(&mut self, path: &Path) -> Result<(), Fault> {
        self.files.sort_by(|a, b| a.file.cmp(&b.file));
        self.also.sort();
        self.also.dedup();
        write_atomic_with(path, |out| {
            serde_json::to_writer_pretty(out, self).map_err(std::io::Error::from)
        })?;
        let _ = fs::remove_file(journal_path(path));
        Ok(())
    }
}

/// Removes the files canhbao wrote into `out` and no longer lists
/// (`rels`, relative to `out`), then the folders they leave empty. Only
/// regular files inside `out` are removed (a symbolic link on the way is
/// never followed); one already gone is fine. Returns the files that could
/// not be removed, with why.
pub fn remove_stale<'a>(
    out: &Path,
    rels: impl IntoIterator<Item = &'a String>,
) -> Vec<(String, String)> {
    let mut failed = Vec::new();
    let mut dirs = std::collections::BTreeSet::new();
    for rel in rels {
        let Ok(path) = place(out, rel) else { continue };
        let Ok(meta) = fs::symlink_metadata(&path) else { continue };
        if !meta.is_file() {
            continue;
        }
        match fs::remove_file(&path) {
            Ok(()) => {
                let mut dir = Path::new(rel.as_str()).parent();
                while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                    dirs.insert(d.to_path_buf());
                    dir = d.parent();
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                failed
                    .push((rel.clone(), Fault::io("không xoá được tệp cũ", &path)(e).to_string()));
            }
        }
    }
    // Deepest first; a folder that still holds something stays.
    for d in dirs.iter().rev() {
        let _ = fs::remove_dir(out.join(d));
    }
    failed
}

/// What a finished run keeps of the files its manifest lists.
#[derive(Debug, Default)]
pub struct Keep {
    /// The documents the campaign can make ([`crate::rerun::documents`]).
    pub documents: std::collections::HashSet<String>,
    /// The loudspeaker scripts of the villages in the table (`loa/<slug>.txt`).
    pub scripts: std::collections::HashSet<String>,
    /// Other files this run wrote (scripts).
    pub written: Vec<String>,
    /// When this run made the print package: the files of its order.
    pub package: Option<std::collections::HashSet<String>>,
}

/// The print order's file name.
pub const ORDER: &str = "print-order.csv";

/// The one-page note for the print shop, in Vietnamese, beside the order.
pub const SHOP_NOTE: &str = "print/GHI-CHU-NHA-IN.txt";

/// The shop note as a one-page A4 PDF, beside its plain-text twin.
pub const SHOP_NOTE_PDF: &str = "print/GHI-CHU-NHA-IN.pdf";

/// Whether `file` is one of the papers `order::write_all` writes under
/// `print/`. The out folder's names are this module's (like [`ORDER`]):
/// [`settle`] keeps or drops them, and names nothing above it to do so.
pub fn is_paper(file: &str) -> bool {
    file == SHOP_NOTE
        || file == SHOP_NOTE_PDF
        || file
            .strip_prefix("print/")
            .is_some_and(|f| f.ends_with("-proof.pdf") && !f.contains('/'))
}

/// Ends a run in `out`: the manifest at `path` keeps only what the
/// campaign still makes (`keep`), every file canhbao listed before
/// (`before`, read when the run began) or during the run and lists no
/// longer is removed, and the manifest is written. A document of a village
/// no longer in the table goes, with its side files, its 2-up sheet and
/// its script; a print package made before such a removal goes whole,
/// unless this run made the package again. Files are removed before the
/// manifest is written: a run killed in between leaves a manifest that
/// lists a file already gone, and the next run finishes the removal.
pub fn settle(out: &Path, path: &Path, before: &Manifest, keep: &Keep) -> Result<(), Fault> {
    let mut m = Manifest::read(path);
    let mut listed = m.owned();
    listed.extend(before.owned());
    let is_doc = |f: &str| !f.starts_with("print/");
    let removed = m.files.iter().any(|e| is_doc(&e.file) && !keep.documents.contains(&e.file));
    let source = |f: &str| -> Option<String> {
        // `print/<layout>-2up-sra4/<name>` is made from `<layout>/<name>`.
        let rest = f.strip_prefix("print/")?;
        let (dir, name) = rest.split_once('/')?;
        Some(format!("{}/{name}", dir.strip_suffix("-2up-sra4")?))
    };
    m.files.retain(|e| match (&keep.package, is_doc(&e.file)) {
        (_, true) => keep.documents.contains(&e.file),
        (Some(order), false) => order.contains(&e.file),
        (None, false) => !removed && source(&e.file).is_none_or(|s| keep.documents.contains(&s)),
    });
    let stems: std::collections::HashSet<&str> =
        m.files.iter().filter_map(|e| e.file.rsplit_once('.').map(|(stem, _)| stem)).collect();
    let side_of = |f: &str| -> Option<String> {
        // `.txt`: a social image's caption (issue 27).
        if let Some(stem) = f.strip_suffix(".json").or_else(|| f.strip_suffix(".txt")) {
            return Some(stem.to_string());
        }
        let (stem, page) = f.strip_suffix(".png")?.rsplit_once('-')?;
        page.parse::<u32>().ok().map(|_| stem.to_string())
    };
    let mut also = std::mem::take(&mut m.also);
    also.extend(keep.written.iter().cloned());
    if keep.package.is_some() {
        also.push(ORDER.to_string());
        also.push(SHOP_NOTE.to_string());
    }
    also.retain(|f| {
        let valid = if f == ORDER || is_paper(f) {
            keep.package.is_some() || !removed
        } else if f.starts_with("loa/") || f.starts_with("giao-nhan/") {
            // Scripts and delivery sheets (issue 27): one per village of the table.
            keep.scripts.contains(f)
        } else if f.starts_with("bao-cao/") {
            // Reports (`canhbao report`) stay until removed by hand.
            true
        } else {
            side_of(f).is_some_and(|stem| stems.contains(stem.as_str()))
        };
        valid && fs::symlink_metadata(out.join(f)).is_ok_and(|m| m.is_file())
    });
    m.also = also;
    let now = m.owned();
    let stale: Vec<&String> = listed.iter().filter(|f| !now.contains(*f)).collect();
    let failed = remove_stale(out, stale.iter().copied());
    // A file that stays on disk stays listed: the manifest tells the truth,
    // and the next run tries again.
    m.also.extend(failed.iter().map(|(f, _)| f.clone()));
    if let Err(e) = m.write(path) {
        // The manifest on disk is the batch's: the scripts this run added
        // are taken back so that it still tells what is there.
        let before = before.owned();
        let new: Vec<&String> = keep.written.iter().filter(|f| !before.contains(*f)).collect();
        remove_stale(out, new);
        return Err(e);
    }
    match failed.is_empty() {
        true => Ok(()),
        false => {
            Err(Fault::Other(failed.into_iter().map(|(_, why)| why).collect::<Vec<_>>().join("\n")))
        }
    }
}

/// Why `out` must not take this run's files: one of its manifests is
/// another commune's (`commune` is this run's, as [`Manifest::commune`]).
pub fn other_commune(out: &Path, commune: &str) -> Option<String> {
    manifest_names(out).into_iter().find_map(|name| {
        let theirs = Manifest::read(&out.join(&name)).commune;
        (!theirs.is_empty() && theirs != commune).then(|| {
            format!(
                "thư mục kết quả “{}” đang chứa tệp của {theirs} ({name}), không phải của {commune}",
                out.display()
            )
        })
    })
}

/// Shard manifests in `out` not yet merged, whose run differs from this
/// one (`key`, [`Manifest::key`]): `(file name, what differs)`. A shard
/// manifest is merged once `manifest.json` is newer than it.
pub fn unmatched_shards(out: &Path, key: &str) -> Vec<String> {
    let merged = fs::metadata(out.join("manifest.json")).and_then(|m| m.modified()).ok();
    let mut names = manifest_names(out);
    names.retain(|name| {
        if !name.starts_with("manifest.shard-") {
            return false;
        }
        let path = out.join(name);
        let newer = fs::metadata(&path).and_then(|m| m.modified()).ok();
        let pending = match (merged, newer) {
            (Some(m), Some(n)) => n >= m,
            _ => true,
        };
        pending && Manifest::read(&path).key != key
    });
    names
}

/// The refusal of a merge across shards made from other options or data
/// ([`unmatched_shards`]).
pub fn shards_issue(out: &Path, shards: &[String]) -> crate::diag::Issue {
    crate::diag::Issue::error(
        Path::new("--out"),
        format!(
            "không ghép được các phần trong “{}”: {} được tạo với tùy chọn hoặc dữ liệu khác với lần chạy này",
            out.display(),
            shards.join(", ")
        ),
    )
    .hint(
        "tạo lại mọi phần (--shard k/n) bằng cùng một lệnh và cùng dữ liệu (cùng --layout, --png, --emit-data, --week, cùng bảng thôn và campaign.toml), rồi ghép bằng đúng lệnh đó không có --shard; hoặc xoá tệp manifest của phần cũ nếu không ghép nó nữa",
    )
}

/// The manifests of `out` (those with only a journal too), by file
/// name, sorted.
fn manifest_names(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|n| record_base(&n))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The manifest a file of the output folder belongs to, if it is a
/// manifest (`manifest.json`, `manifest.shard-1-of-3.json`) or a journal
/// (`manifest.journal`): the manifest's name.
fn record_base(name: &str) -> Option<String> {
    if !name.starts_with("manifest") {
        return None;
    }
    if name.ends_with(".json") {
        return Some(name.to_string());
    }
    name.strip_suffix(".journal").map(|stem| format!("{stem}.json"))
}

/// The journal of a manifest: `manifest.json` → `manifest.journal`.
pub fn journal_path(manifest: &Path) -> PathBuf {
    manifest.with_extension("journal")
}

/// An append-only log of finished files, one JSON entry per line, written
/// as each file lands and folded into the manifest at the end of the run.
/// A killed run leaves it behind; the next run reads it with the manifest
/// ([`Manifest::read`]) and renders only what is not in either. A torn last
/// line (killed mid-write) is skipped.
///
/// A line is in the system's cache once appended, so a killed process loses
/// none. It reaches the disk at most [`Journal::SYNC_EVERY`] later (one
/// fsync for many files): a power cut loses at most that much, and those
/// files are made again.
pub struct Journal {
    file: fs::File,
    unsynced: bool,
    synced: std::time::Instant,
}

impl Journal {
    /// Longest time an appended line waits for its fsync.
    pub const SYNC_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

    /// Opens (creating) the journal for appending.
    pub fn open(path: &Path) -> Result<Journal, Fault> {
        let file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(Fault::io("không mở được tệp", path))?;
        Ok(Journal { file, unsynced: false, synced: std::time::Instant::now() })
    }

    /// Appends one entry (one `write`, so a line is never interleaved).
    pub fn append(&mut self, entry: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.unsynced = true;
        if self.synced.elapsed() >= Self::SYNC_EVERY {
            self.sync();
        }
        Ok(())
    }

    /// Flushes what was appended to disk.
    pub fn sync(&mut self) {
        if std::mem::take(&mut self.unsynced) {
            let _ = self.file.sync_data();
            self.synced = std::time::Instant::now();
        }
    }

    /// The entries of a journal (none when absent).
    fn entries(path: &Path) -> Vec<Entry> {
        let Ok(bytes) = fs::read(path) else { return Vec::new() };
        bytes.split(|b| *b == b'\n').filter_map(|l| serde_json::from_slice(l).ok()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &str, sha: &str) -> Entry {
        Entry {
            file: file.into(),
            layout: "l".into(),
            village: "v".into(),
            pages: 1,
            bytes: 1,
            sha256: sha.into(),
            inputs: "i".into(),
            reads: BTreeMap::new(),
        }
    }

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
    fn the_streamed_manifest_is_the_whole_pretty_json_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.json");
        // Enough entries to pass the write buffer several times over.
        let files: Vec<Entry> =
            (0..2000).rev().map(|i| entry(&format!("thon-{i:04}.pdf"), "s")).collect();
        let mut manifest = Manifest { tool: "t".into(), files, ..Manifest::default() };
        manifest.write(&path).unwrap();
        let written = fs::read(&path).unwrap();
        assert!(written.len() > 8 * 8192, "the test passes the buffer: {} bytes", written.len());
        assert_eq!(manifest.files[0].file, "thon-0000.pdf", "sorted by file");
        assert_eq!(written, serde_json::to_vec_pretty(&manifest).unwrap());
    }

    #[test]
    fn manifests_merge_own_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut own = Manifest {
            tool: "t".into(),
            files: vec![entry("a.pdf", "own")],
            ..Manifest::default()
        };
        own.write(&dir.path().join("manifest.json")).unwrap();
        let mut shard = Manifest {
            tool: "t".into(),
            files: vec![entry("a.pdf", "shard"), entry("b.pdf", "shard")],
            ..Manifest::default()
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
    fn the_journal_folds_into_the_manifest_and_a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.json");
        Manifest { tool: "t".into(), files: vec![entry("a.pdf", "old")], ..Manifest::default() }
            .write(&path)
            .unwrap();
        let mut journal = Journal::open(&journal_path(&path)).unwrap();
        journal.append(&entry("a.pdf", "new")).unwrap();
        journal.append(&entry("b.pdf", "new")).unwrap();
        journal.sync();
        let mut torn = fs::OpenOptions::new().append(true).open(journal_path(&path)).unwrap();
        torn.write_all(b"{\"file\":\"c.pdf\",\"lay").unwrap();
        let mut read = Manifest::read(&path);
        let got: Vec<(&str, &str)> =
            read.files.iter().map(|e| (e.file.as_str(), e.sha256.as_str())).collect();
        assert_eq!(got, [("a.pdf", "new"), ("b.pdf", "new")]);
        read.write(&path).unwrap();
        assert!(!journal_path(&path).exists(), "written manifests absorb their journal");
        assert_eq!(Manifest::read(&path).files.len(), 2);
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
