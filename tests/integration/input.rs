//! Bad input gives one clear message with file and line, exit 2, no files.

use std::fs;

use crate::util::*;

const HEADER: &str = "name,kind,officer,officer_phone,households\n";

/// (case, campaign.toml edit (from, to), villages.csv, expected in stderr)
type Case = (&'static str, (&'static str, &'static str), String, Vec<&'static str>);

fn cases() -> Vec<Case> {
    let keep = ("", "");
    vec![
        (
            "missing column",
            keep,
            "name,kind,officer,households\nĐông Hải,thôn,Lê Văn Bình,10\n".into(),
            vec!["villages.csv:1", "officer_phone"],
        ),
        (
            "bad phone",
            keep,
            format!(
                "{HEADER}Đông Hải,thôn,Lê Văn Bình,0912 345,10\nTây Hải,thôn,Lê An,09123456789,5\n"
            ),
            vec!["villages.csv:2", "villages.csv:3", "10 chữ số"],
        ),
        (
            "duplicate village",
            keep,
            format!("{HEADER}Đông Hải,thôn,A,0912345678,10\nĐÔNG HẢI,thôn,B,0912345679,5\n"),
            vec!["villages.csv:3", "trùng", "dòng 2"],
        ),
        (
            "unknown layout",
            ("layouts = [\"leaflet-a5\"]", "layouts = [\"leaflet-a9\"]"),
            format!("{HEADER}Đông Hải,thôn,A,0912345678,10\n"),
            vec!["campaign.toml:", "leaflet-a9", "leaflet-a5"],
        ),
        (
            "unknown key",
            ("[issuer]", "[issuer]\nadress = \"x\""),
            format!("{HEADER}Đông Hải,thôn,A,0912345678,10\n"),
            vec!["campaign.toml:", "adress", "address"],
        ),
        (
            "bad url scheme",
            ("https://tinnhiemmang.vn", "http://tinnhiemmang.vn"),
            format!("{HEADER}Đông Hải,thôn,A,0912345678,10\n"),
            vec!["campaign.toml:", "https"],
        ),
        (
            // The PDF got no date at all before: a day checked on the calendar.
            "day not on the calendar",
            ("date = \"2026-03-15\"", "date = \"2026-02-31\""),
            format!("{HEADER}Đông Hải,thôn,A,0912345678,10\n"),
            vec!["campaign.toml:13:", "2026-02-31", "có 28 ngày"],
        ),
        (
            "empty name",
            keep,
            format!("{HEADER},thôn,A,0912345678,10\n"),
            vec!["villages.csv:2", "trống"],
        ),
        (
            "letters in households",
            keep,
            format!("{HEADER}Đông Hải,thôn,A,0912345678,mười\n"),
            vec!["villages.csv:2", "households"],
        ),
    ]
}

#[test]
fn bad_input_is_reported_with_place_and_writes_nothing() {
    for (name, (from, to), csv, wants) in cases() {
        let dir = example_copy();
        if !from.is_empty() {
            let path = dir.path().join("campaign.toml");
            let toml = fs::read_to_string(&path).unwrap();
            assert!(toml.contains(from), "{name}: fixture lacks {from}");
            fs::write(&path, toml.replacen(from, to, 1)).unwrap();
        }
        fs::write(dir.path().join("villages.csv"), csv).unwrap();
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
