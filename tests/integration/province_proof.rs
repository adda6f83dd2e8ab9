//! `canhbao check` of a province folder writes the proof of every valid
//! commune (the small fixture `tests/fixtures/province-small`: three
//! communes of 4, 2 and 3 villages), each with its own numbers only.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{all_files, canhbao, fixture, pdf_text, run};

/// The province's output folder in the campaign folder `dir`.
const OUT: &str = "out/tinh-thanh-hoa";

/// One commune of the fixture as its files write it.
struct Commune {
    full: String,
    hotline: String,
    /// (officer, phone as printed) of each of its villages.
    officers: Vec<(String, String)>,
}

/// The communes of the fixture by folder name (`xa-phu-xuan`).
fn communes(dir: &Path) -> BTreeMap<String, Commune> {
    let printed = |s: &str| canhbao::phone::Phone::parse(s).unwrap().to_string();
    let mut table = csv::Reader::from_path(dir.join("communes.csv")).unwrap();
    let mut by: BTreeMap<String, Commune> = BTreeMap::new();
    let mut names = BTreeMap::new();
    for r in table.records().map(Result::unwrap) {
        let full = format!("{} {}", &r[1], &r[0]);
        let slug = canhbao::text::file_slug(&full);
        names.insert(r[0].to_string(), slug.clone());
        by.insert(slug, Commune { full, hotline: printed(&r[2]), officers: Vec::new() });
    }
    let mut villages = csv::Reader::from_path(dir.join("villages.csv")).unwrap();
    for r in villages.records().map(Result::unwrap) {
        let c = by.get_mut(&names[&r[0]]).unwrap();
        c.officers.push((r[3].to_string(), printed(&r[4])));
    }
    by
}

/// Pages of a PDF.
fn pages(pdf: &Path) -> usize {
    lopdf::Document::load(pdf).unwrap().get_pages().len()
}

/// Every run of spaces as one: a number printed with no-break spaces, or
/// split by `-layout` columns, reads as the table writes it.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts that `pdf` is the proof of `slug` alone: its own hotline and
/// officers, no other commune's numbers or officers, three villages a page.
fn assert_own_proof(pdf: &Path, slug: &str, all: &BTreeMap<String, Commune>) {
    let own = &all[slug];
    let text = squeeze(&pdf_text(pdf));
    assert!(text.contains(&own.hotline), "{}: no hotline {}\n{text}", own.full, own.hotline);
    for (officer, phone) in &own.officers {
        assert!(text.contains(officer.as_str()), "{}: no officer {officer}", own.full);
        assert!(text.contains(phone.as_str()), "{}: no phone {phone}", own.full);
    }
    for (other, c) in all.iter().filter(|(s, _)| *s != slug) {
        assert!(!text.contains(&c.hotline), "{}: carries {other}'s hotline", own.full);
        for (officer, phone) in &c.officers {
            assert!(!text.contains(phone.as_str()), "{}: carries {other}'s {phone}", own.full);
            assert!(!text.contains(officer.as_str()), "{}: carries {other}'s {officer}", own.full);
        }
    }
    assert!(!text.contains("Lỗi"), "{}: a village framed in red\n{text}", own.full);
    assert_eq!(pages(pdf), own.officers.len().div_ceil(3), "{}: three villages a page", own.full);
}

