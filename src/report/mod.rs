//! After print: what follows a campaign from the print shop to its report
//! (issue 27). `build` hands each village a delivery sheet
//! (`out/giao-nhan/<village>.pdf`, [`sheet`]), writes a caption beside every
//! social image ([`caption`]) and, once, the tracking workbook the commune
//! fills (`theo-doi.xlsx` in the campaign folder, [`workbook`]);
//! `canhbao report` reads that workbook back, refuses impossible figures
//! with their cell, and writes the 6-month or annual report as an editable
//! `.docx` ([`docx`]) and the same report as a PDF (`layouts/bao-cao.typ`).
//! The plans this tool serves (`../shared/seeds/`) ask for exactly these:
//! leaflets handed to every household by the village party cells,
//! loudspeakers at 6:00 and 19:00, a report every 6 months and every year.

pub mod caption;
pub mod docx;
pub mod figures;
pub mod sheet;
pub mod workbook;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::campaign::Campaign;
use crate::content::Pack;
use crate::diag::{BuildError, Fault, Issue, Issues};
use crate::layouts::{Copies, Layout};
use crate::plan::Job;

pub use figures::{Figures, Period, Totals};

/// The folder of the delivery sheets in `out/`.
pub const SHEETS_DIR: &str = "giao-nhan";
/// The folder of the reports in `out/`.
pub const REPORTS_DIR: &str = "bao-cao";

/// What one village is handed, counted from the campaign's layouts and
/// copies: the same numbers as the print order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Handed {
    /// Leaflets (one per household plus spares), all leaflet layouts together.
    pub leaflets: u64,
    /// Posters for shops and public places.
    pub posters: u64,
    /// Wallet cards (a card sheet counts its cards, not its sheets).
    pub cards: u64,
    /// What each printed layout gives: (its title, how many, its unit).
    pub items: Vec<(String, u64, &'static str)>,
}

/// What kind of material a layout makes, for the counts of a delivery
/// sheet and the checks of a report: cards (a card id or a sheet of
/// several), posters (one per place), leaflets (one per household).
fn kind(l: &Layout) -> Option<&'static str> {
    if l.scope != crate::layouts::Scope::Village || l.copies == Copies::None {
        return None;
    }
    if l.per_sheet > 1 || l.id.starts_with("card") {
        Some("cards")
    } else if l.copies == Copies::Places {
        Some("posters")
    } else if l.copies == Copies::Households {
        Some("leaflets")
    } else {
        None
    }
}

/// What village `i` of `c` is handed by the printed layouts `layouts`.
/// Two card layouts are one set of cards in two forms (a card and the same
/// card 8-up): the larger count is the cards handed over.
pub fn handed(c: &Campaign, layouts: &[Layout], i: usize) -> Handed {
    let mut h = Handed::default();
    // The cards are one line whatever their forms: the receiver counts
    // cards, and a sheet of 8 is how they come from the print shop.
    let mut sheets: Option<(u64, String)> = None;
    let mut card_at = None;
    for l in layouts {
        let Some(kind) = kind(l) else { continue };
        let copies = crate::package::copies(l, c, Some(i));
        let n = copies * u64::from(l.per_sheet.max(1));
        match kind {
            "cards" => {
                h.cards = h.cards.max(n);
                if l.per_sheet > 1 {
                    sheets = Some((copies, l.paper.to_uppercase()));
                }
                card_at.get_or_insert(h.items.len());
                continue;
            }
            "posters" => h.posters += n,
            _ => h.leaflets += n,
        }
        h.items.push((l.title.clone(), n, "tờ"));
    }
    if let Some(at) = card_at {
        let title = match sheets {
            Some((n, paper)) => {
                format!("Thẻ cảnh báo bỏ ví ({} tờ {paper}, cắt rời)", figures::num(n))
            }
            None => "Thẻ cảnh báo bỏ ví".to_string(),
        };
        h.items.insert(at, (title, h.cards, "thẻ"));
    }
    h
}

