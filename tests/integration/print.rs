//! The whole print run: every layout, its paper, its colours, its QR codes.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use lopdf::content::Content;
use lopdf::{Document, Object, ObjectId};

use crate::util::*;

/// Printed layouts: (id, trim width mm, trim height mm, pages, QR minimum mm).
const PRINTED: &[(&str, f64, f64, usize, f64)] = &[
    ("leaflet-a5", 148.0, 210.0, 2, 20.0),
    ("poster-a4", 210.0, 297.0, 1, 25.0),
    ("poster-a3", 297.0, 420.0, 1, 40.0),
    ("leaflet-a4-trifold", 297.0, 210.0, 2, 20.0),
    ("banner", 5000.0, 800.0, 1, 80.0),
    ("card", 85.0, 55.0, 2, 15.0),
    ("card-sheet", 210.0, 297.0, 2, 15.0),
];

/// All layouts for all 31 villages, built once.
fn all_layouts() -> &'static Path {
    static BUILT: OnceLock<tempfile::TempDir> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let mut cmd = canhbao();
            cmd.arg("build").arg(repo().join("examples/tien-trang")).arg("--out").arg(dir.path());
            for (id, ..) in PRINTED {
                cmd.args(["--layout", id]);
            }
            let (code, _, err) = run(cmd.args(["--layout", "social", "--no-package"]));
            assert_eq!(code, 0, "{err}");
            dir
        })
        .path()
}

#[test]
fn every_layout_has_its_pages_and_exact_paper() {
    for &(id, w, h, pages, _) in PRINTED {
        let pdfs = files(&all_layouts().join(id), "pdf");
        let want = if id == "banner" { 1 } else { 31 };
        assert_eq!(pdfs.len(), want, "{id}");
        for pdf in pdfs.iter().take(3) {
            let doc = Document::load(pdf).unwrap();
            assert_eq!(doc.get_pages().len(), pages, "{}", pdf.display());
            // The card sheet has no bleed of its own: its trim is the sheet.
            let (bleed, trim_box) =
                if id == "card-sheet" { (0.0, &b"MediaBox"[..]) } else { (3.0, &b"TrimBox"[..]) };
            let (tw, th) = box_mm(&doc, 1, trim_box);
            assert!((tw - w).abs() < 0.05 && (th - h).abs() < 0.05, "{id}: trim {tw}×{th}");
            let (mw, mh) = box_mm(&doc, 1, b"MediaBox");
            assert!(
                (mw - w - 2.0 * bleed).abs() < 0.05 && (mh - h - 2.0 * bleed).abs() < 0.05,
                "{id}: media {mw}×{mh}"
            );
        }
    }
}

#[test]
fn crop_marks_grow_the_media_box_but_not_the_trim() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(repo().join("examples/tien-trang"))
        .args([
            "--village",
            "Đông Hải",
            "--layout",
            "poster-a4",
            "--layout",
            "leaflet-a5",
            "--marks",
            "--out",
        ])
        .arg(out.path()));
    assert_eq!(code, 0, "{err}");
    for (id, w, h) in [("poster-a4", 210.0, 297.0), ("leaflet-a5", 148.0, 210.0)] {
        let doc = Document::load(out.path().join(id).join("thon-dong-hai.pdf")).unwrap();
        let (tw, th) = box_mm(&doc, 1, b"TrimBox");
        assert!((tw - w).abs() < 0.05 && (th - h).abs() < 0.05, "{id}: trim {tw}×{th}");
        let (mw, _) = box_mm(&doc, 1, b"MediaBox");
        assert!(mw > w + 2.0 * 3.0 + 1.0, "{id}: no room for marks ({mw} mm)");
    }
}

