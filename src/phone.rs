//! Vietnamese phone numbers: accept what people type, print them grouped.
//!
//! Accepted: mobiles (10 digits, 03x/05x/07x/08x/09x), landlines (0 + 2xx
//! area code, 11 digits), short codes (111–115, 156, 5656), 1800/1900
//! service numbers, with `+84`/`84` instead of the leading 0, and with any
//! spaces, dots, dashes or brackets. Excel drops the leading zero of a number
//! stored as a number; we put it back when that is unambiguous.

use std::fmt;

/// A validated phone number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone {
    digits: String,
}

/// Short numbers a campaign may print as they are.
const SHORT_CODES: &[&str] = &["111", "112", "113", "114", "115", "156", "5656"];

impl Phone {
    /// Parses a number as a person or a spreadsheet wrote it.
    pub fn parse(input: &str) -> Result<Phone, String> {
        let raw = input.trim();
        if raw.is_empty() {
            return Err("số điện thoại đang để trống".into());
        }
        let mut digits = String::new();
        for (i, c) in raw.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '.' | '-' | '(' | ')' | '\u{a0}' => {}
                _ => {
                    return Err(format!("số điện thoại “{raw}” có ký tự “{c}” không phải chữ số"));
                }
            }
        }
        // Excel stores "0912345678" as the number 912345678(.0).
        if let Some(stripped) = raw.strip_suffix(".0")
            && stripped.chars().all(|c| c.is_ascii_digit())
        {
            digits = stripped.to_string();
        }
        let digits = normalize(&digits);
        check(&digits, raw)?;
        Ok(Phone { digits })
    }

    /// The digits only, e.g. `0912345678`.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// The `tel:` URI used in QR codes.
    pub fn tel(&self) -> String {
        format!("tel:{}", self.digits)
    }

    /// Digit groups for printing and reading aloud: `0912 345 678`,
    /// `0237 3868 113`; Hà Nội and Hồ Chí Minh City keep their 3-digit area
    /// code and 8-digit subscriber number apart: `024 3826 5113`.
    pub fn groups(&self) -> Vec<&str> {
        let d = self.digits.as_str();
        let cuts: &[usize] = match d.len() {
            10 if d.starts_with('0') => &[4, 7],
            // Hà Nội and Hồ Chí Minh have two-digit area codes: 024 3868 1130.
            11 if d.starts_with("024") || d.starts_with("028") => &[3, 7],
            11 => &[4, 8],
            8 => &[4],
            10 => &[4, 7],
            _ => &[],
        };
        let mut out = Vec::new();
        let mut start = 0;
        for &cut in cuts {
            out.push(&d[start..cut]);
            start = cut;
        }
        out.push(&d[start..]);
        out
    }
}

/// Numbers that templates, examples and tutorials have used as stand-ins:
/// printed, each would send a villager to a stranger.
const KNOWN_PLACEHOLDERS: &[&str] =
    &["0912345678", "0123456789", "0987654321", "0000000000", "02373868113", "0356111222"];

/// The files of canhbao's own examples: every number they print is
/// invented, and a real campaign that copied one would send villagers to
/// a stranger (see [`placeholder`]).
const EXAMPLE_FILES: &[&str] = &[
    include_str!("../examples/tien-trang/campaign.toml"),
    include_str!("../examples/tien-trang/villages.csv"),
    include_str!("../examples/hac-thanh/campaign.toml"),
    include_str!("../examples/hac-thanh/villages.csv"),
    include_str!("../examples/nam-gia-nghia/campaign.toml"),
    include_str!("../examples/nam-gia-nghia/villages.csv"),
    include_str!("../examples/tinh-thanh-hoa/campaign.toml"),
    include_str!("../examples/tinh-thanh-hoa/communes.csv"),
    include_str!("../examples/tinh-thanh-hoa/villages.csv"),
    include_str!("../examples/tinh-thanh-hoa/thon/phuong-sam-son.csv"),
    include_str!("../examples/tinh-thanh-hoa/thon/xa-tien-trang.csv"),
];

