//! Rendering all jobs in parallel and writing their files.
//!
//! Jobs run on Typst's own rayon pool, sharing one [`Base`] (library, fonts,
//! parsed layouts) and Typst's memoisation. Between chunks the memo cache is
//! aged, so memory stays flat however many villages there are.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::output::{self, Entry, Manifest};
use crate::plan::Job;
use crate::render::{self, Failure, PdfSettings};
use crate::world::Base;

/// Jobs rendered between two cache evictions; entries unused for
/// `MAX_AGE` evictions are dropped. Measured on 1,000 leaflets (2 cores):
/// chunks of 16 with age 0–2 all ran in 6–8 s at 100–180 MB peak; chunks of
/// 64 with age 3 reached 430 MB, and 256-job chunks 530 MB. Memory then
/// stays flat however many villages follow. `CANHBAO_CHUNK` and
/// `CANHBAO_EVICT` override both for benchmarks.
const CHUNK: usize = 16;

/// See [`CHUNK`].
const MAX_AGE: usize = 1;

/// Settings for a batch.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Output folder.
    pub out: PathBuf,
    /// Re-render even unchanged files.
    pub force: bool,
    /// Also write each job's JSON data next to its PDF.
    pub emit_data: bool,
    /// Also write PNG pages at this resolution.
    pub png_dpi: Option<f32>,
    /// PDF date (issue date).
    pub date: Option<(i32, u8, u8)>,
    /// PDF/A-2b.
    pub pdf_a: bool,
    /// Hash of everything shared by the jobs (layouts, fonts, tool, options).
    pub run_key: String,
    /// Manifest file name (differs per shard so shards can share a folder).
    pub manifest_name: String,
}

/// What happened to one job.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Rendered and written.
    Written(Entry, Vec<String>),
    /// Unchanged since the last run; not rendered.
    Skipped(Entry),
    /// Not written.
    Failed(Failure),
}

/// The result of a batch.
#[derive(Debug, Default)]
pub struct BatchReport {
    /// Files written.
    pub written: usize,
    /// Files left as they were.
    pub skipped: usize,
    /// Pages in all files of the run (written or skipped).
    pub pages: usize,
    /// Jobs that failed: (village, layout, reason).
    pub failed: Vec<(String, String, String)>,
    /// Typst warnings: (village, layout, text).
    pub warnings: Vec<(String, String, String)>,
    /// Stale temporary files removed before starting.
    pub cleaned: usize,
    /// The manifest written.
    pub manifest: PathBuf,
}

/// Renders and writes every job; `tick` is called once per finished job.
pub fn run(
    base: &Base,
    jobs: &[Job],
    opts: &BatchOptions,
    tick: &(dyn Fn(&Job, &Outcome) + Sync),
    stop: &AtomicBool,
) -> Result<BatchReport, String> {
    std::fs::create_dir_all(&opts.out)
        .map_err(|e| format!("failed to create `{}` ({e})", opts.out.display()))?;
    let mut report = BatchReport { cleaned: output::clean_temp(&opts.out), ..Default::default() };
    let manifest_path = opts.out.join(&opts.manifest_name);
    let old = Manifest::read(&manifest_path);
    let previous: HashMap<&str, &Entry> = old.files.iter().map(|e| (e.file.as_str(), e)).collect();

    let mut outcomes = Vec::with_capacity(jobs.len());
    let chunk_size: usize =
        std::env::var("CANHBAO_CHUNK").ok().and_then(|v| v.parse().ok()).unwrap_or(CHUNK);
    let max_age: usize =
        std::env::var("CANHBAO_EVICT").ok().and_then(|v| v.parse().ok()).unwrap_or(MAX_AGE);
    for chunk in jobs.chunks(chunk_size) {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let done: Vec<Outcome> = chunk
            .par_iter()
            .map(|job| {
                let outcome = one(base, job, opts, &previous);
                tick(job, &outcome);
                outcome
            })
            .collect();
        outcomes.extend(chunk.iter().zip(done));
        // Age Typst's memo cache: entries unused for a few chunks go away.
        comemo::evict(max_age);
    }

    let mut manifest = Manifest { tool: tool_version(), files: Vec::new() };
    let mut this_run: HashMap<String, ()> = HashMap::new();
    for (job, outcome) in outcomes {
        let (village, layout) = (job.name.clone(), job.layout.id.clone());
        match outcome {
            Outcome::Written(entry, warnings) => {
                report.written += 1;
                report.pages += entry.pages;
                report
                    .warnings
                    .extend(warnings.into_iter().map(|w| (village.clone(), layout.clone(), w)));
                this_run.insert(entry.file.clone(), ());
                manifest.files.push(entry);
            }
            Outcome::Skipped(entry) => {
                report.skipped += 1;
                report.pages += entry.pages;
                this_run.insert(entry.file.clone(), ());
                manifest.files.push(entry);
            }
            Outcome::Failed(f) => report.failed.push((village, layout, f.to_string())),
        }
    }
    // Keep earlier entries (other villages, other layouts) whose files still exist.
    for e in old.files {
        if !this_run.contains_key(&e.file) && opts.out.join(&e.file).is_file() {
            manifest.files.push(e);
        }
    }
    manifest.write(&manifest_path)?;
    report.manifest = manifest_path;
    Ok(report)
}

