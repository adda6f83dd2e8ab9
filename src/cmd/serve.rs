//! `canhbao serve`: the local web page.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::cli::ServeArgs;

use super::Outcome;

/// Serves the page until Ctrl-C (`stop`, set in `main`).
pub fn run(args: ServeArgs, stop: &Arc<AtomicBool>) -> Outcome {
    let opts = canhbao::serve::Options { dir: args.dir, port: args.port, open: !args.no_open };
    let ready = |dir: &std::path::Path, url: &str, browser: bool| {
        println!("canhbao đang chạy cho thư mục {}", dir.display());
        println!("Mở trang này trong trình duyệt: {url}");
        println!("(Chỉ máy này mở được. Nhấn Ctrl+C để dừng.)");
        if opts.open && !browser {
            println!("Không tự mở được trình duyệt: hãy chép địa chỉ trên vào trình duyệt.");
        }
    };
    match canhbao::serve::run(&opts, &ready, Arc::clone(stop)) {
        Ok(()) => Outcome::Done,
        Err(msg) => {
            eprintln!("lỗi: {msg}");
            Outcome::Failed
        }
    }
}

/// Whether the program was started by a double-click rather than typed in
/// a terminal: neither its input nor its output is a terminal (a file
/// manager on Linux), or, on Windows, the console window was opened for this
/// program alone (Explorer opens one; a typed command shares its window).
pub fn double_clicked() -> bool {
    use std::io::IsTerminal;
    let no_terminal = !std::io::stdin().is_terminal() && !std::io::stdout().is_terminal();
    no_terminal || own_console()
}

#[cfg(windows)]
fn own_console() -> bool {
    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
    }
    let mut ids = [0u32; 2];
    // SAFETY: the buffer holds `count` entries; the call writes at most that many.
    unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) == 1 }
}

#[cfg(not(windows))]
fn own_console() -> bool {
    false
}

/// The folder served on a double-click: the program's own folder when it
/// holds a campaign, else `Documents/canhbao` in the user's home (made when
/// missing), else a `canhbao` folder beside the program.
pub fn default_dir() -> Option<PathBuf> {
    let exe_dir = std::env::current_exe().ok()?.parent()?.to_path_buf();
    if exe_dir.join("campaign.toml").is_file() {
        return Some(exe_dir);
    }
    let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    Some(match home {
        Some(home) if home.is_dir() => home.join("Documents").join("canhbao"),
        _ => exe_dir.join("canhbao"),
    })
}

/// Serves [`default_dir`] and opens the browser; on failure the window
/// stays open until Enter, so the message is read before it closes.
pub fn double_click(stop: &Arc<AtomicBool>) -> Outcome {
    let outcome = match default_dir() {
        Some(dir) => run(ServeArgs { dir, port: 0, no_open: false }, stop),
        None => {
            eprintln!(
                "lỗi: không tìm được thư mục để làm việc; mở cửa sổ lệnh và chạy canhbao serve <thư-mục>"
            );
            Outcome::Failed
        }
    };
    if !matches!(outcome, Outcome::Done) {
        println!("Nhấn Enter để đóng cửa sổ này.");
        let _ = std::io::stdin().read_line(&mut String::new());
    }
    outcome
}
