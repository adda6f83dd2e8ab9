//! A province campaign: every commune of `examples/tinh-thanh-hoa` built in
//! one run, each with its own numbers; misspelt names; one bad commune
//! among good ones; shards run by GNU parallel and merged.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{canhbao, copy_dir, repo, run};

/// The example province, copied into a temp folder.
fn province_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/tinh-thanh-hoa"), dir.path());
    dir
}

/// The example cut to its first `n` communes of the shared village table
/// (the communes with their own village files are dropped), for the tests
/// that build several times.
fn small_province(n: usize) -> tempfile::TempDir {
    let dir = province_copy();
    let communes = fs::read_to_string(dir.path().join("communes.csv")).unwrap();
    let mut lines = communes.lines();
    let mut kept: Vec<&str> = vec![lines.next().unwrap()];
    kept.extend(lines.filter(|l| !l.contains("thon/")).take(n));
    let names: Vec<&str> = kept[1..].iter().map(|l| l.split(',').next().unwrap()).collect();
    fs::write(dir.path().join("communes.csv"), kept.join("\n") + "\n").unwrap();
    let villages = fs::read_to_string(dir.path().join("villages.csv")).unwrap();
    let rows: Vec<&str> = villages
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || names.contains(&l.split(',').next().unwrap()))
        .map(|(_, l)| l)
        .collect();
    fs::write(dir.path().join("villages.csv"), rows.join("\n") + "\n").unwrap();
    dir
}

/// Text of a PDF with every run of spaces (no-break ones too) as one space.
fn text(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext runs");
    let s = String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The communes table: (name, kind, hotline, issuer), by folder name.
fn communes(dir: &Path) -> BTreeMap<String, (String, String, String)> {
    let mut reader = csv::Reader::from_path(dir.join("communes.csv")).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let full = format!("{} {}", &r[1], &r[0]);
            (canhbao::text::file_slug(&full), (full, r[2].to_string(), r[3].to_string()))
        })
        .collect()
}

/// The officers' phones as printed, by commune (`xã Tiên Trang`): the
/// shared table's rows and each commune's own file.
fn officer_phones(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let printed = |s: &str| canhbao::phone::Phone::parse(s).unwrap().to_string();
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut table = csv::Reader::from_path(dir.join("communes.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = table.records().map(|r| r.unwrap()).collect();
    let full = |name: &str| {
        let r = rows.iter().find(|r| &r[0] == name).unwrap();
        format!("{} {}", &r[1], &r[0])
    };
    let mut shared = csv::Reader::from_path(dir.join("villages.csv")).unwrap();
    for r in shared.records() {
        let r = r.unwrap();
        by.entry(full(&r[0])).or_default().push(printed(&r[4]));
    }
    for r in rows.iter().filter(|r| !r[4].is_empty()) {
        let text = fs::read_to_string(dir.join(&r[4])).unwrap();
        let body: String = text.lines().skip(1).collect::<Vec<_>>().join("\n");
        let mut own = csv::Reader::from_reader(body.as_bytes());
        for v in own.records() {
            by.entry(full(&r[0])).or_default().push(printed(&v.unwrap()[3]));
        }
    }
    by
}

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        fs::read_dir(dir).map(|r| r.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "pdf"));
    v.sort();
    v
}

