//! The print-shop package: what a print shop needs to print without calling back.
//!
//! After the per-village files exist, for each printed layout:
//! - `print/<layout>-2up-sra4/<village>.pdf` (layouts with `impose = "2up-a4"`):
//!   the village's leaflet twice on one SRA4 sheet (step and repeat), front
//!   and back, each copy with its own bleed and crop marks in the margin. One
//!   file per village, because each village needs its own count: the shop
//!   prints each file ⌈n/2⌉ times, duplex, and cuts. No page ranges to type,
//!   so no village's leaflet can go out with another village's officer.
//! - `print/<layout>-all.pdf`: every village once, in village order, bleed
//!   and marks as built: the proof set the commune signs off.
//! - `print-order.csv`: one row per file to print, with its paper and copies.
//!
//! Nothing here holds more than one village's files at a time: the 2-up
//! sheets are made one village per job on the render lanes, and the combined
//! file is copied page by page into a file on disk ([`crate::pdfcat::PdfCat`]), so memory
//! does not grow with the villages.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use typst::foundations::Bytes;

use crate::batch::tool_version;
use crate::campaign::Campaign;
use crate::layouts::{Copies, Impose, Layout};
// The order's types and writers live in `order`; re-exported here, where
// the package's callers have always found them.
pub use crate::order::{OrderLine, Refused, copies, paper_name};
use crate::output::{self, Entry, Manifest};
use crate::pdfcat::PdfCat;
use crate::plan::Job;
use crate::render::{self, PdfSettings};
use crate::world::{Base, file_id};

/// Documents placed in one combined file at most: a 2,000-page file is
/// about as much as a print shop's RIP takes in one job.
pub const MAX_PER_FILE: usize = 1000;

/// SRA4 landscape (mm): the smallest press sheet that holds two A5 with
/// bleed and crop marks.
const SRA4: (f64, f64) = (320.0, 225.0);

/// SRA3 landscape (mm), for a bleed too large for SRA4.
const SRA3: (f64, f64) = (450.0, 320.0);

/// Shortest crop mark (mm) the sheet must leave room for beyond the bleed.
const MARK_MIN: f64 = 3.0;

/// Nothing printed nearer the paper's edge (mm): presses leave it blank.
const EDGE_CLEAR: f64 = 3.0;

/// `village` column of the combined files' rows.
const ALL_VILLAGES: &str = "tất cả các thôn, mỗi thôn 1 bản (bản duyệt)";

/// One village's document of a layout, as the run made it.
struct Doc<'a> {
    village: Option<usize>,
    entry: &'a Entry,
}