/// Where the tracking workbook of a campaign goes: `theo-doi.xlsx` in its
/// folder `dir`; in a province folder, one per commune under `theo-doi/`
/// (as [`crate::open`] found it: the folder is not read again).
pub fn workbook_path(dir: &Path, p: &crate::Project) -> PathBuf {
    if p.in_province {
        let slug = crate::text::file_slug(&p.campaign.commune.full());
        dir.join("theo-doi").join(format!("{slug}.xlsx"))
    } else {
        dir.join(workbook::FILE)
    }
}

/// What the after-print stage wrote into `out/`, for the manifest.
#[derive(Debug, Default)]
pub struct Written {
    /// The files this run wrote or found unchanged (sheets and captions).
    pub written: Vec<String>,
}

/// Every delivery sheet the campaign's villages have (`giao-nhan/<slug>.pdf`),
/// written by this run or an earlier one: what the manifest may keep.
pub fn expected(c: &Campaign) -> Vec<String> {
    c.villages.iter().map(|v| format!("{SHEETS_DIR}/{}.pdf", v.slug)).collect()
}

/// The after-print stage of `build`: a delivery sheet for each village of
/// `villages`, a caption beside each social image of `jobs` that is on
/// disk, and the tracking workbook when the campaign has none (or a row
/// for each village it lacks). `whole`: the run covers every village and
/// made every document (the workbook is written only then: its copies are
/// what was printed, and a failed run writes nothing beside `--out`).
#[allow(clippy::too_many_arguments)]
pub fn after_build(
    base: &crate::world::Base,
    workbook: &Path,
    c: &Campaign,
    pack: &Pack,
    layouts: &[Layout],
    villages: &[usize],
    jobs: &[Job],
    out: &Path,
    whole: bool,
    stop: &AtomicBool,
) -> Result<Written, Fault> {
    let mut written = Written::default();
    let printed: Vec<Layout> = layouts.to_vec();
    // A village whose documents are not all on disk (one was refused or
    // could not be written) gets no sheet: it would sign for what was not made.
    let made = |i: usize| {
        jobs.iter()
            .filter(|j| j.village == Some(i))
            .all(|j| out.join(format!("{}.{}", j.stem, j.layout.format.ext())).is_file())
    };
    // One sheet per village, one lane per core, as the documents are made
    // (`package::on_lanes`). On rayon's global pool (a `par_iter`), a
    // worker that waited inside the PDF writer's own parallel loop took
    // further villages' sheets on its stack, so every sheet was in flight
    // at once and none was written until the last: 300 villages peaked at
    // 1.43 GiB (issue 26). And a chunk of villages at a time, the memo cache
    // aged between chunks, as the render batch ages it: else every sheet's
    // layout stayed cached to the end of the run (one commune of 200
    // villages: 1.0 GiB of peak RSS, 0.3 GiB without the sheets). Not after
    // the last chunk: a province ages the cache at each commune's end
    // ([`sheets_aged`]), and one more ageing would drop the layouts' shared
    // parts the next commune reuses.
    let (chunk, max_age) = crate::batch::eviction();
    let mut sheets: Vec<Option<String>> = Vec::with_capacity(villages.len());
    for (k, part) in villages.chunks(chunk).enumerate() {
        if k > 0 {
            comemo::evict(max_age);
        }
        let done = crate::package::on_lanes(part.len(), 1, |n| {
            let i = part[n];
            match stop.load(Ordering::Relaxed) || !made(i) {
                true => Ok(None),
                false => sheet::write(base, c, &printed, i, out).map(Some),
            }
        })
        .map_err(Fault::Other)?;
        for r in done {
            sheets.push(r?);
        }
    }
    written.written.extend(sheets.into_iter().flatten());
    written.written.extend(caption::write_all(c, pack, jobs, out)?);
    if whole && !stop.load(Ordering::Relaxed) {
        workbook::ensure(workbook, c, &printed)?;
    }
    Ok(written)
}

