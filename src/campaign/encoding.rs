//! Guessing the encoding Excel or Notepad saved a file in.
//!
//! Decoding is all or nothing: a file is read whole in one encoding, or
//! refused with the line and byte where it stops making sense. Never a
//! replacement character, never a guess that turns one stray byte into a
//! whole print run of garbled names.
//!
//! Tables (CSV): a BOM (UTF-8, UTF-16 LE/BE) wins; then UTF-8; then
//! Windows-1258 (Vietnamese ANSI), but only when the bytes do not look like
//! UTF-8 with a few damaged bytes. `campaign.toml` must be UTF-8 (TOML says
//! so); UTF-16 and ANSI get a hint saying how to save it again.
//!
//! Text typed with the old TCVN3 (ABC) or VNI fonts, and UTF-8 text that was
//! once read as a legacy code page and saved again (mojibake, `ÄĂ´ng Háº£i`),
//! decode "fine" yet print nonsense: we recognise both and refuse them with
//! instructions.

use std::path::Path;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252, WINDOWS_1258};

use crate::diag::Issue;

const SAVE_AS_CSV_UTF8: &str = "mở bằng Excel, chọn Lưu thành (Save As) → “CSV UTF-8” hoặc .xlsx";
const SAVE_AS_UTF8: &str = "mở tệp bằng Notepad, chọn File → Save As (Tệp → Lưu thành), ở ô Encoding (Mã hóa) chọn UTF-8, rồi lưu đè lên tệp cũ";

/// Whether `bytes` are UTF-32 (with a BOM, or ASCII text padded with
/// three zero bytes per character): UTF-32's BOM starts like UTF-16's and
/// once read as UTF-16 it became a run of U+0000 characters.
fn is_utf32(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return true;
    }
    let head = &bytes[..bytes.len().min(64) / 4 * 4];
    head.len() >= 8 && head.chunks(4).all(|c| c.iter().filter(|b| **b == 0).count() >= 3)
}

/// The refusal of a UTF-32 file.
fn utf32_issue(shown: &Path, hint: &str) -> Issue {
    Issue::error(shown, "tệp đang lưu theo bảng mã UTF-32, canhbao cần UTF-8")
        .hint(hint.to_string())
}

/// Decodes a table file's bytes to text.
pub fn decode(bytes: &[u8], shown: &Path) -> Result<String, Issue> {
    if is_utf32(bytes) {
        return Err(utf32_issue(shown, SAVE_AS_CSV_UTF8));
    }
    let utf16_bom = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if !utf16_bom && bytes.iter().take(8000).any(|b| *b == 0) {
        return Err(Issue::error(shown, "tệp này không phải tệp văn bản CSV (có byte nhị phân)")
            .hint("mở bằng Excel rồi lưu thành .xlsx hoặc “CSV UTF-8”"));
    }
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        utf8(rest, 3, shown)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        strict(UTF_16LE, rest, 2, shown)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        strict(UTF_16BE, rest, 2, shown)?
    } else if !looks_legacy(bytes) {
        utf8(bytes, 0, shown)?
    } else {
        strict(WINDOWS_1258, bytes, 0, shown)?
    };
    check_text(&text, shown)?;
    Ok(text)
}

/// Decodes `campaign.toml`: UTF-8 only, with a hint for what Notepad makes.
pub fn decode_toml(bytes: &[u8], shown: &Path) -> Result<String, Issue> {
    if is_utf32(bytes) {
        return Err(utf32_issue(shown, SAVE_AS_UTF8));
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
        || bytes.iter().take(200).filter(|b| **b == 0).count() > 10;
    if utf16 {
        return Err(Issue::error(
            shown,
            "tệp đang lưu theo bảng mã UTF-16 (Notepad gọi là “Unicode”), canhbao cần UTF-8",
        )
        .hint(SAVE_AS_UTF8));
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if std::str::from_utf8(body).is_err() && looks_legacy(body) {
        return Err(Issue::error(
            shown,
            "tệp đang lưu theo bảng mã ANSI (Windows-1258), canhbao cần UTF-8",
        )
        .hint(SAVE_AS_UTF8));
    }
    let text = utf8(body, bytes.len() - body.len(), shown)?;
    check_text(&text, shown)?;
    Ok(text)
}

/// Refuses decoded text typed in a legacy font encoding or garbled by a
/// wrong decoding earlier in its life.
pub fn check_text(text: &str, shown: &Path) -> Result<(), Issue> {
    if let Some((at, word, meant)) = mojibake(text) {
        return Err(Issue::error(
            shown,
            format!(
                "chữ “{word}” là chữ UTF-8 đã bị đọc nhầm bảng mã (đúng ra là “{meant}”); cả tệp có thể đã bị hỏng như vậy"
            ),
        )
        .line(line_at(text, at))
        .hint("lấy lại tệp gốc, hoặc mở tệp bằng Unikey → Công cụ chuyển mã để sửa, rồi lưu dạng “CSV UTF-8”"));
    }
    if let Some(name) = legacy_font_encoding(text) {
        return Err(Issue::error(
            shown,
            format!("chữ trong tệp được gõ bằng bảng mã cũ {name}, không phải Unicode"),
        )
        .hint(format!(
            "mở tệp bằng Unikey → Công cụ chuyển mã (Ctrl+Shift+F6), chọn nguồn “{}”, đích “Unicode”, rồi lưu lại",
            if name == "VNI" { "VNI Windows" } else { "TCVN3 (ABC)" }
        )));
    }
    Ok(())
}

/// Whether bytes that are not valid UTF-8 are a legacy code page rather than
/// UTF-8 with some damaged bytes: more invalid sequences than valid
/// multi-byte ones. One 0xA0 pasted into a UTF-8 file full of Vietnamese
/// letters is damage; Windows-1258 text is almost all "invalid" sequences.
fn looks_legacy(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    invalid > 0 && invalid >= valid
}

/// Strict UTF-8; `skipped` bytes (a BOM) come before `bytes` in the file.
fn utf8(bytes: &[u8], skipped: usize, shown: &Path) -> Result<String, Issue> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let line = line_at_bytes(&bytes[..e.valid_up_to()]);
            Err(bad_byte(bytes, e.valid_up_to(), line, skipped, "UTF-8", shown))
        }
    }
}

