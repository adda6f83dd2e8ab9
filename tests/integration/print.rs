//! The whole print run: every layout, its paper, its colours, its QR codes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
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
pub(crate) fn colour_ops(doc: &Document, page: ObjectId) -> Vec<(String, Vec<f32>)> {
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
                    // Finder-like shapes (the numbered discs of a list) can
                    // pair into a phantom grid: a far from square one is not
                    // a code. A square grid that fails to decode is a defect.
                    Err(e) if !square(&grid.bounds) => {
                        eprintln!("{id}: phantom grid ignored at {:?} ({e:?})", grid.bounds);
                        continue;
                    }
                    Err(e) => {
                        panic!("{id}: undecodable QR page {page} at {:?}: {e:?}", grid.bounds)
                    }
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
    let pack = canhbao::content::Pack::builtin("vi").unwrap();
    assert_eq!(pngs.len(), pack.audience_tactics("households").len(), "{pngs:?}");
    for png in pngs {
        let (w, h) = image::image_dimensions(&png).unwrap();
        assert_eq!((w, h), (1080, 1350), "{}", png.display());
    }
}

#[test]
fn every_layout_renders_in_english_too() {
    let dir = fixture("english");
    let mut cmd = canhbao();
    cmd.arg("build").arg(dir.path()).args(["--village", "Đông Hải", "--no-package", "--out"]);
    cmd.arg(dir.path().join("out"));
    for id in canhbao::layouts::builtin().iter().map(|l| l.id.clone()) {
        cmd.arg("--layout").arg(id);
    }
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 0, "{err}");
    let text = pdf_text(&dir.path().join("out/leaflet-a5/thon-dong-hai.pdf"));
    assert!(text.contains("DON’T SEND MONEY!"), "{text}");
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
        let dir = fixture(&format!("audience-{audience}"));
        // Each fixture names its audience: otherwise households is tested five times.
        let project = canhbao::load(dir.path()).unwrap();
        assert_eq!(project.campaign.audience, audience, "the fixture's audience line");
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

// ---- The print-shop package -------------------------------------------------

/// The example's villages, as loaded.
fn villages() -> Vec<canhbao::campaign::Village> {
    canhbao::load(&repo().join("examples/tien-trang")).unwrap().campaign.villages
}

/// A copy of the example with only its first `n` villages.
fn small_example(n: usize) -> tempfile::TempDir {
    let dir = example_copy();
    let path = dir.path().join("villages.csv");
    let csv = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = csv.lines().take(2 + n).collect();
    std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    dir
}

/// The columns of print-order.csv, as the shop reads them.
const ORDER_HEADER: [&str; 6] = ["tệp", "mẫu", "thôn", "khổ giấy", "số mặt", "số bản"];

/// print-order.csv as rows of fields: the jobs to print (file first; the
/// refused documents, listed after them with no file, are left out), the
/// columns in the order of [`ORDER_HEADER`].
fn order_rows(out: &Path) -> Vec<Vec<String>> {
    order_table(out)
        .into_iter()
        .filter(|r| !r["tệp"].is_empty())
        .map(|r| ORDER_HEADER.iter().map(|h| r[*h].clone()).collect())
        .collect()
}

/// print-order.csv as one map (header → field) per row.
fn order_table(out: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(out.join("print-order.csv")).unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    for h in ORDER_HEADER {
        assert!(headers.iter().any(|x| x == h), "no column {h}: {headers:?}");
    }
    r.records()
        .map(|r| headers.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect())
        .collect()
}

#[test]
fn a_refused_document_leaves_the_package_of_the_others_and_is_named() {
    // Three villages; the second's name cannot fit any layout.
    let dir = small_example(3);
    let path = dir.path().join("villages.csv");
    let csv = std::fs::read_to_string(&path).unwrap();
    let huge = "Đông Hải ".repeat(44);
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    let second = lines[3].split(',').next().unwrap().to_string();
    lines[3] = lines[3].replacen(&second, huge.trim(), 1);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(dir.path())
        .args(["--layout", "leaflet-a5", "--layout", "poster-a4", "--out"])
        .arg(&out));
    assert_eq!(code, 1, "some documents failed: the exit code says so\n{err}");
    // The package of the two good villages is written.
    let vs = villages();
    let (first, third) = (&vs[0], &vs[2]);
    for v in [first, third] {
        let sheet = out.join(format!("print/leaflet-a5-2up-sra4/{}.pdf", v.slug));
        assert!(sheet.is_file(), "{}: no 2-up sheet\n{err}", v.name);
    }
    assert_eq!(files(&out.join("print/leaflet-a5-2up-sra4"), "pdf").len(), 2);
    assert!(out.join("print/leaflet-a5-all.pdf").is_file());
    let rows = order_table(&out);
    let jobs: Vec<_> = rows.iter().filter(|r| !r["tệp"].is_empty()).collect();
    for v in [first, third] {
        for layout in ["leaflet-a5", "poster-a4"] {
            assert!(
                jobs.iter().any(|r| r["mẫu"] == layout && r["thôn"] == v.full()),
                "{} {layout} not ordered: {rows:?}",
                v.name
            );
        }
    }
    // The refused ones are in the order, with no file, their layout and why.
    let refused: Vec<_> = rows.iter().filter(|r| r["tệp"].is_empty()).collect();
    assert_eq!(refused.len(), 2, "{rows:?}");
    for (r, layout) in refused.iter().zip(["leaflet-a5", "poster-a4"]) {
        assert_eq!(r["mẫu"], layout, "{r:?}");
        assert!(r["thôn"].contains("Đông Hải Đông Hải"), "{r:?}");
        assert_eq!(r["số bản"], "0", "{r:?}");
        assert!(r["lý do không in"].contains("village.name"), "{r:?}");
        assert!(r.contains_key("trang"), "{r:?}");
    }
    // And in the summary, after the table.
    let tail = &err[err.find("Chi tiết cho nhà in").expect("the order's summary")..];
    assert!(tail.contains("KHÔNG IN ĐƯỢC 2 tệp"), "{err}");
    assert!(tail.contains("poster-a4") && tail.contains("Đông Hải Đông Hải"), "{err}");
}

