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

/// What canhbao should print for a name cell: NFC, white space collapsed.
fn expected(s: &str) -> String {
    let nfc: String = s.nfc().collect();
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