/// Whether [`after_build`] of `villages` villages aged Typst's memo cache
/// (between its chunks of delivery sheets): a province then leaves the
/// commune's end to it, so the layouts' shared parts survive to the next
/// commune.
pub fn sheets_aged(villages: usize) -> bool {
    villages > crate::batch::eviction().0
}

/// What `canhbao report` wrote.
#[derive(Debug)]
pub struct Reported {
    /// The files, in `out/bao-cao/`.
    pub files: Vec<PathBuf>,
    /// The figures read, per commune (one for a commune folder).
    pub communes: Vec<(String, Figures)>,
    /// The totals of every commune together.
    pub totals: Totals,
}

/// The report of the commune `project` of the folder `dir` (`canhbao
/// report`, opened by [`crate::report()`]): reads its filled tracking
/// workbook (`theo-doi.xlsx`, or `theo-doi.csv` when there is no workbook),
/// refuses impossible figures naming the file and the cell, and writes
/// `out/bao-cao/bao-cao-<period>.docx` and `.pdf`.
pub fn commune(
    dir: &Path,
    project: &crate::Project,
    period: &Period,
    out: Option<&Path>,
) -> Result<Reported, BuildError> {
    let figures = figures_of(dir, project, period)?;
    let c = &project.campaign;
    let out = out.map_or_else(|| dir.join("out"), Path::to_path_buf);
    let base = project.base(&[]).map_err(BuildError::other)?;
    let doc = figures::Document::commune(c, period, &figures);
    let files = write_report(&base, &doc, &out).map_err(BuildError::other)?;
    let totals = figures.totals();
    Ok(Reported { files, communes: vec![(c.commune.full(), figures)], totals })
}

/// Reads and checks the filled workbook of the commune `p` of the folder
/// `dir` for `period`: its figures (what the page shows as progress, and
/// what [`commune`] writes).
pub fn figures_of(dir: &Path, p: &crate::Project, period: &Period) -> Result<Figures, BuildError> {
    let source = tracking_file(dir, p)?;
    read_figures(&source, dir, &p.campaign, &p.layouts, period)
}

/// The workbook of a commune: `.xlsx` first, else a CSV saved from it.
fn tracking_file(dir: &Path, p: &crate::Project) -> Result<PathBuf, BuildError> {
    let xlsx = workbook_path(dir, p);
    if xlsx.is_file() {
        return Ok(xlsx);
    }
    let csv = xlsx.with_extension("csv");
    if csv.is_file() {
        return Ok(csv);
    }
    let shown = xlsx.strip_prefix(dir).unwrap_or(&xlsx).to_path_buf();
    Err(BuildError::Input(Issues(vec![
        Issue::error(&shown, "chưa có sổ theo dõi")
            .hint("chạy “canhbao build” để tạo sổ theo-doi.xlsx, điền kết quả từng thôn rồi chạy lại lệnh này"),
    ])))
}

/// Reads and checks the figures of one commune's workbook `path`.
fn read_figures(
    path: &Path,
    dir: &Path,
    c: &Campaign,
    layouts: &[Layout],
    period: &Period,
) -> Result<Figures, BuildError> {
    let shown = path.strip_prefix(dir).unwrap_or(path).to_path_buf();
    let handed: Vec<Handed> = (0..c.villages.len()).map(|i| handed(c, layouts, i)).collect();
    workbook::read(path, &shown, c, &handed, period).map_err(|i| BuildError::Input(Issues(i)))
}