#[test]
fn every_leaflet_carries_its_own_communes_hotline_and_issuer_only() {
    let dir = province_copy();
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out/tinh-thanh-hoa");
    let all = communes(dir.path());
    assert!(all.len() >= 20, "the example has at least 20 communes");
    let officers = officer_phones(dir.path());
    let mut leaflets = 0;
    for (slug, (full, hotline, issuer)) in &all {
        let files = pdfs(&out.join(slug).join("leaflet-a5"));
        let own = &officers[full];
        assert_eq!(files.len(), own.len(), "{full}: one leaflet per village of its own");
        for f in files {
            let t = text(&f);
            assert!(
                own.iter().any(|p| t.contains(p.as_str())),
                "{}: no officer of {full}",
                f.display()
            );
            for (other, phones) in &officers {
                if other != full {
                    assert!(
                        !phones.iter().any(|p| t.contains(p.as_str())),
                        "{}: carries an officer of {other}",
                        f.display()
                    );
                }
            }
            assert!(t.contains(hotline.as_str()), "{}: no hotline {hotline}", f.display());
            assert!(t.contains(issuer.as_str()), "{}: no issuer {issuer}", f.display());
            for (other, (_, h, i)) in &all {
                if other == slug {
                    continue;
                }
                assert!(!t.contains(h.as_str()), "{}: carries {other}'s hotline {h}", f.display());
                if !issuer.contains(i.as_str()) {
                    assert!(!t.contains(i.as_str()), "{}: carries {i}", f.display());
                }
            }
            leaflets += 1;
        }
    }
    // The province's print order: every leaflet's village once, with its commune.
    let mut order = csv::Reader::from_path(out.join("print-order.csv")).unwrap();
    let headers = order.headers().unwrap().clone();
    assert_eq!(&headers[0], "xã, phường");
    assert_eq!(&headers[3], "thôn");
    let sheets = order.records().map(|r| r.unwrap()).filter(|r| &r[4] == "sra4").count();
    assert_eq!(sheets, leaflets, "one 2-up row per village");
    let summary = text(&out.join("tong-hop.pdf"));
    for (full, hotline, _) in all.values() {
        assert!(summary.contains(full.as_str()), "summary lacks {full}");
        assert!(summary.contains(hotline.as_str()), "summary lacks {hotline}");
    }
    assert!(summary.contains("ĐẠI DIỆN NHÀ IN"), "{summary}");
}

#[test]
fn a_misspelt_commune_and_province_get_the_nearest_official_name() {
    let dir = small_province(3);
    let csv = fs::read_to_string(dir.path().join("communes.csv")).unwrap();
    let second = csv.lines().nth(2).unwrap().split(',').next().unwrap().to_string();
    assert_eq!(second, "Quang Chiểu");
    fs::write(dir.path().join("communes.csv"), csv.replace("Quang Chiểu,", "Quang Chiễu,"))
        .unwrap();
    let villages = fs::read_to_string(dir.path().join("villages.csv")).unwrap();
    fs::write(dir.path().join("villages.csv"), villages.replace("Quang Chiểu,", "Quang Chiễu,"))
        .unwrap();
    // No proof: the build below must find no `out/` at all.
    let (code, _, err) = run(canhbao().arg("check").arg(dir.path()).arg("--no-proof"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("communes.csv:3: lỗi: [Tên xã]"), "{err}");
    assert!(err.contains("có phải ý bạn là xã “Quang Chiểu”?"), "{err}");
    assert!(err.contains("cột unlisted"), "the hint speaks of the table: {err}");

    let toml = fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    let line = toml.lines().position(|l| l.starts_with("province =")).unwrap() + 1;
    fs::write(dir.path().join("campaign.toml"), toml.replace("\"Thanh Hóa\"", "\"Thanh Hòa\""))
        .unwrap();
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("campaign.toml:{line}: lỗi")), "{err}");
    assert!(err.contains("có phải ý bạn là “Thanh Hóa”?"), "{err}");
    assert!(!dir.path().join("out").exists(), "nothing written");
}

#[test]
fn a_bad_phone_fails_its_commune_and_every_other_commune_is_built() {
    let dir = small_province(4);
    let villages = fs::read_to_string(dir.path().join("villages.csv")).unwrap();
    // The second village row of "Phú Xuân": an officer's number one digit short.
    let line = villages.lines().position(|l| l.starts_with("Phú Xuân,")).unwrap() + 1;
    let bad: Vec<String> = villages
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line {
                let mut cells: Vec<&str> = l.split(',').collect();
                cells[4] = "091234567";
                cells.join(",")
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(dir.path().join("villages.csv"), bad.join("\n") + "\n").unwrap();
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("xã Phú Xuân: KHÔNG TẠO ĐƯỢC"), "{err}");
    assert!(err.contains(&format!("villages.csv:{line}: lỗi: [SĐT]")), "{err}");
    assert!(err.contains("Chưa tạo xong: xã Phú Xuân"), "{err}");
    let out = dir.path().join("out/tinh-thanh-hoa");
    assert!(!out.join("xa-phu-xuan").exists(), "the bad commune has no files");
    for (slug, (full, _, _)) in communes(dir.path()) {
        if slug != "xa-phu-xuan" {
            assert_eq!(pdfs(&out.join(&slug).join("leaflet-a5")).len(), 3, "{full}");
        }
    }
    assert!(!out.join("tong-hop.pdf").exists(), "no summary of an incomplete run");
}

