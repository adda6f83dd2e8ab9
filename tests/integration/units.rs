//! The commune and province are checked against the official list of units
//! in force since 1 July 2025; a landline's area code against the province's.

use std::fs;

use crate::util::*;

/// Runs `check` on the example with `campaign.toml` edited; (code, stderr).
fn check_with(edits: &[(&str, &str)]) -> (i32, String) {
    let dir = example_copy();
    let path = dir.path().join("campaign.toml");
    let mut toml = fs::read_to_string(&path).unwrap();
    for (from, to) in edits {
        assert!(toml.contains(from), "fixture lacks {from}");
        toml = toml.replacen(from, to, 1);
    }
    fs::write(&path, toml).unwrap();
    let (code, _, err) = run(canhbao().arg("check").arg("--no-proof").arg(dir.path()));
    (code, err)
}

/// The 1-based line of the first line of the example's `campaign.toml`
/// that starts with `prefix`.
fn line_of(prefix: &str) -> usize {
    let toml = fs::read_to_string(repo().join("examples/tien-trang/campaign.toml")).unwrap();
    toml.lines().position(|l| l.starts_with(prefix)).expect("line in fixture") + 1
}

#[test]
fn a_misspelt_commune_is_an_error_with_the_official_name() {
    let (code, err) = check_with(&[("name = \"Tiên Trang\"", "name = \"Tiền Trang\"")]);
    assert_eq!(code, 2, "{err}");
    let at = format!("campaign.toml:{}", line_of("name = \"Tiên Trang\""));
    assert!(err.contains(&at), "{at} not in:\n{err}");
    assert!(err.contains("Tiền Trang") && err.contains("“Tiên Trang”"), "{err}");
    assert!(err.contains("unlisted = true"), "the way out is named:\n{err}");
}

#[test]
fn a_misspelt_province_is_an_error_with_the_official_name() {
    let (code, err) = check_with(&[("province = \"Thanh Hóa\"", "province = \"Thang Hóa\"")]);
    assert_eq!(code, 2, "{err}");
    let at = format!("campaign.toml:{}", line_of("province = "));
    assert!(err.contains(&at), "{at} not in:\n{err}");
    assert!(err.contains("Thang Hóa") && err.contains("“Thanh Hóa”"), "{err}");
}

#[test]
fn old_tone_placement_and_case_are_the_same_name_and_print_as_written() {
    let dir = example_copy();
    let path = dir.path().join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap();
    fs::write(&path, toml.replacen("province = \"Thanh Hóa\"", "province = \"THANH HOÁ\"", 1))
        .unwrap();
    let (code, out, err) = run(canhbao().arg("check").arg("--no-proof").arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("Thanh Hóa"), "no complaint about the spelling:\n{err}");
    let shown = format!("{out}{err}");
    assert!(!shown.contains("không có trong danh sách"), "{shown}");
    let first = out.lines().next().unwrap_or_default();
    assert!(first.contains("tỉnh THANH HOÁ"), "printed as the campaign wrote it: {first}");
}

#[test]
fn a_commune_of_the_wrong_kind_is_an_error() {
    let (code, err) = check_with(&[("kind = \"xã\"", "kind = \"phường\"")]);
    assert_eq!(code, 2, "{err}");
    let at = format!("campaign.toml:{}", line_of("kind = "));
    assert!(err.contains(&at), "{at} not in:\n{err}");
    assert!(err.contains("kind = \"xã\""), "the fix is given:\n{err}");
}

#[test]
fn a_commune_of_another_province_is_an_error_naming_it() {
    let (code, err) = check_with(&[("province = \"Thanh Hóa\"", "province = \"Nghệ An\"")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Nghệ An") && err.contains("Thanh Hóa"), "{err}");
}

#[test]
fn an_unlisted_commune_is_accepted_when_the_campaign_says_so() {
    let renamed = ("name = \"Tiên Trang\"", "name = \"Tiên Trang Mới\"");
    let (code, err) = check_with(&[renamed]);
    assert_eq!(code, 2, "an unlisted name alone is refused:\n{err}");
    let (code, err) = check_with(&[renamed, ("kind = \"xã\"", "kind = \"xã\"\nunlisted = true")]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_landline_of_another_province_is_a_warning_not_an_error() {
    let (code, err) = check_with(&[("0237 3868 113", "0238 3868 113")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("cảnh báo"), "{err}");
    assert!(err.contains("0238 3868 113") && err.contains("Thanh Hóa") && err.contains("237"));
    // A mobile hotline has no area code to check.
    let (code, err) = check_with(&[("0237 3868 113", "0912 345 678")]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("mã vùng"), "{err}");
}

#[test]
fn the_examples_are_real_units_with_their_province_area_codes() {
    for name in ["tien-trang", "nam-gia-nghia", "hac-thanh"] {
        let (code, _, err) =
            run(canhbao().arg("check").arg("--no-proof").arg(repo().join("examples").join(name)));
        assert_eq!(code, 0, "{name}: {err}");
        assert!(!err.contains("mã vùng"), "{name}: {err}");
    }
}

#[test]
fn a_city_province_is_printed_as_a_city_and_a_wrong_province_kind_is_an_error() {
    let hanoi = [
        ("name = \"Tiên Trang\"", "name = \"Ba Đình\""),
        ("kind = \"xã\"", "kind = \"phường\""),
        ("province = \"Thanh Hóa\"", "province = \"Hà Nội\""),
        ("0237 3868 113", "024 3868 1130"),
    ];
    let dir = example_copy();
    let path = dir.path().join("campaign.toml");
    let mut toml = fs::read_to_string(&path).unwrap();
    for (from, to) in hanoi {
        toml = toml.replacen(from, to, 1);
    }
    fs::write(&path, &toml).unwrap();
    let (code, out, err) = run(canhbao().arg("check").arg("--no-proof").arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    let first = out.lines().next().unwrap_or_default();
    assert!(first.contains("phường Ba Đình — thành phố Hà Nội"), "{first}");
    let wrong = toml.replacen(
        "province = \"Hà Nội\"",
        "province = \"Hà Nội\"\nprovince_kind = \"tỉnh\"",
        1,
    );
    fs::write(&path, wrong).unwrap();
    let (code, _, err) = run(canhbao().arg("check").arg("--no-proof").arg(dir.path()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("province_kind = \"thành phố\""), "{err}");
}

#[test]
fn build_refuses_a_misspelt_commune_and_warns_about_an_area_code() {
    let dir = example_copy();
    let path = dir.path().join("campaign.toml");
    let toml = fs::read_to_string(&path).unwrap();
    let out = dir.path().join("out");
    let build = || {
        run(canhbao().arg("build").arg(dir.path()).args(["--layout", "banner", "--out"]).arg(&out))
    };
    fs::write(&path, toml.replacen("name = \"Tiên Trang\"", "name = \"Tiền Trang\"", 1)).unwrap();
    let (code, _, err) = build();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("“Tiên Trang”"), "{err}");
    assert!(all_files(&out).is_empty(), "nothing is written for a misspelt commune");
    fs::write(&path, toml.replacen("0237 3868 113", "0238 3868 113", 1)).unwrap();
    let (code, _, err) = build();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("cảnh báo") && err.contains("0238 3868 113"), "{err}");
    assert!(!all_files(&out).is_empty(), "the build wrote its files");
}
