//! The proof of `check`: one PDF that proofs the data before anything is
//! printed.
//!
//! For every village, three to an A4 landscape page: a caption (village,
//! officer, phone, copies) set as text, the front of its document, and the
//! part of the document that carries the numbers, enlarged so they can be
//! read. A village whose document cannot be made, or does not show its
//! officer's name and phone, or that has a warning in the village table, is
//! framed in red with the reason.
//!
//! The proof is written as it goes: a wave of pages is made on the render
//! lanes, then copied into the file ([`crate::pdfcat::PdfCat`]), so memory
//! does not grow with the villages. The caller gives the Typst world, so a
//! province's `check` makes it once for all its communes, as its build does.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};
use typst::foundations::{Bytes, Content, Smart};
use typst::layout::{Abs, Frame, FrameItem, Point, Sides, Size, Transform};

use crate::Project;
use crate::diag::Fault;
use crate::layouts::{Format, Layout, Scope};
use crate::package;
use crate::pdfcat::PdfCat;
use crate::plan::{self, Job, Planner};
use crate::render::{self, PdfSettings};
use crate::world::{Base, file_id};

/// (village, problem) pairs.
type Problems = Vec<(String, String)>;

/// Villages on one proof page.
const PER_PAGE: usize = 3;

/// Margin (mm) kept around the numbers when they are cut out of a page.
const DETAIL_MARGIN: f64 = 4.0;

/// Resolution of the numbers' cut-out: sharp when shown 1.5 times larger.
const NUMBERS_DPI: f64 = 220.0;

/// What a proof found.
#[derive(Debug, Default)]
pub struct Proofed {
    /// Pages written.
    pub pages: usize,
    /// (village, problem) for every village framed in red.
    pub problems: Problems,
    /// Stopped (Ctrl-C) before the end: no file was written.
    pub stopped: bool,
}

/// Said when the campaign has no per-village layout to proof.
pub const NO_LAYOUT: &str = "Không có mẫu in theo từng thôn: không ghi bản kiểm tra.";

/// The layout a proof shows: the campaign's first per-village PDF layout
/// (none: a campaign of posters for the commune only has nothing to proof
/// per village).
pub fn layout(project: &Project) -> Option<&Layout> {
    let c = &project.campaign;
    c.layouts
        .iter()
        .filter_map(|id| project.layout(id).ok())
        .find(|l| l.scope == Scope::Village && l.format == Format::Pdf)
}

/// Writes the proof of `layout` (a per-village layout) for every village,
/// made in `base` (the campaign's world, [`Project::base`]). When `stop` is
/// set, the pages in flight are finished, then the run ends without a file
/// (a proof that lacks villages would look complete).
pub fn write(
    project: &Project,
    base: &Base,
    layout: &Layout,
    path: &Path,
    stop: &AtomicBool,
) -> Result<Proofed, Fault> {
    refuse_target(path)?;
    let c = &project.campaign;
    let planner = Planner::new(c, &project.pack)?;
    let villages: Vec<usize> = (0..c.villages.len()).collect();
    let mut jobs = plan::plan(c, std::slice::from_ref(layout), &villages, &project.pack);
    // One document per village (a per-tactic layout would give several).
    jobs.dedup_by_key(|j| j.village);
    let total = jobs.len().div_ceil(PER_PAGE).max(1);
    let ident = format!("canhbao/{}/kiem-tra", crate::text::file_slug(&c.commune.full()));
    let mut cat = PdfCat::create(path, &ident)?;
    let mut found = Proofed::default();
    // A wave: a few pages per lane, made in parallel, then written in order.
    let wave = 2 * rayon::current_num_threads().max(1);
    let mut first = 0;
    while first < total {
        if stop.load(Ordering::Relaxed) {
            // Dropped unfinished, the file leaves no temporary behind.
            drop(cat);
            return Ok(Proofed { stopped: true, ..found });
        }
        let n = wave.min(total - first);
        // A page compiles its villages' documents and itself.
        let pages = package::on_lanes(n, PER_PAGE + 1, |k| {
            let p = first + k;
            let end = ((p + 1) * PER_PAGE).min(jobs.len());
            page(project, base, &planner, layout, &jobs[p * PER_PAGE..end], p, total, &ident)
        })?;
        for made in pages {
            let (pdf, problems) = made?;
            cat.append(&pdf)?;
            found.problems.extend(problems);
        }
        first += n;
    }
    let (pages, _, _) = cat.finish()?;
    found.pages = pages;
    Ok(found)
}

