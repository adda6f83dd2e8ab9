//! Text clean-up shared by every input: NFC, trimmed spaces, ASCII slugs,
//! the characters user data may not carry, and placeholder filling.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// NFC-normalises, trims, and folds runs of white space into one space.
///
/// Names typed on a Mac arrive decomposed (NFD); Excel leaves stray and
/// non-breaking spaces. Everything we print goes through here first.
pub fn clean(s: &str) -> String {
    let nfc: String = s.chars().filter(|c| !invisible(*c)).nfc().collect();
    nfc.split(|c: char| c.is_whitespace() || c == '\u{feff}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Zero-width characters and the soft hyphen: web pages and Word leave them
/// in pasted text, Vietnamese never needs them, and they cannot be seen, so
/// [`clean`] removes them (two names that look the same must be the same).
fn invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}')
}

/// The first character of `s` that user data may not carry, if any.
///
/// One rule for every field of every file. Refused: control characters
/// (ESC, BEL, NUL… reach the terminal, the PDF text and file names) except
/// the white space [`clean`] folds into a space; format characters (Unicode
/// category Cf), among them the bidi controls that print `0912 999 999` as
/// `999 999 2190`; and U+FFFD, the mark a failed decoding leaves. The
/// invisible characters [`clean`] removes are not refused.
pub fn refused_char(s: &str) -> Option<char> {
    s.chars().find(|&c| is_refused(c))
}

/// Whether user data may not carry `c` (see [`refused_char`]).
pub fn is_refused(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || (format_char(c) && !invisible(c) && c != '\u{feff}')
        || c == '\u{FFFD}'
}

/// Unicode general category Cf (format characters), Unicode 16.
fn format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// How a refused character is named in a message: `U+202E`.
pub fn char_name(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// `s` safe to print on a terminal: every control or format character
/// (except line breaks and tabs) written as `<U+001B>`, so quoting user data
/// in a message can never retitle, recolour or reorder the terminal.
pub fn visible(s: &str) -> String {
    if !s.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || format_char(c)) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if (c.is_control() && c != '\n' && c != '\t') || format_char(c) {
                format!("<{}>", char_name(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Fills `{name}` placeholders of a template in one pass: a value put in is
/// never scanned again, so a village named `{hotline}` prints as written.
/// Unknown names and lone braces stay as they are.
pub fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// At most `width` characters of `line` around character `at`, trimmed,
/// with `…` where it was cut: a message quotes where a 200 KB line went
/// wrong, not the whole line.
pub fn excerpt(line: &str, at: usize, width: usize) -> String {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= width {
        return line.trim().to_string();
    }
    let start = at.saturating_sub(width / 2).min(chars.len() - width);
    let end = start + width;
    let mut out: String = chars[start..end].iter().collect::<String>().trim().to_string();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
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
///
/// A slug Windows reserves (`con`, `com1`: [`windows_reserved`]) gets a
/// `-tep` suffix, so that no name in the data makes a file Windows cannot
/// write.
pub fn file_slug(s: &str) -> String {
    let full = slug(s);
    if windows_reserved(&full) {
        return format!("{full}-tep");
    }
    if full.len() <= MAX_SLUG {
        return full;
    }
    let hash = crate::sha256::hex(full.as_bytes());
    let head = full[..MAX_SLUG - 9].trim_end_matches('-');
    format!("{head}-{}", &hash[..8])
}

/// Whether Windows refuses `name` as a file or folder name: a device name
/// (`CON`, `PRN`, `AUX`, `NUL`, `COM1`–`COM9`, `LPT1`–`LPT9`, any case,
/// with or without an extension: `con.pdf` is the console too), or a name
/// ending in a dot or a space (Windows drops them, so `a.` is `a`).
pub fn windows_reserved(name: &str) -> bool {
    if name.ends_with(['.', ' ']) {
        return true;
    }
    let stem = name.split('.').next().unwrap_or("").trim_end().to_ascii_lowercase();
    matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || (stem.len() == 4
            && (stem.starts_with("com") || stem.starts_with("lpt"))
            && matches!(stem.as_bytes()[3], b'1'..=b'9'))
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
    fn fill_expands_once_and_only_known_names() {
        let vars = [("village", "{hotline}".to_string()), ("hotline", "113".to_string())];
        assert_eq!(fill("Thôn {village}, gọi {hotline}", &vars), "Thôn {hotline}, gọi 113");
        assert_eq!(fill("{x} { {village", &vars), "{x} { {village");
        assert_eq!(fill("{{village}}", &vars), "{{hotline}}");
    }

    #[test]
    fn control_and_format_characters() {
        assert_eq!(refused_char("Đông Hải\ttab"), None);
        assert_eq!(refused_char("A\u{1b}]0;x\u{7}"), Some('\u{1b}'));
        assert_eq!(refused_char("Lê \u{202E}0912"), Some('\u{202E}'));
        assert_eq!(refused_char("Lê\u{200B}Văn"), None, "removed by clean, not refused");
        assert_eq!(clean("Lê\u{200B} Văn\u{AD}"), "Lê Văn");
        assert_eq!(refused_char("x\u{FFFD}"), Some('\u{FFFD}'));
        assert_eq!(visible("a\u{1b}[31mb\u{202E}c\nd"), "a<U+001B>[31mb<U+202E>c\nd");
    }

    #[test]
    fn capitalize_vietnamese() {
        assert_eq!(capitalize("đặc khu"), "Đặc khu");
        assert_eq!(capitalize("ấp"), "Ấp");
    }
}
