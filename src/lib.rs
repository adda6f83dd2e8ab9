//! canhbao: a commune's data in, print-ready anti-fraud material out.
//!
//! The data flows one way (see `../shared/DESIGN.md`):
//! campaign folder → [`campaign::load`] → [`plan::plan`] → [`batch::run`]
//! (Typst in a sandboxed [`world`]) → files + manifest. This file wires the
//! stages together; the binary only parses arguments and prints results.

#![allow(clippy::result_large_err)] // Issue is a plain value passed once per problem; boxing buys nothing.

pub mod batch;
pub mod campaign;
pub mod cli;
pub mod content;
pub mod diag;
pub mod init;
pub mod layouts;
pub mod loa;
pub mod output;
pub mod package;
pub mod phone;
pub mod plan;
pub mod preflight;
pub mod proof;
pub mod province;
pub mod qr;
pub mod render;
pub mod sandbox;
pub mod serve;
pub mod text;
pub mod units;
pub mod world;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use campaign::{Campaign, Known};
use content::Pack;
use diag::{Issue, Issues};
use layouts::Layout;

/// A loaded and validated campaign with the layouts and words it uses.
pub struct Project {
    /// The campaign.
    pub campaign: Campaign,
    /// Every layout available to it.
    pub layouts: Vec<Layout>,
    /// Its locale pack.
    pub pack: Pack,
}

/// Loads and validates a campaign folder, collecting every problem.
pub fn load(dir: &Path) -> Result<Project, Issues> {
    let campaign = campaign::load(dir, &known())?;
    project(campaign, dir)
}

/// What a campaign may name: the built-in layouts, locales, tactics, audiences.
pub fn known() -> Known {
    let vi = Pack::builtin("vi").expect("the vi pack is built in");
    Known {
        layouts: layouts::builtin().iter().map(|l| l.id.clone()).collect(),
        locales: content::BUILTIN.iter().map(|(c, _)| c.to_string()).collect(),
        tactics: vi.tactic_ids(),
        audiences: vi.audience_ids(),
    }
}

/// A loaded campaign of `dir` with its layouts and locale pack, its `[text]`
/// checked against the pack.
pub fn project(campaign: Campaign, dir: &Path) -> Result<Project, Issues> {
    let mut layouts = layouts::builtin();
    if let Some((_, custom)) = &campaign.custom_layouts {
        layouts.retain(|l| !custom.iter().any(|c| c.id == l.id));
        layouts.extend(custom.iter().cloned());
    }
    let pack = Pack::builtin(&campaign.locale).expect("locale checked against the built-in packs");
    let issues = content::check_overrides(&pack, &campaign.text, &dir.join("campaign.toml"));
    if !issues.is_empty() {
        return Err(Issues(issues));
    }
    Ok(Project { campaign, layouts, pack })
}

impl Project {
    /// The shared Typst world for this campaign.
    pub fn base(&self, font_dirs: &[PathBuf]) -> Result<world::Base, String> {
        let c = &self.campaign;
        let source = match &c.custom_layouts {
            Some((dir, _)) => world::LayoutSource::Dir(dir.clone()),
            None => world::LayoutSource::Builtin,
        };
        world::Base::new(source, Some(&c.root), font_dirs, c.date)
    }

    /// A layout by id, or a message listing the ones there are.
    pub fn layout(&self, id: &str) -> Result<&Layout, String> {
        self.layouts.iter().find(|l| l.id == id).ok_or_else(|| {
            let ids: Vec<&str> = self.layouts.iter().map(|l| l.id.as_str()).collect();
            format!("không có mẫu “{id}”; các mẫu có sẵn: {}", ids.join(", "))
        })
    }

    /// A village index by name, full name or slug.
    pub fn village(&self, name: &str) -> Option<usize> {
        self.campaign.villages.iter().position(|v| {
            campaign::same_name(&v.name, name)
                || campaign::same_name(&v.full(), name)
                || v.slug == name
        })
    }

    /// Renders one document's pages to PNG (`pages` limits how many).
    pub fn png(
        &self,
        base: &world::Base,
        layout: &Layout,
        village: Option<usize>,
        dpi: f32,
        pages: usize,
    ) -> Result<Vec<Vec<u8>>, String> {
        let planner = plan::Planner::new(&self.campaign, &self.pack)?;
        let off = preflight::Mode::Off;
        Ok(self.png_with(base, &planner, layout, village, dpi, pages, off)?.0)
    }

