//! Resource limits (issue 14: defects 3 and 7): small files that asked for
//! gigabytes or hours are refused from their size, shape or header. How fast
//! is measured in `bench/limits.sh`; here a run that outlives a generous
//! guard counts as a hang and fails instead of stalling the suite.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::*;

/// Runs `cmd`, killing it after `limit`: (exit code, stderr), or `None` on a hang.
fn run_guarded(cmd: &mut Command, limit: Duration) -> Option<(i32, String)> {
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("canhbao runs");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            return Some((status.code().unwrap_or(-1), err));
        }
        if start.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `build` must exit 2 naming `wants`, within the hang guard, writing nothing.
fn refused(dir: &Path, wants: &[&str]) -> String {
    let out = dir.join("out");
    let mut cmd = canhbao();
    cmd.arg("build").arg(dir).arg("--out").arg(&out);
    let (code, err) = run_guarded(&mut cmd, Duration::from_secs(60)).expect("hangs");
    assert_eq!(code, 2, "exit code\n{err}");
    assert!(!err.contains("panicked"), "panic\n{err}");
    for want in wants {
        assert!(err.contains(want), "{want:?} not in:\n{err}");
    }
    assert!(all_files(&out).is_empty(), "wrote {:?}", all_files(&out));
    err
}

/// A copy of the example reading `villages.xlsx` with these bytes.
fn with_xlsx(bytes: &[u8]) -> tempfile::TempDir {
    let dir = example_copy();
    let path = dir.path().join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap();
    fs::write(&path, toml.replace("villages.csv", "villages.xlsx")).unwrap();
    fs::write(dir.path().join("villages.xlsx"), bytes).unwrap();
    dir
}

