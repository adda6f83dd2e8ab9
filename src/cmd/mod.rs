//! One module per verb. Each turns its arguments into one library call and
//! prints the result; the work itself is in the library.

pub mod build;
pub mod check;
pub mod init;
pub mod layouts;
pub mod preview;
pub mod report; // issue 27
pub mod serve;
pub mod usage;

use std::process::ExitCode;

use canhbao::BuildError;

/// How a verb ended; `main` maps it to the exit code (see `main.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything asked for was done.
    Done,
    /// The input was good but not everything could be made.
    Failed,
    /// Bad input: nothing was written.
    BadInput,
    /// Stopped by Ctrl-C or SIGTERM: what was finished is kept.
    Stopped,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Done => ExitCode::SUCCESS,
            Outcome::Failed => ExitCode::from(1),
            Outcome::BadInput => ExitCode::from(2),
            Outcome::Stopped => ExitCode::from(130),
        }
    }
}

/// The outcome of a province verb from its exit code (`crate::province`).
pub fn province(code: u8) -> Outcome {
    match code {
        0 => Outcome::Done,
        1 => Outcome::Failed,
        130 => Outcome::Stopped,
        _ => Outcome::BadInput,
    }
}

/// Prints a library error the same way in every verb and says which
/// outcome it is: the issues of bad input, or the message of a failure.
pub fn report(e: &BuildError) -> Outcome {
    match e {
        BuildError::Input(issues) => {
            eprintln!("{issues}");
            Outcome::BadInput
        }
        BuildError::Other(msg) => {
            eprintln!("lỗi: {msg}");
            Outcome::Failed
        }
    }
}
