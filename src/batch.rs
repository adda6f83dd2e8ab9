//! Rendering all jobs in parallel and writing their files.
//!
//! One lane per core renders the next job until none is left; all lanes
//! share one [`Base`] (library, fonts, parsed layouts) and Typst's
//! memoisation, which is aged every [`CHUNK`] documents so memory stays flat
//! however many villages there are. A writer thread writes the files and
//! journals each finished one, so a killed run's successor skips it.
//!
//! A job is skipped when its input hash (run key, data) and the hash of
//! every file its world read from disk are what the manifest recorded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::diag::Fault;
use crate::output::{self, Entry, Manifest};
use crate::plan::{Job, Planner};
use crate::preflight;
use crate::render::{self, Failure, PdfSettings};
use crate::world::Base;

/// Jobs rendered between two cache evictions; entries unused for
/// `MAX_AGE` evictions are dropped. Measured on 1,000 leaflets (2 cores,
/// two runs each): 16/1 ran in 3.5–3.6 s at 124 MB peak; 16/2 alike; 64/1
/// in 3.4–3.5 s but at 181 MB; 16/0 (keep nothing) in 4.4–4.8 s, since the
/// commune-wide parts of a layout are then laid out again for every
/// village. Memory stays flat however many villages follow (10,000: 123 MB).
/// `CANHBAO_CHUNK` and `CANHBAO_EVICT` override both for benchmarks.
const CHUNK: usize = 16;

/// See [`CHUNK`].
const MAX_AGE: usize = 1;

/// Stack of a worker thread. Typst recurses deeply into nested content;
/// the default 2 MiB overflowed on real layouts.
pub const WORKER_STACK: usize = 64 << 20;

/// Rendered files queued for the writer thread; see [`run`].
const WRITE_QUEUE: usize = 64;

/// One file for the writer thread: its path under the output folder, and
/// for a job's last file, the manifest entry to journal once it has landed.
struct Write {
    job: usize,
    rel: String,
    bytes: Vec<u8>,
    entry: Option<Entry>,
}

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
    pub date: Option<time::Date>,
    /// Hash of everything shared by the jobs (layouts, fonts, tool, options).
    pub run_key: String,
    /// Manifest file name (differs per shard so shards can share a folder).
    pub manifest_name: String,
    /// What the preflight's findings do (fail the file, or warn).
    pub preflight: preflight::Mode,
    /// Whose output this is ([`Manifest::commune`]).
    pub commune: String,
    /// The run's options and data ([`Manifest::key`]).
    pub key: String,
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
    /// The files of the failed jobs, in job order.
    pub not_written: Vec<String>,
    /// A file could not be written because the disk is full: whatever the
    /// run would write next (the print package) fails the same way.
    pub disk_full: bool,
}

impl BatchReport {
    /// Files named in a message about the files not written.
    pub const NAMED: usize = 10;

    /// "24 tệp chưa tạo được: a.pdf, b.pdf, … và 14 tệp khác", when a file
    /// of the run was not written.
    pub fn unwritten(&self) -> Option<String> {
        unwritten(&self.not_written)
    }
}

/// "24 tệp chưa tạo được: a.pdf, b.pdf, … và 14 tệp khác" for `files`
/// (none: `None`), naming the first [`BatchReport::NAMED`].
pub fn unwritten(files: &[String]) -> Option<String> {
    let n = files.len();
    let shown = files[..n.min(BatchReport::NAMED)].join(", ");
    let more = match n.saturating_sub(BatchReport::NAMED) {
        0 => String::new(),
        m => format!(" và {m} tệp khác"),
    };
    (n > 0).then(|| format!("{n} tệp chưa tạo được: {shown}{more}"))
}

/// The jobs not yet taken, `front..back`: even lanes take from the front,
/// odd lanes from the back. The jobs come grouped by layout, and the first
/// document of a group lays out the parts every village shares (the
/// commune's hotline, issuer, channels); two lanes starting the same group
/// at once would both lay them out, since Typst's memo cache does not wait
/// for a computation in flight. Taken from both ends, two lanes meet in one
/// group only, where it is already warm. Counted with cachegrind, a
/// province of 5 communes × 20 villages × 2 layouts against one commune of
/// 100 villages (rendering only): each commune cost 268 million
/// instructions more than its villages' share; 175 million taken from both
/// ends.
struct Ends(std::sync::Mutex<(usize, usize)>);

