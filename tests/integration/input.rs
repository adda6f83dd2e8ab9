//! Bad input gives one clear message with file and line, exit 2, no files.

use std::fs;

use crate::util::*;

/// Every campaign folder under `tests/fixtures/bad-input/` is bad input:
/// `build` and `check` exit 2 and write nothing, and the message says each
/// line of the case's `expect.txt` (file and line, the value, the fix).
#[test]
fn bad_input_is_reported_with_place_and_writes_nothing() {
    let cases = repo().join("tests/fixtures/bad-input");
    let mut names: Vec<_> = fs::read_dir(&cases).unwrap().flatten().map(|e| e.path()).collect();
    names.sort();
    assert!(names.len() >= 9, "the bad-input cases are gone: {names:?}");
    for case in names {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expect = fs::read_to_string(case.join("expect.txt")).unwrap();
        let wants: Vec<&str> =
            expect.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
        assert!(!wants.is_empty(), "{name}: expect.txt says nothing");
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&case, dir.path());
        let out = dir.path().join("out");
        let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).arg("--out").arg(&out));
        assert_eq!(code, 2, "{name}: exit code\n{err}");
        for want in wants {
            assert!(err.contains(want), "{name}: {want:?} not in:\n{err}");
        }
        assert!(all_files(&out).is_empty(), "{name}: output written despite bad input");
        let (code, _, _) = run(canhbao().arg("check").arg(dir.path()));
        assert_eq!(code, 2, "{name}: check must fail too");
    }
}

/// An unknown `--layout` or `--village` is bad input in every verb that
/// takes it: exit 2, the name and the choices said, nothing written.
#[test]
fn unknown_layout_or_village_is_bad_input_in_every_verb() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (["--layout", "poster-a9"], ["--layout", "poster-a9", "leaflet-a5"]),
        (["--village", "Thôn Không Có"], ["--village", "Thôn Không Có", "Đông Hải"]),
    ];
    for (flag, said) in cases {
        for verb in ["build", "preview"] {
            let out = tmp.path().join(format!("{verb}{}", flag[0]));
            let (code, _, err) = run(canhbao()
                .arg(verb)
                .arg(repo().join("examples/tien-trang"))
                .args(flag)
                .arg("--out")
                .arg(&out));
            assert_eq!(code, 2, "{verb} {flag:?}: {err}");
            for word in said {
                assert!(err.contains(word), "{verb} {flag:?} must say {word}: {err}");
            }
            assert!(!out.exists(), "{verb} {flag:?} wrote {}", out.display());
        }
    }
}

#[test]
fn check_prints_every_village() {
    let (code, out, err) = run(canhbao().arg("check").arg(repo().join("examples/tien-trang")));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("31 thôn"), "{out}");
    assert!(out.contains("thôn Vạn Lộc") && out.contains("0912 000 131"), "{out}");
}

#[test]
fn every_command_has_help_with_an_example_and_completions_exist() {
    for cmd in ["build", "check", "init", "preview", "layouts", "completions"] {
        let (code, out, err) = run(canhbao().args([cmd, "--help"]));
        assert_eq!(code, 0, "{cmd}: {err}");
        assert!(out.contains("Ví dụ: canhbao"), "{cmd} --help has no example:\n{out}");
    }
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, out, err) = run(canhbao().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains("canhbao") && out.contains("preview"), "{shell}");
    }
}