#[test]
fn three_shards_by_gnu_parallel_merge_into_the_one_machine_run() {
    if Command::new("parallel").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CANHBAO_REQUIRE_PARALLEL").is_none(),
            "GNU parallel is required here (apt-get install parallel)"
        );
        eprintln!("GNU parallel is not installed: shard test skipped");
        return;
    }
    let dir = small_province(6);
    let work = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_canhbao");
    // Each "machine" writes its own folder, as over SSH.
    let status = Command::new("parallel")
        .args(["--halt", "now,fail=1", bin, "build"])
        .arg(dir.path())
        .args(["--shard", "{}/3", "--out"])
        .arg(work.path().join("machine-{}"))
        .args([":::", "1", "2", "3"])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    // The shards' folders copied together, then one plain run merges.
    let merged = work.path().join("merged");
    for k in 1..=3 {
        copy_dir(&work.path().join(format!("machine-{k}")), &merged);
    }
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).arg("--out").arg(&merged));
    assert_eq!(code, 0, "{err}");
    let per_commune: Vec<&str> = err.lines().filter(|l| l.contains(" tệp mới, ")).collect();
    assert_eq!(per_commune.len(), 6, "{err}");
    let renders: usize = per_commune
        .iter()
        .filter_map(|l| l.split(": ").nth(1)?.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(renders, 0, "the merge renders nothing new: {err}");
    let (code, _, err) =
        run(canhbao().arg("build").arg(dir.path()).arg("--out").arg(work.path().join("one")));
    assert_eq!(code, 0, "{err}");
    let read = |p: PathBuf| fs::read_to_string(p).unwrap();
    let one = read(work.path().join("one/tinh-thanh-hoa/manifest.json"));
    let all = read(merged.join("tinh-thanh-hoa/manifest.json"));
    assert_eq!(all, one, "the merged manifest is the one-machine run's");
    // Every village of the province exactly once.
    let villages = read(dir.path().join("villages.csv"));
    let mut expected: Vec<String> = villages.lines().skip(1).map(|l| l.to_string()).collect();
    expected.sort();
    let manifest: serde_json::Value = serde_json::from_str(&all).unwrap();
    let mut leaflets: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["layout"] == "leaflet-a5" && e["file"].as_str().unwrap().contains("/leaflet-a5/")
        })
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    leaflets.sort();
    let unique: std::collections::BTreeSet<&str> = leaflets.iter().copied().collect();
    assert_eq!(leaflets.len(), expected.len(), "{leaflets:?}");
    assert_eq!(unique.len(), leaflets.len(), "a village twice: {leaflets:?}");
    let shards: Vec<usize> = (1..=3)
        .map(|k| {
            let m = read(merged.join(format!("tinh-thanh-hoa/manifest.shard-{k}-of-3.json")));
            serde_json::from_str::<serde_json::Value>(&m).unwrap()["files"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["file"].as_str().unwrap().contains("/leaflet-a5/"))
                .count()
        })
        .collect();
    assert_eq!(shards.iter().sum::<usize>(), expected.len(), "shards {shards:?}");
    assert!(shards.iter().filter(|&&n| n > 0).count() >= 2, "split over machines: {shards:?}");
}