    /// Every page of one document as PNG, after the preflight in `mode`:
    /// the pages and the preflight's warnings, or why there are no pages.
    pub fn preview(
        &self,
        base: &world::Base,
        layout: &Layout,
        village: Option<usize>,
        dpi: f32,
        mode: preflight::Mode,
    ) -> Result<(Vec<Vec<u8>>, Vec<String>), String> {
        let planner = plan::Planner::new(&self.campaign, &self.pack)?;
        self.png_with(base, &planner, layout, village, dpi, usize::MAX, mode)
    }

    /// [`Project::preview`] with a planner shared by many documents.
    #[allow(clippy::too_many_arguments)] // private; the two callers name them all
    fn png_with(
        &self,
        base: &world::Base,
        planner: &plan::Planner,
        layout: &Layout,
        village: Option<usize>,
        dpi: f32,
        pages: usize,
        mode: preflight::Mode,
    ) -> Result<(Vec<Vec<u8>>, Vec<String>), String> {
        let mut doc = self.document(base, planner, layout, village)?;
        let expect = preflight::Expect::new(
            &self.campaign,
            layout,
            village.map(|i| &self.campaign.villages[i]),
        );
        let warnings = preflight::apply(&doc, &expect, mode).map_err(|e| e.to_string())?;
        let keep = pages.min(doc.pages().len());
        let pages: Vec<_> = doc.pages()[..keep].to_vec();
        doc = typst_layout::PagedDocument::new(pages.into_iter().collect(), Default::default());
        Ok((render::png(&doc, dpi)?, warnings))
    }

    /// One document laid out (every page), as the preview and `serve` show it.
    pub fn document(
        &self,
        base: &world::Base,
        planner: &plan::Planner,
        layout: &Layout,
        village: Option<usize>,
    ) -> Result<typst_layout::PagedDocument, String> {
        let villages: Vec<usize> = village.into_iter().collect();
        let jobs = plan::plan(&self.campaign, std::slice::from_ref(layout), &villages, &self.pack);
        let job = jobs.first().ok_or("không có gì để vẽ")?;
        let world = base.job(&job.layout.file, planner.data(job)?);
        let compiled = render::compile(&world, layout.pages).map_err(|e| e.to_string())?;
        Ok(compiled.doc)
    }

    /// One image with the first page of every village's document, for a
    /// one-glance review of the whole run.
    pub fn contact_sheet(&self, layout: &Layout, font_dirs: &[PathBuf]) -> Result<Vec<u8>, String> {
        use rayon::prelude::*;
        let base = self.base(font_dirs)?;
        let planner = plan::Planner::new(&self.campaign, &self.pack)?;
        let n = self.campaign.villages.len();
        let thumbs: Vec<image::RgbaImage> = (0..n)
            .into_par_iter()
            .map(|i| {
                let (png, _) =
                    self.png_with(&base, &planner, layout, Some(i), 24.0, 1, preflight::Mode::Off)?;
                image::load_from_memory(&png[0]).map(|im| im.to_rgba8()).map_err(|e| e.to_string())
            })
            .collect::<Result<_, String>>()?;
        let (tw, th) = thumbs.first().map_or((1, 1), |t| t.dimensions());
        let cols = 8.min(n.max(1)) as u32;
        let rows = (n as u32).div_ceil(cols);
        let gap = 10;
        let mut sheet = image::RgbaImage::from_pixel(
            cols * (tw + gap) + gap,
            rows * (th + gap) + gap,
            image::Rgba([200, 200, 200, 255]),
        );
        for (i, t) in thumbs.iter().enumerate() {
            let (x, y) = (i as u32 % cols, i as u32 / cols);
            image::imageops::overlay(
                &mut sheet,
                t,
                i64::from(gap + x * (tw + gap)),
                i64::from(gap + y * (th + gap)),
            );
        }
        let mut out = std::io::Cursor::new(Vec::new());
        sheet.write_to(&mut out, image::ImageFormat::Png).map_err(|e| e.to_string())?;
        Ok(out.into_inner())
    }
}

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Output folder (default: `<campaign>/out`).
    pub out: Option<PathBuf>,
    /// Layouts to build (default: those in campaign.toml).
    pub layouts: Vec<String>,
    /// Only these villages (by name, full name or slug).
    pub villages: Vec<String>,
    /// `(k, n)`: build only the k-th of n deterministic shares of the villages.
    pub shard: Option<(usize, usize)>,
    /// Re-render unchanged files.
    pub force: bool,
    /// Write into an `out` folder that holds other files (no canhbao manifest).
    pub allow_nonempty_out: bool,
    /// Write each job's JSON data next to its PDF.
    pub emit_data: bool,
    /// Also write PNG pages at this resolution.
    pub png_dpi: Option<f32>,
    /// Extra font folders (system fonts are never used otherwise).
    pub font_dirs: Vec<PathBuf>,
    /// Skip the print-shop package (combined files, print order).
    pub no_package: bool,
    /// Crop marks (overrides campaign.toml when set).
    pub marks: bool,
    /// Bleed in mm (overrides campaign.toml).
    pub bleed_mm: Option<f64>,
    /// PDF/A-2b (overrides campaign.toml when set).
    pub pdf_a: bool,
    /// Week number for the loudspeaker script's tactic (1-based; 0 = 1).
    pub week: u32,
    /// What the preflight's findings do (`--preflight`).
    pub preflight: preflight::Mode,
}