/// Writes the print-shop package of a run and adds it to the manifest:
/// returns the print order and how many package files were written anew.
/// `failed` are the run's failed jobs (village, layout, reason): their
/// documents are left out of the package (a file of an earlier run is not
/// sent) and listed in the order as refused; every other document is
/// packaged.
pub fn make(
    base: &Base,
    c: &Campaign,
    layouts: &[Layout],
    jobs: &[Job],
    out: &Path,
    manifest_path: &Path,
    failed: &[(String, String, String)],
) -> Result<(Vec<OrderLine>, usize), String> {
    let mut manifest = Manifest::read(manifest_path);
    // The manifest's entries by file, moved (not copied): one entry per
    // file is held, however many villages there are.
    let mut by_file: HashMap<String, Entry> =
        std::mem::take(&mut manifest.files).into_iter().map(|e| (e.file.clone(), e)).collect();
    let mut made = Vec::new();
    let settings = PdfSettings {
        ident: format!("canhbao/{}", crate::text::file_slug(&c.commune.full())),
        date: c.date,
    };
    let mut order = Vec::new();
    let mut written = 0;
    for layout in layouts.iter().filter(|l| l.copies != Copies::None) {
        let docs: Vec<Doc> = jobs
            .iter()
            .filter(|j| j.layout.id == layout.id)
            .filter(|j| !failed.iter().any(|f| f.0 == j.name && f.1 == j.layout.id))
            .filter_map(|j| {
                by_file
                    .get(&format!("{}.pdf", j.stem))
                    .map(|entry| Doc { village: j.village, entry })
            })
            .collect();
        let sheets = if layout.impose == Some(Impose::TwoUpA4) {
            let commune = crate::text::capitalize(&c.commune.full());
            two_up_all(base, &commune, layout, &docs, c.print.bleed_mm, &settings, out, &by_file)?
        } else {
            Vec::new()
        };
        // A commune's one document (the 5 m banner) is its own proof: no
        // combined file, ordered once.
        let combined = if layout.scope == crate::layouts::Scope::Commune {
            Vec::new()
        } else {
            combined_all(layout, &docs, &settings, out, &by_file)?
        };
        // A card that a sheet of this run imposes (the card sheet cuts
        // cards of its size) is printed from that sheet: its own files are
        // the reference, ordered once as the proof set below, never as a
        // second run of the same cards.
        let imposed = layouts.iter().any(|o| {
            o.id != layout.id
                && jobs.iter().any(|j| j.layout.id == o.id)
                && o.preflight.cut.as_ref().is_some_and(|cut| {
                    (cut.width_mm - layout.width_mm).abs() < 0.5
                        && (cut.height_mm - layout.height_mm).abs() < 0.5
                })
        });
        for (i, doc) in docs.iter().enumerate().filter(|_| !imposed) {
            let n = copies(layout, c, doc.village);
            order.push(match sheets.get(i) {
                Some((sheet, _)) => OrderLine {
                    file: sheet.file.clone(),
                    layout: layout.id.clone(),
                    village: doc.entry.village.clone(),
                    paper: "sra4".into(),
                    sides: layout.pages.min(2),
                    copies: n.div_ceil(2),
                },
                None => OrderLine {
                    file: doc.entry.file.clone(),
                    layout: layout.id.clone(),
                    village: doc.entry.village.clone(),
                    paper: paper_name(layout),
                    sides: layout.pages.min(2),
                    copies: n,
                },
            });
        }
        for (entry, _) in &combined {
            order.push(OrderLine {
                file: entry.file.clone(),
                layout: layout.id.clone(),
                village: ALL_VILLAGES.into(),
                paper: paper_name(layout),
                sides: layout.pages.min(2),
                copies: 1,
            });
        }
        for (entry, new) in sheets.into_iter().chain(combined) {
            written += usize::from(new);
            made.push(entry);
        }
        // No clearing of the memo cache here: `on_lanes` ages it as the
        // sheets are made. Cleared after each layout, the next layout (and
        // in a province run, the next commune) set up the imposition from
        // nothing: 21 million instructions per commune (cachegrind).
    }
    let refused: Vec<Refused> = failed.iter().map(Refused::of).collect();
    // The order, the shop note and the scaled proofs: listed beside the files.
    let papers = crate::order::write_all(base, c, layouts, out, &order, &refused, &settings)?;
    manifest.also = crate::order::papers_listed(out, std::mem::take(&mut manifest.also), papers);
    // A package file made again replaces its old entry (one map insert per
    // file: a scan of the manifest per file was quadratic in the villages).
    for entry in made {
        by_file.insert(entry.file.clone(), entry);
    }
    manifest.files = by_file.into_values().collect();
    manifest.write(manifest_path)?;
    Ok((order, written))
}

/// The press sheet for two copies of a `w × h` mm page with `bleed`.
fn sheet_for(w: f64, h: f64, bleed: f64) -> (f64, f64) {
    let (bw, bh) = (2.0 * w + 2.0 * bleed, h);
    let room = 2.0 * (bleed.max(2.0) + MARK_MIN);
    let fits = |(sw, sh): (f64, f64)| sw >= bw + room && sh >= bh + room;
    [SRA4, SRA3].into_iter().find(|s| fits(*s)).unwrap_or((bw + room + 10.0, bh + room + 10.0))
}

/// Imposition data for one village's 2-up sheet: the same page twice, side
/// by side with a gutter of two bleeds (each copy keeps its own bleed), on
/// SRA4 landscape, turned over the short edge for the back. Crop marks sit
/// in the margin, at every trim line, outside every bleed and `EDGE_CLEAR`
/// inside the paper's edge (a press prints nothing nearer). The foot margin
/// holds the marks and the slug; the head's, when the sheet leaves no room
/// for marks there too (SRA4: 15 mm for both), only the bleed.
fn two_up_data(l: &Layout, bleed: f64) -> Value {
    let (w, h) = (l.width_mm, l.height_mm);
    let gutter = 2.0 * bleed;
    let (bw, bh) = (2.0 * w + gutter, h);
    let (sw, sh) = sheet_for(w, h, bleed);
    let start = bleed.max(2.0);
    // (The foot: the marks, MARK_MIN long at least, and the slug beside
    // them, 3.5 mm under the trim, 6.5 mm at its foot; 0.5 mm to spare.)
    let foot = (start + MARK_MIN + EDGE_CLEAR).max(3.5 + 3.0 + EDGE_CLEAR) + 0.5;
    let mx = (sw - bw) / 2.0;
    let (top, bottom) = if (sh - bh) / 2.0 >= foot {
        ((sh - bh) / 2.0, (sh - bh) / 2.0)
    } else {
        (sh - bh - foot, foot)
    };
    let mut marks = Vec::new();
    for x in [0.0, w, w + gutter, bw] {
        if top - EDGE_CLEAR >= start + MARK_MIN {
            marks.push(json!([x, -start, x, -(top - EDGE_CLEAR)]));
        }
        marks.push(json!([x, bh + start, x, bh + bottom - EDGE_CLEAR]));
    }
    for y in [0.0, bh] {
        marks.push(json!([-start, y, -(mx - EDGE_CLEAR), y]));
        marks.push(json!([bw + start, y, bw + mx - EDGE_CLEAR, y]));
    }
    // Both copies are the same village, so front and back line up however
    // the sheet is turned; the back is still mirrored for a short-edge turn.
    let slot = |page: usize, x: f64| {
        json!({"src": src_path(0), "page": page, "x_mm": x, "y_mm": 0.0,
               "w_mm": w, "h_mm": h, "show_mm": bleed})
    };
    let sides: Vec<Value> =
        (1..=l.pages).map(|p| json!([slot(p, 0.0), slot(p, w + gutter)])).collect();
    json!({
        "sheet": {"width_mm": bw, "height_mm": bh, "margin_x_mm": mx, "margin_top_mm": top,
                  "margin_bottom_mm": bottom},
        "marks": marks,
        "sides": sides,
    })
}