impl Ends {
    fn new(n: usize) -> Self {
        Ends(std::sync::Mutex::new((0, n)))
    }

    fn take(&self, from_back: bool) -> Option<usize> {
        let mut ends = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (front, back) = &mut *ends;
        if front >= back {
            return None;
        }
        Some(if from_back {
            *back -= 1;
            *back
        } else {
            *front += 1;
            *front - 1
        })
    }
}

/// Renders and writes every job; `tick` is called once per finished job.
pub fn run(
    base: &Base,
    planner: &Planner,
    jobs: &[Job],
    opts: &BatchOptions,
    tick: &(dyn Fn(&Job, &Outcome) + Sync),
    stop: &AtomicBool,
) -> Result<BatchReport, Fault> {
    std::fs::create_dir_all(&opts.out).map_err(Fault::io("không tạo được thư mục", &opts.out))?;
    let mut report = BatchReport { cleaned: output::clean_temp(&opts.out), ..Default::default() };
    let manifest_path = opts.out.join(&opts.manifest_name);
    // The manifest, with the journal of a run that was killed folded in.
    let old = Manifest::read(&manifest_path);
    let mut journal = output::Journal::open(&output::journal_path(&manifest_path))?;
    // Files made by any run into this folder (other shards too) count as made.
    let known = old.with_others(&opts.out, &opts.manifest_name);
    let previous: HashMap<&str, &Entry> = known.iter().map(|e| (e.file.as_str(), e)).collect();

    let (chunk_size, max_age) = eviction();
    // One lane per core takes the next job until none is left: no barrier
    // between chunks, so no core waits for the slowest job of a chunk. The
    // jobs are not items of one shared rayon loop: Typst and the PDF writer
    // use rayon inside a job, and a rayon worker that waits there steals
    // other jobs and starts them on its own stack, so hundreds of documents
    // would be in flight at once (measured: 790 MB for 1,000 villages). Here
    // exactly one document per lane is in flight. Whoever finishes every
    // `chunk_size`-th job ages the memo cache; eviction only drops cache
    // entries, so it is safe while other jobs compile.
    //
    // Files go to one writer thread (write, fsync, rename), so a core never
    // idles while the disk flushes: measured on 1,000 leaflets, fsync in the
    // workers cost 0.3–0.8 s of 7 s. The queue is bounded, so memory stays
    // flat if the disk is slower than the renderer.
    let next = Ends::new(jobs.len());
    let finished = AtomicUsize::new(0);
    let workers = rayon::current_num_threads().clamp(1, jobs.len().max(1));
    let (queue, pending) = std::sync::mpsc::sync_channel::<Write>(WRITE_QUEUE);
    let work = |lane: usize, queue: std::sync::mpsc::SyncSender<Write>| {
        let mut mine = Vec::new();
        loop {
            let Some(i) = next.take(lane % 2 == 1) else { return mine };
            if stop.load(Ordering::Relaxed) {
                return mine;
            }
            let save = |rel: String, bytes: Vec<u8>, entry: Option<Entry>| {
                queue
                    .send(Write { job: i, rel, bytes, entry })
                    .map_err(|_| Failure::Io("luồng ghi tệp đã dừng".into()))
            };
            let outcome = one(base, planner, &jobs[i], opts, &previous, &save);
            tick(&jobs[i], &outcome);
            if (finished.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(chunk_size) {
                comemo::evict(max_age);
            }
            mine.push((i, outcome));
        }
    };
    let (mut done, (write_errors, side)) = std::thread::scope(|scope| {
        let out = &opts.out;
        let writer = scope.spawn(move || {
            let mut errors: HashMap<usize, Fault> = HashMap::new();
            let mut side = Vec::new();
            for w in pending {
                let written = output::place(out, &w.rel)
                    .and_then(|path| output::write_atomic(&path, &w.bytes));
                match (written, w.entry) {
                    (Err(e), _) => {
                        errors.entry(w.job).or_insert(e);
                    }
                    (Ok(()), None) => side.push(w.rel),
                    // The journal is the manifest of a run that does not
                    // finish (killed, or its disk full): a file it cannot
                    // list is taken back, so what is on disk stays listed.
                    (Ok(()), Some(entry)) => {
                        if let Err(e) = journal.append(&entry) {
                            let path = out.join(&entry.file);
                            let _ = std::fs::remove_file(&path);
                            errors
                                .entry(w.job)
                                .or_insert(Fault::io("không ghi được tệp", &path)(e));
                        }
                    }
                }
            }
            journal.sync();
            (errors, side)
        });
        let handles: Vec<_> = (0..workers)
            .map(|lane| {
                // Each lane is a one-thread rayon pool: the parallel loops
                // inside Typst and the PDF writer run on the lane's own
                // thread instead of handing work to (and waiting on) threads
                // that are busy with other documents.
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .stack_size(WORKER_STACK)
                    .build()
                    .map_err(|e| Fault::Other(format!("không khởi động được luồng xử lý ({e})")))?;
                let queue = queue.clone();
                Ok(scope.spawn(move || pool.install(|| work(lane, queue))))
            })
            .collect::<Result<_, Fault>>()?;
        drop(queue);
        let done: Vec<(usize, Outcome)> =
            handles.into_iter().flat_map(|h| h.join().expect("a worker thread finishes")).collect();
        Ok::<_, Fault>((done, writer.join().expect("the writer thread finishes")))
    })?;
    // A file that could not be written is a failed job, not a written one.
    for (i, outcome) in &mut done {
        if let Some(e) = write_errors.get(i) {
            report.disk_full |= matches!(e, Fault::Io { error, .. }
                if error.kind() == std::io::ErrorKind::StorageFull);
            *outcome = Outcome::Failed(Failure::Io(e.to_string()));
        }
    }
    done.sort_by_key(|(i, _)| *i);
    let outcomes = done.into_iter().map(|(i, o)| (&jobs[i], o));

    // Side files (`--emit-data`, `--png`) are listed with the run's other
    // files; the end of the run drops those of documents that went.
    let mut also = old.also.clone();
    also.extend(side);
    let mut manifest = Manifest {
        tool: tool_version(),
        commune: opts.commune.clone(),
        key: opts.key.clone(),
        files: Vec::new(),
        also,
    };
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
            Outcome::Failed(f) => {
                report.not_written.push(format!("{}.{}", job.stem, job.layout.format.ext()));
                report.failed.push((village, layout, f.to_string()));
            }
        }
    }
    // Keep earlier entries (other villages, other layouts) whose files still exist.
    for e in old.files {
        if !this_run.contains_key(&e.file) && opts.out.join(&e.file).is_file() {
            manifest.files.push(e);
        }
    }
    if let Err(e) = manifest.write(&manifest_path) {
        // The manifest of the last run, with this run's journal, still
        // lists what is on disk; the message names what is missing.
        let missing = report.unwritten().map_or(String::new(), |m| format!("\n{m}"));
        return Err(Fault::Other(format!("{e}{missing}")));
    }
    report.manifest = manifest_path;
    Ok(report)
}

