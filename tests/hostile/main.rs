//! Hostile and broken input (issue 14): every case is refused with its file
//! and line, exits 2, never panics, and writes nothing.

mod input;
mod limits;
#[allow(dead_code)]
#[path = "../integration/util.rs"]
mod util;
