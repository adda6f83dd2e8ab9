//! Real-world input: the same villages in every format Excel (or a Mac, or an
//! old Windows) produces give the same PDFs; broken files are refused with the
//! place named and nothing written; `init` and `check` work for a new user.

use std::fs;
use std::path::{Path, PathBuf};

use encoding_rs::WINDOWS_1258;
use rust_xlsxwriter::{Format, Formula, Workbook};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::util::*;

/// The example's village table, as text.
fn example_csv() -> String {
    fs::read_to_string(repo().join("examples/tien-trang/villages.csv")).unwrap()
}

/// The example's table as rows of cells (title row, header row, 31 villages).
fn example_rows() -> Vec<Vec<String>> {
    let text = example_csv();
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    assert!(rows[0][0].starts_with('#'), "fixture: first row is a title: {:?}", rows[0]);
    assert_eq!(rows[1][0], "name", "fixture: second row is the header");
    assert_eq!(rows.len(), 2 + 31, "fixture: 31 villages");
    rows
}

/// The rows as an .xlsx workbook: numbers as numbers, the phone column as text.
fn example_xlsx() -> Vec<u8> {
    let rows = example_rows();
    let phone_col = rows[1].iter().position(|h| h == "officer_phone").unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let text = Format::new().set_num_format("@");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r32, c16) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if r > 1 && c != phone_col => sheet.write_number(r32, c16, n),
                _ if c == phone_col => sheet.write_string_with_format(r32, c16, cell, &text),
                _ => sheet.write_string(r32, c16, cell),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// Tone marks Windows-1258 keeps as separate combining characters.
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

/// NFC text in the form Windows-1258 can hold: precomposed base letters
/// (â ê ô ă ơ ư đ) followed by a combining tone mark.
fn windows_1258_form(s: &str) -> String {
    let mut out = String::new();
    let mut base = String::new();
    let mut tones = String::new();
    let mut flush = |base: &mut String, tones: &mut String| {
        out.extend(base.nfc());
        out.push_str(tones);
        base.clear();
        tones.clear();
    };
    for c in s.nfd() {
        if !is_combining_mark(c) {
            flush(&mut base, &mut tones);
            base.push(c);
        } else if TONES.contains(&c) {
            tones.push(c);
        } else {
            base.push(c);
        }
    }
    flush(&mut base, &mut tones);
    out
}

/// The example's villages in every format: (file name, bytes).
fn variants() -> Vec<(&'static str, Vec<u8>)> {
    let text = example_csv();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let for_1258 = windows_1258_form(&text);
    let (cp1258, _, had_errors) = WINDOWS_1258.encode(&for_1258);
    assert!(!had_errors, "the example must be representable in Windows-1258");
    assert!(std::str::from_utf8(&cp1258).is_err(), "Windows-1258 bytes must not pass as UTF-8");
    let nfd: String = text.nfd().collect();
    assert_ne!(nfd, text, "the NFD variant must differ from the NFC file");
    vec![
        ("villages.xlsx", example_xlsx()),
        ("villages-bom.csv", bom),
        ("villages-utf16.csv", utf16),
        ("villages-1258.csv", cp1258.into_owned()),
        ("villages-nfd.csv", nfd.into_bytes()),
    ]
}

/// Points campaign.toml at `file` (and removes the original villages.csv).
fn use_villages(dir: &Path, file: &str, bytes: &[u8]) {
    fs::write(dir.join(file), bytes).unwrap();
    fs::remove_file(dir.join("villages.csv")).unwrap();
    let path = dir.join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap();
    let from = "villages = \"villages.csv\"";
    assert!(toml.contains(from), "fixture lacks {from}");
    fs::write(&path, toml.replacen(from, &format!("villages = \"{file}\""), 1)).unwrap();
}

/// Builds two villages' leaflets; returns (file name, bytes) of every PDF.
fn build_two(dir: &Path, out: &Path, what: &str) -> Vec<(String, Vec<u8>)> {
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(dir)
        .arg("--out")
        .arg(out)
        .args(["--layout", "leaflet-a5", "--no-package"])
        .args(["--village", "Đông Hải", "--village", "Vạn Lộc"]));
    assert_eq!(code, 0, "{what}: build failed\n{err}");
    let pdfs = files(&out.join("leaflet-a5"), "pdf");
    assert_eq!(pdfs.len(), 2, "{what}: two leaflets expected, got {pdfs:?}");
    pdfs.iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read(p).unwrap()))
        .collect()
}

