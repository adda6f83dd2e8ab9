//! The layout registry: which layouts exist and what each promises.
//!
//! `layouts/layouts.toml` declares, per layout, its paper, page count and
//! minimum QR size. The promise is checked after every compile: a document
//! with more pages than declared is an overflow, not a longer leaflet.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One layout's declaration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// The layout id (filled from the table key).
    #[serde(skip)]
    pub id: String,
    /// Typst file inside the layouts folder.
    pub file: String,
    /// One-line description (Vietnamese).
    pub title: String,
    /// Paper name (`a5`, `a4`, `a3`, `custom`).
    pub paper: String,
    /// Trim width in millimetres.
    pub width_mm: f64,
    /// Trim height in millimetres.
    pub height_mm: f64,
    /// Exact page count.
    pub pages: usize,
    /// `village` (one document per village) or `commune` (one per commune).
    pub scope: String,
    /// Smallest printed QR symbol, in millimetres.
    #[serde(default)]
    pub qr_min_mm: f64,
    /// Audience whose tactics the layout prints by default.
    #[serde(default)]
    pub audience: Option<String>,
    /// How many copies to print per document: `households` (one per
    /// household plus spares), `places` (shops + public places), `one`, or
    /// `none` (screen only, not in the print order).
    #[serde(default = "default_copies")]
    pub copies: String,
    /// Extra imposition for the print package: `2up-a4` (two per A4 sheet).
    #[serde(default)]
    pub impose: Option<String>,
    /// Documents per printed sheet (card sheets): copies are divided by it.
    #[serde(default = "one")]
    pub per_sheet: u32,
    /// `pdf` (default) or `png` (screen images).
    #[serde(default = "pdf")]
    pub format: String,
    /// Resolution of PNG output.
    #[serde(default = "default_dpi")]
    pub dpi: f32,
    /// One document per tactic (with a one-item tactics list).
    #[serde(default)]
    pub per_tactic: bool,
    /// Printed width of the campaign logo in millimetres (0: not printed).
    #[serde(default)]
    pub logo_mm: f64,
}

fn default_copies() -> String {
    "households".into()
}

fn one() -> u32 {
    1
}

fn pdf() -> String {
    "pdf".into()
}

fn default_dpi() -> f32 {
    150.0
}

/// The built-in registry text.
pub const BUILTIN_REGISTRY: &str = include_str!("../layouts/layouts.toml");

/// The built-in layout files, served to Typst from memory.
pub const BUILTIN_FILES: &[(&str, &[u8])] = &[
    ("lib.typ", include_bytes!("../layouts/lib.typ")),
    ("leaflet-a5.typ", include_bytes!("../layouts/leaflet-a5.typ")),
    ("leaflet-a5-lib.typ", include_bytes!("../layouts/leaflet-a5-lib.typ")),
    ("sample.json", include_bytes!("../layouts/sample.json")),
    ("impose.typ", include_bytes!("../layouts/impose.typ")),
    ("proof.typ", include_bytes!("../layouts/proof.typ")),
    ("poster-a4.typ", include_bytes!("../layouts/poster-a4.typ")),
    ("poster-a3.typ", include_bytes!("../layouts/poster-a3.typ")),
    ("leaflet-a4-trifold.typ", include_bytes!("../layouts/leaflet-a4-trifold.typ")),
    ("trifold-lib.typ", include_bytes!("../layouts/trifold-lib.typ")),
    ("banner.typ", include_bytes!("../layouts/banner.typ")),
    ("card.typ", include_bytes!("../layouts/card.typ")),
    ("card-sheet.typ", include_bytes!("../layouts/card-sheet.typ")),
    ("social.typ", include_bytes!("../layouts/social.typ")),
    ("social-lib.typ", include_bytes!("../layouts/social-lib.typ")),
    ("social-square.typ", include_bytes!("../layouts/social-square.typ")),
];

/// Parses a registry.
pub fn parse(text: &str) -> Result<Vec<Layout>, String> {
    let map: BTreeMap<String, Layout> =
        toml::from_str(text).map_err(|e| format!("layouts.toml: {e}"))?;
    let mut out: Vec<Layout> = map
        .into_iter()
        .map(|(id, mut l)| {
            l.id = id;
            l
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The built-in layouts.
pub fn builtin() -> Vec<Layout> {
    parse(BUILTIN_REGISTRY).expect("built-in layouts.toml parses (tested)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_layout_has_its_file() {
        let layouts = builtin();
        assert!(layouts.iter().any(|l| l.id == "leaflet-a5"));
        for l in layouts {
            assert!(BUILTIN_FILES.iter().any(|(f, _)| *f == l.file), "{}", l.file);
            assert!(l.pages >= 1 && l.width_mm > 0.0 && l.height_mm > 0.0);
        }
    }
}
