//! Broken and hostile text in the campaign's files: encodings, numbers, line
//! numbers, control characters, placeholders, headers (issue 14: defects 2,
//! 5, 10, 11, 12 and the smaller ones of 14).

use std::fs;
use std::path::Path;

use encoding_rs::WINDOWS_1258;

use crate::util::*;

/// The example's village table: line 1 a comment, line 2 the header, line 3
/// `Đông Hải`, line 4 `Tây Hải`.
fn example_csv() -> String {
    fs::read_to_string(repo().join("examples/tien-trang/villages.csv")).unwrap()
}

/// A copy of the example with `villages.csv` replaced by `bytes`.
fn with_villages(bytes: &[u8]) -> tempfile::TempDir {
    let dir = example_copy();
    fs::write(dir.path().join("villages.csv"), bytes).unwrap();
    dir
}

/// The 1-based line of `text` where `needle` first appears (the example's
/// lines move as it is edited; a test must not pin them).
pub fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the example"));
    text[..at].matches('\n').count() + 1
}

/// Runs `build` and `check` on `dir`; both must exit 2 with every `want` in
/// the message, no panic, no raw escape byte, and no file written.
pub fn refused(dir: &Path, wants: &[&str]) -> String {
    let out = dir.join("out");
    let (code, _, err) = run(canhbao().arg("build").arg(dir).arg("--out").arg(&out));
    assert_eq!(code, 2, "build: exit code\n{err}");
    assert!(!err.contains("panicked"), "panic\n{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "raw control in\n{err:?}");
    for want in wants {
        assert!(err.contains(want), "{want:?} not in:\n{err}");
    }
    assert!(all_files(&out).is_empty(), "build wrote {:?}", all_files(&out));
    let (code, _, check_err) = run(canhbao().arg("check").arg(dir));
    assert_eq!(code, 2, "check: exit code\n{check_err}");
    assert!(all_files(&out).is_empty(), "check wrote {:?}", all_files(&out));
    err
}

/// `check` without the contact sheet: exit 0, the village table on stdout.
fn accepted(dir: &Path) -> String {
    let (code, out, err) = run(canhbao().arg("check").arg(dir).arg("--no-contact-sheet"));
    assert_eq!(code, 0, "check refused:\n{err}");
    out
}

/// Defect 2: one stray byte (a 0xA0 pasted from a web page) in a UTF-8 file
/// used to turn the whole file into Windows-1258 mojibake with exit 0.
#[test]
fn stray_byte_in_utf8_csv_is_refused_with_line_and_byte() {
    let csv = example_csv();
    let at = csv.find("Tây Hải").unwrap() + "Tây".len();
    let mut bytes = csv.into_bytes();
    bytes.insert(at, 0xA0);
    let dir = with_villages(&bytes);
    refused(dir.path(), &["villages.csv:4", "0xA0", "UTF-8"]);
}

/// Defect 2: a UTF-8 BOM followed by Windows-1258 text printed U+FFFD.
#[test]
fn bom_then_legacy_bytes_is_refused() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(&WINDOWS_1258.encode(&example_csv()).0);
    let dir = with_villages(&bytes);
    let err = refused(dir.path(), &["villages.csv:1", "UTF-8"]);
    assert!(!err.contains('\u{FFFD}'), "{err}");
}

/// Defect 2: UTF-8 once read as Windows-1258 and saved again ("ÄĂ´ng Háº£i").
#[test]
fn mojibake_is_refused_like_tcvn3() {
    let csv = example_csv();
    let (garbled, _, _) = WINDOWS_1258.decode("Đông Hải".as_bytes());
    let dir = with_villages(csv.replacen("Đông Hải", &garbled, 1).as_bytes());
    refused(dir.path(), &["villages.csv:3", "“Đông”", "bảng mã"]);
}