/// The digits of every phone number of 9 digits or more in the examples
/// ([`EXAMPLE_FILES`]): runs of digits, spaces and dots between other
/// characters.
fn example_numbers() -> &'static std::collections::HashSet<String> {
    static NUMBERS: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    NUMBERS.get_or_init(|| {
        EXAMPLE_FILES
            .iter()
            .flat_map(|text| text.split(|c: char| !(c.is_ascii_digit() || c == ' ' || c == '.')))
            .filter_map(|token| Phone::parse(token.trim()).ok())
            .map(|p| p.digits().to_string())
            .filter(|d| d.len() >= 9)
            .collect()
    })
}

/// How many digits in a row make a number look made up (see [`placeholder`]).
const MADE_UP_RUN: usize = 7;

/// Why a number looks invented rather than real, if it does.
///
/// The rule, also in the README: a number is refused when it is one of the
/// stand-ins templates and tutorials use ([`KNOWN_PLACEHOLDERS`]), one of
/// the invented numbers of canhbao's own examples ([`EXAMPLE_FILES`]), or when it
/// holds 7 or more digits in a row that are all the same (`0900 000 000`) or
/// that each go up or down by one (`0912 345 678`, `0987 654 321`). Real
/// subscriber numbers almost never do: a run of 7 is about 1 in 100,000
/// numbers, and a commune officer's or duty line's number is not one of the
/// rare "vanity" numbers sold at auction. Six is not enough: it would refuse
/// real numbers such as 0912 123 456. Short codes (113…) and 1800/1900
/// numbers are never refused.
pub fn placeholder(phone: &Phone) -> Option<&'static str> {
    let d = phone.digits();
    if KNOWN_PLACEHOLDERS.contains(&d) {
        return Some("là số mẫu hay dùng trong tài liệu hướng dẫn");
    }
    if example_numbers().contains(d) {
        return Some("là số bịa trong dữ liệu ví dụ đi kèm canhbao");
    }
    if SHORT_CODES.contains(&d) || d.starts_with("1800") || d.starts_with("1900") {
        return None;
    }
    let digits: Vec<i32> = d.bytes().map(|b| i32::from(b - b'0')).collect();
    for (step, why) in [
        (0, "có 7 chữ số giống nhau liền nhau"),
        (1, "có 7 chữ số tăng dần liên tiếp"),
        (-1, "có 7 chữ số giảm dần liên tiếp"),
    ] {
        let mut run = 1;
        for pair in digits.windows(2) {
            run = if pair[1] - pair[0] == step { run + 1 } else { 1 };
            if run >= MADE_UP_RUN {
                return Some(why);
            }
        }
    }
    None
}

impl Phone {
    /// The number as printed on paper: the digit groups joined by no-break
    /// spaces (U+00A0), so that no layout can ever break it across lines
    /// ("0237 3868" / "113" would read as the emergency number). Messages,
    /// CSV files and spoken scripts use [`Display`](fmt::Display), with
    /// plain spaces.
    pub fn printed(&self) -> String {
        self.groups().join("\u{a0}")
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.groups().join(" "))
    }
}

/// Turns `84…` into `0…` and restores a leading zero Excel dropped.
fn normalize(digits: &str) -> String {
    if let Some(rest) = digits.strip_prefix("84")
        && (rest.len() == 9 || (rest.len() == 10 && rest.starts_with('2')))
    {
        return format!("0{rest}");
    }
    let first = digits.chars().next();
    match (digits.len(), first) {
        (9, Some('3' | '5' | '7' | '8' | '9')) => format!("0{digits}"),
        (10, Some('2')) => format!("0{digits}"),
        _ => digits.to_string(),
    }
}

