//! Preflight: the print checks every laid-out document passes before export.
//!
//! Runs on the Typst document (pages → frames → text runs with their
//! transforms), once per document, before the PDF is written. The rules,
//! declared per layout in `layouts/layouts.toml` (`[<id>.preflight]`, see
//! [`crate::layouts::Rules`]):
//!
//! 1. **Values whole.** Every phone number, URL and name the data supplied
//!    (hotline, contacts, the village officer's name and phone, the village
//!    and commune names, the reporting channels) appears on one line, apart
//!    from its neighbours: not split over two lines, not glued to the word
//!    or number beside it. Lines are rebuilt from the glyph runs: runs on
//!    one baseline, in x order, make a line; a space character or a real
//!    gap (≥ [`GAP_EM`] of the type size) separates two runs.
//! 2. **Safe margin.** No glyph within `safe_mm` of the trim, measured on
//!    the glyph's own outline box (stacked Vietnamese accents reach far
//!    above the cap height), not on the line's cap height.
//! 3. **Folds and cuts.** No glyph across a fold (`folds_mm`, per page), and
//!    on card sheets (`cut`) every glyph inside one card's safe area.
//!    An example campaign's "MẪU — KHÔNG PHÁT" strips hide no text.
//! 4. **Type size.** No glyph below the label minimum, no paragraph of two
//!    lines or more (body text) below the body minimum; both raised by the
//!    job's `layout.raise` (15 % for elderly readers), the very number the
//!    layout multiplies its sizes by.
//! 5. **No hole** ([`bands`]): no empty band taller than `empty_band_mm`
//!    across a page, or across a panel of a folded leaflet, where a block
//!    was dropped or set apart from the rest.
//! 6. **No block missing** ([`blocks`]): every block the layout declares
//!    (`blocks`, per page: the "4 không, 2 phải" items, the fake-QR box,
//!    the first `tactics` tactic titles …) is on its page, found by its
//!    words on the rebuilt lines. What a page carries is chosen once per
//!    campaign, so a block one village's document lacks is one that the
//!    campaign's other villages have: "thiếu khối “…” mà các thôn khác
//!    trong xã đều có", in the campaign's own unit words.
//! 7. **Warnings only:** a runt (the last line of a paragraph holding one
//!    short word), and a line break inside a fixed phrase ("xã Tiên
//!    Trang", "Công an xã", "trực ban", the village's full name) unless
//!    the phrase is wider than its paragraph at the minimum size.
//!
//! Cost: one walk over the frames; glyph outline boxes are read only for
//! runs whose coarse box (the font's global box) comes near a margin, fold
//! or cut; the values' characters are prepared once per document; the
//! blocks are searched in the document's text put in lower case once
//! (measured in [`blocks`]: under 1 ms per A5 leaflet).

use std::fmt::Write as _;

use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::text::TextItem;
use typst_layout::PagedDocument;

use crate::campaign::{Campaign, Village};
use crate::layouts::Layout;
use crate::render::Failure;

mod bands;
mod blocks;
mod geometry;
mod lines;
mod text;

use geometry::{Rect, cells, coarse, ink, placement};
use lines::lines;
use text::{Stream, values};

/// What a build does with the preflight's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A broken rule fails the file (the warnings stay warnings).
    Strict,
    /// Every finding is a warning: for a designer at work.
    Warn,
    /// No preflight (benchmarks, contact sheets).
    Off,
}

/// The mode of a build that does not say `--preflight`: a broken rule fails
/// its file, as text overflow does; `--preflight warn` is for a designer at
/// work.
pub const DEFAULT_MODE: Mode = Mode::Strict;

impl Default for Mode {
    fn default() -> Mode {
        DEFAULT_MODE
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "strict" => Ok(Mode::Strict),
            "warn" => Ok(Mode::Warn),
            "off" => Ok(Mode::Off),
            _ => Err(format!("“{s}” không phải chế độ kiểm tra; dùng strict, warn hoặc off")),
        }
    }
}

/// A gap between two runs of one line wider than this (in em of the
/// smaller size) separates them like a space.
pub const GAP_EM: f64 = 0.15;

/// A last line of a paragraph with one word of at most this many letters
/// is a runt.
const RUNT_CHARS: usize = 7;