/// Defect 5: "3.5" households read as 35 and 12.5 in a spreadsheet as 125.
#[test]
fn decimal_counts_are_errors_not_tenfold() {
    let csv = example_csv().replacen(",305,", ",3.5,", 1);
    let dir = with_villages(csv.as_bytes());
    refused(dir.path(), &["villages.csv:3", "households", "“3.5” không phải số nguyên"]);

    let dir = example_copy();
    let toml = fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    fs::write(dir.path().join("campaign.toml"), toml.replace("villages.csv", "villages.xlsx"))
        .unwrap();
    let xlsx = crate::limits::workbook(|sheet| {
        sheet.write_number(1, 4, 12.5).unwrap();
    });
    fs::write(dir.path().join("villages.xlsx"), xlsx).unwrap();
    refused(dir.path(), &["villages.xlsx:2", "households", "12.5"]);
}

/// Defect 5, decided: thousands grouped by three with `.` `,` or a space
/// are thousands (Vietnamese writes 1.200); other separators are errors.
#[test]
fn thousands_separators_in_groups_of_three_are_read() {
    let csv = example_csv().replacen(",305,", ",\"1.200\",", 1).replacen(",473,", ",\"1,050\",", 1);
    let dir = with_villages(csv.as_bytes());
    let out = accepted(dir.path());
    let row = |name: &str| out.lines().find(|l| l.contains(name)).unwrap().to_string();
    assert!(row("thôn Đông Hải").contains(" 1200 "), "{out}");
    assert!(row("thôn Tây Hải").contains(" 1050 "), "{out}");
    let dir = with_villages(example_csv().replacen(",305,", ",\"1.20\",", 1).as_bytes());
    refused(dir.path(), &["villages.csv:3", "“1.20”"]);
}

/// Defect 10: CRLF files reported every error a line early, CR-only files
/// always said line 1, and a row after a blank line was one early.
#[test]
fn csv_line_numbers_for_crlf_cr_and_blank_lines() {
    let bad = example_csv().replacen("0912 000 102", "0912 000", 1); // line 4
    for (name, text, line) in [
        ("CRLF", bad.replace('\n', "\r\n"), 4),
        ("CR", bad.replace('\n', "\r"), 4),
        ("blank lines", bad.replacen("\nTây Hải", "\n\n\nTây Hải", 1), 6),
        (
            "CRLF and blank lines",
            bad.replacen("\nTây Hải", "\n\nTây Hải", 1).replace('\n', "\r\n"),
            5,
        ),
    ] {
        let dir = with_villages(text.as_bytes());
        let err = refused(dir.path(), &[&format!("villages.csv:{line}:"), "0912 000"]);
        assert!(!err.contains(&format!("villages.csv:{}:", line - 1)), "{name}: {err}");
    }
}

/// Defect 11: ESC/BEL in a name reached the terminal (an OSC sequence
/// retitled it); U+202E printed "0912 999 999" as "999 999 2190".
#[test]
fn control_and_bidi_characters_are_refused_and_never_echoed() {
    for (what, name, want) in [
        ("OSC title", "Lê \u{1b}]0;pwned\u{7} Bình", "U+001B"),
        ("bell", "Lê\u{7}Bình", "U+0007"),
        ("right-to-left override", "Lê Bình \u{202E}", "U+202E"),
        ("left-to-right isolate", "\u{2066}Lê Bình", "U+2066"),
    ] {
        let dir = with_villages(example_csv().replacen("Lê Văn Bình", name, 1).as_bytes());
        let err = refused(dir.path(), &["villages.csv:3", want]);
        assert!(!err.contains('\u{202E}') && !err.contains('\u{2066}'), "{what}: {err:?}");
    }
    // In campaign.toml, raw or written as a TOML escape.
    for name in ["Tiên \u{202E}Trang", "Tiên \\u001b[31mTrang"] {
        let dir = example_copy();
        let path = dir.path().join("campaign.toml");
        let toml = fs::read_to_string(&path).unwrap();
        let line = line_of(&toml, "name = \"Tiên Trang\"");
        fs::write(&path, toml.replace("name = \"Tiên Trang\"", &format!("name = \"{name}\"")))
            .unwrap();
        refused(dir.path(), &[&format!("campaign.toml:{line}:")]);
    }
    // Zero-width spaces pasted from the web are removed, not printed.
    let dir =
        with_villages(example_csv().replacen("Đông Hải", "Đông\u{200B} Hải\u{200B}", 1).as_bytes());
    assert!(accepted(dir.path()).contains("thôn Đông Hải "));
}

