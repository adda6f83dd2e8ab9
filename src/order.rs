//! The print order and the papers that go with it, in a print shop's words:
//! `print-order.csv` (one row per file to print, the commune's and the
//! province's with the same Vietnamese columns), the one-page shop note
//! (`print/GHI-CHU-NHA-IN.pdf`, and the same words as plain text), and the
//! scaled proof of a document larger than a press sheet (the 5 m banner:
//! `print/banner-proof.pdf`, a proof to sign off, never an order line).
//!
//! The package's imposition (2-up sheets, combined files) lives in
//! [`crate::package`]; this module only names, counts and describes what it
//! made.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};
use typst::foundations::Bytes;

use crate::campaign::Campaign;
use crate::layouts::{Copies, Layout};
use crate::output::{self, SHOP_NOTE, SHOP_NOTE_PDF, is_paper};
use crate::render::{self, PdfSettings};
use crate::world::{Base, file_id};

/// One line of the print order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderLine {
    /// File relative to the output folder.
    pub file: String,
    /// Layout id.
    pub layout: String,
    /// Village (or commune).
    pub village: String,
    /// Paper (`a5`, `sra4`, `5000x800mm`…).
    pub paper: String,
    /// 1 or 2 printed sides.
    pub sides: usize,
    /// Copies to print (sheets, for an imposed file).
    pub copies: u64,
}

/// Copies of one document of `layout` for a village.
pub fn copies(layout: &Layout, c: &Campaign, village: Option<usize>) -> u64 {
    let spare = |n: u64| (n as f64 * (1.0 + c.print.spare_percent / 100.0)).ceil() as u64;
    let n = match (layout.copies, village.map(|i| &c.villages[i])) {
        (Copies::None, _) => 0,
        (Copies::One, _) => 1,
        // Spares on every item: a poster torn while it is put up is
        // replaced from the same print run.
        (Copies::Places, Some(v)) => spare(u64::from(v.shops + v.public_places)),
        (Copies::Households, Some(v)) => spare(u64::from(v.households)),
        (Copies::Households | Copies::Places, None) => 1,
    };
    n.div_ceil(u64::from(layout.per_sheet.max(1)))
}

/// `a5`, or `5000x800mm` for custom sizes.
pub fn paper_name(l: &Layout) -> String {
    if l.paper == "custom" { format!("{}x{}mm", l.width_mm, l.height_mm) } else { l.paper.clone() }
}

/// A document of the run that was not written (refused by the preflight,
/// too long for its box): listed in the order, with no file, so the shop
/// and the officer see what is missing from the package.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// Village (or commune).
    pub village: String,
    /// Layout id.
    pub layout: String,
    /// The pages concerned (`1, 2`), empty when the reason names none.
    pub pages: String,
    /// Why, on one line.
    pub why: String,
}

impl Refused {
    /// From a failed job of the run: (village, layout, reason).
    pub fn of((village, layout, why): &(String, String, String)) -> Refused {
        let mut pages: Vec<&str> = Vec::new();
        for line in why.lines() {
            let line = line.trim_start().trim_start_matches("- ");
            if let Some(rest) = line.strip_prefix("trang ")
                && let Some(n) = rest.split([',', ' ']).next().filter(|n| !n.is_empty())
                && n.bytes().all(|b| b.is_ascii_digit())
                && !pages.contains(&n)
            {
                pages.push(n);
            }
        }
        let why = why.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>();
        Refused {
            village: village.clone(),
            layout: layout.clone(),
            pages: pages.join(", "),
            why: why.join(" "),
        }
    }
}

/// How every two-sided job is turned, said once at the head of the note.
pub const DUPLEX: &str = "In hai mặt: mặt sau lật từ trái sang phải, đầu trang hai mặt cùng một \
     phía (tờ ngang lật cạnh ngắn, tờ dọc lật cạnh dài).";