/// Relative paths of every PDF under `out/print`.
fn print_files(out: &Path) -> Vec<String> {
    let mut all: Vec<String> = all_files(&out.join("print"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .map(|p| p.strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    all.sort();
    all
}

#[test]
fn print_order_has_a_row_for_every_printable_file_of_print() {
    let out = example_build().join("out");
    let rows = order_rows(&out);
    let listed: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let files = print_files(&out);
    assert!(files.len() >= 32, "{files:?}");
    // (The shop note and the scaled proofs are papers for the shop, no job.)
    for f in files.iter().filter(|f| !canhbao::output::is_paper(f)) {
        assert!(listed.contains(&f.as_str()), "{f} is in print/ but not in print-order.csv");
    }
    for f in &listed {
        assert!(out.join(f).is_file(), "print-order.csv lists {f}, which does not exist");
    }
    // One 2-up row per village, ⌈n/2⌉ sheets of n = households + 5 %.
    let vs = villages();
    let sheets: Vec<&Vec<String>> = rows.iter().filter(|r| r[0].contains("2up")).collect();
    assert_eq!(sheets.len(), vs.len());
    for (v, row) in vs.iter().zip(&sheets) {
        let n = (v.households as f64 * 1.05).ceil() as u64;
        assert_eq!(row[0], format!("print/leaflet-a5-2up-sra4/{}.pdf", v.slug));
        assert_eq!(row[2], v.full(), "{row:?}");
        assert_eq!(row[5], n.div_ceil(2).to_string(), "{row:?}");
        assert_eq!((row[3].as_str(), row[4].as_str()), ("sra4", "2"), "{row:?}");
    }
    let all: Vec<&Vec<String>> = rows.iter().filter(|r| r[0].ends_with("-all.pdf")).collect();
    assert_eq!(all.len(), 1, "{rows:?}");
    assert_eq!(all[0][5], "1");
}

/// (dark pixels, all pixels) of a rectangle (mm from the top-left) of a page.
fn dark_in(png: &image::GrayImage, dpi: f64, x: (f64, f64), y: (f64, f64)) -> usize {
    let px = |mm: f64| (mm / 25.4 * dpi).round() as u32;
    let mut dark = 0;
    for yy in px(y.0)..px(y.1).min(png.height()) {
        for xx in px(x.0)..px(x.1).min(png.width()) {
            dark += usize::from(png.get_pixel(xx, yy).0[0] < 128);
        }
    }
    dark
}

/// Renders page `page` of `pdf` at `dpi` (gray).
fn render_page(pdf: &Path, page: usize, dpi: u32) -> image::GrayImage {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    let p = page.to_string();
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-f", &p, "-l", &p, "-gray", "-png"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let png = files(dir.path(), "png").pop().expect("pdftoppm wrote a page");
    image::open(png).unwrap().to_luma8()
}

/// The TrimBox of page 1 as (left, bottom, right, top) in mm.
fn trim_box(doc: &Document) -> [f64; 4] {
    let id = doc.get_pages()[&1];
    let dict = doc.get_dictionary(id).unwrap();
    let arr = dict.get(b"TrimBox").unwrap().as_array().unwrap();
    let n: Vec<f64> = arr.iter().map(num).map(|pt| pt * 25.4 / 72.0).collect();
    [n[0], n[1], n[2], n[3]]
}

#[test]
fn two_up_sheet_is_one_village_twice_on_sra4_with_bleed_and_crop_marks() {
    let out = example_build().join("out");
    let vs = villages();
    for v in vs.iter().step_by(10) {
        let (name, officer) = (&v.name, &v.officer);
        let pdf = out.join(format!("print/leaflet-a5-2up-sra4/{}.pdf", v.slug));
        let doc = Document::load(&pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
        assert_eq!(doc.get_pages().len(), 2, "{name}: front and back");
        let (mw, mh) = box_mm(&doc, 1, b"MediaBox");
        assert!(mw.max(mh) >= 320.0 - 0.05 && mw.min(mh) >= 225.0 - 0.05, "{name}: {mw}×{mh}");
        // The TrimBox is the outer trim of the two copies: 2 × 148 mm plus a
        // gutter of two 3 mm bleeds, 210 mm high, centred on the sheet.
        let (tw, th) = box_mm(&doc, 1, b"TrimBox");
        assert!((tw - 302.0).abs() < 0.05 && (th - 210.0).abs() < 0.05, "{name}: {tw}×{th}");
        let t = trim_box(&doc);
        assert!((t[0] - (mw - tw) / 2.0).abs() < 0.05, "{name}: trim not centred {t:?}");
        // The village's name on the front of both copies; its officer on
        // both copies, on whichever side the leaflet prints them.
        let both = format!("{}{}", page_text(&pdf, 1), page_text(&pdf, 2));
        assert!(both.matches(officer.as_str()).count() >= 2, "{name}: {officer}\n{both}");
        for page in 1..=2 {
            let text = page_text(&pdf, page);
            // The back names no village since issue 23 (the same tactics for
            // every village): its hotline, twice, says the sheet is whole.
            let hotline = "0237 3868 113".to_string();
            let wanted = if page == 1 { name } else { &hotline };
            assert!(text.matches(wanted.as_str()).count() >= 2, "{name} p{page}: {text}");
            for other in vs.iter().filter(|o| o.officer != *officer) {
                assert!(!text.contains(&other.officer), "{name}: {} too", other.officer);
            }
        }
        // Crop marks: dark hairlines in the margin under the trim (SRA4
        // leaves 15 mm for the head's and the foot's margins: marks 3 mm
        // inside the paper's edge fit in the foot's only), at the four trim
        // lines (0, 148, 154, 302 mm), and nowhere above the trim.
        let png = render_page(&pdf, 1, 300);
        let (left, top) = ((mw - tw) / 2.0, mh - t[3]);
        for x in [0.0, 148.0, 154.0, 302.0] {
            let x = left + x;
            let d = dark_in(&png, 300.0, (x - 0.5, x + 0.5), (top + th + 3.2, mh - 3.0));
            assert!(d > 0, "{name}: no crop mark at x = {x:.1} mm");
        }
        assert_eq!(dark_in(&png, 300.0, (left + 20.0, left + 120.0), (0.0, top - 3.2)), 0);
        // Bleed: the red head of each copy runs 3 mm past its outer trim
        // (the left copy's left, the right copy's right), below the examples'
        // yellow "MẪU" band, which covers the top bleed.
        for x in [(left - 2.5, left - 0.5), (left + 302.5, left + 304.5)] {
            let d = dark_in(&png, 300.0, x, (top + 20.0, top + 40.0));
            assert!(d > 0, "{name}: no bleed beside the trim at {x:?}");
        }
    }
}

#[test]
fn every_side_of_a_2up_sheet_carries_its_slug_outside_the_trim() {
    let dir = small_example(3);
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).arg("--out").arg(&out));
    assert_eq!(code, 0, "{err}");
    let vs = villages();
    for (k, v) in vs.iter().take(3).enumerate() {
        let pdf = out.join(format!("print/leaflet-a5-2up-sra4/{}.pdf", v.slug));
        let doc = Document::load(&pdf).unwrap();
        let t = trim_box(&doc);
        let (_, mh) = box_mm(&doc, 1, b"MediaBox");
        for (page, side) in [(1, "mặt trước"), (2, "mặt sau")] {
            // Words whose box lies wholly below the TrimBox (pdftotext
            // measures from the top of the sheet).
            let below: Vec<String> = bbox_words(&pdf, page)
                .into_iter()
                .filter(|(top, ..)| *top > mh - t[1])
                .map(|w| w.2)
                .collect();
            let slug = below.join(" ");
            let want = format!(
                "Xã Tiên Trang · {} · Tờ rơi A5 hai mặt · {side} · bộ {}/3",
                v.full(),
                k + 1
            );
            assert_eq!(slug, want, "{} p{page}", v.name);
        }
    }
}

#[test]
fn the_banner_is_ordered_once() {
    let dir = small_example(2);
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(dir.path())
        .args(["--layout", "banner", "--layout", "leaflet-a5", "--out"])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let rows = order_table(&out);
    let banners: Vec<_> = rows.iter().filter(|r| r["mẫu"] == "banner").collect();
    assert_eq!(banners.len(), 1, "{banners:?}");
    assert_eq!(banners[0]["số bản"], "1", "{banners:?}");
    assert!(out.join(&banners[0]["tệp"]).is_file(), "{banners:?}");
    assert!(!out.join("print/banner-all.pdf").exists(), "a 5 m proof ordered as a print");
    // Its proof is a scaled one, on a sheet an office printer takes, and
    // says so; it is no line of the order, and the manifest lists it.
    let proof = out.join("print/banner-proof.pdf");
    assert!(proof.is_file(), "no scaled proof of the banner");
    assert!(!rows.iter().any(|r| r["tệp"].contains("proof")), "the proof is ordered: {rows:?}");
    let doc = Document::load(&proof).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    let (w, h) = box_mm(&doc, 1, b"MediaBox");
    assert!(w.max(h) <= 421.0, "proof {w:.0} × {h:.0} mm");
    let text = pdf_text(&proof);
    assert!(text.contains("BẢN DUYỆT THU NHỎ") && text.contains("KHÔNG IN KHỔ NÀY"), "{text}");
    assert!(text.contains("tỉ lệ 1:15") && text.contains("5000 × 800 mm"), "{text}");
    // The out folder holds exactly what the manifest lists.
    let manifest = canhbao::output::Manifest::read(&out.join("manifest.json")).owned();
    for f in all_files(&out) {
        let rel = f.strip_prefix(&out).unwrap().to_string_lossy().replace('\\', "/");
        if rel != "manifest.json" {
            assert!(manifest.contains(&rel), "{rel} is not in the manifest");
        }
    }
}

#[test]
fn the_shop_note_pdf_lists_every_job_with_its_paper_and_finishing() {
    let args = [
        "--layout",
        "leaflet-a5",
        "--layout",
        "poster-a4",
        "--layout",
        "card-sheet",
        "--layout",
        "banner",
    ];
    let (_dir, out) = build_small(3, &args);
    let pdf = out.join("print/GHI-CHU-NHA-IN.pdf");
    assert!(pdf.is_file(), "no shop note PDF");
    let doc = Document::load(&pdf).unwrap();
    assert_eq!(doc.get_pages().len(), 1, "one page");
    let (w, h) = box_mm(&doc, 1, b"MediaBox");
    assert!((w - 210.0).abs() < 0.5 && (h - 297.0).abs() < 0.5, "A4: {w} × {h}");
    let note = pdf_text(&pdf);
    // `-layout` interleaves the lines of a table's wrapped cells; `-raw`
    // reads each cell whole, in the order it was set: its words.
    let raw = pdf_raw_text(&pdf);
    let words: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("GHI CHÚ CHO NHÀ IN"), "{note}");
    let rows = order_table(&out);
    let jobs: Vec<_> = rows.iter().filter(|r| !r["tệp"].is_empty()).collect();
    assert!(jobs.len() >= 11, "{rows:?}");
    for r in &jobs {
        let file = &r["tệp"];
        let stem = file.rsplit('/').next().unwrap().trim_end_matches(".pdf");
        let folder = file.rsplit_once('/').map_or("", |(d, _)| d);
        // A village's file: its row of the villages' table carries its
        // copies; a single file (proof set, banner): its path.
        let listed = note.lines().any(|l| {
            l.split_whitespace().next() == Some(stem)
                && l.split_whitespace().any(|w| w == r["số bản"])
        }) || words.contains(file.as_str());
        assert!(listed, "{file} ({} bản) not in the note:\n{note}", r["số bản"]);
        assert!(words.contains(folder), "{folder} not in the note");
        for key in ["giấy (khổ mua)", "màu in", "gia công"] {
            let value: String = r[key].split_whitespace().collect::<Vec<_>>().join(" ");
            // (A long cell wraps: its first words suffice to find it.)
            let head: String = value.split(' ').take(3).collect::<Vec<_>>().join(" ");
            assert!(words.contains(&head), "{key} of {file}: {value}\n{note}");
        }
    }
    // Sheets of an imposed file (“tờ”) and copies (“bản”) are totalled
    // apart, never added together; the proofs left out of both, and the
    // line says so (a designer added 526 + 526 + 1 and read 1058).
    let proof = |r: &&&BTreeMap<String, String>| r["tệp"].contains("-all");
    let sheet_of =
        |r: &&BTreeMap<String, String>| r["khổ giấy"] == "sra4" || r["mẫu"] == "card-sheet";
    let sum = |sheets: bool| -> u64 {
        jobs.iter()
            .filter(|r| !proof(r) && sheet_of(r) == sheets)
            .map(|r| r["số bản"].parse::<u64>().unwrap())
            .sum()
    };
    let files = jobs.iter().filter(|r| !proof(r)).count();
    let total = format!(
        "không kể bản duyệt: 4 việc in, {files} tệp, {} tờ và {} bản",
        sum(true),
        sum(false)
    );
    assert!(words.contains(&total), "{total} not in\n{note}");
    assert!(words.contains("lật cạnh ngắn") && words.contains("đã cộng 5 %"), "{note}");
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("print/GHI-CHU-NHA-IN.pdf"), "not in the manifest");
}

