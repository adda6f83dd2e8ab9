//! Loudspeaker scripts: the text the commune reads at 6:00 and 19:00.
//!
//! One plain-text file per village (`out/loa/<slug>.txt`) for the USB stick
//! that goes to every village. Every sentence comes from the locale pack's
//! `[loa]` table; phone numbers are spelt out digit group by digit group so
//! they can be read aloud and written down. `--week N` picks the tactic.

use crate::campaign::{Campaign, Village};
use crate::content::Pack;
use crate::phone::Phone;
use crate::text::fill;

/// Placeholders only the loudspeaker script has (besides the pack's own).
pub const PLACEHOLDERS: &[&str] =
    &["tactic_title", "tactic_body", "officer_phone_spoken", "hotline_spoken"];

/// A script and its length in words.
#[derive(Debug, Clone)]
pub struct Script {
    /// The text, one paragraph per line.
    pub text: String,
    /// Words in the text.
    pub words: usize,
    /// The most words the pack allows (minutes × words per minute).
    pub max_words: usize,
}

/// Reads a phone number aloud: `0912 345 678` → "không chín một hai, ba bốn năm, …".
pub fn spoken(phone: &Phone, pack: &Pack) -> String {
    let digits = strings(pack, "digits");
    let sep = string(pack, "group_separator");
    phone
        .groups()
        .iter()
        .map(|g| {
            g.chars()
                .filter_map(|c| c.to_digit(10))
                .map(|d| digits.get(d as usize).cloned().unwrap_or_else(|| d.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(&sep)
}

/// The script for one village in week `week` (1-based).
pub fn script(c: &Campaign, v: &Village, pack: &Pack, week: u32) -> Script {
    let tactics = crate::content::tactics(pack, c, Some(v), Some("households"));
    let list = tactics.as_array().cloned().unwrap_or_default();
    let tactic = if list.is_empty() {
        None
    } else {
        list.get((week.max(1) as usize - 1) % list.len()).cloned()
    };
    let mut vars: Vec<(&str, String)> = crate::content::placeholders(c, Some(v));
    vars.push(("officer_phone_spoken", spoken(&v.phone, pack)));
    vars.push(("hotline_spoken", spoken(&c.hotline.phone, pack)));
    if let Some(t) = &tactic {
        vars.push(("tactic_title", t["title"].as_str().unwrap_or("").to_string()));
        vars.push(("tactic_body", t["body"].as_str().unwrap_or("").to_string()));
    }
    let keys: Vec<&str> = ["greeting", "intro"]
        .into_iter()
        .chain(tactic.is_some().then_some("tactic"))
        .chain(["slogan", "scammed", "officer", "hotline", "closing"])
        .collect();
    let max_words = number(pack, "minutes") * number(pack, "words_per_minute");
    let mut paragraphs: Vec<String> = keys.iter().map(|k| fill(&string(pack, k), &vars)).collect();
    // Too long for the slot: the "if scammed" advice is the part to drop.
    if count(&paragraphs) > max_words {
        paragraphs.retain(|p| *p != fill(&string(pack, "scammed"), &vars));
    }
    let text = paragraphs.join("\n") + "\n";
    Script { words: count(&paragraphs), text, max_words }
}

fn count(paragraphs: &[String]) -> usize {
    paragraphs.iter().map(|p| p.split_whitespace().count()).sum()
}

fn loa(pack: &Pack) -> Option<&toml::Table> {
    pack.table.get("loa").and_then(|v| v.as_table())
}

fn string(pack: &Pack, key: &str) -> String {
    loa(pack).and_then(|t| t.get(key)).and_then(|v| v.as_str()).unwrap_or("").to_string()
}

fn strings(pack: &Pack, key: &str) -> Vec<String> {
    loa(pack)
        .and_then(|t| t.get(key))
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

fn number(pack: &Pack, key: &str) -> usize {
    loa(pack).and_then(|t| t.get(key)).and_then(|v| v.as_integer()).unwrap_or(0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_digit_by_digit_in_groups() {
        let pack = Pack::builtin("vi").unwrap();
        let p = Phone::parse("0912 345 678").unwrap();
        assert_eq!(spoken(&p, &pack), "không chín một hai, ba bốn năm, sáu bảy tám");
        let en = Pack::builtin("en").unwrap();
        assert_eq!(spoken(&Phone::parse("113").unwrap(), &en), "one one three");
    }
}
