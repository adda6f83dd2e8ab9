//! Property tests: arbitrary text never panics the parsers, any village name
//! is either refused with a reason or kept exactly, and accepted names reach
//! Typst as data, never as code.

use std::fs;
use std::path::Path;

use canhbao::campaign::check_url;
use canhbao::phone::Phone;
use canhbao::render::Failure;
use canhbao::text::{clean, slug};
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

use crate::util::*;

/// Characters that mean something in Typst markup, code or math, or in CSV.
const SYNTAX: &[char] = &[
    '#', '[', ']', '$', '"', '\\', '{', '}', '(', ')', '*', '_', '`', '<', '>', '@', '=', '-', '+',
    '/', '~', ';', ',', '\'', ':', '.',
];

/// Vietnamese letters, precomposed and decomposed, upper and lower case.
const VIETNAMESE: &[&str] = &[
    "Đ",
    "đ",
    "ô",
    "Ô",
    "ơ",
    "ư",
    "Ư",
    "ă",
    "â",
    "ê",
    "ả",
    "ạ",
    "ấ",
    "ầ",
    "ẩ",
    "ẫ",
    "ậ",
    "ế",
    "ệ",
    "ỗ",
    "ở",
    "ự",
    "ữ",
    "ý",
    "ỹ",
    "Ỳ",
    "a\u{309}",
    "o\u{302}\u{301}",
    "u\u{31b}\u{323}",
    "Vạn",
    "Lộc",
    "Hải",
];

/// One piece of a name: syntax, a Vietnamese letter, ASCII, white space or anything.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(SYNTAX).prop_map(String::from),
        3 => prop::sample::select(VIETNAMESE).prop_map(String::from),
        2 => "[a-zA-Z0-9]{1,4}",
        1 => prop::sample::select(&[" ", "  ", "\t", "\u{a0}", "\n", "\r\n", "\u{feff}"][..])
            .prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..24).prop_map(|p| p.concat())
}

/// A name a commune could plausibly use: starts with a letter, no control
/// characters, Typst syntax mixed in.
fn printable_name() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(SYNTAX).prop_map(String::from),
        3 => prop::sample::select(VIETNAMESE).prop_map(String::from),
        2 => "[a-zA-Z0-9]{1,4}",
        1 => Just(" ".to_string()),
    ];
    (prop::sample::select(VIETNAMESE), prop::collection::vec(piece, 0..16))
        .prop_map(|(first, rest)| format!("{first}{}", rest.concat()))
}

/// What canhbao should print for a name cell: NFC, white space collapsed,
/// zero-width characters and soft hyphens removed.
fn expected(s: &str) -> String {
    let invisible = ['\u{AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}'];
    let nfc: String = s.chars().filter(|c| !invisible.contains(c)).nfc().collect();
    nfc.split(|c: char| c.is_whitespace() || c == '\u{feff}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A campaign folder (the example's campaign.toml) with one village named `name`.
fn campaign_with(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo().join("examples/tien-trang/campaign.toml"), dir.path().join("campaign.toml"))
        .unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["name", "kind", "officer", "officer_phone", "households"]).unwrap();
    w.write_record([name, "thôn", "Lê Văn Bình", "0912345678", "10"]).unwrap();
    fs::write(dir.path().join("villages.csv"), w.into_inner().unwrap()).unwrap();
    dir
}

