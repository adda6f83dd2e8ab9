//! Paths: what data names stays in its folder; `init` and `build` never
//! replace someone else's files; the temp-file sweep stays in `--out`; a
//! FIFO never blocks a run; malformed registries are refused, not panicked on.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::*;

/// Every file under `dir` (not following links) with its bytes: a snapshot
/// to prove a folder was left alone.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).into_iter().flatten().flatten() {
            let kind = e.file_type().unwrap();
            if kind.is_dir() {
                stack.push(e.path());
            } else if kind.is_file() {
                out.push((e.path(), fs::read(e.path()).unwrap()));
            } else {
                out.push((e.path(), Vec::new()));
            }
        }
    }
    out.sort();
    out
}

/// Fails if a temporary file was left anywhere under `dir`.
pub fn assert_no_temp(dir: &Path) {
    let left: Vec<_> = snapshot(dir)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.to_string_lossy().ends_with(".canhbao-tmp"))
        .collect();
    assert!(left.is_empty(), "half-written files left: {left:?}");
}

/// Runs a command, killing it after `limit`: (exit code, stderr), or a
/// failure naming the hang.
pub fn run_within(cmd: &mut Command, limit: Duration) -> (i32, String) {
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("hung: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The example campaign with one village and its own layouts folder `mau`
/// holding `registry` (a layouts.toml) and `the.typ`.
pub fn custom_campaign(dir: &Path, registry: &str, layout: &str) {
    copy_dir(&repo().join("examples/tien-trang"), dir);
    let csv = "name,kind,officer,officer_phone,households\n\
               Đông Hải,thôn,Lê Văn Bình,0912 000 101,305\n\
               Tây Hải,thôn,Nguyễn Minh An,0912 000 102,473\n";
    fs::write(dir.join("villages.csv"), csv).unwrap();
    fs::create_dir_all(dir.join("mau")).unwrap();
    fs::write(dir.join("mau/layouts.toml"), registry).unwrap();
    fs::write(dir.join("mau/the.typ"), layout).unwrap();
    let path = dir.join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap().replacen(
        "layouts = [\"leaflet-a5\"]",
        "layouts = [\"the-xa\"]\nlayouts_dir = \"mau\"",
        1,
    );
    fs::write(&path, toml).unwrap();
}

/// A registry entry for `the-xa` with `extra` lines appended.
pub fn registry(extra: &str) -> String {
    format!(
        "[the-xa]\nfile = \"the.typ\"\ntitle = \"Thẻ\"\npaper = \"a6\"\nwidth_mm = 105\n\
         height_mm = 148\npages = 1\nscope = \"village\"\n{extra}"
    )
}

/// A one-page layout printing the village; `body` is added after it.
pub fn card(body: &str) -> String {
    format!(
        "#let data = json(sys.inputs.at(\"data\", default: \"sample.json\"))\n\
         #set page(paper: \"a6\")\n#set text(font: \"Be Vietnam Pro\")\n\
         #data.village.full_title\n{body}\n"
    )
}

/// Defect 1: a registry's `format` or layout id naming `../` is refused
/// with the registry's line, and nothing is written anywhere.
#[test]
fn registry_names_that_leave_out_are_refused_with_their_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("a/b");
    let campaign = root.join("c");
    let victim = tmp.path().join("victim.txt");
    fs::write(&victim, "the user's file").unwrap();
    let cases = [
        // `format` line 9: the PDF would land four levels up.
        (registry("format = \"pdf/../../../../victim.txt\"\n"), 9, "định dạng"),
        // The id is the table header, line 1.
        (registry("").replace("[the-xa]", "[\"../../../victim\"]"), 1, "mã mẫu"),
    ];
    for (text, line, what) in cases {
        let _ = fs::remove_dir_all(&root);
        custom_campaign(&campaign, &text, &card(""));
        if !text.contains("[the-xa]") {
            let toml = campaign.join("campaign.toml");
            let t = fs::read_to_string(&toml).unwrap().replace("\"the-xa\"", "\"../../../victim\"");
            fs::write(&toml, t).unwrap();
        }
        let before = snapshot(tmp.path());
        let out = root.join("out");
        let (code, _, err) = run(canhbao().arg("build").arg(&campaign).arg("--out").arg(&out));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(&format!("mau/layouts.toml:{line}:")), "{err}");
        assert!(err.contains(what), "{err}");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "the user's file");
        assert_eq!(snapshot(tmp.path()), before, "a file appeared or changed");
        assert!(!out.exists(), "nothing may be written: {err}");
    }
}