/// The slug of each side of a village's imposed sheet (printed outside the
/// trim): commune, village, the layout's name as the shop says it (its
/// title without the audience), side, and the village's place among the
/// layout's `n` villages (`k`: “bộ 11/12”, not a count of sheets). “bộ”, a
/// set, never “tổ” or “thôn”: a designer read “tổ 8/10” beside “tổ dân
/// phố 8” as the neighbourhood's number.
fn slugs(commune: &str, village: &str, layout: &Layout, k: usize, n: usize) -> Vec<String> {
    let sides = ["mặt trước", "mặt sau"];
    let name = layout.title.split(" cho ").next().unwrap_or(&layout.title);
    (0..layout.pages)
        .map(|p| {
            let side = sides.get(p).map_or_else(|| format!("trang {}", p + 1), |s| s.to_string());
            format!("{commune} · {village} · {name} · {side} · bộ {k}/{n}")
        })
        .collect()
}

/// Fixed virtual path of the d-th source document of a sheet.
fn src_path(d: usize) -> String {
    format!("/print/{d}.pdf")
}

/// The 2-up sheets of every village of a layout, one file each, made on
/// the render lanes. Unchanged ones are kept. In village order.
#[allow(clippy::too_many_arguments)] // one call site; the campaign's parts it reads
fn two_up_all(
    base: &Base,
    commune: &str,
    layout: &Layout,
    docs: &[Doc],
    bleed: f64,
    settings: &PdfSettings,
    out: &Path,
    previous: &HashMap<String, Entry>,
) -> Result<Vec<(Entry, bool)>, String> {
    let data = two_up_data(layout, bleed);
    let impose =
        crate::layouts::BUILTIN_FILES.iter().find(|f| f.0 == "impose.typ").map_or(&[][..], |f| f.1);
    let one = |i: usize| -> Result<(Entry, bool), String> {
        let doc = docs[i].entry;
        let mut data = data.clone();
        data["slugs"] = json!(slugs(commune, &doc.village, layout, i + 1, docs.len()));
        let data_bytes = serde_json::to_vec(&data).map_err(|e| e.to_string())?;
        let name = doc.file.rsplit('/').next().unwrap_or(&doc.file);
        let file = format!("print/{}-2up-sra4/{name}", layout.id);
        let mut key = tool_version().into_bytes();
        key.extend_from_slice(impose);
        key.extend_from_slice(&data_bytes);
        key.extend_from_slice(doc.sha256.as_bytes());
        let inputs = output::sha256(&key);
        if let Some(prev) = previous.get(&file)
            && prev.inputs == inputs
            && out.join(&file).is_file()
        {
            return Ok((prev.clone(), false));
        }
        let path = out.join(&doc.file);
        let pdf = std::fs::read(&path)
            .map_err(|e| format!("không đọc được `{}` ({e})", path.display()))?;
        let extra = vec![(file_id(&src_path(0)), Bytes::new(pdf))];
        let world = base.job_with("impose.typ", data_bytes.clone(), extra);
        let pages = layout.pages;
        let compiled = render::compile(&world, pages).map_err(|e| format!("{file}: {e}"))?;
        let mut s = settings.clone();
        s.ident = format!("{}/{file}", settings.ident);
        let bytes = render::pdf(&compiled.doc, &s).map_err(|e| format!("{file}: {e}"))?;
        output::write_atomic(&output::place(out, &file)?, &bytes)?;
        let entry = Entry {
            file,
            layout: layout.id.clone(),
            village: doc.village.clone(),
            pages,
            bytes: bytes.len() as u64,
            sha256: output::sha256(&bytes),
            inputs,
            reads: Default::default(),
        };
        Ok((entry, true))
    };
    on_lanes(docs.len(), 1, one)?.into_iter().collect()
}

