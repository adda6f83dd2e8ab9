//! Loudspeaker scripts: one spoken text per village, for the USB stick.

use crate::util::*;

#[test]
fn script_names_the_village_and_reads_the_officer_phone_aloud() {
    let loa = example_build().join("out/loa");
    let scripts = files(&loa, "txt");
    assert_eq!(scripts.len(), 31);
    let text = std::fs::read_to_string(loa.join("thon-dong-hai.txt")).unwrap();
    assert!(text.contains("thôn Đông Hải"), "{text}");
    assert!(text.contains("Lê Văn Bình"), "{text}");
    // 0912 000 101, read group by group.
    assert!(text.contains("không chín một hai, không không không, một không một"), "{text}");
    // About two minutes of speech at 130 words a minute.
    let words = text.split_whitespace().count();
    assert!((150..=260).contains(&words), "{words} words");
}

#[test]
fn week_rotates_the_tactic() {
    let dir = example_copy();
    let read = |week: &str| {
        let out = dir.path().join(format!("out-{week}"));
        let (code, _, err) = run(canhbao()
            .arg("build")
            .arg(dir.path())
            .args(["--village", "Đông Hải", "--no-package", "--week", week, "--out"])
            .arg(&out));
        assert_eq!(code, 0, "{err}");
        std::fs::read_to_string(out.join("loa/thon-dong-hai.txt")).unwrap()
    };
    let (w1, w2) = (read("1"), read("2"));
    let tactic = |t: &str| {
        t.lines().find(|l| l.contains(':') && l.contains("tuần này")).unwrap_or("").to_string()
    };
    assert!(!tactic(&w1).is_empty(), "{w1}");
    assert_ne!(tactic(&w1), tactic(&w2));
}

#[test]
fn a_build_of_chosen_layouts_writes_no_scripts() {
    let dir = example_copy();
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(dir.path())
        .args(["--village", "Đông Hải", "--no-package", "--layout", "card", "--out"])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(out.join("card/thon-dong-hai.pdf").is_file());
    assert!(!out.join("loa").exists(), "--layout card wrote loudspeaker scripts");
    assert!(!err.contains("loa/"), "{err}");
}
