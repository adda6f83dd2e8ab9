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
//! 5. **Warnings only:** a runt (the last line of a paragraph holding one
//!    short word), and a line break inside a fixed phrase ("xã Tiên
//!    Trang", "Công an xã", "trực ban", the village's full name) unless
//!    the phrase is wider than its paragraph at the minimum size.
//!
//! Cost: one walk over the frames; glyph outline boxes are read only for
//! runs whose coarse box (the font's global box) comes near a margin, fold
//! or cut; the values' characters are prepared once per document.

use std::fmt::Write as _;

use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::text::TextItem;
use typst_layout::PagedDocument;

use crate::campaign::{Campaign, Village};
use crate::layouts::{Cut, Layout};
use crate::render::Failure;

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
        phrases.extend(crate::plan::FIXED.iter().map(|p| p.to_string()));
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
            cards: r.cut.as_ref().map(|cut| {
                let cells = cells(cut, c.print.bleed_mm, (layout.width_mm, layout.height_mm));
                let b = c.print.bleed_mm * MM;
                cells.iter().fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |a, k| {
                    [a[0].min(k[0] - b), a[1].min(k[1] - b), a[2].max(k[2] + b), a[3].max(k[3] + b)]
                })
            }),
        }
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

/// The cards of a `sw` × `sh` mm sheet (left, top, right, bottom in pt):
/// `cols` × `rows` cards centred on the sheet, each with its own bleed, `gap_mm` between
/// neighbouring bleeds (the card-sheet layout's arithmetic).
fn cells(cut: &Cut, bleed_mm: f64, (sw, sh): (f64, f64)) -> Vec<[f64; 4]> {
    let (w, h, b, g) = (cut.width_mm, cut.height_mm, bleed_mm, cut.gap_mm);
    let (px, py) = (w + 2.0 * b + g, h + 2.0 * b + g);
    let x0 = (sw - f64::from(cut.cols) * px + g) / 2.0 + b;
    let y0 = (sh - f64::from(cut.rows) * py + g) / 2.0 + b;
    let mut out = Vec::new();
    for r in 0..cut.rows {
        for c in 0..cut.cols {
            let (x, y) = (x0 + f64::from(c) * px, y0 + f64::from(r) * py);
            out.push([x * MM, y * MM, (x + w) * MM, (y + h) * MM]);
        }
    }
    out
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

/// The text of all runs in reading order: runs of one line joined (with a
/// space where there is a gap), lines ended by `\n`. `run[i]` is the run
/// a character came from (`NONE` for the added separators).
struct Stream {
    chars: Vec<char>,
    run: Vec<usize>,
}

const NONE: usize = usize::MAX;

impl Stream {
    fn new(runs: &[Run]) -> Stream {
        let mut s = Stream { chars: Vec::new(), run: Vec::new() };
        for (i, r) in runs.iter().enumerate() {
            if let Some(prev) = i.checked_sub(1).map(|p| &runs[p]) {
                let small = r.size.min(prev.size);
                let gap = r.x0 - prev.x1;
                let same_line = !r.turned
                    && !prev.turned
                    && r.page == prev.page
                    && (r.y - prev.y).abs() <= 0.25 * r.size.max(prev.size)
                    && gap > -0.1 * small;
                if !same_line {
                    s.push('\n', NONE);
                } else if gap > GAP_EM * small {
                    s.push(' ', NONE);
                }
            }
            for c in r.item.text.chars() {
                s.push(c, i);
            }
        }
        s
    }

    fn push(&mut self, c: char, run: usize) {
        self.chars.push(c);
        self.run.push(run);
    }

    /// The run at or after position `i` (for the page of a finding).
    fn run_near(&self, i: usize) -> usize {
        self.run[i.min(self.run.len().saturating_sub(1))..]
            .iter()
            .chain(self.run[..i.min(self.run.len())].iter().rev())
            .copied()
            .find(|r| *r != NONE)
            .unwrap_or(0)
    }

    /// The printed text from `from` to `to`, no-break spaces shown as
    /// spaces (messages quote what a reader sees).
    fn text(&self, from: usize, to: usize) -> String {
        self.chars[from..to].iter().map(|&c| if c == '\u{a0}' { ' ' } else { c }).collect()
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() && c != '\n'
}

fn same(a: char, b: char, fold: bool) -> bool {
    a == b || (fold && a.to_lowercase().eq(b.to_lowercase()))
}

/// Where a match crossed a line end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    /// On one line.
    No,
    /// At a space between two words.
    Space,
    /// Inside a word or a number ("Tr-" / "ang", "02" / "37").
    Word,
}

/// Matches `pat` at `i`: any run of spaces in `pat` matches one or more
/// spaces or line ends; a word may continue over a line end (after a
/// hyphen or not). Returns the end and where a line end was crossed.
fn match_at(s: &[char], i: usize, pat: &[char], fold: bool) -> Option<(usize, Break)> {
    let (mut si, mut pi, mut broke) = (i, 0, Break::No);
    while pi < pat.len() {
        if is_space(pat[pi]) {
            let start = si;
            while si < s.len() && s[si].is_whitespace() {
                if s[si] == '\n' {
                    broke = broke.max(Break::Space);
                }
                si += 1;
            }
            if si == start {
                return None;
            }
            while pi < pat.len() && is_space(pat[pi]) {
                pi += 1;
            }
            continue;
        }
        let c = *s.get(si)?;
        if same(c, pat[pi], fold) {
            si += 1;
            pi += 1;
            continue;
        }
        // A break inside a word: "Tr-" / "ang" or "02" / "37".
        let mut k = si + usize::from(matches!(c, '-' | '\u{ad}' | '\u{2010}'));
        if pi > 0 && s.get(k) == Some(&'\n') {
            k += 1;
            while k < s.len() && is_space(s[k]) {
                k += 1;
            }
            if s.get(k).is_some_and(|&c| same(c, pat[pi], fold)) {
                broke = Break::Word;
                si = k;
                continue;
            }
        }
        return None;
    }
    Some((si, broke))
}

/// Every match of `pat` in the stream: (start, end, where it broke).
fn find_all(s: &[char], pat: &[char], fold: bool) -> Vec<(usize, usize, Break)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if same(s[i], pat[0], fold)
            && let Some((end, broke)) = match_at(s, i, pat, fold)
        {
            out.push((i, end, broke));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Whether neighbour `n` of the value's edge character `e` is glued to it.
fn glued(e: char, n: Option<char>, left: bool) -> Option<bool> {
    let n = n.filter(|n| n.is_alphanumeric())?;
    if e.is_numeric() || n.is_numeric() {
        return Some(true);
    }
    // Two letters: glued when a new word starts without a space
    // ("xãĐông", "BìnhThôn"); two capitals cannot tell ("ANH").
    let (first, second) = if left { (n, e) } else { (e, n) };
    Some(first.is_lowercase() && second.is_uppercase())
}

/// Rule 1: values whole, on one line, apart from their neighbours.
fn values(s: &Stream, runs: &[Run], expect: &Expect, out: &mut Vec<Problem>) {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let chars = &s.chars;
    for v in &expect.values {
        for form in &v.forms {
            // A one- or two-character value (tổ dân phố "1") also stands
            // inside numbers and words ("100–150"): its text says nothing.
            if form.len() < 3 {
                continue;
            }
            for (a, b, broke) in find_all(chars, form, false) {
                if taken.iter().any(|&(x, y)| a < y && x < b) {
                    continue;
                }
                let left = glued(chars[a], a.checked_sub(1).map(|i| chars[i]), true);
                let right = glued(chars[b - 1], chars.get(b).copied(), false);
                // Alphanumeric on both sides: a piece of a longer word.
                if left.is_some() && right.is_some() && broke == Break::No {
                    continue;
                }
                let broke = broke == Break::Word || (broke == Break::Space && !v.may_break);
                taken.push((a, b));
                let page = runs[s.run_near(a)].page;
                let shown = form.iter().collect::<String>();
                let message = if broke {
                    let text = s.text(a, b).replace('\n', " / ");
                    format!("“{shown}” bị ngắt xuống dòng (in ra “{text}”); phải nằm trọn một dòng")
                } else if left == Some(true) || right == Some(true) {
                    let from = a.saturating_sub(12);
                    let to = (b + 12).min(chars.len());
                    let text = s.text(from, to).replace('\n', " ");
                    format!(
                        "“{shown}” dính liền chữ bên cạnh (in ra “{}”); cần dấu cách",
                        text.trim()
                    )
                } else {
                    continue;
                };
                out.push(Problem { page, field: v.field.clone(), message, warning: false });
            }
        }
    }
}

/// A glyph-level box in page coordinates: (left, top, right, bottom).
type Rect = [f64; 4];

/// The box of `local` (left, top, right, bottom in the run's frame) on the page.
fn on_page(ts: Transform, local: Rect) -> Rect {
    let corners =
        [(local[0], local[1]), (local[2], local[1]), (local[0], local[3]), (local[2], local[3])];
    let mut r = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for (x, y) in corners {
        let p = Point::new(Abs::pt(x), Abs::pt(y)).transform(ts);
        let (x, y) = (p.x.to_pt(), p.y.to_pt());
        r = [r[0].min(x), r[1].min(y), r[2].max(x), r[3].max(y)];
    }
    r
}

/// A coarse box of the run: its advances, widened by the font's global box.
fn coarse(run: &Run) -> Rect {
    let item = run.item;
    let font = &item.font;
    let g = font.ttf().global_bounding_box();
    let size = item.size.to_pt();
    let em = |u: i16| font.to_em(u).get() * size;
    let width = item.width().to_pt();
    on_page(run.ts, [em(g.x_min).min(0.0), -em(g.y_max), width + em(g.x_max), -em(g.y_min)])
}

/// The run's ink: the union of its glyphs' outline boxes (None: no glyph
/// with an outline, spaces only). Accents stacked above a capital count.
fn ink(run: &Run) -> Option<Rect> {
    let item = run.item;
    let size = item.size.to_pt();
    let em = |u: i16| item.font.to_em(u).get() * size;
    let mut cursor = 0.0;
    let mut ink: Option<Rect> = None;
    for g in &item.glyphs {
        let x = cursor + g.x_offset.get() * size;
        let dy = g.y_offset.get() * size;
        cursor += g.x_advance.get() * size;
        let Some(b) = item.font.ttf().glyph_bounding_box(ttf_parser::GlyphId(g.id)) else {
            continue;
        };
        let local = [x + em(b.x_min), -dy - em(b.y_max), x + em(b.x_max), -dy - em(b.y_min)];
        let p = on_page(run.ts, local);
        ink = Some(match ink {
            None => p,
            Some(i) => [i[0].min(p[0]), i[1].min(p[1]), i[2].max(p[2]), i[3].max(p[3])],
        });
    }
    ink
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

/// Rules 2 and 3: margin, folds, cuts.
fn placement(run: &Run, (w, h): (f64, f64), e: &Expect, out: &mut Vec<Problem>) {
    let c = coarse(run);
    let near_edge =
        e.safe > 0.0 && (c[0] < e.safe || c[1] < e.safe || c[2] > w - e.safe || c[3] > h - e.safe);
    let folds = e.folds.get(run.page - 1).map(Vec::as_slice).unwrap_or(&[]);
    let near_fold = folds.iter().any(|&x| c[0] < x && x < c[2]);
    let cells = if e.cells.is_empty() { None } else { Some(&e.cells) };
    let near_cut = cells.is_some_and(|cs| !cs.iter().any(|k| inside(&c, k, e.safe)));
    if !(near_edge || near_fold || near_cut) {
        return;
    }
    let field = excerpt(&run.item.text);
    let mut push = |message: String| {
        out.push(Problem { page: run.page, field: field.clone(), message, warning: false })
    };
    // A run whose ink spans a fold or a cut line is folded or cut, even
    // where the line falls between two glyphs.
    let Some(ink) = ink(run) else { return };
    let edge = ink[0].min(ink[1]).min(w - ink[2]).min(h - ink[3]);
    let fold = folds.iter().find(|&&x| ink[0] < x && x < ink[2]).copied();
    let cut = cells.is_some_and(|cs| !cs.iter().any(|k| inside(&ink, k, e.safe)));
    if near_edge && edge < e.safe {
        let d = mm(edge.max(0.0));
        push(format!("cách mép xén {d} mm, phải cách ít nhất {} mm", mm(e.safe)));
    }
    if let Some(x) = fold {
        push(format!("nằm vắt qua nếp gấp ở {} mm", mm(x)));
    }
    if cut {
        push(format!(
            "không nằm gọn trong một thẻ, cách đường cắt ít nhất {} mm (sẽ bị cắt)",
            mm(e.safe)
        ));
    }
}

/// Whether `b` lies inside `cell` shrunk by `safe`.
fn inside(b: &Rect, cell: &Rect, safe: f64) -> bool {
    b[0] >= cell[0] + safe
        && b[1] >= cell[1] + safe
        && b[2] <= cell[2] - safe
        && b[3] <= cell[3] - safe
}

/// A rebuilt line: stream range, page, size, extent.
struct Line {
    from: usize,
    to: usize,
    page: usize,
    size: f64,
    y: f64,
    x0: f64,
    x1: f64,
}

/// Splits the stream into lines.
fn split_lines(s: &Stream, runs: &[Run]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut from = 0;
    for i in 0..=s.chars.len() {
        if i < s.chars.len() && s.chars[i] != '\n' {
            continue;
        }
        let ids: Vec<usize> = {
            let mut v: Vec<usize> = s.run[from..i].iter().copied().filter(|r| *r != NONE).collect();
            v.dedup();
            v
        };
        if let Some(&a) = ids.first() {
            let size = ids.iter().map(|&r| runs[r].size).fold(0.0, f64::max);
            let x0 = ids.iter().map(|&r| runs[r].x0).fold(f64::INFINITY, f64::min);
            let x1 = ids.iter().map(|&r| runs[r].x1).fold(f64::NEG_INFINITY, f64::max);
            out.push(Line { from, to: i, page: runs[a].page, size, y: runs[a].y, x0, x1 });
        }
        from = i + 1;
    }
    out
}

/// Whether `b` continues the paragraph of `a` (the line above).
fn continues(a: &Line, b: &Line) -> bool {
    let step = b.y - a.y;
    a.page == b.page
        && (a.size - b.size).abs() < 0.05
        && step > 0.9 * a.size
        && step < 2.0 * a.size
        && b.x0 < a.x1
        && a.x0 < b.x1
}

/// Rules 4 and 5: type sizes, runts, broken phrases.
fn lines(s: &Stream, runs: &[Run], e: &Expect, out: &mut Vec<Problem>) {
    let lines = split_lines(s, runs);
    let mut start = 0;
    for i in 0..lines.len() {
        let last = i + 1 == lines.len() || !continues(&lines[i], &lines[i + 1]);
        if last {
            paragraph(s, &lines[start..=i], e, out);
            start = i + 1;
        }
    }
    for r in runs {
        if r.size + 0.01 < e.label_pt && r.item.text.chars().any(char::is_alphanumeric) {
            out.push(Problem {
                page: r.page,
                field: excerpt(&r.item.text),
                message: format!(
                    "cỡ chữ {} pt, nhỏ hơn mức tối thiểu {} pt",
                    pt(r.size),
                    pt(e.label_pt)
                ),
                warning: false,
            });
        }
    }
}

/// Points for a message, with a decimal comma.
fn pt(v: f64) -> String {
    let s = format!("{:.1}", v);
    s.trim_end_matches(".0").replace('.', ",")
}

/// Body size, runt and phrase checks of one paragraph.
fn paragraph(s: &Stream, para: &[Line], e: &Expect, out: &mut Vec<Problem>) {
    let first = &para[0];
    let text = |l: &Line| s.text(l.from, l.to);
    if para.len() >= 2 && first.size + 0.01 < e.body_pt {
        out.push(Problem {
            page: first.page,
            field: excerpt(&text(first)),
            message: format!(
                "đoạn văn cỡ {} pt, nhỏ hơn cỡ chữ thân bài tối thiểu {} pt",
                pt(first.size),
                pt(e.body_pt)
            ),
            warning: false,
        });
    }
    let last = &para[para.len() - 1];
    let words: Vec<String> = text(last).split_whitespace().map(String::from).collect();
    if para.len() >= 2
        && words.len() == 1
        && words[0].chars().filter(|c| c.is_alphanumeric()).count() <= RUNT_CHARS
    {
        out.push(Problem {
            page: last.page,
            field: excerpt(&text(&para[para.len() - 2])),
            message: format!("dòng cuối chỉ còn một chữ “{}” (dòng mồ côi)", words[0]),
            warning: true,
        });
    }
    if para.len() < 2 {
        return;
    }
    let (from, to) = (first.from, last.to);
    let widest = para.iter().map(|l| l.x1 - l.x0).fold(0.0, f64::max);
    for (phrase, pat) in &e.phrases {
        for (a, b, broke) in find_all(&s.chars[from..to], pat, true) {
            // Wider than the paragraph even at the minimum size: may break.
            let per_char = widest / (last.to - last.from).max(1) as f64;
            let at_min = per_char * (b - a) as f64 * e.label_pt.max(1.0) / first.size;
            if broke != Break::No && at_min <= widest {
                out.push(Problem {
                    page: first.page,
                    field: format!("cụm “{phrase}”"),
                    message: "bị ngắt xuống dòng giữa cụm; nên giữ trên một dòng".into(),
                    warning: true,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn a_value_split_over_two_lines_is_found() {
        let s = chars("Gọi 0237 3868\n113 ngay");
        assert_eq!(find_all(&s, &chars("0237 3868 113"), false), vec![(4, 17, Break::Space)]);
        let s = chars("xã Tiên Tr-\nang");
        assert_eq!(find_all(&s, &chars("Tiên Trang"), false), vec![(3, 15, Break::Word)]);
        let s = chars("02\n37 3868");
        assert_eq!(find_all(&s, &chars("0237 3868"), false), vec![(0, 10, Break::Word)]);
        let s = chars("Công an xã");
        assert_eq!(find_all(&s, &chars("công an xã"), true).len(), 1);
    }

    #[test]
    fn glue_is_told_from_a_piece_of_a_word() {
        assert_eq!(glued('h', Some('0'), false), Some(true));
        assert_eq!(glued('0', Some('h'), true), Some(true));
        assert_eq!(glued('h', Some('T'), false), Some(true));
        assert_eq!(glued('A', Some('H'), true), Some(false));
        assert_eq!(glued('h', Some(' '), false), None);
        assert_eq!(glued('h', None, false), None);
    }

    #[test]
    fn card_cells_follow_the_card_sheet_arithmetic() {
        let cut = Cut { cols: 2, rows: 4, width_mm: 85.0, height_mm: 55.0, gap_mm: 4.0 };
        let cells = cells(&cut, 3.0, (210.0, 297.0));
        assert_eq!(cells.len(), 8);
        // (210 − 2 × 95 + 4) / 2 + 3 = 15 mm.
        assert!((cells[0][0] / MM - 15.0).abs() < 1e-9);
        assert!((cells[1][0] / MM - 110.0).abs() < 1e-9);
    }
}
