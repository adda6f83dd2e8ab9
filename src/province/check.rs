//! `canhbao check` of a province folder: every problem with its file and
//! line, one line per commune, and each valid commune's proof — the same
//! proof a single commune gets ([`crate::proof`]), made in one Typst world
//! for the whole province, as its build does.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::Province;
use crate::world::Base;

/// A proof's file name in a commune's output folder.
pub const PROOF: &str = "kiem-tra.pdf";

/// Where `check` writes a province's proofs.
pub enum Proofs {
    /// Nowhere (`--no-proof`).
    Off,
    /// Each in the folder the province's build writes its commune into,
    /// `out/<province>/<commune>/kiem-tra.pdf`, as a single commune's proof
    /// is `out/kiem-tra.pdf`.
    Beside,
    /// One `<commune>.pdf` each in this folder (`--proof DIR`).
    In(PathBuf),
}

/// What the proofs of a run came to.
#[derive(Default)]
struct Totals {
    /// Proofs written, their pages and villages.
    files: usize,
    pages: usize,
    villages: usize,
    /// Villages framed in red, over every proof.
    problems: usize,
    /// Proofs that could not be written.
    failed: usize,
}

/// Checks the province in `dir`, prints one line per commune and writes
/// the proofs; the exit code: 2 when the data of the run or of a commune is
/// bad (every other commune still gets its proof), 1 when a proof framed a
/// problem or could not be written, 130 when stopped, 0 otherwise.
pub fn cli(dir: &Path, proofs: &Proofs, stop: &AtomicBool) -> u8 {
    if let Proofs::In(folder) = proofs
        && folder.exists()
        && !folder.is_dir()
    {
        let issue = crate::diag::Issue::error(
            Path::new("--proof"),
            format!("“{}” là một tệp, không phải thư mục", folder.display()),
        )
        .hint("với chiến dịch cấp tỉnh, --proof là thư mục ghi mỗi xã, phường một tệp <xã>.pdf");
        eprintln!("{issue}");
        return 2;
    }
    let province = match super::load(dir, &crate::BuildOptions::default()) {
        Ok(p) => p,
        Err(issues) => {
            eprintln!("{issues}");
            return 2;
        }
    };
    let mut bad = 0;
    let mut totals = Totals::default();
    let mut base: Option<Base> = None;
    let mut no_layout = false;
    println!("{} — {} xã, phường", province.full, province.communes.len());
    for m in &province.communes {
        if stop.load(Ordering::Relaxed) {
            return stopped(&totals, &province);
        }
        let p = match &m.project {
            Ok(p) => p,
            Err(issues) => {
                bad += 1;
                eprintln!("{} (dòng {} của bảng xã):", m.full, m.line);
                eprintln!("{issues}");
                println!("  {:<28} LỖI (dòng {} của bảng xã)", m.full, m.line);
                continue;
            }
        };
        let c = &p.campaign;
        for w in &c.warnings {
            eprintln!("{w}");
        }
        println!(
            "  {:<28} {:<16} {:<36} {:>4} thôn",
            m.full,
            c.hotline.phone.to_string(),
            c.issuer.name,
            c.villages.len()
        );
        let path = match proofs {
            Proofs::Off => continue,
            Proofs::Beside => province.out(None).join(&m.slug).join(PROOF),
            Proofs::In(folder) => folder.join(format!("{}.pdf", m.slug)),
        };
        // The layouts are the shared file's: one commune without one means
        // none has one.
        let Some(layout) = crate::proof::layout(p) else {
            no_layout = true;
            continue;
        };
        if base.is_none() {
            match p.base(&[]) {
                Ok(b) => base = Some(b),
                Err(e) => {
                    eprintln!("lỗi: {}: {e}", m.full);
                    totals.failed += 1;
                    continue;
                }
            }
        }
        let Some(world) = &base else { continue };
        let written = crate::proof::write(p, world, layout, &path, stop);
        // A commune's own parts (hotline, issuer, officers) are never laid
        // out again: aged out of the memo cache now, as the build does.
        comemo::evict(1);
        match written {
            Ok(found) if found.stopped => return stopped(&totals, &province),
            Ok(found) => {
                println!("    Bản kiểm tra ({} trang): {}", found.pages, path.display());
                for (village, problem) in &found.problems {
                    eprintln!("lỗi: {}: {village}: {problem}", m.full);
                }
                totals.files += 1;
                totals.pages += found.pages;
                totals.villages += c.villages.len();
                totals.problems += found.problems.len();
            }
            Err(e) => {
                eprintln!("lỗi: {}: {e}", m.full);
                totals.failed += 1;
            }
        }
    }
    if no_layout {
        println!("{}", crate::proof::NO_LAYOUT);
    }
    if bad > 0 {
        println!("{bad} xã, phường còn lỗi: sửa rồi chạy lại; các xã khác đã hợp lệ.");
    } else {
        println!("Dữ liệu hợp lệ: {} xã, phường.", province.communes.len());
    }
    if totals.problems > 0 {
        eprintln!("{} lỗi, khoanh đỏ trong bản kiểm tra: hãy sửa rồi chạy lại.", totals.problems);
    }
    if !matches!(proofs, Proofs::Off) && !no_layout {
        println!(
            "Tổng cộng: {} bản kiểm tra, {} trang, {} thôn, {} lỗi khoanh đỏ{}.",
            totals.files,
            totals.pages,
            totals.villages,
            totals.problems,
            match totals.failed {
                0 => String::new(),
                n => format!(", {n} bản không ghi được"),
            }
        );
    }
    if bad > 0 {
        2
    } else if totals.problems > 0 || totals.failed > 0 {
        1
    } else {
        0
    }
}

/// Stopped by Ctrl-C: the proofs finished are kept; the one in flight was
/// not written.
fn stopped(totals: &Totals, province: &Province) -> u8 {
    eprintln!(
        "Đã dừng theo yêu cầu: {} trong {} xã, phường đã có bản kiểm tra. Chạy lại đúng lệnh này để làm lại.",
        totals.files,
        province.ready().count()
    );
    130
}