/// Compiles the leaflet of the campaign's only village through the library.
fn compile_leaflet(dir: &Path) -> Result<(), Failure> {
    let project = canhbao::load(dir).expect("the campaign loads");
    let base = project.base(&[]).unwrap();
    let layout = project.layout("leaflet-a5").unwrap().clone();
    let jobs = canhbao::plan::plan(&project.campaign, &[layout], &[0], &project.pack);
    assert_eq!(jobs.len(), 1);
    let job = &jobs[0];
    let data =
        canhbao::plan::Planner::new(&project.campaign, &project.pack).unwrap().data(job).unwrap();
    let world = base.job(&job.layout.file, data);
    canhbao::render::compile(&world, job.layout.pages).map(|_| ())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn text_parsers_never_panic(s in any::<String>(), t in name()) {
        for input in [&s, &t] {
            let _ = Phone::parse(input);
            let _ = check_url(input);
            let _ = check_url(&format!("https://{input}"));
            let _ = check_url(&format!("tel:{input}"));
            let sl = slug(input);
            prop_assert!(sl.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            prop_assert!(!sl.starts_with('-') && !sl.ends_with('-') && !sl.contains("--"));
            let c = clean(input);
            prop_assert_eq!(clean(&c), c.clone(), "clean is idempotent");
            prop_assert!(!c.starts_with(' ') && !c.ends_with(' ') && !c.contains("  "));
        }
    }

    #[test]
    fn accepted_phones_round_trip(s in "[0-9 .+()-]{0,16}") {
        if let Ok(p) = Phone::parse(&s) {
            let again = Phone::parse(&p.to_string()).unwrap();
            prop_assert_eq!(again.digits(), p.digits());
            prop_assert!(p.digits().bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn village_name_is_refused_or_kept_exactly(raw in name()) {
        let want = expected(&raw);
        // A name starting with the kind ("thôn Đông Hải") is split on purpose.
        prop_assume!(!want.to_lowercase().starts_with("thôn "));
        let dir = campaign_with(&raw);
        match canhbao::load(dir.path()) {
            Err(issues) => {
                prop_assert!(issues.has_errors(), "refused without an error: {issues}");
                let shown = issues.to_string();
                prop_assert!(shown.contains("villages.csv"), "{shown}");
            }
            Ok(project) => {
                let villages = &project.campaign.villages;
                prop_assert_eq!(villages.len(), 1);
                prop_assert_eq!(&villages[0].name, &want);
                prop_assert!(!villages[0].slug.is_empty());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn village_names_reach_typst_as_data(raw in printable_name()) {
        let want = expected(&raw);
        prop_assume!(!want.to_lowercase().starts_with("thôn "));
        let dir = campaign_with(&raw);
        let project = canhbao::load(dir.path());
        prop_assert!(project.is_ok(), "{raw:?} refused: {}", project.err().unwrap());
        prop_assert_eq!(&project.unwrap().campaign.villages[0].name, &want);
        match compile_leaflet(dir.path()) {
            Ok(()) | Err(Failure::Overflow(_) | Failure::Preflight(_)) => {}
            Err(Failure::Typst(msg) | Failure::Io(msg)) => {
                prop_assert!(false, "name {raw:?} broke the layout:\n{msg}");
            }
        }
    }
}

#[test]
fn typst_code_in_a_name_compiles() {
    for raw in ["#panic(\"x\")", "]#{", "$ x $ \\", "#import \"/etc/passwd\"", "\"\"\""] {
        let dir = campaign_with(&format!("Đông {raw}"));
        if let Err(e) = compile_leaflet(dir.path()) {
            panic!("{raw:?}: {e}");
        }
    }
}

// Arbitrary bytes as the village table (CSV, XLSX) and as campaign.toml:
// never a panic; either a campaign or errors that name the file.

/// The example campaign with `file` replaced by `bytes` (and campaign.toml
/// pointing at it).
fn campaign_with_file(file: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let toml = fs::read_to_string(repo().join("examples/tien-trang/campaign.toml")).unwrap();
    let toml = toml.replace("villages = \"villages.csv\"", &format!("villages = \"{file}\""));
    fs::write(dir.path().join("campaign.toml"), toml).unwrap();
    fs::copy(repo().join("examples/tien-trang/villages.csv"), dir.path().join("villages.csv"))
        .unwrap();
    fs::write(dir.path().join(file), bytes).unwrap();
    dir
}

/// Loads through the library: `Ok`, or errors whose text names `file`.
fn loads_or_names(dir: &Path, file: &str) -> Result<(), TestCaseError> {
    if let Err(issues) = canhbao::load(dir) {
        prop_assert!(issues.has_errors(), "refused without an error: {issues}");
        let shown = issues.to_string();
        prop_assert!(shown.contains(file), "{file} not named in:\n{shown}");
        prop_assert!(!shown.contains('\u{1b}'), "raw escape in:\n{shown:?}");
    }
    Ok(())
}

/// The parts of a small valid workbook, made once.
fn workbook_parts() -> &'static Vec<(String, Vec<u8>)> {
    static PARTS: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    PARTS.get_or_init(|| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let rows = [
            ["name", "kind", "officer", "officer_phone", "households"],
            ["Đông Hải", "thôn", "Lê Văn Bình", "0912 345 678", "305"],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        sheet.write_formula(1, 5, "=1+1").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut entry = zip.by_index(i).unwrap();
                let mut data = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
                (entry.name().to_string(), data)
            })
            .collect()
    })
}

/// Zips `parts`.
fn zip_parts(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in parts {
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut out, data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Pieces of worksheet XML that calamine reads with care or without.
const XML_PIECES: &[&str] = &[
    "<c r=\"XFD1048576\"><v>1</v></c>",
    "<c r=\"A3\" t=\"s\"><v>99</v></c>",
    "<c r=\"B3\" t=\"e\"><v>#REF!</v></c>",
    "<c r=\"C3\" t=\"n\"><v>12.5</v></c>",
    "<c r=\"E2\"><v>3.5</v></c>",
    "<f t=\"shared\" ref=\"A1:A9\" si=\"3\">1+1</f>",
    "<f t=\"shared\" si=\"7\"/>",
    "<c r=\"ZZZZ1\"/>",
    "<row r=\"0\">",
    "<row r=\"4294967296\">",
    "</row>",
    "<c t=\"inlineStr\"><is><t>\u{1b}x</t></is></c>",
    "<dimension ref=\"A1:XFD1048576\"/>",
    "&amp;",
    "<",
    "\"",
];

/// A worksheet (or other part) with random pieces spliced in.
fn spliced() -> impl Strategy<Value = (usize, Vec<(usize, String)>)> {
    let piece = prop_oneof![
        3 => prop::sample::select(XML_PIECES).prop_map(String::from),
        1 => any::<String>(),
    ];
    (any::<usize>(), prop::collection::vec((any::<usize>(), piece), 1..6))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_bytes_as_villages_csv_load_or_name_the_file(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        text in name(),
    ) {
        for b in [bytes.clone(), format!("name,officer,officer_phone,households\n{text}").into_bytes()] {
            let dir = campaign_with_file("villages.csv", &b);
            loads_or_names(dir.path(), "villages.csv")?;
        }
    }

    #[test]
    fn any_bytes_as_villages_xlsx_load_or_name_the_file(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        (part, splices) in spliced(),
    ) {
        let parts = workbook_parts();
        // Bytes of a valid workbook with a few changed: a damaged download.
        let mut damaged = zip_parts(parts);
        for (at, b) in &flips {
            let len = damaged.len();
            damaged[at % len] = *b;
        }
        // One part with pieces spliced in, zipped again: what a script writes.
        let mut edited = parts.clone();
        let target = part % edited.len();
        for (at, piece) in &splices {
            let data = &mut edited[target].1;
            let mut at = at % (data.len() + 1);
            while at > 0 && std::str::from_utf8(&data[..at]).is_err() {
                at -= 1;
            }
            data.splice(at..at, piece.bytes());
        }
        for b in [bytes, damaged, zip_parts(&edited)] {
            let dir = campaign_with_file("villages.xlsx", &b);
            loads_or_names(dir.path(), "villages.xlsx")?;
        }
    }

    #[test]
    fn any_bytes_as_campaign_toml_load_or_name_the_file(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        splices in prop::collection::vec((any::<usize>(), any::<String>()), 1..4),
    ) {
        let mut toml = fs::read_to_string(repo().join("examples/tien-trang/campaign.toml")).unwrap();
        for (at, piece) in &splices {
            let mut at = at % (toml.len() + 1);
            while !toml.is_char_boundary(at) {
                at -= 1;
            }
            toml.insert_str(at, piece);
        }
        for b in [bytes, toml.into_bytes()] {
            let dir = campaign_with_file("villages.csv", &[]);
            fs::copy(repo().join("examples/tien-trang/villages.csv"), dir.path().join("villages.csv")).unwrap();
            fs::write(dir.path().join("campaign.toml"), &b).unwrap();
            loads_or_names(dir.path(), "campaign.toml")?;
        }
    }
}

/// The binary on a few arbitrary files: exit 0 or 2, never a panic, and on
/// exit 2 the file named.
#[test]
fn binary_exits_0_or_2_on_arbitrary_files() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(6));
    let files = prop::sample::select(&["villages.csv", "villages.xlsx", "campaign.toml"][..]);
    runner
        .run(&(files, prop::collection::vec(any::<u8>(), 0..400)), |(file, bytes)| {
            let dir = campaign_with_file(
                if file == "campaign.toml" { "villages.csv" } else { file },
                &[],
            );
            fs::copy(
                repo().join("examples/tien-trang/villages.csv"),
                dir.path().join("villages.csv"),
            )
            .unwrap();
            fs::write(dir.path().join(file), &bytes).unwrap();
            let (code, _, err) =
                run(canhbao().arg("check").arg(dir.path()).arg("--no-contact-sheet"));
            prop_assert!(code == 0 || code == 2, "exit {code}\n{err}");
            prop_assert!(!err.contains("panicked"), "{err}");
            if code == 2 {
                prop_assert!(err.contains(file), "{file} not named:\n{err}");
            }
            Ok(())
        })
        .unwrap();
}

/// The small workbook with its cell B1 (`<c r="B1" t="s"><v>1</v></c>`, the
/// second of ten shared strings) written as `cell`.
fn workbook_with_b1(cell: &str) -> Vec<u8> {
    let mut parts = workbook_parts().clone();
    let sheet = parts.iter_mut().find(|(n, _)| n == "xl/worksheets/sheet1.xml").unwrap();
    let xml = String::from_utf8(sheet.1.clone()).unwrap();
    let b1 = "<c r=\"B1\" t=\"s\"><v>1</v></c>";
    assert!(xml.contains(b1), "{xml}");
    sheet.1 = xml.replace(b1, cell).into_bytes();
    zip_parts(&parts)
}

/// Shared-string cells whose index calamine 0.31 reads as 11 (past the ten
/// strings: it indexed the table unchecked and panicked in
/// `cells_reader.rs:358`), while a plain reading says 1. The first is what
/// the property test found (proptest-regressions/props.txt).
const INDEX_11: &[&str] = &[
    "<c r=\"B1\" t=\"s\"><v>1<c r=\"XFD1048576\"><v>1</v></c></v></c>",
    "<c r=\"B1\" t=\"s\"><v>1&#49;</v></c>",
    "<c r=\"B1\" x:t=\"n\" t=\"s\"><v>11</v></c>",
    "<c r=\"B1\" t=\"s\"><f><c r=\"C9\"></c></f><v>11</v></c>",
];

/// Exit 2, a refusal naming `file` and cell B1, no panic text.
fn refused_at_b1(cell: &str, (code, _, err): (i32, String, String), file: &str) {
    assert!(!err.contains("panicked"), "{cell}:\n{err}");
    assert_eq!(code, 2, "{cell}:\n{err}");
    let line = err
        .lines()
        .find(|l| l.contains(&format!("{file}: lỗi: ")))
        .unwrap_or_else(|| panic!("{cell}: no refusal naming {file}:\n{err}"));
    assert!(line.contains("tệp .xlsx hỏng") && line.contains("ô B1"), "{cell}: {line}");
}

/// `check` refuses each: exit 2, villages.xlsx and the cell named, no panic.
#[test]
fn a_shared_string_index_calamine_reads_differently_is_refused() {
    for cell in INDEX_11 {
        let dir = campaign_with_file("villages.xlsx", &workbook_with_b1(cell));
        let out = run(canhbao().arg("check").arg(dir.path()).arg("--no-contact-sheet"));
        refused_at_b1(cell, out, "villages.xlsx");
    }
}

/// The same cells in the tracking workbook: `report` refuses theo-doi.xlsx
/// with the cell, without a panic.
#[test]
fn a_damaged_tracking_workbook_is_refused_not_a_panic() {
    for cell in INDEX_11 {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("examples/tien-trang"), dir.path());
        fs::write(dir.path().join("theo-doi.xlsx"), workbook_with_b1(cell)).unwrap();
        let out = run(canhbao().arg("report").arg(dir.path()).args(["--period", "2026-H1"]));
        refused_at_b1(cell, out, "theo-doi.xlsx");
    }
}
