//! Pictograms (layouts/icons.typ): one per tactic and per "4 không, 2 phải"
//! item, in CMYK, with a neutral fallback for any other id.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use lopdf::Document;
use lopdf::content::Content;

use crate::print::colour_ops;
use crate::util::*;

/// The slogan items' ids, in the order of "4 không, 2 phải" (seeds 002, 003).
const SLOGAN_IDS: [&str; 6] =
    ["no_fear", "no_greed", "no_strangers", "no_obey", "must_alert", "must_report"];

/// Tactics the issue adds to the packs (they may not be there yet).
const NEW_TACTICS: [&str; 2] = ["online_kidnap", "fake_recovery"];

/// Every id that must have a pictogram of its own: the tactics of every
/// locale pack, the new tactics and the slogan items.
fn expected_ids() -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for pack in ["vi", "en"] {
        let path = repo().join(format!("layouts/locales/{pack}.toml"));
        let value: toml::Value = toml::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let tactics = value["tactics"].as_table().expect("the pack has [tactics.*]");
        ids.extend(tactics.keys().cloned());
    }
    ids.extend(NEW_TACTICS.iter().chain(&SLOGAN_IDS).map(|s| s.to_string()));
    let mut seen = std::collections::BTreeSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    ids
}

/// Other ways to name a pictogram (JSON), with the id whose drawing they
/// must give: the tactic object itself, and an alias.
const SAME_AS: [(&str, &str); 2] =
    [("{\"id\": \"prize\", \"title\": \"…\"}", "prize"), ("\"must_protect\"", "must_alert")];

/// Ids without a pictogram, appended last: an unknown string, JSON null, a
/// number and a tactic whose id is not a string.
const UNKNOWN: [&str; 4] = ["\"no-such-id\"", "null", "42", "{\"id\": 7}"];

/// Builds the test layouts (tests/fixtures/icons + layouts/icons-sheet.typ)
/// in a copy of the example campaign; returns (campaign dir, out dir).
fn build(layout: &str, png: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let dir = example_copy();
    let mine = dir.path().join("mau");
    copy_dir(&repo().join("tests/fixtures/icons"), &mine);
    fs::copy(repo().join("layouts/icons-sheet.typ"), mine.join("icons-sheet.typ")).unwrap();
    let ids = expected_ids();
    let json: Vec<String> = ids
        .iter()
        .map(|id| serde_json::to_string(id).unwrap())
        .chain(SAME_AS.iter().map(|(json, _)| json.to_string()))
        .chain(UNKNOWN.map(String::from))
        .collect();
    fs::write(mine.join("ids.json"), format!("[{}]", json.join(", "))).unwrap();
    let mut registry = fs::read_to_string(mine.join("layouts.toml")).unwrap();
    registry.push_str(&format!(
        "\n[icons-each]\nfile = \"icons-each.typ\"\ntitle = \"Từng hình\"\npaper = \"custom\"\n\
         width_mm = 40\nheight_mm = 40\npages = {}\nscope = \"commune\"\ncopies = \"none\"\n",
        json.len()
    ));
    fs::write(mine.join("layouts.toml"), registry).unwrap();
    let path = dir.path().join("campaign.toml");
    let before = fs::read_to_string(&path).unwrap();
    let toml = before.replacen(
        "layouts = [\"leaflet-a5\"]",
        &format!("layouts = [\"{layout}\"]\nlayouts_dir = \"mau\""),
        1,
    );
    assert_ne!(toml, before, "the example's campaign.toml no longer lists leaflet-a5 alone");
    fs::write(&path, toml).unwrap();
    let out = dir.path().join("out");
    let mut cmd = canhbao();
    cmd.arg("build")
        .arg(dir.path())
        .args(["--no-package", "--preflight", "off", "--out"])
        .arg(&out);
    if let Some(dpi) = png {
        cmd.args(["--png", dpi]);
    }
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 0, "{layout}: {err}");
    let pdf = files(&out.join(layout), "pdf");
    assert_eq!(pdf.len(), 1, "{layout}: one document expected, got {pdf:?}");
    (dir, out)
}

/// The only PDF of a layout's output folder.
fn pdf_of(out: &Path, layout: &str) -> PathBuf {
    files(&out.join(layout), "pdf").remove(0)
}

/// What a page draws, text left out: its operators outside BT … ET, with
/// their operands, as one string.
fn drawing(doc: &Document, page: lopdf::ObjectId) -> String {
    let content = Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
    let mut in_text = false;
    let mut out = String::new();
    for op in content.operations {
        match op.operator.as_str() {
            "BT" => in_text = true,
            "ET" => in_text = false,
            _ if !in_text => out.push_str(&format!("{} {:?}\n", op.operator, op.operands)),
            _ => {}
        }
    }
    out
}

