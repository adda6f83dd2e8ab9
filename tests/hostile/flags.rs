//! Numeric flags: a value outside its range is refused by the argument
//! parser, in Vietnamese, with exit 2 and nothing written; a page too big
//! to draw is refused instead of taking the machine's memory.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::paths::{assert_no_temp, run_within};
use crate::util::*;

/// Defects 6, 7 and 13: `--png 0`, `-1`, `NaN`, `inf`, `100000`, and the
/// like for every numeric flag.
#[test]
fn numeric_flags_out_of_range_are_refused_with_exit_2() {
    let dir = example_copy();
    let out = dir.path().join("out");
    let before = crate::paths::snapshot(dir.path());
    let build: &[(&str, &[&str])] = &[
        ("--png", &["0", "-1", "NaN", "inf", "100000", "abc"]),
        ("--jobs", &["0", "100000", "-3"]),
        ("--bleed", &["-1", "11", "NaN", "inf"]),
        ("--week", &["0", "54", "-1"]),
    ];
    let check = |verb: &str, flag: &str, value: &str| {
        let (code, _, err) = run(canhbao()
            .arg(verb)
            .arg(dir.path())
            .arg(format!("{flag}={value}"))
            .arg("--out")
            .arg(&out));
        assert_eq!(code, 2, "{verb} {flag} {value}: {err}");
        assert!(err.starts_with(&format!("lỗi: {flag} “{value}” không dùng được")), "{err}");
        let why = ["giá trị phải từ", "không phải là một số"];
        assert!(why.iter().any(|w| err.contains(w)), "{err}");
        assert!(!out.exists(), "{verb} {flag} {value} wrote something");
        assert_eq!(crate::paths::snapshot(dir.path()), before, "{verb} {flag} {value}");
    };
    for (flag, values) in build {
        for value in *values {
            check("build", flag, value);
        }
    }
    for value in ["0", "-1", "NaN", "inf", "100000"] {
        check("preview", "--dpi", value);
    }
    // A negative value given with a space reaches the same check.
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).args(["--png", "-1"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("giá trị phải từ 36 đến 600 dpi"), "{err}");
}

/// Defect 7: within the flag's range, a 5 m banner at 600 dpi would still
/// be 2.2 billion pixels (8.9 GB): refused before drawing, under a 4 GB cap.
#[test]
fn a_page_too_big_to_draw_is_refused_not_drawn() {
    let dir = example_copy();
    let out = dir.path().join("out");
    let (code, err) = run_within(
        Command::new("sh")
            .args(["-c", "ulimit -v 4000000; exec \"$0\" \"$@\""])
            .arg(env!("CARGO_BIN_EXE_canhbao"))
            .arg("build")
            .arg(dir.path())
            .args(["--layout", "banner", "--png", "600", "--no-package", "--out"])
            .arg(&out),
        Duration::from_secs(60),
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("banner") && err.contains("quá lớn để vẽ thành ảnh"), "{err}");
    assert!(err.contains("tối đa 155 dpi"), "the message says what works: {err}");
    assert!(!has_pdf(&out.join("banner")), "a failed job wrote its file");
    assert_no_temp(&out);
}

fn has_pdf(dir: &Path) -> bool {
    !files(dir, "pdf").is_empty()
}

/// Peak RSS (KiB) of `canhbao args…`, read by Python's `getrusage`.
fn peak_rss(args: &[&std::ffi::OsStr]) -> u64 {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import resource,subprocess,sys\n\
             r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE)\n\
             assert r.returncode==0, r.stderr.decode()\n\
             print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
        )
        .arg(env!("CARGO_BIN_EXE_canhbao"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// M7: `--png` draws at most a budget of pixels at once over all lanes, so
/// four lanes of A3 posters at 600 dpi (70 million pixels a page) take
/// about the memory of one (before: 2.25 GB at `-j4`, 0.64 GB at `-j1`).
#[test]
fn png_memory_does_not_grow_with_jobs() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/hac-thanh"), dir.path());
    let rss = |jobs: &str| {
        let out = dir.path().join(format!("out-{jobs}"));
        let mut args: Vec<std::ffi::OsString> = vec!["build".into(), dir.path().into()];
        for a in ["--layout", "poster-a3", "--png", "600", "--no-package", "-j", jobs] {
            args.push(a.into());
        }
        for v in ["Điện Biên 1", "Điện Biên 2", "Ba Đình 1", "Ba Đình 2"] {
            args.push("--village".into());
            args.push(v.into());
        }
        args.push("--out".into());
        args.push(out.into());
        let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        peak_rss(&refs)
    };
    let one = rss("1");
    let four = rss("4");
    assert!(four < one + 300 * 1024, "-j4 peaked at {four} KiB, -j1 at {one} KiB");
}
