//! What a reader sees, measured from the PDFs of every print layout of the
//! three examples and of a fixture with the longest real-shaped values
//! (tests/fixtures/long-names: four-word officer names, "tổ dân phố số 12",
//! a Hà Nội landline with its 3-digit area code, a 60-character duty-line
//! label, a 40-character reporting address, readers over 60):
//! - every number and name prints whole on one line, apart from its
//!   neighbours (`pdftotext -layout`);
//! - type is at least the layout's minimum (content-stream font sizes);
//! - no glyph within the safe margin of the trim, across a fold of the
//!   trifold or a cut line of the card sheet (`pdftotext -bbox`, with the
//!   font's real height of stacked diacritics);
//! - QR codes at least 20 mm on the A5 and the trifold (decoded from a
//!   render, measured on its corners).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use lopdf::content::Content;
use lopdf::{Document, Object};

use crate::util::*;

/// The print layouts (the social images are PNGs for screens).
const LAYOUTS: &[&str] =
    &["leaflet-a5", "leaflet-a4-trifold", "poster-a4", "poster-a3", "banner", "card", "card-sheet"];

/// One campaign and the values it supplies.
struct Case {
    /// Folder, relative to the repository.
    dir: &'static str,
    /// Villages to build (by name, as in the table).
    villages: &'static [&'static str],
    /// The hotline as printed.
    hotline: &'static str,
    /// The other numbers as printed.
    contacts: &'static [&'static str],
    /// The first reporting channel's address as printed.
    url: &'static str,
    /// Names that must never break (commune, issuer).
    names: &'static [&'static str],
    /// `audience = "elderly"`: every minimum size raised by 15 %.
    elderly: bool,
}

const CASES: &[Case] = &[
    Case {
        dir: "examples/tien-trang",
        // The four villages whose officer was glued to his number.
        villages: &["Đông Hải", "Hải Thượng", "Hải Trung", "Lưu Nam"],
        hotline: "0237 3868 113",
        contacts: &["113"],
        url: "tinnhiemmang.vn",
        names: &["xã Tiên Trang", "Công an xã Tiên Trang"],
        elderly: false,
    },
    Case {
        dir: "examples/nam-gia-nghia",
        villages: &["1", "2"],
        hotline: "0263 3546 113",
        contacts: &["113"],
        url: "tinnhiemmang.vn",
        names: &["phường Nam Gia Nghĩa", "Công an phường Nam Gia Nghĩa"],
        elderly: false,
    },
    Case {
        dir: "examples/hac-thanh",
        villages: &["Điện Biên 1", "Lam Sơn 1"],
        hotline: "0237 3852 113",
        contacts: &["113"],
        url: "tinnhiemmang.vn",
        names: &["phường Hạc Thành", "Công an phường Hạc Thành"],
        elderly: false,
    },
    Case {
        dir: "tests/fixtures/long-names",
        villages: &["số 12", "số 7", "Khu tập thể Cơ khí Mai Động", "Hoàng Văn Thụ 3"],
        hotline: "024 3826 5113",
        contacts: &["113"],
        url: "canhbao.khonggianmang.vn/to-giac",
        names: &["phường Hoàng Văn Thụ", "Công an phường Hoàng Văn Thụ"],
        elderly: true,
    },
];

/// A village row: (full name, officer, officer's number as printed).
struct Row {
    full: String,
    officer: String,
    phone: String,
}

/// The villages of a case, by file slug.
fn rows(case: &Case) -> HashMap<String, Row> {
    let csv = std::fs::read_to_string(repo().join(case.dir).join("villages.csv")).unwrap();
    let mut out = HashMap::new();
    for line in csv.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if !case.villages.contains(&f[0]) {
            continue;
        }
        let full = format!("{} {}", f[1], f[0]);
        let d: String = f[3].chars().filter(char::is_ascii_digit).collect();
        assert_eq!(d.len(), 10, "fixture numbers are mobiles: {line}");
        let phone = format!("{} {} {}", &d[..4], &d[4..7], &d[7..]);
        out.insert(slug(&full), Row { full, officer: f[2].to_string(), phone });
    }
    assert_eq!(out.len(), case.villages.len(), "{}: villages not found", case.dir);
    out
}

/// An ASCII file slug, as canhbao names files: `thôn Đông Hải` → `thon-dong-hai`.
fn slug(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = s.to_lowercase().replace('đ', "d").nfd().filter(char::is_ascii).collect();
    let words: Vec<String> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect();
    words.join("-")
}

/// Every print layout of the case, built once per test process into
/// target/tmp (kept, so that a failure can be looked at).
fn built(case: &Case) -> &'static Path {
    &build(case).0
}

