//! Pictograms (layouts/icons.typ): one per tactic and per "4 không, 2 phải"
//! item, in CMYK, with a neutral fallback for any other id.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use lopdf::Document;
use lopdf::content::Content;

use crate::print::colour_ops;
use crate::readable::{Mat, Word, form_xobject, mul, nums, words};
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

// ------------------------------------------- pictograms on the layouts --
//
// Where a layout prints a tactic or a "4 không, 2 phải" item, its own
// pictogram must be drawn beside its title, and no text may run over it.
// The pictograms are found in the PDF by their drawing: each id's shapes
// (path operators and points, as drawn alone by tests/fixtures/icons) are
// looked for in the page's content stream at any position and size.

/// A painted path: its operators (`m l c h re`, then the painting one) and
/// its points on the page, in mm from the top-left corner of the MediaBox.
#[derive(Debug, Clone)]
struct Shape {
    ops: String,
    pts: Vec<(f64, f64)>,
}

/// Every painted path of a page, in drawing order (text left out), through
/// q/Q/cm and form XObjects.
fn shapes(doc: &Document, page: u32) -> Vec<Shape> {
    let id = doc.get_pages()[&page];
    let media: Vec<f64> = doc
        .get_dictionary(id)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(num)
        .collect();
    let content = doc.get_page_content(id).unwrap();
    let res = doc.get_page_resources(id).unwrap().0.cloned();
    let mut out = Vec::new();
    shapes_in(doc, &content, res.as_ref(), [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], &mut out);
    let mm = 25.4 / 72.0;
    for s in &mut out {
        for p in &mut s.pts {
            *p = ((p.0 - media[0]) * mm, (media[3] - p.1) * mm);
        }
    }
    out
}

fn shapes_in(
    doc: &Document,
    content: &[u8],
    res: Option<&lopdf::Dictionary>,
    ctm0: Mat,
    out: &mut Vec<Shape>,
) {
    let mut stack = vec![ctm0];
    let mut path = Shape { ops: String::new(), pts: Vec::new() };
    let mut in_text = false;
    for op in Content::decode(content).unwrap().operations {
        let ctm = *stack.last().unwrap();
        let at =
            |x: f64, y: f64| (ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]);
        let o = op.operator.as_str();
        match o {
            "BT" => in_text = true,
            "ET" => in_text = false,
            _ if in_text => {}
            "q" => stack.push(ctm),
            "Q" => {
                stack.pop();
            }
            "cm" => {
                let n = nums(&op.operands);
                *stack.last_mut().unwrap() = mul(&[n[0], n[1], n[2], n[3], n[4], n[5]], &ctm);
            }
            "m" | "l" | "c" | "v" | "y" | "re" | "h" => {
                path.ops.push_str(o);
                path.ops.push(' ');
                let n = nums(&op.operands);
                if o == "re" {
                    let (x, y, w, h) = (n[0], n[1], n[2], n[3]);
                    path.pts.extend([at(x, y), at(x + w, y), at(x + w, y + h), at(x, y + h)]);
                } else {
                    path.pts.extend(n.chunks(2).map(|p| at(p[0], p[1])));
                }
            }
            "f" | "F" | "f*" | "S" | "s" | "B" | "B*" | "b" | "b*" | "n" => {
                let done =
                    std::mem::replace(&mut path, Shape { ops: String::new(), pts: Vec::new() });
                if o != "n" && !done.pts.is_empty() {
                    out.push(Shape { ops: done.ops + o, pts: done.pts });
                }
            }
            "Do" => {
                if let Some((bytes, sub, inner)) = form_xobject(doc, res, &op.operands, &ctm) {
                    shapes_in(doc, &bytes, sub.as_ref().or(res), inner, out);
                }
            }
            _ => {}
        }
    }
}

/// A pictogram as drawn alone: its shapes, points in units of its size
/// from its top-left corner.
struct Drawing {
    id: String,
    shapes: Vec<Shape>,
}

/// A pictogram found on a page: its id and its box (x0, y0, x1, y1) in mm.
#[derive(Debug, Clone)]
struct Found {
    id: String,
    bx: [f64; 4],
}

