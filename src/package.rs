//! The print-shop package: what a print shop needs to print without calling back.
//!
//! After the per-village files exist, for each printed layout:
//! - `print/<layout>-all.pdf`: every village in village order, bleed kept;
//! - `print/<layout>-2up-a4.pdf` (A5 layouts): two leaflets per A4 sheet,
//!   duplex-correct: sheet k carries villages 2k and 2k+1; its back side
//!   swaps them, so each front backs onto its own back when the sheet is
//!   turned over its short edge;
//! - `print-order.csv`: file, layout, paper, sides, copies per village.
//!
//! The sheets are drawn by `layouts/impose.typ`, which places the finished
//! PDFs as vector images, so nothing is rendered twice.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Value, json};
use typst::foundations::Bytes;

use crate::batch::tool_version;
use crate::campaign::Campaign;
use crate::layouts::Layout;
use crate::output::{self, Entry, Manifest};
use crate::render::{self, PdfSettings};
use crate::world::{Base, file_id};

/// Documents placed in one combined file at most (keeps memory bounded).
pub const MAX_PER_FILE: usize = 1000;

/// One line of the print order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderLine {
    /// File relative to the output folder.
    pub file: String,
    /// Layout id.
    pub layout: String,
    /// Village (or commune).
    pub village: String,
    /// Paper (`a5`, `a4`, `5000x800mm`…).
    pub paper: String,
    /// 1 or 2 printed sides.
    pub sides: usize,
    /// Copies to print.
    pub copies: u64,
}

/// Copies of one document of `layout` for a village.
pub fn copies(layout: &Layout, c: &Campaign, village: Option<usize>) -> u64 {
    let spare = |n: u64| (n as f64 * (1.0 + c.print.spare_percent / 100.0)).ceil() as u64;
    let n = match (layout.copies.as_str(), village.map(|i| &c.villages[i])) {
        ("none", _) => 0,
        ("one", _) => 1,
        ("places", Some(v)) => u64::from(v.shops + v.public_places),
        ("households", Some(v)) => spare(u64::from(v.households)),
        ("households" | "places", None) => 1,
        _ => 1,
    };
    n.div_ceil(u64::from(layout.per_sheet.max(1)))
}

/// The print order for the files of a run.
pub fn order(
    c: &Campaign,
    layouts: &[Layout],
    entries: &[(Option<usize>, &Entry)],
) -> Vec<OrderLine> {
    let mut lines = Vec::new();
    for (village, entry) in entries {
        let Some(layout) = layouts.iter().find(|l| l.id == entry.layout) else { continue };
        if layout.copies == "none" {
            continue;
        }
        lines.push(OrderLine {
            file: entry.file.clone(),
            layout: layout.id.clone(),
            village: entry.village.clone(),
            paper: paper_name(layout),
            sides: layout.pages.min(2),
            copies: copies(layout, c, *village),
        });
    }
    lines
}

/// `a5`, or `5000x800mm` for custom sizes.
pub fn paper_name(l: &Layout) -> String {
    if l.paper == "custom" { format!("{}x{}mm", l.width_mm, l.height_mm) } else { l.paper.clone() }
}

/// Writes `print-order.csv`.
pub fn write_order(out: &Path, lines: &[OrderLine]) -> Result<(), String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = ["file", "layout", "village", "paper", "sides", "copies"];
    w.write_record(header).map_err(|e| e.to_string())?;
    for l in lines {
        w.write_record([
            l.file.as_str(),
            &l.layout,
            &l.village,
            &l.paper,
            &l.sides.to_string(),
            &l.copies.to_string(),
        ])
        .map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    output::write_atomic(&out.join("print-order.csv"), &bytes)
}

/// One source page placed on a sheet.
fn slot(src: &str, page: usize, x: f64, y: f64, l: &Layout, bleed: f64, clip: bool) -> Value {
    json!({
        "src": src, "page": page, "x_mm": x, "y_mm": y,
        "w_mm": l.width_mm, "h_mm": l.height_mm, "src_bleed_mm": bleed, "clip": clip,
    })
}

/// Imposition data for the combined file: each source page on its own sheet.
fn combined_data(l: &Layout, docs: usize, bleed: f64) -> Value {
    let sides: Vec<Value> = (0..docs)
        .flat_map(|d| (1..=l.pages).map(move |p| (d, p)))
        .map(|(d, p)| json!([slot(&src_path(d), p, 0.0, 0.0, l, bleed, false)]))
        .collect();
    json!({"sheet": {"width_mm": l.width_mm, "height_mm": l.height_mm, "bleed_mm": bleed},
           "sides": sides})
}