/// Decodes with `encoding`, refusing the first byte it cannot map.
fn strict(
    encoding: &'static Encoding,
    bytes: &[u8],
    skipped: usize,
    shown: &Path,
) -> Result<String, Issue> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len()),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(len, after) => {
            let at = read.saturating_sub(len as usize + after as usize);
            Err(bad_byte(bytes, at, line_at(&out, out.len()), skipped, encoding.name(), shown))
        }
        encoding_rs::DecoderResult::OutputFull => Err(Issue::error(shown, "tệp quá lớn")),
    }
}

/// The issue for a byte at `at` that is not valid in `encoding`.
fn bad_byte(
    bytes: &[u8],
    at: usize,
    line: usize,
    skipped: usize,
    encoding: &str,
    shown: &Path,
) -> Issue {
    let byte = bytes.get(at).copied().unwrap_or(0);
    Issue::error(
        shown,
        format!(
            "byte 0x{byte:02X} (byte thứ {} của tệp) không hợp lệ trong bảng mã {encoding}; canhbao không đoán chữ bị hỏng",
            at + skipped + 1
        ),
    )
    .line(line)
    .hint(format!(
        "có thể một ký tự dán từ trang web hay tệp khác bị lỗi: gõ lại chữ ở dòng {line}, hoặc {SAVE_AS_CSV_UTF8}"
    ))
}

/// 1-based line of the end of `before`, counting `\r\n`, `\r` and `\n`
/// (Excel on Windows, old Mac Excel, everything else) as one line break each.
fn line_at_bytes(before: &[u8]) -> usize {
    let mut line = 1;
    let mut i = 0;
    while i < before.len() {
        match before[i] {
            b'\n' => line += 1,
            b'\r' => {
                line += 1;
                if before.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    line
}

/// 1-based line of byte `offset` of `text` (line breaks as `line_at_bytes`).
pub fn line_at(text: &str, offset: usize) -> usize {
    line_at_bytes(&text.as_bytes()[..offset.min(text.len())])
}

/// [`line_at`] for offsets that mostly grow (a file's records in order):
/// counts each byte once instead of from the start every time.
pub struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    /// A counter at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        LineCounter { text: text.as_bytes(), at: 0, line: 1 }
    }

    /// The 1-based line of byte `offset`.
    pub fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.at {
            (self.at, self.line) = (0, 1);
        }
        // A CR that ends the counted part may be the first half of a CRLF:
        // step back over it so the pair is counted once.
        let start = if self.at > 0 && self.text[self.at - 1] == b'\r' {
            self.line -= 1;
            self.at - 1
        } else {
            self.at
        };
        self.line += line_at_bytes(&self.text[start..offset]) - 1;
        self.at = offset;
        self.line
    }
}