/// Picks the layouts and villages of a run, or explains what is wrong.
pub fn select(project: &Project, opts: &BuildOptions) -> Result<(Vec<Layout>, Vec<usize>), Issues> {
    let c = &project.campaign;
    let mut issues = Issues::default();
    let wanted = if opts.layouts.is_empty() { c.layouts.clone() } else { opts.layouts.clone() };
    let mut layouts = Vec::new();
    for id in &wanted {
        match project.layouts.iter().find(|l| &l.id == id) {
            Some(l) => layouts.push(l.clone()),
            None => issues.push(
                Issue::error(Path::new("--layout"), format!("không có mẫu “{id}”")).hint(format!(
                    "các mẫu có sẵn: {}",
                    project.layouts.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", ")
                )),
            ),
        }
    }
    let mut villages: Vec<usize> = (0..c.villages.len()).collect();
    if !opts.villages.is_empty() {
        villages.clear();
        for name in &opts.villages {
            match project.village(name) {
                Some(i) if !villages.contains(&i) => villages.push(i),
                Some(_) => {}
                None => issues.push(
                    Issue::error(
                        Path::new("--village"),
                        format!("không có thôn “{name}” trong danh sách"),
                    )
                    .hint("viết tên như trong tệp danh sách, ví dụ --village \"Đông Hải\""),
                ),
            }
        }
        villages.sort();
    }
    if let Some((k, n)) = opts.shard {
        villages.retain(|i| shard_of(&c.villages[*i].slug, n) == k);
    }
    if issues.has_errors() {
        return Err(issues);
    }
    Ok((layouts, villages))
}

/// Which of `n` shards (1-based) a village belongs to: a stable hash of its slug.
pub fn shard_of(slug: &str, n: usize) -> usize {
    let digest = output::sha256(slug.as_bytes());
    let x = u64::from_str_radix(&digest[..16], 16).unwrap_or(0);
    (x % n as u64) as usize + 1
}

/// The result of a build.
pub struct Built {
    /// The project that was built.
    pub project: Project,
    /// Where files went.
    pub out: PathBuf,
    /// What happened.
    pub report: batch::BatchReport,
    /// Jobs planned.
    pub jobs: usize,
    /// The print order (empty when no package was made).
    pub order: Vec<package::OrderLine>,
    /// Package files written (not unchanged).
    pub package_written: usize,
    /// Loudspeaker scripts written.
    pub loa_files: usize,
}

/// Why a build stopped before or during rendering.
#[derive(Debug)]
pub enum BuildError {
    /// Bad input: nothing was written.
    Input(Issues),
    /// Anything else (disk full, …).
    Other(String),
}

/// Loads, plans, renders and writes. Progress goes to `tick`.
pub fn build(
    dir: &Path,
    opts: &BuildOptions,
    tick: &(dyn Fn(&plan::Job, &batch::Outcome) + Sync),
    on_planned: &dyn Fn(usize),
    stop: &AtomicBool,
) -> Result<Built, BuildError> {
    let project = load(dir).map_err(BuildError::Input)?;
    build_project(project, dir, opts, None, tick, on_planned, stop)
}