#[test]
fn same_villages_in_every_format_give_identical_pdfs() {
    let plain_dir = example_copy();
    let plain = build_two(plain_dir.path(), &plain_dir.path().join("out"), "plain csv");
    let names: Vec<&str> = plain.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["thon-dong-hai.pdf", "thon-van-loc.pdf"]);
    assert!(
        pdf_text(&plain_dir.path().join("out/leaflet-a5/thon-van-loc.pdf")).contains("Vạn Lộc")
    );

    std::thread::scope(|s| {
        let handles: Vec<_> = variants()
            .into_iter()
            .map(|(file, bytes)| {
                let plain = &plain;
                s.spawn(move || {
                    let dir = example_copy();
                    use_villages(dir.path(), file, &bytes);
                    let got = build_two(dir.path(), &dir.path().join("out"), file);
                    assert_eq!(got.len(), plain.len(), "{file}");
                    for ((gn, gb), (pn, pb)) in got.iter().zip(plain) {
                        assert_eq!(gn, pn, "{file}: file names differ");
                        assert!(gb == pb, "{file}: {gn} differs from the plain-CSV build");
                    }
                })
            })
            .collect();
        for h in handles {
            if let Err(e) = h.join() {
                std::panic::resume_unwind(e);
            }
        }
    });
}

#[test]
fn tcvn3_text_is_refused_with_the_encoding_named() {
    // "Thôn Đông Hải, Lê Văn Bình" typed with a TCVN3 (ABC) font and saved
    // as an ANSI CSV: one byte per character.
    let text = "name,kind,officer,officer_phone,households\n\
                §«ng H¶i,th«n,Lª V¨n B×nh,0912345678,305\n\
                T©y H¶i,th«n,NguyÔn Minh An,0912345679,473\n";
    let bytes: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    assert!(std::str::from_utf8(&bytes).is_err());
    let dir = example_copy();
    fs::write(dir.path().join("villages.csv"), bytes).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).arg("--out").arg(&out));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("TCVN3"), "{err}");
    assert!(err.contains("villages.csv"), "{err}");
    assert!(err.contains("Unikey"), "the hint says how to convert:\n{err}");
    assert!(all_files(&out).is_empty());
}

/// A malformed-input case: the campaign folder is `root/xa`.
struct Case {
    name: &'static str,
    /// campaign.toml edit (from, to); empty `from` for none.
    toml: (&'static str, &'static str),
    /// The village table's file name and bytes.
    file: &'static str,
    bytes: Vec<u8>,
    /// Each must appear in stderr.
    wants: Vec<String>,
}

const HEADER: &str = "name,kind,officer,officer_phone,households\n";

fn csv_case(name: &'static str, body: String, wants: &[&str]) -> Case {
    Case {
        name,
        toml: ("", ""),
        file: "villages.csv",
        bytes: body.into_bytes(),
        wants: wants.iter().map(|s| s.to_string()).collect(),
    }
}

fn xlsx_case(name: &'static str, bytes: Vec<u8>, wants: &[&str]) -> Case {
    let toml = ("villages = \"villages.csv\"", "villages = \"villages.xlsx\"");
    Case {
        name,
        toml,
        file: "villages.xlsx",
        bytes,
        wants: wants.iter().map(|s| s.to_string()).collect(),
    }
}

/// Pseudo-random bytes (xorshift) with NULs, like a renamed .docx or image.
fn binary_bytes() -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    out[0] = 0x50; // not a BOM
    for i in (3..out.len()).step_by(97) {
        out[i] = 0;
    }
    out
}

/// A formula in column `col`; `cached` is the value saved with it (Excel
/// always saves one; files written by scripts often carry none).
fn formula_xlsx(col: u16, cached: &str) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_formula_result_default(cached);
    let header = ["name", "kind", "officer", "officer_phone", "households", "shops"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "Đông Hải").unwrap();
    sheet.write_string(1, 1, "thôn").unwrap();
    sheet.write_string(1, 2, "Lê Văn Bình").unwrap();
    sheet.write_string(1, 3, "0912 345 678").unwrap();
    sheet.write_number(1, 4, 305).unwrap();
    sheet.write_number(1, 5, 7).unwrap();
    sheet.write_formula(1, col, Formula::new("=1+1")).unwrap();
    book.save_to_buffer().unwrap()
}

