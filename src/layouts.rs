//! The layout registry: which layouts exist and what each promises.
//!
//! `layouts/layouts.toml` declares, per layout, its paper, page count and
//! minimum QR size. The promise is checked after every compile: a document
//! with more pages than declared is an overflow, not a longer leaflet.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::path::Path;

use toml::Spanned;

use crate::diag::{Issue, line_col};

/// Resolutions a PNG may be made at, in dots per inch (flags and
/// registries alike): below, text is unreadable; above, one A3 page is
/// already 70 million pixels.
pub const DPI_RANGE: RangeInclusive<f32> = 36.0..=600.0;

/// Largest trim side of a layout, in millimetres (the banner is 5,000).
const MAX_SIDE_MM: f64 = 10_000.0;

/// Most pages a layout may declare.
const MAX_PAGES: usize = 100;

/// One layout's declaration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// The layout id (filled from the table key).
    #[serde(skip)]
    pub id: String,
    /// Typst file inside the layouts folder.
    pub file: String,
    /// One-line description (Vietnamese).
    pub title: String,
    /// Paper name (`a5`, `a4`, `a3`, `custom`).
    pub paper: String,
    /// Trim width in millimetres.
    pub width_mm: f64,
    /// Trim height in millimetres.
    pub height_mm: f64,
    /// Exact page count.
    pub pages: usize,
    /// One document per village or one per commune.
    pub scope: Scope,
    /// Smallest printed QR symbol, in millimetres.
    #[serde(default)]
    pub qr_min_mm: f64,
    /// Audience whose tactics the layout prints by default.
    #[serde(default)]
    pub audience: Option<String>,
    /// How many copies to print per document: `households` (one per
    /// household plus spares), `places` (shops + public places), `one`, or
    /// `none` (screen only, not in the print order).
    #[serde(default = "default_copies")]
    pub copies: Copies,
    /// Extra imposition for the print package: `2up-a4` (two per A4 sheet).
    #[serde(default)]
    pub impose: Option<Impose>,
    /// Documents per printed sheet (card sheets): copies are divided by it.
    #[serde(default = "one")]
    pub per_sheet: u32,
    /// `pdf` (default) or `png` (screen images).
    #[serde(default = "pdf")]
    pub format: Format,
    /// Resolution of PNG output.
    #[serde(default = "default_dpi")]
    pub dpi: f32,
    /// One document per tactic (with a one-item tactics list).
    #[serde(default)]
    pub per_tactic: bool,
    /// Printed width of the campaign logo in millimetres (0: not printed).
    #[serde(default)]
    pub logo_mm: f64,
    /// What the preflight holds the layout to (`[<id>.preflight]`).
    #[serde(default)]
    pub preflight: Rules,
}

/// How many documents a layout makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// One document per village.
    Village,
    /// One document for the whole commune.
    Commune,
}

/// How many copies of each document the print order asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Copies {
    /// One per household, plus the campaign's spare percentage.
    Households,
    /// One per shop and public place.
    Places,
    /// One.
    One,
    /// None: screen only, not in the print order.
    None,
}

/// What a layout's documents are written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Print-ready PDF.
    Pdf,
    /// PNG images for screens.
    Png,
}

impl Format {
    /// The file extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Png => "png",
        }
    }
}

/// An extra imposition the print package makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Impose {
    /// Two copies on an SRA4 sheet (`2up-a4`).
    #[serde(rename = "2up-a4")]
    TwoUpA4,
}

