//! canhbao: a commune's data in, print-ready anti-fraud material out.
//!
//! The data flows one way (see `../shared/DESIGN.md`), one module per stage:
//! load ([`project`]) → validate ([`validate`]) → select ([`mod@select`]) →
//! plan ([`plan`]) → render ([`batch`], Typst in a sandboxed [`world`]) →
//! package ([`package`]) → scripts ([`loa`]). This file is the module list
//! and the pipeline; the binary and the web page call it and print results.

#![allow(clippy::result_large_err)] // Issue is a plain value passed once per problem; boxing buys nothing.

pub mod batch;
pub mod campaign;
pub mod cli;
pub mod content;
pub mod diag;
pub mod init;
pub mod layouts;
pub mod loa;
pub mod order;
pub mod output;
pub mod package;
pub mod phone;
pub mod plan;
pub mod preflight;
pub mod preview;
pub mod project;
pub mod proof;
pub mod province;
pub mod qr;
pub mod render;
pub mod rerun;
pub mod sandbox;
pub mod select;
pub mod serve;
pub mod summary;
pub mod text;
pub mod units;
pub mod validate;
pub mod world;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use diag::Issues;

pub use diag::BuildError;

pub use preview::{PreviewOptions, Previewed};
pub use project::Project;
pub use select::{select, shard_of};
pub use validate::logo_warnings;

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
    /// `--pdf-standard` was given: refused (see [`validate::NO_PDF_A`]).
    pub pdf_a: bool,
    /// Week number for the loudspeaker script's tactic (1-based; 0 = 1).
    pub week: u32,
    /// What the preflight's findings do (`--preflight`).
    pub preflight: preflight::Mode,
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
    /// The run was stopped (Ctrl-C) before every document was made.
    pub stopped: bool,
}

/// Loads and validates a campaign folder for a run with `opts`, collecting
/// every problem: the one entry point of `check`, `build`, `preview` and
/// `serve`. Warnings are in the campaign's `warnings`.
pub fn check(dir: &Path, opts: &BuildOptions) -> Result<Project, Issues> {
    let mut project = project::load(dir)?;
    validate::validate(&mut project, opts)?;
    Ok(project)
}

/// [`check`] with the campaign's own options (no command-line overrides).
pub fn load(dir: &Path) -> Result<Project, Issues> {
    check(dir, &BuildOptions::default())
}

/// Loads, validates and renders one document to PNG pages.
pub fn preview(dir: &Path, opts: &PreviewOptions) -> Result<Previewed, BuildError> {
    let project = load(dir).map_err(BuildError::Input)?;
    preview::write(&project, opts)
}

/// Loads, plans, renders and writes. Progress goes to `tick`; setting
/// `stop` ends the run after the files being written.
pub fn build(
    dir: &Path,
    opts: &BuildOptions,
    tick: &(dyn Fn(&plan::Job, &batch::Outcome) + Sync),
    on_planned: &dyn Fn(usize),
    stop: &AtomicBool,
) -> Result<Built, BuildError> {
    let project = check(dir, opts).map_err(BuildError::Input)?;
    build_project(project, dir, opts, None, tick, on_planned, stop)
}