/// The paper to buy, proofs included: sheets per paper and stock, each
/// sheet counted once (a copy of a poster is a sheet; a proof set is a
/// sheet per village), as “SRA4, couché 150 g/m²: 757 tờ”. A banner or a
/// card proof counts in pieces (“tấm”).
fn paper_totals(lines: &[OrderLine], layouts: &[Layout]) -> String {
    let mut by: Vec<(String, u64, &str)> = Vec::new();
    let mut named: Vec<&str> = lines
        .iter()
        .filter(|l| !l.file.starts_with("print/") || l.file.contains("-2up-"))
        .filter(|l| !is_commune(l, layouts))
        .map(|l| l.village.as_str())
        .collect();
    named.sort_unstable();
    named.dedup();
    let villages = named.len() as u64;
    for l in lines {
        let layout = layouts.iter().find(|x| x.id == l.layout);
        let [paper, stock, ..] = shop_terms(l, layout);
        // A proof set holds a page (pair) per village of the run (the
        // card's too, though its cards are ordered on their sheet).
        let per = if l.file.starts_with(&format!("print/{}-all", l.layout)) {
            villages.max(1)
        } else {
            1
        };
        // (A size never splits over two lines: “5000 × 800 mm” whole.)
        let sheet = paper.split(" (").next().unwrap_or("").replace(' ', "\u{a0}");
        // (A custom size is a piece, “tấm”: its sheet is its size.)
        let custom = sheet.starts_with(|c: char| c.is_ascii_digit());
        let key = format!("{sheet}, {stock}");
        let unit = if custom { "tấm" } else { "tờ" };
        // A document larger than an A3 sheet has its scaled proof, one A3.
        let scaled = layout.is_some_and(|x| x.width_mm.max(x.height_mm) > PROOF_MAX_MM);
        let mut add =
            |key: String, n: u64, unit: &'static str| match by.iter_mut().find(|b| b.0 == key) {
                Some(b) => b.1 += n,
                None => by.push((key, n, unit)),
            };
        add(key, l.copies * per, unit);
        if scaled {
            add(format!("A3, {PROOF_STOCK}"), 1, "tờ");
        }
    }
    let parts: Vec<String> = by.iter().map(|(k, n, u)| format!("{k}: {n}\u{a0}{u}")).collect();
    format!("Giấy cần mua (kể cả bản duyệt): {}.", parts.join("; "))
}

/// The columns of `print-order.csv`, in Vietnamese: the shop's words.
/// `khổ giấy` keeps the machine value (`sra4`, `a4`, `5000x800mm`) that the
/// page's summary and the province order read; `giấy (khổ mua)` names the
/// sheet as the shop buys it, with the trim size.
pub const ORDER_HEADER: [&str; 12] = [
    "tệp",
    "mẫu",
    "thôn",
    "khổ giấy",
    "số mặt",
    "số bản",
    "trang",
    "lý do không in",
    "giấy (khổ mua)",
    "loại giấy",
    "màu in",
    "gia công",
];

/// How a shop names a job: (sheet bought, stock, colours and duplex edge,
/// finishing). Full-bleed A4/A3 need the SR sheet (SRA4/SRA3) and trimming.
pub fn shop_terms(line: &OrderLine, layout: Option<&Layout>) -> [String; 4] {
    let Some(l) = layout else { return Default::default() };
    let trim = format!("{} × {} mm", mm(l.width_mm), mm(l.height_mm));
    let two_up = line.paper == "sra4" || line.paper == "sra3";
    let iso = l.paper.to_uppercase();
    let cut = l.preflight.cut.as_ref();
    // A card's proof set (a page per village at the card's size) is
    // printed at 100 % on A4: no shop sells 85 × 55 mm sheets.
    let card_proof = l.paper == "custom"
        && l.width_mm.max(l.height_mm) <= 150.0
        && line.file.starts_with(&format!("print/{}-all", l.id));
    let paper = if two_up {
        format!("{} (2 bản, xén còn {trim})", line.paper.to_uppercase())
    } else if card_proof {
        format!("A4 (in tỉ lệ 100 %, thẻ {trim} giữa tờ)")
    } else if l.paper == "custom" {
        trim.clone()
    } else if cut.is_some() {
        format!("{iso} ({trim})")
    } else {
        let sr = if l.paper == "a3" { "SRA3" } else { "SRA4" };
        format!("{sr} (xén còn {iso} {trim})")
    };
    // A card and its sheet on one stock: the card (a small custom size)
    // is proofed on what the sheet is printed on.
    let card = l.paper == "custom" && l.width_mm.max(l.height_mm) <= 150.0;
    let stock = if cut.is_some() || card {
        "couché 300 g/m², cán màng mờ hai mặt"
    } else if l.paper == "custom" && l.width_mm.max(l.height_mm) > 1000.0 {
        "bạt hiflex"
    } else {
        "couché 150 g/m²"
    };
    // The back is set for a turn about the page's vertical axis (left to
    // right, heads on one side) on every job and proof ([`DUPLEX`], said
    // once in the note): the short edge of a landscape sheet (2-up SRA4:
    // both A5 copies upright side by side, so head to head; trifold,
    // card), the long edge of a portrait one (card sheet, A5 page). Each
    // job names its sheet's way with its edge, so the two edges never read
    // as two rules.
    let colours = match (line.sides, two_up || l.width_mm > l.height_mm) {
        (1, _) => "4 màu một mặt".to_string(),
        (_, true) => "4 màu hai mặt, tờ ngang: lật cạnh ngắn".to_string(),
        (_, false) => "4 màu hai mặt, tờ dọc: lật cạnh dài".to_string(),
    };
    let mut finishing = Vec::new();
    if two_up {
        finishing.push("cắt đôi".to_string());
    }
    match cut {
        Some(c) => finishing.push(format!(
            "cắt {} thẻ {} × {} mm",
            c.cols * c.rows,
            mm(c.width_mm),
            mm(c.height_mm)
        )),
        // The hem folds inside the layout's safe margin (no words there),
        // so the size ordered is the size hung.
        // (The whole hem and eyelet spec under the note's table.)
        None if l.paper == "custom" && stock == "bạt hiflex" => finishing
            .push(format!("may viền {} mm, đóng khoen cách 50 cm", mm(l.preflight.safe_mm))),
        None => finishing.push("xén".into()),
    }
    if let Some(folds) = l.preflight.folds_mm.first().filter(|f| !f.is_empty()) {
        finishing.push(format!("gấp {}", folds.len() + 1));
    }
    [paper, stock.into(), colours, finishing.join(", ")]
}