#[test]
fn the_provinces_order_has_the_communes_columns_in_vietnamese() {
    let dir = fixture("province-small");
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out/tinh-thanh-hoa");
    let mut r = csv::Reader::from_path(out.join("print-order.csv")).unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut want = vec!["xã, phường".to_string()];
    want.extend(canhbao::order::ORDER_HEADER.iter().map(|h| h.to_string()));
    assert_eq!(headers, want);
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert!(rows.len() >= 9, "{rows:?}");
    for row in &rows {
        assert!(out.join(&row[1]).is_file(), "{row:?}");
        for (i, h) in headers.iter().enumerate().skip(9) {
            assert!(!row[i].is_empty(), "{h} empty: {row:?}");
        }
    }
    let sheet = rows.iter().find(|r| r[1].contains("-2up-")).expect("a 2-up row");
    assert_eq!(&sheet[9], "SRA4 (2 bản, xén còn 148 × 210 mm)", "{sheet:?}");
    assert_eq!(&sheet[11], "4 màu hai mặt, tờ ngang: lật cạnh ngắn", "{sheet:?}");
}

#[test]
fn posters_are_ordered_with_the_campaigns_spares_too() {
    let dir = small_example(2);
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(dir.path())
        .args(["--layout", "poster-a4", "--out"])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let rows = order_table(&out);
    for v in villages().iter().take(2) {
        let row = rows.iter().find(|r| r["thôn"] == v.full()).unwrap_or_else(|| panic!("{rows:?}"));
        // One per shop and public place, plus 5 %, rounded up.
        let n = (f64::from(v.shops + v.public_places) * 1.05).ceil() as u64;
        assert!(n > u64::from(v.shops + v.public_places), "{}: no spare to see", v.name);
        assert_eq!(row["số bản"], n.to_string(), "{row:?}");
    }
}