/// The hash of one job's inputs.
pub fn input_hash(run_key: &str, job: &Job) -> String {
    let mut bytes = run_key.as_bytes().to_vec();
    bytes.extend_from_slice(job.stem.as_bytes());
    bytes.extend_from_slice(&job.data);
    output::sha256(&bytes)
}

/// Renders and writes one job (or skips it when nothing changed).
fn one(base: &Base, job: &Job, opts: &BatchOptions, previous: &HashMap<&str, &Entry>) -> Outcome {
    let file = format!("{}.{}", job.stem, job.layout.format);
    let path = opts.out.join(&file);
    let inputs = input_hash(&opts.run_key, job);
    if !opts.force
        && let Some(prev) = previous.get(file.as_str())
        && prev.inputs == inputs
        && unchanged(&path, prev)
        && extras_present(job, opts)
    {
        return Outcome::Skipped((*prev).clone());
    }
    match render_one(base, job, opts, file, inputs) {
        Ok(outcome) => outcome,
        Err(f) => Outcome::Failed(f),
    }
}

fn render_one(
    base: &Base,
    job: &Job,
    opts: &BatchOptions,
    file: String,
    inputs: String,
) -> Result<Outcome, Failure> {
    let world = base.job(&job.layout.file, job.data.clone());
    let compiled = render::compile(&world, job.layout.pages)?;
    let io = |e: String| Failure::Typst(e);
    let pdf = if job.layout.format == "png" {
        // Screen images: the first page as PNG is the product.
        render::png(&compiled.doc, job.layout.dpi).map_err(io)?.swap_remove(0)
    } else {
        let settings = PdfSettings { ident: job.ident.clone(), date: opts.date, pdf_a: opts.pdf_a };
        render::pdf(&compiled.doc, &settings)?
    };
    if opts.emit_data {
        // Pretty for the designer who opens it; the layout sees the same value.
        let value: serde_json::Value =
            serde_json::from_slice(&job.data).map_err(|e| io(e.to_string()))?;
        let pretty = serde_json::to_vec_pretty(&value).map_err(|e| io(e.to_string()))?;
        output::write_atomic(&output::out_path(&opts.out, &job.stem, "json"), &pretty)
            .map_err(io)?;
    }
    if let Some(dpi) = opts.png_dpi {
        for (i, png) in render::png(&compiled.doc, dpi).map_err(io)?.iter().enumerate() {
            let path = opts.out.join(format!("{}-{}.png", job.stem, i + 1));
            output::write_atomic(&path, png).map_err(io)?;
        }
    }
    output::write_atomic(&opts.out.join(&file), &pdf).map_err(io)?;
    let entry = Entry {
        file,
        layout: job.layout.id.clone(),
        village: job.name.clone(),
        pages: compiled.doc.pages().len(),
        bytes: pdf.len() as u64,
        sha256: output::sha256(&pdf),
        inputs,
    };
    Ok(Outcome::Written(entry, compiled.warnings))
}

/// Whether the file on disk is still the one the manifest describes.
fn unchanged(path: &Path, prev: &Entry) -> bool {
    match std::fs::read(path) {
        Ok(bytes) => bytes.len() as u64 == prev.bytes && output::sha256(&bytes) == prev.sha256,
        Err(_) => false,
    }
}

/// Whether side files asked for this run already exist.
fn extras_present(job: &Job, opts: &BatchOptions) -> bool {
    let data_ok = !opts.emit_data || output::out_path(&opts.out, &job.stem, "json").is_file();
    let png_ok = opts.png_dpi.is_none() || opts.out.join(format!("{}-1.png", job.stem)).is_file();
    data_ok && png_ok
}

/// `canhbao x.y.z`.
pub fn tool_version() -> String {
    format!("canhbao {}", env!("CARGO_PKG_VERSION"))
}
