//! canhbao: a commune's data in, print-ready anti-fraud material out.
//!
//! The data flows one way (see `../shared/DESIGN.md`), one module per stage:
//! [`open`] (load [`project`] or a [`province`], then [`validate`]) →
//! select ([`mod@select`]) → plan ([`plan`]) → render ([`batch`], Typst in
//! a sandboxed [`world`]) → package ([`package`]) → scripts ([`loa`]). This
//! file is the module list and the pipeline; the binary and the web page
//! call it, hear its progress through a [`Reporter`] and print results.

#![allow(clippy::result_large_err)] // Issue is a plain value passed once per problem; boxing buys nothing.

pub mod batch;
pub mod campaign;
pub mod content;
pub mod copies;
pub mod diag;
pub mod glue;
pub mod init;
pub mod layouts;
pub mod loa;
pub mod order;
pub mod output;
pub mod package;
pub mod pdfcat;
pub mod pdfread;
pub mod phone;
pub mod plan;
pub mod preflight;
pub mod preview;
pub mod project;
pub mod proof;
pub mod province;
pub mod qr;
pub mod render;
pub mod report; // issue 27: delivery sheets, tracking workbook, captions, `report`
pub mod reporter;
pub mod rerun;
pub mod run;
pub mod sandbox;
pub mod select;
pub mod serve;
pub mod sha256;
pub mod summary;
pub mod text;
pub mod units;
pub mod validate;
pub mod world;

use diag::Issues;
use std::path::Path;

pub use diag::BuildError;

pub use preview::{PreviewOptions, Previewed};
pub use project::Project;
pub use reporter::{Quiet, Reporter};
pub use run::{BuildOptions, Built};
pub use select::{select, shard_of};
pub use validate::logo_warnings;

/// A campaign folder, opened: one commune's campaign, or a province's
/// (every commune of its table, each loaded or failed on its own).
#[allow(clippy::large_enum_variant)] // Made once per run and moved once: boxing buys nothing.
pub enum Campaign {
    /// `campaign.toml` describes one commune.
    Commune(Project),
    /// `campaign.toml` names a communes table (`communes = "communes.csv"`).
    Province(province::Province),
}

/// The one door into the library: reads the folder's `campaign.toml` once,
/// tells a commune from a province, loads and validates it for a run with
/// `opts`, collecting every problem. Every verb and the page start here.
/// Warnings are in each campaign's `warnings`.
pub fn open(dir: &Path, opts: &BuildOptions) -> Result<Campaign, Issues> {
    let toml_path = dir.join("campaign.toml");
    if !toml_path.exists() {
        // The commune loader says what is missing and how to make it.
        return Err(campaign::load(dir, &project::known()).err().unwrap_or_default());
    }
    let one = |i: diag::Issue| Issues(vec![i]);
    let bytes = campaign::villages::read_capped(&toml_path, campaign::MAX_TOML_BYTES, &toml_path)
        .map_err(one)?;
    let text = campaign::encoding::decode_toml(&bytes, &toml_path).map_err(one)?;
    if province::is_province(&text) {
        return province::load(dir, text, opts).map(Campaign::Province);
    }
    let loaded = campaign::load_text(dir, toml_path, text, &project::known(), None)?;
    let mut project = project::from_campaign(loaded);
    validate::validate(&mut project, opts)?;
    Ok(Campaign::Commune(project))
}