/// A layout's print rules, checked on every document before export (see
/// `crate::preflight`). Undeclared: a 4 mm safe margin, no size minimum.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Nothing but backgrounds this close to the trim, in millimetres.
    #[serde(default = "four")]
    pub safe_mm: f64,
    /// Smallest body text (paragraphs of two lines or more), in points.
    #[serde(default)]
    pub body_pt: f64,
    /// Smallest text of any kind (labels, captions, footers), in points.
    #[serde(default)]
    pub label_pt: f64,
    /// Folds, per page: millimetres from the trim's left edge.
    #[serde(default)]
    pub folds_mm: Vec<Vec<f64>>,
    /// Card sheets: the grid of cards and their cut lines.
    #[serde(default)]
    pub cut: Option<Cut>,
    /// The tallest empty band a page (or a folded leaflet's panel) may
    /// show, in millimetres; 0: not checked.
    #[serde(default)]
    pub empty_band_mm: f64,
    /// What every document of the layout carries, per page (issue 23:
    /// "a block missing that the campaign's other villages have"): each a
    /// path into the locale pack's `text` (`poster.fake_qr_title`; a list
    /// of items, `slogan.no`, is a block per item title), or `tactics`: the
    /// titles of the job's first [`Rules::tactics`] tactics.
    #[serde(default)]
    pub blocks: Vec<Vec<String>>,
    /// How many of the job's tactics (the first ones) the `tactics` block
    /// holds; all of them when the list is shorter.
    #[serde(default)]
    pub tactics: usize,
    /// [`Rules::tactics`] for type raised for elderly readers, when fewer
    /// fit (the A5 back sets them in one column).
    #[serde(default)]
    pub tactics_raised: Option<usize>,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            safe_mm: 4.0,
            body_pt: 0.0,
            label_pt: 0.0,
            folds_mm: Vec::new(),
            cut: None,
            empty_band_mm: 0.0,
            blocks: Vec::new(),
            tactics: 0,
            tactics_raised: None,
        }
    }
}

/// Readers over 60 (`audience = "elderly"`) need about 15 % larger type.
/// The one source of that raise: a layout receives it as `layout.raise`
/// and multiplies its sizes by it; the preflight multiplies the declared
/// minimums by the same number, so both agree to the last decimal (a
/// separate, rounded "elderly" minimum once failed 18 × 1.15 = 20.7 pt
/// against 21 pt).
pub const ELDERLY_RAISE: f64 = 1.15;

impl Rules {
    /// The (body, label) minimums for text raised by `raise` (1, or
    /// [`ELDERLY_RAISE`]).
    pub fn minimums(&self, raise: f64) -> (f64, f64) {
        (self.body_pt * raise, self.label_pt * raise)
    }
}

/// Cards on a sheet: `cols` × `rows` cards of `width_mm` × `height_mm`,
/// centred on the sheet, each with the campaign's bleed around it and
/// `gap_mm` between neighbouring bleeds. Their trim lines are cut lines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cut {
    /// Cards across.
    pub cols: u32,
    /// Cards down.
    pub rows: u32,
    /// Card trim width.
    pub width_mm: f64,
    /// Card trim height.
    pub height_mm: f64,
    /// Between the bleed edges of neighbouring cards.
    pub gap_mm: f64,
}

fn four() -> f64 {
    4.0
}

fn default_copies() -> Copies {
    Copies::Households
}

fn one() -> u32 {
    1
}

fn pdf() -> Format {
    Format::Pdf
}

fn default_dpi() -> f32 {
    150.0
}

/// The built-in registry text.
pub const BUILTIN_REGISTRY: &str = include_str!("../layouts/layouts.toml");

/// Virtual folder of the layouts in the Typst world ([`crate::world`]).
pub const LAYOUTS_DIR: &str = "/layouts";

/// Whether `file` (a layout registry's `file`) names a file inside the
/// layouts folder that the world can serve. The registry is checked with
/// this when it is loaded, so the world never meets a bad path. Here, not
/// in `world`: the world serves the registry's files, the registry does
/// not lean on the world.
pub fn layout_file_ok(file: &str) -> bool {
    crate::sandbox::check_text(file).is_ok()
        && typst::syntax::VirtualPath::new(format!("{LAYOUTS_DIR}/{file}")).is_ok()
}

