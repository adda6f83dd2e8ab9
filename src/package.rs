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
//! file is copied page by page into a file on disk ([`PdfCat`]), so memory
//! does not grow with the villages.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use lopdf::{Dictionary, Object, ObjectId};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use typst::foundations::Bytes;

use crate::batch::tool_version;
use crate::campaign::Campaign;
use crate::diag::Fault;
use crate::layouts::{Copies, Impose, Layout};
// The order's types and writers live in `order`; re-exported here, where
// the package's callers have always found them.
pub use crate::order::{OrderLine, Refused, copies, paper_name};
use crate::output::{self, Entry, Manifest};
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
/// in the margin, at every trim line, outside every bleed.
fn two_up_data(l: &Layout, bleed: f64) -> Value {
    let (w, h) = (l.width_mm, l.height_mm);
    let gutter = 2.0 * bleed;
    let (bw, bh) = (2.0 * w + gutter, h);
    let (sw, sh) = sheet_for(w, h, bleed);
    let (mx, my) = ((sw - bw) / 2.0, (sh - bh) / 2.0);
    let start = bleed.max(2.0);
    let mut marks = Vec::new();
    for x in [0.0, w, w + gutter, bw] {
        marks.push(json!([x, -start, x, -(my - 1.0)]));
        marks.push(json!([x, bh + start, x, bh + my - 1.0]));
    }
    for y in [0.0, bh] {
        marks.push(json!([-start, y, -(mx - 1.0), y]));
        marks.push(json!([bw + start, y, bw + mx - 1.0, y]));
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
        "sheet": {"width_mm": bw, "height_mm": bh, "margin_x_mm": mx, "margin_y_mm": my},
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

/// A PDF written page by page: [`PdfCat::append`] copies every page of a
/// finished PDF (with the fonts, images and forms it uses) into the file on
/// disk, and keeps only the objects' offsets. So a combined file of any
/// length is made in the memory of one of its parts.
///
/// The copies drop what belongs to the source document as a whole (its
/// catalog, outline, structure tree, metadata); each page keeps its boxes
/// (MediaBox, TrimBox), so bleed and crop marks survive. The output is
/// byte-for-byte reproducible: ids are assigned in page order, and the
/// document id is a hash of `ident`.
pub struct PdfCat {
    /// The file being written (taken by `finish`).
    out: Option<Counting<BufWriter<File>>>,
    tmp: PathBuf,
    path: PathBuf,
    ident: String,
    /// Offset of object `i + 1`.
    offsets: Vec<u64>,
    pages: Vec<u32>,
}

/// Catalog and page tree ids: fixed, written last.
const CATALOG: u32 = 1;
const PAGES: u32 = 2;

impl PdfCat {
    /// Starts `path` (written to a temporary name, renamed by `finish`).
    pub fn create(path: &Path, ident: &str) -> Result<PdfCat, String> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| Fault::io("không tạo được thư mục", dir)(e).to_string())?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
        let tmp = dir.join(format!(".{name}.{}{}", std::process::id(), output::TMP_SUFFIX));
        let file =
            File::create(&tmp).map_err(|e| Fault::io("không ghi được tệp", path)(e).to_string())?;
        let mut cat = PdfCat {
            out: Some(Counting::new(BufWriter::new(file))),
            tmp,
            path: path.to_path_buf(),
            ident: ident.to_string(),
            offsets: vec![0, 0],
            pages: Vec::new(),
        };
        cat.write(b"%PDF-1.7\n%\x80\x80\x80\x80\n")?;
        Ok(cat)
    }

    fn out(&mut self) -> &mut Counting<BufWriter<File>> {
        self.out.as_mut().expect("a PdfCat is written until it is finished")
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        let path = self.path.clone();
        self.out()
            .write_all(bytes)
            .map_err(|e| Fault::io("không ghi được tệp", &path)(e).to_string())
    }

    /// Copies every page of `pdf`, in order.
    pub fn append(&mut self, pdf: &[u8]) -> Result<(), String> {
        let doc = lopdf::Document::load_mem(pdf).map_err(|e| format!("PDF hỏng ({e})"))?;
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        // The pages as they will be written: standalone (what they inherited
        // from the source's page tree is copied onto them), no structure.
        let mut own: HashMap<ObjectId, Object> = HashMap::new();
        for &id in &pages {
            let mut page = doc.get_object(id).map_err(|e| e.to_string())?.clone();
            if let Object::Dictionary(d) = &mut page {
                inherit(&doc, d);
                d.remove(b"StructParents");
            }
            own.insert(id, page);
        }
        let get = |id: ObjectId| own.get(&id).or_else(|| doc.get_object(id).ok());
        // New ids, in the order objects are first reached from the pages
        // (depth first, keys sorted), so the output is reproducible.
        let mut ids: HashMap<ObjectId, u32> = HashMap::new();
        let mut order: Vec<ObjectId> = Vec::new();
        for &page in &pages {
            let mut stack = vec![page];
            while let Some(id) = stack.pop() {
                if ids.contains_key(&id) {
                    continue;
                }
                let Some(object) = get(id) else { continue };
                ids.insert(id, (self.offsets.len() + order.len() + 1) as u32);
                order.push(id);
                let mut refs = Vec::new();
                references(object, &mut refs);
                stack.extend(refs.into_iter().rev());
            }
        }
        for &old in &order {
            let mut object = get(old).cloned().unwrap_or(Object::Null);
            renumber(&mut object, &ids);
            if own.contains_key(&old)
                && let Object::Dictionary(d) = &mut object
            {
                d.set("Parent", Object::Reference((PAGES, 0)));
            }
            self.object(ids[&old], &object)?;
        }
        self.pages.extend(pages.iter().map(|p| ids[p]));
        Ok(())
    }

    /// Writes one numbered object.
    fn object(&mut self, id: u32, object: &Object) -> Result<(), String> {
        let index = id as usize - 1;
        if self.offsets.len() <= index {
            self.offsets.resize(index + 1, 0);
        }
        self.offsets[index] = self.out().count;
        let mut buf = format!("{id} 0 obj\n").into_bytes();
        serialize(object, &mut buf);
        buf.extend_from_slice(b"\nendobj\n");
        self.write(&buf)
    }

    /// Writes the page tree, catalog and cross-reference table, and moves the
    /// file into place. Returns (pages, bytes, sha256).
    pub fn finish(mut self) -> Result<(usize, u64, String), String> {
        let kids: Vec<Object> = self.pages.iter().map(|p| Object::Reference((*p, 0))).collect();
        let mut tree = Dictionary::new();
        tree.set("Type", Object::Name(b"Pages".to_vec()));
        tree.set("Count", Object::Integer(kids.len() as i64));
        tree.set("Kids", Object::Array(kids));
        self.object(PAGES, &Object::Dictionary(tree))?;
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference((PAGES, 0)));
        self.object(CATALOG, &Object::Dictionary(catalog))?;
        let start = self.out().count;
        let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len() + 1);
        for offset in &self.offsets {
            xref.push_str(&format!("{offset:010} 00000 n \n"));
        }
        let id = output::sha256(self.ident.as_bytes());
        xref.push_str(&format!(
            "trailer\n<</Size {} /Root {CATALOG} 0 R /ID [<{id}> <{id}>]>>\nstartxref\n{start}\n%%EOF\n",
            self.offsets.len() + 1
        ));
        self.write(xref.as_bytes())?;
        let pages = self.pages.len();
        let out = self.out.take().expect("finished once");
        let bytes = out.count;
        let sha: String = out.hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let path = self.path.clone();
        let fail = |e: std::io::Error| Fault::io("không ghi được tệp", &path)(e).to_string();
        let file = out.inner.into_inner().map_err(|e| fail(e.into_error()))?;
        file.sync_all().map_err(fail)?;
        std::fs::rename(&self.tmp, &self.path).map_err(fail)?;
        Ok((pages, bytes, sha))
    }
}

