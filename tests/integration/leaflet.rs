//! The example commune builds into 31 correct, printable A5 leaflets.

use lopdf::Document;

use crate::util::*;

#[test]
fn example_builds_31_two_page_a5_leaflets() {
    let out = example_build().join("out/leaflet-a5");
    let pdfs = files(&out, "pdf");
    assert_eq!(pdfs.len(), 31, "{pdfs:?}");
    for pdf in &pdfs {
        let doc = Document::load(pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 2, "{}", pdf.display());
        for page in [1, 2] {
            let (w, h) = box_mm(&doc, page, b"TrimBox");
            assert!((w - 148.0).abs() < 0.05 && (h - 210.0).abs() < 0.05, "trim {w}×{h}");
            let (w, h) = box_mm(&doc, page, b"MediaBox");
            assert!((w - 154.0).abs() < 0.05 && (h - 216.0).abs() < 0.05, "media {w}×{h}");
        }
        let (fonts, embedded) = all_fonts_embedded(&doc);
        assert!(fonts > 0 && embedded, "{}: {fonts} fonts, embedded={embedded}", pdf.display());
    }
}

#[test]
fn leaflet_text_extracts_with_diacritics_and_local_numbers() {
    let pdf = example_build().join("out/leaflet-a5/thon-dong-hai.pdf");
    let text = pdf_text(&pdf);
    for needle in [
        "thôn Đông Hải",
        "xã Tiên Trang",
        "0237 3868 113",
        "Lê Văn Bình",
        "0912 000 101",
        "4 KHÔNG",
        "2 PHẢI",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // The front carries the slogan and the numbers, the village officer
    // among them; the back the tactics, and the officer once more.
    let front = page_text(&pdf, 1);
    assert!(front.contains("4 KHÔNG") && front.contains("Lê Văn Bình"), "{front}");
    assert!(front.contains("0912 000 101"), "{front}");
    let back = page_text(&pdf, 2);
    assert!(
        back.contains("Lê Văn Bình · 0912 000 101") && back.contains("NẾU LỠ BỊ LỪA"),
        "{back}"
    );
    // Another village carries its own officer, not the first one's.
    let text = pdf_text(&example_build().join("out/leaflet-a5/thon-van-loc.pdf"));
    assert!(text.contains("0912 000 131"), "{text}");
    assert!(!text.contains("0912 000 101"));
}

#[test]
fn every_qr_decodes_to_its_configured_value() {
    let out = example_build().join("out/leaflet-a5");
    for slug in ["thon-dong-hai", "thon-van-loc"] {
        let mut found: Vec<String> = Vec::new();
        for page in [1, 2] {
            found.extend(decode_qr(&out.join(format!("{slug}-{page}.png"))));
        }
        found.sort();
        found.dedup();
        for want in ["tel:02373868113", "https://tinnhiemmang.vn"] {
            assert!(found.iter().any(|f| f == want), "{slug}: {want} not in {found:?}");
        }
        for f in &found {
            assert!(
                ["tel:02373868113", "https://tinnhiemmang.vn"].contains(&f.as_str())
                    || f.starts_with("tel:0912000"),
                "{slug}: unexpected QR payload {f}"
            );
        }
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let first = example_build().join("out/leaflet-a5");
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(repo().join("examples/tien-trang"))
        .arg("--out")
        .arg(dir.path())
        .args(["--village", "Đông Hải", "--village", "Vạn Lộc"]));
    assert_eq!(code, 0, "{err}");
    for slug in ["thon-dong-hai", "thon-van-loc"] {
        let a = std::fs::read(first.join(format!("{slug}.pdf"))).unwrap();
        let b = std::fs::read(dir.path().join(format!("leaflet-a5/{slug}.pdf"))).unwrap();
        assert!(a == b, "{slug}: PDFs differ between runs");
    }
}

#[test]
fn layouts_lists_leaflet() {
    let (code, out, _) = run(canhbao().arg("layouts"));
    assert_eq!(code, 0);
    assert!(out.contains("leaflet-a5") && out.contains("148×210"), "{out}");
}

/// The A5 back sizes its tactics on a probe, a twin of the real block
/// (leaflet-a5-lib.typ, `back-flow(…, probe: true)`): edited apart, the two
/// would measure differently, and the back would lose a tactic or overflow.
/// The campaign tests/fixtures/probe has a layout of its own
/// (`mau/probe-check.typ`) that measures both for every number of the village's
/// tactics, in one and two columns, at the households' and the elderly
/// readers' body size, and prints "LỆCH" for each case that differs.
#[test]
fn a5_back_probe_measures_like_its_block() {
    let dir = fixture("probe");
    let out = build_dong_hai(dir.path());
    let text = pdf_text(&out.join("probe-check/thon-dong-hai.pdf"));
    let (matched, total) = text
        .split("khớp: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next()?.split_once('/'))
        .unwrap_or_else(|| panic!("no count in {text}"));
    assert!(!text.contains("LỆCH"), "{text}");
    // Two column counts × two sizes × at least three tactics.
    assert!(total.parse::<usize>().unwrap() >= 12, "{text}");
    assert_eq!(matched, total, "{text}");
}
