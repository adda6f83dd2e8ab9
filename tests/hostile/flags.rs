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