/// The registry's `scope`, `copies`, `format` and `impose` are fixed lists:
/// a typo is refused with the registry's line and the values there are, in
/// every verb, instead of falling back to a silent default.
#[test]
fn registry_values_outside_their_list_are_refused_with_their_line() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    // (registry, line, words of the message)
    let cases = [
        (
            registry("").replace("scope = \"village\"", "scope = \"vilage\""),
            8,
            "“vilage”",
            "“commune”",
        ),
        (registry("copies = \"household\"\n"), 9, "“household”", "“households”"),
        (registry("format = \"PDF\"\n"), 9, "định dạng (format) “PDF”", "“png”"),
        (registry("impose = \"2up-a3\"\n"), 9, "“2up-a3”", "“2up-a4”"),
    ];
    for (text, line, value, option) in cases {
        let _ = fs::remove_dir_all(&campaign);
        custom_campaign(&campaign, &text, &card(""));
        for verb in ["check", "build", "preview"] {
            let out = tmp.path().join("out");
            let mut cmd = canhbao();
            cmd.arg(verb).arg(&campaign);
            match verb {
                "check" => cmd.arg("--no-proof"),
                _ => cmd.arg("--out").arg(&out),
            };
            let (code, _, err) = run(&mut cmd);
            assert_eq!(code, 2, "{verb} {text}: {err}");
            assert!(!out.exists(), "{verb} wrote despite {text}");
            assert!(err.contains(&format!("mau/layouts.toml:{line}:")), "{verb}: {err}");
            assert!(err.contains(value) && err.contains(option), "{verb}: {err}");
        }
    }
}

/// Defect 1: every output path goes through one check, so a symlinked
/// subfolder of `--out` cannot carry the files elsewhere.
#[test]
fn a_symlinked_subfolder_of_out_is_not_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("keep.txt"), "someone else's").unwrap();
    let dir = example_copy();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("leaflet-a5")).unwrap();
    let before = snapshot(&elsewhere);
    let build = || {
        run(canhbao()
            .arg("build")
            .arg(dir.path())
            .args(["--village", "Đông Hải", "--out"])
            .arg(&out))
    };
    let (code, _, err) = build();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("leaflet-a5/thon-dong-hai.pdf"), "the message names the file: {err}");
    assert!(err.contains("trỏ ra ngoài thư mục kết quả"), "{err}");
    assert_eq!(snapshot(&elsewhere), before, "a file was written through the link");

    // The loudspeaker scripts take the same path.
    fs::remove_file(out.join("leaflet-a5")).unwrap();
    fs::remove_dir_all(out.join("loa")).unwrap(); // written by the first run
    std::os::unix::fs::symlink(&elsewhere, out.join("loa")).unwrap();
    let (code, _, err) = build();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("loa/thon-dong-hai.txt") && err.contains("trỏ ra ngoài"), "{err}");
    assert_eq!(snapshot(&elsewhere), before, "a file was written through the link");
    assert_no_temp(tmp.path());
    assert_no_temp(dir.path());
}

/// Defect 4: `init` writes nothing when any of its files is there.
#[test]
fn init_never_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("villages.xlsx"), "the commune's real list").unwrap();
    fs::write(dir.path().join("HUONG-DAN.txt"), "our own notes").unwrap();
    let before = snapshot(dir.path());
    let (code, _, err) = run(canhbao().arg("init").arg(dir.path()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("villages.xlsx") && err.contains("HUONG-DAN.txt"), "{err}");
    assert!(err.contains("không tạo gì"), "{err}");
    assert_eq!(snapshot(dir.path()), before, "init wrote or replaced a file");

    // An empty folder is filled.
    let fresh = dir.path().join("moi");
    let (code, out, err) = run(canhbao().arg("init").arg(&fresh));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("campaign.toml"), "{out}");
    assert!(fresh.join("villages.xlsx").is_file());
}