/// Each id's drawing, from the fixture that draws one id a page, 20 mm
/// wide, its top-left corner 10 mm from the left and 6 mm from the top.
fn drawings() -> Vec<Drawing> {
    let (_dir, out) = build("icons-each", None);
    let pdf = pdf_of(&out, "icons-each");
    let doc = Document::load(&pdf).unwrap();
    let ids = expected_ids();
    // (The fixture sets its own page: no bleed.)
    let (x0, y0, size) = (10.0, 6.0, 20.0);
    ids.iter()
        .enumerate()
        .map(|(i, id)| Drawing {
            id: id.clone(),
            shapes: shapes(&doc, i as u32 + 1)
                .into_iter()
                .map(|s| Shape {
                    ops: s.ops,
                    pts: s.pts.iter().map(|p| ((p.0 - x0) / size, (p.1 - y0) / size)).collect(),
                })
                .collect(),
        })
        .collect()
}

fn bbox(pts: impl Iterator<Item = (f64, f64)>) -> [f64; 4] {
    pts.fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, p| {
        [b[0].min(p.0), b[1].min(p.1), b[2].max(p.0), b[3].max(p.1)]
    })
}

/// Every pictogram drawn on a page: a run of shapes with the same
/// operators as an id's drawing, whose points are that drawing's moved and
/// scaled (within 1.5 % of the size).
fn pictograms_on(page: &[Shape], drawings: &[Drawing]) -> Vec<Found> {
    let mut found = Vec::new();
    for d in drawings {
        let n = d.shapes.len();
        let rb = bbox(d.shapes.iter().flat_map(|s| s.pts.iter().copied()));
        for run in page.windows(n) {
            if run.iter().zip(&d.shapes).any(|(a, b)| a.ops != b.ops || a.pts.len() != b.pts.len())
            {
                continue;
            }
            let lb = bbox(run.iter().flat_map(|s| s.pts.iter().copied()));
            let size = (lb[2] - lb[0]) / (rb[2] - rb[0]);
            let (ox, oy) = (lb[0] - rb[0] * size, lb[1] - rb[1] * size);
            let same = run.iter().zip(&d.shapes).all(|(a, b)| {
                a.pts.iter().zip(&b.pts).all(|(p, q)| {
                    (p.0 - (ox + q.0 * size)).abs() < 0.015 * size
                        && (p.1 - (oy + q.1 * size)).abs() < 0.015 * size
                })
            });
            if same && size > 1.0 {
                found.push(Found { id: d.id.clone(), bx: [ox, oy, ox + size, oy + size] });
            }
        }
    }
    found
}

/// The printed titles that must have a pictogram, with their ids: every
/// tactic of the Vietnamese pack, and the slogan's items (in the order of
/// `SLOGAN_IDS`).
/// (id, printed title) pairs.
type Titles = Vec<(String, String)>;