/// The build of a case: its output folder, exit code and messages. A file
/// that does not fit is not written (exit 1): the other checks look at the
/// files that were.
fn build(case: &Case) -> &'static (PathBuf, i32, String) {
    static BUILT: OnceLock<Vec<(PathBuf, i32, String)>> = OnceLock::new();
    let all = BUILT.get_or_init(|| {
        // One build at a time would take longer than the tests need: build
        // the four cases in parallel.
        let handles: Vec<_> = CASES
            .iter()
            .map(|case| {
                let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
                    .join("readable")
                    .join(case.dir.rsplit('/').next().unwrap());
                let _ = std::fs::remove_dir_all(&out);
                let mut cmd = canhbao();
                cmd.arg("build").arg(repo().join(case.dir)).arg("--out").arg(&out);
                cmd.args(["--no-package", "--jobs", "1"]);
                for l in LAYOUTS {
                    cmd.args(["--layout", l]);
                }
                for v in case.villages {
                    cmd.args(["--village", v]);
                }
                std::thread::spawn(move || {
                    let (code, _, err) = run(&mut cmd);
                    (out, code, err)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let i = CASES.iter().position(|c| std::ptr::eq(c, case)).unwrap();
    &all[i]
}

#[test]
fn every_layout_of_every_case_builds() {
    for case in CASES {
        let (_, code, err) = build(case);
        let errors: Vec<&str> = err.lines().filter(|l| !l.contains(" tệp")).collect();
        assert_eq!(*code, 0, "{}:\n{}", case.dir, errors.join("\n"));
    }
}

/// Every PDF of a layout in a build, with its village row (none for the
/// commune-level banner).
fn documents<'a>(
    case: &Case,
    out: &Path,
    layout: &str,
    rows: &'a HashMap<String, Row>,
) -> Vec<(PathBuf, Option<&'a Row>)> {
    // (A missing file fails `every_layout_of_every_case_builds`.)
    let pdfs = files(&out.join(layout), "pdf");
    pdfs.into_iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let row = rows.get(&stem);
            assert!(row.is_some() || layout == "banner", "{}: whose is {stem}?", case.dir);
            (p, row)
        })
        .collect()
}

/// Collects problems; fails with all of them at the end.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, s: String) {
        self.0.push(s);
    }
    fn check(self, what: &str) {
        let n = self.0.len();
        let shown: Vec<&String> = self.0.iter().take(40).collect();
        assert!(
            n == 0,
            "{n} {what}:\n{}",
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
        );
    }
}

// ------------------------------------------------------ whole and apart --

/// Page texts with no-break spaces read as spaces.
fn page_texts(pdf: &Path) -> Vec<String> {
    let pages = Document::load(pdf).unwrap().get_pages().len();
    (1..=pages).map(|p| page_text(pdf, p).replace('\u{a0}', " ")).collect()
}

/// Runs of digit groups in a line: "Bình0912 000 101 x" → [(4, "0912 000 101")]
/// (byte offset, run); groups are joined by one space.
fn digit_runs(line: &str) -> Vec<(usize, String)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        loop {
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            if end + 1 < b.len() && b[end] == b' ' && b[end + 1].is_ascii_digit() {
                end += 1;
            } else {
                break;
            }
        }
        out.push((start, line[start..end].to_string()));
        i = end;
    }
    out
}

/// Whether the words of `part` are a proper prefix or suffix of `whole`'s.
fn proper_part(part: &str, whole: &str) -> bool {
    let p: Vec<&str> = part.split(' ').collect();
    let w: Vec<&str> = whole.split(' ').collect();
    p.len() < w.len() && (w.starts_with(&p) || w.ends_with(&p))
}

/// Problems of one page's text: split, glued or touching numbers; names
/// broken at the end of a line.
fn page_problems(text: &str, numbers: &[&str], names: &[&str], doc: &str, out: &mut Problems) {
    for line in text.lines() {
        for (at, run) in digit_runs(line) {
            let before = line[..at].chars().next_back();
            let after = line[at + run.len()..].chars().next();
            let known = numbers.contains(&run.as_str());
            let part = numbers.iter().any(|n| proper_part(&run, n));
            let holds = !known && numbers.iter().any(|n| proper_part(n, &run));
            if part && !known {
                out.add(format!("{doc}: number split: {run:?} in {line:?}"));
            }
            if holds {
                out.add(format!("{doc}: numbers run together: {run:?} in {line:?}"));
            }
            if (known || part)
                && (before.is_some_and(char::is_alphanumeric)
                    || after.is_some_and(char::is_alphanumeric))
            {
                out.add(format!("{doc}: number touches a word: {run:?} in {line:?}"));
            }
        }
        // A name broken at the end of a column: the column ends with the
        // start of the name, two words at least, the second or a later one
        // capitalised (so that a sentence ending in "xã" or "Công an" is not
        // taken for "xã Tiên Trang" or "Công an xã …").
        for seg in line.split("  ").map(str::trim).filter(|s| !s.is_empty()) {
            // (A name longer than 30 characters may break: it cannot fit a
            // narrow column at the minimum size.)
            for name in names.iter().filter(|n| n.chars().count() <= 30) {
                let words: Vec<&str> = name.split(' ').collect();
                for k in 1..words.len() {
                    let head = words[..k].join(" ");
                    let ends = seg.ends_with(&head)
                        && seg[..seg.len() - head.len()]
                            .chars()
                            .next_back()
                            .is_none_or(|c| !c.is_alphanumeric());
                    if ends && words[1..k].iter().any(|w| w.chars().any(char::is_uppercase)) {
                        out.add(format!(
                            "{doc}: name broken after {head:?} ({name:?}) in {line:?}"
                        ));
                    }
                }
            }
        }
    }
}

