//! Reading `campaign.toml`: size, encoding and hidden characters first,
//! then TOML syntax with serde's errors said for an officer, then the
//! checks of [`super::validate`] and [`super::rows`].

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeTable;

use crate::diag::{Issue, Issues, line_col, toml_message};

use super::raw::RawCampaign;
use super::validate::{ADDED, Ctx, Place, place};
use super::{Campaign, Known, MAX_TOML_BYTES, encoding, villages};

/// Loads and validates the campaign in `dir`. Nothing is written.
pub fn load(dir: &Path, known: &Known) -> Result<Campaign, Issues> {
    let toml_path = dir.join("campaign.toml");
    let one = |i: Issue| Issues(vec![i]);
    if !toml_path.exists() {
        return Err(one(Issue::error(&toml_path, "không tìm thấy tệp").hint(
            "thư mục chiến dịch phải có tệp campaign.toml; tạo mẫu bằng `canhbao init <thư-mục>`",
        )));
    }
    let bytes = villages::read_capped(&toml_path, MAX_TOML_BYTES, &toml_path).map_err(one)?;
    let text = encoding::decode_toml(&bytes, &toml_path).map_err(one)?;
    load_text(dir, toml_path, text, known, None)
}

/// [`load`] from the text of `campaign.toml` at `toml_path`; `rows`, when
/// given, is the village table already read (see [`load_values`]).
pub fn load_text(
    dir: &Path,
    toml_path: PathBuf,
    text: String,
    known: &Known,
    rows: Option<villages::Table>,
) -> Result<Campaign, Issues> {
    let one = |i: Issue| Issues(vec![i]);
    refuse_hidden(&text, &toml_path).map_err(one)?;
    let raw: RawCampaign =
        toml::from_str(&text).map_err(|e| one(toml_issue(&e, &text, &toml_path, &[])))?;
    check(dir, raw, Ctx::new(toml_path, text, rows, Vec::new()), known)
}

/// [`load`] from the values of a campaign instead of its text: a province
/// run (`crate::province`) parses its shared `campaign.toml` once and gives
/// each commune that table with the commune's own values merged in. Values
/// of the file keep their spans in `text`, so problems are told at its
/// lines; each value added has a span from [`ADDED`] on, told at its
/// `added` place. `rows` is then the commune's part of a shared village
/// table, read once for the province (its rows keep their line numbers),
/// and the `villages` key is not read.
pub fn load_values(
    dir: &Path,
    toml_path: PathBuf,
    text: String,
    values: Spanned<DeTable<'_>>,
    added: Vec<Place>,
    known: &Known,
    rows: Option<villages::Table>,
) -> Result<Campaign, Issues> {
    let one = |i: Issue| Issues(vec![i]);
    refuse_hidden(&text, &toml_path).map_err(one)?;
    let raw = RawCampaign::deserialize(toml::de::Deserializer::from(values))
        .map_err(|e| one(toml_issue(&e, &text, &toml_path, &added)))?;
    check(dir, raw, Ctx::new(toml_path, text, rows, added), known)
}

/// A hidden or control character anywhere in the file is refused before
/// TOML reads it, at its line and column.
fn refuse_hidden(text: &str, file: &Path) -> Result<(), Issue> {
    match text.char_indices().find(|(_, c)| crate::text::is_refused(*c)) {
        Some((at, c)) => {
            let (line, col) = line_col(text, at);
            Err(villages::refused(file, c).line(line).column(col))
        }
        None => Ok(()),
    }
}

/// Checks every value of `raw` (see [`super::validate`]).
fn check(dir: &Path, raw: RawCampaign, mut ctx: Ctx, known: &Known) -> Result<Campaign, Issues> {
    ctx.example = raw.example.as_ref().is_some_and(|e| *e.get_ref());
    let campaign = ctx.campaign(raw, dir, known);
    if ctx.issues.has_errors() {
        return Err(ctx.issues);
    }
    let mut campaign = campaign.expect("no errors means a campaign");
    campaign.warnings.extend(ctx.issues.0);
    Ok(campaign)
}

/// serde's error said for an officer, at its line and column.
fn toml_issue(e: &toml::de::Error, text: &str, file: &Path, added: &[Place]) -> Issue {
    let mut issue = Issue::error(file, toml_message(e.message(), "campaign.toml"));
    if let Some(span) = e.span() {
        issue = place(issue, text, added, span.start);
        if span.start < ADDED {
            let (line, col) = line_col(text, span.start);
            let whole = text.lines().nth(line - 1).unwrap_or("");
            let snippet = crate::text::excerpt(whole, col - 1, 80);
            issue.message = format!("{} (ở “{snippet}”)", issue.message);
        }
    }
    if let Some(hint) = did_you_mean(e.message()) {
        issue = issue.hint(hint);
    }
    issue
}

/// For an unknown key, the closest expected key.
fn did_you_mean(msg: &str) -> Option<String> {
    let rest = msg.trim().strip_prefix("unknown field `")?;
    let key = rest.split('`').next()?;
    let expected = rest.split_once("expected")?.1;
    let options: Vec<&str> =
        expected.split('`').skip(1).step_by(2).filter(|s| !s.is_empty()).collect();
    let best = options.iter().min_by_key(|o| strsim::levenshtein(key, o))?;
    if strsim::levenshtein(key, best) <= key.len().max(3) / 2 + 1 {
        Some(format!("có phải ý bạn là “{best}”?"))
    } else {
        Some(format!("các khóa hợp lệ: {}", options.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_suggests_close_key() {
        let msg = "unknown field `contact`, expected one of `locale`, `contacts`, `channels`";
        assert_eq!(did_you_mean(msg).unwrap(), "có phải ý bạn là “contacts”?");
    }
}