fn titles() -> (Titles, Titles) {
    let path = repo().join("layouts/locales/vi.toml");
    let pack: toml::Value = toml::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let tactics = pack["tactics"]
        .as_table()
        .unwrap()
        .iter()
        // Up to its first name (a unit kind is filled in), spaces as
        // pdftotext reads them.
        .map(|(id, t)| {
            let raw = t["title"].as_str().unwrap().split('{').next().unwrap();
            (id.clone(), raw.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect();
    let slogan = &pack["text"]["slogan"];
    let items: Vec<String> = ["no", "must"]
        .iter()
        .flat_map(|k| slogan[*k].as_array().unwrap().iter())
        .map(|it| it["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(items.len(), SLOGAN_IDS.len(), "the slogan has 4 + 2 items");
    (tactics, SLOGAN_IDS.iter().map(|s| s.to_string()).zip(items).collect())
}

/// The social image as a PDF (the built-in one is written as PNG only),
/// in a campaign's own layouts folder.
const SOCIAL_PDF: &str = "[social-pdf]\nfile = \"social-pdf.typ\"\ntitle = \"Ảnh (PDF)\"\n\
    paper = \"custom\"\nwidth_mm = 127.0\nheight_mm = 158.75\npages = 1\nscope = \"commune\"\n\
    copies = \"none\"\nper_tactic = true\n";

/// An example campaign built with every layout that lists tactics or the
/// slogan's items, for its first village; returns (dir, out).
pub(crate) fn build_example(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples").join(name), dir.path());
    let mine = dir.path().join("mau");
    fs::create_dir_all(&mine).unwrap();
    fs::write(mine.join("layouts.toml"), SOCIAL_PDF).unwrap();
    fs::write(
        mine.join("social-pdf.typ"),
        "#import \"social-lib.typ\": social\n#social(json(sys.inputs.at(\"data\")))\n",
    )
    .unwrap();
    let path = dir.path().join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap();
    let at = toml.find("\nlayouts = ").expect("the campaign lists its layouts") + 1;
    fs::write(&path, format!("{}layouts_dir = \"mau\"\n{}", &toml[..at], &toml[at..])).unwrap();
    let csv = fs::read_to_string(dir.path().join("villages.csv")).unwrap();
    let village = csv.lines().filter(|l| !l.starts_with('#')).nth(1).unwrap();
    let village = village.split(',').next().unwrap().to_string();
    let out = dir.path().join("out");
    let mut cmd = canhbao();
    cmd.arg("build").arg(dir.path()).args(["--no-package", "--preflight", "off", "--village"]);
    cmd.arg(&village).arg("--out").arg(&out);
    for l in ["leaflet-a5", "leaflet-a4-trifold", "poster-a3", "social-pdf"] {
        cmd.args(["-l", l]);
    }
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 0, "{name}: {err}");
    (dir, out)
}

/// A page's text on one line (`pdftotext -raw`, spaces collapsed).
fn raw_text(pdf: &Path, page: u32) -> String {
    let p = page.to_string();
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `title` starts on the page right of the pictogram `icon` (its
/// first word on a line the icon spans, at most `gap` mm from its right
/// edge), or anywhere on those lines when `gap` is None.
fn beside(words: &[Word], title: &str, icon: &Found, gap: Option<f64>) -> bool {
    let first: Vec<&str> = title.split_whitespace().take(2).collect();
    words.windows(first.len()).any(|w| {
        let word = &w[0];
        w.iter().zip(&first).all(|(w, t)| w.text == *t)
            && word.y1 > icon.bx[1]
            && word.y0 < icon.bx[3]
            && gap.is_none_or(|g| word.x0 >= icon.bx[2] - 0.1 && word.x0 - icon.bx[2] <= g)
    })
}

#[test]
fn every_printed_tactic_and_slogan_item_has_its_pictogram_beside_it_and_no_text_over_it() {
    let drawings = drawings();
    let (tactics, slogan) = titles();
    let mut checked = BTreeMap::<&str, usize>::new();
    let mut problems = Vec::new();
    for example in ["tien-trang", "hac-thanh", "nam-gia-nghia"] {
        let (_dir, out) = build_example(example);
        // (layout, page, the slogan's items have pictograms there, gap)
        let pages: [(&str, u32, bool, Option<f64>); 4] = [
            ("leaflet-a5", 1, true, Some(3.0)),
            ("leaflet-a5", 2, false, Some(3.0)),
            ("leaflet-a4-trifold", 2, true, Some(3.0)),
            ("poster-a3", 1, true, Some(4.0)),
        ];
        let socials = files(&out.join("social-pdf"), "pdf");
        assert!(socials.len() >= 4, "{example}: social images {socials:?}");
        let all = pages
            .iter()
            .map(|(l, p, s, g)| (files(&out.join(l), "pdf").remove(0), *p, *s, *g, *l))
            .chain(socials.into_iter().map(|pdf| (pdf, 1, false, None, "social")));
        for (pdf, page, with_slogan, gap, layout) in all {
            let doc = Document::load(&pdf).unwrap();
            let found = pictograms_on(&shapes(&doc, page), &drawings);
            let words = &words(&pdf)[page as usize - 1];
            let text = raw_text(&pdf, page);
            let mut wanted: Vec<&(String, String)> =
                tactics.iter().filter(|(_, t)| text.contains(t.as_str())).collect();
            if with_slogan {
                wanted.extend(slogan.iter().filter(|(_, t)| text.contains(t.as_str())));
                assert_eq!(
                    wanted.len()
                        - tactics.iter().filter(|(_, t)| text.contains(t.as_str())).count(),
                    6,
                    "{example} {layout} p{page}: the six items of the slogan print"
                );
            }
            let at = format!("{example} {layout} p{page}");
            if !with_slogan || layout == "leaflet-a4-trifold" {
                assert!(wanted.len() > 1 || layout == "social", "{at}: no tactic printed:\n{text}");
            }
            // The slogan's six pictograms on every page that prints the
            // slogan, the trifold's inside too (issue 23: it left all six
            // out for half a point of body; the designer wants them back).
            for (id, title) in &wanted {
                let mine: Vec<&Found> = found.iter().filter(|f| f.id == *id).collect();
                match mine.as_slice() {
                    [icon] if beside(words, title, icon, gap) => {
                        *checked.entry(layout).or_default() += 1;
                    }
                    [icon] => {
                        problems.push(format!("{at}: {id} is not beside “{title}” ({:?})", icon.bx))
                    }
                    _ => {
                        problems.push(format!("{at}: “{title}” has {} pictograms {id}", mine.len()))
                    }
                }
            }
            // No pictogram without its title; no text over a pictogram.
            for icon in &found {
                if !wanted.iter().any(|(id, _)| *id == icon.id) {
                    problems.push(format!("{at}: pictogram {} with no title", icon.id));
                }
                for w in words {
                    let over = w.x0 < icon.bx[2] - 0.2
                        && w.x1 > icon.bx[0] + 0.2
                        && w.y0 < icon.bx[3] - 0.2
                        && w.y1 > icon.bx[1] + 0.2;
                    if over {
                        problems.push(format!(
                            "{at}: “{}” over pictogram {} {:?}",
                            w.text, icon.id, icon.bx
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every layout was looked at: three examples' tactics and slogan items.
    for layout in ["leaflet-a5", "leaflet-a4-trifold", "poster-a3", "social"] {
        assert!(checked.get(layout).copied().unwrap_or(0) >= 12, "{layout}: {checked:?}");
    }
}

/// Filled ten-cornered polygons (a five-pointed star: `m`, nine `l`, `h`,
/// then a fill) drawn on a page.
fn stars(doc: &Document, page: lopdf::ObjectId) -> usize {
    let content = Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
    let ops: Vec<&str> = content.operations.iter().map(|o| o.operator.as_str()).collect();
    let mut found = 0;
    for (i, op) in ops.iter().enumerate() {
        if *op != "m" || i + 11 >= ops.len() {
            continue;
        }
        let corners = ops[i + 1..i + 10].iter().all(|o| *o == "l");
        if corners && ops[i + 10] == "h" && ["f", "f*", "B", "b"].contains(&ops[i + 11]) {
            found += 1;
        }
    }
    found
}

#[test]
fn the_fake_police_pictogram_prints_no_police_star_on_the_criminal() {
    let doc = each_icon();
    let page_of = |id: &str| page_of(&doc, id);
    // The real police (phải tố giác: call the police) keep their star.
    assert!(stars(&doc, page_of("must_report")) > 0, "the star is found where it is");
    assert_eq!(stars(&doc, page_of("fake_police")), 0, "a star on the impostor");
}

/// Closed five-cornered outlines (`m`, four `l`, `h`, then a paint): a SIM
/// card's cut-corner shape.
fn five_corners(doc: &Document, page: lopdf::ObjectId) -> usize {
    let content = Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
    let ops: Vec<&str> = content.operations.iter().map(|o| o.operator.as_str()).collect();
    (0..ops.len().saturating_sub(6))
        .filter(|&i| {
            ops[i] == "m"
                && ops[i + 1..i + 5].iter().all(|o| *o == "l")
                && ops[i + 5] == "h"
                && ["f", "f*", "B", "b", "S", "s"].contains(&ops[i + 6])
        })
        .count()
}

#[test]
fn the_account_rental_pictogram_shows_no_sim_card() {
    // The rule is about renting out bank accounts, not SIM cards.
    let doc = each_icon();
    let page_of = |id: &str| page_of(&doc, id);
    // The fake QR sticker's peeled corner is such an outline: it is found.
    assert!(five_corners(&doc, page_of("fake_qr")) > 0, "the shape is found where it is");
    assert_eq!(five_corners(&doc, page_of("account_rental")), 0, "a SIM card on account rental");
}

/// The pictograms one per page (`icons-each`), in [`expected_ids`] order.
fn each_icon() -> Document {
    let (_dir, out) = build("icons-each", None);
    Document::load(pdf_of(&out, "icons-each")).unwrap()
}

/// The page of `id` in [`each_icon`].
fn page_of(doc: &Document, id: &str) -> lopdf::ObjectId {
    let n = expected_ids().iter().position(|i| i == id).unwrap() as u32 + 1;
    doc.get_pages()[&n]
}