/// [`build`] of a campaign already loaded from `dir`. `base`, when given, is
/// the Typst world of the folder, shared by the communes of a province run
/// (`crate::province`) so fonts and layouts are set up once.
pub fn build_project(
    mut project: Project,
    dir: &Path,
    opts: &BuildOptions,
    base: Option<&world::Base>,
    tick: &(dyn Fn(&plan::Job, &batch::Outcome) + Sync),
    on_planned: &dyn Fn(usize),
    stop: &AtomicBool,
) -> Result<Built, BuildError> {
    apply_print_flags(&mut project.campaign, opts).map_err(BuildError::Input)?;
    let (layouts, villages) = select(&project, opts).map_err(BuildError::Input)?;
    let logo = logo_warnings(&project.campaign, &layouts);
    if logo.iter().any(|i| !i.warning) {
        return Err(BuildError::Input(Issues(logo)));
    }
    project.campaign.warnings.extend(logo);
    let c = &project.campaign;
    let planner = plan::Planner::new(c, &project.pack).map_err(BuildError::Other)?;
    let jobs = plan::plan(c, &layouts, &villages, &project.pack);
    on_planned(jobs.len());
    let own_base;
    let base = match base {
        Some(b) => b,
        None => {
            own_base = project.base(&opts.font_dirs).map_err(BuildError::Other)?;
            &own_base
        }
    };
    let out = opts.out.clone().unwrap_or_else(|| dir.join("out"));
    refuse_foreign_out(dir, &out, opts).map_err(BuildError::Input)?;
    let manifest_name = match opts.shard {
        Some((k, n)) => format!("manifest.shard-{k}-of-{n}.json"),
        None => "manifest.json".into(),
    };
    let batch_opts = batch::BatchOptions {
        out: out.clone(),
        force: opts.force,
        emit_data: opts.emit_data,
        png_dpi: opts.png_dpi,
        date: c.date,
        pdf_a: c.print.pdf_a,
        run_key: run_key(opts, c),
        manifest_name,
        preflight: opts.preflight,
    };
    let report =
        batch::run(base, &planner, &jobs, &batch_opts, tick, stop).map_err(BuildError::Other)?;
    let whole_run = opts.villages.is_empty() && opts.shard.is_none() && report.failed.is_empty();
    let (order, package_written) = if whole_run && !opts.no_package {
        package::make(base, c, &layouts, &jobs, &out, &report.manifest)
            .map_err(BuildError::Other)?
    } else {
        (Vec::new(), 0)
    };
    // Loudspeaker scripts belong to the campaign's whole set of material:
    // `--layout X` builds exactly X.
    let loa_files = if opts.layouts.is_empty() {
        write_loa(c, &project.pack, &villages, opts.week, &out, stop).map_err(BuildError::Other)?
    } else {
        0
    };
    let jobs = jobs.len();
    Ok(Built { project, out, report, jobs, order, package_written, loa_files })
}

/// An `--out` folder holding someone else's files is not written into
/// unless the user says so: a build would replace its `manifest.json`,
/// `print-order.csv`, `loa/` and `print/` files. The campaign's own `out/`
/// is canhbao's by convention (`check` and `preview` write there too).
fn refuse_foreign_out(dir: &Path, out: &Path, opts: &BuildOptions) -> Result<(), Issues> {
    let own = match (out.canonicalize(), dir.join("out").canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    match output::foreign(out) {
        Some(why) if !own && !opts.allow_nonempty_out => {
            let issue = Issue::error(Path::new("--out"), why).hint(
                "chọn một thư mục trống (hoặc chưa có) cho --out, hoặc thêm --allow-nonempty-out nếu chắc chắn muốn ghi vào thư mục này",
            );
            Err(Issues(vec![issue]))
        }
        _ => Ok(()),
    }
}

/// Writes `loa/<village>.txt`, the loudspeaker script of every village, in
/// parallel; a script that is already on disk unchanged is not rewritten.
fn write_loa(
    c: &Campaign,
    pack: &content::Pack,
    villages: &[usize],
    week: u32,
    out: &Path,
    stop: &AtomicBool,
) -> Result<usize, String> {
    use rayon::prelude::*;
    villages
        .par_iter()
        .map(|&i| {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(0);
            }
            let v = &c.villages[i];
            let script = loa::script(c, v, pack, week);
            // `out` exists: the batch made it.
            let path = output::place(out, &format!("loa/{}.txt", v.slug))?;
            output::write_if_changed(&path, script.text.as_bytes())?;
            Ok(1)
        })
        .sum()
}

