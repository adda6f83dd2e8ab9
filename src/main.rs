//! The `canhbao` binary: parse the arguments, run the verb, map its outcome
//! to an exit code. Each verb is a thin caller of the library (`cmd/`).
//!
//! Exit codes, the same for every verb:
//! - 0: done;
//! - 1: the input was good but some files could not be made (or the proof
//!   found problems, or the web page could not start);
//! - 2: bad input (command line, campaign folder, an unknown village or
//!   layout): nothing was written;
//! - 130: `build` stopped by Ctrl-C or SIGTERM; finished files are kept and
//!   listed in the manifest, and the same command again makes the rest.

use std::process::ExitCode;

use clap::Parser;

use canhbao::cli::{Cli, Command};

mod cmd;

#[global_allocator]
static GLOBAL: canhbao::render::Guarded = canhbao::render::Guarded;

fn main() -> ExitCode {
    // Opened by a double-click (no arguments, no terminal): the page.
    if std::env::args_os().len() == 1 && cmd::serve::double_clicked() {
        return cmd::serve::double_click().into();
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return cmd::usage::error(&e).into(),
    };
    let outcome = match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Layouts => cmd::layouts::run(),
        Command::Init(args) => cmd::init::run(args),
        Command::Preview(args) => cmd::preview::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Report(args) => cmd::report::run(args), // issue 27
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "canhbao", &mut std::io::stdout());
            cmd::Outcome::Done
        }
    };
    outcome.into()
}
