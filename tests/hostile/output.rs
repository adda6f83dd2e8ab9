//! The output side (issue 29): the output folder holds exactly what the
//! manifest lists, a proof never replaces an input, and a full disk names
//! every file it did not take.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::paths::assert_no_temp;
use crate::util::*;

/// M2: `check --proof` with the village table, `campaign.toml` or any
/// other file that is not a PDF as its target is refused with a message,
/// and the file keeps its bytes.
#[test]
fn the_proof_never_replaces_an_input_or_a_file_that_is_not_a_pdf() {
    let dir = example_copy();
    fs::write(dir.path().join("ghi-chu.txt"), "ghi chú của cán bộ").unwrap();
    fs::write(dir.path().join("cu.pdf"), "không phải PDF").unwrap();
    fs::create_dir(dir.path().join("thu-muc.pdf")).unwrap();
    for target in ["villages.csv", "campaign.toml", "ghi-chu.txt", "cu.pdf", "thu-muc.pdf", "moi"] {
        let path = dir.path().join(target);
        let before = fs::read(&path).ok();
        let (code, _, err) = run(canhbao().arg("check").arg(dir.path()).arg("--proof").arg(&path));
        assert_ne!(code, 0, "{target}: {err}");
        assert!(err.contains("không ghi bản kiểm tra vào"), "{target}: {err}");
        assert!(err.contains(".pdf"), "{target}: {err}");
        assert_eq!(fs::read(&path).ok(), before, "{target} was changed");
    }
    // A `.pdf` name is written, and written again over the proof it made.
    let proof = dir.path().join("kiem-tra-moi.pdf");
    for _ in 0..2 {
        let (code, _, err) = run(canhbao().arg("check").arg(dir.path()).arg("--proof").arg(&proof));
        assert_eq!(code, 0, "{err}");
        assert!(pdf_text(&proof).contains("Đông Hải"));
    }
}

/// Every file under `out`, relative, with `/`, sorted (manifests aside).
fn on_disk(out: &Path) -> BTreeSet<String> {
    all_files(out)
        .iter()
        .map(|p| p.strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/"))
        .filter(|rel| !rel.starts_with("manifest"))
        .collect()
}

/// What a manifest lists: its documents and its other files.
fn listed(manifest: &Path) -> BTreeSet<String> {
    let m: serde_json::Value = serde_json::from_slice(&fs::read(manifest).unwrap()).unwrap();
    let files = m["files"].as_array().unwrap().iter().map(|e| e["file"].as_str().unwrap());
    let also = m["also"].as_array().into_iter().flatten().map(|f| f.as_str().unwrap());
    files.chain(also).map(String::from).collect()
}

/// Removes the table row of `name` from `campaign/villages.csv`.
fn remove_village(campaign: &Path, name: &str) {
    let csv = campaign.join("villages.csv");
    let text = fs::read_to_string(&csv).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with(&format!("{name},"))).collect();
    assert_eq!(kept.len() + 1, text.lines().count(), "{name} is a row of the table");
    fs::write(&csv, kept.join("\n") + "\n").unwrap();
}

fn build(campaign: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let (code, _, err) =
        run(canhbao().arg("build").arg(campaign).arg("--out").arg(out).args(extra));
    (code, err)
}

