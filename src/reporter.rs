//! What a run tells its caller while it works. The library prints nothing:
//! the command line (`src/cmd/`) prints these events, the page keeps them
//! for the browser, a test counts them. One trait for a commune's build, a
//! province's build and a province's check, so every caller hears the same
//! things in the same order.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::Built;
use crate::batch::Outcome;
use crate::diag::{Issue, Issues};
use crate::plan::Job;

/// Hears a run's events. Every method but [`Reporter::stop`] does nothing
/// unless the caller wants it: a test hears only what it checks.
pub trait Reporter: Sync {
    /// A commune's documents were planned: `jobs` of them will be made or kept.
    fn planned(&self, _jobs: usize) {}
    /// One document was made, kept as it was, or refused. Called from the
    /// render lanes, in the order they finish.
    fn document_done(&self, _job: &Job, _outcome: &Outcome) {}
    /// One commune of a province build is done (built, or why not).
    fn commune_done(&self, _commune: &Commune) {}
    /// One commune of a province check is done (its line, its proof).
    fn commune_checked(&self, _commune: &Checked) {}
    /// A problem worth telling as soon as it is found (a commune's warning
    /// in a province check), not only in the final result.
    fn problem(&self, _issue: &Issue) {}
    /// The flag that Ctrl-C sets (stop requested): the run takes no new
    /// document once it is set, and what is finished is kept.
    fn stop(&self) -> &AtomicBool;

    /// Whether a stop was requested.
    fn stopped(&self) -> bool {
        self.stop().load(Ordering::Relaxed)
    }
}

/// A reporter that hears nothing and is never stopped: a library call that
/// only wants the result.
#[derive(Default)]
pub struct Quiet(pub AtomicBool);

impl Reporter for Quiet {
    fn stop(&self) -> &AtomicBool {
        &self.0
    }
}

// What a province run tells. Defined here, not in `province`: the province
// modules use the trait, so the trait must not use them.

/// What became of one commune.
pub struct Commune {
    /// `xã Tiên Trang`.
    pub full: String,
    /// Its folder under the province's.
    pub slug: String,
    /// Its row in the communes table.
    pub line: usize,
    /// The build, or why there is none.
    pub outcome: Result<Done, Vec<String>>,
}

/// A commune that was built (some files may still have failed).
pub struct Done {
    /// The build's result.
    pub built: Built,
    /// Copies to print per layout of the run, in the run's layout order.
    pub copies: Vec<u64>,
}

impl Commune {
    /// Whether every file of the commune was made.
    pub fn ok(&self) -> bool {
        self.outcome.as_ref().is_ok_and(|d| d.built.report.failed.is_empty())
    }
}

/// What one commune's check came to.
pub struct Checked {
    /// `xã Tiên Trang`.
    pub full: String,
    /// Its row in the communes table.
    pub line: usize,
    /// Its line of the table, or every problem of its data.
    pub outcome: Result<Line, Issues>,
}

/// A valid commune's line of the table and its proof.
pub struct Line {
    /// The commune's hotline, as printed.
    pub hotline: String,
    /// Who issues its material.
    pub issuer: String,
    /// Its villages.
    pub villages: usize,
    /// What became of its proof.
    pub proof: Proof,
}

/// What became of one commune's proof.
pub enum Proof {
    /// None was asked for (`--no-proof`), or no layout makes one.
    None,
    /// Written at `path`: its pages, and each village framed in red with why.
    Written { path: PathBuf, pages: usize, problems: Vec<(String, String)> },
    /// Could not be written: why.
    Failed(String),
}