/// Checks the shape of a normalised number.
fn check(d: &str, raw: &str) -> Result<(), String> {
    if SHORT_CODES.contains(&d) {
        return Ok(());
    }
    if (d.starts_with("1800") || d.starts_with("1900")) && matches!(d.len(), 8 | 10) {
        return Ok(());
    }
    let mobile = d.len() == 10 && matches!(&d[..2], "03" | "05" | "07" | "08" | "09");
    let landline = d.len() == 11 && d.starts_with("02");
    if mobile || landline {
        return Ok(());
    }
    let why = if d.starts_with("02") {
        format!("số cố định phải có 11 chữ số (đang có {})", d.len())
    } else if d.starts_with('0') && d.len() > 1 && d.as_bytes()[1] != b'2' {
        if matches!(&d[..2], "03" | "05" | "07" | "08" | "09") {
            format!("số di động phải có 10 chữ số (đang có {})", d.len())
        } else {
            format!("không có đầu số di động {}", &d[..2])
        }
    } else {
        "không phải số di động, số cố định hay số khẩn cấp".to_string()
    };
    Err(format!("số điện thoại “{raw}” sai: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        Phone::parse(s).map(|p| p.to_string()).unwrap_or_else(|e| e)
    }

    #[test]
    fn accepts_common_spellings() {
        assert_eq!(show("0912345678"), "0912 345 678");
        assert_eq!(show("+84 912.345.678"), "0912 345 678");
        assert_eq!(show("84912345678"), "0912 345 678");
        assert_eq!(show("912345678"), "0912 345 678");
        assert_eq!(show("912345678.0"), "0912 345 678");
        assert_eq!(show("(0237) 3123-456"), "0237 3123 456");
        assert_eq!(show("2373123456"), "0237 3123 456");
        assert_eq!(show("02438681130"), "024 3868 1130");
        assert_eq!(show("028.3868.1130"), "028 3868 1130");
        assert_eq!(show("02838221113"), "028 3822 1113");
        assert_eq!(show("113"), "113");
        assert_eq!(show("1800 599 920"), "1800 599 920");
        assert_eq!(Phone::parse("0912345678").unwrap().tel(), "tel:0912345678");
    }

    fn made_up(s: &str) -> Option<&'static str> {
        placeholder(&Phone::parse(s).unwrap())
    }

    #[test]
    fn made_up_numbers_are_recognised() {
        // 0123 456 789 and 0000 000 000 are not even well formed.
        assert!(Phone::parse("0123 456 789").is_err() && Phone::parse("0000 000 000").is_err());
        for n in [
            "0912 345 678",
            "0987 654 321",
            "0237 3868 113",
            "0356 111 222",
            "0900 000 000",
            "0988 888 888",
            "0351 234 567",
            "0276 5432 109",
        ] {
            assert!(made_up(n).is_some(), "{n} should be refused");
        }
        // The examples' own invented numbers.
        assert!(made_up("0912 000 101").unwrap().contains("ví dụ"));
        assert!(made_up("0912 000 131").is_some());
        // Real-looking numbers, including ones with shorter runs.
        for n in [
            "0912 001 101",
            "0912 123 456",
            "0237 3852 114",
            "0982 111 111",
            "0261 3546 113",
            "113",
            "1800 599 920",
            "1900 1234",
        ] {
            assert_eq!(made_up(n), None, "{n} is a possible real number");
        }
        assert!(made_up("0912345678").unwrap().contains("mẫu"));
        assert!(made_up("0351234567").unwrap().contains("tăng"));
    }

    #[test]
    fn printed_numbers_join_groups_with_no_break_spaces() {
        let p = |s: &str| Phone::parse(s).unwrap().printed();
        assert_eq!(p("0912345678"), "0912\u{a0}345\u{a0}678");
        assert_eq!(p("024 3826 5113"), "024\u{a0}3826\u{a0}5113");
        assert_eq!(p("113"), "113");
        assert!(!p("02373868113").contains(' '));
    }

    #[test]
    fn rejects_bad_numbers_with_reason() {
        assert!(show("09123456789").contains("10 chữ số"));
        assert!(show("0912abc678").contains("“a”"));
        assert!(show("").contains("trống"));
        assert!(show("0123456789").contains("đầu số"));
        assert!(show("023731234").contains("11 chữ số"));
        assert!(Phone::parse("12").is_err());
    }
}