#[test]
fn marks_reach_every_imposed_file_and_the_combined_file_keeps_boxes() {
    let dir = small_example(3);
    let out = dir.path().join("out");
    let (code, _, err) =
        run(canhbao().arg("build").arg(dir.path()).arg("--marks").arg("--out").arg(&out));
    assert_eq!(code, 0, "{err}");
    let all = out.join("print/leaflet-a5-all.pdf");
    let doc = Document::load(&all).unwrap();
    assert_eq!(doc.get_pages().len(), 6);
    for page in 1..=6 {
        let (tw, th) = box_mm(&doc, page, b"TrimBox");
        assert!((tw - 148.0).abs() < 0.05 && (th - 210.0).abs() < 0.05, "p{page}: {tw}×{th}");
        let (mw, _) = box_mm(&doc, page, b"MediaBox");
        assert!(mw > 148.0 + 2.0 * 3.0 + 1.0, "p{page}: no room for marks ({mw} mm)");
    }
    // The combined pages are the village files' pages: same text, same order.
    // (The backs name no village since issue 23: the fronts do.)
    for (page, v) in villages().iter().take(3).enumerate() {
        assert!(page_text(&all, 2 * page + 1).contains(&v.officer), "{}", v.name);
    }
    // With marks, the combined file shows them at the corners.
    // The top-left horizontal mark lies on the trim line (3 mm bleed + 8 mm
    // mark area from the media corner), outside the bleed.
    let png = render_page(&all, 1, 150);
    let on_trim_line = (10.5, 11.5);
    assert!(dark_in(&png, 150.0, (1.5, 7.0), on_trim_line) > 0, "no crop mark in the corner");
    assert_eq!(dark_in(&png, 150.0, (1.5, 7.0), (2.0, 7.0)), 0, "marks stay on the trim line");
    let sheets = files(&out.join("print/leaflet-a5-2up-sra4"), "pdf");
    assert_eq!(sheets.len(), 3);
    let doc = Document::load(&sheets[0]).unwrap();
    let (mw, mh) = box_mm(&doc, 1, b"MediaBox");
    assert!((mw - 320.0).abs() < 0.05 && (mh - 225.0).abs() < 0.05, "{mw}×{mh}");
    assert!(page_text(&sheets[0], 1).contains(&villages()[0].name));
}

#[test]
fn no_output_makes_poppler_report_a_syntax_error() {
    let out = example_build().join("out");
    let pdfs: Vec<PathBuf> =
        all_files(&out).into_iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect();
    assert!(pdfs.len() >= 33, "{}", pdfs.len());
    for pdf in pdfs {
        let o = std::process::Command::new("pdfinfo").arg(&pdf).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success() && !err.contains("Syntax Error"), "{}: {err}", pdf.display());
    }
}

// ---- The proof of `check` ---------------------------------------------------