/// Why the proof may not be written to `path`: the proof is a PDF, so
/// only a `.pdf` name is written, and never over a file that is not a PDF
/// (`check --proof villages.csv` must not replace the village table).
pub fn refuse_target(path: &Path) -> Result<(), Fault> {
    let pdf_name = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    // Only a regular file is opened (a FIFO would block); a folder or
    // anything else at that name is refused as well.
    let existing = std::fs::symlink_metadata(path).ok();
    let not_a_pdf = existing.as_ref().is_some_and(|m| {
        !m.is_file() || {
            use std::io::Read;
            let mut head = [0u8; 5];
            let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head));
            read.is_err() || &head != b"%PDF-"
        }
    });
    if pdf_name && !not_a_pdf {
        return Ok(());
    }
    let why = if !pdf_name {
        "bản kiểm tra là tệp PDF, chỉ ghi vào tệp có đuôi .pdf"
    } else {
        "đã có một tệp (hoặc thư mục) ở đó và nó không phải PDF"
    };
    Err(Fault::Other(format!(
        "không ghi bản kiểm tra vào “{}”: {why}; tệp đó được giữ nguyên. Hãy chọn một tên mới có đuôi .pdf, ví dụ --proof out/kiem-tra.pdf",
        crate::text::visible(&path.display().to_string())
    )))
}

/// One proof page: its PDF and the problems it shows.
#[allow(clippy::too_many_arguments)] // one page of one run: every argument is that run's
fn page(
    project: &Project,
    base: &Base,
    planner: &Planner,
    layout: &Layout,
    jobs: &[Job],
    index: usize,
    total: usize,
    ident: &str,
) -> Result<(Vec<u8>, Problems), Fault> {
    let mut cells = Vec::new();
    let mut extra = Vec::new();
    let mut problems = Vec::new();
    for (slot, job) in jobs.iter().enumerate() {
        let (cell, pdf, numbers) = cell(project, base, planner, layout, job, slot);
        for p in cell["problems"].as_array().into_iter().flatten() {
            problems.push((job.name.clone(), p.as_str().unwrap_or_default().to_string()));
        }
        if let Some(pdf) = pdf {
            extra.push((file_id(&src_path(slot)), Bytes::new(pdf)));
        }
        if let Some(png) = numbers {
            extra.push((file_id(&numbers_path(slot)), Bytes::new(png)));
        }
        cells.push(cell);
    }
    let c = &project.campaign;
    let data = json!({
        "commune": c.commune.full(),
        "province": c.commune.province_full(),
        "layout": layout.id,
        "page": index + 1,
        "pages": total,
        "cells": cells,
    });
    // A value of strings and numbers: serialising it cannot fail.
    let bytes =
        serde_json::to_vec(&data).map_err(|e| Fault::Other(format!("kiem-tra.pdf: {e}")))?;
    let world = base.job_with("proof.typ", bytes, extra);
    let compiled =
        render::compile(&world, 1).map_err(|e| Fault::Other(format!("kiem-tra.pdf: {e}")))?;
    let settings = PdfSettings { ident: ident.to_string(), date: c.date };
    let pdf = render::pdf(&compiled.doc, &settings)?;
    Ok((pdf, problems))
}

/// Fixed virtual path of the document in a page's `slot`.
fn src_path(slot: usize) -> String {
    format!("/proof/{slot}.pdf")
}

/// Fixed virtual path of the numbers' image in a page's `slot`.
fn numbers_path(slot: usize) -> String {
    format!("/proof/{slot}-numbers.png")
}

