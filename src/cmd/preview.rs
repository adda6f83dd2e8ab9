//! `canhbao preview`: one document's pages as PNG files.

use crate::cli::PreviewArgs;
use canhbao::PreviewOptions;

use super::Outcome;

/// Renders the pages and prints where they went.
pub fn run(args: PreviewArgs) -> Outcome {
    let opts = PreviewOptions {
        layout: args.layout,
        village: args.village,
        dpi: args.dpi,
        out: args.out,
        preflight: args.preflight.unwrap_or_default(),
    };
    match canhbao::preview(&args.campaign, &opts) {
        Ok(done) => {
            for w in done.warnings {
                eprintln!("cảnh báo: {w}");
            }
            for p in done.pages {
                println!("{}", p.display());
            }
            Outcome::Done
        }
        Err(e) => super::report(&e),
    }
}
