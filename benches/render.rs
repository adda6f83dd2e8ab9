//! Per-document cost of the leaflet: compile, preflight and PDF export,
//! measured apart.
//!
//! `cargo bench --bench render [-- N [MODE]]` renders the example's villages
//! N times (default 3 rounds) on one thread and prints medians per document.
//! MODE `off` skips the preflight (as `--preflight off` does), so a run
//! with and a run without can be compared; by default it is timed apart and
//! its share of the time per document printed.
//! `CANHBAO_LAYOUT` measures another layout of the example than the A5
//! leaflet (e.g. `card-sheet`, whose eight cards cost more than any other).
//! Plain `std::time`, no harness: the numbers go into bench/RESULTS.md.

use std::path::Path;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// The line of a span in its layout source.
fn world_line(base: &canhbao::world::Base, span: typst::syntax::Span) -> Option<u32> {
    use typst::{World, WorldExt};
    let world = base.job("kit.typ", Vec::new());
    let source = world.source(span.id()?).ok()?;
    let range = world.range(span)?;
    Some(source.lines().byte_to_line(range.start)? as u32 + 1)
}

fn main() {
    // `cargo bench` appends `--bench`: only the plain arguments are ours.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let rounds: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(3);
    let mode: canhbao::preflight::Mode =
        args.get(1).map_or(Ok(Default::default()), |m| m.parse()).expect("MODE");
    let preflight = mode != canhbao::preflight::Mode::Off;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tien-trang");
    let project = canhbao::load(&dir).expect("example loads");
    let id = std::env::var("CANHBAO_LAYOUT").unwrap_or_else(|_| "leaflet-a5".into());
    let layout = project.layout(&id).expect("a layout of the registry").clone();
    let villages: Vec<usize> = (0..project.campaign.villages.len()).collect();
    let jobs = canhbao::plan::plan(&project.campaign, &[layout], &villages, &project.pack);
    let planner = canhbao::plan::Planner::new(&project.campaign, &project.pack).unwrap();
    let base = project.base(&[]).unwrap();
    let (mut compile, mut export, mut total) = (Vec::new(), Vec::new(), Vec::new());
    let mut check = Vec::new();
    for _ in 0..rounds {
        for job in &jobs {
            let data = planner.data(job).unwrap();
            let t0 = Instant::now();
            let world = base.job(&job.layout.file, data);
            let doc = canhbao::render::compile(&world, job.layout.pages).expect("compiles").doc;
            let t1 = Instant::now();
            let village = job.village.map(|i| &project.campaign.villages[i]);
            let expect = canhbao::preflight::Expect::new(&project.campaign, &job.layout, village)
                .carrying(planner.blocks(job));
            if preflight {
                std::hint::black_box(canhbao::preflight::check(&doc, &expect));
            }
            let t1b = Instant::now();
            let settings = canhbao::render::PdfSettings { ident: job.ident.clone(), date: None };
            let pdf = canhbao::render::pdf(&doc, &settings).expect("exports");
            let t2 = Instant::now();
            assert!(pdf.starts_with(b"%PDF"));
            compile.push((t1 - t0).as_secs_f64() * 1e3);
            check.push((t1b - t1).as_secs_f64() * 1e3);
            export.push((t2 - t1b).as_secs_f64() * 1e3);
            total.push((t2 - t0).as_secs_f64() * 1e3);
        }
        comemo::evict(0);
    }
    // CANHBAO_TRACE=file.json: a Chrome trace of one more compile, to see
    // which parts of the layout cost the time. The cache is first warmed
    // with another village, as in a batch, so the trace shows what each
    // further village costs.
    if let Some(path) = std::env::var_os("CANHBAO_TRACE") {
        let warm = base.job(&jobs[0].layout.file, planner.data(&jobs[0]).unwrap());
        canhbao::render::compile(&warm, jobs[0].layout.pages).expect("compiles");
        typst_timing::enable();
        let world = base.job(&jobs[0].layout.file, planner.data(&jobs[1]).unwrap());
        canhbao::render::compile(&world, jobs[0].layout.pages).expect("compiles");
        let file = std::fs::File::create(path).expect("trace file");
        typst_timing::export_json(file, |span| {
            let span = typst::syntax::Span::from_raw(span);
            let file =
                span.id().map(|id| id.vpath().get_with_slash().to_string()).unwrap_or_default();
            let line = span.id().and_then(|_| world_line(&base, span)).unwrap_or(0);
            (file, line)
        })
        .expect("trace written");
    }
    println!("{id}, {} documents × {rounds} rounds, one thread, preflight {mode:?}:", jobs.len());
    let share = 100.0 * check.iter().sum::<f64>() / total.iter().sum::<f64>();
    println!("  compile  median {:6.2} ms", median(compile));
    println!("  preflight median {:5.2} ms ({share:.1} % of all the time)", median(check));
    println!("  pdf      median {:6.2} ms", median(export));
    println!("  total    median {:6.2} ms per document", median(total));
}
