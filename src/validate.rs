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
pub fn validate(project: &mut Project, opts: &BuildOptions) -> Result<(), Issues> {
    let toml = project.campaign.root.join("campaign.toml");
    let issues = content::check_overrides(&project.pack, &project.campaign.text, &toml);
    if !issues.is_empty() {
        return Err(Issues(issues));
    }
    apply_print_flags(&mut project.campaign, opts)?;
    // The layouts of the run; an unknown id is the select stage's to report.
    let wanted = if opts.layouts.is_empty() { &project.campaign.layouts } else { &opts.layouts };
    let chosen: Vec<Layout> =
        wanted.iter().filter_map(|id| project.layout(id).ok().cloned()).collect();
    let logo = logo_warnings(&project.campaign, &chosen);
    if logo.iter().any(|i| !i.warning) {
        return Err(Issues(logo));
    }
    project.campaign.warnings.extend(logo);
    Ok(())
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

/// Command-line print options win over campaign.toml.
fn apply_print_flags(c: &mut Campaign, opts: &BuildOptions) -> Result<(), Issues> {
    c.print.marks |= opts.marks;
    c.print.pdf_a |= opts.pdf_a;
    if c.print.pdf_a {
        // typst-pdf 0.15.1 always passes `cmyk_profile: None` to krilla, and
        // PDF/A forbids device CMYK without an output intent: every file
        // would fail. Say so once, before any work.
        let issue = Issue::error(Path::new("--pdf-standard"), "chưa ghi được PDF/A-2b với màu CMYK")
            .hint("typst 0.15.1 không nhúng hồ sơ màu CMYK (output intent) mà PDF/A đòi; hãy in PDF thường (PDF 1.7, CMYK, font nhúng) — nhà in nhận được");
        return Err(Issues(vec![issue]));
    }
    if let Some(b) = opts.bleed_mm {
        if !(0.0..=10.0).contains(&b) {
            let issue =
                Issue::error(Path::new("--bleed"), format!("lề xén {b} mm ngoài khoảng 0–10 mm"));
            return Err(Issues(vec![issue]));
        }
        c.print.bleed_mm = b;
    }
    Ok(())
}
