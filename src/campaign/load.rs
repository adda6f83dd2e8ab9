//! Reading `campaign.toml`: size, encoding and hidden characters first,
//! then TOML syntax with serde's errors said for an officer, then the
//! checks of [`super::validate`] and [`super::rows`].

use std::path::Path;

use crate::diag::{Issue, Issues, line_col, toml_message};

use super::raw::RawCampaign;
use super::validate::Ctx;
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

/// [`load`] from the text of `campaign.toml` at `toml_path`. A province run
/// (`crate::province`) loads each commune this way, from the shared file
/// with the commune's own keys added around it; `rows` is then the
/// commune's part of a shared village table, read once for the province
/// (its rows keep their line numbers), and the `villages` key is not read.
pub fn load_text(
    dir: &Path,
    toml_path: std::path::PathBuf,
    text: String,
    known: &Known,
    rows: Option<villages::Table>,
) -> Result<Campaign, Issues> {
    let one = |i: Issue| Issues(vec![i]);
    if let Some((at, c)) = text.char_indices().find(|(_, c)| crate::text::is_refused(*c)) {
        let (line, col) = line_col(&text, at);
        return Err(one(villages::refused(&toml_path, c).line(line).column(col)));
    }
    let raw: RawCampaign = parse_toml(&text, &toml_path).map_err(one)?;
    let example = raw.example.as_ref().is_some_and(|e| *e.get_ref());
    let mut ctx = Ctx { file: toml_path, text, issues: Issues::default(), example, given: rows };
    let campaign = ctx.campaign(raw, dir, known);
    if ctx.issues.has_errors() {
        return Err(ctx.issues);
    }
    let mut campaign = campaign.expect("no errors means a campaign");
    campaign.warnings.extend(ctx.issues.0);
    Ok(campaign)
}

/// Parses TOML, turning serde's error into an issue at line:column.
fn parse_toml(text: &str, file: &Path) -> Result<RawCampaign, Issue> {
    toml::from_str(text).map_err(|e| {
        let mut issue = Issue::error(file, toml_message(e.message(), "campaign.toml"));
        if let Some(span) = e.span() {
            let (line, col) = line_col(text, span.start);
            let whole = text.lines().nth(line - 1).unwrap_or("");
            let snippet = crate::text::excerpt(whole, col - 1, 80);
            issue = issue.line(line).column(col);
            issue.message = format!("{} (ở “{snippet}”)", issue.message);
        }
        if let Some(hint) = did_you_mean(e.message()) {
            issue = issue.hint(hint);
        }
        issue
    })
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