#[test]
fn every_number_and_name_prints_whole_and_apart() {
    let mut problems = Problems::default();
    for case in CASES {
        let out = built(case);
        let rows = rows(case);
        for layout in LAYOUTS {
            for (pdf, row) in documents(case, out, layout, &rows) {
                let doc = format!("{}/{}", case.dir, pdf.strip_prefix(out).unwrap().display());
                let pages = page_texts(&pdf);
                let mut numbers: Vec<&str> = vec![case.hotline];
                let mut names: Vec<&str> = case.names.to_vec();
                // What the document must print whole, each on one line.
                let mut whole: Vec<&str> = vec![case.hotline];
                // (The banner prints 113 after the hotline too.)
                numbers.extend(case.contacts);
                if let Some(r) = row {
                    numbers.push(&r.phone);
                    names.extend([r.officer.as_str(), r.full.as_str()]);
                    whole.extend([r.phone.as_str(), r.officer.as_str()]);
                    whole.extend(case.contacts);
                }
                if ["leaflet-a5", "leaflet-a4-trifold"].contains(layout) {
                    whole.push(case.url);
                }
                for v in &whole {
                    if !pages.iter().any(|p| p.lines().any(|l| l.contains(v))) {
                        problems.add(format!("{doc}: {v:?} is not whole on any line"));
                    }
                }
                for p in &pages {
                    page_problems(p, &numbers, &names, &doc, &mut problems);
                }
            }
        }
    }
    problems.check("numbers or names not whole");
}

#[test]
fn the_sample_band_hides_no_text_and_reads_as_a_line_of_its_own() {
    // The examples' "MẪU — KHÔNG PHÁT" band: on every page, at the top and
    // the foot, each band alone on its line of `pdftotext -layout` (it once
    // lay across the issuer's name: "CÔNG AN PHƯỜNG MẪU —NGHĨA"), and no
    // word of the page within the band's height.
    let mut problems = Problems::default();
    for case in CASES.iter().filter(|c| c.dir.starts_with("examples/")) {
        let out = built(case);
        let rows = rows(case);
        for layout in LAYOUTS {
            for (pdf, _) in documents(case, out, layout, &rows) {
                let doc = format!("{}/{}", case.dir, pdf.strip_prefix(out).unwrap().display());
                for (n, text) in page_texts(&pdf).iter().enumerate() {
                    let bands: Vec<&str> = text.lines().filter(|l| l.contains("MẪU")).collect();
                    if bands.len() != 2 || bands.iter().any(|l| l.trim() != "MẪU — KHÔNG PHÁT")
                    {
                        problems.add(format!("{doc} p{}: band lines {bands:?}", n + 1));
                    }
                }
                for (n, mut page) in all_words(&pdf).into_iter().enumerate() {
                    let band: Vec<(f64, f64)> = page
                        .iter()
                        .filter(|w| w.text == "MẪU")
                        .map(|w| (w.y0 - 0.5, w.y1 + 0.5))
                        .collect();
                    drop_sample_band(&mut page);
                    for w in &page {
                        if band.iter().any(|&(a, b)| w.y1 > a && w.y0 < b) {
                            problems.add(format!("{doc} p{}: {:?} under the band", n + 1, w.text));
                        }
                    }
                }
            }
        }
    }
    problems.check("pages where the sample band hides or interleaves with text");
}

#[test]
fn the_checks_see_a_glued_or_split_value() {
    // The checks themselves, on the text that today's leaflets printed.
    let numbers = ["0237 3868 113", "0912 000 101", "113"];
    let names = ["Lê Văn Bình", "xã Tiên Trang"];
    for bad in [
        "Cán bộ phụ trách thôn Đông Hải  Lê Văn Bình0912 000 101",
        "  0237 3868\n  113",
        "Gửi bà con thôn Đông Hải, xã Tiên\nTrang",
        "Gọi 0237 3868 113 113",
    ] {
        let mut p = Problems::default();
        page_problems(bad, &numbers, &names, "t", &mut p);
        assert!(!p.0.is_empty(), "not seen: {bad:?}");
    }
    let mut p = Problems::default();
    let good = "Lê Văn Bình · 0912 000 101     113\nGửi bà con thôn Đông Hải, xã Tiên Trang";
    page_problems(good, &numbers, &names, "t", &mut p);
    assert!(p.0.is_empty(), "{:?}", p.0);
}

