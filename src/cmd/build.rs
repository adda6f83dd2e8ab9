//! `canhbao build`: every file of the campaign, with a progress bar and a
//! summary of what to print.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use canhbao::batch::Outcome as JobOutcome;
use canhbao::cli::BuildArgs;
use canhbao::{BuildError, BuildOptions};

use super::Outcome;

/// A flag that Ctrl-C (SIGINT) or SIGTERM sets: the lanes take no new
/// document, the files being written land whole, and the manifest lists
/// exactly what is done. A second signal quits at once (a half-written
/// temporary file is swept by the next run).
pub(super) fn stop_on_signal() -> Arc<AtomicBool> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM] {
        // The order matters: the shutdown looks at the flag before it is set.
        // Without the handlers, a signal still ends the run, as before.
        let _ = flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop));
        let _ = flag::register(signal, Arc::clone(&stop));
    }
    stop
}

/// Builds the campaign and prints what was made.
pub fn run(args: BuildArgs) -> Outcome {
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
    if canhbao::province::is_province(&args.campaign) {
        return super::province(canhbao::province::build::cli(&args.campaign, &opts));
    }
    let start = Instant::now();
    let bar = indicatif::ProgressBar::hidden();
    let tty = std::io::stderr().is_terminal();
    let done = AtomicUsize::new(0);
    let total = AtomicUsize::new(0);
    let on_planned = |n: usize| {
        total.store(n, Ordering::Relaxed);
        if tty {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_length(n as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                    .expect("valid template"),
            );
        }
    };
    let tick = |job: &canhbao::plan::Job, outcome: &JobOutcome| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        let _ = outcome; // failures are listed once, at the end
        if tty {
            bar.set_position(n as u64);
            bar.set_message(job.name.clone());
        } else {
            // Plain lines for logs: about ten per run.
            let total = total.load(Ordering::Relaxed).max(1);
            let step = (total / 10).max(1);
            if n.is_multiple_of(step) || n == total {
                eprintln!("  {n}/{total} tệp");
            }
        }
    };
    let stop = stop_on_signal();
    let result = canhbao::build(&args.campaign, &opts, &tick, &on_planned, &stop);
    bar.finish_and_clear();
    match result {
        Err(e @ BuildError::Input(_)) => {
            super::report(&e);
            eprintln!("Không tạo tệp nào: hãy sửa các lỗi trên rồi chạy lại.");
            Outcome::BadInput
        }
        Err(e) => super::report(&e),
        Ok(built) => {
            for w in &built.project.campaign.warnings {
                eprintln!("{w}");
            }
            let r = &built.report;
            for (village, layout, text) in &r.warnings {
                eprintln!("cảnh báo ({village}, {layout}):\n{text}");
            }
            eprintln!(
                "{} tệp mới, {} tệp không đổi, {} trang, {} lỗi, {} cảnh báo, {:.1} giây → {}",
                r.written,
                r.skipped,
                r.pages,
                r.failed.len(),
                r.warnings.len() + built.project.campaign.warnings.len(),
                start.elapsed().as_secs_f64(),
                built.out.display()
            );
            print_order_summary(&built.order, &r.failed);
            if built.loa_files > 0 {
                eprintln!(
                    "Bài phát thanh (tuần {}): {} tệp trong loa/",
                    opts.week.max(1),
                    built.loa_files
                );
            }
            if built.stopped {
                eprintln!(
                    "Đã dừng theo yêu cầu: {} trong {} tệp đã xong và có trong manifest. Chạy lại đúng lệnh này để làm nốt phần còn lại.",
                    r.written + r.skipped,
                    built.jobs
                );
                return Outcome::Stopped;
            }
            if r.written == 0 && built.package_written == 0 && r.failed.is_empty() && r.skipped > 0
            {
                eprintln!("Không có gì thay đổi kể từ lần trước; dùng --force để tạo lại tất cả.");
            }
            if r.failed.is_empty() {
                Outcome::Done
            } else {
                for (village, layout, why) in &r.failed {
                    eprintln!("không tạo được: {village} — {layout}: {why}");
                }
                Outcome::Failed
            }
        }
    }
}

/// The copies to print, per layout and paper, as a small table (the
/// page's summary counts the same [`canhbao::summary::totals`]); then the
/// documents the order lists as refused (not in the package).
fn print_order_summary(order: &[canhbao::package::OrderLine], failed: &[(String, String, String)]) {
    let totals = canhbao::summary::totals(order);
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