/// Every colour operator of a page and the forms it draws, with operands.
fn colour_ops(doc: &Document, page: ObjectId) -> Vec<(String, Vec<f32>)> {
    let mut out = Vec::new();
    let mut streams = vec![doc.get_page_content(page).unwrap()];
    // Form XObjects (e.g. imposed or reused content).
    if let Ok((Some(res), _)) = doc.get_page_resources(page)
        && let Ok(xobjects) = res.get(b"XObject").and_then(Object::as_dict)
    {
        for (_, x) in xobjects.iter() {
            if let Ok(id) = x.as_reference()
                && let Ok(Object::Stream(s)) = doc.get_object(id)
            {
                streams.push(s.decompressed_content().unwrap_or_else(|_| s.content.clone()));
            }
        }
    }
    for bytes in streams {
        let Ok(content) = Content::decode(&bytes) else { continue };
        // The fill colour in effect is recorded again at each text-showing
        // operator, as `text:k`.
        let mut fill: Vec<f32> = Vec::new();
        for op in content.operations {
            match op.operator.as_str() {
                "rg" | "RG" | "g" | "G" | "sc" | "scn" | "SC" | "SCN" | "cs" | "CS" | "k" | "K" => {
                    let nums: Vec<f32> =
                        op.operands.iter().filter_map(|o| o.as_float().ok()).collect();
                    if op.operator == "k" {
                        fill = nums.clone();
                    }
                    out.push((op.operator.clone(), nums));
                }
                "Tj" | "TJ" | "'" | "\"" => out.push(("text:k".into(), fill.clone())),
                _ => {}
            }
        }
    }
    out
}

#[test]
fn posters_use_cmyk_only_and_pure_black() {
    for id in ["poster-a4", "poster-a3", "leaflet-a5"] {
        let pdf = all_layouts().join(id).join("thon-dong-hai.pdf");
        let doc = Document::load(&pdf).unwrap();
        let mut k_only_text = false;
        for (_, page) in doc.get_pages() {
            for (op, nums) in colour_ops(&doc, page) {
                let bare = op.trim_start_matches("text:");
                assert!(bare == "k" || bare == "K", "{id}: non-CMYK colour operator {op} {nums:?}");
                assert_eq!(nums.len(), 4, "{id}: {op} {nums:?}");
                // No rich black: anything dark must be 100 % K alone.
                if nums[3] > 0.9 {
                    assert!(nums[..3].iter().all(|v| *v == 0.0), "{id}: rich black {nums:?}");
                }
                if op == "text:k" && nums == [0.0, 0.0, 0.0, 1.0] {
                    k_only_text = true;
                }
            }
        }
        assert!(k_only_text, "{id}: no body text in 100 % K");
    }
}

#[test]
fn qr_codes_decode_at_150_dpi_and_are_big_enough() {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = canhbao();
    cmd.arg("build").arg(repo().join("examples/tien-trang")).args([
        "--village",
        "Vạn Lộc",
        "--png",
        "150",
        "--out",
    ]);
    cmd.arg(out.path());
    for (id, ..) in PRINTED.iter().filter(|p| p.0 != "banner") {
        cmd.args(["--layout", id]);
    }
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 0, "{err}");
    let allowed = ["tel:02373868113", "https://tinnhiemmang.vn", "tel:0912000131"];
    for &(id, _, _, pages, min_mm) in PRINTED.iter().filter(|p| p.0 != "banner") {
        let mut found = BTreeMap::new();
        let mut hotlines = 0;
        for page in 1..=pages {
            let png = out.path().join(format!("{id}/thon-van-loc-{page}.png"));
            let img = image::open(&png).unwrap().to_luma8();
            let mut prepared = rqrr::PreparedImage::prepare(img);
            for grid in prepared.detect_grids() {
                // rqrr may pair finder patterns of neighbouring codes on the
                // 8-up card sheet into a phantom grid; every real code is
                // still counted below.
                let (_, value) = match grid.decode() {
                    Ok(v) => v,
                    Err(e) if id == "card-sheet" => {
                        eprintln!("{id}: phantom grid ignored ({e:?})");
                        continue;
                    }
                    Err(e) => panic!("{id}: undecodable QR: {e:?}"),
                };
                hotlines += usize::from(value == "tel:02373868113");
                let b = grid.bounds;
                let side_px = (((b[1].x - b[0].x).pow(2) + (b[1].y - b[0].y).pow(2)) as f64).sqrt();
                let side_mm = side_px / 150.0 * 25.4;
                found.insert(value, side_mm);
            }
        }
        assert!(found.contains_key("tel:02373868113"), "{id}: hotline QR missing: {found:?}");
        if id == "card-sheet" {
            // Decode each of the 2 × 4 cards on its own.
            let png = out.path().join(format!("{id}/thon-van-loc-2.png"));
            let img = image::open(&png).unwrap().to_luma8();
            let (w, h) = (img.width() / 2, img.height() / 4);
            let mut cards = 0;
            for (col, row) in (0..2).flat_map(|c| (0..4).map(move |r| (c, r))) {
                let cell = image::imageops::crop_imm(&img, col * w, row * h, w, h).to_image();
                let mut prepared = rqrr::PreparedImage::prepare(cell);
                cards += prepared
                    .detect_grids()
                    .iter()
                    .filter_map(|g| g.decode().ok())
                    .filter(|(_, v)| v == "tel:02373868113")
                    .count();
            }
            assert!(hotlines >= 1);
            assert_eq!(cards, 8, "card-sheet: every card's QR must decode");
        }
        for (value, mm) in &found {
            assert!(allowed.contains(&value.as_str()), "{id}: unexpected payload {value}");
            assert!(*mm >= min_mm - 0.5, "{id}: QR {value} is {mm:.1} mm, minimum {min_mm}");
        }
    }
}

