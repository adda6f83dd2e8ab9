//! The official administrative units since 1 July 2025: 34 provinces and
//! 3,321 commune-level units, with their kinds and area codes.
//!
//! The list (`data/don-vi-hanh-chinh-2025.csv`, source in `data/README.md`)
//! is embedded: a commune office's machine has no copy of it. It is parsed
//! once, on first use, and looked up by [`key`], so that "Thanh Hoá" and
//! "Thanh Hóa" find the same province.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

/// The embedded list, UTF-8, NFC, one row per commune-level unit.
const CSV: &str = include_str!("../data/don-vi-hanh-chinh-2025.csv");

/// A province or centrally-run city.
#[derive(Debug)]
pub struct Province {
    /// Official code.
    pub code: u32,
    /// Name without "Tỉnh" / "Thành phố", as the catalogue writes it.
    pub name: String,
    /// `tỉnh` or `thành phố trung ương`.
    pub kind: String,
    /// Landline area code without the leading 0 (`237`, `24`).
    pub area_code: String,
    /// Its units, indexes into [`Index::units`].
    units: Vec<usize>,
}

/// A commune-level unit.
#[derive(Debug)]
pub struct Unit {
    /// Official code.
    pub code: u32,
    /// Name without its kind, as the catalogue writes it.
    pub name: String,
    /// `xã`, `phường` or `đặc khu`.
    pub kind: String,
    /// Index into [`Index::provinces`].
    pub province: usize,
}

/// The parsed list.
#[derive(Debug)]
pub struct Index {
    /// The provinces, in the file's order.
    pub provinces: Vec<Province>,
    /// Every unit, in the file's order.
    pub units: Vec<Unit>,
    /// Province [`key`] → index.
    by_province: HashMap<String, usize>,
    /// Unit [`key`] → indexes (a name may recur in several provinces).
    by_unit: HashMap<String, Vec<usize>>,
    /// Each unit's [`loose`] name, by index.
    loose: Vec<String>,
}

/// The list, parsed on first use.
pub static INDEX: LazyLock<Index> = LazyLock::new(|| parse(CSV));

fn parse(csv_text: &str) -> Index {
    let mut index = Index {
        provinces: Vec::new(),
        units: Vec::new(),
        by_province: HashMap::new(),
        by_unit: HashMap::new(),
        loose: Vec::new(),
    };
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    for row in reader.records() {
        // The file is ours and checked by the tests below: a bad row is a bug.
        let row = row.expect("embedded unit list is valid CSV");
        let field = |i: usize| row.get(i).expect("embedded unit list has 7 columns").to_string();
        let number = |i: usize| field(i).parse::<u32>().expect("embedded unit codes are numbers");
        let province = *index.by_province.entry(key(&field(1))).or_insert_with(|| {
            index.provinces.push(Province {
                code: number(0),
                name: field(1),
                kind: field(2),
                area_code: field(3),
                units: Vec::new(),
            });
            index.provinces.len() - 1
        });
        let unit = index.units.len();
        index.units.push(Unit { code: number(4), name: field(5), kind: field(6), province });
        index.provinces[province].units.push(unit);
        index.by_unit.entry(key(&field(5))).or_default().push(unit);
        index.loose.push(loose(&field(5)));
    }
    index
}

impl Index {
    /// The province named `name` (any case, any tone placement).
    pub fn province(&self, name: &str) -> Option<&Province> {
        self.by_province.get(&key(name)).map(|&i| &self.provinces[i])
    }

    /// Every unit named `name`, in any province.
    pub fn units_named(&self, name: &str) -> impl Iterator<Item = &Unit> {
        self.by_unit.get(&key(name)).into_iter().flatten().map(|&i| &self.units[i])
    }

    /// The units of `province`.
    pub fn units_of<'a>(&'a self, province: &'a Province) -> impl Iterator<Item = &'a Unit> {
        province.units.iter().map(|&i| &self.units[i])
    }

    /// The official province name closest to `name`, if one is close enough
    /// to be a misspelling of it.
    pub fn nearest_province(&self, name: &str) -> Option<&Province> {
        nearest(name, self.provinces.iter(), |p| &p.name)
    }

    /// The unit of `province` whose name is closest to `name`, if close enough.
    pub fn nearest_unit<'a>(&'a self, province: &'a Province, name: &str) -> Option<&'a Unit> {
        self.suggest(Some(province), name, 1).into_iter().next()
    }

