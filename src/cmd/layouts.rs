//! `canhbao layouts`: the built-in layouts, one a line.

use super::Outcome;

/// Lists the built-in layouts with their size and page count.
pub fn run() -> Outcome {
    for l in canhbao::layouts::builtin() {
        println!(
            "{:<20} {:>5.0}×{:<5.0} mm  {} trang  {}",
            l.id, l.width_mm, l.height_mm, l.pages, l.title
        );
    }
    Outcome::Done
}