#[test]
fn long_names_shrink_and_too_long_names_fail_naming_the_field() {
    let dir = example_copy();
    let long = "Thôn Đông Hải Thượng Hạ Trung Nam Bắc Phú Lộc Vạn Xuân An Bình Hòa Thịnh Phước Tường Long Hưng Thành Khang Ninh Mỹ Lợi";
    assert!(long.chars().count() >= 110);
    let huge = "Đông Hải ".repeat(44);
    let csv = format!(
        "name,kind,officer,officer_phone,households\n{long},thôn,Lê Văn Bình,0912345678,10\n{huge},thôn,Lê An,0912345679,10\n"
    );
    std::fs::write(dir.path().join("villages.csv"), csv).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(dir.path())
        .args(["--layout", "poster-a4", "--out"])
        .arg(&out));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("village.name")
            && err.contains("poster-a4")
            && err.contains("Đông Hải Đông Hải"),
        "{err}"
    );
    let written = files(&out.join("poster-a4"), "pdf");
    assert_eq!(written.len(), 1, "only the fitting village is written: {written:?}");
    let text = pdf_text(&written[0]).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Tường Long Hưng"), "{text}");
}

#[test]
fn social_images_are_1080_px_wide_one_per_tactic() {
    let pngs = files(&all_layouts().join("social"), "png");
    assert_eq!(pngs.len(), 6, "{pngs:?}");
    for png in pngs {
        let (w, h) = image::image_dimensions(&png).unwrap();
        assert_eq!((w, h), (1080, 1350), "{}", png.display());
    }
}

#[test]
fn every_layout_renders_in_english_too() {
    let dir = example_copy();
    let path = dir.path().join("campaign.toml");
    let toml =
        std::fs::read_to_string(&path).unwrap().replace("locale = \"vi\"", "locale = \"en\"");
    std::fs::write(&path, toml).unwrap();
    let mut cmd = canhbao();
    cmd.arg("build").arg(dir.path()).args(["--village", "Đông Hải", "--no-package", "--out"]);
    cmd.arg(dir.path().join("out"));
    for id in canhbao::layouts::builtin().iter().map(|l| l.id.clone()) {
        cmd.arg("--layout").arg(id);
    }
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 0, "{err}");
    let text = pdf_text(&dir.path().join("out/leaflet-a5/thon-dong-hai.pdf"));
    assert!(text.contains("Do not transfer money") || text.contains("DO NOT"), "{text}");
}

#[test]
fn sample_json_is_the_example_data() {
    // layouts/sample.json lets designers run the stock typst CLI; keep it
    // equal to what canhbao hands the leaflet for the example's first village.
    let project = canhbao::load(&repo().join("examples/tien-trang")).unwrap();
    let layout = project.layout("leaflet-a5").unwrap().clone();
    let jobs = canhbao::plan::plan(&project.campaign, &[layout], &[0], &project.pack);
    let data = canhbao::plan::Planner::new(&project.campaign, &project.pack)
        .unwrap()
        .data(&jobs[0])
        .unwrap();
    let want: serde_json::Value = serde_json::from_slice(&data).unwrap();
    let path = repo().join("layouts/sample.json");
    if std::env::var_os("CANHBAO_BLESS").is_some() {
        std::fs::write(&path, format!("{}\n", serde_json::to_string_pretty(&want).unwrap()))
            .unwrap();
    }
    let got: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(
        got == want,
        "layouts/sample.json is stale: run `CANHBAO_BLESS=1 cargo test sample_json`"
    );
}

