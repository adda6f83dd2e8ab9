//! `canhbao build` and `canhbao check` of a province folder: the library
//! runs every commune and tells each one as it is done; this prints them,
//! one line per commune, and says what failed.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use canhbao::diag::Issue;
use canhbao::province::Province;
use canhbao::province::build::Commune;
use canhbao::province::check::{Checked, Proof, Proofs};
use canhbao::{BuildError, BuildOptions, Reporter};

use super::Outcome;

/// Prints a province build's communes as they are done.
struct Build<'a> {
    stop: &'a AtomicBool,
}

impl Reporter for Build<'_> {
    fn commune_done(&self, c: &Commune) {
        match &c.outcome {
            Ok(d) => {
                let sum = canhbao::summary::Summary::of(&d.built);
                eprintln!(
                    "{}: {} tệp mới, {} tệp không đổi, {} lỗi",
                    c.full,
                    sum.written,
                    sum.skipped,
                    sum.failed.len()
                );
                for (village, layout, text) in &d.built.report.warnings {
                    eprintln!("  cảnh báo ({village}, {layout}):\n{text}");
                }
                for line in &sum.failed {
                    eprintln!("  không tạo được: {line}");
                }
                for w in &d.built.project.campaign.warnings {
                    eprintln!("  {w}");
                }
            }
            Err(issues) => {
                eprintln!("{}: KHÔNG TẠO ĐƯỢC (dòng {} của bảng xã)", c.full, c.line);
                for i in issues {
                    eprintln!("  {}", i.replace('\n', "\n  "));
                }
            }
        }
    }

    fn stop(&self) -> &AtomicBool {
        self.stop
    }
}

/// `canhbao build` of a province folder: builds, prints one line per
/// commune and what failed.
pub fn build(province: Province, opts: &BuildOptions, stop: &AtomicBool) -> Outcome {
    let start = Instant::now();
    match canhbao::province::build::build(province, opts, &Build { stop }) {
        Err(BuildError::Input(issues)) => {
            eprintln!("{issues}");
            eprintln!("Không tạo tệp nào: hãy sửa các lỗi trên rồi chạy lại.");
            Outcome::BadInput
        }
        Err(BuildError::Other(msg)) => {
            eprintln!("lỗi: {msg}");
            Outcome::Failed
        }
        Ok(report) => {
            let bad: Vec<&Commune> = report.communes.iter().filter(|c| !c.ok()).collect();
            eprintln!(
                "{}: {} xã, phường trong lần chạy này, {} lỗi, {:.1} giây → {}",
                report.province,
                report.communes.len(),
                bad.len(),
                start.elapsed().as_secs_f64(),
                report.out.display()
            );
            for p in &report.summary {
                eprintln!("Tổng hợp: {}", p.display());
            }
            if report.stopped {
                eprintln!(
                    "Đã dừng theo yêu cầu: các tệp đã xong được giữ và có trong manifest. Chạy lại đúng lệnh này để làm nốt phần còn lại."
                );
                return Outcome::Stopped;
            }
            if bad.is_empty() {
                return Outcome::Done;
            }
            let names: Vec<&str> = bad.iter().map(|c| c.full.as_str()).collect();
            eprintln!("Chưa tạo xong: {}. Các xã khác đã tạo đủ tệp.", names.join(", "));
            if report.summary.is_empty() && opts.shard.is_none() {
                eprintln!("Chưa ghi bảng tổng hợp: sửa các xã trên rồi chạy lại.");
            }
            Outcome::Failed
        }
    }
}

/// Prints a province check's communes as they are done.
struct Check<'a> {
    stop: &'a AtomicBool,
}

impl Reporter for Check<'_> {
    fn problem(&self, issue: &Issue) {
        eprintln!("{issue}");
    }

    fn commune_checked(&self, m: &Checked) {
        let line = match &m.outcome {
            Err(issues) => {
                eprintln!("{} (dòng {} của bảng xã):", m.full, m.line);
                eprintln!("{issues}");
                println!("  {:<28} LỖI (dòng {} của bảng xã)", m.full, m.line);
                return;
            }
            Ok(line) => line,
        };
        println!(
            "  {:<28} {:<16} {:<36} {:>4} thôn",
            m.full, line.hotline, line.issuer, line.villages
        );
        match &line.proof {
            Proof::None => {}
            Proof::Written { path, pages, problems } => {
                println!("    Bản kiểm tra ({pages} trang): {}", path.display());
                for (village, problem) in problems {
                    eprintln!("lỗi: {}: {village}: {problem}", m.full);
                }
            }
            Proof::Failed(e) => eprintln!("lỗi: {}: {e}", m.full),
        }
    }

    fn stop(&self) -> &AtomicBool {
        self.stop
    }
}

/// `canhbao check` of a province folder: one line per commune, every
/// problem with its file and line, each valid commune's proof.
pub fn check(province: &Province, proofs: &Proofs, stop: &AtomicBool) -> Outcome {
    use canhbao::province::check::run;
    println!("{} — {} xã, phường", province.full, province.communes.len());
    let s = run(province, proofs, &Check { stop });
    if s.stopped {
        eprintln!(
            "Đã dừng theo yêu cầu: {} trong {} xã, phường đã có bản kiểm tra. Chạy lại đúng lệnh này để làm lại.",
            s.totals.files, s.ready
        );
        return Outcome::Stopped;
    }
    if s.no_layout {
        println!("{}", canhbao::proof::NO_LAYOUT);
    }
    if s.bad > 0 {
        println!("{} xã, phường còn lỗi: sửa rồi chạy lại; các xã khác đã hợp lệ.", s.bad);
    } else {
        println!("Dữ liệu hợp lệ: {} xã, phường.", s.communes);
    }
    let t = &s.totals;
    if t.problems > 0 {
        eprintln!("{} lỗi, khoanh đỏ trong bản kiểm tra: hãy sửa rồi chạy lại.", t.problems);
    }
    if !matches!(proofs, Proofs::Off) && !s.no_layout {
        println!(
            "Tổng cộng: {} bản kiểm tra, {} trang, {} thôn, {} lỗi khoanh đỏ{}.",
            t.files,
            t.pages,
            t.villages,
            t.problems,
            match t.failed {
                0 => String::new(),
                n => format!(", {n} bản không ghi được"),
            }
        );
    }
    super::province(s.code())
}
