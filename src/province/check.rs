//! `canhbao check` of a province folder: every problem with its file and
//! line, one line per commune, and each valid commune's proof — the same
//! proof a single commune gets ([`crate::proof`]), made in one Typst world
//! for the whole province, as its build does. Each commune is told to the
//! run's [`Reporter`] as it is done; the command line prints it.

use std::path::{Path, PathBuf};

use super::Province;
use crate::Reporter;
use crate::diag::Issue;
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
#[derive(Debug, Default)]
pub struct Totals {
    /// Proofs written, their pages and villages.
    pub files: usize,
    pub pages: usize,
    pub villages: usize,
    /// Villages framed in red, over every proof.
    pub problems: usize,
    /// Proofs that could not be written.
    pub failed: usize,
}

pub use crate::reporter::{Checked, Line, Proof};

/// What a province check came to.
#[derive(Debug, Default)]
pub struct Summary {
    /// Communes of the table.
    pub communes: usize,
    /// Communes whose data is bad.
    pub bad: usize,
    /// The proofs.
    pub totals: Totals,
    /// No layout of the campaign makes a proof ([`crate::proof::NO_LAYOUT`]).
    pub no_layout: bool,
    /// Stopped by Ctrl-C: the proofs finished are kept, the one in flight
    /// was not written.
    pub stopped: bool,
    /// Communes that loaded (the proofs a whole run writes).
    pub ready: usize,
}

impl Summary {
    /// The exit code's meaning: 2 when the data of a commune is bad (every
    /// other commune still got its proof), 1 when a proof framed a problem
    /// or could not be written, 130 when stopped, 0 otherwise.
    pub fn code(&self) -> u8 {
        if self.stopped {
            130
        } else if self.bad > 0 {
            2
        } else if self.totals.problems > 0 || self.totals.failed > 0 {
            1
        } else {
            0
        }
    }
}

/// `--proof` names a file, not a folder: a province writes one proof per
/// commune into it.
pub fn refuse_proof_file(proofs: &Proofs) -> Result<(), Issue> {
    match proofs {
        Proofs::In(folder) if folder.exists() && !folder.is_dir() => Err(Issue::error(
            Path::new("--proof"),
            format!("“{}” là một tệp, không phải thư mục", folder.display()),
        )
        .hint("với chiến dịch cấp tỉnh, --proof là thư mục ghi mỗi xã, phường một tệp <xã>.pdf")),
        _ => Ok(()),
    }
}

/// Checks every commune of `province` and writes the proofs, telling each
/// commune to `reporter` as it is done.
pub fn run(province: &Province, proofs: &Proofs, reporter: &dyn Reporter) -> Summary {
    let mut summary = Summary {
        communes: province.communes.len(),
        ready: province.ready().count(),
        ..Summary::default()
    };
    let mut base: Option<Base> = None;
    for m in &province.communes {
        if reporter.stopped() {
            summary.stopped = true;
            return summary;
        }
        let p = match &m.project {
            Ok(p) => p,
            Err(issues) => {
                summary.bad += 1;
                let outcome = Err(issues.clone());
                reporter.commune_checked(&Checked { full: m.full.clone(), line: m.line, outcome });
                continue;
            }
        };
        let c = &p.campaign;
        for w in &c.warnings {
            reporter.problem(w);
        }
        let path = match proofs {
            Proofs::Off => None,
            Proofs::Beside => Some(province.out(None).join(&m.slug).join(PROOF)),
            Proofs::In(folder) => Some(folder.join(format!("{}.pdf", m.slug))),
        };
        // The layouts are the shared file's: one commune without one means
        // none has one.
        let layout = crate::proof::layout(p);
        summary.no_layout |= path.is_some() && layout.is_none();
        let proof = match (path, layout) {
            (Some(path), Some(layout)) => {
                if base.is_none() {
                    match p.base(&[]) {
                        Ok(b) => base = Some(b),
                        Err(e) => {
                            summary.totals.failed += 1;
                            let line = line(p, Proof::Failed(e.to_string()));
                            let outcome = Ok(line);
                            let checked = Checked { full: m.full.clone(), line: m.line, outcome };
                            reporter.commune_checked(&checked);
                            continue;
                        }
                    }
                }
                let world = base.as_ref().expect("made above");
                let written = crate::proof::write(p, world, layout, &path, reporter.stop());
                // A commune's own parts (hotline, issuer, officers) are never laid
                // out again: aged out of the memo cache now, as the build does.
                comemo::evict(1);
                match written {
                    Ok(found) if found.stopped => {
                        summary.stopped = true;
                        return summary;
                    }
                    Ok(found) => {
                        summary.totals.files += 1;
                        summary.totals.pages += found.pages;
                        summary.totals.villages += c.villages.len();
                        summary.totals.problems += found.problems.len();
                        Proof::Written { path, pages: found.pages, problems: found.problems }
                    }
                    Err(e) => {
                        summary.totals.failed += 1;
                        Proof::Failed(e.to_string())
                    }
                }
            }
            _ => Proof::None,
        };
        let checked = Checked { full: m.full.clone(), line: m.line, outcome: Ok(line(p, proof)) };
        reporter.commune_checked(&checked);
    }
    summary
}

/// A commune's line of the table.
fn line(p: &crate::Project, proof: Proof) -> Line {
    let c = &p.campaign;
    Line {
        hotline: c.hotline.phone.to_string(),
        issuer: c.issuer.name.clone(),
        villages: c.villages.len(),
        proof,
    }
}