/// One row of `print-order.csv` ([`ORDER_HEADER`]'s columns) for a job.
fn job_record(l: &OrderLine, layouts: &[Layout]) -> [String; 12] {
    let [paper, stock, colours, finishing] =
        shop_terms(l, layouts.iter().find(|x| x.id == l.layout));
    [
        l.file.clone(),
        l.layout.clone(),
        l.village.clone(),
        l.paper.clone(),
        l.sides.to_string(),
        l.copies.to_string(),
        String::new(),
        String::new(),
        paper,
        stock,
        colours,
        finishing,
    ]
}

/// One row of `print-order.csv` for a refused document: no file, 0 copies,
/// the pages and why.
fn refused_record(r: &Refused) -> [String; 12] {
    let mut row: [String; 12] = Default::default();
    row[1] = r.layout.clone();
    row[2] = r.village.clone();
    row[5] = "0".into();
    row[6] = r.pages.clone();
    row[7] = r.why.clone();
    row
}

/// Writes `print-order.csv`: the jobs, then the refused documents (no file,
/// 0 copies, the pages and why).
pub fn write_order(
    out: &Path,
    lines: &[OrderLine],
    refused: &[Refused],
    layouts: &[Layout],
) -> Result<(), String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(ORDER_HEADER).map_err(|e| e.to_string())?;
    for l in lines {
        w.write_record(job_record(l, layouts)).map_err(|e| e.to_string())?;
    }
    for r in refused {
        w.write_record(refused_record(r)).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    Ok(output::write_atomic(&out.join(crate::output::ORDER), &bytes)?)
}

/// One commune's part of a province's order.
pub struct CommuneOrder<'a> {
    /// `xã Tiên Trang`.
    pub full: &'a str,
    /// Its folder under the province's.
    pub slug: &'a str,
    /// Its print order.
    pub lines: &'a [OrderLine],
    /// Its refused documents.
    pub refused: Vec<Refused>,
    /// The layouts of its run.
    pub layouts: &'a [Layout],
}