/// Defect 14: a non-empty `--out` without a canhbao manifest is someone
/// else's folder: refused unless `--allow-nonempty-out` says so.
#[test]
fn an_unrelated_out_folder_is_refused_unless_allowed() {
    let dir = example_copy();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ke-toan");
    fs::create_dir_all(out.join("print")).unwrap();
    fs::write(out.join("print-order.csv"), "the accountant's order").unwrap();
    fs::write(out.join("print/leaflet-a5-all.pdf"), "not ours").unwrap();
    let before = snapshot(tmp.path());
    let campaign_before = snapshot(dir.path());
    let build = |extra: &[&str]| {
        run(canhbao()
            .arg("build")
            .arg(dir.path())
            .args(["--village", "Đông Hải", "--no-package"])
            .args(extra)
            .arg("--out")
            .arg(&out))
    };
    let (code, _, err) = build(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--out") && err.contains("--allow-nonempty-out"), "{err}");
    assert!(err.contains("print-order.csv"), "the message lists what is there: {err}");
    assert_eq!(snapshot(tmp.path()), before, "nothing may be written");
    assert_eq!(snapshot(dir.path()), campaign_before, "nothing may be written");

    let (code, _, err) = build(&["--allow-nonempty-out"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("manifest.json").is_file());
    // Now it is a canhbao folder: a re-run needs no flag.
    let (code, _, err) = build(&[]);
    assert_eq!(code, 0, "{err}");
    assert_no_temp(tmp.path());

    // The root of the disk is nobody's output folder.
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).args(["--out", "/"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--allow-nonempty-out"), "{err}");
}

/// Defects 7 and 8: the temp-file sweep does not follow links (two links to
/// the folder itself made it run forever) and never deletes outside `--out`.
#[test]
fn the_temp_sweep_stays_in_out_and_ends() {
    let dir = example_copy();
    let tmp = tempfile::tempdir().unwrap();
    let other = tmp.path().join("other-program");
    fs::create_dir(&other).unwrap();
    let theirs = other.join(".data.bin.999999999.canhbao-tmp");
    fs::write(&theirs, "another program's temp file").unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(out.join("leaflet-a5")).unwrap();
    let ours = out.join("leaflet-a5/.thon-dong-hai.pdf.999999999.canhbao-tmp");
    fs::write(&ours, "half").unwrap();
    std::os::unix::fs::symlink(&out, out.join("self-1")).unwrap();
    std::os::unix::fs::symlink(&out, out.join("self-2")).unwrap();
    std::os::unix::fs::symlink(&other, out.join("linked")).unwrap();
    let (code, err) = run_within(
        canhbao()
            .arg("build")
            .arg(dir.path())
            .args(["--village", "Đông Hải", "--no-package", "--out"])
            .arg(&out),
        Duration::from_secs(30),
    );
    assert_eq!(code, 0, "{err}");
    assert!(theirs.is_file(), "the sweep deleted a file outside --out");
    assert!(!ours.exists(), "the stale temp file in --out was not removed");
    assert!(out.join("leaflet-a5/thon-dong-hai.pdf").is_file());
    assert_eq!(snapshot(&other).len(), 1, "a file appeared outside --out");
    assert_no_temp(&out);
}

/// Defect 7: a FIFO read by a layout, or given as a font, is refused at
/// once instead of blocking the run forever.
#[test]
fn a_fifo_never_blocks_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    custom_campaign(&campaign, &registry(""), &card("#read(\"/campaign/pipe\")"));
    let mkfifo = |p: &Path| assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
    mkfifo(&campaign.join("pipe"));
    mkfifo(&campaign.join("mau/khac.typ"));
    let before = snapshot(&campaign);
    let out = tmp.path().join("out");
    let (code, err) = run_within(
        canhbao().arg("build").arg(&campaign).args(["--no-package", "--out"]).arg(&out),
        Duration::from_secs(30),
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("pipe") && err.contains("không phải là tệp thường"), "{err}");
    assert!(err.contains("the.typ:5:"), "the message points at the layout line: {err}");
    assert_no_temp(&out);
    assert_eq!(snapshot(&campaign), before, "a file appeared outside --out");

    let fonts = tmp.path().join("fonts");
    fs::create_dir(&fonts).unwrap();
    mkfifo(&fonts.join("Hostile.ttf"));
    let (code, err) = run_within(
        canhbao()
            .arg("build")
            .arg(repo().join("examples/tien-trang"))
            .args(["--no-package", "--font-path"])
            .arg(&fonts)
            .arg("--out")
            .arg(tmp.path().join("out2")),
        Duration::from_secs(30),
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Hostile.ttf") && err.contains("không phải là tệp thường"), "{err}");

    // FIFOs planted where a re-run compares its old files are replaced.
    let out = tmp.path().join("out3");
    let build = || {
        run_within(
            canhbao()
                .arg("build")
                .arg(repo().join("examples/tien-trang"))
                .args(["--village", "Đông Hải", "--no-package", "--out"])
                .arg(&out),
            Duration::from_secs(30),
        )
    };
    assert_eq!(build().0, 0);
    for file in ["loa/thon-dong-hai.txt", "leaflet-a5/thon-dong-hai.pdf"] {
        fs::remove_file(out.join(file)).unwrap();
        mkfifo(&out.join(file));
    }
    let (code, err) = build();
    assert_eq!(code, 0, "{err}");
    assert!(out.join("loa/thon-dong-hai.txt").is_file(), "{err}");
    assert!(out.join("leaflet-a5/thon-dong-hai.pdf").is_file(), "{err}");
    assert_no_temp(&out);
}

/// Defect 6: inputs that panicked (exit 101) are refused with their line.
#[test]
fn malformed_registries_and_empty_layout_lists_are_refused_not_panicked_on() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    // (registry, expected line, words of the message)
    let cases = [
        (registry("").replace("\"the.typ\"", "'..\\..\\x.typ'"), 2, "“..”"),
        (registry("").replace("\"the.typ\"", "'C:\\mau\\the.typ'"), 2, "thư mục mẫu"),
        (registry("").replace("\"the.typ\"", "\"../../../../../x.typ\""), 2, "“..”"),
        (registry("format = \"png\"\ndpi = inf\n"), 10, "dpi"),
        (registry("format = \"png\"\ndpi = 30000\n"), 10, "dpi"),
    ];
    for (text, line, what) in cases {
        let _ = fs::remove_dir_all(&campaign);
        custom_campaign(&campaign, &text, &card(""));
        let before = snapshot(tmp.path());
        for verb in [&["build", "--no-package"][..], &["check", "--no-contact-sheet"], &["preview"]]
        {
            let out = tmp.path().join("out");
            let (code, _, err) = run(canhbao()
                .args(&verb[..1])
                .arg(&campaign)
                .args(&verb[1..])
                .arg_if_out(verb[0], &out));
            assert_eq!(code, 2, "{verb:?} {text}: {err}");
            assert!(err.contains(&format!("mau/layouts.toml:{line}:")), "{verb:?}: {err}");
            assert!(err.contains(what), "{verb:?}: {err}");
            assert_eq!(snapshot(tmp.path()), before, "{verb:?} wrote something");
        }
    }

    // `layouts = []` in check and preview.
    let dir = fixture("no-layouts");
    let toml = fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    let line = toml.lines().position(|l| l == "layouts = []").unwrap() + 1;
    for verb in ["check", "preview", "build"] {
        let (code, _, err) = run(canhbao().arg(verb).arg(dir.path()));
        assert_eq!(code, 2, "{verb}: {err}");
        assert!(err.contains(&format!("campaign.toml:{line}:")), "{verb}: {err}");
        assert!(err.contains("layouts"), "{verb}: {err}");
    }
    assert!(!dir.path().join("out").exists(), "nothing may be written");
}

/// `--out` for the verbs that take it.
trait ArgIfOut {
    fn arg_if_out(&mut self, verb: &str, out: &Path) -> &mut Self;
}

impl ArgIfOut for Command {
    fn arg_if_out(&mut self, verb: &str, out: &Path) -> &mut Self {
        match verb {
            "build" | "preview" => self.arg("--out").arg(out),
            _ => self.arg("--contact-sheet").arg(out.join("sheet.png")),
        }
    }
}

/// Issue 29 M8: Windows paths in campaign.toml (`du-lieu\villages.csv`,
/// `anh\logo.png`, `mau\`) were refused as "outside the campaign folder";
/// a backslash is a folder separator there. A full path is said to be one.
#[test]
fn backslash_paths_in_campaign_toml_are_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    custom_campaign(&campaign, &registry(""), &card(""));
    fs::create_dir_all(campaign.join("du-lieu")).unwrap();
    fs::rename(campaign.join("villages.csv"), campaign.join("du-lieu/villages.csv")).unwrap();
    fs::create_dir_all(campaign.join("anh")).unwrap();
    fs::write(campaign.join("anh/logo.png"), crate::input::png_header(600, 600)).unwrap();
    let path = campaign.join("campaign.toml");
    let toml = fs::read_to_string(&path)
        .unwrap()
        .replacen(
            "villages = \"villages.csv\"",
            "villages = 'du-lieu\\villages.csv'\nlogo = 'anh\\logo.png'",
            1,
        )
        .replacen("layouts_dir = \"mau\"", "layouts_dir = 'mau\\'", 1);
    fs::write(&path, &toml).unwrap();
    let (code, out, err) = run(canhbao().arg("check").arg(&campaign).arg("--no-contact-sheet"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("thôn Tây Hải"), "{out}");

    for full in ["C:\\Users\\xa\\logo.png", "/home/xa/logo.png"] {
        let toml = toml.replacen("'anh\\logo.png'", &format!("'{full}'"), 1);
        fs::write(&path, &toml).unwrap();
        let (code, _, err) = run(canhbao().arg("check").arg(&campaign));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("đường dẫn đầy đủ") && !err.contains("nằm ngoài"), "{err}");
    }
}

/// Issue 29 M8: `file = 'rieng\the.typ'` in a campaign's own layouts.toml
/// was refused ("viết bằng dấu /"); a backslash is a folder separator there
/// too, as for villages, logo and layouts_dir.
#[test]
fn backslash_paths_in_an_own_layouts_toml_are_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    let text = registry("").replace("\"the.typ\"", "'rieng\\the.typ'");
    custom_campaign(&campaign, &text, &card("Mẫu riêng"));
    fs::create_dir_all(campaign.join("mau/rieng")).unwrap();
    fs::rename(campaign.join("mau/the.typ"), campaign.join("mau/rieng/the.typ")).unwrap();
    let (code, _, err) = run(canhbao().arg("check").arg(&campaign).arg("--no-contact-sheet"));
    assert_eq!(code, 0, "{err}");
    let out = tmp.path().join("out");
    let (code, _, err) =
        run(canhbao().arg("build").arg(&campaign).arg("--out").arg(&out).arg("--no-package"));
    assert_eq!(code, 0, "{err}");
    let text = pdf_text(&out.join("the-xa/thon-dong-hai.pdf"));
    assert!(text.contains("Mẫu riêng"), "{text}");
}

