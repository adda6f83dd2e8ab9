//! The `canhbao` binary: parse the arguments, run the verb, map its outcome
//! to an exit code. Each verb is a thin caller of the library (`cmd/`).
//!
//! Exit codes, the same for every verb:
//! - 0: done;
//! - 1: the input was good but some files could not be made (or the proof
//!   found problems, or the web page could not start);
//! - 2: bad input (command line, campaign folder, an unknown village or
//!   layout): nothing was written;
//! - 130: `build` or `check` (of a commune or a province) stopped by Ctrl-C
//!   or SIGTERM; finished files are kept and listed in the manifest, and the
//!   same command again makes the rest.

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

// The command line's arguments belong to the binary: the library (the page,
// a test, a script) never sees clap.
mod cli;
mod cmd;

#[global_allocator]
static GLOBAL: canhbao::render::Guarded = canhbao::render::Guarded;

fn main() -> ExitCode {
    // A compile past its memory budget ends the run from inside the
    // allocator; the binary says why (the library prints nothing).
    canhbao::render::on_over_budget(cmd::over_budget);
    // Opened by a double-click (no arguments, no terminal): the page.
    if std::env::args_os().len() == 1 && cmd::serve::double_clicked() {
        return cmd::serve::double_click(&cmd::stop_on_signal()).into();
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return cmd::usage::error(&e).into(),
    };
    // Ctrl-C is installed once, here, for the verbs that can stop cleanly
    // (a commune's or a province's `build` and `check`, the page's server);
    // the others end at once, as a program does by default.
    let stops = matches!(cli.command, Command::Build(_) | Command::Check(_) | Command::Serve(_));
    let stop = match stops {
        true => cmd::stop_on_signal(),
        false => Default::default(),
    };
    let outcome = match cli.command {
        Command::Build(args) => cmd::build::run(args, &stop),
        Command::Check(args) => cmd::check::run(args, &stop),
        Command::Layouts => cmd::layouts::run(),
        Command::Init(args) => cmd::init::run(args),
        Command::Preview(args) => cmd::preview::run(args),
        Command::Serve(args) => cmd::serve::run(args, &stop),
        Command::Report(args) => cmd::report::run(args), // issue 27
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "canhbao", &mut std::io::stdout());
            cmd::Outcome::Done
        }
    };
    outcome.into()
}