#[test]
fn check_writes_a_proof_with_each_villages_caption_front_and_numbers() {
    let dir = example_copy();
    let (code, out, err) = run(canhbao().arg("check").arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("31 thôn"), "{out}");
    let proof = dir.path().join("out/kiem-tra.pdf");
    assert!(out.contains("kiem-tra.pdf"), "{out}");
    let written = all_files(&dir.path().join("out"));
    assert_eq!(written, std::slice::from_ref(&proof), "check writes the proof and nothing else");
    let doc = Document::load(&proof).unwrap();
    assert_eq!(doc.get_pages().len(), 11, "three villages a page");
    let vs = villages();
    for (i, v) in vs.iter().enumerate() {
        let text = page_text(&proof, i / 3 + 1).split_whitespace().collect::<Vec<_>>().join(" ");
        let copies = (v.households as f64 * 1.05).ceil() as u64;
        for caption in [
            v.full(),
            format!("Cán bộ Công an xã phụ trách {}:", v.full()),
            v.officer.clone(),
            format!("Điện thoại: {}", v.phone),
            format!("Số bản in: {copies}"),
        ] {
            assert!(text.contains(&caption), "page {}: no “{caption}”\n{text}", i / 3 + 1);
        }
        assert!(!text.contains("Lỗi"), "{}: {text}", v.name);
    }
    // Each cell shows, below the front, the numbers enlarged: a picture cut
    // out of the document, one per village.
    let pictures = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image"))
        .filter(|s| s.dict.get(b"Width").map(num).unwrap_or(0.0) > 300.0)
        .count();
    assert!(pictures >= vs.len(), "{pictures} pictures of the numbers for {} villages", vs.len());
    // The help says what check writes.
    let (_, help, _) = run(canhbao().args(["check", "--help"]));
    assert!(help.contains("kiem-tra.pdf") && help.contains("--no-proof"), "{help}");
    assert!(!help.contains("without writing anything"), "{help}");
}

#[test]
fn check_marks_a_village_in_red_and_no_proof_writes_nothing() {
    let dir = small_example(4);
    let path = dir.path().join("villages.csv");
    let huge = "Nguyễn Thị Thanh Hương ".repeat(12);
    let csv = std::fs::read_to_string(&path).unwrap().replace("Trần Thanh Cường", huge.trim());
    std::fs::write(&path, csv).unwrap();
    let (code, _, err) = run(canhbao().arg("check").arg(dir.path()).arg("--no-proof"));
    assert_eq!(code, 0, "{err}");
    assert!(!dir.path().join("out").exists(), "--no-proof wrote something");
    let (code, _, err) = run(canhbao().arg("check").arg(dir.path()));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Nam Hải"), "the message names the village: {err}");
    let proof = dir.path().join("out/kiem-tra.pdf");
    let text = pdf_text(&proof);
    assert!(text.contains("Lỗi"), "{text}");
    // The third cell (Nam Hải) is framed in red, the first is not: look at
    // the top-left corner of each cell (A4 landscape, 10 mm margins, three
    // columns 5 mm apart).
    let png = {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("p");
        let ok = std::process::Command::new("pdftoppm")
            .args(["-r", "100", "-f", "1", "-l", "1", "-png"])
            .arg(&proof)
            .arg(&prefix)
            .status()
            .unwrap();
        assert!(ok.success());
        image::open(files(dir.path(), "png").pop().unwrap()).unwrap().to_rgb8()
    };
    let red_near = |x_mm: f64, y_mm: f64| {
        let px = |mm: f64| (mm / 25.4 * 100.0) as u32;
        let mut n = 0;
        for x in px(x_mm - 1.5)..px(x_mm + 4.0) {
            for y in px(y_mm - 1.5)..px(y_mm + 4.0) {
                let p = png.get_pixel(x, y).0;
                n += usize::from(p[0] > 180 && p[1] < 90 && p[2] < 90);
            }
        }
        n
    };
    let cell = (277.0 - 10.0) / 3.0;
    assert_eq!(red_near(10.0, 16.0), 0, "the first village is fine");
    assert!(red_near(10.0 + 2.0 * (cell + 5.0), 16.0) > 0, "Nam Hải is not framed in red");
}

/// Whether a detected grid's corners form a square (sides within 20 %).
fn square(b: &[rqrr::Point; 4]) -> bool {
    let side =
        |p: rqrr::Point, q: rqrr::Point| (((p.x - q.x).pow(2) + (p.y - q.y).pow(2)) as f64).sqrt();
    let sides = [side(b[0], b[1]), side(b[1], b[2]), side(b[2], b[3]), side(b[3], b[0])];
    let (lo, hi) = sides.iter().fold((f64::MAX, 0f64), |(lo, hi), s| (lo.min(*s), hi.max(*s)));
    hi <= lo * 1.2
}