/// Issue 29 M8: a layout id Windows reserves (`CON`, `nul`, `Com1`) made
/// `out/CON/`, which Windows cannot open; refused with the registry's line.
#[test]
fn windows_device_names_are_refused_as_layout_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    for id in ["CON", "nul", "Com1", "lpt9"] {
        let _ = fs::remove_dir_all(&campaign);
        custom_campaign(
            &campaign,
            &registry("").replace("[the-xa]", &format!("[{id}]")),
            &card(""),
        );
        let toml = campaign.join("campaign.toml");
        let t = fs::read_to_string(&toml).unwrap().replace("\"the-xa\"", &format!("\"{id}\""));
        fs::write(&toml, t).unwrap();
        let out = tmp.path().join("out");
        let (code, _, err) = run(canhbao().arg("build").arg(&campaign).arg("--out").arg(&out));
        assert_eq!(code, 2, "{id}: {err}");
        assert!(err.contains("mau/layouts.toml:1:") && err.contains("Windows"), "{id}: {err}");
        assert!(!out.exists(), "{id}: wrote {:?}", all_files(&out));
    }
}

/// Issue 29 L8: paper "zz" in a campaign's own layouts.toml went into the
/// print order; a paper that is not one of the sizes, or that does not
/// match the layout's size, is refused with its line.
#[test]
fn an_unknown_or_mismatched_paper_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    for (paper, want) in [("zz", "“zz” không có"), ("a4", "khổ a4 là 210 × 297 mm")] {
        let _ = fs::remove_dir_all(&campaign);
        let text = registry("").replace("paper = \"a6\"", &format!("paper = \"{paper}\""));
        custom_campaign(&campaign, &text, &card(""));
        let (code, _, err) = run(canhbao().arg("check").arg(&campaign));
        assert_eq!(code, 2, "{paper}: {err}");
        assert!(err.contains("mau/layouts.toml:4:") && err.contains(want), "{paper}: {err}");
    }
}

