//! `canhbao check`: the data checked, the villages listed, the proof written.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use crate::cli::CheckArgs;
use canhbao::province::check::Proofs;
use canhbao::{BuildOptions, Campaign, Project};

use super::Outcome;

/// Checks the campaign, prints its villages and writes the proof (one per
/// commune of a province). Ctrl-C (`stop`, set in `main`) as in `build`:
/// the pages in flight finish, no half proof is left.
pub fn run(args: CheckArgs, stop: &AtomicBool) -> Outcome {
    let project = match canhbao::open(&args.campaign, &BuildOptions::default()) {
        Ok(Campaign::Commune(project)) => project,
        Ok(Campaign::Province(province)) => {
            let proofs = match (args.no_proof, args.proof) {
                (true, _) => Proofs::Off,
                (false, Some(dir)) => Proofs::In(dir),
                (false, None) => Proofs::Beside,
            };
            if let Err(issue) = canhbao::province::check::refuse_proof_file(&proofs) {
                eprintln!("{issue}");
                return Outcome::BadInput;
            }
            return super::province::check(&province, &proofs, stop);
        }
        Err(issues) => {
            eprintln!("{issues}");
            return Outcome::BadInput;
        }
    };
    for w in &project.campaign.warnings {
        eprintln!("{w}");
    }
    // A closed pipe (`| head`) is not an error worth a panic.
    if village_table(&project).is_err() || args.no_proof {
        return Outcome::Done;
    }
    proof(&project, args.proof, stop)
}

/// Writes the proof of the campaign's first per-village layout.
fn proof(project: &Project, path: Option<PathBuf>, stop: &AtomicBool) -> Outcome {
    let c = &project.campaign;
    let path = path.unwrap_or_else(|| c.root.join("out/kiem-tra.pdf"));
    let Some(layout) = canhbao::proof::layout(project) else {
        println!("{}", canhbao::proof::NO_LAYOUT);
        return Outcome::Done;
    };
    let written = project
        .base(&[])
        .and_then(|base| canhbao::proof::write(project, &base, layout, &path, stop));
    match written {
        Ok(found) if found.stopped => {
            eprintln!("Đã dừng theo yêu cầu: chưa ghi bản kiểm tra.");
            Outcome::Stopped
        }
        Ok(found) => {
            println!("Bản kiểm tra ({} trang): {}", found.pages, path.display());
            if found.problems.is_empty() {
                return Outcome::Done;
            }
            for (village, problem) in &found.problems {
                eprintln!("lỗi: {village}: {problem}");
            }
            eprintln!(
                "{} lỗi, khoanh đỏ trong bản kiểm tra: hãy sửa rồi chạy lại.",
                found.problems.len()
            );
            Outcome::Failed
        }
        Err(msg) => {
            eprintln!("lỗi: {msg}");
            Outcome::Failed
        }
    }
}

/// Prints the villages with their officer and copies to print.
fn village_table(project: &Project) -> std::io::Result<()> {
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