impl Drop for PdfCat {
    fn drop(&mut self) {
        // A failed or abandoned file leaves no temporary behind (after a
        // successful `finish` the name no longer exists).
        self.out = None;
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// A writer that counts and hashes what passes through.
struct Counting<W> {
    inner: W,
    count: u64,
    hash: Sha256,
}

impl<W: Write> Counting<W> {
    fn new(inner: W) -> Self {
        Counting { inner, count: 0, hash: Sha256::new() }
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.inner.write_all(bytes)?;
        self.count += bytes.len() as u64;
        self.hash.update(bytes);
        Ok(())
    }
}

/// Page attributes a page may inherit from its page tree.
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// Copies inherited attributes onto the page itself: its new parent has none.
fn inherit(doc: &lopdf::Document, page: &mut Dictionary) {
    let mut parent = page.get(b"Parent").and_then(Object::as_reference).ok();
    let mut depth = 0;
    while let Some(pid) = parent
        && depth < 64
    {
        let Ok(Object::Dictionary(p)) = doc.get_object(pid) else { break };
        for key in INHERITED {
            if !page.has(key)
                && let Ok(value) = p.get(key)
            {
                page.set(key.to_vec(), value.clone());
            }
        }
        parent = p.get(b"Parent").and_then(Object::as_reference).ok();
        depth += 1;
    }
}

/// The references held by `object`, in a fixed order. Links back up the
/// page tree (`Parent`, an annotation's `P`) and into the source's
/// structure tree (`StructParent(s)`) are not followed.
fn references(object: &Object, out: &mut Vec<ObjectId>) {
    let dict = |d: &Dictionary, out: &mut Vec<ObjectId>| {
        let keys: BTreeMap<&[u8], &Object> = d.iter().map(|(k, v)| (k.as_slice(), v)).collect();
        for (key, value) in keys {
            if !matches!(key, b"Parent" | b"P" | b"StructParent" | b"StructParents") {
                references(value, out);
            }
        }
    };
    match object {
        Object::Reference(r) => out.push(*r),
        Object::Array(items) => items.iter().for_each(|o| references(o, out)),
        Object::Dictionary(d) => dict(d, out),
        Object::Stream(s) => dict(&s.dict, out),
        _ => {}
    }
}

/// Replaces every reference by its new id (a reference to an object that
/// was not copied becomes `null`).
fn renumber(object: &mut Object, ids: &HashMap<ObjectId, u32>) {
    match object {
        Object::Reference(r) => {
            *object = match ids.get(r) {
                Some(new) => Object::Reference((*new, 0)),
                None => Object::Null,
            }
        }
        Object::Array(items) => items.iter_mut().for_each(|o| renumber(o, ids)),
        Object::Dictionary(d) => d.iter_mut().for_each(|(_, v)| renumber(v, ids)),
        Object::Stream(s) => s.dict.iter_mut().for_each(|(_, v)| renumber(v, ids)),
        _ => {}
    }
}

/// PDF syntax of one object (the subset of the format that lopdf reads).
fn serialize(object: &Object, buf: &mut Vec<u8>) {
    match object {
        Object::Null => buf.extend_from_slice(b"null"),
        Object::Boolean(b) => buf.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => buf.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => buf.extend_from_slice(format!("{r}").as_bytes()),
        Object::Name(n) => name(n, buf),
        Object::String(s, _) => {
            buf.push(b'<');
            for b in s {
                buf.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            buf.push(b'>');
        }
        Object::Array(items) => {
            buf.push(b'[');
            for (i, o) in items.iter().enumerate() {
                if i > 0 {
                    buf.push(b' ');
                }
                serialize(o, buf);
            }
            buf.push(b']');
        }
        Object::Dictionary(d) => dictionary(d, buf),
        Object::Stream(s) => {
            let mut dict = s.dict.clone();
            dict.set("Length", Object::Integer(s.content.len() as i64));
            dictionary(&dict, buf);
            buf.extend_from_slice(b"\nstream\n");
            buf.extend_from_slice(&s.content);
            buf.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            buf.extend_from_slice(format!("{id} {generation} R").as_bytes())
        }
    }
}

fn dictionary(d: &Dictionary, buf: &mut Vec<u8>) {
    buf.extend_from_slice(b"<<");
    for (key, value) in d.iter() {
        name(key, buf);
        buf.push(b' ');
        serialize(value, buf);
    }
    buf.extend_from_slice(b">>");
}

fn name(n: &[u8], buf: &mut Vec<u8>) {
    buf.push(b'/');
    for &b in n {
        if b"()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            buf.extend_from_slice(format!("#{b:02X}").as_bytes());
        } else {
            buf.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PdfCat;

    #[test]
    fn a_combined_file_that_cannot_be_made_is_named_in_vietnamese() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        // A file where a folder should be: refused even to root.
        let blocker = dir.path().join("print");
        std::fs::write(&blocker, b"").expect("a file");
        let path = blocker.join("leaflet-a5-all.pdf");
        let Err(msg) = PdfCat::create(&path, "x") else { panic!("made under a file") };
        assert!(msg.starts_with("không tạo được thư mục “"), "{msg}");
        assert!(msg.contains(&blocker.display().to_string()), "{msg}");
        assert!(!msg.contains("failed"), "{msg}");
    }
}