/// An SVG logo of `body` (inside `<svg>`, after `head`) in a copy of the
/// example; returns the folder and the line of `logo = ` in campaign.toml.
fn with_svg_logo(head: &str, body: &str) -> (tempfile::TempDir, usize) {
    with_svg_file(&format!(
        "{head}<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 10 10\">{body}</svg>"
    ))
}

/// The example with `svg` as its logo, and the line of `logo = `.
fn with_svg_file(svg: &str) -> (tempfile::TempDir, usize) {
    let dir = example_copy();
    fs::write(dir.path().join("logo.svg"), svg).unwrap();
    let path = dir.path().join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap().replacen(
        "villages = \"villages.csv\"",
        "villages = \"villages.csv\"\nlogo = \"logo.svg\"",
        1,
    );
    fs::write(&path, &toml).unwrap();
    let line = crate::input::line_of(&toml, "logo = ");
    (dir, line)
}

/// Issue 29 M6: an SVG logo pointing at `file:///etc/passwd`, an entity
/// loop or a `<use>` bomb passed `check`; `build` then failed every
/// document with English errors quoting the SVG. Each is refused at load,
/// naming the logo, in Vietnamese; a plain SVG logo still builds.
#[test]
fn hostile_svg_logos_are_refused_at_load() {
    let mut bomb = String::from("<g id=\"l0\"><rect width=\"1\" height=\"1\"/></g>");
    for i in 1..9 {
        bomb.push_str(&format!("<g id=\"l{i}\">"));
        for _ in 0..10 {
            bomb.push_str(&format!("<use xlink:href=\"#l{}\"/>", i - 1));
        }
        bomb.push_str("</g>");
    }
    let laughs = "<!DOCTYPE svg [<!ENTITY a \"hahahaha\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;\">]>";
    for (head, body, want) in [
        (
            "",
            "<image href=\"file:///etc/passwd\" width=\"5\" height=\"5\"/>".to_string(),
            "file:///etc/passwd",
        ),
        ("", "<image xlink:href=\"../../secret.png\"/>".to_string(), "bên ngoài"),
        (laughs, "<text>&c;</text>".to_string(), "ENTITY"),
        ("", bomb, "<use>"),
    ] {
        let (dir, line) = with_svg_logo(head, &body);
        let err = crate::input::refused(
            dir.path(),
            &[&format!("campaign.toml:{line}:"), "logo.svg", want],
        );
        assert!(!err.contains("<svg") && !err.contains("failed"), "{err}");
    }
    let (dir, _) = with_svg_logo("", "<circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"red\"/>");
    let (code, _, err) = run(canhbao().arg("check").arg(dir.path()).arg("--no-contact-sheet"));
    assert_eq!(code, 0, "{err}");
}

/// Issue 29 M6, what was left: an SVG logo that passes the load checks but
/// that the layout engine cannot read (a width of 0, a negative height)
/// passed `check`; `build` then failed every document with "error: failed
/// to parse SVG" quoting the logo. Refused at load, naming the logo.
#[test]
fn an_svg_logo_the_engine_cannot_read_is_refused_by_check() {
    for root in ["width=\"0\" height=\"0\"", "width=\"-5\" height=\"10\""] {
        let (dir, line) = with_svg_file(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" {root}><circle r=\"1\"/></svg>"
        ));
        let err = crate::input::refused(
            dir.path(),
            &[&format!("campaign.toml:{line}:"), "logo.svg", "không đọc được"],
        );
        assert!(!err.contains("<svg") && !err.contains("failed"), "{err}");
    }
}