#[test]
fn check_of_a_province_writes_each_communes_own_proof_where_its_build_goes() {
    let dir = fixture("province-small");
    let all = communes(dir.path());
    let (code, out, err) = run(canhbao().arg("check").arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    let root = dir.path().join(OUT);
    let mut written: Vec<PathBuf> = all_files(&root);
    written.sort();
    let wanted: Vec<PathBuf> = all.keys().map(|s| root.join(s).join("kiem-tra.pdf")).collect();
    assert_eq!(written, wanted, "one proof per commune, nothing else");
    for (slug, c) in &all {
        let proof = root.join(slug).join("kiem-tra.pdf");
        assert_own_proof(&proof, slug, &all);
        let said = format!("Bản kiểm tra ({} trang): {}", pages(&proof), proof.display());
        assert!(out.contains(&said), "{}: “{said}” not said\n{out}", c.full);
    }
    let (files, pages, villages) = (all.len(), 4, 9);
    let totals = format!("Tổng cộng: {files} bản kiểm tra, {pages} trang, {villages} thôn, 0 lỗi");
    assert_eq!(out.lines().last(), Some(format!("{totals} khoanh đỏ.").as_str()), "{out}");

    // A build of the province after its check writes into the same folder:
    // the proofs do not make it someone else's.
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    assert!(root.join("manifest.json").is_file() && root.join("tong-hop.pdf").is_file());
    for slug in all.keys() {
        assert!(root.join(slug).join("kiem-tra.pdf").is_file(), "{slug}: the proof stays");
    }
}

#[test]
fn a_bad_row_fails_its_commune_and_every_other_commune_gets_its_proof() {
    let dir = fixture("province-small");
    let all = communes(dir.path());
    let path = dir.path().join("villages.csv");
    let csv = fs::read_to_string(&path).unwrap();
    // Quang Chiểu's second village: an officer's number one digit short.
    let line = csv.lines().position(|l| l.contains("0990000026")).unwrap() + 1;
    fs::write(&path, csv.replace("0990000026", "099000002")).unwrap();
    let (code, out, err) = run(canhbao().arg("check").arg(dir.path()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("xã Quang Chiểu (dòng 3 của bảng xã)"), "{err}");
    assert!(err.contains(&format!("villages.csv:{line}: lỗi: [SĐT]")), "{err}");
    assert!(out.contains("1 xã, phường còn lỗi"), "{out}");
    let root = dir.path().join(OUT);
    assert!(!root.join("xa-quang-chieu").exists(), "the bad commune has no proof");
    for slug in all.keys().filter(|s| *s != "xa-quang-chieu") {
        assert_own_proof(&root.join(slug).join("kiem-tra.pdf"), slug, &all);
    }
}

#[test]
fn no_proof_writes_nothing_and_proof_dir_takes_every_proof() {
    let dir = fixture("province-small");
    let all = communes(dir.path());
    let (code, out, err) = run(canhbao().arg("check").arg(dir.path()).arg("--no-proof"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Dữ liệu hợp lệ: 3 xã, phường."), "{out}");
    assert!(!dir.path().join("out").exists(), "--no-proof wrote something");

    let proofs = tempfile::tempdir().unwrap();
    let to = proofs.path().join("bản kiểm tra");
    let (code, _, err) = run(canhbao().arg("check").arg(dir.path()).arg("--proof").arg(&to));
    assert_eq!(code, 0, "{err}");
    assert!(!dir.path().join("out").exists(), "--proof DIR writes there only");
    let mut written = all_files(&to);
    written.sort();
    let wanted: Vec<PathBuf> = all.keys().map(|s| to.join(format!("{s}.pdf"))).collect();
    assert_eq!(written, wanted);
    for slug in all.keys() {
        assert_own_proof(&to.join(format!("{slug}.pdf")), slug, &all);
    }
}

#[test]
fn a_village_framed_in_red_is_named_with_its_commune_and_exits_1() {
    let dir = fixture("province-small");
    let path = dir.path().join("villages.csv");
    // A name too long for the leaflet: the village is framed in red.
    let huge = "Nguyễn Thị Thanh Hương ".repeat(12);
    let csv = fs::read_to_string(&path).unwrap().replace("Đỗ Văn Tâm", huge.trim());
    fs::write(&path, csv).unwrap();
    let (code, out, err) = run(canhbao().arg("check").arg(dir.path()));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("lỗi: xã Phú Xuân: thôn Nam Châu: "), "{err}");
    let last = out.lines().last().unwrap_or_default();
    assert!(last.starts_with("Tổng cộng: 3 bản kiểm tra") && last.contains(" 1 lỗi"), "{out}");
    let proof = dir.path().join(OUT).join("xa-phu-xuan/kiem-tra.pdf");
    assert!(pdf_text(&proof).contains("Lỗi"), "the proof shows it");
}

/// Ctrl-C (SIGINT) during the proofs of a province: the proofs finished
/// stay, the one in flight leaves nothing behind, exit 130.
#[test]
fn ctrl_c_keeps_the_finished_proofs_and_leaves_no_half_file() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    crate::util::copy_dir(&crate::util::repo().join("examples/tinh-thanh-hoa"), dir.path());
    let all = communes(dir.path()).len();
    let root = dir.path().join(OUT);
    let proofs = || all_files(&root).iter().filter(|p| p.ends_with("kiem-tra.pdf")).count();
    let child = canhbao()
        .arg("check")
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while proofs() < 2 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert!(sent.unwrap().success());
    let done = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(130), "{err}");
    assert!(err.contains("Đã dừng theo yêu cầu"), "{err}");
    let landed = proofs();
    assert!((2..all).contains(&landed), "{landed} of {all} proofs: not stopped midway");
    let names: Vec<PathBuf> = all_files(&root);
    assert!(
        names.iter().all(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.')),
        "a temporary file is left: {names:?}"
    );
}