/// The province's `print-order.csv`: every commune's order with the
/// commune's columns ([`ORDER_HEADER`]) after a first column naming the
/// commune, its files relative to the province folder.
pub fn write_province_order(path: &Path, communes: &[CommuneOrder]) -> Result<(), String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["xã, phường"];
    header.extend(ORDER_HEADER);
    w.write_record(&header).map_err(|e| e.to_string())?;
    for c in communes {
        let rows = c.lines.iter().map(|l| {
            let mut row = job_record(l, c.layouts);
            row[0] = format!("{}/{}", c.slug, row[0]);
            row
        });
        for row in rows.chain(c.refused.iter().map(refused_record)) {
            let mut record = vec![c.full.to_string()];
            record.extend(row);
            w.write_record(&record).map_err(|e| e.to_string())?;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    Ok(output::write_atomic(path, &bytes)?)
}

/// Writes [`SHOP_NOTE`]: every job of the order with its copies, paper,
/// stock, colours and duplex edge, and finishing; the refused documents;
/// the totals by sheet bought (copies as in `số bản`: sheets of an imposed
/// file, whole files of a proof set).
pub fn write_note(
    out: &Path,
    commune: &str,
    lines: &[OrderLine],
    refused: &[Refused],
    layouts: &[Layout],
) -> Result<(), String> {
    let mut t = format!("GHI CHÚ CHO NHÀ IN — {commune}\n\n");
    t.push_str(
        "Mỗi dòng là một việc in (số liệu như trong print-order.csv). Mọi tệp đã có \
                tràn lề; dấu cắt (tờ in 2 bản, tờ in thẻ) in màu chồng (cả 4 màu). Chữ in nhỏ \
                ngoài khổ ghi nơi nhận, mặt và số thứ tự bộ: xén bỏ.\n",
    );
    t.push_str(DUPLEX);
    t.push_str("\n\n");
    let mut by_sheet: BTreeMap<(String, &str), u64> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        let layout = layouts.iter().find(|x| x.id == l.layout);
        let [paper, stock, colours, finishing] = shop_terms(l, layout);
        let unit = unit_of(l, layout);
        t.push_str(&format!(
            "{}. {} — {} ({}): {} {unit}, giấy {paper}, {stock}, {colours}; gia công: {finishing}.\n",
            i + 1,
            l.file,
            l.village,
            l.layout,
            l.copies
        ));
        *by_sheet.entry((paper.split(" (").next().unwrap_or("").to_string(), unit)).or_default() +=
            l.copies;
    }
    if !refused.is_empty() {
        t.push_str("\nKHÔNG IN (chưa đạt, xem cột “lý do không in”):\n");
        for r in refused {
            t.push_str(&format!("- {} ({})\n", r.village, r.layout));
        }
    }
    // (The paper per sheet and stock follows: no second list by unit.)
    t.push_str(&format!(
        "\nTổng cộng: {} việc in, {}.\n{}\n",
        lines.len(),
        units_total(&by_sheet),
        paper_totals(lines, layouts)
    ));
    Ok(output::write_atomic(&out.join(SHOP_NOTE), t.as_bytes())?)
}

/// What a line's copies count: sheets (“tờ”) of an imposed file (2-up,
/// card sheet), copies (“bản”) of anything else, proof sets included.
fn unit_of(l: &OrderLine, layout: Option<&Layout>) -> &'static str {
    let proof = l.file.starts_with(&format!("print/{}-all", l.layout));
    if !proof && (l.paper == "sra4" || layout.is_some_and(|x| x.per_sheet > 1)) {
        "tờ"
    } else {
        "bản"
    }
}

/// The totals by unit, never added together: “1391 tờ và 40 bản”.
fn units_total(by: &BTreeMap<(String, &str), u64>) -> String {
    let mut counted = Vec::new();
    for unit in ["tờ", "bản"] {
        let n: u64 = by.iter().filter(|((_, u), _)| *u == unit).map(|(_, n)| n).sum();
        if n > 0 {
            counted.push(format!("{n} {unit}"));
        }
    }
    counted.join(" và ")
}

/// Villages listed one per row in the note's table at most: beyond, the
/// page would not hold them, and the note sends the shop to the order.
const NOTE_ROWS: usize = 64;

/// The stock a scaled proof (A3) is printed on.
const PROOF_STOCK: &str = "couché 150 g/m²";

/// Largest side (mm) a document is printed at as its own proof: an A3
/// sheet. A larger document (the 5 m banner) gets a scaled proof instead.
const PROOF_MAX_MM: f64 = 420.0;

/// Scales a scaled proof may take (1 : n), the largest first chosen that
/// fits: round numbers a reader can multiply.
const PROOF_SCALES: [u32; 9] = [2, 4, 5, 10, 15, 20, 25, 50, 100];