/// H1: a village removed from the table and the campaign built again: its
/// leaflet, 2-up sheet, script, PNG pages and data leave the folder and the
/// manifest, the print order and the combined file no longer hold it, and
/// the folder holds exactly what the manifest lists (a file canhbao never
/// wrote stays).
#[test]
fn a_removed_village_leaves_every_folder_and_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    copy_dir(&repo().join("examples/hac-thanh"), &campaign);
    let out = tmp.path().join("out");
    let (code, err) = build(&campaign, &out, &["--png", "36", "--emit-data"]);
    assert_eq!(code, 0, "{err}");
    fs::write(out.join("ghi-chu.txt"), "của cán bộ, không phải canhbao").unwrap();
    let slug = "to-dan-pho-dien-bien-2";
    let first = on_disk(&out);
    for f in [
        format!("leaflet-a5/{slug}.pdf"),
        format!("leaflet-a5/{slug}.json"),
        format!("leaflet-a5/{slug}-1.png"),
        format!("print/leaflet-a5-2up-sra4/{slug}.pdf"),
        format!("loa/{slug}.txt"),
    ] {
        assert!(first.contains(&f), "the first build made {f}: {first:?}");
    }
    let combined = out.join("print/leaflet-a5-all.pdf");
    assert!(pdf_text(&combined).contains("Điện Biên 2"));

    remove_village(&campaign, "Điện Biên 2");
    let (code, err) = build(&campaign, &out, &[]);
    assert_eq!(code, 0, "{err}");
    let now = on_disk(&out);
    let left: Vec<&String> = now.iter().filter(|f| f.contains(slug)).collect();
    assert!(left.is_empty(), "the removed village's files stay: {left:?}");
    assert!(now.contains("ghi-chu.txt"), "a file canhbao never wrote is left alone");
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(!manifest.contains(slug) && !manifest.contains("Điện Biên 2"), "{manifest}");
    let order = fs::read_to_string(out.join("print-order.csv")).unwrap();
    assert!(!order.contains(slug) && !order.contains("Điện Biên 2"), "{order}");
    assert!(!pdf_text(&combined).contains("Điện Biên 2"));
    assert!(pdf_text(&combined).contains("Điện Biên 1"));
    let mut expected = listed(&out.join("manifest.json"));
    expected.insert("ghi-chu.txt".into());
    assert_eq!(now, expected, "the folder holds exactly what the manifest lists");
    // The other villages' side files, made by the first build, are still listed.
    assert!(now.contains("leaflet-a5/to-dan-pho-dien-bien-1-1.png"), "{now:?}");
    assert_no_temp(&out);

    // `--village` and `--no-package` runs keep the folder true as well.
    remove_village(&campaign, "Điện Biên 1");
    let (code, err) = build(&campaign, &out, &["--no-package"]);
    assert_eq!(code, 0, "{err}");
    let now = on_disk(&out);
    assert!(!now.iter().any(|f| f.contains("dien-bien-1")), "{now:?}");
    assert!(!now.iter().any(|f| f.starts_with("print/")), "a package of removed villages: {now:?}");
    let mut expected = listed(&out.join("manifest.json"));
    expected.insert("ghi-chu.txt".into());
    assert_eq!(now, expected);
}

