//! `canhbao` with no arguments: a double-click opens the page on a default
//! folder; typed in a terminal, it prints the help.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the child on drop, so a failed assertion leaves no server running.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn no_arguments_and_no_terminal_serves_documents_canhbao() {
    let home = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_canhbao"))
        .env("HOME", home.path())
        .env("USERPROFILE", home.path())
        // The browser "opened" is `true`: nothing appears on this machine.
        .env("BROWSER", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Running(child);
    let (tx, rx) = std::sync::mpsc::channel();
    let out = child.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let started = Instant::now();
    let mut lines = Vec::new();
    let url = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no address printed within 30 s; printed: {lines:?}"));
        lines.push(line.clone());
        if let Some(at) = line.find("http://127.0.0.1:") {
            break line[at..].trim().to_string();
        }
    };
    let folder = home.path().join("Documents").join("canhbao");
    assert!(folder.is_dir(), "{lines:?}");
    assert!(lines[0].contains(&folder.display().to_string()), "{lines:?}");
    assert!(started.elapsed() < Duration::from_secs(30));
    // The page answers, with the start form (the folder has no campaign yet).
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET /api/state?{} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
        &path[1..]
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"ready\":false"), "{answer}");
}

#[test]
fn no_arguments_in_a_terminal_prints_the_help() {
    // `script` runs the program on a pseudo-terminal, as a typed command.
    let Ok(out) = Command::new("script")
        .args(["-qec", env!("CARGO_BIN_EXE_canhbao"), "/dev/null"])
        .stdin(Stdio::null())
        .output()
    else {
        eprintln!("NOTICE: skipped: `script` (util-linux) is not installed");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("canhbao") && text.contains("build"), "{text}");
    assert!(!text.contains("127.0.0.1"), "a terminal gets the help, not a server: {text}");
}
