//! `canhbao build`: every file of the campaign, with a progress bar and a
//! summary of what to print.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use canhbao::batch::Outcome as JobOutcome;
use canhbao::plan::Job;
use canhbao::{BuildError, BuildOptions, Campaign, Reporter};

use crate::cli::BuildArgs;

use super::Outcome;

/// A progress bar on a terminal, about ten plain lines in a log.
struct Progress<'a> {
    bar: indicatif::ProgressBar,
    tty: bool,
    done: AtomicUsize,
    total: AtomicUsize,
    stop: &'a AtomicBool,
}

impl Reporter for Progress<'_> {
    fn planned(&self, n: usize) {
        self.total.store(n, Ordering::Relaxed);
        if self.tty {
            let bar = &self.bar;
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_length(n as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                    .expect("valid template"),
            );
        }
    }

    fn document_done(&self, job: &Job, _: &JobOutcome) {
        // Failures are listed once, at the end.
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.tty {
            self.bar.set_position(n as u64);
            self.bar.set_message(job.name.clone());
        } else {
            // Plain lines for logs: about ten per run.
            let total = self.total.load(Ordering::Relaxed).max(1);
            let step = (total / 10).max(1);
            if n.is_multiple_of(step) || n == total {
                eprintln!("  {n}/{total} tệp");
            }
        }
    }

    fn stop(&self) -> &AtomicBool {
        self.stop
    }
}

/// Builds the campaign (one commune, or every commune of a province) and
/// prints what was made. `stop` is set by Ctrl-C (`main`).
pub fn run(args: BuildArgs, stop: &AtomicBool) -> Outcome {
    // The global pool's size is the number of render lanes (`--jobs`), and
    // it runs the other parallel loops (scripts, contact sheet). Typst's
    // layout and memo code recurse deeply; rayon's default 2 MiB stacks
    // overflowed on a 1,000-village run, so give its threads room.
    let mut pool = rayon::ThreadPoolBuilder::new().stack_size(canhbao::batch::WORKER_STACK);
    if let Some(n) = args.jobs {
        pool = pool.num_threads(n.max(1));
    }
    let _ = pool.build_global();
    let opts = BuildOptions {
        out: args.out,
        layouts: args.layouts,
        villages: args.villages,
        shard: args.shard,
        force: args.force,
        allow_nonempty_out: args.allow_nonempty_out,
        emit_data: args.emit_data,
        png_dpi: args.png,
        font_dirs: args.font_dirs,
        no_package: args.no_package,
        marks: args.marks,
        bleed_mm: args.bleed,
        pdf_a: args.pdf_standard.is_some(),
        week: args.week,
        preflight: args.preflight.unwrap_or_default(),
    };
    let start = Instant::now();
    let dir = &args.campaign;
    let project = match canhbao::open(dir, &opts) {
        Ok(Campaign::Commune(project)) => project,
        Ok(Campaign::Province(province)) => return super::province::build(province, &opts, stop),
        Err(issues) => return super::report_input(&BuildError::Input(issues)),
    };
    let progress = Progress {
        bar: indicatif::ProgressBar::hidden(),
        tty: std::io::stderr().is_terminal(),
        done: AtomicUsize::new(0),
        total: AtomicUsize::new(0),
        stop,
    };
    let result = canhbao::build_project(project, dir, &opts, None, &progress);
    let bar = progress.bar;
    bar.finish_and_clear();
    match result {
        Err(e @ BuildError::Input(_)) => super::report_input(&e),
        Err(e) => super::report(&e),
        Ok(built) => {
            for w in &built.project.campaign.warnings {
                eprintln!("{w}");
            }
            let r = &built.report;
            for (village, layout, text) in &r.warnings {
                eprintln!("cảnh báo ({village}, {layout}):\n{text}");
            }
            let sum = canhbao::summary::Summary::of(&built);
            eprintln!(
                "{} tệp mới, {} tệp không đổi, {} trang, {} lỗi, {} cảnh báo, {:.1} giây → {}",
                sum.written,
                sum.skipped,
                sum.pages,
                sum.failed.len(),
                sum.warnings,
                start.elapsed().as_secs_f64(),
                built.out.display()
            );
            print_order_summary(&sum.order, &r.failed);
            if sum.loa > 0 {
                eprintln!("Bài phát thanh (tuần {}): {} tệp trong loa/", opts.week.max(1), sum.loa);
            }
            if sum.stopped {
                eprintln!(
                    "Đã dừng theo yêu cầu: {} trong {} tệp đã xong và có trong manifest. Chạy lại đúng lệnh này để làm nốt phần còn lại.",
                    sum.written + sum.skipped,
                    sum.jobs
                );
                return Outcome::Stopped;
            }
            if sum.written == 0
                && built.package_written == 0
                && sum.failed.is_empty()
                && sum.skipped > 0
            {
                eprintln!("Không có gì thay đổi kể từ lần trước; dùng --force để tạo lại tất cả.");
            }
            if sum.failed.is_empty() {
                Outcome::Done
            } else {
                for line in &sum.failed {
                    eprintln!("không tạo được: {line}");
                }
                Outcome::Failed
            }
        }
    }
}

/// The copies to print, per layout and paper, as a small table (the
/// page's summary shows the same [`canhbao::summary::Summary::order`]);
/// then the documents the order lists as refused (not in the package).
fn print_order_summary(totals: &[canhbao::summary::Total], failed: &[(String, String, String)]) {
    if totals.is_empty() {
        return;
    }
    eprintln!("{:<22} {:<12} {:>8} {:>10}", "Mẫu", "Khổ giấy", "Số tệp", "Số bản in");
    for t in totals {
        eprintln!("{:<22} {:<12} {:>8} {:>10}", t.layout, t.paper, t.files, t.copies);
    }
    eprintln!("Chi tiết cho nhà in: print-order.csv");
    if !failed.is_empty() {
        eprintln!(
            "KHÔNG IN ĐƯỢC {} tệp (không có trong gói in; print-order.csv ghi lý do):",
            failed.len()
        );
        for f in failed {
            let r = canhbao::package::Refused::of(f);
            let pages =
                if r.pages.is_empty() { String::new() } else { format!(" trang {}", r.pages) };
            eprintln!("  - {} — {}{pages}", r.village, r.layout);
        }
    }
}