/// Writes the order's papers: `print-order.csv`, the shop note (text and
/// PDF) and a scaled proof of each document larger than [`PROOF_MAX_MM`].
/// Returns the files written under `print/` (the manifest's `also` list,
/// beside the order itself).
pub fn write_all(
    base: &Base,
    c: &Campaign,
    layouts: &[Layout],
    out: &Path,
    order: &[OrderLine],
    refused: &[Refused],
    settings: &PdfSettings,
) -> Result<Vec<String>, String> {
    write_order(out, order, refused, layouts)?;
    let commune = crate::text::capitalize(&c.commune.full());
    write_note(out, &commune, order, refused, layouts)?;
    let mut written = vec![SHOP_NOTE.to_string()];
    let proofs = scaled_proofs(base, c, layouts, out, order, settings)?;
    let data = note_data(c, &commune, order, refused, layouts, &proofs);
    render_with(base, "shop-note.typ", &data, Vec::new(), &settings.ident, c, out, SHOP_NOTE_PDF)?;
    written.push(SHOP_NOTE_PDF.to_string());
    written.extend(proofs.into_iter().map(|p| p.0));
    Ok(written)
}

/// The `also` list of a manifest after [`write_all`]: the order's papers of
/// an earlier run that this run did not write again go (a proof of a banner
/// taken off the campaign is not left for the shop), the new ones are added.
pub fn papers_listed(out: &Path, also: Vec<String>, papers: Vec<String>) -> Vec<String> {
    let (old, mut kept): (Vec<String>, Vec<String>) =
        also.into_iter().partition(|f| is_paper(f) && !papers.contains(f));
    output::remove_stale(out, old.iter());
    kept.extend(papers);
    kept
}

/// Compiles `layout` (one page) with `data` (and `extra` files it reads)
/// and writes it to `file`.
#[allow(clippy::too_many_arguments)] // two callers, each names what it gives
fn render_with(
    base: &Base,
    layout: &str,
    data: &Value,
    extra: Vec<(typst::syntax::FileId, Bytes)>,
    ident: &str,
    c: &Campaign,
    out: &Path,
    file: &str,
) -> Result<(), String> {
    let bytes = serde_json::to_vec(data).map_err(|e| e.to_string())?;
    let world = base.job_with(layout, bytes, extra);
    let compiled = render::compile(&world, 1).map_err(|e| format!("{file}: {e}"))?;
    let settings = PdfSettings { ident: format!("{ident}/{file}"), date: c.date };
    let pdf = render::pdf(&compiled.doc, &settings).map_err(|e| format!("{file}: {e}"))?;
    Ok(output::write_atomic(&output::place(out, file)?, &pdf)?)
}

/// Sizes in mm with a decimal comma: `5000`, `127,5`.
fn mm(v: f64) -> String {
    format!("{}", (v * 10.0).round() / 10.0).replace('.', ",")
}

/// Where the banner's scaled proof cuts it in two, of its width: the edge of
/// its red column (banner.typ `B.left`), where no word is.
const BANNER_SPLIT: f64 = 0.6;

/// The banner's eyelets apart (mm), along its top and foot edges.
const EYELET_MM: f64 = 500.0;

