//! Helpers: run the real binary in a scratch folder and inspect its PDFs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use lopdf::{Document, Object};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `canhbao` command with a clean environment.
pub fn canhbao() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_canhbao"));
    cmd.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    cmd
}

/// Runs and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output { status, stdout, stderr } = cmd.output().expect("canhbao runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Copies a folder recursively (fixtures must not be changed in place).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            if entry.file_name() != "out" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A fresh copy of the campaign folder `tests/fixtures/<case>` in a temp
/// dir (a build writes into the campaign's `out/`).
pub fn fixture(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = repo().join("tests/fixtures").join(case);
    assert!(from.join("campaign.toml").is_file(), "no fixture {}", from.display());
    copy_dir(&from, dir.path());
    dir
}

/// A fresh copy of the fixture `case` built with `args` (no print package)
/// into its `out/`; asserts the build succeeded. (the copy, `out`)
pub fn fixture_built(case: &str, args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = fixture(case);
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(dir.path())
        .args(args)
        .args(["--no-package", "--out"])
        .arg(&out));
    assert_eq!(code, 0, "{case}: {err}");
    (dir, out)
}

/// Builds the village Đông Hải of the campaign in `dir` (no print package)
/// into `dir/out`, asserts the build succeeded and returns that folder.
pub fn build_dong_hai(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(dir)
        .args(["--village", "Đông Hải", "--no-package", "--out"])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    out
}

/// A fresh copy of the example campaign in a temp dir.
pub fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/tien-trang"), dir.path());
    dir
}

/// The example built once per test process (PDF + PNG at 150 dpi).
pub fn example_build() -> &'static Path {
    static BUILT: OnceLock<tempfile::TempDir> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            let (code, _, err) = run(canhbao()
                .arg("build")
                .arg(repo().join("examples/tien-trang"))
                .arg("--out")
                .arg(&out)
                .args(["--png", "150"]));
            assert_eq!(code, 0, "example build failed:\n{err}");
            dir
        })
        .path()
}

/// Every file with extension `ext` under `dir`, sorted.
pub fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == ext));
    out.sort();
    out
}

/// All files under `dir`, recursively.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                out.extend(all_files(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

/// Text of a PDF via poppler's pdftotext (installed by .ci/run). Numbers
/// and names print with no-break spaces: they read here as plain spaces.
pub fn pdf_text(pdf: &Path) -> String {
    pdftotext(pdf, "-layout")
}

/// A PDF's text in the order it was set (`pdftotext -raw`): a table's
/// cells whole, each on its lines; no-break spaces read as spaces.
pub fn pdf_raw_text(pdf: &Path) -> String {
    pdftotext(pdf, "-raw")
}

fn pdftotext(pdf: &Path, mode: &str) -> String {
    let out = Command::new("pdftotext")
        .args([mode, "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ")
}

/// Text of one page (1-based).
pub fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ")
}

/// The words of a PDF page as `pdftotext -bbox` reads them: ([left, top,
/// right, foot], word), in mm from the top left of the MediaBox.
pub fn word_boxes(pdf: &Path, page: usize) -> Vec<([f64; 4], String)> {
    let o = Command::new("pdftotext")
        .args(["-bbox", "-enc", "UTF-8", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&o.stdout);
    let at = |l: &str, key: &str| -> f64 {
        let i = l.find(key).unwrap() + key.len();
        l[i..].split('"').next().unwrap().parse::<f64>().unwrap() * 25.4 / 72.0
    };
    html.lines()
        .filter(|l| l.contains("<word"))
        .map(|l| {
            let word = l.split('>').nth(1).unwrap().split('<').next().unwrap().to_string();
            let edges = ["xMin=\"", "yMin=\"", "xMax=\"", "yMax=\""].map(|k| at(l, k));
            (edges, word)
        })
        .collect()
}

/// A box of a page, in millimetres: (width, height).
pub fn box_mm(doc: &Document, page: u32, name: &[u8]) -> (f64, f64) {
    let pages = doc.get_pages();
    let id = pages[&page];
    let dict = doc.get_dictionary(id).unwrap();
    let arr = dict.get(name).unwrap().as_array().unwrap();
    let n: Vec<f64> = arr.iter().map(num).collect();
    let mm = |pt: f64| pt * 25.4 / 72.0;
    (mm(n[2] - n[0]), mm(n[3] - n[1]))
}

/// A PDF number as f64.
pub fn num(o: &Object) -> f64 {
    match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => *r as f64,
        _ => panic!("not a number: {o:?}"),
    }
}

/// Whether every font in the document carries an embedded font program.
pub fn all_fonts_embedded(doc: &Document) -> (usize, bool) {
    let mut fonts = 0;
    let mut embedded = true;
    for (_, obj) in doc.objects.iter() {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Type").ok().and_then(|t| t.as_name().ok()) != Some(b"FontDescriptor") {
            continue;
        }
        fonts += 1;
        let has = [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
            .iter()
            .any(|k| dict.get(k).is_ok());
        embedded &= has;
    }
    (fonts, embedded)
}

/// Decodes every QR code in a PNG.
pub fn decode_qr(png: &Path) -> Vec<String> {
    let img = image::open(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let mut out: Vec<String> = prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect();
    out.sort();
    out
}