    /// At most `n` units of `province` (of every province when `None`), of
    /// any kind, whose names are closest to `name` compared [`loose`]ly (no
    /// marks, no case): "huu kiem" finds xã Hữu Kiệm, "Cua Lo" phường Cửa
    /// Lò. Best first: the same letters, then names starting with what was
    /// typed, then names holding it, then names about one letter in three
    /// away; none further than that.
    pub fn suggest<'a>(
        &'a self,
        province: Option<&'a Province>,
        name: &str,
        n: usize,
    ) -> Vec<&'a Unit> {
        let wanted = loose(name);
        if wanted.is_empty() {
            return Vec::new();
        }
        let exact = key(name);
        let candidates: Box<dyn Iterator<Item = usize> + 'a> = match province {
            Some(p) => Box::new(p.units.iter().copied()),
            None => Box::new(0..self.units.len()),
        };
        let near = (wanted.chars().count() / 3).max(1);
        let mut scored: Vec<(usize, usize, usize)> = candidates
            .filter_map(|i| {
                let have = &self.loose[i];
                let rank = if *have == wanted {
                    // The same letters: the marks as typed break a tie.
                    usize::from(key(&self.units[i].name) != exact)
                } else if have.starts_with(&wanted) {
                    2
                } else if have.contains(&wanted) {
                    3
                } else {
                    let d = strsim::levenshtein(&wanted, have);
                    if d > near {
                        return None;
                    }
                    4 + d
                };
                Some((rank, self.units[i].province, i))
            })
            .collect();
        scored.sort();
        scored.into_iter().take(n).map(|(_, _, i)| &self.units[i]).collect()
    }
}

/// The candidate closest to `name` on [`key`]s, when at most about one
/// letter in three differs: further than that it is another name, and
/// suggesting it would mislead.
fn nearest<'a, T>(
    name: &str,
    candidates: impl Iterator<Item = &'a T>,
    name_of: impl Fn(&T) -> &str,
) -> Option<&'a T> {
    let wanted = key(name);
    let (best, distance) = candidates
        .map(|c| (c, strsim::levenshtein(&wanted, &key(name_of(c)))))
        .min_by_key(|&(_, d)| d)?;
    (distance <= (wanted.chars().count() / 3).max(1)).then_some(best)
}

/// Which key of `[commune]` a [`Problem`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `name`.
    Name,
    /// `kind`.
    Kind,
    /// `province`.
    Province,
}

/// A disagreement between `[commune]` and the official list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The key it is about.
    pub field: Field,
    /// What is wrong, in Vietnamese.
    pub message: String,
    /// What to write instead.
    pub hint: String,
}

/// Told to a commune that is not on the list: a unit created after the
/// list may be allowed explicitly.
pub const UNLISTED_HINT: &str =
    "Nếu đơn vị mới thành lập sau danh sách 1/7/2025, thêm unlisted = true vào [commune].";

/// Checks a commune (`name`, `kind`) of `province` against the list. Names
/// are compared on [`key`]: tone placement and case never count.
pub fn check(name: &str, kind: &str, province: &str) -> Vec<Problem> {
    let index = &*INDEX;
    let problem = |field, message: String, hint: String| Problem { field, message, hint };
    let Some(prov) = index.province(province) else {
        let hint = match index.nearest_province(province) {
            Some(p) => format!("có phải ý bạn là “{}”? {UNLISTED_HINT}", p.name),
            None => format!("viết tên tỉnh không kèm chữ “tỉnh”/“thành phố”. {UNLISTED_HINT}"),
        };
        let message =
            format!("tỉnh “{province}” không có trong danh sách 34 tỉnh, thành phố từ 1/7/2025");
        return vec![problem(Field::Province, message, hint)];
    };
    let wanted = key(name);
    if let Some(unit) = index.units_of(prov).find(|u| key(&u.name) == wanted) {
        if unit.kind == kind {
            return Vec::new();
        }
        let message = format!(
            "theo danh sách chính thức, {} ({}) là {}, không phải {kind}",
            unit.name, prov.name, unit.kind
        );
        return vec![problem(Field::Kind, message, format!("sửa thành kind = \"{}\"", unit.kind))];
    }
    let elsewhere: Vec<String> = index
        .units_named(name)
        .map(|u| format!("{} {} ({})", u.kind, u.name, index.provinces[u.province].name))
        .collect();
    if !elsewhere.is_empty() {
        let message =
            format!("{kind} “{name}” không thuộc {}, mà có ở: {}", prov.name, elsewhere.join(", "));
        let hint = format!("kiểm tra lại tên tỉnh (province) hoặc tên xã. {UNLISTED_HINT}");
        return vec![problem(Field::Province, message, hint)];
    }
    let message =
        format!("“{name}” không có trong danh sách xã, phường của {} từ 1/7/2025", prov.name);
    let hint = match index.nearest_unit(prov, name) {
        Some(u) => format!("có phải ý bạn là {} “{}”? {UNLISTED_HINT}", u.kind, u.name),
        None => format!("kiểm tra lại chính tả. {UNLISTED_HINT}"),
    };
    vec![problem(Field::Name, message, hint)]
}