/// The scaled proof of every ordered document larger than an A3 sheet
/// (`print/<layout>-proof.pdf`, on A3 landscape): the whole at 1 : n and,
/// larger, in two halves, so that the commune reads and signs off every
/// word before the shop prints it full size. Returns (file, scale, source).
fn scaled_proofs(
    base: &Base,
    c: &Campaign,
    layouts: &[Layout],
    out: &Path,
    order: &[OrderLine],
    settings: &PdfSettings,
) -> Result<Vec<(String, u32, String)>, String> {
    // The room on an A3 landscape sheet inside 15 mm margins.
    const WIDTH: f64 = 390.0;
    let mut made = Vec::new();
    for line in order {
        let Some(l) = layouts.iter().find(|l| l.id == line.layout) else { continue };
        if l.width_mm.max(l.height_mm) <= PROOF_MAX_MM {
            continue;
        }
        let fits =
            |n: u32| l.width_mm / f64::from(n) <= WIDTH && l.height_mm / f64::from(n) <= 80.0;
        let whole = PROOF_SCALES.into_iter().find(|&n| fits(n)).unwrap_or(1000);
        // The two parts larger than the whole, if the larger fits the width.
        // They meet where the banner's red column meets its yellow panel
        // (banner.typ `B.left`): no word is cut there (cut at the middle,
        // the proof cut through the hotline's digits).
        let split = l.width_mm * BANNER_SPLIT;
        let half = PROOF_SCALES
            .into_iter()
            .find(|&n| {
                split.max(l.width_mm - split) / f64::from(n) <= WIDTH
                    && l.height_mm / f64::from(n) <= 110.0
            })
            .unwrap_or(whole);
        let file = format!("print/{}-proof.pdf", l.id);
        let pdf = std::fs::read(out.join(&line.file))
            .map_err(|e| format!("không đọc được `{}` ({e})", out.join(&line.file).display()))?;
        let data = json!({
            "title": format!("BẢN DUYỆT THU NHỎ — {} — KHÔNG IN KHỔ NÀY", l.title),
            "lines": [
                format!("{} · tệp in khổ thật: {} ({} × {} mm, {} bản theo print-order.csv).",
                    crate::text::capitalize(&c.commune.full()), line.file, mm(l.width_mm),
                    mm(l.height_mm), line.copies),
                "Bản duyệt: in khổ A3, tỉ lệ 100% (không thu phóng, không chọn “vừa trang”).".to_string(),
                format!(
                    "{} đọc kỹ từng chữ, từng số trên bản này, ký duyệt, rồi nhà in mới in khổ thật.",
                    crate::text::capitalize(&c.commune.kind)
                ),
            ],
            "whole": { "scale": whole, "label": format!("Toàn bộ, tỉ lệ 1:{whole}") },
            "halves": if half < whole {
                json!({ "scale": half, "split_mm": split, "labels": [
                    format!("Phần trái (0–{} mm), tỉ lệ 1:{half}", mm(split)),
                    format!("Phần phải ({}–{} mm), tỉ lệ 1:{half}", mm(split), mm(l.width_mm))] })
            } else { Value::Null },
            // The hem and eyelets as the shop note states them (`hems`).
            "hem_mm": l.preflight.safe_mm,
            "eyelet_mm": EYELET_MM,
            "legend": format!(
                "Nét đứt: mép gập may viền {} mm · chấm tròn: khoen ở 4 góc và cách nhau {} cm \
                 dọc cạnh trên, cạnh dưới",
                mm(l.preflight.safe_mm), mm(EYELET_MM / 10.0)),
            "w_mm": l.width_mm,
            "h_mm": l.height_mm,
            "signature": "Người duyệt (ký, ghi rõ họ tên, ngày):",
        });
        let extra = vec![(file_id("/print/0.pdf"), Bytes::new(pdf))];
        render_with(base, "scaled-proof.typ", &data, extra, &settings.ident, c, out, &file)?;
        made.push((file, whole, line.file.clone()));
    }
    Ok(made)
}

