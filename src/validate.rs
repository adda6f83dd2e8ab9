//! The validate stage: what the campaign's own files cannot say alone —
//! its text overrides against the locale pack, the command line's print
//! options, the logo against the layouts that print it. The one entry point
//! that `check`, `build`, `preview` and `serve` share ([`validate`]).

use std::path::Path;

use crate::campaign::Campaign;
use crate::content;
use crate::diag::{Issue, Issues};
use crate::layouts::Layout;
use crate::{BuildOptions, Project};

/// Checks a loaded project for a run with `opts`; applies the options that
/// override campaign.toml and keeps the warnings in the campaign's list.
/// Every problem is collected before returning: a wrong text override does
/// not hide a wrong `--bleed` or an unreadable logo.
pub fn validate(project: &mut Project, opts: &BuildOptions) -> Result<(), Issues> {
    let toml = project.campaign.root.join("campaign.toml");
    let mut issues = content::check_overrides(&project.pack, &project.campaign.text, &toml);
    if !issues.is_empty() {
        // The pack's check knows the key, not where it is written.
        let text = std::fs::read_to_string(&toml).unwrap_or_default();
        for issue in issues.iter_mut().filter(|i| i.line.is_none()) {
            if let Some(line) = issue.field.as_deref().and_then(|f| line_of_key(&text, f)) {
                issue.line = Some(line);
            }
        }
    }
    if let Err(found) = apply_print_flags(&mut project.campaign, opts) {
        issues.extend(found.0);
    }
    // The layouts of the run; an unknown id is the select stage's to report.
    let wanted = if opts.layouts.is_empty() { &project.campaign.layouts } else { &opts.layouts };
    let chosen: Vec<Layout> =
        wanted.iter().filter_map(|id| project.layout(id).ok().cloned()).collect();
    let logo = logo_warnings(&project.campaign, &chosen);
    if issues.iter().chain(&logo).any(|i| !i.warning) {
        issues.extend(logo);
        return Err(Issues(issues));
    }
    project.campaign.warnings.extend(issues);
    project.campaign.warnings.extend(logo);
    Ok(())
}

/// The 1-based line where the dotted key `text.front.kicker` is set in TOML
/// `text`: under `[text.front]` as `kicker = …`, under `[text]` as
/// `front.kicker = …`, or the line of the table `[text.front]` itself.
pub fn line_of_key(text: &str, dotted: &str) -> Option<usize> {
    let norm =
        |s: &str| s.split('.').map(|p| p.trim().trim_matches('"')).collect::<Vec<_>>().join(".");
    let mut table = String::new();
    let mut header_line = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            table = norm(name.trim_start_matches('['));
            if table == dotted {
                header_line = header_line.or(Some(i + 1));
            }
            continue;
        }
        let Some((key, _)) = line.split_once('=') else { continue };
        let full = if table.is_empty() { norm(key) } else { format!("{table}.{}", norm(key)) };
        if full == dotted {
            return Some(i + 1);
        }
    }
    header_line
}

/// Warnings for a raster logo printed below 300 dpi by any selected layout.
pub fn logo_warnings(c: &Campaign, layouts: &[Layout]) -> Vec<Issue> {
    let Some(logo) = &c.logo else { return Vec::new() };
    let path = c.root.join(logo);
    let is_svg = logo.to_ascii_lowercase().ends_with(".svg");
    if is_svg {
        return Vec::new(); // vector: sharp at any size
    }
    let (px, _) = match image::image_dimensions(&path) {
        Ok(d) => d,
        Err(e) => {
            let issue = Issue::error(&path, format!("không đọc được ảnh logo ({e})"))
                .hint("dùng tệp PNG, JPEG hoặc SVG");
            return vec![issue];
        }
    };
    let widest = layouts.iter().map(|l| l.logo_mm).fold(0.0, f64::max);
    if widest <= 0.0 {
        return Vec::new();
    }
    let dpi = f64::from(px) / (widest / 25.4);
    if dpi >= 300.0 {
        return Vec::new();
    }
    let need = (300.0 * widest / 25.4).ceil();
    let issue = Issue::warning(
        &path,
        format!(
            "logo rộng {px} điểm ảnh, in rộng {widest} mm chỉ đạt {dpi:.0} dpi (nên ≥ 300 dpi)"
        ),
    )
    .hint(format!("dùng ảnh rộng ít nhất {need} điểm ảnh, hoặc logo dạng SVG"));
    vec![issue]
}

/// Why PDF/A is refused, for `--pdf-standard` and `pdf_standard` alike:
/// typst-pdf 0.15.1 always passes `cmyk_profile: None` to krilla, and PDF/A
/// forbids device CMYK without an output intent, so every file would fail.
/// Said once, before any work.
pub const NO_PDF_A: &str = "chưa ghi được PDF/A-2b với màu CMYK";
/// What to do instead.
pub const NO_PDF_A_HINT: &str = "typst 0.15.1 không nhúng hồ sơ màu CMYK (output intent) mà PDF/A đòi; hãy in PDF thường (PDF 1.7, CMYK, font nhúng) — nhà in nhận được";

/// Command-line print options win over campaign.toml; each wrong one is
/// said.
fn apply_print_flags(c: &mut Campaign, opts: &BuildOptions) -> Result<(), Issues> {
    let mut issues = Issues::default();
    c.print.marks |= opts.marks;
    if opts.pdf_a {
        issues.push(Issue::error(Path::new("--pdf-standard"), NO_PDF_A).hint(NO_PDF_A_HINT));
    }
    if let Some(b) = opts.bleed_mm {
        if !(0.0..=10.0).contains(&b) {
            let issue =
                Issue::error(Path::new("--bleed"), format!("lề xén {b} mm ngoài khoảng 0–10 mm"));
            issues.push(issue);
        } else {
            c.print.bleed_mm = b;
        }
    }
    match issues.0.is_empty() {
        true => Ok(()),
        false => Err(issues),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_dotted_key_is_found_under_its_table() {
        let text = "a = 1\n[text]\nfront.kicker = \"x\"\n[text.back]\nbody = \"y\"\n[text.empty]\n";
        assert_eq!(super::line_of_key(text, "text.front.kicker"), Some(3));
        assert_eq!(super::line_of_key(text, "text.back.body"), Some(5));
        assert_eq!(super::line_of_key(text, "text.empty"), Some(6));
        assert_eq!(super::line_of_key(text, "text.none"), None);
    }
}
