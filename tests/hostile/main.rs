//! Hostile and broken input (issue 14): nothing is written outside `--out`,
//! nothing is half-written, nothing panics or hangs, and a re-run is never
//! stale. Each test reproduces one defect of the adversarial run.

#[allow(dead_code)]
#[path = "../integration/util.rs"]
mod util;

mod flags;
mod paths;
mod rerun;