/// One village's cell: its data for `proof.typ`, its document's PDF (none
/// when it could not be made) and the PNG of its numbers.
fn cell(
    project: &Project,
    base: &Base,
    planner: &Planner,
    layout: &Layout,
    job: &Job,
    slot: usize,
) -> (Value, Option<Vec<u8>>, Option<Vec<u8>>) {
    let c = &project.campaign;
    let v = job.village.map(|i| &c.villages[i]);
    let mut problems: Vec<String> = Vec::new();
    // Warnings the village table gave for this village's line.
    if let Some(v) = v {
        for w in c.warnings.iter().filter(|w| w.line == Some(v.line)) {
            problems.push(format!("dòng {}: {}", v.line, w.message));
        }
    }
    let mut made = None;
    match planner.data(job) {
        Err(e) => problems.push(e.to_string()),
        Ok(data) => {
            let world = base.job(&job.layout.file, data);
            match render::compile(&world, layout.pages) {
                Err(e) => problems.push(format!("không tạo được tờ in: {e}")),
                Ok(compiled) => {
                    let settings = PdfSettings { ident: job.ident.clone(), date: c.date };
                    match render::pdf(&compiled.doc, &settings) {
                        Ok(pdf) => made = Some((compiled.doc, pdf)),
                        Err(e) => problems.push(e.to_string()),
                    }
                }
            }
        }
    }
    let mut detail = Value::Null;
    let mut numbers = None;
    if let (Some((doc, _)), Some(v)) = (&made, v) {
        let frames: Vec<&Frame> = doc.pages().iter().map(|p| &p.frame).collect();
        let phone = digits(&v.phone.to_string());
        let hotline = digits(&c.hotline.phone.to_string());
        // The officer's title, the commune's kind filled ("xã", "phường").
        let title = format!("cán bộ Công an {} phụ trách {}", c.commune.kind, v.full());
        if !frames.iter().any(|f| digits(&plain_text(f)).contains(&phone)) {
            problems.push(format!("tờ in không có số điện thoại của {title} ({})", v.phone));
        }
        if !frames.iter().any(|f| squeeze(&plain_text(f)).contains(&squeeze(&v.officer))) {
            problems.push(format!("tờ in không có tên {title} ({})", v.officer));
        }
        // The numbers: the last page that shows the officer's phone, cut
        // around every run of digits that belongs to it or to the hotline.
        for frame in frames.iter().rev() {
            let mut boxes = Vec::new();
            runs(frame, Transform::identity(), &mut boxes);
            let hits: Vec<[f64; 4]> = boxes
                .iter()
                .filter(|(text, _)| {
                    let d = digits(text);
                    d.len() >= 3 && (phone.contains(&d) || hotline.contains(&d))
                })
                .map(|(_, b)| *b)
                .collect();
            if hits.is_empty() || !digits(&plain_text(frame)).contains(&phone) {
                continue;
            }
            let (w, h) = (frame.width().to_mm(), frame.height().to_mm());
            let x0 = hits.iter().map(|b| b[0]).fold(f64::MAX, f64::min) - DETAIL_MARGIN;
            let y0 = hits.iter().map(|b| b[1]).fold(f64::MAX, f64::min) - DETAIL_MARGIN;
            let x1 = hits.iter().map(|b| b[2]).fold(f64::MIN, f64::max) + DETAIL_MARGIN;
            let y1 = hits.iter().map(|b| b[3]).fold(f64::MIN, f64::max) + DETAIL_MARGIN;
            let (x0, y0, x1, y1) = (x0.max(0.0), y0.max(0.0), x1.min(w), y1.min(h));
            match cut_out(frame, [x0, y0, x1, y1]) {
                Ok(png) => {
                    numbers = Some(png);
                    detail = json!({"src": numbers_path(slot), "w_mm": x1 - x0, "h_mm": y1 - y0});
                }
                Err(e) => problems.push(e),
            }
            break;
        }
    }
    let (w, h) = made
        .as_ref()
        .and_then(|(doc, _)| doc.pages().first())
        .map_or((layout.width_mm, layout.height_mm), |p| {
            (p.frame.width().to_mm(), p.frame.height().to_mm())
        });
    let cell = json!({
        "name": job.name,
        "officer": v.map(|v| v.officer.clone()),
        "officer_label": v.map(|v| {
            format!("Cán bộ Công an {} phụ trách {}:", c.commune.kind, v.full())
        }),
        "phone": v.map(|v| v.phone.to_string()),
        "copies": package::copies(layout, c, job.village),
        "problems": problems,
        "src": made.as_ref().map(|_| src_path(slot)),
        "w_mm": w,
        "h_mm": h,
        "detail": detail,
    });
    (cell, made.map(|(_, pdf)| pdf), numbers)
}

/// A PNG of the `[left, top, right, bottom]` mm part of a page. A raster,
/// not the vector page clipped: the text hidden by a clip would still be
/// read by text extraction, and mix with the captions.
fn cut_out(page: &Frame, [x0, y0, x1, y1]: [f64; 4]) -> Result<Vec<u8>, String> {
    let mut frame = Frame::hard(Size::new(Abs::mm(x1 - x0), Abs::mm(y1 - y0)));
    frame.push_frame(Point::new(Abs::mm(-x0), Abs::mm(-y0)), page.clone());
    let page = typst_layout::Page {
        frame,
        bleed: Sides::splat(Abs::zero()),
        fill: Smart::Auto,
        numbering: None,
        supplement: Content::empty(),
        number: 1,
    };
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(NUMBERS_DPI / 72.0),
        ..Default::default()
    };
    typst_render::render(&page, &options)
        .encode_png()
        .map_err(|e| format!("không tạo được ảnh PNG ({e})"))
}

/// Only the digits of `s`.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// `s` without any white space.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every text run of a frame, in order, joined.
fn plain_text(frame: &Frame) -> String {
    let mut boxes = Vec::new();
    runs(frame, Transform::identity(), &mut boxes);
    boxes.into_iter().map(|(t, _)| t).collect::<Vec<_>>().join(" ")
}

/// Every text run of a frame with its box on the page, in mm
/// (`[left, top, right, bottom]` from the trim's top-left corner).
fn runs(frame: &Frame, ts: Transform, out: &mut Vec<(String, [f64; 4])>) {
    for (pos, item) in frame.items() {
        let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(g) => runs(&g.frame, at.pre_concat(g.transform), out),
            FrameItem::Text(t) => {
                let m = t.font.metrics();
                let top = -m.ascender.at(t.size);
                let bottom = -m.descender.at(t.size);
                let corners = [
                    Point::new(Abs::zero(), top),
                    Point::new(t.width(), top),
                    Point::new(Abs::zero(), bottom),
                    Point::new(t.width(), bottom),
                ]
                .map(|p| p.transform(at));
                let xs = corners.map(|p| p.x.to_mm());
                let ys = corners.map(|p| p.y.to_mm());
                let min = |a: [f64; 4]| a.into_iter().fold(f64::MAX, f64::min);
                let max = |a: [f64; 4]| a.into_iter().fold(f64::MIN, f64::max);
                out.push((t.text.to_string(), [min(xs), min(ys), max(xs), max(ys)]));
            }
            _ => {}
        }
    }
}