/// H1: building a second commune into the first one's `--out` is refused
/// in Vietnamese, saying what to do, and nothing in the folder changes.
#[test]
fn a_second_commune_is_not_built_into_the_first_ones_out() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ket-qua");
    let (code, err) = build(&repo().join("examples/hac-thanh"), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let before = crate::paths::snapshot(&out);
    let (code, err) = build(&repo().join("examples/tien-trang"), &out, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("đang chứa tệp của phường Hạc Thành"), "{err}");
    assert!(err.contains("không phải của xã Tiên Trang"), "{err}");
    assert!(err.contains("chọn thư mục khác cho --out"), "{err}");
    assert_eq!(crate::paths::snapshot(&out), before, "nothing in the folder changed");
    // `--allow-nonempty-out` is for folders that are not canhbao's: it
    // does not let one commune's run remove another's files.
    let (code, err) = build(&repo().join("examples/tien-trang"), &out, &["--allow-nonempty-out"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(crate::paths::snapshot(&out), before);
}

/// M5: shards made with other options, or from other data, are not merged:
/// the whole run names the shard and says how to make it again; made
/// alike, they merge and nothing is made twice.
#[test]
fn shards_made_with_other_options_or_data_are_not_merged() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    copy_dir(&repo().join("examples/hac-thanh"), &campaign);
    let out = tmp.path().join("out");
    let (code, err) = build(&campaign, &out, &["--shard", "1/2", "--png", "36"]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = build(&campaign, &out, &["--shard", "2/2"]);
    assert_eq!(code, 0, "{err}");
    let before = crate::paths::snapshot(&out);
    let (code, err) = build(&campaign, &out, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("không ghép được các phần"), "{err}");
    assert!(err.contains("manifest.shard-1-of-2.json"), "{err}");
    assert!(!err.contains("manifest.shard-2-of-2.json"), "{err}");
    assert!(err.contains("tùy chọn hoặc dữ liệu khác"), "{err}");
    assert_eq!(crate::paths::snapshot(&out), before, "a refused merge writes nothing");

    // Other data: a village's officer changed between the two shards.
    let (code, err) = build(&campaign, &out, &["--shard", "1/2"]);
    assert_eq!(code, 0, "{err}");
    let csv = campaign.join("villages.csv");
    let text = fs::read_to_string(&csv).unwrap();
    fs::write(&csv, text.replace("Lê Minh Đức", "Lê Minh Tâm")).unwrap();
    let (code, err) = build(&campaign, &out, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("manifest.shard-1-of-2.json, manifest.shard-2-of-2.json"), "{err}");

    // Both made again from the same data and options: they merge, and the
    // merge makes no document again.
    for k in ["1/2", "2/2"] {
        let (code, err) = build(&campaign, &out, &["--shard", k]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, err) = build(&campaign, &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 tệp mới"), "{err}");
    // Merged, the shards no longer stop a later run with other options.
    let (code, err) = build(&campaign, &out, &["--png", "36"]);
    assert_eq!(code, 0, "{err}");
}

/// L6: a disk that fills up during a build (1 MiB: while the leaflets are
/// written; 2 MiB: while the print package is made): the run exits 1,
/// counts the files it could not write and names them (the first ten, then
/// "và N tệp khác"), and the manifest lists exactly the files on the disk.
/// Needs a small tmpfs (root); elsewhere there is no full disk to make.
#[test]
fn a_full_disk_names_every_file_not_written_and_the_manifest_stays_true() {
    for size in ["1m", "2m"] {
        let tmp = tempfile::tempdir().unwrap();
        let disk = tmp.path().join("o-dia");
        fs::create_dir(&disk).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&disk)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("no tmpfs could be mounted (not root): the full disk is not tested here");
            return;
        }
        let out = disk.join("out");
        let (code, err) = build(&repo().join("examples/tien-trang"), &out, &[]);
        let leaflets = files(&out.join("leaflet-a5"), "pdf").len();
        let listed = listed(&out.join("manifest.json"));
        let on_disk = on_disk(&out);
        let _ = std::process::Command::new("umount").arg(&disk).status();
        assert_eq!(code, 1, "{size}: {err}");
        let line = err.lines().find(|l| l.contains(" tệp chưa tạo được: ")).expect(&err);
        let missing: usize = line.split(' ').next().unwrap().parse().unwrap();
        assert!(missing > 10, "{size}: the disk was meant to take about half: {err}");
        let named = line.split(": ").nth(1).unwrap().split(" và ").next().unwrap();
        let named: Vec<&str> = named.split(", ").collect();
        assert_eq!(named.len(), 10, "{line}");
        for f in &named {
            assert!(!out.join(f).exists(), "{f} is named but on the disk");
        }
        assert!(line.ends_with(&format!(" và {} tệp khác", missing - 10)), "{line}");
        match size {
            "1m" => assert_eq!(missing + leaflets, 31, "{err}"),
            _ => assert!(named.iter().all(|f| f.starts_with("print/")) && leaflets == 31, "{err}"),
        }
        assert_eq!(listed, on_disk, "{size}: the manifest lists exactly what is on the disk");
    }
}

/// The example province cut to its first `n` communes with their villages
/// in the shared table.
fn province(dir: &Path, n: usize) {
    copy_dir(&repo().join("examples/tinh-thanh-hoa"), dir);
    let communes = fs::read_to_string(dir.join("communes.csv")).unwrap();
    let mut lines = communes.lines();
    let mut kept: Vec<&str> = vec![lines.next().unwrap()];
    kept.extend(lines.filter(|l| !l.contains("thon/")).take(n));
    fs::write(dir.join("communes.csv"), kept.join("\n") + "\n").unwrap();
    keep_villages(dir);
}

/// Keeps the shared village table's rows of the communes in the table.
fn keep_villages(dir: &Path) {
    let communes = fs::read_to_string(dir.join("communes.csv")).unwrap();
    let names: Vec<&str> = communes.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    let villages = fs::read_to_string(dir.join("villages.csv")).unwrap();
    let rows: Vec<&str> = villages
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || names.contains(&l.split(',').next().unwrap()))
        .map(|(_, l)| l)
        .collect();
    fs::write(dir.join("villages.csv"), rows.join("\n") + "\n").unwrap();
}

/// H1 for a province: a commune removed from the communes table takes its
/// files (documents, package, scripts, its manifest) with it on the next
/// build, and the province's manifest, order and folder hold exactly the
/// communes of the table; a file canhbao never wrote stays.
#[test]
fn a_commune_removed_from_a_province_leaves_its_folder_and_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("tinh");
    province(&campaign, 3);
    let out = tmp.path().join("out");
    let (code, err) = build(&campaign, &out, &[]);
    assert_eq!(code, 0, "{err}");
    let root = out.join("tinh-thanh-hoa");
    let gone = root.join("xa-quang-chieu");
    assert!(!files(&gone.join("leaflet-a5"), "pdf").is_empty(), "built: {err}");
    fs::write(gone.join("ghi-chu.txt"), "của cán bộ").unwrap();

    let table = fs::read_to_string(campaign.join("communes.csv")).unwrap();
    let kept: Vec<&str> = table.lines().filter(|l| !l.starts_with("Quang Chiểu,")).collect();
    fs::write(campaign.join("communes.csv"), kept.join("\n") + "\n").unwrap();
    keep_villages(&campaign);
    let (code, err) = build(&campaign, &out, &[]);
    assert_eq!(code, 0, "{err}");
    let left: Vec<String> = all_files(&gone).iter().map(|p| p.display().to_string()).collect();
    assert_eq!(
        left,
        [gone.join("ghi-chu.txt").display().to_string()],
        "only the officer's file stays"
    );
    let manifest = fs::read_to_string(root.join("manifest.json")).unwrap();
    assert!(!manifest.contains("xa-quang-chieu"), "{manifest}");
    let order = fs::read_to_string(root.join("print-order.csv")).unwrap();
    assert!(!order.contains("Quang Chiểu"), "{order}");
    let mut expected = listed(&root.join("manifest.json"));
    expected.insert("xa-quang-chieu/ghi-chu.txt".into());
    assert_eq!(on_disk(&root), expected, "the province folder holds what its manifest lists");
}