#[test]
fn init_province_lists_every_official_unit_and_refuses_to_build_unfilled() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("tinh");
    let (code, _, err) = run(canhbao().arg("init").arg(&folder).args(["--province", "Thanh Hoá"]));
    assert_eq!(code, 0, "{err}");
    let table = fs::read_to_string(folder.join("communes.csv")).unwrap();
    assert_eq!(table.lines().count(), 1 + 166, "every unit of Thanh Hóa");
    assert!(table.contains("Tiên Trang,xã,,Công an xã Tiên Trang"), "{table}");
    let (code, _, err) = run(canhbao().arg("build").arg(&folder));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("communes.csv:2: lỗi: [Số trực ban]"), "{err}");
    assert!(!folder.join("out").exists());
    // A second init into the same folder replaces nothing the user has filled.
    fs::write(folder.join("communes.csv"), "đã điền").unwrap();
    let (code, _, err) = run(canhbao().arg("init").arg(&folder).args(["--province", "Thanh Hóa"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("campaign.toml, communes.csv, villages.csv"), "{err}");
    assert!(err.contains("không tạo gì"), "{err}");
    assert_eq!(fs::read_to_string(folder.join("communes.csv")).unwrap(), "đã điền");
    let (code, _, err) =
        run(canhbao().arg("init").arg(dir.path().join("x")).args(["--province", "Thanh Hoa"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("“Thanh Hóa”"), "{err}");
}

#[test]
fn a_cell_that_looks_like_toml_is_a_name_not_a_key() {
    let dir = small_province(2);
    let csv = fs::read_to_string(dir.path().join("communes.csv")).unwrap();
    // A duty-phone label and a name written to break out of their quotes.
    let hostile = csv.replacen(
        "Quang Chiểu,xã,",
        "\"Quang Chiểu\"\"\n[commune]\nname = \"\"Tiên Trang\",xã,",
        1,
    );
    fs::write(dir.path().join("communes.csv"), hostile).unwrap();
    let (code, _, err) = run(canhbao().arg("check").arg(dir.path()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("communes.csv:3: lỗi: [Tên xã]"), "{err}");
    assert!(err.contains("không có trong danh sách xã, phường của Thanh Hóa"), "{err}");
    assert!(!err.contains("TOML"), "the cell stayed a value: {err}");
}

/// Ctrl-C (SIGINT) during a province build stops it as it stops a
/// commune's: exit 130, no half-written file, the province's manifest lists
/// exactly the documents on disk, and the same command again makes only
/// the rest.
#[test]
fn ctrl_c_stops_a_province_build_cleanly_and_a_rerun_makes_the_rest() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let dir = province_copy();
    let out = dir.path().join("o");
    let root = out.join("tinh-thanh-hoa");
    // Every document on disk, relative to the province's folder.
    let on_disk = || -> Vec<String> {
        let mut names: Vec<String> = crate::util::all_files(&root)
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .map(|p| p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"))
            .filter(|p| !p.contains("/giao-nhan/"))
            .collect();
        names.sort();
        names
    };
    // The delivery sheets on disk (issue 27), relative to the province's folder.
    let sheets = || -> Vec<String> {
        crate::util::all_files(&root)
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"))
            .filter(|p| p.contains("/giao-nhan/"))
            .collect()
    };
    let build = || {
        let mut cmd = canhbao();
        cmd.arg("build").arg(dir.path()).arg("--no-package").arg("--out").arg(&out);
        cmd
    };
    let child = build().stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let start = Instant::now();
    while on_disk().len() < 8 && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let done = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(130), "{err}");
    assert!(err.contains("Đã dừng theo yêu cầu"), "{err}");
    let landed = on_disk();
    let temp: Vec<PathBuf> = crate::util::all_files(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".canhbao-tmp"))
        .collect();
    assert!(temp.is_empty(), "half-written files left: {temp:?}");
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("manifest.json")).unwrap()).unwrap();
    let mut listed: Vec<String> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, landed, "the manifest and the disk disagree");
    // The delivery sheets of the communes finished before the stop are side
    // files: each one on disk is listed under `also`.
    let also: Vec<&str> =
        manifest["also"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    for sheet in sheets() {
        assert!(also.contains(&sheet.as_str()), "{sheet} is on disk, not in the manifest");
    }
    assert!(!root.join("tong-hop.pdf").exists(), "no summary is made from a part");

    let (code, _, err) = run(&mut build());
    assert_eq!(code, 0, "{err}");
    // `xã Tiên Trang: 3 tệp mới, 0 tệp không đổi, 0 lỗi`, one line per commune.
    let (mut new, mut same) = (0, 0);
    for line in err.lines().filter(|l| l.contains(" tệp mới, ")) {
        let n: Vec<usize> = line
            .split([':', ','])
            .filter_map(|p| p.split_whitespace().next()?.parse().ok())
            .collect();
        new += n[0];
        same += n[1];
    }
    let all = on_disk();
    assert!(landed.len() < all.len(), "the build finished before it could be stopped");
    assert_eq!((new, same), (all.len() - landed.len(), landed.len()), "{err}");
}

