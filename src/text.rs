//! Text clean-up shared by every input: NFC, trimmed spaces, ASCII slugs.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// NFC-normalises, trims, and folds runs of white space into one space.
///
/// Names typed on a Mac arrive decomposed (NFD); Excel leaves stray and
/// non-breaking spaces. Everything we print goes through here first.
pub fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split(|c: char| c.is_whitespace() || c == '\u{feff}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An ASCII file-name slug: `Thôn Đông Hải` becomes `thon-dong-hai`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.nfd().filter(|c| !is_combining_mark(*c)) {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// Longest file-name slug; longer ones are cut and end in a short hash.
pub const MAX_SLUG: usize = 80;

/// A slug safe as a file name: at most [`MAX_SLUG`] characters. A cut
/// slug keeps 8 hex digits of the full slug's hash, so two long names that
/// share their first 70 characters still get different files.
pub fn file_slug(s: &str) -> String {
    let full = slug(s);
    if full.len() <= MAX_SLUG {
        return full;
    }
    let hash = crate::output::sha256(full.as_bytes());
    let head = full[..MAX_SLUG - 9].trim_end_matches('-');
    format!("{head}-{}", &hash[..8])
}

/// A key for comparing names loosely: lower case, no diacritics, no spaces.
pub fn fold(s: &str) -> String {
    slug(s).replace('-', "")
}

/// Uppercases the first letter (Vietnamese-aware through `char::to_uppercase`).
pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// NFC only, keeping line breaks (for multi-line locale sentences).
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Thôn Đông Hải"), "thon-dong-hai");
        assert_eq!(slug("  Tổ dân phố 3 "), "to-dan-pho-3");
        assert_eq!(slug("#panic(\"x\") ] $ \""), "panic-x");
        assert_eq!(slug("Ấp Phước Lợi"), "ap-phuoc-loi");
    }

    #[test]
    fn long_slugs_are_cut_but_stay_distinct() {
        let a = file_slug(&"Đông Hải ".repeat(40));
        let b = file_slug(&("Đông Hải ".repeat(39) + "Tây"));
        assert!(a.len() <= MAX_SLUG && b.len() <= MAX_SLUG);
        assert_ne!(a, b);
        assert_eq!(file_slug("Thôn Đông Hải"), "thon-dong-hai");
    }

    #[test]
    fn clean_composes_and_trims() {
        let nfd = "Tho\u{302}n  \u{a0}Đông";
        assert_eq!(clean(nfd), "Thôn Đông");
        assert_eq!(clean("\u{feff} a\tb "), "a b");
    }

    #[test]
    fn capitalize_vietnamese() {
        assert_eq!(capitalize("đặc khu"), "Đặc khu");
        assert_eq!(capitalize("ấp"), "Ấp");
    }
}