/// M5 for a province: shards made with other options are not merged.
#[test]
fn province_shards_made_with_other_options_are_not_merged() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("tinh");
    province(&campaign, 4);
    let out = tmp.path().join("out");
    let (code, err) = build(&campaign, &out, &["--shard", "1/2", "--emit-data"]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = build(&campaign, &out, &["--shard", "2/2"]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = build(&campaign, &out, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("không ghép được các phần"), "{err}");
    assert!(err.contains("manifest.shard-1-of-2.json"), "{err}");
    assert!(!out.join("tinh-thanh-hoa/manifest.json").exists(), "a refused merge writes nothing");
    let (code, err) = build(&campaign, &out, &["--shard", "1/2"]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = build(&campaign, &out, &[]);
    assert_eq!(code, 0, "{err}");
}

/// Issue 29 L4: the page's own folder and port errors came out in English
/// ("(Not a directory (os error 20))", "(Address already in use (os error
/// 98))"); they are said in Vietnamese, naming the folder or the port.
#[test]
fn serve_says_folder_and_port_errors_in_vietnamese() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("tep");
    fs::write(&file, "không phải thư mục").unwrap();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let campaign = example_copy();
    let mut bad_folder = canhbao();
    bad_folder.arg("serve").arg(file.join("x")).arg("--no-open");
    let mut busy_port = canhbao();
    busy_port.arg("serve").arg(campaign.path()).args(["--port", &port, "--no-open"]);
    let cases = [(bad_folder, "tep/x".to_string()), (busy_port, format!("cổng {port}"))];
    for (mut cmd, want) in cases {
        let (code, err) = crate::paths::run_within(&mut cmd, std::time::Duration::from_secs(30));
        assert_ne!(code, 0, "{err}");
        assert!(err.contains(&want), "{want:?} not in:\n{err}");
        for english in ["os error", "directory", "Address", "already"] {
            assert!(!err.contains(english), "{english:?} in:\n{err}");
        }
    }
}
