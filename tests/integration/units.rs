//! The commune and province are checked against the official list of units
//! in force since 1 July 2025; a landline's area code against the province's.

use std::fs;

use crate::util::*;

/// Runs `check` on the campaign `tests/fixtures/<case>`; (code, stderr).
fn check(case: &str) -> (i32, String) {
    let dir = fixture(case);
    let (code, _, err) = run(canhbao().arg("check").arg("--no-proof").arg(dir.path()));
    (code, err)
}

/// `campaign.toml:N`, N the line of the case's `campaign.toml` that starts
/// with `prefix`.
fn at(case: &str, prefix: &str) -> String {
    let path = repo().join("tests/fixtures").join(case).join("campaign.toml");
    let toml = fs::read_to_string(path).unwrap();
    let line = toml.lines().position(|l| l.starts_with(prefix)).expect("line in fixture") + 1;
    format!("campaign.toml:{line}")
}

#[test]
fn a_misspelt_commune_is_an_error_with_the_official_name() {
    let (code, err) = check("commune-misspelt");
    assert_eq!(code, 2, "{err}");
    let at = at("commune-misspelt", "name = \"Tiền Trang\"");
    assert!(err.contains(&at), "{at} not in:\n{err}");
    assert!(err.contains("Tiền Trang") && err.contains("“Tiên Trang”"), "{err}");
    assert!(err.contains("unlisted = true"), "the way out is named:\n{err}");
}

#[test]
fn a_misspelt_province_is_an_error_with_the_official_name() {
    let (code, err) = check("province-misspelt");
    assert_eq!(code, 2, "{err}");
    let at = at("province-misspelt", "province = ");
    assert!(err.contains(&at), "{at} not in:\n{err}");
    assert!(err.contains("Thang Hóa") && err.contains("“Thanh Hóa”"), "{err}");
}

#[test]
fn old_tone_placement_and_case_are_the_same_name_and_print_as_written() {
    let dir = fixture("province-old-tone-upper");
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
    let (code, err) = check("commune-wrong-kind");
    assert_eq!(code, 2, "{err}");
    let at = at("commune-wrong-kind", "kind = ");
    assert!(err.contains(&at), "{at} not in:\n{err}");
    assert!(err.contains("kind = \"xã\""), "the fix is given:\n{err}");
}

#[test]
fn a_commune_of_another_province_is_an_error_naming_it() {
    let (code, err) = check("commune-other-province");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Nghệ An") && err.contains("Thanh Hóa"), "{err}");
}

#[test]
fn an_unlisted_commune_is_accepted_when_the_campaign_says_so() {
    let (code, err) = check("commune-unlisted-unsaid");
    assert_eq!(code, 2, "an unlisted name alone is refused:\n{err}");
    let (code, err) = check("commune-unlisted");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_landline_of_another_province_is_a_warning_not_an_error() {
    let (code, err) = check("hotline-other-area");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("cảnh báo"), "{err}");
    assert!(err.contains("0238 3868 113") && err.contains("Thanh Hóa") && err.contains("237"));
    // A mobile hotline has no area code to check.
    let (code, err) = check("hotline-mobile");
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
    let dir = fixture("hanoi-ward");
    let (code, out, err) = run(canhbao().arg("check").arg("--no-proof").arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    let first = out.lines().next().unwrap_or_default();
    assert!(first.contains("phường Ba Đình — thành phố Hà Nội"), "{first}");
    let (code, err) = check("hanoi-ward-province-kind");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("province_kind = \"thành phố\""), "{err}");
}

#[test]
fn build_refuses_a_misspelt_commune_and_warns_about_an_area_code() {
    let build = |case: &str| {
        let dir = fixture(case);
        let out = dir.path().join("out");
        let (code, _, err) = run(canhbao()
            .arg("build")
            .arg(dir.path())
            .args(["--layout", "banner", "--out"])
            .arg(&out));
        (code, err, all_files(&out))
    };
    let (code, err, files) = build("commune-misspelt");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("“Tiên Trang”"), "{err}");
    assert!(files.is_empty(), "nothing is written for a misspelt commune");
    let (code, err, files) = build("hotline-other-area");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("cảnh báo") && err.contains("0238 3868 113"), "{err}");
    assert!(!files.is_empty(), "the build wrote its files");
}

#[test]
fn a_commune_typed_without_marks_is_an_error_naming_the_unit_it_means() {
    // The printed name needs its marks: the name is refused, the unit named.
    for (name, kind, province, meant) in [
        ("Huu Kiem", "xã", "Nghệ An", "xã “Hữu Kiệm”"),
        ("Cua Lo", "xã", "Nghệ An", "phường “Cửa Lò”"),
        ("quang ngoc", "xã", "Thanh Hóa", "xã “Quảng Ngọc”"),
    ] {
        let dir = fixture("commune-misspelt");
        let path = dir.path().join("campaign.toml");
        let toml = fs::read_to_string(&path)
            .unwrap()
            .replace("name = \"Tiền Trang\"", &format!("name = \"{name}\""))
            .replace("kind = \"xã\"", &format!("kind = \"{kind}\""))
            .replace("province = \"Thanh Hóa\"", &format!("province = \"{province}\""));
        fs::write(&path, toml).unwrap();
        let (code, _, err) = run(canhbao().arg("check").arg("--no-proof").arg(dir.path()));
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(&format!("có phải ý bạn là {meant}?")), "{name}:\n{err}");
    }
}
