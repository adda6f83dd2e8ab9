//! Guessing the encoding Excel saved a CSV in.
//!
//! Order: a BOM (UTF-8, UTF-16 LE/BE) wins; then valid UTF-8; then
//! Windows-1258 (Vietnamese ANSI). Text typed with the old TCVN3 (ABC) or VNI
//! fonts decodes to nonsense in any of these; we recognise its tell-tale
//! characters and refuse it with instructions instead of printing garbage.

use std::path::Path;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1258};

use crate::diag::Issue;

/// Decodes a table file's bytes to text.
pub fn decode(bytes: &[u8], shown: &Path) -> Result<String, Issue> {
    if bytes.iter().take(8000).filter(|b| **b == 0).count() > 0
        && !(bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]))
    {
        return Err(Issue::error(shown, "tệp này không phải tệp văn bản CSV (có byte nhị phân)")
            .hint("mở bằng Excel rồi lưu thành .xlsx hoặc “CSV UTF-8”"));
    }
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        UTF_16LE.decode_without_bom_handling(rest).0.into_owned()
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        UTF_16BE.decode_without_bom_handling(rest).0.into_owned()
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        WINDOWS_1258.decode_without_bom_handling(bytes).0.into_owned()
    };
    if let Some(name) = legacy_font_encoding(&text) {
        return Err(Issue::error(
            shown,
            format!("chữ trong tệp được gõ bằng bảng mã cũ {name}, không phải Unicode"),
        )
        .hint("mở tệp bằng Unikey → Công cụ chuyển mã (Ctrl+Shift+F6), chọn nguồn “TCVN3 (ABC)” hoặc “VNI Windows”, đích “Unicode”, rồi lưu lại"));
    }
    Ok(text)
}

/// Names the legacy Vietnamese font encoding the text seems typed in.
///
/// TCVN3 puts Vietnamese letters on Latin-1 code points that never occur in
/// Vietnamese Unicode text (`¸ µ ¶ · ¹ ¨ © ®` …); VNI writes tones as a
/// separate Latin-1 letter after the vowel (`aø`, `eà`, `oõ`).
pub fn legacy_font_encoding(text: &str) -> Option<&'static str> {
    // Latin-1 characters that TCVN3 uses for Vietnamese letters and that no
    // Vietnamese word written in Unicode contains.
    const TCVN3: &[char] = &[
        '¸', 'µ', '¶', '·', '¹', '¨', '©', '®', 'Ë', '¾', '»', '¼', '½', 'Æ', 'Ç', 'Ñ', 'Ö', '×',
        'Þ', 'ß', 'ø', 'û', 'ü', 'þ', '¦', '§', '¤', '¥', '¢', '«', 'ª',
    ];
    // Real Unicode Vietnamese always has letters from these ranges.
    let unicode_vietnamese = text.chars().any(|c| {
        matches!(c, '\u{1EA0}'..='\u{1EF9}' | 'đ' | 'Đ' | 'ơ' | 'Ơ' | 'ư' | 'Ư' | 'ă' | 'Ă')
    });
    if unicode_vietnamese {
        return None;
    }
    let tcvn = text.chars().filter(|c| TCVN3.contains(c)).count();
    if tcvn >= 3 {
        return Some("TCVN3 (ABC)");
    }
    let vni_pairs = ["aø", "aù", "aû", "aõ", "aï", "eø", "eù", "oø", "où", "ñ", "Ñ", "öô"];
    let vni = vni_pairs.iter().map(|p| text.matches(p).count()).sum::<usize>();
    if vni >= 3 {
        return Some("VNI");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_and_windows_1258() {
        let p = Path::new("v.csv");
        assert_eq!(decode("\u{feff}Thôn".as_bytes(), p).unwrap(), "Thôn");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Thôn".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&utf16, p).unwrap(), "Thôn");
        // Windows-1258 stores tones as combining marks after the base letter.
        let (cp, _, had_errors) = WINDOWS_1258.encode("Đông Ha\u{309}i");
        assert!(!had_errors);
        let got = decode(&cp, p).unwrap();
        use unicode_normalization::UnicodeNormalization;
        assert_eq!(got.nfc().collect::<String>(), "Đông Hải");
    }

    #[test]
    fn tcvn3_is_refused_with_the_encoding_named() {
        // "Thôn Đông Hải, xã Tiên Trang" typed with a TCVN3 font.
        let tcvn = "Th«n §«ng H¶i, x· Tiªn Trang, sè hé";
        let err = decode(tcvn.as_bytes(), Path::new("v.csv")).unwrap_err();
        assert!(err.message.contains("TCVN3"), "{err}");
    }
}