/// Defect 12: a village named `{hotline}` printed the hotline number.
#[test]
fn placeholder_in_a_village_name_prints_literally() {
    let dir = with_villages(example_csv().replacen("Đông Hải", "{hotline}", 1).as_bytes());
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).arg("--out").arg(&out).args([
        "--village",
        "{hotline}",
        "--no-package",
    ]));
    assert_eq!(code, 0, "{err}");
    let text = pdf_text(&out.join("leaflet-a5/thon-hotline.pdf"));
    assert!(text.contains("{hotline}"), "the name is not printed as written:\n{text}");
    let script = fs::read_to_string(out.join("loa/thon-hotline.txt")).unwrap();
    assert!(script.contains("bà con thôn {hotline}!"), "{script}");
    assert!(!script.contains("0237 3868 113"), "the name was expanded:\n{script}");
}

/// Defect 14: a campaign.toml saved by Notepad as UTF-16 or ANSI was told
/// to "create it with init".
#[test]
fn campaign_toml_in_utf16_or_ansi_says_how_to_save_as_utf8() {
    let toml = fs::read_to_string(repo().join("examples/tien-trang/campaign.toml")).unwrap();
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain(toml.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let ansi = WINDOWS_1258.encode(&toml).0.into_owned();
    for (bytes, name) in [(utf16, "UTF-16"), (ansi, "ANSI")] {
        let dir = example_copy();
        fs::write(dir.path().join("campaign.toml"), bytes).unwrap();
        let err = refused(dir.path(), &["campaign.toml", name, "UTF-8", "Save As"]);
        assert!(!err.contains("init"), "{err}");
    }
}

/// Defect 14: the header "Họ, Tên, SĐT, Số hộ" read "Họ" (surname) as
/// households ("Hộ").
#[test]
fn surname_header_is_not_households() {
    let csv = "Họ,Tên thôn,Công an viên phụ trách,SĐT,Số hộ\n\
               Nguyễn,Đông Hải,Lê Văn Bình,0912 000 101,305\n";
    let out = accepted(with_villages(csv.as_bytes()).path());
    let row = out.lines().find(|l| l.contains("thôn Đông Hải")).unwrap();
    assert!(row.contains(" 305 "), "{out}");
}

/// Defect 14: a 30000 × 30000 PNG logo took 950 MB to decode; it is refused
/// from its header, before any pixel is read.
#[test]
fn huge_logo_is_refused_from_its_header() {
    let dir = example_copy();
    fs::write(dir.path().join("logo.png"), png_header(30_000, 30_000)).unwrap();
    let path = dir.path().join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        toml.replace(
            "villages = \"villages.csv\"",
            "villages = \"villages.csv\"\nlogo = \"logo.png\"",
        ),
    )
    .unwrap();
    let line = line_of(&fs::read_to_string(&path).unwrap(), "logo = ");
    refused(dir.path(), &[&format!("campaign.toml:{line}:"), "30000 × 30000"]);
}