fn merged_header_xlsx() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, "Tên thôn", &bold).unwrap();
    sheet.write_string_with_format(0, 1, "Loại", &bold).unwrap();
    // "Công an viên phụ trách" spans the officer and phone columns: the phone
    // column has no header of its own.
    sheet.merge_range(0, 2, 0, 3, "Công an viên phụ trách", &bold).unwrap();
    sheet.write_string_with_format(0, 4, "Số hộ", &bold).unwrap();
    let row = ["Đông Hải", "thôn", "Lê Văn Bình", "0912 345 678"];
    for (c, v) in row.iter().enumerate() {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    sheet.write_number(1, 4, 305).unwrap();
    book.save_to_buffer().unwrap()
}

fn cases() -> Vec<Case> {
    let huge = "Đông".repeat(25_000);
    assert_eq!(huge.chars().count(), 100_000);
    let logo_line = "villages = \"villages.csv\"";
    vec![
        csv_case(
            "missing header row",
            "Đông Hải,thôn,Lê Văn Bình,0912345678,305\nTây Hải,thôn,Lê An,0912345679,200\n".into(),
            &["villages.csv:1", "tiêu đề"],
        ),
        csv_case(
            "11-digit mobile",
            format!("{HEADER}Đông Hải,thôn,Lê Văn Bình,0912.345.6789,305\n"),
            &["villages.csv:2", "0912.345.6789", "10 chữ số"],
        ),
        csv_case(
            "letters in phone",
            format!("{HEADER}Đông Hải,thôn,Lê Văn Bình,0912 ABC 678,305\n"),
            &["villages.csv:2", "officer_phone", "“A”"],
        ),
        csv_case(
            "duplicate slug",
            format!("{HEADER}Đông Mỹ,thôn,A,0912345678,10\nĐồng Mỹ,thôn,B,0912345679,5\n"),
            &["villages.csv:3", "trùng", "dòng 2", "thon-dong-my"],
        ),
        Case {
            name: "logo outside the folder",
            toml: (logo_line, "villages = \"villages.csv\"\nlogo = \"../x.png\""),
            file: "villages.csv",
            bytes: format!("{HEADER}Đông Hải,thôn,A,0912345678,10\n").into_bytes(),
            wants: vec!["campaign.toml:15".into(), "../x.png".into(), "ngoài thư mục".into()],
        },
        Case {
            name: "missing logo",
            toml: (logo_line, "villages = \"villages.csv\"\nlogo = \"logo.png\""),
            file: "villages.csv",
            bytes: format!("{HEADER}Đông Hải,thôn,A,0912345678,10\n").into_bytes(),
            wants: vec!["campaign.toml:15".into(), "logo.png".into(), "không tìm thấy".into()],
        },
        csv_case("empty file", String::new(), &["villages.csv", "trống"]),
        Case {
            name: "binary file",
            toml: ("", ""),
            file: "villages.csv",
            bytes: binary_bytes(),
            wants: vec!["villages.csv".into(), "nhị phân".into()],
        },
        csv_case(
            "huge cell",
            format!("{HEADER}{huge},thôn,A,0912345678,10\n"),
            &["villages.csv:2", "100000 ký tự"],
        ),
        xlsx_case("formula cell", formula_xlsx(3, "0"), &["villages.xlsx:2", "officer_phone"]),
        xlsx_case("formula, no value", formula_xlsx(3, ""), &["villages.xlsx:2", "=1+1"]),
        xlsx_case("formula in shops", formula_xlsx(5, ""), &["villages.xlsx:2", "=1+1"]),
        xlsx_case("merged header", merged_header_xlsx(), &["villages.xlsx:1", "officer_phone"]),
    ]
}

/// A copy of the example at `root/xa`, with an image beside it (outside it).
fn campaign_in_subdir() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("xa");
    copy_dir(&repo().join("examples/tien-trang"), &dir);
    let png = image::RgbImage::from_pixel(4, 4, image::Rgb([200, 0, 0]));
    png.save(root.path().join("x.png")).unwrap();
    (root, dir)
}

