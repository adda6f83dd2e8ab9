//! Re-runs: never stale, and a killed run resumes where it stopped.

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::paths::{assert_no_temp, card, custom_campaign, registry};
use crate::util::*;

/// "N tệp mới, M tệp không đổi" from a build's summary.
fn counts(err: &str) -> (usize, usize) {
    let line = err.lines().find(|l| l.contains(" tệp mới, ")).expect("a summary line");
    let mut numbers = line.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok());
    (numbers.next().unwrap(), numbers.next().unwrap())
}

/// Defect 9: a file a custom layout imports from a subfolder, or a campaign
/// file it reads, is part of the re-run key of every document that read it.
#[test]
fn files_a_layout_reads_are_in_the_rerun_key() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    let body = "#import \"phan/khau-hieu.typ\": slogan\n#slogan\n\n#read(\"/campaign/ghi-chu/loi-nhan.txt\")";
    custom_campaign(&campaign, &registry(""), &card(body));
    let part = campaign.join("mau/phan/khau-hieu.typ");
    let note = campaign.join("ghi-chu/loi-nhan.txt");
    fs::create_dir_all(part.parent().unwrap()).unwrap();
    fs::create_dir_all(note.parent().unwrap()).unwrap();
    fs::write(&part, "#let slogan = [Không nghe, không tin]").unwrap();
    fs::write(&note, "Lời nhắn thứ nhất").unwrap();
    let out = tmp.path().join("out");
    let build = || {
        let (code, _, err) =
            run(canhbao().arg("build").arg(&campaign).args(["--no-package", "--out"]).arg(&out));
        assert_eq!(code, 0, "{err}");
        counts(&err)
    };
    let pdf = out.join("the-xa/thon-dong-hai.pdf");
    assert_eq!(build(), (2, 0));
    assert!(pdf_text(&pdf).contains("Không nghe, không tin"));
    assert_eq!(build(), (0, 2), "nothing changed");

    fs::write(&part, "#let slogan = [Không chuyển tiền]").unwrap();
    assert_eq!(build(), (2, 0), "the imported file changed");
    assert!(pdf_text(&pdf).contains("Không chuyển tiền"), "{}", pdf_text(&pdf));

    fs::write(&note, "Lời nhắn thứ hai").unwrap();
    assert_eq!(build(), (2, 0), "the campaign file changed");
    assert!(pdf_text(&pdf).contains("Lời nhắn thứ hai"));
    assert_eq!(build(), (0, 2), "nothing changed");
    assert_no_temp(&out);
}

const VILLAGES: usize = 300;

/// A campaign of [`VILLAGES`] synthetic villages in `dir/c`.
fn synthetic(dir: &Path) -> std::path::PathBuf {
    let campaign = dir.join("c");
    let made = std::process::Command::new("python3")
        .arg(repo().join("bench/gen-campaign.py"))
        .arg(VILLAGES.to_string())
        .arg(&campaign)
        .status()
        .unwrap();
    assert!(made.success());
    campaign
}

/// Defect 9: the manifest is journaled as files land, so a SIGKILLed run's
/// successor renders only what the killed run had not finished.
#[test]
fn a_killed_build_resumes_where_it_stopped() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = synthetic(tmp.path());
    let out = tmp.path().join("out");
    let pdfs = |out: &Path| files(&out.join("leaflet-a5"), "pdf").len();
    let mut child = canhbao()
        .arg("build")
        .arg(&campaign)
        .args(["--no-package", "--out"])
        .arg(&out)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while pdfs(&out) < VILLAGES / 2 && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let landed = pdfs(&out);
    assert!(landed < VILLAGES, "the build finished before it could be killed");
    assert!(!out.join("manifest.json").exists(), "killed before the manifest");
    assert!(out.join("manifest.journal").is_file(), "the journal is written as files land");

    let (code, _, err) =
        run(canhbao().arg("build").arg(&campaign).args(["--no-package", "--out"]).arg(&out));
    assert_eq!(code, 0, "{err}");
    let (new, same) = counts(&err);
    assert_eq!(new + same, VILLAGES, "{err}");
    // At most the file being journaled when the kill came is made again.
    assert!(same + 1 >= landed && same <= landed, "{landed} landed, {same} kept: {err}");
    assert_eq!(pdfs(&out), VILLAGES);
    assert!(!out.join("manifest.journal").exists(), "the journal is folded in");
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert_eq!(manifest.matches("\"leaflet-a5/").count(), VILLAGES);
    assert_no_temp(&out);
}

/// Ctrl-C (SIGINT) stops a build cleanly: the files finished stay, nothing
/// half-written remains, the manifest lists exactly the files on disk, and
/// the same command again renders only the rest.
#[test]
fn ctrl_c_stops_a_build_cleanly_and_a_rerun_makes_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = synthetic(tmp.path());
    let out = tmp.path().join("out");
    let on_disk = |out: &Path| -> Vec<String> {
        let mut names: Vec<String> = files(&out.join("leaflet-a5"), "pdf")
            .iter()
            .map(|p| format!("leaflet-a5/{}", p.file_name().unwrap().to_string_lossy()))
            .collect();
        names.sort();
        names
    };
    let child = canhbao()
        .arg("build")
        .arg(&campaign)
        .arg("--out")
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while on_disk(&out).len() < 20 && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let done = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(130), "{err}");
    assert!(err.contains("Đã dừng theo yêu cầu"), "{err}");
    let landed = on_disk(&out);
    assert!(landed.len() < VILLAGES, "the build finished before it could be stopped");
    assert_no_temp(&out);
    // The manifest lists exactly the files on disk, and nothing was made
    // from the part: no print package, no loudspeaker scripts.
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let mut listed: Vec<String> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, landed, "the manifest and the disk disagree");
    assert!(!out.join("manifest.journal").exists(), "the journal is folded in");
    assert!(!out.join("print-order.csv").exists() && !out.join("loa").exists());

    let (code, _, err) =
        run(canhbao().arg("build").arg(&campaign).args(["--no-package", "--out"]).arg(&out));
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&err), (VILLAGES - landed.len(), landed.len()), "{err}");
    assert_eq!(on_disk(&out).len(), VILLAGES);
    assert_no_temp(&out);
}