/// The built-in layout files, served to Typst from memory.
pub const BUILTIN_FILES: &[(&str, &[u8])] = &[
    ("kit.typ", include_bytes!("../layouts/kit.typ")),
    ("leaflet-a5.typ", include_bytes!("../layouts/leaflet-a5.typ")),
    ("leaflet-a5-lib.typ", include_bytes!("../layouts/leaflet-a5-lib.typ")),
    ("sample.json", include_bytes!("../layouts/sample.json")),
    ("impose.typ", include_bytes!("../layouts/impose.typ")),
    ("proof.typ", include_bytes!("../layouts/proof.typ")),
    ("shop-note.typ", include_bytes!("../layouts/shop-note.typ")),
    ("scaled-proof.typ", include_bytes!("../layouts/scaled-proof.typ")),
    ("province-summary.typ", include_bytes!("../layouts/province-summary.typ")),
    // Issue 27: the delivery sheet and the report (src/report/).
    ("giao-nhan.typ", include_bytes!("../layouts/giao-nhan.typ")),
    ("bao-cao.typ", include_bytes!("../layouts/bao-cao.typ")),
    ("poster-a4.typ", include_bytes!("../layouts/poster-a4.typ")),
    ("poster-a3.typ", include_bytes!("../layouts/poster-a3.typ")),
    ("poster-lib.typ", include_bytes!("../layouts/poster-lib.typ")),
    ("leaflet-a4-trifold.typ", include_bytes!("../layouts/leaflet-a4-trifold.typ")),
    ("trifold-lib.typ", include_bytes!("../layouts/trifold-lib.typ")),
    ("banner.typ", include_bytes!("../layouts/banner.typ")),
    ("card.typ", include_bytes!("../layouts/card.typ")),
    ("card-sheet.typ", include_bytes!("../layouts/card-sheet.typ")),
    ("card-lib.typ", include_bytes!("../layouts/card-lib.typ")),
    ("social.typ", include_bytes!("../layouts/social.typ")),
    ("social-lib.typ", include_bytes!("../layouts/social-lib.typ")),
    ("social-square.typ", include_bytes!("../layouts/social-square.typ")),
    ("icons.typ", include_bytes!("../layouts/icons.typ")),
];