/// At most this many findings are listed per document.
const MAX_LISTED: usize = 12;

const MM: f64 = 72.0 / 25.4;

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based page.
    pub page: usize,
    /// The data field (`hotline`, `village.officer.name`) or the text concerned.
    pub field: String,
    /// What is wrong, in Vietnamese.
    pub message: String,
    /// A warning in every mode (runts, broken phrases).
    pub warning: bool,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "trang {}, {}: {}", self.page, self.field, self.message)
    }
}

/// Findings as one message: a line per finding, the rest counted.
pub fn describe(problems: &[Problem]) -> String {
    let mut out = String::from("kiểm tra trước khi in không đạt:");
    for p in problems.iter().take(MAX_LISTED) {
        let _ = write!(out, "\n  - {p}");
    }
    if problems.len() > MAX_LISTED {
        let _ = write!(out, "\n  … và {} lỗi khác", problems.len() - MAX_LISTED);
    }
    out
}

/// A supplied value the document must print whole.
#[derive(Debug, Clone)]
struct Value {
    field: String,
    /// The value and its upper-case form (layouts set titles in capitals).
    forms: Vec<Vec<char>>,
    /// A place name too long to keep on one line ([`crate::plan::may_break`]):
    /// it may break at a space between its words, never inside one.
    may_break: bool,
}

/// Everything one document is checked against, prepared once per job.
#[derive(Debug, Clone)]
pub struct Expect {
    values: Vec<Value>,
    phrases: Vec<(String, Vec<char>)>,
    safe: f64,
    body_pt: f64,
    label_pt: f64,
    folds: Vec<Vec<f64>>,
    cells: Vec<[f64; 4]>,
    /// The "MẪU — KHÔNG PHÁT" band of an example campaign (`example =
    /// true`): it marks a file that must never reach a print shop, and lies
    /// on the trim's edges on purpose, so no rule applies to it.
    band: Option<String>,
    /// A card sheet's block of cards with their bleed: text wholly outside
    /// it (the sheet's slug) is on no card and is cut away with the margin.
    cards: Option<Rect>,
    /// The tallest empty band allowed (pt; 0: not checked).
    band_max: f64,
    /// The blocks every document of the campaign's layout carries (rule 6).
    blocks: Vec<blocks::Wanted>,
    /// Who else has them, in the campaign's unit words: "các thôn khác
    /// trong xã đều có".
    others: String,
}

/// The sample band's words: the campaign's own `[text.example] band`, else
/// its locale pack's (parsed once).
fn band_of(c: &Campaign) -> Option<String> {
    static BUILTIN: std::sync::LazyLock<Vec<(String, String)>> = std::sync::LazyLock::new(|| {
        let band =
            |t: &toml::Table| t.get("example")?.get("band")?.as_str().map(|s| s.to_uppercase());
        crate::content::BUILTIN
            .iter()
            .filter_map(|(code, _)| {
                let pack = crate::content::Pack::builtin(code)?;
                let text = pack.table.get("text")?.as_table()?;
                Some((code.to_string(), band(text)?))
            })
            .collect()
    });
    if !c.example {
        return None;
    }
    let own = c.text.get("example").and_then(|e| e.get("band")).and_then(|b| b.as_str());
    own.map(str::to_uppercase)
        .or_else(|| BUILTIN.iter().find(|(code, _)| *code == c.locale).map(|(_, b)| b.clone()))
}