/// [`open`] of a folder that must be one commune's: `check`'s library
/// call, `preview` and the page. A province folder is refused with a
/// message saying where it is built.
pub fn check(dir: &Path, opts: &BuildOptions) -> Result<Project, Issues> {
    match open(dir, opts)? {
        Campaign::Commune(project) => Ok(project),
        Campaign::Province(p) => {
            let issue = diag::Issue::error(
                &dir.join("campaign.toml"),
                format!("đây là chiến dịch cấp tỉnh ({}), không phải của một xã", p.full),
            )
            .hint(
                "chạy canhbao check hoặc canhbao build với thư mục này; xem trước hay dùng trang web thì mở thư mục của một xã",
            );
            Err(Issues(vec![issue]))
        }
    }
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

/// `canhbao report DIR --period P`: the 6-month or annual report from the
/// filled tracking workbook of a commune ([`report::commune`]) or of every
/// commune of a province ([`report::province`]).
pub fn report(
    dir: &Path,
    period: &report::Period,
    out: Option<&Path>,
) -> Result<report::Reported, BuildError> {
    match open(dir, &BuildOptions::default()).map_err(BuildError::Input)? {
        Campaign::Commune(project) => report::commune(dir, &project, period, out),
        Campaign::Province(p) => report::province(dir, p, period, out),
    }
}

/// Loads, plans, renders and writes. Progress goes to `reporter`; its
/// stop flag ends the run after the files being written.
pub fn build(
    dir: &Path,
    opts: &BuildOptions,
    reporter: &dyn Reporter,
) -> Result<Built, BuildError> {
    let project = check(dir, opts).map_err(BuildError::Input)?;
    build_project(project, dir, opts, None, reporter)
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
    reporter: &dyn Reporter,
) -> Result<Built, BuildError> {
    let (layouts, villages) = select::select(&project, opts).map_err(BuildError::Input)?;
    let c = &project.campaign;
    let planner = plan::Planner::new(c, &project.pack).map_err(BuildError::other)?;
    let jobs = plan::plan(c, &layouts, &villages, &project.pack);
    reporter.planned(jobs.len());
    let own_base;
    let base = match base {
        Some(b) => b,
        None => {
            own_base = project.base(&opts.font_dirs).map_err(BuildError::other)?;
            &own_base
        }
    };
    let out = opts.out.clone().unwrap_or_else(|| dir.join("out"));
    let ids: Vec<String> = layouts.iter().map(|l| l.id.clone()).collect();
    let (commune, key) = (rerun::commune_id(c), rerun::build_key(opts, &ids, c));
    output::refuse_other_run(&output::Target {
        dir,
        root: &out,
        out: &out,
        owner: &commune,
        key: &key,
        shard: opts.shard,
        allow_nonempty: opts.allow_nonempty_out,
        province: false,
    })
    .map_err(BuildError::Input)?;
    let manifest_name = output::manifest_name(opts.shard);
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
    let tick = |job: &plan::Job, outcome: &batch::Outcome| reporter.document_done(job, outcome);
    let stop = reporter.stop();
    let report =
        batch::run(base, &planner, &jobs, &batch_opts, &tick, stop).map_err(BuildError::other)?;
    // A later step that fails still names the files the batch did not write.
    let fail = |e: String| match report.unwritten() {
        Some(missing) => BuildError::other(format!("{e}\n{missing}")),
        None => BuildError::other(e),
    };
    // A stopped run keeps what it finished (the manifest lists exactly
    // that) and makes nothing from a part: no package, no scripts.
    let stopped = reporter.stopped();
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
    // After print (issue 27): delivery sheets, captions, theo-doi.xlsx.
    let after = match scripts {
        true => report::after_build(
            base,
            &report::workbook_path(dir, &project),
            c,
            &project.pack,
            &layouts,
            &villages,
            &jobs,
            &out,
            whole_run && report.failed.is_empty(),
            stop,
        ),
        false => Ok(report::Written::default()),
    };
    let sheets =
        (report::expected(c), after.as_ref().map(|w| w.written.clone()).unwrap_or_default());
    let keep = output::Keep {
        documents: rerun::documents(&project),
        scripts: c.villages.iter().map(|v| format!("loa/{}.txt", v.slug)).chain(sheets.0).collect(),
        // Those that landed are listed, even when a later one failed.
        written: match scripts {
            false => Vec::new(),
            true => villages
                .iter()
                .map(|&i| format!("loa/{}.txt", c.villages[i].slug))
                .chain(sheets.1)
                .collect(),
        },
        package: (whole_run && !opts.no_package)
            .then(|| order.iter().map(|l| l.file.clone()).collect()),
    };
    output::settle(&out, &report.manifest, &before, &keep).map_err(|e| fail(e.to_string()))?;
    let loa_files = loa.map_err(|e| fail(e.to_string()))?;
    after.map_err(|e| fail(e.to_string()))?;
    let jobs = jobs.len();
    Ok(Built { project, out, report, jobs, order, package_written, loa_files, stopped })
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