#[test]
fn every_audience_renders_every_layout_without_overflow() {
    let ids: Vec<String> = canhbao::layouts::builtin().iter().map(|l| l.id.clone()).collect();
    for audience in ["households", "shops", "schools", "border", "elderly"] {
        let dir = example_copy();
        let path = dir.path().join("campaign.toml");
        let toml = std::fs::read_to_string(&path).unwrap();
        let toml = toml.replacen(
            "locale = \"vi\"",
            &format!("locale = \"vi\"\naudience = \"{audience}\""),
            1,
        );
        std::fs::write(&path, toml).unwrap();
        let mut cmd = canhbao();
        cmd.arg("build")
            .arg(dir.path())
            .args(["--no-package", "--out"])
            .arg(dir.path().join("out"));
        for id in &ids {
            cmd.arg("--layout").arg(id);
        }
        let (code, _, err) = run(&mut cmd);
        assert_eq!(code, 0, "{audience}: {err}");
        assert!(err.contains(" 0 lỗi"), "{audience}: {err}");
        assert_eq!(files(&dir.path().join("out/poster-a4"), "pdf").len(), 31, "{audience}");
    }
}

/// The tallest cap height, in points, of text runs containing `needle`.
fn cap_height_pt(frame: &typst::layout::Frame, needle: &str, scale: f64) -> f64 {
    use typst::layout::FrameItem;
    let mut best: f64 = 0.0;
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => {
                let s = scale * g.transform.sy.get();
                best = best.max(cap_height_pt(&g.frame, needle, s));
            }
            FrameItem::Text(t)
                if t.text.replace(" ", "").replace("\u{a0}", "").contains(needle) =>
            {
                let cap = t.font.metrics().cap_height.at(t.size).to_pt() * scale;
                best = best.max(cap);
            }
            _ => {}
        }
    }
    best
}

#[test]
fn social_hotline_is_at_least_40_px_tall_on_a_1080_px_image() {
    let project = canhbao::load(&repo().join("examples/tien-trang")).unwrap();
    let base = project.base(&[]).unwrap();
    for id in ["social", "social-square"] {
        let layout = project.layout(id).unwrap().clone();
        let jobs = canhbao::plan::plan(
            &project.campaign,
            std::slice::from_ref(&layout),
            &[],
            &project.pack,
        );
        let data = canhbao::plan::Planner::new(&project.campaign, &project.pack)
            .unwrap()
            .data(&jobs[0])
            .unwrap();
        let world = base.job(&layout.file, data);
        let doc = canhbao::render::compile(&world, 1).unwrap().doc;
        let page = &doc.pages()[0];
        let px_per_pt = f64::from(layout.dpi) / 72.0;
        assert_eq!((page.frame.width().to_pt() * px_per_pt).round(), 1080.0, "{id}");
        let cap = cap_height_pt(&page.frame, "02373868113", 1.0) * px_per_pt;
        assert!(cap >= 40.0, "{id}: hotline digits are {cap:.1} px tall");
    }
}

#[test]
fn border_and_urban_examples_build_out_of_the_box() {
    for example in ["nam-gia-nghia", "hac-thanh"] {
        let out = tempfile::tempdir().unwrap();
        let (code, _, err) = run(canhbao()
            .arg("build")
            .arg(repo().join("examples").join(example))
            .arg("--out")
            .arg(out.path()));
        assert_eq!(code, 0, "{example}: {err}");
        assert!(err.contains(" 0 lỗi"), "{example}: {err}");
        assert!(files(&out.path().join("leaflet-a5"), "pdf").len() >= 8, "{example}");
        assert!(out.path().join("print-order.csv").is_file(), "{example}");
    }
}