/// Every colour operator of every page is DeviceCMYK (`k`/`K`, 4 operands),
/// and nothing dark is rich black.
fn assert_cmyk_only(pdf: &Path) {
    let doc = Document::load(pdf).unwrap();
    let mut count = 0;
    for (n, page) in doc.get_pages() {
        for (op, nums) in colour_ops(&doc, page) {
            let bare = op.trim_start_matches("text:");
            assert!(bare == "k" || bare == "K", "page {n}: non-CMYK colour {op} {nums:?}");
            assert_eq!(nums.len(), 4, "page {n}: {op} {nums:?}");
            if nums[3] > 0.9 {
                assert!(nums[..3].iter().all(|v| *v == 0.0), "page {n}: rich black {nums:?}");
            }
            count += 1;
        }
    }
    assert!(count > 0, "{}: no colour operator at all", pdf.display());
}

#[test]
fn every_tactic_and_slogan_item_has_its_own_pictogram_in_cmyk() {
    let (_dir, out) = build("icons-each", None);
    let pdf = pdf_of(&out, "icons-each");
    let doc = Document::load(&pdf).unwrap();
    let pages = doc.get_pages();
    let ids = expected_ids();
    assert_eq!(pages.len(), ids.len() + SAME_AS.len() + UNKNOWN.len());

    // Page n draws ids[n - 1] and prints it below; then the other names,
    // then the unknown ids.
    let mut by_drawing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut by_id: BTreeMap<String, String> = BTreeMap::new();
    let mut other_names = Vec::new();
    let mut fallback = Vec::new();
    for (n, page) in &pages {
        let label = page_text(&pdf, *n as usize).trim().to_string();
        let art = drawing(&doc, *page);
        assert!(
            art.lines().any(|l| ["f ", "S ", "B ", "b ", "f* "].iter().any(|p| l.starts_with(p))),
            "page {n} ({label}): nothing painted"
        );
        let n = *n as usize;
        if n <= ids.len() {
            assert_eq!(label, ids[n - 1], "page {n}");
            by_id.insert(label.clone(), art.clone());
            by_drawing.entry(art).or_default().push(label);
        } else if n <= ids.len() + SAME_AS.len() {
            other_names.push((label, art, SAME_AS[n - ids.len() - 1].1));
        } else {
            fallback.push((label, art));
        }
    }
    // A tactic object and an alias draw the pictogram they name.
    for (label, art, id) in &other_names {
        assert!(*art == by_id[*id], "{label} does not draw {id}");
    }
    // Unknown ids of any type draw one and the same fallback, without error.
    let labels: Vec<&str> = fallback.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["no-such-id", "none", "42", "tactic 7"]);
    assert!(fallback.iter().all(|(_, art)| *art == fallback[0].1), "fallbacks differ");
    // Every known id draws something of its own: not the fallback, and not
    // another id's drawing.
    if let Some(same) = by_drawing.get(&fallback[0].1) {
        panic!("these ids draw the fallback: {same:?}");
    }
    let shared: Vec<_> = by_drawing.values().filter(|v| v.len() > 1).collect();
    assert!(shared.is_empty(), "ids sharing one pictogram: {shared:?}");
    assert_eq!(by_drawing.len(), ids.len());

    assert_cmyk_only(&pdf);
}

#[test]
fn the_icon_sheet_compiles_shows_every_id_and_renders() {
    let (_dir, out) = build("icons-sheet", Some("80"));
    let pdf = pdf_of(&out, "icons-sheet");
    let text = pdf_text(&pdf);
    for id in expected_ids() {
        assert!(text.contains(&id), "the sheet does not show {id}:\n{text}");
    }
    assert_cmyk_only(&pdf);

    // The 80-dpi render (an A4 page) carries the icons: pure black ink and
    // the red accent both appear.
    let png = files(&out.join("icons-sheet"), "png");
    assert_eq!(png.len(), 1, "{png:?}");
    let img = image::open(&png[0]).unwrap().to_rgb8();
    let (w, h) = (img.width() as f64, img.height() as f64);
    assert!((w - 661.4).abs() < 2.0 && (h - 935.4).abs() < 2.0, "A4 at 80 dpi: {w}×{h}");
    let dark = img.pixels().filter(|p| p.0.iter().all(|c| *c < 80)).count();
    let red = img.pixels().filter(|p| p.0[0] > 150 && p.0[1] < 80 && p.0[2] < 80).count();
    assert!(dark > 5_000 && red > 2_000, "dark {dark} px, red {red} px");
}