/// How `province` is named before its name: `tỉnh`, or `thành phố` for
/// the six centrally-run cities; `None` when it is not on the list.
pub fn province_kind(province: &str) -> Option<&'static str> {
    INDEX.province(province).map(|p| if p.kind == "tỉnh" { "tỉnh" } else { "thành phố" })
}

/// A warning when the landline `digits` (shown as `shown`) has an area code
/// other than `province`'s. Not an error: a merged province's communes may
/// still use their former province's area code.
pub fn area_code_warning(digits: &str, shown: &str, province: &str) -> Option<String> {
    let code = area_code(digits)?;
    let prov = INDEX.province(province)?;
    if code == prov.area_code {
        return None;
    }
    let owner = INDEX
        .provinces
        .iter()
        .find(|p| p.area_code == code)
        .map(|p| format!(" (mã vùng của {})", p.name))
        .unwrap_or_default();
    Some(format!(
        "số cố định {shown} có mã vùng 0{code}{owner}, không phải mã vùng 0{} của {}; \
         kiểm tra lại trước khi in (tỉnh sáp nhập có thể còn dùng mã vùng cũ)",
        prov.area_code, prov.name
    ))
}

/// A name as typed on a keyboard without Vietnamese input: lower case, no
/// tone or vowel mark, đ as d, spaces collapsed (`Hữu Kiệm` → `huu kiem`).
/// Only for finding names: two official names may share it.
pub fn loose(name: &str) -> String {
    crate::text::clean(name)
        .to_lowercase()
        .nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// The tone marks, combining (after NFD), and the digit each folds to.
const TONES: [(char, char); 5] = [
    ('\u{301}', '1'), // sắc
    ('\u{300}', '2'), // huyền
    ('\u{309}', '3'), // hỏi
    ('\u{303}', '4'), // ngã
    ('\u{323}', '5'), // nặng
];

/// The form two names are compared on: NFC, spaces collapsed, lower case,
/// and each word's tone mark moved to the end of the word as a digit
/// (`Thanh Hoá` and `Thanh Hóa` both give `thanh hoa1`).
///
/// A Vietnamese syllable carries one tone; where it is written (old-style
/// "hoà", "thuỷ", "khoẻ" or new-style "hòa", "thủy", "khỏe") is spelling,
/// not a different name. Every other mark (â, ê, ô, ơ, ư, ă, đ) is kept, so
/// "Tiền Trang" stays one letter away from "Tiên Trang", not equal to it.
pub fn key(name: &str) -> String {
    let lower = crate::text::clean(name).to_lowercase();
    lower
        .split(' ')
        .map(|word| {
            let mut tones = String::new();
            let bare: String = word
                .nfd()
                .filter(|c| match TONES.iter().find(|(mark, _)| mark == c) {
                    Some((_, digit)) => {
                        tones.push(*digit);
                        false
                    }
                    None => true,
                })
                .nfc()
                .collect();
            bare + &tones
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The area code of a landline (`02…`, 11 digits), without the leading 0:
/// `24` and `28` (Hà Nội, Hồ Chí Minh) are two digits, every other three.
/// `None` for mobiles, short codes and 1800/1900 numbers.
pub fn area_code(digits: &str) -> Option<&str> {
    if digits.len() != 11 || !digits.starts_with("02") {
        return None;
    }
    let two = &digits[1..3];
    Some(if matches!(two, "24" | "28") { two } else { &digits[1..4] })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(kind: &str) -> usize {
        INDEX.units.iter().filter(|u| u.kind == kind).count()
    }

    #[test]
    fn the_list_has_the_official_counts() {
        assert_eq!(INDEX.provinces.len(), 34);
        assert_eq!(INDEX.units.len(), 3_321);
        assert_eq!(count("xã"), 2_621);
        assert_eq!(count("phường"), 687);
        assert_eq!(count("đặc khu"), 13);
        let cities = INDEX.provinces.iter().filter(|p| p.kind == "thành phố trung ương").count();
        assert_eq!(cities, 6);
    }

    #[test]
    fn the_example_communes_are_on_the_list() {
        let th = INDEX.province("Thanh Hóa").expect("Thanh Hóa");
        assert_eq!(INDEX.units_of(th).count(), 166);
        assert_eq!(th.area_code, "237");
        let find = |p: &Province, name: &str| {
            INDEX.units_of(p).find(|u| u.name == name).map(|u| (u.code, u.kind.clone()))
        };
        assert_eq!(find(th, "Tiên Trang"), Some((16549, "xã".into())));
        assert_eq!(find(th, "Hạc Thành"), Some((14797, "phường".into())));
        let ld = INDEX.province("Lâm Đồng").expect("Lâm Đồng");
        assert_eq!(find(ld, "Nam Gia Nghĩa"), Some((24615, "phường".into())));
        assert_eq!(ld.area_code, "263");
    }

    #[test]
    fn tone_placement_and_case_do_not_change_the_key() {
        assert_eq!(key("Thanh Hoá"), key("Thanh Hóa"));
        assert_eq!(key("THANH  HOÁ"), key("thanh hóa"));
        assert_eq!(key("Thuỷ"), key("Thủy"));
        assert_eq!(key("Hoà"), key("Hòa"));
        assert_eq!(key("khoẻ"), key("khỏe"));
        // Decomposed input (as some Mac and Word text arrives) is the same name.
        assert_eq!(key("Thanh Ho\u{61}\u{301}"), key("Thanh Hóa"));
        assert_eq!(key("Thanh Hóa"), "thanh hoa1");
        assert!(INDEX.province("thanh hoá").is_some());
    }

    #[test]
    fn tone_and_vowel_marks_still_tell_names_apart() {
        assert_ne!(key("Tiền Trang"), key("Tiên Trang"));
        assert_ne!(key("Tiến"), key("Tiền"));
        assert_ne!(key("Hòa"), key("Hóa"));
        assert_ne!(key("Đông"), key("Dông"));
        assert_ne!(key("Thư"), key("Thu"));
    }

    #[test]
    fn a_misspelling_finds_the_official_name_and_a_stranger_finds_none() {
        let th = INDEX.province("Thanh Hóa").unwrap();
        assert_eq!(
            INDEX.nearest_unit(th, "Tiền Trang").map(|u| u.name.as_str()),
            Some("Tiên Trang")
        );
        assert_eq!(INDEX.nearest_province("Thanh Hoà").map(|p| p.name.as_str()), Some("Thanh Hóa"));
        assert!(INDEX.nearest_unit(th, "Zzzzzzzz Qqqqq").is_none());
    }

    #[test]
    fn every_unit_is_found_from_its_name_typed_without_marks() {
        let mut missed = Vec::new();
        for u in &INDEX.units {
            let p = &INDEX.provinces[u.province];
            for typed in [loose(&u.name), loose(&u.name).to_uppercase()] {
                let found = INDEX.suggest(Some(p), &typed, 5);
                // Units sharing the letters (never more than five) all come first.
                if !found.iter().any(|f| f.code == u.code) {
                    missed.push(format!("{typed} ({})", p.name));
                }
                if found.first().is_none_or(|f| loose(&f.name) != loose(&u.name)) {
                    missed.push(format!("{typed} ({}): another name first", p.name));
                }
            }
        }
        assert!(
            missed.is_empty(),
            "{} not found: {:?}",
            missed.len(),
            &missed[..missed.len().min(20)]
        );
        let first = |province: &str, typed: &str| {
            let p = INDEX.province(province).unwrap();
            INDEX.suggest(Some(p), typed, 3).first().map(|u| format!("{} {}", u.kind, u.name))
        };
        assert_eq!(first("Nghệ An", "Huu Kiem").as_deref(), Some("xã Hữu Kiệm"));
        assert_eq!(first("Nghệ An", "Cua Lo").as_deref(), Some("phường Cửa Lò"));
        assert_eq!(first("Nghệ An", "tuong duong").as_deref(), Some("xã Tương Dương"));
        assert_eq!(first("Thanh Hóa", "quang ngoc").as_deref(), Some("xã Quảng Ngọc"));
        // Without a province: every province's unit of that name.
        let anywhere = INDEX.suggest(None, "huu kiem", 5);
        assert!(anywhere.iter().any(|u| u.name == "Hữu Kiệm"), "{anywhere:?}");
        assert!(INDEX.suggest(None, "", 5).is_empty());
    }

    #[test]
    fn area_codes_of_landlines_only() {
        assert_eq!(area_code("02373868113"), Some("237"));
        assert_eq!(area_code("02438123456"), Some("24"));
        assert_eq!(area_code("02838123456"), Some("28"));
        assert_eq!(area_code("0912345678"), None);
        assert_eq!(area_code("113"), None);
        assert_eq!(area_code("18001234"), None);
    }

    #[test]
    fn every_area_code_is_read_back_from_a_landline() {
        for p in &INDEX.provinces {
            let number = format!("0{}{}", p.area_code, "1".repeat(10 - p.area_code.len()));
            assert_eq!(area_code(&number), Some(p.area_code.as_str()), "{}", p.name);
        }
    }
}