/// The shop note's data for `shop-note.typ`: the jobs, one per layout (its
/// village files, or the commune's one file), each with the paper as the
/// shop buys it, stock, colours and duplex edge, finishing, spares and
/// total; every village's copies in one table; the proof sets, one line
/// each; the refused documents; the totals by sheet bought.
fn note_data(
    c: &Campaign,
    commune: &str,
    order: &[OrderLine],
    refused: &[Refused],
    layouts: &[Layout],
    proofs: &[(String, u32, String)],
) -> Value {
    let layout_of = |l: &OrderLine| layouts.iter().find(|x| x.id == l.layout);
    let is_proof = |l: &OrderLine| l.file.starts_with(&format!("print/{}-all", l.layout));
    // The layout's name as a shop says it: its title without the audience.
    let name = |l: &OrderLine| {
        layout_of(l).map_or_else(
            || l.layout.clone(),
            |x| x.title.split(" cho ").next().unwrap_or(&x.title).to_string(),
        )
    };
    let mut jobs: Vec<(String, Vec<&OrderLine>)> = Vec::new();
    for l in order.iter().filter(|l| !is_proof(l)) {
        match jobs.iter_mut().find(|j| j.0 == l.layout) {
            Some(j) => j.1.push(l),
            None => jobs.push((l.layout.clone(), vec![l])),
        }
    }
    // Per paper and unit: sheets (“tờ”, imposed) and copies (“bản”) are
    // never added together.
    let mut by_sheet: BTreeMap<(String, &str), u64> = BTreeMap::new();
    let mut count = |terms: &[String; 4], n: u64, unit: &'static str| {
        let paper = terms[0].split(" (").next().unwrap_or("").to_string();
        *by_sheet.entry((paper, unit)).or_default() += n;
    };
    let mut rows = Vec::new();
    let mut columns = Vec::new();
    // The files that carry crop marks: imposed sheets and card sheets
    // always; every file when the campaign asks for marks.
    let mut marked: Vec<String> = Vec::new();
    let mut hems: Vec<String> = Vec::new();
    for (n, (_, lines)) in jobs.iter().enumerate() {
        let first = lines[0];
        let layout = layout_of(first);
        let terms = shop_terms(first, layout);
        let total: u64 = lines.iter().map(|l| l.copies).sum();
        let unit = unit_of(first, layout);
        count(&terms, total, unit);
        let folder = first.file.rsplit_once('/').map_or("", |(d, _)| d);
        let files = if is_commune(first, layouts) {
            lines.iter().map(|l| l.file.clone()).collect::<Vec<_>>().join(", ")
        } else {
            columns.push((n + 1, lines.clone()));
            format!("{folder}/ ({} tệp, số {unit}: bảng dưới)", lines.len())
        };
        let cut = layout.and_then(|l| l.preflight.cut.as_ref());
        if first.paper == "sra4" || first.paper == "sra3" || cut.is_some() {
            marked.push(format!("{folder}/"));
        }
        let spares = match layout.map(|l| l.copies) {
            Some(Copies::Households | Copies::Places) => {
                // (“5 %” never split over two lines.)
                format!("đã cộng {}\u{a0}%", mm(c.print.spare_percent))
            }
            _ => "không".to_string(),
        };
        // What the sheets make, so that “tờ” is never read as leaflets.
        let pieces = match cut {
            Some(cut) => format!("= {} thẻ", total * u64::from(cut.cols * cut.rows)),
            None if unit == "tờ" => format!("= {} tờ rơi", total * 2),
            None => String::new(),
        };
        if let Some(l) = layout.filter(|_| terms[1] == "bạt hiflex") {
            hems.push(glue(&format!(
                "{} (việc {}): {} × {} mm là khổ thành phẩm, đã gồm viền: gập mép {} mm vào \
                 trong (phần lề không có chữ) may viền bốn cạnh; khoen ở 4 góc và cách nhau \
                 {} cm dọc cạnh trên, cạnh dưới.",
                name(first),
                n + 1,
                mm(l.width_mm),
                mm(l.height_mm),
                mm(l.preflight.safe_mm),
                mm(EYELET_MM / 10.0)
            )));
        }
        let [paper, stock, colours, finishing] = terms;
        rows.push(json!({
            "no": n + 1, "what": name(first), "files": files, "paper": glue(&paper),
            "stock": stock, "colours": colours, "finishing": glue(&finishing), "spares": spares,
            "total": format!("{total} {unit}"), "pieces": pieces,
        }));
    }
    // The proof sets: printed first, one copy each, as their layout's job;
    // then the scaled proofs of what is larger than an A3 sheet.
    let mut proof_lines: Vec<String> = order
        .iter()
        .filter(|l| is_proof(l))
        .map(|l| {
            let [paper, stock, colours, finishing] = shop_terms(l, layout_of(l));
            glue(&format!(
                "{} — {}: {} bản, {paper}, {stock}, {colours}, {finishing}",
                l.file,
                name(l),
                l.copies
            ))
        })
        .collect();
    for (file, scale, source) in proofs {
        let of = order.iter().find(|l| &l.file == source).map_or_else(String::new, &name);
        proof_lines.push(glue(&format!(
            "{file} — {of}, bản duyệt thu nhỏ 1:{scale}: 1 bản, A3 (297 × 420 mm) in tỉ lệ \
             100 %, {PROOF_STOCK}, 4 màu một mặt"
        )));
    }
    if c.print.marks {
        marked = vec!["mọi tệp".to_string()];
    }
    // One row per village: its files' copies, one column per job of village files.
    let mut villages: Vec<(String, Vec<String>)> = Vec::new();
    for (i, (_, lines)) in columns.iter().enumerate() {
        for l in lines {
            let stem = l.file.rsplit('/').next().unwrap_or(&l.file).trim_end_matches(".pdf");
            let at = match villages.iter().position(|v| v.0 == stem) {
                Some(at) => at,
                None => {
                    villages.push((stem.to_string(), vec![String::new(); columns.len()]));
                    villages.len() - 1
                }
            };
            villages[at].1[i] = l.copies.to_string();
        }
    }
    let listed = villages.len() <= NOTE_ROWS;
    let counted = units_total(&by_sheet);
    // The villages and the commune in their own words: a phường's note
    // says “tổ dân phố”, never “thôn”.
    let village = c
        .villages
        .first()
        .map(|v| v.kind.to_lowercase())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "thôn".into());
    let commune_kind = c.commune.kind.to_lowercase();
    let proof_files = order.iter().filter(|l| is_proof(l)).count() + proofs.len();
    let marks = if marked.is_empty() {
        "Không tệp nào có dấu cắt: xén theo khổ thành phẩm.".to_string()
    } else if c.print.marks {
        "Mọi tệp có dấu cắt (in màu chồng, cả 4 màu).".to_string()
    } else {
        format!(
            "Có dấu cắt (in màu chồng, cả 4 màu): {}. Các tệp khác không có dấu cắt: xén theo khổ thành phẩm.",
            marked.join(", ")
        )
    };
    json!({
        "title": format!("GHI CHÚ CHO NHÀ IN — {commune}"),
        "example": c.example,
        "intro": [
            format!("Mọi tệp đã có tràn lề 3\u{a0}mm quanh khổ thành phẩm. {marks} \
             Dòng chữ nhỏ ngoài khổ ({commune_kind}, {village}, mẫu, mặt, số thứ tự “bộ 3/12”) \
             để phân biệt các chồng giấy: xén bỏ."),
            DUPLEX.to_string(),
            format!(
                "In bản duyệt trước; {commune_kind} ký duyệt rồi mới in số lượng. Số liệu đầy đủ: print-order.csv."
            ),
        ],
        "jobs_title": "Các việc in",
        "heads": ["", "Việc in, tệp", "Giấy (khổ mua)", "Loại giấy", "Màu in, lật mặt", "Gia công", "Dự phòng", "Số lượng"],
        "jobs": rows,
        "after_jobs": hems,
        // (“địa bàn”: one commune's rows mix thôn, khu phố, buôn…)
        "proofs_title": "Bản duyệt: in trước, mỗi tệp 1 bản (mỗi địa bàn một trang)",
        "proofs": proof_lines,
        "villages_title": if listed {
            "Số tờ, số bản từng địa bàn (tên tệp .pdf, theo việc in)".to_string()
        } else {
            "Số tờ, số bản từng địa bàn: xem cột “số bản” trong print-order.csv".to_string()
        },
        "village_heads": columns.iter().map(|(n, _)| format!("Việc {n}")).collect::<Vec<_>>(),
        "villages": if listed {
            villages.iter().map(|(s, v)| json!([s, v])).collect::<Vec<_>>()
        } else {
            Vec::new()
        },
        "refused_title": "KHÔNG IN (chưa đạt, xem cột “lý do không in” của print-order.csv)",
        "refused": refused.iter().map(|r| format!("{} — {}", r.village, r.layout)).collect::<Vec<_>>(),
        "totals": format!(
            "Tổng cộng, không kể bản duyệt: {} việc in, {} tệp, {}. Bản duyệt: {proof_files} tệp, mỗi tệp 1 bản.",
            jobs.len(),
            order.len() - order.iter().filter(|l| is_proof(l)).count(),
            counted,
        ),
        "paper": glue(&paper_totals(order, layouts)),
        "contact": [
            "Người đặt in, điện thoại:",
            "Ngày giao, nơi giao:",
        ],
    })
}

/// A size, a percentage or a weight never split over two lines in the
/// note: no-break spaces around “×” and before “mm”, “%”, “g/m²”.
fn glue(s: &str) -> String {
    s.replace(" × ", "\u{a0}×\u{a0}")
        .replace(" mm", "\u{a0}mm")
        .replace(" %", "\u{a0}%")
        .replace(" g/m²", "\u{a0}g/m²")
}

/// Whether the line is a commune's one document (the banner).
fn is_commune(l: &OrderLine, layouts: &[Layout]) -> bool {
    layouts
        .iter()
        .find(|x| x.id == l.layout)
        .is_some_and(|x| x.scope == crate::layouts::Scope::Commune)
}
