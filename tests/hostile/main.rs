//! Hostile and broken input (issue 14): every case is refused with its file
//! and line (exit 2), or confined: nothing is written outside `--out`, nothing
//! is half-written, nothing panics or hangs, and a re-run is never stale. Each
//! test reproduces one defect of the adversarial run.

#[allow(dead_code)]
#[path = "../integration/util.rs"]
mod util;

mod bombs;
mod download;
mod flags;
mod input;
mod limits;
mod output;
mod paths;
mod rerun;