/// Warnings for a raster logo printed below 300 dpi by any selected layout.
pub fn logo_warnings(c: &Campaign, layouts: &[Layout]) -> Vec<Issue> {
    let Some(logo) = &c.logo else { return Vec::new() };
    let path = c.root.join(logo);
    let is_svg = logo.to_ascii_lowercase().ends_with(".svg");
    if is_svg {
        return Vec::new(); // vector: sharp at any size
    }
    let (px, _) = match image::image_dimensions(&path) {
        Ok(d) => d,
        Err(e) => {
            let issue = Issue::error(&path, format!("không đọc được ảnh logo ({e})"))
                .hint("dùng tệp PNG, JPEG hoặc SVG");
            return vec![issue];
        }
    };
    let widest = layouts.iter().map(|l| l.logo_mm).fold(0.0, f64::max);
    if widest <= 0.0 {
        return Vec::new();
    }
    let dpi = f64::from(px) / (widest / 25.4);
    if dpi >= 300.0 {
        return Vec::new();
    }
    let need = (300.0 * widest / 25.4).ceil();
    let issue = Issue::warning(
        &path,
        format!(
            "logo rộng {px} điểm ảnh, in rộng {widest} mm chỉ đạt {dpi:.0} dpi (nên ≥ 300 dpi)"
        ),
    )
    .hint(format!("dùng ảnh rộng ít nhất {need} điểm ảnh, hoặc logo dạng SVG"));
    vec![issue]
}

/// Command-line print options win over campaign.toml.
fn apply_print_flags(c: &mut Campaign, opts: &BuildOptions) -> Result<(), Issues> {
    c.print.marks |= opts.marks;
    c.print.pdf_a |= opts.pdf_a;
    if c.print.pdf_a {
        // typst-pdf 0.15.1 always passes `cmyk_profile: None` to krilla, and
        // PDF/A forbids device CMYK without an output intent: every file
        // would fail. Say so once, before any work.
        let issue = Issue::error(Path::new("--pdf-standard"), "chưa ghi được PDF/A-2b với màu CMYK")
            .hint("typst 0.15.1 không nhúng hồ sơ màu CMYK (output intent) mà PDF/A đòi; hãy in PDF thường (PDF 1.7, CMYK, font nhúng) — nhà in nhận được");
        return Err(Issues(vec![issue]));
    }
    if let Some(b) = opts.bleed_mm {
        if !(0.0..=10.0).contains(&b) {
            let issue =
                Issue::error(Path::new("--bleed"), format!("lề xén {b} mm ngoài khoảng 0–10 mm"));
            return Err(Issues(vec![issue]));
        }
        c.print.bleed_mm = b;
    }
    Ok(())
}

/// Hash of everything shared by all jobs: tool, layouts, fonts, options.
fn run_key(opts: &BuildOptions, c: &Campaign) -> String {
    let mut bytes = batch::tool_version().into_bytes();
    bytes.extend_from_slice(layouts::BUILTIN_REGISTRY.as_bytes());
    for (name, content) in layouts::BUILTIN_FILES {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(&output::sha256(content).into_bytes());
    }
    for font in world::builtin_fonts() {
        bytes.extend_from_slice(output::sha256(font.data()).as_bytes());
    }
    bytes.extend_from_slice(
        // The preflight mode too: a file written with warnings must be
        // checked again, not skipped, when a strict build follows.
        format!("{:?}{:?}{:?}{:?}", opts.font_dirs, c.print.pdf_a, c.date, opts.preflight)
            .as_bytes(),
    );
    if let Some(logo) = &c.logo {
        bytes.extend_from_slice(&std::fs::read(c.root.join(logo)).unwrap_or_default());
    }
    if let Some((dir, _)) = &c.custom_layouts {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map(|r| r.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        // Regular files only: reading a FIFO would block the run.
        paths.retain(|p| p.is_file());
        paths.sort();
        for p in paths {
            bytes.extend_from_slice(p.to_string_lossy().as_bytes());
            bytes.extend_from_slice(&std::fs::read(&p).unwrap_or_default());
        }
    }
    output::sha256(&bytes)
}