/// Imposition data for 2-up A4 landscape, duplex (turn over the short edge).
fn two_up_data(l: &Layout, docs: usize, bleed: f64) -> Value {
    let (sw, sh) = (297.0, 210.0);
    let left = (sw - 2.0 * l.width_mm) / 2.0;
    let top = (sh - l.height_mm) / 2.0;
    let right = left + l.width_mm;
    let mut sides = Vec::new();
    for pair in (0..docs).collect::<Vec<_>>().chunks(2) {
        for page in 1..=l.pages {
            // Odd pages: first doc left; even pages (backs): mirrored.
            let (a, b) = if page % 2 == 1 { (left, right) } else { (right, left) };
            let mut side = vec![slot(&src_path(pair[0]), page, a, top, l, bleed, true)];
            if let Some(d) = pair.get(1) {
                side.push(slot(&src_path(*d), page, b, top, l, bleed, true));
            }
            sides.push(Value::Array(side));
        }
    }
    json!({"sheet": {"width_mm": sw, "height_mm": sh, "bleed_mm": 0.0}, "sides": sides})
}

/// Fixed virtual path of the d-th document of a combined file.
fn src_path(d: usize) -> String {
    format!("/print/{d}.pdf")
}

/// A combined file to make.
struct Sheetwork {
    file: String,
    data: Value,
    pages: usize,
}

/// Builds the combined and imposed files of one layout. `docs` are the
/// per-village PDFs in village order, as (file, sha256) from the manifest.
/// Skips work whose inputs are unchanged; otherwise reads one part's PDFs
/// at a time, so memory does not grow with the number of villages.
pub fn build_layout(
    base: &Base,
    layout: &Layout,
    docs: &[(String, String)],
    bleed: f64,
    settings: &PdfSettings,
    out: &Path,
    previous: &HashMap<String, Entry>,
) -> Result<Vec<(Entry, bool)>, String> {
    let mut made = Vec::new();
    let parts = docs.chunks(MAX_PER_FILE).count();
    for (i, chunk) in docs.chunks(MAX_PER_FILE).enumerate() {
        let suffix = if parts > 1 { format!("-part{}", i + 1) } else { String::new() };
        let mut work = vec![Sheetwork {
            file: format!("print/{}-all{suffix}.pdf", layout.id),
            data: combined_data(layout, chunk.len(), bleed),
            pages: chunk.len() * layout.pages,
        }];
        if layout.impose.as_deref() == Some("2up-a4") {
            work.push(Sheetwork {
                file: format!("print/{}-2up-a4{suffix}.pdf", layout.id),
                data: two_up_data(layout, chunk.len(), bleed),
                pages: chunk.len().div_ceil(2) * layout.pages,
            });
        }
        let mut key = tool_version().into_bytes();
        key.extend_from_slice(
            crate::layouts::BUILTIN_FILES
                .iter()
                .find(|f| f.0 == "impose.typ")
                .map_or(&[][..], |f| f.1),
        );
        for (name, sha) in chunk {
            key.extend_from_slice(name.as_bytes());
            key.extend_from_slice(sha.as_bytes());
        }
        let mut pdfs: Option<Vec<Bytes>> = None;
        for w in work {
            let mut k = key.clone();
            k.extend_from_slice(w.data.to_string().as_bytes());
            let inputs = output::sha256(&k);
            if let Some(prev) = previous.get(&w.file)
                && prev.inputs == inputs
                && out.join(&w.file).is_file()
            {
                made.push((prev.clone(), false));
                continue;
            }
            if pdfs.is_none() {
                let read = |(name, _): &(String, String)| {
                    let path = out.join(name);
                    std::fs::read(&path).map(Bytes::new).map_err(|e| {
                        format!(
                            "không đọc được “{}” ({})",
                            path.display(),
                            crate::diag::io_error(&e)
                        )
                    })
                };
                pdfs = Some(chunk.iter().map(read).collect::<Result<_, _>>()?);
            }
            let extra = pdfs
                .iter()
                .flatten()
                .enumerate()
                .map(|(d, bytes)| (file_id(&src_path(d)), bytes.clone()))
                .collect();
            let data = serde_json::to_vec(&w.data).map_err(|e| e.to_string())?;
            let world = base.job_with("impose.typ", data, extra);
            let compiled =
                render::compile(&world, w.pages).map_err(|e| format!("{}: {e}", w.file))?;
            let mut s = settings.clone();
            s.ident = format!("{}/{}", settings.ident, w.file);
            let pdf = render::pdf(&compiled.doc, &s).map_err(|e| format!("{}: {e}", w.file))?;
            output::write_atomic(&out.join(&w.file), &pdf)?;
            let entry = Entry {
                file: w.file,
                layout: layout.id.clone(),
                village: String::new(),
                pages: w.pages,
                bytes: pdf.len() as u64,
                sha256: output::sha256(&pdf),
                inputs,
            };
            made.push((entry, true));
        }
    }
    Ok(made)
}

/// Adds package entries to the manifest (replacing older ones).
pub fn record(manifest: &mut Manifest, entries: &[(Entry, bool)]) {
    for (e, _) in entries {
        manifest.files.retain(|x| x.file != e.file);
        manifest.files.push(e.clone());
    }
}
