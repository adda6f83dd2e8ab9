//! `canhbao serve`: the local web page.

use canhbao::cli::ServeArgs;

use super::Outcome;

/// Serves the page until the process is stopped.
pub fn run(args: ServeArgs) -> Outcome {
    let opts = canhbao::serve::Options { dir: args.dir, port: args.port, open: !args.no_open };
    match canhbao::serve::run(&opts) {
        Ok(()) => Outcome::Done,
        Err(msg) => {
            eprintln!("lỗi: {msg}");
            Outcome::Failed
        }
    }
}