#[test]
fn malformed_input_is_reported_with_place_and_writes_nothing() {
    for case in cases() {
        let Case { name, toml: (from, to), file, bytes, wants } = case;
        let (_root, dir) = campaign_in_subdir();
        if !from.is_empty() {
            let path = dir.join("campaign.toml");
            let toml = fs::read_to_string(&path).unwrap();
            assert!(toml.contains(from), "{name}: fixture lacks {from}");
            fs::write(&path, toml.replacen(from, to, 1)).unwrap();
        }
        fs::write(dir.join(file), &bytes).unwrap();
        let out = dir.join("out");
        let (code, _, err) = run(canhbao().arg("build").arg(&dir).arg("--out").arg(&out));
        assert_eq!(code, 2, "{name}: exit code\n{err}");
        assert!(!err.contains("panicked"), "{name}: panic\n{err}");
        for want in &wants {
            assert!(err.contains(want.as_str()), "{name}: {want:?} not in:\n{err}");
        }
        assert!(err.len() < 5_000, "{name}: message too long ({} bytes)", err.len());
        assert!(all_files(&out).is_empty(), "{name}: output written despite bad input");
        let (code, _, err) = run(canhbao().arg("check").arg(&dir));
        assert_eq!(code, 2, "{name}: check must fail too\n{err}");
        assert!(all_files(&out).is_empty(), "{name}: check wrote files despite bad input");
    }
}

/// Fills in what `init` leaves empty, as a new user would (the refusal of an
/// unedited template is tested in words.rs).
fn fill_in_template(dir: &Path) {
    let toml_path = dir.join("campaign.toml");
    let toml = fs::read_to_string(&toml_path)
        .unwrap()
        .replacen("name = \"\"", "name = \"Tiên Trang\"", 1)
        .replacen("province = \"\"", "province = \"Thanh Hóa\"", 1)
        .replacen("phone = \"\"", "phone = \"0237 3852 607\"", 1);
    fs::write(&toml_path, toml).unwrap();
    let rows = [
        ["Tên thôn", "Loại", "Cán bộ phụ trách", "SĐT", "Số hộ"],
        ["Đông Hải", "thôn", "Lê Văn Bình", "0912 001 101", "312"],
        ["Tây Hải", "thôn", "Nguyễn Thị Hoa", "0912 001 102", "245"],
        ["Bắc Sơn", "bản", "Hoàng Văn Nam", "0912 001 103", "180"],
    ];
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    fs::write(dir.join("villages.xlsx"), book.save_to_buffer().unwrap()).unwrap();
}

#[test]
fn init_then_build_works_for_a_new_user() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("xa-moi");
    let (code, _, err) = run(canhbao().arg("init").arg(&dir));
    assert_eq!(code, 0, "init failed\n{err}");
    for f in ["campaign.toml", "villages.xlsx", "HUONG-DAN.txt"] {
        assert!(dir.join(f).is_file(), "init did not write {f}");
    }
    assert!(!dir.join("villages.csv").exists(), "one village table, not two");
    fill_in_template(&dir);
    let (code, _, err) = run(canhbao().arg("build").arg(&dir));
    assert_eq!(code, 0, "build of a filled-in init failed\n{err}");
    let pdfs = files(&dir.join("out/leaflet-a5"), "pdf");
    let names: Vec<String> =
        pdfs.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["ban-bac-son.pdf", "thon-dong-hai.pdf", "thon-tay-hai.pdf"]);
    assert!(pdf_text(&pdfs[0]).contains("Hoàng Văn Nam"), "the xlsx row is printed");

    // The officer edits the campaign; a second init must not overwrite it.
    let toml_path = dir.join("campaign.toml");
    let edited = format!("{}\n# đã sửa\n", fs::read_to_string(&toml_path).unwrap());
    fs::write(&toml_path, &edited).unwrap();
    let xlsx_before = fs::read(dir.join("villages.xlsx")).unwrap();
    let (code, _, err) = run(canhbao().arg("init").arg(&dir));
    assert_ne!(code, 0, "second init must fail");
    assert!(err.contains("campaign.toml"), "{err}");
    assert_eq!(fs::read_to_string(&toml_path).unwrap(), edited, "campaign.toml overwritten");
    assert_eq!(fs::read(dir.join("villages.xlsx")).unwrap(), xlsx_before, "xlsx overwritten");
}