/// One run tells every problem: a misspelt province does not hide a
/// misspelt commune of the table (each with its file, line and the nearest
/// official name).
#[test]
fn a_misspelt_province_and_a_misspelt_commune_are_told_in_one_run() {
    let dir = small_province(3);
    let csv = fs::read_to_string(dir.path().join("communes.csv")).unwrap();
    fs::write(dir.path().join("communes.csv"), csv.replace("Quang Chiểu,", "Quang Chiễu,"))
        .unwrap();
    let villages = fs::read_to_string(dir.path().join("villages.csv")).unwrap();
    fs::write(dir.path().join("villages.csv"), villages.replace("Quang Chiểu,", "Quang Chiễu,"))
        .unwrap();
    let toml = fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    let line = toml.lines().position(|l| l.starts_with("province =")).unwrap() + 1;
    fs::write(dir.path().join("campaign.toml"), toml.replace("\"Thanh Hóa\"", "\"Thanh Hòa\""))
        .unwrap();
    let check = run(canhbao().arg("check").arg(dir.path()).arg("--no-proof"));
    let build = run(canhbao().arg("build").arg(dir.path()));
    for (verb, (code, _, err)) in [("check", check), ("build", build)] {
        assert_eq!(code, 2, "{verb}: {err}");
        assert!(err.contains(&format!("campaign.toml:{line}: lỗi")), "{verb}: {err}");
        assert!(err.contains("có phải ý bạn là “Thanh Hóa”?"), "{verb}: {err}");
        assert!(err.contains("communes.csv:3: lỗi: [Tên xã]"), "{verb}: {err}");
        assert!(err.contains("có phải ý bạn là xã “Quang Chiểu”?"), "{verb}: {err}");
    }
    assert!(!dir.path().join("out").exists(), "nothing written");
}

/// `preview` takes one commune's folder: given a province's, it says so
/// and where a province is built, not that the key `communes` is unknown.
#[test]
fn preview_of_a_province_folder_says_it_is_a_province() {
    let dir = province_copy();
    let (code, _, err) =
        run(canhbao().arg("preview").arg(dir.path()).args(["--layout", "leaflet-a5"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("đây là chiến dịch cấp tỉnh (tỉnh Thanh Hóa)"), "{err}");
    assert!(err.contains("canhbao build"), "{err}");
    assert!(!err.contains("communes” không có"), "{err}");
}

/// `tests/fixtures/province-small`, copied into a temp folder, with
/// `campaign.toml` changed by `edit` (which must change it).
fn small_fixture(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/province-small"), dir.path());
    let path = dir.path().join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap();
    let edited = edit(&toml);
    assert_ne!(edited, toml, "the edit changed campaign.toml");
    fs::write(&path, edited).unwrap();
    dir
}

/// The shared numbers written as a TOML inline list: each commune's duty
/// phone is added to that list as a value. (Added as text after the file,
/// it made TOML refuse every commune, blaming its duty-phone column.)
#[test]
fn shared_contacts_written_inline_keep_every_communes_duty_phone() {
    let dir = small_fixture(|t| {
        t.replace(
            "[[contacts]]\nlabel = \"Cảnh sát khẩn cấp\"\nphone = \"113\"\n",
            "contacts = [{ label = \"Cảnh sát khẩn cấp\", phone = \"113\" }]\n",
        )
    });
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).arg("--no-package"));
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out/tinh-thanh-hoa");
    let all = communes(dir.path());
    assert_eq!(all.len(), 3);
    for (slug, (full, hotline, _)) in &all {
        let files = pdfs(&out.join(slug).join("leaflet-a5"));
        assert!(!files.is_empty(), "{full}: leaflets made");
        for f in files {
            let t = text(&f);
            assert!(t.contains(hotline.as_str()), "{}: no duty phone {hotline}", f.display());
            assert!(t.contains("113"), "{}: no shared 113", f.display());
        }
    }
}

/// A commune's name set in the shared file by a dotted key is refused at
/// its own line, as `[commune]` is: the table's row gives each commune's.
#[test]
fn a_commune_table_in_the_shared_file_is_refused_at_its_line() {
    let dir = small_fixture(|t| {
        t.replace("locale = \"vi\"\n", "locale = \"vi\"\ncommune.name = \"Hàm Rồng\"\n")
    });
    let toml = fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    let line = toml.lines().position(|l| l.starts_with("commune.name")).unwrap() + 1;
    let (code, _, err) = run(canhbao().arg("check").arg(dir.path()).arg("--no-proof"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("campaign.toml:{line}: lỗi")), "{err}");
    assert!(err.contains("không ghi [commune]"), "{err}");
    assert!(!err.contains("hai lần"), "told as what it is: {err}");
}