/// A PNG signature and IHDR chunk claiming `w` × `h` RGB pixels, then one
/// empty IDAT and IEND: enough for any header reader.
pub fn png_header(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend(kind);
        out.extend(data);
        let crc = crc32(&out[start..]);
        out.extend(crc.to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
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

/// Issue 29 H3: a households cell formatted as a date in Excel (15/3/2026)
/// was read as 46 096 households; TRUE, a formula error and a decimal were
/// read or refused without their cell. Each is refused naming the cell
/// (E2 of the sheet) and what to do.
#[test]
fn typed_excel_cells_where_a_count_belongs_are_refused_with_their_cell() {
    let date = crate::limits::workbook(|s| {
        let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 3, 15).unwrap();
        s.write_datetime_with_format(1, 4, &day, &format).unwrap();
    });
    let err = refused(with_xlsx(&date).path(), &["villages.xlsx:2", "E2", "15/03/2026", "Ctrl+1"]);
    assert!(!err.contains("46096"), "{err}");
    let yes = crate::limits::workbook(|s| {
        s.write_boolean(1, 4, true).unwrap();
    });
    refused(with_xlsx(&yes).path(), &["villages.xlsx:2", "E2", "TRUE"]);
    let half = crate::limits::workbook(|s| {
        s.write_number(1, 4, 305.5).unwrap();
    });
    refused(with_xlsx(&half).path(), &["villages.xlsx:2", "E2", "305.5", "số nguyên"]);
    // Excel writes a formula error as a cell of type "e".
    let plain = crate::limits::workbook(|_| {});
    let error = crate::limits::replace_in_part(
        &plain,
        "xl/worksheets/sheet1.xml",
        "<c r=\"E2\"><v>305</v></c>",
        "<c r=\"E2\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>",
    );
    refused(with_xlsx(&error).path(), &["villages.xlsx:2", "E2", "#DIV/0!", "công thức"]);
}

/// Issue 29 H4: an unquoted "1,305" in a comma-separated row made one cell
/// more, read silently as 1 household and 305 shops. A row with more or
/// fewer cells than the header is refused with its line.
#[test]
fn ragged_csv_rows_are_refused_with_their_line() {
    let csv = example_csv().replacen(",305,", ",1,305,", 1);
    let dir = with_villages(csv.as_bytes());
    refused(dir.path(), &["villages.csv:3", "nhiều hơn 7 cột", "\"1,305\""]);
    let short = example_csv().replacen(",473,4,1", ",473", 1);
    let dir = with_villages(short.as_bytes());
    refused(dir.path(), &["villages.csv:4", "ít hơn 7 cột"]);
}

/// Issue 29 L4: serde's and the system's English reached the officer.
#[test]
fn toml_type_errors_are_said_in_vietnamese() {
    for (from, to, want) in [
        ("bleed_mm = 3", "bleed_mm = \"ba\"", "cần một số"),
        ("date = \"2026-03-15\"", "date = 20260315", "số nguyên 20260315"),
        ("locale = \"vi\"", "locale = \"vi\"\nlocale = \"vi\"", "hai lần"),
        ("[commune]", "[commune]\nname = \"Tiên Trang", "cú pháp TOML"),
    ] {
        let dir = example_copy();
        let path = dir.path().join("campaign.toml");
        let toml = fs::read_to_string(&path).unwrap();
        assert!(toml.contains(from), "{from}");
        fs::write(&path, toml.replacen(from, to, 1)).unwrap();
        let err = refused(dir.path(), &["campaign.toml:", want]);
        for english in ["invalid", "expected", "duplicate", "unclosed", "string"] {
            assert!(!err.contains(english), "{english:?} in:\n{err}");
        }
    }
}

/// Issue 29 L5: a TOML error on a 200 KB line quoted the whole line.
#[test]
fn a_toml_error_on_a_huge_line_quotes_a_short_excerpt() {
    let dir = example_copy();
    let path = dir.path().join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap();
    let huge = format!("# {}\nbogus = [{}", "x".repeat(10), "1, ".repeat(70_000));
    fs::write(&path, format!("{toml}\n{huge}\n")).unwrap();
    let err = refused(dir.path(), &["campaign.toml:"]);
    assert!(err.len() < 2_000, "{} bytes:\n{}", err.len(), &err[..2_000]);
}

/// Issue 29 L5: a damaged PNG was reported as "1634886241 × 1734698849
/// điểm ảnh"; VNI text as TCVN3; a UTF-32 table as "U+0000".
#[test]
fn damaged_logo_vni_and_utf32_are_named_for_what_they_are() {
    let dir = example_copy();
    let mut png = png_header(100, 100);
    png[16..24].copy_from_slice(b"abcdefgh");
    fs::write(dir.path().join("logo.png"), png).unwrap();
    let path = dir.path().join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        toml.replace(
            "villages = \"villages.csv\"",
            "villages = \"villages.csv\"\nlogo = \"logo.png\"",
        ),
    )
    .unwrap();
    let err = refused(dir.path(), &["logo.png", "hỏng"]);
    assert!(!err.contains("1634886241"), "{err}");

    // A whole table typed with a VNI font (Đông Hải is "Ñoâng Haûi").
    let vni = "name,kind,officer,officer_phone,households\n\
               Ñoâng Haûi,thoân,Leâ Vaên Bình,0912 000 101,305\n\
               Taây Haûi,thoân,Nguyeãn Minh An,0912 000 102,473\n";
    let err = refused(with_villages(vni.as_bytes()).path(), &["villages.csv", "VNI Windows"]);
    assert!(!err.contains("TCVN3"), "{err}");

    let utf32: Vec<u8> = [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain(example_csv().chars().flat_map(|c| (c as u32).to_le_bytes()))
        .collect();
    let err = refused(with_villages(&utf32).path(), &["villages.csv", "UTF-32"]);
    assert!(!err.contains("U+0000"), "{err}");
}

/// Issue 29 L5: `--jobs 1 --jobs 2` was "a conflict with another option".
#[test]
fn a_flag_given_twice_is_said_so() {
    let dir = example_copy();
    let (code, _, err) =
        run(canhbao().arg("build").arg(dir.path()).args(["--jobs", "1", "--jobs", "2"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--jobs") && err.contains("hai lần"), "{err}");
    assert!(!err.contains("tùy chọn khác"), "{err}");
}

/// Issue 29 L5: a `[text]` sentence the pack does not have was named
/// without its line.
#[test]
fn an_unknown_text_key_is_named_with_its_line() {
    let dir = example_copy();
    let path = dir.path().join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        toml.replacen("[print]", "[text.front]\nkikcer = \"Cảnh giác\"\n\n[print]", 1),
    )
    .unwrap();
    let line = line_of(&fs::read_to_string(&path).unwrap(), "kikcer");
    refused(dir.path(), &[&format!("campaign.toml:{line}"), "text.front.kikcer"]);
}

/// Issue 29 L8: a village named `..` was printed as "thôn ..".
#[test]
fn a_village_name_without_letters_is_refused() {
    for name in ["..", "-", "…"] {
        let dir = with_villages(example_csv().replacen("Đông Hải", name, 1).as_bytes());
        refused(dir.path(), &["villages.csv:3", "không có chữ cái"]);
    }
}

/// Issue 29 L1: 99,990 bad rows printed 600 k lines; the first 50
/// problems are said, then how many more.
#[test]
fn errors_are_capped_with_a_count_of_the_rest() {
    let mut csv = String::from("name,kind,officer,officer_phone,households\n");
    for i in 0..1_000 {
        csv.push_str(&format!("Thôn {i},thôn,Lê An,0912 000 101,nhiều\n"));
    }
    let dir = with_villages(csv.as_bytes());
    let err = refused(dir.path(), &["villages.csv:2:", "và 950 lỗi khác"]);
    assert!(!err.contains("villages.csv:52:"), "the 51st is said:\n{err}");
    assert!(err.lines().count() <= 110, "{} lines", err.lines().count());
}

/// Issue 29 L2: a hidden first sheet gave "no header row" without naming
/// the sheet. The first visible sheet is read (what the officer sees in
/// Excel); hidden rows are read too, as Excel's own CSV export does, and a
/// warning names them.
#[test]
fn hidden_sheets_are_skipped_and_hidden_rows_are_named() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let old = book.add_worksheet().set_name("Cũ").unwrap();
    old.write_string(0, 0, "bảng cũ, không dùng").unwrap();
    old.set_hidden(true);
    let sheet = book.add_worksheet().set_name("Danh sách 2026").unwrap();
    for (c, h) in ["name", "kind", "officer", "officer_phone", "households"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, name) in ["Đông Hải", "Tây Hải", "Nam Hải"].iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in [*name, "thôn", "Lê Văn Bình", "0912 000 101"].iter().enumerate() {
            sheet.write_string(r, c as u16, *v).unwrap();
        }
        sheet.write_number(r, 4, 100).unwrap();
    }
    sheet.set_row_hidden(2).unwrap();
    sheet.set_active(true);
    let dir = with_xlsx(&book.save_to_buffer().unwrap());
    let (code, out, err) = run(canhbao().arg("check").arg(dir.path()).arg("--no-contact-sheet"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("thôn Tây Hải") && out.contains("thôn Nam Hải"), "{out}");
    let said = format!("{out}{err}");
    assert!(said.contains("“Danh sách 2026”") && said.contains("dòng 3"), "{said}");

    // A workbook whose only visible sheet has no header names it.
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("Ghi chú").unwrap().write_string(0, 0, "xem trang sau").unwrap();
    refused(
        with_xlsx(&book.save_to_buffer().unwrap()).path(),
        &["villages.xlsx", "trang “Ghi chú”"],
    );
}

/// Issue 29 L8: the example's own invented numbers (0912 000 1xx) were
/// accepted in a real campaign (no `example = true`).
#[test]
fn the_examples_numbers_are_refused_in_a_real_campaign() {
    let dir = example_copy();
    let path = dir.path().join("campaign.toml");
    let toml = fs::read_to_string(&path)
        .unwrap()
        .replace("example = true\n", "")
        .replace("phone = \"0237 3868 113\"", "phone = \"0237 3852 607\"");
    fs::write(&path, toml).unwrap();
    refused(dir.path(), &["villages.csv:3", "0912 000 101", "ví dụ"]);
}

/// `xlsx` with part `name` replaced by `data` (or left out).
fn with_part(xlsx: &[u8], name: &str, data: Option<&[u8]>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..src.len() {
        let mut entry = src.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let bytes = if entry.name() == name { data.map(<[u8]>::to_vec) } else { Some(bytes) };
        if let Some(bytes) = bytes {
            out.start_file(entry.name(), options).unwrap();
            out.write_all(&bytes).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

/// Issue 29 L4: a damaged `.xlsx` was refused with the zip, calamine or XML
/// reader's English reason ("invalid Zip archive: Could not find EOCD",
/// "File not found 'xl/_rels/workbook.xml.rels'", "ill-formed document…").
/// Each is said in Vietnamese, naming the file (and the part when known).
#[test]
fn a_damaged_xlsx_is_refused_in_vietnamese() {
    let good = crate::limits::workbook(|_| {});
    let cases: [(Vec<u8>, &str); 4] = [
        (b"PK\x03\x04 garbage".to_vec(), "không phải tệp Excel"),
        (with_part(&good, "xl/_rels/workbook.xml.rels", None), "thiếu"),
        (
            with_part(&good, "xl/sharedStrings.xml", Some(b"<sst><si><t>a</si></sst>")),
            "xl/sharedStrings.xml",
        ),
        (
            with_part(
                &good,
                "xl/worksheets/sheet1.xml",
                Some(b"<worksheet><sheetData><row></sheetData></worksheet>"),
            ),
            "xl/worksheets/sheet1.xml",
        ),
    ];
    for (bytes, want) in cases {
        let dir = with_xlsx(&bytes);
        let err = refused(dir.path(), &["villages.xlsx", want]);
        for english in
            ["nvalid", "not found", "File", "rror", "xpected", "Could not", "ill-formed", "EOCD"]
        {
            assert!(!err.contains(english), "{english:?} in:\n{err}");
        }
    }
}
