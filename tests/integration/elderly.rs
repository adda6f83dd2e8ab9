//! Readable by the elderly, measured on the posters, the card, the card
//! sheet, the banner and the social images of the three examples and the
//! long fixture (tests/fixtures/long-data):
//! - the lines of a text sit 1.3 × their size apart at least, baseline to
//!   baseline, so that stacked Vietnamese accents ("Ẫ", "Ộ") clear the line
//!   above (content stream: each run's size and baseline);
//! - the card's type is 8 pt at least (content stream);
//! - no band over 20 mm runs empty across a page, where a block went
//!   missing (rendered pixels).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lopdf::{Document, Object};

use crate::readable::{form_xobject, mul, nums};
use crate::util::*;

/// The layouts measured here.
const LAYOUTS: &[&str] = &["poster-a4", "poster-a3", "card", "card-sheet", "banner", "social"];

/// (campaign folder, villages to build: none builds every village).
const CASES: &[(&str, &[&str])] = &[
    ("examples/tien-trang", &["Đông Hải", "Lưu Nam"]),
    ("examples/hac-thanh", &["Điện Biên 1"]),
    ("examples/nam-gia-nghia", &["1"]),
    ("tests/fixtures/long-data", &[]),
];

/// Every case built once per test process, in parallel, into target/tmp
/// (kept, so that a failure can be looked at): (output folder, exit code,
/// messages).
fn built() -> &'static [(PathBuf, i32, String)] {
    static BUILT: OnceLock<Vec<(PathBuf, i32, String)>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let handles: Vec<_> = CASES
            .iter()
            .map(|(dir, villages)| {
                let name = dir.rsplit('/').next().unwrap();
                let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("elderly").join(name);
                let _ = std::fs::remove_dir_all(&out);
                let mut cmd = canhbao();
                cmd.arg("build").arg(repo().join(dir)).arg("--out").arg(&out);
                cmd.args(["--no-package", "--jobs", "1"]);
                for l in LAYOUTS {
                    cmd.args(["--layout", l]);
                }
                for v in *villages {
                    cmd.args(["--village", v]);
                }
                std::thread::spawn(move || {
                    let (code, _, err) = run(&mut cmd);
                    (out, code, err)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// The PDFs of `layout` in every case's build.
fn pdfs(layout: &str) -> Vec<PathBuf> {
    let mut all = Vec::new();
    for (out, code, err) in built() {
        assert_eq!(*code, 0, "{}:\n{err}", out.display());
        let found = files(&out.join(layout), "pdf");
        assert!(!found.is_empty(), "{}: no {layout}", out.display());
        all.extend(found);
    }
    all
}

/// Lines closer than 1.3 × their size on one page: pairs of runs of one
/// size (within 3 %) that overlap across (each run as wide as its glyphs
/// at 0.5 em) and whose baselines are 0.3 to 1.3 sizes apart (closer is
/// the same line; farther, the next line clears its accents).
fn crowded(runs: &[Run]) -> Vec<String> {
    let mut out = Vec::new();
    for a in runs {
        for b in runs {
            let same = (a.size - b.size).abs() <= 0.03 * a.size.max(b.size);
            let d = a.y - b.y;
            let across = |r: &Run| (r.x, r.x + 0.5 * r.size * r.glyphs as f64);
            let ((a0, a1), (b0, b1)) = (across(a), across(b));
            if same && a0 < b1 && b0 < a1 && d > 0.3 * a.size && d < 1.29 * a.size {
                let (r, at) = (d / a.size, (a.x, a.y, b.x, b.y));
                out.push(format!("{:.1} pt lines {r:.2} × their size apart at {at:.0?}", a.size));
            }
        }
    }
    out
}

#[test]
fn lines_are_set_13_times_their_size_apart() {
    let mut problems = Vec::new();
    for layout in ["poster-a4", "poster-a3", "card", "card-sheet", "banner"] {
        for pdf in pdfs(layout) {
            for (p, runs) in page_runs(&pdf).iter().enumerate() {
                let found = crowded(runs);
                if let Some(first) = found.first() {
                    let n = found.len();
                    problems.push(format!("{} p{}: {n} pairs, e.g. {first}", pdf.display(), p + 1));
                }
            }
        }
    }
    assert!(problems.is_empty(), "crowded lines:\n{}", problems.join("\n"));
}

#[test]
fn the_check_sees_crowded_lines() {
    let run = |y: f64| Run { size: 10.0, x: 0.0, y, glyphs: 20 };
    assert_eq!(crowded(&[run(100.0), run(88.0)]).len(), 1, "1.2 × apart");
    assert!(crowded(&[run(100.0), run(86.5)]).is_empty(), "1.35 × apart");
    assert!(crowded(&[run(100.0), run(100.0)]).is_empty(), "one line");
}

#[test]
fn the_card_prints_nothing_under_8_pt() {
    let mut small = Vec::new();
    for layout in ["card", "card-sheet"] {
        for pdf in pdfs(layout) {
            let doc = lopdf::Document::load(&pdf).unwrap();
            for (p, runs) in page_runs(&pdf).iter().enumerate() {
                // The examples' "MẪU — KHÔNG PHÁT" strips lie within 4 mm of
                // the trim, where the preflight lets no reader's text be.
                let (_, h) = box_mm(&doc, p as u32 + 1, b"MediaBox");
                let edge = 7.0 * 72.0 / 25.4;
                let read = runs.iter().filter(|r| r.y > edge && r.y < h * 72.0 / 25.4 - edge);
                let least = read.map(|r| r.size).fold(f64::INFINITY, f64::min);
                if least < 7.99 {
                    small.push(format!("{} p{}: {least:.2} pt", pdf.display(), p + 1));
                }
            }
        }
    }
    assert!(small.is_empty(), "type under 8 pt:\n{}", small.join("\n"));
}

/// The tallest run of pixel rows (mm) across the trim of a page rendered at
/// `dpi` in which every pixel is the colour of the row's first (within a few
/// levels): a band where nothing is printed but a background.
fn tallest_empty_band(png: &image::RgbImage, dpi: f64, trim: [f64; 4]) -> (f64, f64) {
    let px = |mm: f64| (mm / 25.4 * dpi).round() as u32;
    let (x0, y0) = (px(trim[0]), px(trim[1]));
    let (x1, y1) = (px(trim[2]).min(png.width()), px(trim[3]).min(png.height()));
    let (mut run, mut most, mut at) = (0u32, 0u32, 0u32);
    for y in y0..y1 {
        let first = png.get_pixel(x0, y).0;
        let flat = (x0..x1).all(|x| {
            let p = png.get_pixel(x, y).0;
            (0..3).all(|c| p[c].abs_diff(first[c]) <= 6)
        });
        run = if flat { run + 1 } else { 0 };
        if run > most {
            (most, at) = (run, y + 1 - run - y0);
        }
    }
    let mm = |px: u32| f64::from(px) * 25.4 / dpi;
    (mm(most), mm(at))
}

/// A page of a PDF rendered at `dpi` (RGB).
fn render(pdf: &Path, page: usize, dpi: u32) -> image::RgbImage {
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("p");
    let p = page.to_string();
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png", "-f", &p, "-l", &p, "-singlefile"])
        .arg(pdf)
        .arg(&stem)
        .status()
        .unwrap();
    assert!(status.success());
    image::open(stem.with_extension("png")).unwrap().to_rgb8()
}

#[test]
fn no_band_over_20_mm_is_left_empty() {
    let mut holes = Vec::new();
    // (The card sheet's margins are paper cut away; its cards are the card.
    // The banner's hems, 9 % of its height, are empty on purpose.)
    for layout in ["poster-a4", "poster-a3", "card"] {
        for pdf in pdfs(layout) {
            let doc = lopdf::Document::load(&pdf).unwrap();
            for page in 1..=doc.get_pages().len() {
                let (mw, mh) = box_mm(&doc, page as u32, b"MediaBox");
                let (tw, th) = box_mm(&doc, page as u32, b"TrimBox");
                let (bx, by) = ((mw - tw) / 2.0, (mh - th) / 2.0);
                let png = render(&pdf, page, 40);
                let (band, at) = tallest_empty_band(&png, 40.0, [bx, by, bx + tw, by + th]);
                if band > 20.0 {
                    holes.push(format!("{} p{page}: {band:.0} mm at {at:.0} mm", pdf.display()));
                }
            }
        }
    }
    for (out, _, _) in built() {
        for png in files(&out.join("social"), "png") {
            let img = image::open(&png).unwrap().to_rgb8();
            // 1080 px over 127 mm.
            let dpi = f64::from(img.width()) / 127.0 * 25.4;
            let (w, h) = (127.0, f64::from(img.height()) / dpi * 25.4);
            let (band, at) = tallest_empty_band(&img, dpi, [0.0, 0.0, w, h]);
            if band > 20.0 {
                holes.push(format!("{}: {band:.0} mm at {at:.0} mm", png.display()));
            }
        }
    }
    assert!(holes.is_empty(), "empty bands:\n{}", holes.join("\n"));
}

#[test]
fn the_band_check_sees_a_hole() {
    // A 100 mm page at 40 dpi: text rows at the top and the foot, 60 mm
    // of plain paper between.
    let dpi = 40.0;
    let px = |mm: f64| (mm / 25.4 * dpi) as u32;
    let mut img = image::RgbImage::from_pixel(px(100.0), px(100.0), image::Rgb([255, 255, 255]));
    for y in (0..px(20.0)).chain(px(80.0)..px(100.0)) {
        img.put_pixel(px(50.0) + y % 3, y, image::Rgb([0, 0, 0]));
    }
    let (band, at) = tallest_empty_band(&img, dpi, [0.0, 0.0, 100.0, 100.0]);
    assert!((band - 60.0).abs() < 2.0 && (at - 20.0).abs() < 2.0, "{band} at {at}");
}

/// One text-showing operator as printed: its size (the `Tf` size times the
/// text matrix and the CTM's scale), where its baseline starts (pt from the
/// MediaBox's bottom-left corner) and how many glyphs it shows.
#[derive(Debug, Clone, Copy)]
struct Run {
    size: f64,
    x: f64,
    y: f64,
    glyphs: usize,
}

/// The text runs of every page of a PDF, read from the content streams
/// (following form XObjects). Fonts are Identity-H: two bytes a glyph.
fn page_runs(pdf: &Path) -> Vec<Vec<Run>> {
    let doc = Document::load(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|&page| {
            let mut runs = Vec::new();
            let content = doc.get_page_content(page).unwrap();
            let res = doc.get_page_resources(page).unwrap().0.cloned();
            walk_text(&doc, &content, res.as_ref(), [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], &mut runs);
            runs
        })
        .collect()
}

fn six(ops: &[Object]) -> Option<[f64; 6]> {
    nums(ops).try_into().ok()
}

fn walk_text(
    doc: &Document,
    content: &[u8],
    res: Option<&lopdf::Dictionary>,
    base: [f64; 6],
    runs: &mut Vec<Run>,
) {
    let mut ctm = vec![base];
    let (mut tm, mut size) = ([1.0, 0.0, 0.0, 1.0, 0.0, 0.0], 0.0);
    for op in lopdf::content::Content::decode(content).unwrap().operations {
        let top = *ctm.last().unwrap();
        match op.operator.as_str() {
            "q" => ctm.push(top),
            "Q" => drop(ctm.pop()),
            "cm" => *ctm.last_mut().unwrap() = mul(&six(&op.operands).unwrap(), &top),
            "BT" => tm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            "Tm" => tm = six(&op.operands).unwrap(),
            "Tf" => size = num(&op.operands[1]),
            "TJ" | "Tj" => {
                let strings = match &op.operands[0] {
                    Object::Array(items) => items.clone(),
                    other => vec![other.clone()],
                };
                let glyphs = strings
                    .iter()
                    .map(|o| if let Object::String(s, _) = o { s.len() / 2 } else { 0 })
                    .sum();
                let m = mul(&tm, &top);
                let scale = (m[0] * m[3] - m[1] * m[2]).abs().sqrt();
                runs.push(Run { size: size * scale, x: m[4], y: m[5], glyphs });
            }
            "Do" => {
                // (A form XObject's text.)
                let form = form_xobject(doc, res, &op.operands, &top);
                if let Some((body, own, inner)) = form {
                    walk_text(doc, &body, own.as_ref().or(res), inner, runs);
                }
            }
            _ => {}
        }
    }
}