/// Documents made between two evictions of Typst's memo cache, and the
/// number of evictions an unused entry survives: [`CHUNK`] and [`MAX_AGE`],
/// or `CANHBAO_CHUNK` and `CANHBAO_EVICT` for benchmarks. Every stage that
/// compiles documents in bulk (the render batch, the 2-up sheets, the proof
/// of `check`) ages the cache by this measure.
pub fn eviction() -> (usize, usize) {
    let var = |name: &str, default: usize| {
        std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    (var("CANHBAO_CHUNK", CHUNK).max(1), var("CANHBAO_EVICT", MAX_AGE))
}

/// The hash of one job's inputs.
pub fn input_hash(run_key: &str, job: &Job, data: &[u8]) -> String {
    let mut bytes = run_key.as_bytes().to_vec();
    bytes.extend_from_slice(job.stem.as_bytes());
    bytes.extend_from_slice(data);
    output::sha256(&bytes)
}

/// Renders and writes one job (or skips it when nothing changed).
fn one(
    base: &Base,
    planner: &Planner,
    job: &Job,
    opts: &BatchOptions,
    previous: &HashMap<&str, &Entry>,
    save: &dyn Fn(String, Vec<u8>, Option<Entry>) -> Result<(), Failure>,
) -> Outcome {
    let file = format!("{}.{}", job.stem, job.layout.format.ext());
    let path = opts.out.join(&file);
    let data = match planner.data(job) {
        Ok(d) => d,
        Err(e) => return Outcome::Failed(Failure::Io(e.to_string())),
    };
    let inputs = input_hash(&opts.run_key, job, &data);
    if !opts.force
        && let Some(prev) = previous.get(file.as_str())
        && prev.inputs == inputs
        && unchanged(&path, prev)
        && extras_present(job, opts)
        && prev.reads.iter().all(|(vpath, sha)| base.digest(vpath).as_ref() == Some(sha))
    {
        return Outcome::Skipped((*prev).clone());
    }
    let village = job.village.map(|i| &planner.campaign().villages[i]);
    let expect = preflight::Expect::new(planner.campaign(), &job.layout, village)
        .carrying(planner.blocks(job));
    match render_one(base, job, data, &expect, opts, file, inputs, save) {
        Ok(outcome) => outcome,
        Err(f) => Outcome::Failed(f),
    }
}

#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename them
fn render_one(
    base: &Base,
    job: &Job,
    data: Vec<u8>,
    expect: &preflight::Expect,
    opts: &BatchOptions,
    file: String,
    inputs: String,
    save: &dyn Fn(String, Vec<u8>, Option<Entry>) -> Result<(), Failure>,
) -> Result<Outcome, Failure> {
    let value: Option<serde_json::Value> = if opts.emit_data {
        Some(serde_json::from_slice(&data).map_err(|e| Failure::Typst(e.to_string()))?)
    } else {
        None
    };
    let world = base.job(&job.layout.file, data);
    let mut compiled = render::compile(&world, job.layout.pages)?;
    // Before export: a document that breaks a print rule is not written.
    compiled.warnings.extend(preflight::apply(&compiled.doc, expect, opts.preflight)?);
    let io = |e: String| Failure::Io(e);
    let pdf = if job.layout.format == crate::layouts::Format::Png {
        // Screen images: the first page as PNG is the product.
        render::png(&compiled.doc, job.layout.dpi).map_err(io)?.swap_remove(0)
    } else {
        let settings = PdfSettings { ident: job.ident.clone(), date: opts.date };
        render::pdf(&compiled.doc, &settings)?
    };
    if let Some(value) = value {
        // Pretty for the designer who opens it; the layout sees the same value.
        let pretty = serde_json::to_vec_pretty(&value).map_err(|e| io(e.to_string()))?;
        save(format!("{}.json", job.stem), pretty, None)?;
    }
    if let Some(dpi) = opts.png_dpi {
        for (i, png) in render::png(&compiled.doc, dpi).map_err(io)?.into_iter().enumerate() {
            save(format!("{}-{}.png", job.stem, i + 1), png, None)?;
        }
    }
    let entry = Entry {
        file: file.clone(),
        layout: job.layout.id.clone(),
        village: job.name.clone(),
        pages: compiled.doc.pages().len(),
        bytes: pdf.len() as u64,
        sha256: output::sha256(&pdf),
        inputs,
        reads: world.reads(),
    };
    // Last, so a kill never leaves the PDF without its side files; its
    // entry is journaled once it has landed.
    save(file, pdf, Some(entry.clone()))?;
    Ok(Outcome::Written(entry, compiled.warnings))
}

/// Whether the file on disk is still the one the manifest describes.
fn unchanged(path: &Path, prev: &Entry) -> bool {
    // Only a regular file of the recorded size is read (a FIFO would block).
    let same_size =
        std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == prev.bytes);
    if !same_size {
        return false;
    }
    match std::fs::read(path) {
        Ok(bytes) => bytes.len() as u64 == prev.bytes && output::sha256(&bytes) == prev.sha256,
        Err(_) => false,
    }
}

/// Whether side files asked for this run already exist.
fn extras_present(job: &Job, opts: &BatchOptions) -> bool {
    let data_ok = !opts.emit_data || opts.out.join(format!("{}.json", job.stem)).is_file();
    let png_ok = opts.png_dpi.is_none() || opts.out.join(format!("{}-1.png", job.stem)).is_file();
    data_ok && png_ok
}

/// `canhbao x.y.z`.
pub fn tool_version() -> String {
    format!("canhbao {}", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::Ends;

    #[test]
    fn two_lanes_take_every_job_once_from_both_ends() {
        let ends = Ends::new(5);
        let taken: Vec<_> = [false, true, false, true, false, true]
            .into_iter()
            .map(|back| ends.take(back))
            .collect();
        assert_eq!(taken, [Some(0), Some(4), Some(1), Some(3), Some(2), None]);
        assert_eq!(Ends::new(0).take(false), None);
    }
}