/// The first word that is UTF-8 Vietnamese read as Windows-1252 or -1258:
/// (byte offset, the word, what it meant).
///
/// A word is mojibake when encoding it back to that code page gives valid
/// UTF-8 holding a letter only Vietnamese uses (ạ…ỹ, đ, ơ, ư, ă or a
/// combining tone mark). Real Vietnamese never does: its letters do not
/// encode to a UTF-8 lead byte followed by continuation bytes.
pub fn mojibake(text: &str) -> Option<(usize, String, String)> {
    let mut at = 0;
    for word in text.split_inclusive(|c: char| c.is_ascii_whitespace() || c == ',' || c == ';') {
        let start = at;
        at += word.len();
        if word.is_ascii() {
            continue;
        }
        let word = word.trim_end_matches(|c: char| c.is_ascii_whitespace() || c == ',' || c == ';');
        for enc in [WINDOWS_1258, WINDOWS_1252] {
            let (bytes, _, unmappable) = enc.encode(word);
            if unmappable || bytes.as_ref() == word.as_bytes() {
                continue;
            }
            if let Ok(meant) = std::str::from_utf8(&bytes)
                && meant.chars().any(|c| {
                    matches!(c, '\u{1EA0}'..='\u{1EF9}' | '\u{0300}'..='\u{0323}'
                        | 'đ' | 'Đ' | 'ơ' | 'Ơ' | 'ư' | 'Ư' | 'ă' | 'Ă')
                })
            {
                use unicode_normalization::UnicodeNormalization;
                return Some((start, word.to_string(), meant.nfc().collect()));
            }
        }
    }
    None
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
    // Latin-1 letters VNI also uses (its tone and hat marks, đ, ư, ơ):
    // in VNI text they are not a sign of TCVN3.
    const VNI: &[char] = &['ø', 'ù', 'û', 'õ', 'ï', 'ñ', 'Ñ', 'ö', 'Ö', 'ô', 'Ô', 'Ë', 'ü'];
    let tcvn = text.chars().filter(|c| TCVN3.contains(c)).count();
    let tcvn_only = text.chars().filter(|c| TCVN3.contains(c) && !VNI.contains(c)).count();
    let vni_pairs = [
        "aø", "aù", "aû", "aõ", "aï", "eø", "eù", "eû", "oø", "où", "oû", "iø", "ió", "uø", "uù",
        "uû", "ñ", "Ñ", "öô", "oâ", "aâ", "eâ",
    ];
    let vni = vni_pairs.iter().map(|p| text.matches(p).count()).sum::<usize>();
    if vni >= 3 && vni > tcvn_only {
        return Some("VNI");
    }
    if tcvn >= 3 {
        return Some("TCVN3 (ABC)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vni_is_not_tcvn3_and_utf32_is_named() {
        assert_eq!(legacy_font_encoding("Thoân Ñoâng Haûi, Taây Haûi, Nam Haûi"), Some("VNI"));
        assert_eq!(legacy_font_encoding("Th«n §«ng H¶i, T©y H¶i"), Some("TCVN3 (ABC)"));
        let utf32: Vec<u8> = [0xFF, 0xFE, 0, 0]
            .into_iter()
            .chain("name,kind\n".chars().flat_map(|c| (c as u32).to_le_bytes()))
            .collect();
        let err = decode(&utf32, Path::new("v.csv")).unwrap_err();
        assert!(err.message.contains("UTF-32"), "{err}");
    }

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

    #[test]
    fn one_stray_byte_in_utf8_is_refused_at_its_line() {
        let text = "name\r\nĐông Hải\r\nTây Hải\r\n";
        let mut bytes = text.as_bytes().to_vec();
        bytes.insert(text.find(" Hải\r\n\r").unwrap_or(text.rfind(" Hải").unwrap()), 0xA0);
        let err = decode(&bytes, Path::new("v.csv")).unwrap_err();
        assert_eq!(err.line, Some(3), "{err}");
        assert!(err.message.contains("0xA0"), "{err}");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(WINDOWS_1258.encode("Đông Hải").0.as_ref());
        let err = decode(&bom, Path::new("v.csv")).unwrap_err();
        assert_eq!(err.line, Some(1), "{err}");
    }

    #[test]
    fn mojibake_is_refused_and_real_vietnamese_is_not() {
        let (garbled, _, _) = WINDOWS_1258.decode("Thôn Đông Hải".as_bytes());
        let err = decode(format!("name\n{garbled}\n").as_bytes(), Path::new("v.csv")).unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
        assert!(err.message.contains("Đông"), "{err}");
        let (garbled, _, _) = WINDOWS_1252.decode("Nguyễn Văn Bình".as_bytes());
        assert!(mojibake(&garbled).is_some(), "{garbled}");
        for real in ["XÃ TIÊN TRANG “XÃ”", "Đông Hải, Ấp Phước Lợi", "Ông Bà Âu Ơ Ư Ê Ô"]
        {
            assert_eq!(mojibake(real), None, "{real}");
        }
    }

    #[test]
    fn line_counter_matches_line_at() {
        let text = "a\r\nb\rc\n\nd\r\n\r\ne";
        let mut counter = LineCounter::new(text);
        for offset in 0..=text.len() {
            assert_eq!(counter.line_at(offset), line_at(text, offset), "at {offset}");
        }
        assert_eq!(counter.line_at(2), line_at(text, 2), "backwards");
    }

    #[test]
    fn campaign_toml_in_utf16_or_ansi_says_so() {
        let p = Path::new("campaign.toml");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("name = \"Tiên\"".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert!(decode_toml(&utf16, p).unwrap_err().message.contains("UTF-16"));
        let ansi = WINDOWS_1258.encode("[commune]\nname = \"Tiên Trang\"\nkind = \"xã\"\n").0;
        assert!(decode_toml(&ansi, p).unwrap_err().message.contains("ANSI"));
        assert_eq!(decode_toml("\u{feff}a = 1".as_bytes(), p).unwrap(), "a = 1");
    }
}
