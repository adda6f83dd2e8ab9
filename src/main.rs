//! The `canhbao` binary: parse arguments, run the verb, print, exit.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use clap::Parser;

use canhbao::batch::Outcome;
use canhbao::cli::{BuildArgs, CheckArgs, Cli, Command, InitArgs, PreviewArgs};
use canhbao::{BuildError, BuildOptions};

/// Exit code for bad input (nothing written).
const EXIT_INPUT: u8 = 2;
/// Exit code when some files could not be made.
const EXIT_FAILED: u8 = 1;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::Layouts => layouts(),
        Command::Init(args) => init(args),
        Command::Preview(args) => preview(args),
        Command::Serve(a) => {
            serve(canhbao::serve::Options { dir: a.dir, port: a.port, open: !a.no_open })
        }
        Command::Completions(args) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut cmd, "canhbao", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// Says in Vietnamese what is wrong with the command line (clap's own
/// messages are English); `--help` and `--version` print as they are.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        // `canhbao` alone: the help, which is Vietnamese.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(EXIT_INPUT);
        }
        _ => {}
    }
    let get = |k: ContextKind| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let (arg, value) = (get(ContextKind::InvalidArg), get(ContextKind::InvalidValue));
    let what = match e.kind() {
        ErrorKind::MissingSubcommand => {
            "thiếu lệnh cần làm (build, check, init, preview, layouts…)".to_string()
        }
        ErrorKind::InvalidSubcommand => {
            format!("không có lệnh “{}”", get(ContextKind::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("không có tùy chọn “{arg}”"),
        ErrorKind::MissingRequiredArgument => format!("thiếu {arg}"),
        ErrorKind::InvalidValue => format!("“{value}” không dùng được cho {arg}"),
        ErrorKind::ValueValidation => {
            // Our own parsers explain in Vietnamese; the standard ones in English.
            let why = std::error::Error::source(e)
                .map(|s| s.to_string())
                .filter(|s| !s.is_ascii())
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            // Said as `--png “0” không dùng được: …`, with where to look.
            let flag = arg.split_whitespace().next().unwrap_or(&arg);
            let verb = std::env::args().nth(1).unwrap_or_default();
            eprintln!("lỗi: {flag} “{value}” không dùng được{why}");
            eprintln!("  gợi ý: xem các giá trị dùng được bằng lệnh canhbao {verb} --help");
            return ExitCode::from(EXIT_INPUT);
        }
        ErrorKind::ArgumentConflict => format!("không dùng {arg} cùng lúc với tùy chọn khác"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("thừa giá trị “{value}”")
        }
        _ => "câu lệnh không đúng".to_string(),
    };
    eprintln!("lỗi: {what}");
    for k in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg] {
        if let Some(s) = e.get(k) {
            eprintln!("  có phải ý bạn là “{s}”?");
        }
    }
    eprintln!("Xem hướng dẫn: canhbao --help");
    ExitCode::from(EXIT_INPUT)
}

fn init(args: InitArgs) -> ExitCode {
    let made = match &args.province {
        Some(p) => canhbao::province::init::init(&args.dir, p, canhbao::init::today()),
        None => canhbao::init::init(&args.dir, canhbao::init::today()),
    };
    match made {
        Ok(files) => {
            for f in files {
                println!("đã tạo {}", f.display());
            }
            let what = match args.province {
                Some(_) => {
                    "điền số trực ban của từng xã trong communes.csv và thôn trong villages.csv"
                }
                None => "sửa campaign.toml và villages.xlsx",
            };
            println!("Tiếp theo: {what}, rồi chạy `canhbao check {}`.", args.dir.display());
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("lỗi: {msg}");
            ExitCode::from(EXIT_INPUT)
        }
    }
}

fn serve(opts: canhbao::serve::Options) -> ExitCode {
    match canhbao::serve::run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("lỗi: {msg}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

fn preview(args: PreviewArgs) -> ExitCode {
    let project = match canhbao::load(&args.campaign) {
        Ok(p) => p,
        Err(issues) => {
            eprintln!("{issues}");
            return ExitCode::from(EXIT_INPUT);
        }
    };
    let result = (|| -> Result<Vec<std::path::PathBuf>, String> {
        let c = &project.campaign;
        let first = c.layouts.first().ok_or("campaign.toml chưa có mẫu nào trong layouts")?;
        let id = args.layout.clone().unwrap_or_else(|| first.clone());
        let layout = project.layout(&id)?.clone();
        let village = match (&args.village, layout.scope.as_str()) {
            (_, "commune") => None,
            (Some(name), _) => Some(
                project.village(name).ok_or(format!("không có thôn “{name}” trong danh sách"))?,
            ),
            (None, _) => Some(0),
        };
        let base = project.base(&[])?;
        let mode = args.preflight.unwrap_or_default();
        let (pages, warnings) = project.preview(&base, &layout, village, args.dpi, mode)?;
        for w in warnings {
            eprintln!("cảnh báo: {w}");
        }
        let out = args.out.clone().unwrap_or_else(|| c.root.join("out/preview"));
        let slug = village
            .map_or(canhbao::text::file_slug(&c.commune.full()), |i| c.villages[i].slug.clone());
        let mut written = Vec::new();
        std::fs::create_dir_all(&out)
            .map_err(|e| format!("không tạo được thư mục “{}” ({e})", out.display()))?;
        for (i, png) in pages.iter().enumerate() {
            let path =
                canhbao::output::place(&out, &format!("{}-{slug}-{}.png", layout.id, i + 1))?;
            canhbao::output::write_atomic(&path, png)?;
            written.push(path);
        }
        Ok(written)
    })();
    match result {
        Ok(paths) => {
            for p in paths {
                println!("{}", p.display());
            }
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("lỗi: {msg}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

fn build(args: BuildArgs) -> ExitCode {
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
        return ExitCode::from(canhbao::province::build::cli(&args.campaign, &opts));
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
    let tick = |job: &canhbao::plan::Job, outcome: &Outcome| {
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
    let stop = AtomicBool::new(false);
    let result = canhbao::build(&args.campaign, &opts, &tick, &on_planned, &stop);
    bar.finish_and_clear();
    match result {
        Err(BuildError::Input(issues)) => {
            eprintln!("{issues}");
            eprintln!("Không tạo tệp nào: hãy sửa các lỗi trên rồi chạy lại.");
            ExitCode::from(EXIT_INPUT)
        }
        Err(BuildError::Other(msg)) => {
            eprintln!("lỗi: {msg}");
            ExitCode::from(EXIT_FAILED)
        }
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
            print_order_summary(&built.order);
            if built.loa_files > 0 {
                eprintln!(
                    "Bài phát thanh (tuần {}): {} tệp trong loa/",
                    opts.week.max(1),
                    built.loa_files
                );
            }
            if r.written == 0 && built.package_written == 0 && r.failed.is_empty() && r.skipped > 0
            {
                eprintln!("Không có gì thay đổi kể từ lần trước; dùng --force để tạo lại tất cả.");
            }
            if r.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                for (village, layout, why) in &r.failed {
                    eprintln!("không tạo được: {village} — {layout}: {why}");
                }
                ExitCode::from(EXIT_FAILED)
            }
        }
    }
}

/// The copies to print, per layout, as a small table.
fn print_order_summary(order: &[canhbao::package::OrderLine]) {
    let mut totals: Vec<(String, String, usize, u64)> = Vec::new();
    for line in order {
        // The 2-up sheets (sra4) and the proof set (a5) of one layout are
        // counted apart: sheets and leaflets do not add up.
        match totals.iter_mut().find(|t| t.0 == line.layout && t.1 == line.paper) {
            Some(t) => {
                t.2 += 1;
                t.3 += line.copies;
            }
            None => totals.push((line.layout.clone(), line.paper.clone(), 1, line.copies)),
        }
    }
    if totals.is_empty() {
        return;
    }
    eprintln!("{:<22} {:<12} {:>8} {:>10}", "Mẫu", "Khổ giấy", "Số tệp", "Số bản in");
    for (layout, paper, files, copies) in totals {
        eprintln!("{layout:<22} {paper:<12} {files:>8} {copies:>10}");
    }
    eprintln!("Chi tiết cho nhà in: print-order.csv");
}

fn check(args: CheckArgs) -> ExitCode {
    if canhbao::province::is_province(&args.campaign) {
        return ExitCode::from(canhbao::province::check(&args.campaign));
    }
    match canhbao::load(&args.campaign) {
        Err(issues) => {
            eprintln!("{issues}");
            ExitCode::from(EXIT_INPUT)
        }
        Ok(project) => {
            let c = &project.campaign;
            let chosen: Vec<_> =
                c.layouts.iter().filter_map(|id| project.layout(id).ok().cloned()).collect();
            for w in c.warnings.iter().chain(&canhbao::logo_warnings(c, &chosen)) {
                eprintln!("{w}");
            }
            // A closed pipe (`| head`) is not an error worth a panic.
            if village_table(&project).is_err() {
                return ExitCode::SUCCESS;
            }
            if args.no_proof {
                return ExitCode::SUCCESS;
            }
            proof(&project, args.proof)
        }
    }
}

/// Writes the proof of the campaign's first per-village layout.
fn proof(project: &canhbao::Project, path: Option<std::path::PathBuf>) -> ExitCode {
    let c = &project.campaign;
    let path = path.unwrap_or_else(|| c.root.join("out/kiem-tra.pdf"));
    let layout = c
        .layouts
        .iter()
        .filter_map(|id| project.layout(id).ok())
        .find(|l| l.scope == "village" && l.format == "pdf");
    let Some(layout) = layout else {
        println!("Không có mẫu in theo từng thôn: không ghi bản kiểm tra.");
        return ExitCode::SUCCESS;
    };
    match canhbao::proof::write(project, layout, &[], &path) {
        Ok(found) => {
            println!("Bản kiểm tra ({} trang): {}", found.pages, path.display());
            if found.problems.is_empty() {
                return ExitCode::SUCCESS;
            }
            for (village, problem) in &found.problems {
                eprintln!("lỗi: {village}: {problem}");
            }
            eprintln!(
                "{} lỗi, khoanh đỏ trong bản kiểm tra: hãy sửa rồi chạy lại.",
                found.problems.len()
            );
            ExitCode::from(EXIT_FAILED)
        }
        Err(msg) => {
            eprintln!("lỗi: {msg}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// Prints the villages with their officer and copies to print.
fn village_table(project: &canhbao::Project) -> std::io::Result<()> {
    use std::io::Write;
    let c = &project.campaign;
    let mut out = std::io::stdout().lock();
    let hotline = &c.hotline.phone;
    writeln!(
        out,
        "{} — {} — đường dây nóng {hotline}",
        c.commune.full(),
        c.commune.province_full()
    )?;
    let first = c.layouts.first().and_then(|id| project.layout(id).ok());
    let (v, o, p, h, n) = ("Thôn", "Cán bộ phụ trách", "SĐT", "Số hộ", "Số bản in");
    writeln!(out, "  {v:<30} {o:<26} {p:<14} {h:>6} {n:>10}")?;
    for (i, v) in c.villages.iter().enumerate() {
        let copies = first.map_or(0, |l| canhbao::package::copies(l, c, Some(i)));
        let (name, phone) = (v.full(), v.phone.to_string());
        writeln!(
            out,
            "  {name:<30} {:<26} {phone:<14} {:>6} {copies:>10}",
            v.officer, v.households
        )?;
    }
    writeln!(out, "Dữ liệu hợp lệ: {} thôn.", c.villages.len())
}

fn layouts() -> ExitCode {
    for l in canhbao::layouts::builtin() {
        println!(
            "{:<20} {:>5.0}×{:<5.0} mm  {} trang  {}",
            l.id, l.width_mm, l.height_mm, l.pages, l.title
        );
    }
    ExitCode::SUCCESS
}
