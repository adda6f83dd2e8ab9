//! A caption beside every social image (`social/<commune>-<tactic>.txt`):
//! what the officer pastes under the image in a Zalo group or on the
//! Fanpage. Plain text under 2,000 characters: a title line, two or three
//! plain sentences, the commune's duty line and 113, the reporting link,
//! two or three hashtags. Every sentence comes from the locale pack's
//! `[caption]` table, the tactic's own title and body, and `[text.social]`.

use std::path::Path;

use crate::campaign::Campaign;
use crate::content::Pack;
use crate::diag::Fault;
use crate::plan::Job;

/// The longest caption: Zalo cuts a group post's preview well before, and
/// the officer should not have to trim it.
pub const MAX_CHARS: usize = 2_000;

fn string(pack: &Pack, table: &str, key: &str) -> String {
    let mut t = Some(&pack.table);
    for part in table.split('.') {
        t = t.and_then(|t| t.get(part)).and_then(|v| v.as_table());
    }
    t.and_then(|t| t.get(key)).and_then(|v| v.as_str()).unwrap_or("").to_string()
}

/// The caption of the image of tactic `t` (an index into the tactics of
/// `job`'s layout and audience).
pub fn caption(c: &Campaign, pack: &Pack, job: &Job, t: usize) -> Option<String> {
    let tactics = crate::content::tactics(pack, c, None, job.layout.audience.as_deref());
    let tactic = tactics.get(t)?;
    let vars = crate::content::placeholders(c, None);
    // A campaign's own wording of [text.social] wins, as on the image.
    let social = |key: &str| {
        let own = c.text.get("social").and_then(|s| s.get(key)).and_then(|v| v.as_str());
        crate::text::fill(
            &own.map_or_else(|| string(pack, "text.social", key), String::from),
            &vars,
        )
    };
    let cap = |key: &str| crate::text::fill(&string(pack, "caption", key), &vars);
    let link = c.channels.iter().find(|ch| ch.value.starts_with("https://"));
    let link_line = match link {
        Some(ch) => format!("{} {} ({})", cap("link"), ch.value, ch.label),
        None => cap("no_link"),
    };
    let tags: Vec<String> = pack
        .table
        .get("caption")
        .and_then(|t| t.get("hashtags"))
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect())
        .unwrap_or_default();
    let lines = [
        format!("{}: {}", social("kicker").to_uppercase(), tactic.title),
        String::new(),
        format!("{} {}", social("greeting"), tactic.body),
        format!("{} {}", cap("advice"), social("share")),
        String::new(),
        cap("numbers"),
        link_line,
        String::new(),
        tags.join(" "),
    ];
    let mut text = lines.join("\n") + "\n";
    if c.example {
        text = format!("{}\n{text}", cap("example"));
    }
    // Never over the limit: long campaign sentences are cut at a word.
    if text.chars().count() > MAX_CHARS {
        let cut: String = text.chars().take(MAX_CHARS - 2).collect();
        let at = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
        text = format!("{}…\n", &cut[..at]);
    }
    Some(text)
}

/// Writes the caption of every social image of `jobs` that is on disk in
/// `out` (`<stem>.txt` beside `<stem>.png`); returns their paths in `out`.
pub fn write_all(
    c: &Campaign,
    pack: &Pack,
    jobs: &[Job],
    out: &Path,
) -> Result<Vec<String>, Fault> {
    let mut written = Vec::new();
    for job in jobs {
        let (Some(t), crate::layouts::Format::Png) = (job.tactic, job.layout.format) else {
            continue;
        };
        let image = format!("{}.png", job.stem);
        if !out.join(&image).is_file() {
            continue;
        }
        let Some(text) = caption(c, pack, job, t) else { continue };
        let rel = format!("{}.txt", job.stem);
        let path = crate::output::place(out, &rel)?;
        crate::output::write_if_changed(&path, text.as_bytes())?;
        written.push(rel);
    }
    Ok(written)
}