/// Parses a registry (`file` names it in messages). A layout's id and
/// format become output paths and its file a path the world reads, so each
/// is checked here, with its line, before anything is built from it.
pub fn parse(text: &str, file: &Path) -> Result<Vec<Layout>, Vec<Issue>> {
    let toml_issue = |e: toml::de::Error| {
        let at = e.span().map(|span| line_col(text, span.start));
        let key = at.and_then(|(line, _)| text.lines().nth(line - 1)?.split('=').next());
        let mut issue = Issue::error(file, registry_message(e.message(), key.unwrap_or("")));
        if let Some((line, col)) = at {
            issue = issue.line(line).column(col);
        }
        vec![issue]
    };
    let map: BTreeMap<String, Layout> = toml::from_str(text).map_err(toml_issue)?;
    // The same text again, keeping where each key is, for the messages.
    type Spans = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, toml::Value>>;
    let spans: Spans = toml::from_str(text).map_err(toml_issue)?;
    let line = |id: &str, key: Option<&str>| {
        let (table, fields) = spans.iter().find(|(k, _)| k.get_ref() == id)?;
        let at = key
            .and_then(|key| fields.keys().find(|k| k.get_ref() == key))
            .map_or(table.span().start, |k| k.span().start);
        Some(line_col(text, at).0)
    };
    let mut issues = Vec::new();
    let mut out = Vec::new();
    for (id, mut l) in map {
        l.id = id;
        // As on Windows, where designers type it: `rieng\the.typ` is
        // `rieng/the.typ` (a full path such as `C:\the.typ` stays refused).
        let slashed = crate::sandbox::data_path(&l.file);
        let written = std::mem::replace(&mut l.file, slashed);
        for (key, msg, hint) in problems(&l, &written) {
            let mut issue = Issue::error(file, format!("mẫu “{}”: {msg}", l.id)).hint(hint);
            if let Some(n) = line(&l.id, key) {
                issue = issue.line(n);
            }
            issues.push(issue);
        }
        out.push(l);
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// serde's message for a value outside an enum (`key` is where it is
/// written), said for a designer; other messages (syntax, a missing key)
/// in Vietnamese ([`crate::diag::toml_message`]).
fn registry_message(msg: &str, key: &str) -> String {
    let Some(rest) = msg.trim().strip_prefix("unknown variant `") else {
        return crate::diag::toml_message(msg, "layouts.toml");
    };
    let value = rest.split('`').next().unwrap_or(rest);
    let expected = rest.split_once("expected").map_or("", |(_, e)| e);
    let options: Vec<String> =
        expected.split('`').skip(1).step_by(2).map(|o| format!("“{o}”")).collect();
    let key = key.trim();
    let what = match key {
        "scope" => "phạm vi",
        "copies" => "số bản in",
        "format" => "định dạng",
        "impose" => "cách bình trang",
        _ => "giá trị",
    };
    format!("{what} ({key}) “{value}” không dùng được; chọn một trong: {}", options.join(", "))
}

/// What is wrong with one declaration: (key, message, hint).
/// `file` is the layout's file as written in the registry.
fn problems(l: &Layout, file: &str) -> Vec<(Option<&'static str>, String, &'static str)> {
    let mut out = Vec::new();
    let id_ok = (1..=64).contains(&l.id.len())
        && l.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !id_ok {
        out.push((
            None,
            "mã mẫu dùng làm tên thư mục kết quả nên chỉ được có chữ cái không dấu, chữ số, “-” và “_” (tối đa 64 ký tự)".into(),
            "ví dụ [the-xa]",
        ));
    }
    if id_ok && crate::text::windows_reserved(&l.id) {
        out.push((
            None,
            format!("mã mẫu “{}” là tên thiết bị mà Windows dành riêng (CON, PRN, AUX, NUL, COM1–9, LPT1–9), không dùng được làm tên thư mục", l.id),
            "đổi tên mẫu, ví dụ [con-a5] thay cho [con]",
        ));
    }
    if let Err(msg) = paper_ok(l) {
        out.push((Some("paper"), msg, "ghi paper = \"a5\", \"a4\", \"a3\"… đúng kích thước width_mm × height_mm, hoặc paper = \"custom\" cho khổ riêng"));
    }
    if !layout_file_ok(&l.file) {
        out.push((
            Some("file"),
            format!("tệp “{file}” phải là đường dẫn tính từ thư mục mẫu, không có “..”"),
            "ví dụ file = \"the.typ\" hoặc file = \"rieng/the.typ\"",
        ));
    }
    if !(l.dpi.is_finite() && DPI_RANGE.contains(&l.dpi)) {
        out.push((
            Some("dpi"),
            format!(
                "độ phân giải {} dpi nằm ngoài khoảng {}–{} dpi",
                l.dpi,
                DPI_RANGE.start(),
                DPI_RANGE.end()
            ),
            "ví dụ dpi = 150",
        ));
    }
    for (key, mm) in [("width_mm", l.width_mm), ("height_mm", l.height_mm)] {
        if !(mm.is_finite() && mm > 0.0 && mm <= MAX_SIDE_MM) {
            out.push((
                Some(key),
                format!("kích thước {mm} mm nằm ngoài khoảng 0–{MAX_SIDE_MM} mm"),
                "ví dụ width_mm = 148",
            ));
        }
    }
    for (key, mm) in [("qr_min_mm", l.qr_min_mm), ("logo_mm", l.logo_mm)] {
        if !(mm.is_finite() && (0.0..=MAX_SIDE_MM).contains(&mm)) {
            out.push((
                Some(key),
                format!("kích thước {mm} mm nằm ngoài khoảng 0–{MAX_SIDE_MM} mm"),
                "ví dụ logo_mm = 20",
            ));
        }
    }
    if !(1..=MAX_PAGES).contains(&l.pages) {
        out.push((
            Some("pages"),
            format!("số trang {} nằm ngoài khoảng 1–{MAX_PAGES}", l.pages),
            "ví dụ pages = 2",
        ));
    }
    if !(1..=100).contains(&l.per_sheet) {
        out.push((
            Some("per_sheet"),
            format!("số bản mỗi tờ {} nằm ngoài khoảng 1–100", l.per_sheet),
            "ví dụ per_sheet = 8",
        ));
    }
    out
}

/// Paper names a layout may declare, with their size in millimetres
/// (portrait; a landscape layout has them the other way round).
pub const PAPERS: &[(&str, f64, f64)] = &[
    ("a0", 841.0, 1189.0),
    ("a1", 594.0, 841.0),
    ("a2", 420.0, 594.0),
    ("a3", 297.0, 420.0),
    ("a4", 210.0, 297.0),
    ("a5", 148.0, 210.0),
    ("a6", 105.0, 148.0),
    ("b4", 250.0, 353.0),
    ("b5", 176.0, 250.0),
];

/// A declared paper is `custom` or one of [`PAPERS`] of the trim size
/// declared (it goes into the print order: the printer buys that paper).
fn paper_ok(l: &Layout) -> Result<(), String> {
    if l.paper == "custom" {
        return Ok(());
    }
    let names = || PAPERS.iter().map(|p| p.0).collect::<Vec<_>>().join(", ");
    let Some(&(name, w, h)) = PAPERS.iter().find(|p| p.0 == l.paper) else {
        return Err(format!(
            "khổ giấy “{}” không có; chọn một trong: {}, custom",
            crate::text::excerpt(&l.paper, 0, 40),
            names()
        ));
    };
    let near = |a: f64, b: f64| (a - b).abs() <= 1.0;
    let fits = (near(l.width_mm, w) && near(l.height_mm, h))
        || (near(l.width_mm, h) && near(l.height_mm, w));
    if fits {
        return Ok(());
    }
    Err(format!("khổ {name} là {w} × {h} mm, nhưng mẫu ghi {} × {} mm", l.width_mm, l.height_mm))
}

/// The built-in layouts.
pub fn builtin() -> Vec<Layout> {
    parse(BUILTIN_REGISTRY, Path::new("layouts/layouts.toml"))
        .expect("built-in layouts.toml parses (tested)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_layout_has_its_file() {
        let layouts = builtin();
        assert!(layouts.iter().any(|l| l.id == "leaflet-a5"));
        for l in layouts {
            assert!(BUILTIN_FILES.iter().any(|(f, _)| *f == l.file), "{}", l.file);
            assert!(l.pages >= 1 && l.width_mm > 0.0 && l.height_mm > 0.0);
        }
    }

    #[test]
    fn every_builtin_layout_declares_its_print_rules() {
        for l in builtin() {
            let r = &l.preflight;
            // Printed sheets are trimmed; a screen image (png) is not.
            let least = if l.format == Format::Png { 2.0 } else { 4.0 };
            assert!(r.safe_mm >= least, "{}", l.id);
            assert!(r.label_pt > 0.0 && r.body_pt >= r.label_pt, "{}", l.id);
        }
        let a5 = builtin().into_iter().find(|l| l.id == "leaflet-a5").unwrap();
        // Issue 23: body 11 pt on the A5, and no hole over 20 mm.
        assert_eq!((a5.preflight.body_pt, a5.preflight.safe_mm), (11.0, 4.0));
        assert_eq!(a5.preflight.empty_band_mm, 20.0);
    }

    #[test]
    fn an_unknown_print_rule_is_refused() {
        let text = "[x]\nfile = \"x.typ\"\ntitle = \"x\"\npaper = \"a5\"\nwidth_mm = 148\n\
                    height_mm = 210\npages = 1\nscope = \"village\"\n[x.preflight]\nsafe = 4\n";
        let file = Path::new("layouts.toml");
        let err = parse(text, file).unwrap_err();
        let err: String = err.iter().map(|i| i.to_string()).collect();
        assert!(err.contains("khóa “safe” không có trong layouts.toml"), "{err}");
        let ok = parse(&text.replace("safe = 4", "safe_mm = 5\nbody_pt = 10"), file).unwrap();
        assert_eq!(ok[0].preflight.safe_mm, 5.0);
        let (body, label) = ok[0].preflight.minimums(ELDERLY_RAISE);
        assert!((body - 11.5).abs() < 1e-9 && label == 0.0, "{body} {label}");
    }
}
