//! Batch behaviour: shards, incremental builds, crash safety.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::*;

/// Writes a campaign with `n` invented villages into `dir`.
fn synthetic(dir: &Path, n: usize) {
    copy_dir(&repo().join("examples/tien-trang"), dir);
    let mut csv = String::from("name,kind,officer,officer_phone,households\n");
    for i in 0..n {
        csv.push_str(&format!("Thử Nghiệm {i},thôn,Nguyễn Văn An,09{:08},100\n", i));
    }
    fs::write(dir.join("villages.csv"), csv).unwrap();
}

fn pdf_names(dir: &Path) -> BTreeSet<String> {
    files(dir, "pdf")
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn shards_cover_every_village_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for k in 1..=3 {
        let out = tmp.path().join(format!("s{k}"));
        let (code, _, err) = run(canhbao()
            .arg("build")
            .arg(repo().join("examples/tien-trang"))
            .arg("--out")
            .arg(&out)
            .arg("--shard")
            .arg(format!("{k}/3")));
        assert_eq!(code, 0, "{err}");
        let names = pdf_names(&out.join("leaflet-a5"));
        assert!(!names.is_empty(), "shard {k} is empty");
        total += names.len();
        seen.extend(names);
        assert!(out.join(format!("manifest.shard-{k}-of-3.json")).is_file());
    }
    assert_eq!(total, 31, "a village was built twice");
    assert_eq!(seen.len(), 31, "a village was missed");
}

#[test]
fn unchanged_inputs_are_not_rendered_again() {
    let dir = example_copy();
    let out = dir.path().join("out");
    let build = || run(canhbao().arg("build").arg(dir.path()).arg("--out").arg(&out));
    let (code, _, err) = build();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("31 tệp mới"), "{err}");
    let (code, _, err) = build();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 tệp mới, 31 tệp không đổi"), "{err}");
    assert!(err.contains("Không có gì thay đổi"), "{err}");

    // One officer changes phone: only that village is rendered again.
    let csv = dir.path().join("villages.csv");
    let text = fs::read_to_string(&csv).unwrap().replace("0912 000 105", "0912 999 105");
    fs::write(&csv, text).unwrap();
    let (code, _, err) = build();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 tệp mới, 30 tệp không đổi"), "{err}");
}

#[test]
fn killed_build_leaves_only_whole_pdfs_and_a_rerun_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    synthetic(&campaign, 200);
    let out = tmp.path().join("out");
    let mut child = canhbao()
        .arg("build")
        .arg(&campaign)
        .arg("--out")
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while files(&out.join("leaflet-a5"), "pdf").len() < 15
        && start.elapsed() < Duration::from_secs(120)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let partial = files(&out.join("leaflet-a5"), "pdf");
    assert!(partial.len() < 200, "the build finished before it could be killed");
    for pdf in &partial {
        let doc = lopdf::Document::load(pdf)
            .unwrap_or_else(|e| panic!("{} is not a whole PDF: {e}", pdf.display()));
        assert_eq!(doc.get_pages().len(), 2, "{}", pdf.display());
    }

    let (code, _, err) = run(canhbao().arg("build").arg(&campaign).arg("--out").arg(&out));
    assert_eq!(code, 0, "{err}");
    let leftovers: Vec<_> = all_files(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".canhbao-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");

    let clean = tmp.path().join("clean");
    let (code, _, err) = run(canhbao().arg("build").arg(&campaign).arg("--out").arg(&clean));
    assert_eq!(code, 0, "{err}");
    let names = pdf_names(&clean.join("leaflet-a5"));
    assert_eq!(names.len(), 200);
    assert_eq!(pdf_names(&out.join("leaflet-a5")), names);
    for name in names {
        let a = fs::read(out.join("leaflet-a5").join(&name)).unwrap();
        let b = fs::read(clean.join("leaflet-a5").join(&name)).unwrap();
        assert!(a == b, "{name} differs from a clean run");
    }
}

#[test]
fn a_file_that_cannot_be_written_fails_its_job_only() {
    let dir = example_copy();
    let out = dir.path().join("out");
    // A non-empty folder where one village's PDF goes: renaming onto it fails.
    let blocked = out.join("leaflet-a5/thon-an-hai.pdf");
    fs::create_dir_all(blocked.join("x")).unwrap();
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).arg("--out").arg(&out));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("thon-an-hai.pdf"), "the message names the file: {err}");
    assert!(err.contains("30 tệp mới"), "{err}");
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(!manifest.contains("thon-an-hai.pdf"), "a failed file is not in the manifest");
    assert_eq!(manifest.matches("\"leaflet-a5/").count(), 30, "{manifest}");
    // The other 30 villages still get their print package (issue 23).
    assert_eq!(files(&out.join("print/leaflet-a5-2up-sra4"), "pdf").len(), 30);
}

#[test]
fn shard_manifests_merge_into_a_whole_run_that_renders_nothing() {
    let dir = example_copy();
    let out = dir.path().join("out");
    for k in 1..=3 {
        let (code, _, err) = run(canhbao()
            .arg("build")
            .arg(dir.path())
            .arg("--out")
            .arg(&out)
            .arg("--shard")
            .arg(format!("{k}/3")));
        assert_eq!(code, 0, "{err}");
    }
    assert!(!out.join("print").exists(), "a shard made the print package");
    // The whole run finds every shard's files and only adds what needs all of them.
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).arg("--out").arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 tệp mới"), "{err}");
    assert!(err.contains("31 tệp không đổi"), "{err}");
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert_eq!(manifest.matches("\"leaflet-a5/").count(), 31, "{manifest}");
    assert!(out.join("print/leaflet-a5-all.pdf").is_file());
    assert!(out.join("print-order.csv").is_file());
}

/// A failure of the disk, not of the input, is said in Vietnamese with the
/// file it concerns (the journal's was "failed to open `…` (Is a directory
/// (os error 21))"), and exits 1.
#[test]
fn a_journal_that_cannot_be_opened_is_named_in_vietnamese() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(out.join("manifest.journal")).unwrap();
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(repo().join("examples/tien-trang"))
        .args(["--village", "Đông Hải", "--layout", "card", "--no-package", "--out"])
        .arg(&out));
    assert_eq!(code, 1, "{err}");
    let journal = out.join("manifest.journal");
    let want = format!("lỗi: không mở được tệp “{}” (đây là thư mục", journal.display());
    assert!(err.contains(&want), "{err}");
    assert!(!err.contains("os error"), "{err}");
}
