//! Loudspeaker scripts: the text the commune reads at 6:00 and 19:00.
//!
//! One plain-text file per village (`out/loa/<slug>.txt`) for the USB stick
//! that goes to every village. Every sentence comes from the locale pack's
//! `[loa]` table, the tactics' `spoken` variants and `text.slogan`; phone
//! numbers are spelt out digit group by digit group so they can be read aloud
//! and written down. `--week N` picks the tactic.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::campaign::{Campaign, Village};
use crate::content::Pack;
use crate::output;
use crate::phone::Phone;

/// The scripts stage: writes `loa/<village>.txt` for every village, in
/// parallel; a script already on disk unchanged is not rewritten. Returns
/// how many were written or found unchanged; stops early on `stop`.
pub fn write_all(
    c: &Campaign,
    pack: &Pack,
    villages: &[usize],
    week: u32,
    out: &Path,
    stop: &AtomicBool,
) -> Result<usize, crate::diag::Fault> {
    use rayon::prelude::*;
    villages
        .par_iter()
        .map(|&i| {
            if stop.load(Ordering::Relaxed) {
                return Ok(0);
            }
            let v = &c.villages[i];
            let text = script(c, v, pack, week).text;
            // `out` exists: the batch made it.
            let path = output::place(out, &format!("loa/{}.txt", v.slug))?;
            output::write_if_changed(&path, text.as_bytes())?;
            Ok(1)
        })
        .sum()
}

/// Placeholders only the loudspeaker script has (besides the pack's own).
pub const PLACEHOLDERS: &[&str] = &[
    "tactic_spoken",
    "officer_phone_spoken",
    "hotline_spoken",
    "slogan_title",
    "no_label",
    "must_label",
    "slogan_no",
    "slogan_must",
];

/// A script and how long it takes to read.
#[derive(Debug, Clone)]
pub struct Script {
    /// The text, one paragraph per line.
    pub text: String,
    /// Syllables in the text (one Vietnamese syllable is one written word).
    pub syllables: usize,
    /// Reading time in seconds at the pack's pace.
    pub seconds: f64,
    /// The longest the pack allows, in seconds.
    pub max_seconds: f64,
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
///
/// Paragraphs, in order: greeting, intro, the week's tactic (its `spoken`
/// variant), the slogan (read from `text.slogan`, the one source of "4 không,
/// 2 phải"), what to do if scammed, the officer's number twice, the duty line
/// and 113, then both again, and the closing. Too long for the slot: the
/// short intro and closing replace the long ones; the "if scammed" advice,
/// the most useful part, is never cut.
pub fn script(c: &Campaign, v: &Village, pack: &Pack, week: u32) -> Script {
    let words = crate::content::Words::new(pack, c, Some("households"));
    let (text, tactics) = words.fill(c, Some(v));
    let tactic =
        (!tactics.is_empty()).then(|| &tactics[(week.max(1) as usize - 1) % tactics.len()]);
    let slogan = &text["slogan"];
    let titles = |key: &str| {
        let items = slogan[key].as_array().cloned().unwrap_or_default();
        let titles: Vec<String> =
            items.iter().filter_map(|i| i["title"].as_str()).map(lower_first).collect();
        titles.join(", ")
    };
    let mut vars: Vec<(&str, String)> = crate::content::placeholders(c, Some(v));
    vars.push(("officer_phone_spoken", spoken(&v.phone, pack)));
    vars.push(("hotline_spoken", spoken(&c.hotline.phone, pack)));
    for key in ["title", "no_label", "must_label"] {
        let name = if key == "title" { "slogan_title" } else { key };
        vars.push((name, slogan[key].as_str().unwrap_or("").to_string()));
    }
    vars.push(("slogan_no", titles("no")));
    vars.push(("slogan_must", titles("must")));
    if let Some(t) = tactic {
        let spoken = if t.spoken.is_empty() { &t.body } else { &t.spoken };
        vars.push(("tactic_spoken", spoken.clone()));
    }
    let pace = number(pack, "syllables_per_minute").max(1) as f64 / 60.0;
    let max_seconds = number(pack, "max_seconds") as f64;
    let make = |short: bool| {
        let (intro, closing) =
            if short { ("intro_short", "closing_short") } else { ("intro", "closing") };
        let keys = ["greeting", intro]
            .into_iter()
            .chain(tactic.is_some().then_some("tactic"))
            .chain(["slogan", "scammed", "officer", "hotline", "repeat", closing]);
        let paragraphs: Vec<String> =
            keys.map(|k| crate::text::fill(&string(pack, k), &vars)).collect();
        let syllables = count(&paragraphs);
        Script {
            text: paragraphs.join("\n") + "\n",
            syllables,
            seconds: syllables as f64 / pace,
            max_seconds,
        }
    };
    let full = make(false);
    let mut script = if full.seconds > max_seconds { make(true) } else { full };
    // An example's numbers are invented: its script says so on its first line,
    // which is not read aloud and so is not counted in the reading time.
    let notice = string(pack, "example_notice");
    if c.example && !notice.is_empty() {
        script.text = format!("{notice}\n{}", script.text);
    }
    script
}

/// Spoken syllables: every word with a letter or a digit in it.
pub fn count(paragraphs: &[String]) -> usize {
    paragraphs
        .iter()
        .flat_map(|p| p.split_whitespace())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// `Không sợ` → `không sợ`, to read a list of titles as one sentence.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|f| f.to_lowercase().chain(chars).collect()).unwrap_or_default()
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
