//! One module per verb. Each turns its arguments into one library call and
//! prints the result; the work itself is in the library.

pub mod build;
pub mod check;
pub mod init;
pub mod layouts;
pub mod preview;
pub mod province;
pub mod report; // issue 27
pub mod serve;
pub mod usage;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

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

/// [`report`] of a run that wrote nothing: the problems, then what to do.
pub fn report_input(e: &BuildError) -> Outcome {
    let outcome = report(e);
    if outcome == Outcome::BadInput {
        eprintln!("Không tạo tệp nào: hãy sửa các lỗi trên rồi chạy lại.");
    }
    outcome
}

/// A flag that Ctrl-C (SIGINT) or SIGTERM sets: the lanes take no new
/// document, the files being written land whole, and the manifest lists
/// exactly what is done. A second signal quits at once (a half-written
/// temporary file is swept by the next run).
pub fn stop_on_signal() -> Arc<AtomicBool> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM] {
        // The order matters: the shutdown looks at the flag before it is set.
        // Without the handlers, a signal still ends the run, as before.
        let _ = flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop));
        let _ = flag::register(signal, Arc::clone(&stop));
    }
    stop
}

/// A compile went over its memory budget (`render::COMPILE_MEMORY`): says
/// the message written before it began (Vietnamese, naming the layout) and
/// ends the run with exit code 2, a bad layout. Called from inside the
/// allocator: it writes the bytes as they are, allocating nothing.
pub fn over_budget(message: &[u8]) -> ! {
    use std::io::Write;
    let _ = std::io::stderr().write_all(message);
    std::process::exit(2)
}