/// Typst documents made by [`on_lanes`] in this process, over all its
/// calls: the memo cache is aged every [`crate::batch::eviction`] documents
/// (16), counted over the calls, since a call may make only a few items (the
/// proof of `check` makes a wave of four pages per call; counted per call,
/// its cache was never aged and 10,000 villages grew past 1.5 GB), and
/// counted in documents, since an item may make several (a proof page
/// compiles its three villages' leaflets and itself: aged every 16 pages,
/// the cache held 64 documents and `check` peaked near 500 MiB on 1,000
/// villages).
static MADE_ON_LANES: AtomicUsize = AtomicUsize::new(0);

/// Runs `f(0..n)` on one lane per thread of the global pool and returns the
/// results in index order; each call of `f` compiles at most `docs` Typst
/// documents. Like the render batch, each lane is a one-thread rayon pool,
/// so Typst's inner parallel loops stay on the lane and only one item per
/// lane is in flight; Typst's memo cache is aged as it goes.
pub fn on_lanes<T: Send>(
    n: usize,
    docs: usize,
    f: impl Fn(usize) -> T + Sync,
) -> Result<Vec<T>, String> {
    let (every, max_age) = crate::batch::eviction();
    let next = AtomicUsize::new(0);
    let lanes = rayon::current_num_threads().clamp(1, n.max(1));
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..lanes)
            .map(|_| {
                let lane = rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .stack_size(crate::batch::WORKER_STACK)
                    .build()
                    .map_err(|e| format!("không khởi động được luồng xử lý ({e})"))?;
                let (next, f) = (&next, &f);
                Ok(scope.spawn(move || {
                    lane.install(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            if i >= n {
                                return mine;
                            }
                            mine.push((i, f(i)));
                            let before = MADE_ON_LANES.fetch_add(docs, Ordering::Relaxed);
                            if (before + docs) / every > before / every {
                                comemo::evict(max_age);
                            }
                        }
                    })
                }))
            })
            .collect::<Result<_, String>>()?;
        Ok::<_, String>(
            handles.into_iter().flat_map(|h| h.join().expect("a worker thread finishes")).collect(),
        )
    })?;
    done.sort_by_key(|(i, _)| *i);
    Ok(done.into_iter().map(|(_, t)| t).collect())
}

/// The combined files of a layout: every village's document once, in
/// village order, in parts of [`MAX_PER_FILE`]. The pages are copied as they
/// are (boxes, bleed, marks), one document at a time.
fn combined_all(
    layout: &Layout,
    docs: &[Doc],
    settings: &PdfSettings,
    out: &Path,
    previous: &HashMap<String, Entry>,
) -> Result<Vec<(Entry, bool)>, String> {
    let parts = docs.chunks(MAX_PER_FILE).count();
    let mut made = Vec::new();
    for (i, chunk) in docs.chunks(MAX_PER_FILE).enumerate() {
        let suffix = if parts > 1 { format!("-part{}", i + 1) } else { String::new() };
        let file = format!("print/{}-all{suffix}.pdf", layout.id);
        let mut key = tool_version().into_bytes();
        key.extend_from_slice(b"pdfcat 1");
        for doc in chunk {
            key.extend_from_slice(doc.entry.file.as_bytes());
            key.extend_from_slice(doc.entry.sha256.as_bytes());
        }
        let inputs = output::sha256(&key);
        if let Some(prev) = previous.get(&file)
            && prev.inputs == inputs
            && out.join(&file).is_file()
        {
            made.push((prev.clone(), false));
            continue;
        }
        let mut cat =
            PdfCat::create(&output::place(out, &file)?, &format!("{}/{file}", settings.ident))?;
        for doc in chunk {
            let path = out.join(&doc.entry.file);
            let pdf = std::fs::read(&path)
                .map_err(|e| format!("không đọc được `{}` ({e})", path.display()))?;
            cat.append(&pdf).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let (pages, bytes, sha256) = cat.finish()?;
        let entry = Entry {
            file,
            layout: layout.id.clone(),
            village: String::new(),
            pages,
            bytes,
            sha256,
            inputs,
            reads: Default::default(),
        };
        made.push((entry, true));
    }
    Ok(made)
}