/// The stroke colour of every stroked path of `page` that has no point
/// strictly inside any of `keep` (rectangles in mm from the TrimBox's
/// top-left corner; none: the TrimBox itself): the marks drawn around the
/// trimmed pieces.
fn mark_strokes(doc: &Document, page: u32, keep: &[[f64; 4]]) -> Vec<Vec<f32>> {
    use crate::readable::{Mat as M, mul};
    let id = doc.get_pages()[&page];
    let dict = doc.get_dictionary(id).unwrap();
    let t: Vec<f64> = dict.get(b"TrimBox").unwrap().as_array().unwrap().iter().map(num).collect();
    let pt = 72.0 / 25.4;
    let trim = [[0.0, 0.0, (t[2] - t[0]) / pt, (t[3] - t[1]) / pt]];
    let keep = if keep.is_empty() { &trim[..] } else { keep };
    // In user space: x from the trim's left, y down from the trim's top.
    let inside = |x: f64, y: f64| {
        let (x, y) = ((x - t[0]) / pt, (t[3] - y) / pt);
        keep.iter()
            .any(|k| x > k[0] + 0.05 && x < k[2] - 0.05 && y > k[1] + 0.05 && y < k[3] - 0.05)
    };
    let content = Content::decode(&doc.get_page_content(id).unwrap()).unwrap();
    let (mut ctm, mut stack): (M, Vec<(M, Vec<f32>)>) = ([1.0, 0.0, 0.0, 1.0, 0.0, 0.0], vec![]);
    let mut stroke: Vec<f32> = vec![0.0; 4];
    let mut points: Vec<(f64, f64)> = Vec::new();
    let mut out = Vec::new();
    for op in content.operations {
        let n: Vec<f64> =
            op.operands.iter().filter_map(|o| o.as_float().ok()).map(f64::from).collect();
        let at = |x: f64, y: f64, m: &M| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
        match op.operator.as_str() {
            "q" => stack.push((ctm, stroke.clone())),
            "Q" => (ctm, stroke) = stack.pop().unwrap(),
            "cm" => ctm = mul(&[n[0], n[1], n[2], n[3], n[4], n[5]], &ctm),
            "K" => stroke = n.iter().map(|v| *v as f32).collect(),
            "m" | "l" => points.push(at(n[0], n[1], &ctm)),
            "c" => points.extend(n.chunks(2).map(|p| at(p[0], p[1], &ctm))),
            "re" => {
                for (x, y) in [(n[0], n[1]), (n[0] + n[2], n[1] + n[3])] {
                    points.push(at(x, y, &ctm));
                }
            }
            "S" | "s" | "B" | "b" | "B*" | "b*" | "f" | "F" | "f*" | "n" => {
                let stroked = matches!(op.operator.as_str(), "S" | "s" | "B" | "b" | "B*" | "b*");
                if stroked && !points.is_empty() && !points.iter().any(|&(x, y)| inside(x, y)) {
                    out.push(stroke.clone());
                }
                points.clear();
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_mark_is_drawn_in_registration_colour() {
    let layouts = ["--layout", "leaflet-a5", "--layout", "leaflet-a4-trifold", "--layout"];
    let (_dir, out) = build_small(1, &[&["--marks"][..], &layouts, &["card-sheet"]].concat());
    let v = &villages()[0];
    // The card sheet's pieces are its cards: 2 × 4 of 85 × 55 mm, 3 mm
    // bleed and 4 mm apart, centred on the A4 sheet.
    let cards: Vec<[f64; 4]> = (0..8)
        .map(|i| {
            let (x, y) = (15.0 + f64::from(i % 2) * 95.0, 23.5 + f64::from(i / 2) * 65.0);
            [x, y, x + 85.0, y + 55.0]
        })
        .collect();
    for (file, keep) in [
        (format!("leaflet-a5/{}.pdf", v.slug), &[][..]),
        (format!("leaflet-a4-trifold/{}.pdf", v.slug), &[][..]),
        (format!("print/leaflet-a5-2up-sra4/{}.pdf", v.slug), &[][..]),
        (format!("card-sheet/{}.pdf", v.slug), &cards[..]),
    ] {
        let doc = Document::load(out.join(&file)).unwrap();
        for page in 1..=2 {
            let marks = mark_strokes(&doc, page, keep);
            assert!(marks.len() >= 8, "{file} p{page}: {} marks", marks.len());
            for m in marks {
                assert_eq!(m, [1.0, 1.0, 1.0, 1.0], "{file} p{page}: a mark not in registration");
            }
        }
    }
}

#[test]
fn every_side_of_a_card_sheet_carries_its_slug_off_the_cards() {
    let (_dir, out) = build_small(3, &["--layout", "card-sheet"]);
    for (k, v) in villages().iter().take(3).enumerate() {
        let pdf = out.join(format!("card-sheet/{}.pdf", v.slug));
        for (page, side) in [(1, "mặt trước"), (2, "mặt sau")] {
            // Words wholly below the last row of cards and its bleed (the
            // cards' trims end 273.5 mm down the A4 sheet; 3 mm bleed), and
            // above the sample band of the examples (3.7 mm at the foot):
            // cut away with the sheet's margin, on no card.
            let below: Vec<String> = bbox_words(&pdf, page)
                .into_iter()
                .filter(|(top, foot, _)| *top > 273.5 + 3.0 && *foot < 297.0 - 3.7)
                .map(|w| w.2)
                .collect();
            let want =
                format!("Xã Tiên Trang · {} · tờ in thẻ ví · {side} · bộ {}/3", v.full(), k + 1);
            assert_eq!(below.join(" "), want, "{} p{page}", v.name);
        }
    }
}

/// Builds the first `n` villages of the example with `args`: the folder and
/// its output folder.
fn build_small(n: usize, args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = small_example(n);
    let out = dir.path().join("out");
    let (code, _, err) =
        run(canhbao().arg("build").arg(dir.path()).args(args).arg("--out").arg(&out));
    assert_eq!(code, 0, "{err}");
    (dir, out)
}

/// The words of a PDF page as `pdftotext -bbox` reads them: (top, foot,
/// word), in mm from the top of the MediaBox.
fn bbox_words(pdf: &Path, page: usize) -> Vec<(f64, f64, String)> {
    word_boxes(pdf, page).into_iter().map(|(b, word)| (b[1], b[3], word)).collect()
}

#[test]
fn the_order_names_paper_stock_colours_and_finishing_as_a_shop_does() {
    let layouts = ["leaflet-a5", "poster-a4", "leaflet-a4-trifold", "card-sheet"];
    let args: Vec<&str> = layouts.iter().flat_map(|l| ["--layout", l]).collect();
    let (_dir, out) = build_small(1, &args);
    let rows = order_table(&out);
    let row = |layout: &str| {
        let r = rows.iter().find(|r| r["mẫu"] == layout && !r["tệp"].contains("-all"));
        r.unwrap_or_else(|| panic!("{layout}: {rows:?}")).clone()
    };
    let a5 = row("leaflet-a5");
    // The machine value stays; the shop's words are beside it.
    assert_eq!(a5["khổ giấy"], "sra4", "{a5:?}");
    assert_eq!(a5["giấy (khổ mua)"], "SRA4 (2 bản, xén còn 148 × 210 mm)", "{a5:?}");
    assert_eq!(a5["màu in"], "4 màu hai mặt, tờ ngang: lật cạnh ngắn", "{a5:?}");
    assert_eq!(a5["gia công"], "cắt đôi, xén", "{a5:?}");
    assert!(a5["loại giấy"].contains("g/m²"), "{a5:?}");
    let poster = row("poster-a4");
    assert_eq!(poster["giấy (khổ mua)"], "SRA4 (xén còn A4 210 × 297 mm)", "{poster:?}");
    assert_eq!(poster["màu in"], "4 màu một mặt", "{poster:?}");
    assert_eq!(poster["gia công"], "xén", "{poster:?}");
    let trifold = row("leaflet-a4-trifold");
    assert_eq!(trifold["giấy (khổ mua)"], "SRA4 (xén còn A4 297 × 210 mm)", "{trifold:?}");
    assert_eq!(trifold["gia công"], "xén, gấp 3", "{trifold:?}");
    let cards = row("card-sheet");
    assert_eq!(cards["giấy (khổ mua)"], "A4 (210 × 297 mm)", "{cards:?}");
    assert_eq!(cards["màu in"], "4 màu hai mặt, tờ dọc: lật cạnh dài", "{cards:?}");
    assert_eq!(cards["gia công"], "cắt 8 thẻ 85 × 55 mm", "{cards:?}");
    assert!(cards["loại giấy"].contains("300 g/m²"), "{cards:?}");
}

#[test]
fn the_shop_note_lists_every_job_of_the_order_and_the_totals() {
    let args = ["--layout", "leaflet-a5", "--layout", "poster-a4", "--layout", "card-sheet"];
    let (_dir, out) = build_small(2, &args);
    let note = std::fs::read_to_string(out.join("print/GHI-CHU-NHA-IN.txt")).unwrap();
    let rows = order_table(&out);
    let jobs: Vec<_> = rows.iter().filter(|r| !r["tệp"].is_empty()).collect();
    assert!(jobs.len() >= 6, "{rows:?}");
    for r in &jobs {
        let line = note.lines().find(|l| l.contains(r["tệp"].as_str()));
        let line = line.unwrap_or_else(|| panic!("{} not in the note:\n{note}", r["tệp"]));
        for key in ["số bản", "giấy (khổ mua)", "màu in", "gia công"] {
            assert!(line.contains(r[key].as_str()), "{key} of {}: {line}", r["tệp"]);
        }
    }
    // Sheets (“tờ”: 2-up, card sheet) and copies (“bản”) totalled apart.
    let sum = |sheets: bool| -> u64 {
        jobs.iter()
            .filter(|r| {
                let sheet = !r["tệp"].contains("-all")
                    && (r["khổ giấy"] == "sra4" || r["mẫu"] == "card-sheet");
                sheet == sheets
            })
            .map(|r| r["số bản"].parse::<u64>().unwrap())
            .sum()
    };
    let total =
        format!("Tổng cộng: {} việc in, {} tờ và {} bản", jobs.len(), sum(true), sum(false));
    assert!(note.contains(&total), "{total}\n{note}");
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("print/GHI-CHU-NHA-IN.txt"), "not in the manifest");
}

#[test]
fn cards_printed_from_their_sheet_are_ordered_once() {
    // The card and its sheet in one run: the shop prints the cards from
    // the sheet; the single card is the reference, a proof of 1 copy.
    let args = ["--layout", "card", "--layout", "card-sheet"];
    let (_dir, out) = build_small(2, &args);
    let rows = order_table(&out);
    let count = |layout: &str, proof: bool| -> Vec<u64> {
        rows.iter()
            .filter(|r| r["mẫu"] == layout && r["tệp"].contains("-all") == proof)
            .map(|r| r["số bản"].parse::<u64>().unwrap())
            .collect()
    };
    let sheets = count("card-sheet", false);
    assert_eq!(sheets.len(), 2, "one sheet file a village: {rows:?}");
    assert!(count("card", false).is_empty(), "cards ordered beside their sheets: {rows:?}");
    assert_eq!(count("card", true), vec![1], "the card's proof set, once: {rows:?}");
    // The shop note: the cards' job once, in sheets; the card only among
    // the proofs; the totals count sheets and copies apart.
    let words: String = pdf_raw_text(&out.join("print/GHI-CHU-NHA-IN.pdf"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let sheet_total: u64 = sheets.iter().sum();
    assert!(words.contains(&format!("{sheet_total} tờ")), "{sheet_total} tờ:\n{words}");
    // (A 300 g/m² laminated card, not a sticker: “nhãn dán” made a shop ask.)
    assert_eq!(words.matches("Thẻ ví 85").count(), 1, "card named once:\n{words}");
    assert!(!words.contains("nhãn dán"), "{words}");
    assert!(words.contains("print/card-all.pdf"), "the card's proof:\n{words}");
    // The totals leave the proofs out, and say so; the proofs counted apart.
    let files = rows.iter().filter(|r| !r["tệp"].is_empty() && !r["tệp"].contains("-all")).count();
    let proofs = rows.iter().filter(|r| r["tệp"].contains("-all")).count();
    let total = format!(
        "Tổng cộng, không kể bản duyệt: 1 việc in, {files} tệp, {sheet_total} tờ. \
         Bản duyệt: {proofs} tệp, mỗi tệp 1 bản."
    );
    assert!(words.contains(&total), "{total}:\n{words}");
    // The same stock and the same turn for the card and its sheet.
    let sheet = rows.iter().find(|r| r["mẫu"] == "card-sheet").unwrap();
    let card = rows.iter().find(|r| r["mẫu"] == "card").unwrap();
    assert_eq!(sheet["loại giấy"], card["loại giấy"], "{sheet:?} {card:?}");
    assert!(sheet["loại giấy"].contains("cán màng mờ"), "{sheet:?}");
    // (The landscape card over its short edge, the portrait sheet over
    // its long one: both about the vertical axis.)
    assert!(card["màu in"].ends_with("tờ ngang: lật cạnh ngắn"), "{card:?}");
    assert!(sheet["màu in"].ends_with("tờ dọc: lật cạnh dài"), "{sheet:?}");
}

/// The long fixture (a phường of tổ dân phố), its A5 and card sheet with
/// the package: the folder and its output folder.
fn long_phuong() -> &'static (tempfile::TempDir, PathBuf) {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = fixture("long-data");
        let out = dir.path().join("out");
        let (code, _, err) = run(canhbao()
            .arg("build")
            .arg(dir.path())
            .args(["--layout", "leaflet-a5", "--layout", "card-sheet", "--layout", "card"])
            .args(["--layout", "banner", "--out"])
            .arg(&out));
        assert_eq!(code, 0, "{err}");
        (dir, out)
    })
}

/// A phường's sheets count their sets as “bộ k/n” outside the trim, never
/// “tổ k/n” (a designer read “tổ 8/10” beside “tổ dân phố 8” as the
/// neighbourhood's number) nor “thôn k/n”; the 2-up's slug on white paper,
/// 3.5 mm at least under the trim (it was 1.9 mm, on the bleed's colour).
#[test]
fn a_phuongs_slugs_count_sets_not_to_dan_pho_clear_of_the_bleed() {
    let (_, out) = long_phuong();
    let mut seen = 0;
    for folder in ["print/leaflet-a5-2up-sra4", "card-sheet"] {
        let sheets = files(&out.join(folder), "pdf");
        assert_eq!(sheets.len(), 4, "{folder}");
        for pdf in &sheets {
            for page in [1, 2] {
                // The slug: the line of the sheet's foot that ends in k/n.
                let words = bbox_words(pdf, page);
                let text = words.iter().map(|w| w.2.as_str()).collect::<Vec<_>>().join(" ");
                let at = text.rfind(" · ").map(|i| &text[i + " · ".len()..]).unwrap_or("");
                let count = at.split(' ').take(2).collect::<Vec<_>>();
                assert!(count.len() == 2 && count[1].ends_with("/4"), "{}: {text}", pdf.display());
                assert_eq!(count[0], "bộ", "{} p{page}: “{}”", pdf.display(), count.join(" "));
                if folder.ends_with("2up-sra4") {
                    let doc = Document::load(pdf).unwrap();
                    let (_, page_h) = box_mm(&doc, 1, b"MediaBox");
                    let trim_foot = page_h - trim_box(&doc)[1];
                    let slug = words
                        .windows(2)
                        .find(|w| w[0].2 == "bộ" && w[1].2.ends_with("/4"))
                        .map(|w| &w[0])
                        .unwrap();
                    let below = slug.0 - trim_foot;
                    assert!(below >= 3.5, "{}: slug {below:.1} mm under the trim", pdf.display());
                }
                seen += 1;
            }
        }
    }
    assert_eq!(seen, 16);
}

/// The shop note a designer found unusable: card proofs on 85 × 55 mm
/// paper no shop sells, sizes and file names split over lines, a phường
/// told in a xã's words (“mỗi thôn”), the banner without its hem and
/// eyelets, no line for who orders and when.
#[test]
fn the_shop_note_buys_real_paper_and_splits_nothing_a_shop_types() {
    let (_, out) = long_phuong();
    let text = pdf_raw_text(&out.join("print/GHI-CHU-NHA-IN.pdf"));
    for line in text.lines().map(str::trim) {
        // (A size split at “×” or before “mm”; a file name at a hyphen.)
        let split = line.ends_with('×')
            || line.starts_with('×')
            || line.starts_with("mm")
            || line.ends_with('-');
        assert!(!split, "split: “{line}”\n{text}");
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let words: Vec<&str> =
        flat.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    assert!(!words.contains(&"thôn"), "a phường's note says thôn:\n{flat}");
    // (“địa bàn”: a commune's rows mix thôn, khu phố, buôn…)
    assert!(flat.contains("mỗi địa bàn một trang"), "{flat}");
    let buy = &flat[flat.find("Giấy cần mua").expect("the paper to buy")..];
    assert!(!buy.contains("85 × 55"), "card-size paper to buy: {buy}");
    assert!(buy.contains("A4, couché 300 g/m²"), "{buy}");
    // The banner's proof listed and its A3 sheet bought.
    assert!(flat.contains("print/banner-proof.pdf —"), "{flat}");
    assert!(buy.contains("A3, couché 150 g/m²: 1 tờ"), "{buy}");
    assert!(flat.contains("là khổ thành phẩm, đã gồm viền") && flat.contains("khoen"), "{flat}");
    assert!(flat.contains("Ngày giao"), "{flat}");
}

/// The shop note, as a shop reads its PDF: the spares' “5 %” whole on one
/// line, every two-sided job's edge named with its sheet's way (“tờ ngang:
/// lật cạnh ngắn”, “tờ dọc: lật cạnh dài”) under one rule said once, and
/// the paper to buy per sheet and stock.
#[test]
fn the_shop_note_reads_whole_and_names_one_duplex_rule() {
    let (_, out) = long_phuong();
    let pdf = out.join("print/GHI-CHU-NHA-IN.pdf");
    let text = pdf_text(&pdf);
    let spares = text.lines().filter(|l| l.contains("đã cộng")).count();
    assert!(spares >= 2, "{text}");
    for l in text.lines().filter(|l| l.contains("đã cộng")) {
        assert!(l.contains("đã cộng 5 %"), "“5 %” split: {l}\n{text}");
    }
    // (Read in content order: a table's cells whole.)
    // (`split_whitespace` splits at no-break spaces too.)
    let flat = pdf_raw_text(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    // The rule: one sentence “In hai mặt: …”, up to its full stop.
    assert_eq!(flat.matches("In hai mặt:").count(), 1, "{flat}");
    let at = flat.find("In hai mặt:").unwrap();
    let end = at + flat[at..].find(").").map_or(0, |i| i + 2);
    assert!(end > at, "{flat}");
    let jobs = format!("{}{}", &flat[..at], &flat[end..]);
    let edges = jobs.matches("lật cạnh").count();
    let named = jobs.matches("tờ ngang: lật cạnh ngắn").count()
        + jobs.matches("tờ dọc: lật cạnh dài").count();
    assert!(edges >= 3 && edges == named, "{edges} edges, {named} with their sheet:\n{flat}");
    assert!(flat.contains("Giấy cần mua (kể cả bản duyệt): SRA4"), "{flat}");
}