/// The report of a province folder (`canhbao report`, opened by
/// [`crate::report()`]): every commune's workbook (`theo-doi/<commune>.xlsx`),
/// summed per commune.
pub fn province(
    dir: &Path,
    province: crate::province::Province,
    period: &Period,
    out: Option<&Path>,
) -> Result<Reported, BuildError> {
    let mut communes = Vec::new();
    let mut issues = Vec::new();
    let mut base = None;
    let mut any: Option<Campaign> = None;
    for (_, project) in province.ready() {
        let c = &project.campaign;
        let found = match tracking_file(dir, project) {
            Ok(p) => p,
            Err(BuildError::Input(i)) => {
                issues.extend(i.0.into_iter().map(|mut i| {
                    i.message = format!("{}: {}", c.commune.full(), i.message);
                    i
                }));
                continue;
            }
            Err(e) => return Err(e),
        };
        match read_figures(&found, dir, c, &project.layouts, period) {
            Ok(f) => communes.push((c.commune.full(), f)),
            Err(BuildError::Input(i)) => issues.extend(i.0),
            Err(e) => return Err(e),
        }
        if base.is_none() {
            base = Some(project.base(&[]).map_err(BuildError::other)?);
        }
        any.get_or_insert_with(|| c.clone());
    }
    if !issues.is_empty() {
        return Err(BuildError::Input(Issues(issues)));
    }
    let (Some(base), Some(first)) = (base, any) else {
        return Err(BuildError::other("tỉnh chưa có xã nào hợp lệ để lập báo cáo".to_string()));
    };
    let out = province.out(out);
    let doc = figures::Document::province(&first, &province.full, period, &communes);
    let files = write_report(&base, &doc, &out).map_err(BuildError::other)?;
    let mut totals = Totals::default();
    for (_, f) in &communes {
        totals.add(&f.totals());
    }
    Ok(Reported { files, communes, totals })
}

/// Writes the report's `.docx` and `.pdf` into `out/bao-cao/` and lists
/// them in the folder's manifest (the folder holds exactly what it lists).
fn write_report(
    base: &crate::world::Base,
    doc: &figures::Document,
    out: &Path,
) -> Result<Vec<PathBuf>, Fault> {
    std::fs::create_dir_all(out).map_err(Fault::io("không tạo được thư mục", out))?;
    let stem = format!("{REPORTS_DIR}/bao-cao-{}", doc.period.slug());
    let docx_rel = format!("{stem}.docx");
    let pdf_rel = format!("{stem}.pdf");
    let docx_path = crate::output::place(out, &docx_rel)?;
    let bytes = docx::write(doc).map_err(|e| Fault::Other(format!("{docx_rel}: {e}")))?;
    crate::output::write_atomic(&docx_path, &bytes)?;
    let data = serde_json::to_vec(&doc.json()).map_err(|e| Fault::Other(e.to_string()))?;
    let world = base.job("bao-cao.typ", data);
    let compiled = compile(&world).map_err(|e| Fault::Other(format!("{pdf_rel}: {e}")))?;
    let settings = crate::render::PdfSettings {
        ident: format!("canhbao/{}", stem),
        date: Some(doc.period.end()),
    };
    let pdf = crate::render::pdf(&compiled, &settings).map_err(|e| Fault::Other(e.to_string()))?;
    let pdf_path = crate::output::place(out, &pdf_rel)?;
    crate::output::write_atomic(&pdf_path, &pdf)?;
    list_in_manifest(out, &[docx_rel, pdf_rel], &doc.owner)?;
    Ok(vec![docx_path, pdf_path])
}

/// Adds `rels` to the `also` list of `out/manifest.json` (made when the
/// folder has none yet, owned by `owner`, as a build would).
fn list_in_manifest(out: &Path, rels: &[String], owner: &str) -> Result<(), Fault> {
    let path = out.join("manifest.json");
    let mut m = crate::output::Manifest::read(&path);
    if m.tool.is_empty() {
        m.tool = format!("canhbao {}", env!("CARGO_PKG_VERSION"));
        m.commune = owner.to_string();
    }
    m.also.extend(rels.iter().cloned());
    m.write(&path)
}

/// Compiles a document of any number of pages (the report grows with its
/// villages; [`crate::render::compile`] wants a declared count).
pub(crate) fn compile(
    world: &crate::world::JobWorld,
) -> Result<typst_layout::PagedDocument, String> {
    let typst::diag::Warned { output, .. } = typst::compile::<typst_layout::PagedDocument>(world);
    output.map_err(|errors| {
        errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")
    })
}