impl Expect {
    /// The values, phrases and limits of one job.
    pub fn new(c: &Campaign, layout: &Layout, village: Option<&Village>) -> Expect {
        let r = &layout.preflight;
        let (body_pt, label_pt) = r.minimums(crate::plan::raise(c, layout));
        let mut values = vec![value("hotline", &c.hotline.phone.to_string())];
        for (i, k) in c.contacts.iter().enumerate() {
            values.push(value(&format!("contacts.{i}"), &k.phone.to_string()));
        }
        for (i, ch) in c.channels.iter().enumerate() {
            values.push(value(&format!("channels.{i}"), &ch.display));
        }
        values.push(place("commune.name", &c.commune.name));
        // The phrases the plan keeps whole ([`crate::plan`]'s `Glue`): "Công
        // an xã" only where "Công an xã Tiên Trang" is short enough to glue;
        // a longer one ("Công an phường Nam Gia Nghĩa") breaks after "Công
        // an" by design, keeping "phường Nam Gia Nghĩa" whole.
        let mut phrases = vec![c.commune.full()];
        // The locale's compound words ([`crate::glue::Compounds`]).
        phrases.extend(crate::glue::Compounds::builtin(&c.locale).phrases());
        if crate::plan::glued(&format!("Công an {}", c.commune.full())) {
            phrases.push(format!("Công an {}", c.commune.kind));
        }
        if let Some(v) = village {
            values.push(value("village.officer.phone", &v.phone.to_string()));
            values.push(value("village.officer.name", &v.officer));
            values.push(place("village.name", &v.name));
            if !crate::plan::may_break(&v.full()) {
                phrases.push(v.full());
            }
        }
        // Longest first: a value found inside a longer one (113 inside a
        // hotline ending in 113) is that longer value, not a glued one.
        values.sort_by_key(|v| std::cmp::Reverse(v.forms[0].len()));
        values.retain(|v| !v.forms[0].is_empty());
        let phrases = phrases.into_iter().map(|p| (p.clone(), p.chars().collect())).collect();
        Expect {
            values,
            phrases,
            safe: r.safe_mm * MM,
            body_pt,
            label_pt,
            folds: r.folds_mm.iter().map(|xs| xs.iter().map(|x| x * MM).collect()).collect(),
            cells: r
                .cut
                .as_ref()
                .map(|cut| cells(cut, c.print.bleed_mm, (layout.width_mm, layout.height_mm)))
                .unwrap_or_default(),
            band: band_of(c),
            band_max: r.empty_band_mm * MM,
            blocks: Vec::new(),
            others: match village {
                Some(v) => format!("các {} khác trong {} đều có", v.kind, c.commune.kind),
                None => format!("mẫu này luôn in cho {}", c.commune.full()),
            },
            cards: r.cut.as_ref().map(|cut| {
                let cells = cells(cut, c.print.bleed_mm, (layout.width_mm, layout.height_mm));
                let b = c.print.bleed_mm * MM;
                cells.iter().fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |a, k| {
                    [a[0].min(k[0] - b), a[1].min(k[1] - b), a[2].max(k[2] + b), a[3].max(k[3] + b)]
                })
            }),
        }
    }

    /// The blocks the document must carry (rule 6):
    /// [`crate::plan::Planner::blocks`] of its job.
    pub fn carrying(mut self, blocks: Vec<crate::content::Block>) -> Expect {
        self.blocks = blocks.into_iter().map(blocks::Wanted::new).collect();
        self
    }
}

fn value(field: &str, text: &str) -> Value {
    let text = text.trim();
    let mut forms = vec![text.chars().collect::<Vec<_>>()];
    let upper: Vec<char> = text.to_uppercase().chars().collect();
    if upper != forms[0] {
        forms.push(upper);
    }
    Value { field: field.into(), forms, may_break: false }
}

/// A place name: may break between words when it is too long for a line.
fn place(field: &str, text: &str) -> Value {
    Value { may_break: crate::plan::may_break(text), ..value(field, text) }
}

/// One run of shaped text, placed on its page.
struct Run<'a> {
    page: usize,
    item: &'a TextItem,
    /// Page transform of the run's origin (baseline start).
    ts: Transform,
    /// Baseline start and end on the page, in pt.
    x0: f64,
    x1: f64,
    y: f64,
    /// Printed size (the item's size times the transform's scale).
    size: f64,
    /// Rotated or skewed: a line of its own.
    turned: bool,
}

/// Runs the preflight in `mode`: the warnings to report, or the failure
/// that keeps the file from being written.
pub fn apply(doc: &PagedDocument, expect: &Expect, mode: Mode) -> Result<Vec<String>, Failure> {
    if mode == Mode::Off {
        return Ok(Vec::new());
    }
    let (warnings, errors): (Vec<Problem>, Vec<Problem>) =
        check(doc, expect).into_iter().partition(|p| p.warning || mode == Mode::Warn);
    if !errors.is_empty() {
        return Err(Failure::Preflight(describe(&errors)));
    }
    Ok(warnings.iter().map(|p| format!("kiểm tra trước khi in: {p}")).collect())
}