// ------------------------------------------------------------ type size --

/// (label, body) minimum sizes in pt of a layout, before the 15 % raise for
/// elderly readers. Body text is a run of 20 glyphs or more (a line of a
/// sentence); a shorter run is a label (a title, a caption, a number).
fn minimums(layout: &str) -> (f64, f64) {
    match layout {
        // Issue 23: body 11 pt on the A5 and the trifold (12.65 pt raised).
        "leaflet-a5" | "leaflet-a4-trifold" => (9.0, 11.0),
        "poster-a4" => (12.0, 16.0),
        "poster-a3" => (16.0, 24.0),
        // Issue 23: the card 8 pt at least, both faces.
        "card" | "card-sheet" => (8.0, 8.0),
        "banner" => (72.0, 72.0),
        _ => unreachable!(),
    }
}

const BODY_GLYPHS: usize = 20;

/// A 2 × 3 affine matrix [a b c d e f].
pub(crate) type Mat = [f64; 6];

pub(crate) fn mul(m: &Mat, n: &Mat) -> Mat {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

pub(crate) fn nums(ops: &[Object]) -> Vec<f64> {
    ops.iter().map(num).collect()
}

/// Every text-showing operator of a page: (size in pt as printed, glyphs,
/// baseline height in pt from the MediaBox's foot).
/// The size is the Tf size scaled by the text matrix and the CTM (q/Q/cm),
/// following form XObjects. Fonts are Identity-H (2 bytes a glyph).
fn text_runs(doc: &Document, page: lopdf::ObjectId) -> Vec<(f64, usize, f64)> {
    placed_runs(doc, page).into_iter().map(|(size, glyphs, _, y)| (size, glyphs, y)).collect()
}

/// Like `text_runs`, with each run's start: (size, glyphs, x, y) in pt.
pub(crate) fn placed_runs(doc: &Document, page: lopdf::ObjectId) -> Vec<(f64, usize, f64, f64)> {
    let mut out = Vec::new();
    let content = doc.get_page_content(page).unwrap();
    let res = doc.get_page_resources(page).unwrap().0.cloned();
    runs_in(doc, &content, res.as_ref(), [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], &mut out);
    out
}

fn runs_in(
    doc: &Document,
    content: &[u8],
    res: Option<&lopdf::Dictionary>,
    ctm0: Mat,
    out: &mut Vec<(f64, usize, f64, f64)>,
) {
    let ops = Content::decode(content).unwrap().operations;
    let mut stack = vec![ctm0];
    let mut tm: Mat = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let mut size = 0.0;
    for op in ops {
        let ctm = *stack.last().unwrap();
        match op.operator.as_str() {
            "q" => stack.push(ctm),
            "Q" => {
                stack.pop();
            }
            "cm" => {
                let n = nums(&op.operands);
                *stack.last_mut().unwrap() = mul(&[n[0], n[1], n[2], n[3], n[4], n[5]], &ctm);
            }
            "BT" => tm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            "Tm" => {
                let n = nums(&op.operands);
                tm = [n[0], n[1], n[2], n[3], n[4], n[5]];
            }
            "Tf" => size = num(&op.operands[1]),
            "Tj" | "TJ" | "'" | "\"" => {
                let glyphs: usize = op
                    .operands
                    .iter()
                    .flat_map(|o| match o {
                        Object::Array(a) => a.clone(),
                        o => vec![o.clone()],
                    })
                    .map(|o| match o {
                        Object::String(s, _) => s.len() / 2,
                        _ => 0,
                    })
                    .sum();
                let m = mul(&tm, &ctm);
                let scale = (m[0] * m[3] - m[1] * m[2]).abs().sqrt();
                out.push((size * scale, glyphs, m[4], m[5]));
            }
            "Do" => {
                if let Some((content, sub, inner)) = form_xobject(doc, res, &op.operands, &ctm) {
                    runs_in(doc, &content, sub.as_ref().or(res), inner, out);
                }
            }
            _ => {}
        }
    }
}

/// The form XObject a `Do` operator paints (`operands`, with the resources
/// `res` in effect): its content, its own resources and its matrix times
/// `ctm`. None for an image or a name not found.
pub(crate) fn form_xobject(
    doc: &Document,
    res: Option<&lopdf::Dictionary>,
    operands: &[Object],
    ctm: &Mat,
) -> Option<(Vec<u8>, Option<lopdf::Dictionary>, Mat)> {
    let name = operands.first()?.as_name().ok()?;
    let (_, xobjs) = res?.get(b"XObject").and_then(|x| doc.dereference(x)).ok()?;
    let id = xobjs.as_dict().ok()?.get(name).and_then(Object::as_reference).ok()?;
    let stream = doc.get_object(id).and_then(Object::as_stream).ok()?;
    if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
        return None;
    }
    let m = stream
        .dict
        .get(b"Matrix")
        .and_then(Object::as_array)
        .map(|a| nums(a))
        .unwrap_or_else(|_| vec![1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    let inner = mul(&[m[0], m[1], m[2], m[3], m[4], m[5]], ctm);
    let content = stream.decompressed_content().unwrap_or(stream.content.clone());
    let sub = stream
        .dict
        .get(b"Resources")
        .and_then(|r| doc.dereference(r))
        .and_then(|r| r.1.as_dict())
        .ok()
        .cloned();
    Some((content, sub, inner))
}

#[test]
fn type_is_at_least_the_layouts_minimum() {
    let mut problems = Problems::default();
    for case in CASES {
        let out = built(case);
        let rows = rows(case);
        let raise = if case.elderly { 1.15 } else { 1.0 };
        for layout in LAYOUTS {
            let (label, body) = minimums(layout);
            let margin = canhbao::layouts::builtin()
                .into_iter()
                .find(|l| l.id == *layout)
                .map_or(4.0, |l| l.preflight.safe_mm)
                * MM_PT;
            let (label, body) = (label * raise, body * raise);
            for (pdf, _) in documents(case, out, layout, &rows) {
                let doc = Document::load(&pdf).unwrap();
                for (n, page) in doc.get_pages() {
                    let runs = text_runs(&doc, page);
                    assert!(!runs.is_empty(), "{}: page {n} has no text", pdf.display());
                    // Within the safe margin of the sheet's top or foot
                    // stands only the examples' sample band (the preflight
                    // fails any other text there): no reader's text.
                    // (The A4 poster sets its band 5 mm further in: an
                    // office printer's margin would clip it.)
                    let (foot, top) = sheet_edges(&doc, n);
                    let inset = if *layout == "poster-a4" { 7.0 * MM_PT } else { 0.0 };
                    let band = |y: f64| y < foot + margin + inset || y > top - margin - inset;
                    // The card sheet's slug, below its last row of cards
                    // and their bleed (card-sheet.typ: trims end 273.5 mm
                    // down, 3 mm bleed), is the shop's, cut away with the
                    // margin: no reader's text.
                    let slug = |y: f64| *layout == "card-sheet" && y < top - (273.5 + 3.0) * MM_PT;
                    for (size, glyphs, y) in runs {
                        if band(y) || slug(y) {
                            continue;
                        }
                        let min = if glyphs >= BODY_GLYPHS { body } else { label };
                        if size < min - 0.01 {
                            problems.add(format!(
                                "{}/{layout}/{} p{n}: {glyphs} glyphs at {size:.2} pt < {min:.2}",
                                case.dir,
                                pdf.file_name().unwrap().to_string_lossy()
                            ));
                        }
                    }
                }
            }
        }
    }
    problems.check("text runs below the minimum size");
}

const MM_PT: f64 = 72.0 / 25.4;

/// The tightest line spacing of a page, as a share of the type size: for
/// each run of text up to 16 pt (display type above is set tight on
/// purpose), the next run below starting at the same x at the same size
/// (the paragraph's next line), whose baseline is less than twice the size
/// away. (ratio, size, baseline) of the tightest pair, or None.
fn tightest_leading(runs: &[(f64, usize, f64, f64)]) -> Option<(f64, f64, f64)> {
    let mut best: Option<(f64, f64, f64)> = None;
    for &(size, _, x, y) in runs.iter().filter(|r| r.0 <= 16.0 && r.1 >= 3) {
        let below = runs
            .iter()
            .filter(|r| (r.0 - size).abs() < 0.05 && (r.2 - x).abs() < 0.5 && r.1 >= 3)
            .map(|r| y - r.3)
            .filter(|&dy| dy > 0.5 * size && dy < 2.0 * size)
            .fold(f64::INFINITY, f64::min);
        if below.is_finite() && best.is_none_or(|b| below / size < b.0) {
            best = Some((below / size, size, y));
        }
    }
    best
}

#[test]
fn lines_of_the_leaflets_are_set_at_1_3_times_their_size_at_least() {
    // Stacked Vietnamese accents crowd the line above at 1.08–1.19 (issue
    // 23): every paragraph of the A5 and the trifold at 1.3 at least.
    let mut problems = Problems::default();
    for case in CASES {
        let out = built(case);
        let rows = rows(case);
        for layout in ["leaflet-a5", "leaflet-a4-trifold"] {
            for (pdf, _) in documents(case, out, layout, &rows) {
                let doc = Document::load(&pdf).unwrap();
                for (n, page) in doc.get_pages() {
                    let runs = placed_runs(&doc, page);
                    if let Some((ratio, size, y)) = tightest_leading(&runs)
                        && ratio < 1.3 - 0.005
                    {
                        problems.add(format!(
                            "{}/{layout}/{} p{n}: lines of {size:.2} pt {ratio:.2} × apart (baseline {:.0} mm from the foot)",
                            case.dir,
                            pdf.file_name().unwrap().to_string_lossy(),
                            y / MM_PT
                        ));
                    }
                }
            }
        }
    }
    problems.check("lines set closer than 1.3 times their size");
}

/// The foot and top of a page's trim (its MediaBox on the card sheet, which
/// has no bleed), in pt from the MediaBox's foot.
fn sheet_edges(doc: &Document, page: u32) -> (f64, f64) {
    let dict = doc.get_dictionary(doc.get_pages()[&page]).unwrap();
    let get = |k: &[u8]| -> Vec<f64> {
        dict.get(k).unwrap().as_array().unwrap().iter().map(num).collect()
    };
    let media = get(b"MediaBox");
    let trim = if dict.has(b"TrimBox") { get(b"TrimBox") } else { media.clone() };
    (trim[1] - media[1], trim[3] - media[1])
}

// ------------------------------------------------- trim, folds, cut lines --

/// A word's box in mm from the page's top-left corner (MediaBox).
#[derive(Debug)]
pub(crate) struct Word {
    pub text: String,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// Be Vietnam Pro: ascender 1000, descender 265, the highest glyph (a
/// capital with a stacked diacritic, such as "Ẫ") 1231 units per em.
/// pdftotext's word box spans ascender to descender; its top is raised to
/// the highest glyph.
const ASC: f64 = 1.0;
const DESC: f64 = 0.265;
const TOP: f64 = 1.231;

/// The words of every page of a PDF (`pdftotext -bbox`), in mm, without
/// the sample band.
pub(crate) fn words(pdf: &Path) -> Vec<Vec<Word>> {
    let mut pages = all_words(pdf);
    pages.iter_mut().for_each(drop_sample_band);
    pages
}

/// The words of every page of a PDF (`pdftotext -bbox`), in mm.
fn all_words(pdf: &Path) -> Vec<Vec<Word>> {
    let out = Command::new("pdftotext").args(["-bbox", "-enc", "UTF-8"]).arg(pdf).arg("-").output();
    let html = String::from_utf8_lossy(&out.expect("pdftotext runs").stdout).into_owned();
    let mm = |pt: f64| pt * 25.4 / 72.0;
    let attr = |s: &str, k: &str| -> f64 {
        let i = s.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
        s[i..i + s[i..].find('"').unwrap()].parse().unwrap()
    };
    let mut pages: Vec<Vec<Word>> = Vec::new();
    for part in html.split('<').skip(1) {
        if part.starts_with("page ") {
            pages.push(Vec::new());
        } else if part.starts_with("word ") {
            let (head, text) = part.split_once('>').unwrap();
            let (y0, y1) = (attr(head, "yMin"), attr(head, "yMax"));
            let em = (y1 - y0) / (ASC + DESC);
            pages.last_mut().unwrap().push(Word {
                text: text.to_string(),
                x0: mm(attr(head, "xMin")),
                y0: mm(y0 - em * (TOP - ASC)),
                x1: mm(attr(head, "xMax")),
                y1: mm(y1),
            });
        }
    }
    pages
}

/// The examples' "MẪU — KHÔNG PHÁT" band marks a file that must never be
/// printed and lies on the trim's edges on purpose (the preflight skips it
/// too): its four words, on one line (at the top and the foot of each
/// page), are not a reader's text.
fn drop_sample_band(words: &mut Vec<Word>) {
    const BAND: [&str; 4] = ["MẪU", "—", "KHÔNG", "PHÁT"];
    while let Some(i) = words.windows(4).position(|w| {
        w.iter().zip(BAND).all(|(w, b)| w.text == b) && (w[0].y1 - w[3].y1).abs() < 0.5
    }) {
        words.drain(i..i + 4);
    }
}

/// The trim rectangles of a page (mm, from the MediaBox's top-left corner):
/// the TrimBox, or the eight cards of the card sheet.
fn trims(doc: &Document, page: u32, layout: &str) -> Vec<[f64; 4]> {
    let id = doc.get_pages()[&page];
    let dict = doc.get_dictionary(id).unwrap();
    let get = |k: &[u8]| -> Vec<f64> {
        let v: Vec<f64> = dict.get(k).unwrap().as_array().unwrap().iter().map(num).collect();
        v.iter().map(|pt| pt * 25.4 / 72.0).collect()
    };
    // (No bleed, as on the card sheet: no TrimBox.)
    let media = get(b"MediaBox");
    let trim = if dict.has(b"TrimBox") { get(b"TrimBox") } else { media.clone() };
    let (left, top) = (trim[0] - media[0], media[3] - trim[3]);
    if layout == "card-sheet" {
        // card-sheet.typ: 85 × 55 mm cards, 3 mm bleed each, 4 mm apart,
        // 2 × 4 centred on the A4 sheet.
        let mut cards = Vec::new();
        for r in 0..4 {
            for c in 0..2 {
                let x = left + 15.0 + c as f64 * 95.0;
                let y = top + 23.5 + r as f64 * 65.0;
                cards.push([x, y, x + 85.0, y + 55.0]);
            }
        }
        cards
    } else {
        vec![[left, top, trim[2] - media[0], media[3] - trim[1]]]
    }
}

/// The folds of the trifold, in mm from the trim's left edge, per page.
fn folds(layout: &str, page: u32) -> Vec<f64> {
    match (layout, page) {
        ("leaflet-a4-trifold", 1) => vec![97.0, 197.0],
        ("leaflet-a4-trifold", 2) => vec![100.0, 200.0],
        _ => vec![],
    }
}

/// The safe margin: 5 mm on posters and banners, 4 mm elsewhere.
fn safe(layout: &str) -> f64 {
    if layout.starts_with("poster") || layout == "banner" { 5.0 } else { 4.0 }
}

#[test]
fn no_text_near_the_trim_across_a_fold_or_a_cut() {
    let mut problems = Problems::default();
    for case in CASES {
        let out = built(case);
        let rows = rows(case);
        for layout in LAYOUTS {
            let m = safe(layout);
            for (pdf, _) in documents(case, out, layout, &rows) {
                let doc = Document::load(&pdf).unwrap();
                let name =
                    format!("{}/{layout}/{}", case.dir, pdf.file_name().unwrap().to_string_lossy());
                for (i, page) in words(&pdf).iter().enumerate() {
                    let n = i as u32 + 1;
                    let trims = trims(&doc, n, layout);
                    for w in page {
                        // The card sheet's slug lies below every card and
                        // its 3 mm bleed, cut away with the margin.
                        if *layout == "card-sheet" && trims.iter().all(|t| w.y0 > t[3] + 3.0) {
                            continue;
                        }
                        // Inside one trim, `m` from its edges.
                        let inside = trims.iter().any(|t| {
                            w.x0 >= t[0] + m
                                && w.x1 <= t[2] - m
                                && w.y0 >= t[1] + m
                                && w.y1 <= t[3] - m
                        });
                        if !inside {
                            let d = trims
                                .iter()
                                .map(|t| {
                                    (w.x0 - t[0]).min(t[2] - w.x1).min(w.y0 - t[1]).min(t[3] - w.y1)
                                })
                                .fold(f64::MIN, f64::max);
                            problems
                                .add(format!("{name} p{n}: {:?} {d:.1} mm from the trim", w.text));
                        }
                        for f in folds(layout, n) {
                            let x = trims[0][0] + f;
                            if w.x0 < x + m && w.x1 > x - m {
                                problems.add(format!(
                                    "{name} p{n}: {:?} within {m} mm of the fold at {f} mm",
                                    w.text
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    problems.check("words too close to a trim, fold or cut line");
}

// ------------------------------------------------------------------- QR --

#[test]
fn qr_codes_print_at_least_20_mm_on_leaflets() {
    const DPI: f64 = 200.0;
    let mut problems = Problems::default();
    for case in CASES {
        let out = built(case);
        let rows = rows(case);
        for layout in ["leaflet-a5", "leaflet-a4-trifold"] {
            // One village is enough: the QR codes are the same size for all.
            let Some((pdf, _)) = documents(case, out, layout, &rows).into_iter().next() else {
                continue;
            };
            let dir = tempfile::tempdir().unwrap();
            let st = Command::new("pdftoppm")
                .args(["-r", &DPI.to_string(), "-gray", "-png"])
                .arg(&pdf)
                .arg(dir.path().join("p"))
                .status()
                .unwrap();
            assert!(st.success());
            let mut found = 0;
            for png in files(dir.path(), "png") {
                let img = image::open(&png).unwrap().to_luma8();
                let mut prepared = rqrr::PreparedImage::prepare(img);
                for g in prepared.detect_grids() {
                    found += 1;
                    let b = g.bounds;
                    let side = |p: rqrr::Point, q: rqrr::Point| {
                        (((p.x - q.x).pow(2) + (p.y - q.y).pow(2)) as f64).sqrt()
                    };
                    let px = side(b[0], b[1]).min(side(b[1], b[2]));
                    let mm = px / DPI * 25.4;
                    let what = g.decode().map(|(_, s)| s).unwrap_or_default();
                    if mm < 19.9 {
                        problems.add(format!("{}: QR {what} is {mm:.1} mm", pdf.display()));
                    }
                }
            }
            // The A5 for elderly readers prints its channel as words only
            // (its room goes to a third tactic): the hotline's QR alone.
            let want = if case.elderly && layout == "leaflet-a5" { 1 } else { 2 };
            if found < want {
                problems.add(format!("{}: {found} QR codes found, want {want}", pdf.display()));
            }
        }
    }
    problems.check("QR codes smaller than 20 mm");
}

#[test]
fn the_trifold_inside_sets_one_body_size_on_its_three_panels() {
    // The designer's ★3.5: 10–11 pt on the slogan's panel beside 14 pt on
    // the tactics'. Each panel's body size (the size most of its sentence
    // glyphs are set at) is the same on all three.
    let mut problems = Problems::default();
    let mut read = 0;
    for case in CASES {
        let out = built(case);
        let rows = rows(case);
        for (pdf, _) in documents(case, out, "leaflet-a4-trifold", &rows) {
            let doc = Document::load(&pdf).unwrap();
            let page = doc.get_pages()[&2];
            let left = sheet_left(&doc, 2);
            // Per panel: glyphs by size (in hundredths of a point).
            let mut panels: Vec<HashMap<i64, usize>> = vec![HashMap::new(); 3];
            for (size, glyphs, x, _) in placed_runs(&doc, page) {
                if glyphs < BODY_GLYPHS {
                    continue;
                }
                let k = (((x - left) / MM_PT) / 100.0).floor().clamp(0.0, 2.0) as usize;
                *panels[k].entry((size * 100.0).round() as i64).or_default() += glyphs;
            }
            let body: Vec<f64> = panels
                .iter()
                .map(|m| m.iter().max_by_key(|(_, n)| **n).map_or(0.0, |(s, _)| *s as f64 / 100.0))
                .collect();
            if body.iter().any(|b| (b - body[0]).abs() > 0.05 || *b == 0.0) {
                problems.add(format!(
                    "{}/{}: body sizes by panel {body:?}",
                    case.dir,
                    pdf.file_name().unwrap().to_string_lossy()
                ));
            }
            read += 1;
        }
    }
    assert!(read >= 8, "{read} trifolds read");
    problems.check("trifold insides whose panels differ in body size");
}

/// The left edge of a page's trim, in pt from the MediaBox's left.
fn sheet_left(doc: &Document, page: u32) -> f64 {
    let dict = doc.get_dictionary(doc.get_pages()[&page]).unwrap();
    let key: &[u8] = if dict.has(b"TrimBox") { b"TrimBox" } else { b"MediaBox" };
    let b: Vec<f64> = dict.get(key).unwrap().as_array().unwrap().iter().map(num).collect();
    b[0]
}

#[test]
fn the_elderly_trifolds_inside_and_flap_are_set_at_13_5_pt_at_least() {
    // The elderly trifold read no larger than the households' (12.65 pt
    // against 12 pt, issue 23): its inside and its flap set every paragraph
    // at 13.5 pt at least, fewer tactics and shorter words paying for it,
    // the slogan's six items and the hotline still there.
    let (_dir, out) = fixture_built("audience-elderly", &["--layout", "leaflet-a4-trifold"]);
    let pdfs = files(&out.join("leaflet-a4-trifold"), "pdf");
    assert!(pdfs.len() >= 10, "{pdfs:?}");
    for pdf in pdfs.iter().take(4) {
        let doc = Document::load(pdf).unwrap();
        let pages: Vec<_> = doc.get_pages().into_iter().collect();
        let (_, top) = sheet_edges(&doc, 1);
        let mut bodies = 0;
        for (n, page) in &pages {
            for (size, glyphs, x, y) in placed_runs(&doc, *page) {
                // Page 1: the flap only (x under 97 mm); no sample band.
                let flap = *n == 2 || x < 97.0 * MM_PT;
                if glyphs < BODY_GLYPHS || !flap || y > top - 10.0 * MM_PT || y < 10.0 * MM_PT {
                    continue;
                }
                bodies += 1;
                assert!(
                    size >= 13.5 - 0.01,
                    "{} p{n}: {glyphs} glyphs at {size:.2} pt",
                    pdf.display()
                );
            }
        }
        assert!(bodies >= 20, "{}: {bodies} paragraphs' lines read", pdf.display());
        let text = pdf_raw_text(pdf);
        for must in ["Không sợ", "Phải tố giác ngay", "CHUYỂN TIỀN!"] {
            assert!(text.contains(must), "{}: no “{must}”", pdf.display());
        }
    }
}