/// [`build`] of a campaign of `dir` already loaded and validated for
/// `opts`. `base`, when given, is the Typst world of the folder, shared by
/// the communes of a province run (`crate::province`) so fonts and layouts
/// are set up once.
pub fn build_project(
    project: Project,
    dir: &Path,
    opts: &BuildOptions,
    base: Option<&world::Base>,
    tick: &(dyn Fn(&plan::Job, &batch::Outcome) + Sync),
    on_planned: &dyn Fn(usize),
    stop: &AtomicBool,
) -> Result<Built, BuildError> {
    let (layouts, villages) = select::select(&project, opts).map_err(BuildError::Input)?;
    let c = &project.campaign;
    let planner = plan::Planner::new(c, &project.pack).map_err(BuildError::other)?;
    let jobs = plan::plan(c, &layouts, &villages, &project.pack);
    on_planned(jobs.len());
    let own_base;
    let base = match base {
        Some(b) => b,
        None => {
            own_base = project.base(&opts.font_dirs).map_err(BuildError::other)?;
            &own_base
        }
    };
    let out = opts.out.clone().unwrap_or_else(|| dir.join("out"));
    output::refuse_foreign(dir, &out, opts.allow_nonempty_out).map_err(BuildError::Input)?;
    let ids: Vec<String> = layouts.iter().map(|l| l.id.clone()).collect();
    let (commune, key) = (rerun::commune_id(c), rerun::build_key(opts, &ids, c));
    refuse_other_run(dir, &out, &commune, &key, opts).map_err(BuildError::Input)?;
    let manifest_name = match opts.shard {
        Some((k, n)) => format!("manifest.shard-{k}-of-{n}.json"),
        None => "manifest.json".into(),
    };
    // What the folder held before: what this run no longer makes goes.
    let before = output::Manifest::read(&out.join(&manifest_name));
    let batch_opts = batch::BatchOptions {
        out: out.clone(),
        force: opts.force,
        emit_data: opts.emit_data,
        png_dpi: opts.png_dpi,
        date: c.date,
        run_key: rerun::run_key(opts, c),
        manifest_name,
        preflight: opts.preflight,
        commune,
        key,
    };
    let report =
        batch::run(base, &planner, &jobs, &batch_opts, tick, stop).map_err(BuildError::other)?;
    // A later step that fails still names the files the batch did not write.
    let fail = |e: String| match report.unwritten() {
        Some(missing) => BuildError::other(format!("{e}\n{missing}")),
        None => BuildError::other(e),
    };
    // A stopped run keeps what it finished (the manifest lists exactly
    // that) and makes nothing from a part: no package, no scripts.
    let stopped = stop.load(std::sync::atomic::Ordering::Relaxed);
    // A refused document leaves the others' package whole: it is listed
    // in the order instead (`package::Refused`), and so does a file that
    // could not be written. A full disk stops the package: it would fail the
    // same way, and the message names the documents, not a second list.
    let whole_run =
        opts.villages.is_empty() && opts.shard.is_none() && !stopped && !report.disk_full;
    let (order, package_written) = if whole_run && !opts.no_package {
        package::make(base, c, &layouts, &jobs, &out, &report.manifest, &report.failed)
            .map_err(|e| fail(package_failed(&out, &report.manifest, &jobs, e)))?
    } else {
        (Vec::new(), 0)
    };
    // Loudspeaker scripts belong to the campaign's whole set of material:
    // `--layout X` builds exactly X.
    let scripts = opts.layouts.is_empty() && !stopped;
    let loa = if scripts {
        loa::write_all(c, &project.pack, &villages, opts.week, &out, stop)
    } else {
        Ok(0)
    };
    let keep = output::Keep {
        documents: rerun::documents(&project),
        scripts: c.villages.iter().map(|v| format!("loa/{}.txt", v.slug)).collect(),
        // Those that landed are listed, even when a later one failed.
        written: match scripts {
            false => Vec::new(),
            true => villages.iter().map(|&i| format!("loa/{}.txt", c.villages[i].slug)).collect(),
        },
        package: (whole_run && !opts.no_package)
            .then(|| order.iter().map(|l| l.file.clone()).collect()),
    };
    output::settle(&out, &report.manifest, &before, &keep).map_err(|e| fail(e.to_string()))?;
    let loa_files = loa.map_err(|e| fail(e.to_string()))?;
    let jobs = jobs.len();
    Ok(Built { project, out, report, jobs, order, package_written, loa_files, stopped })
}

/// Refuses a run into `out` when the folder holds another commune's output
/// (unless it is the campaign's own `out/`: the commune was renamed), or,
/// for a whole run, shards made with other options or data than this run
/// (`key`): merged, they would mix two runs.
fn refuse_other_run(
    dir: &Path,
    out: &Path,
    commune: &str,
    key: &str,
    opts: &BuildOptions,
) -> Result<(), Issues> {
    use diag::Issue;
    if let Some(why) = output::other_commune(out, commune).filter(|_| !output::own_out(dir, out)) {
        let issue = Issue::error(Path::new("--out"), why).hint(
            "mỗi xã cần một thư mục kết quả riêng: chọn thư mục khác cho --out (ví dụ một thư mục mới mang tên xã này); chỉ xoá thư mục cũ nếu không cần các tệp của xã kia nữa",
        );
        return Err(Issues(vec![issue]));
    }
    let shards = if opts.shard.is_none() { output::unmatched_shards(out, key) } else { Vec::new() };
    if !shards.is_empty() {
        return Err(Issues(vec![output::shards_issue(out, &shards)]));
    }
    Ok(())
}

/// The message of a print package that could not be made (`why`), naming
/// its files that are not on disk. Its files this run wrote but did not
/// list (the package lists them at its end) are removed: the manifest
/// keeps telling what is there, and the next run makes them again.
fn package_failed(out: &Path, manifest: &Path, jobs: &[plan::Job], why: String) -> String {
    use std::collections::{BTreeSet, HashMap};
    let mut expected = BTreeSet::new();
    // Documents per layout, counted once (not once per job).
    let mut counts: HashMap<&str, usize> = HashMap::new();
    jobs.iter().for_each(|j| *counts.entry(j.layout.id.as_str()).or_default() += 1);
    for job in jobs.iter().filter(|j| j.layout.copies != layouts::Copies::None) {
        let id = &job.layout.id;
        if job.layout.impose.is_some() {
            let name = job.stem.rsplit('/').next().unwrap_or(&job.stem);
            expected.insert(format!("print/{id}-2up-sra4/{name}.pdf"));
        }
        let count = counts[id.as_str()];
        // A commune's one document (the banner) is its own proof: no combined file.
        if job.layout.scope == layouts::Scope::Commune {
            continue;
        }
        for part in 1..=count.div_ceil(package::MAX_PER_FILE) {
            let suffix =
                if count > package::MAX_PER_FILE { format!("-part{part}") } else { String::new() };
            expected.insert(format!("print/{id}-all{suffix}.pdf"));
        }
    }
    let listed = output::Manifest::read(manifest).owned();
    let unlisted: Vec<&String> = expected.iter().filter(|f| !listed.contains(*f)).collect();
    output::remove_stale(out, unlisted);
    let missing: Vec<String> = expected.into_iter().filter(|f| !out.join(f).is_file()).collect();
    match batch::unwritten(&missing) {
        Some(list) => format!("{why}\n{list}"),
        None => why,
    }
}