/// Checks a document; findings in page order.
pub fn check(doc: &PagedDocument, expect: &Expect) -> Vec<Problem> {
    let mut runs = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        walk(&page.frame, Transform::identity(), i + 1, &mut runs);
    }
    // The sample band is no reader's text: no rule applies to it; but no
    // text may hide under its strip (from 1.2 em above its baseline to
    // 0.5 em below: the strip is 1.6 em high, its capitals centred).
    let mut strips = Vec::new();
    if let Some(band) = &expect.band {
        let is_band = |r: &Run| r.item.text.trim().to_uppercase() == *band;
        strips = runs
            .iter()
            .filter(|r| is_band(r))
            .map(|r| (r.page, r.y - 1.2 * r.size, r.y + 0.5 * r.size))
            .collect();
        runs.retain(|r| !is_band(r));
    }
    // A card sheet's slug (commune, village, side, sheet) lies in the sheet's
    // margin, off every card and its bleed: cut away, no reader's text.
    if let Some(k) = expect.cards {
        runs.retain(|r| {
            let c = coarse(r);
            c[0] < k[2] && c[2] > k[0] && c[1] < k[3] && c[3] > k[1]
        });
    }
    let stream = Stream::new(&runs);
    let mut out = Vec::new();
    for run in &runs {
        let c = coarse(run);
        let near = |&&(page, top, foot): &&(usize, f64, f64)| {
            page == run.page && c[1] < foot && c[3] > top
        };
        if let Some(&(_, top, foot)) = strips.iter().find(near)
            && ink(run).is_some_and(|i| i[1] < foot && i[3] > top)
        {
            out.push(Problem {
                page: run.page,
                field: excerpt(&run.item.text),
                message: "bị dải “mẫu” che mất".into(),
                warning: false,
            });
        }
    }
    values(&stream, &runs, expect, &mut out);
    for (i, page) in doc.pages().iter().enumerate() {
        let size = page.frame.size();
        let page_runs = runs.iter().filter(|r| r.page == i + 1);
        for run in page_runs {
            placement(run, (size.x.to_pt(), size.y.to_pt()), expect, &mut out);
        }
    }
    lines(&stream, &runs, expect, &mut out);
    bands::check(doc, expect, &mut out);
    blocks::check(&stream, &runs, expect, &mut out);
    out.sort_by_key(|p| p.page);
    // A card sheet repeats one card eight times: say each finding once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.to_string()));
    out
}

/// Collects the text runs of a frame, in frame order.
fn walk<'a>(frame: &'a Frame, ts: Transform, page: usize, out: &mut Vec<Run<'a>>) {
    for (pos, item) in frame.items() {
        let here = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(g) => walk(&g.frame, here.pre_concat(g.transform), page, out),
            FrameItem::Text(t) if t.text.chars().any(|c| !c.is_whitespace()) => {
                let start = Point::zero().transform(here);
                let end = Point::with_x(t.width()).transform(here);
                let scale =
                    (here.sx.get() * here.sy.get() - here.kx.get() * here.ky.get()).abs().sqrt();
                out.push(Run {
                    page,
                    item: t,
                    ts: here,
                    x0: start.x.to_pt(),
                    x1: end.x.to_pt(),
                    y: start.y.to_pt(),
                    size: t.size.to_pt() * scale,
                    turned: here.kx.get() != 0.0 || here.ky.get() != 0.0,
                });
            }
            _ => {}
        }
    }
}

/// The run's text, shortened for a message.
fn excerpt(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() <= 40 {
        format!("chữ “{t}”")
    } else {
        format!("chữ “{}…”", t.chars().take(39).collect::<String>())
    }
}

/// Millimetres for a message, with a decimal comma.
fn mm(pt: f64) -> String {
    format!("{:.1}", pt / MM).replace('.', ",")
}

/// Points for a message, with a decimal comma.
fn pt(v: f64) -> String {
    let s = format!("{:.1}", v);
    s.trim_end_matches(".0").replace('.', ",")
}