/// A valid one-village workbook; `extra` may add cells.
pub fn workbook(extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["name", "kind", "officer", "officer_phone", "households"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["Đông Hải", "thôn", "Lê Văn Bình", "0912 345 678"].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    sheet.write_number(1, 4, 305).unwrap();
    extra(sheet);
    book.save_to_buffer().unwrap()
}

/// `xlsx` rebuilt with one more part `name` of `size` zero bytes (deflated
/// to about a thousandth of that).
pub fn with_padding(xlsx: &[u8], name: &str, size: usize) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut entry = src.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        out.start_file(entry.name(), deflated).unwrap();
        out.write_all(&data).unwrap();
    }
    out.start_file(name, deflated).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..size >> 20 {
        out.write_all(&zeros).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Rewrites the uncompressed size recorded for part `name` (in its local
/// header and in the central directory) to `claimed`: a zip bomb that lies.
pub fn lie_about_size(zip: &mut [u8], name: &str, claimed: u32) {
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46) {
        let (sig, size_at, name_at) = match &zip[i..i + 4] {
            [0x50, 0x4B, 0x03, 0x04] => ("local", 22, 30),
            [0x50, 0x4B, 0x01, 0x02] => ("central", 24, 46),
            _ => continue,
        };
        let len_at = if sig == "local" { 26 } else { 28 };
        let len = u16::from_le_bytes([zip[i + len_at], zip[i + len_at + 1]]) as usize;
        if zip.get(i + name_at..i + name_at + len) == Some(name.as_bytes()) {
            zip[i + size_at..i + size_at + 4].copy_from_slice(&claimed.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of {name} patched");
}

/// Defect 3: one value in cell XFD1048576 of a 1.7 KB file made calamine
/// allocate the dense range, 22 GB.
#[test]
fn xlsx_with_a_far_cell_is_refused_before_allocating() {
    let xlsx = workbook(|s| {
        s.write_string(1_048_575, 16_383, "x").unwrap();
    });
    assert!(xlsx.len() < 10_000);
    let dir = with_xlsx(&xlsx);
    refused(dir.path(), &["villages.xlsx:1048576", "XFD1048576", "50 cột"]);
}

/// Defect 3: a zip bomb, honest about its size (100 MB in 100 KB).
#[test]
fn xlsx_bomb_is_refused_from_its_declared_size() {
    let bomb = with_padding(&workbook(|_| {}), "xl/media/image1.bin", 100 << 20);
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let dir = with_xlsx(&bomb);
    refused(dir.path(), &["villages.xlsx", "giải nén", "64,0 MB"]);
}

/// Defect 3: a zip bomb whose directory claims 1 KB: counted while unpacking.
#[test]
fn xlsx_bomb_that_lies_about_its_size_is_refused() {
    let mut bomb = with_padding(&workbook(|_| {}), "xl/media/image1.bin", 100 << 20);
    lie_about_size(&mut bomb, "xl/media/image1.bin", 1024);
    let dir = with_xlsx(&bomb);
    refused(dir.path(), &["villages.xlsx", "giải nén", "64,0 MB"]);
}

/// Defect 3: shared formulas calamine would expand over a million cells,
/// and a shared-string index past the table (a panic in calamine).
#[test]
fn xlsx_parts_calamine_trusts_are_checked() {
    let formula = workbook(|s| {
        s.write_formula(1, 6, "=1+1").unwrap();
    });
    let patched = replace_in_part(
        &formula,
        "xl/worksheets/sheet1.xml",
        "<f>1+1</f>",
        "<f t=\"shared\" ref=\"G2:G1048576\" si=\"4000000000\">1+1</f>",
    );
    refused(with_xlsx(&patched).path(), &["villages.xlsx", "hỏng", "công thức"]);
    let strings = workbook(|_| {});
    let patched =
        replace_in_part(&strings, "xl/worksheets/sheet1.xml", "<v>0</v>", "<v>999999</v>");
    refused(with_xlsx(&patched).path(), &["villages.xlsx", "hỏng", "999999"]);
}

/// `xlsx` with the first `from` in part `name` replaced by `to`.
pub fn replace_in_part(xlsx: &[u8], name: &str, from: &str, to: &str) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let mut entry = src.by_index(i).unwrap();
        let mut data = String::new();
        entry.read_to_string(&mut data).unwrap();
        if entry.name() == name {
            assert!(data.contains(from), "{name} lacks {from}:\n{data}");
            data = data.replacen(from, to, 1);
        }
        out.start_file(entry.name(), zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(data.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Defect 7: a 1 MB officer name hung the layout (100 KB took 14 s).
#[test]
fn megabyte_officer_name_is_refused() {
    let dir = example_copy();
    let csv = fs::read_to_string(dir.path().join("villages.csv")).unwrap();
    let huge = "Nguyễn Văn An ".repeat(75_000);
    fs::write(dir.path().join("villages.csv"), csv.replacen("Lê Văn Bình", &huge, 1)).unwrap();
    refused(dir.path(), &["villages.csv:3", "officer", "ký tự, quá giới hạn 1000"]);
}

/// Defect 7: every field has a limit, named with its line: a name in
/// campaign.toml, a phone number, a channel address, a `[text]` sentence.
#[test]
fn every_field_has_a_size_limit_with_its_line() {
    let long = "Tiên ".repeat(10_000);
    // `below`: how many lines below `from` the refused value lands.
    for (what, from, to, below) in [
        ("commune", "name = \"Tiên Trang\"", format!("name = \"{long}\""), 0),
        ("phone", "phone = \"113\"", format!("phone = \"{}\"", "1".repeat(5_000)), 0),
        (
            "channel",
            "url = \"https://tinnhiemmang.vn\"",
            format!("url = \"https://tinnhiemmang.vn/{}\"", "a".repeat(5_000)),
            0,
        ),
        ("sentence", "[print]", format!("[text.front]\nkicker = \"{long}\"\n\n[print]"), 1),
    ] {
        let dir = example_copy();
        let path = dir.path().join("campaign.toml");
        let toml = fs::read_to_string(&path).unwrap();
        assert!(toml.contains(from), "{what}");
        let line = crate::input::line_of(&toml, from) + below;
        fs::write(&path, toml.replacen(from, &to, 1)).unwrap();
        refused(dir.path(), &[&format!("campaign.toml:{line}:"), "quá giới hạn"]);
    }
}

/// The number of villages and of columns is bounded too.
#[test]
fn rows_and_columns_are_bounded() {
    let dir = example_copy();
    let mut csv = String::from("name,kind,officer,officer_phone,households\n");
    for i in 0..100_001 {
        csv.push_str(&format!("Thôn {i},thôn,Lê An,0912000101,1\n"));
    }
    fs::write(dir.path().join("villages.csv"), csv).unwrap();
    refused(dir.path(), &["villages.csv:100002", "100000 dòng"]);

    let dir = example_copy();
    let wide = format!("name,kind,officer,officer_phone,households{}\n", ",x".repeat(60));
    fs::write(dir.path().join("villages.csv"), wide + "Đông Hải,thôn,A,0912000101,1\n").unwrap();
    refused(dir.path(), &["villages.csv:1", "65 cột"]);
}

/// The shared-string bomb of issue 29 (H2): one 900-character string
/// referenced by 1.9 million cells, 3.8 MB on disk. `check` took 51 s and
/// 2.1 GB, printing 693 k lines. Refused from its expanded size, before any
/// cell is read, naming the file; a few lines, not one per cell.
pub fn string_bomb() -> Vec<u8> {
    let long = "Nguyễn Văn An ".repeat(64)[..900].to_string();
    let xlsx = workbook(|s| {
        s.write_string(2, 0, &long).unwrap();
    });
    let sheet = part_text(&xlsx, "xl/worksheets/sheet1.xml");
    let at = sheet.find("<c r=\"A3\" t=\"s\"><v>").expect("the long string's cell");
    let rest = &sheet[at + "<c r=\"A3\" t=\"s\"><v>".len()..];
    let index = &rest[..rest.find('<').unwrap()];
    let mut rows = String::with_capacity(60 << 20);
    for r in 4..38_004 {
        rows.push_str(&format!("<row r=\"{r}\">"));
        for c in 0..50u8 {
            let col = if c < 26 {
                ((b'A' + c) as char).to_string()
            } else {
                format!("A{}", (b'A' + c - 26) as char)
            };
            rows.push_str(&format!("<c r=\"{col}{r}\" t=\"s\"><v>{index}</v></c>"));
        }
        rows.push_str("</row>");
    }
    let bomb = sheet.replacen("</sheetData>", &(rows + "</sheetData>"), 1);
    let bytes = replace_part(&xlsx, "xl/worksheets/sheet1.xml", &bomb);
    assert!(bytes.len() < 8 << 20, "{}", bytes.len());
    bytes
}

/// The text of part `name` of a zip.
fn part_text(zip: &[u8], name: &str) -> String {
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut text = String::new();
    src.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// `xlsx` with part `name` replaced by `text`, deflated.
fn replace_part(xlsx: &[u8], name: &str, text: &str) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut entry = src.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        out.start_file(entry.name(), deflated).unwrap();
        out.write_all(if entry.name() == name { text.as_bytes() } else { &data }).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn xlsx_shared_string_bomb_is_refused_in_seconds() {
    let dir = with_xlsx(&string_bomb());
    let mut cmd = canhbao();
    cmd.arg("check").arg(dir.path());
    let start = Instant::now();
    let (code, err) = run_guarded(&mut cmd, Duration::from_secs(60)).expect("hangs");
    let took = start.elapsed();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("villages.xlsx") && err.contains("quá giới hạn"), "{err}");
    assert!(err.lines().count() < 10, "{} lines", err.lines().count());
    // A debug build on a busy machine; a release build takes well under a second.
    assert!(took < Duration::from_secs(10), "took {took:?}");
    refused(dir.path(), &["villages.xlsx", "ô"]);
}
