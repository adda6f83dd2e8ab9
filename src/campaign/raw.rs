//! The serde mirror of `campaign.toml`: exactly what the user may write.
//!
//! Unknown keys are errors (`deny_unknown_fields`): a misspelt key silently
//! ignored would print a leaflet without the officer's number.

use serde::Deserialize;
use toml::Spanned;

/// `campaign.toml`, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCampaign {
    /// Language of the printed text (`vi`, `en`).
    #[serde(default)]
    pub locale: Option<Spanned<String>>,
    /// Layouts built by default.
    #[serde(default)]
    pub layouts: Option<Spanned<Vec<Spanned<String>>>>,
    /// Issue date (YYYY-MM-DD), used as the PDF date so builds are reproducible.
    #[serde(default)]
    pub date: Option<Spanned<String>>,
    /// The village table, relative to the campaign folder.
    #[serde(default)]
    pub villages: Option<Spanned<String>>,
    /// Logo image, relative to the campaign folder.
    #[serde(default)]
    pub logo: Option<Spanned<String>>,
    /// A folder of the campaign's own Typst layouts (with its `layouts.toml`).
    #[serde(default)]
    pub layouts_dir: Option<Spanned<String>>,
    /// Default kind for villages whose row leaves it empty.
    #[serde(default)]
    pub village_kind: Option<Spanned<String>>,
    /// Audience of the content (households, shops, schools, border, elderly).
    #[serde(default)]
    pub audience: Option<Spanned<String>>,
    /// Tactic ids to print instead of the audience's default list.
    #[serde(default)]
    pub tactics: Option<Spanned<Vec<Spanned<String>>>>,
    /// A demonstration campaign: invented numbers are allowed, and every page
    /// carries a "MẪU — KHÔNG PHÁT" band.
    #[serde(default)]
    pub example: Option<Spanned<bool>>,
    /// The commune.
    pub commune: Spanned<RawCommune>,
    /// Who issues the material.
    #[serde(default)]
    pub issuer: Option<Spanned<RawIssuer>>,
    /// Phone numbers to print.
    #[serde(default)]
    pub contacts: Vec<Spanned<RawContact>>,
    /// Reporting channels printed with a QR code.
    #[serde(default)]
    pub channels: Vec<Spanned<RawChannel>>,
    /// Colours.
    #[serde(default)]
    pub theme: Option<RawTheme>,
    /// Print options.
    #[serde(default)]
    pub print: Option<RawPrint>,
    /// Sentences that replace the locale pack's (same keys as `[text]`).
    #[serde(default)]
    pub text: Option<toml::Table>,
}

/// `[commune]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommune {
    /// Name without its kind: `Tiên Trang`.
    pub name: Spanned<String>,
    /// `xã`, `phường` or `đặc khu`.
    pub kind: Spanned<String>,
    /// Province name without `tỉnh`/`thành phố`.
    pub province: Spanned<String>,
    /// `tỉnh` (default) or `thành phố`.
    #[serde(default)]
    pub province_kind: Option<Spanned<String>>,
    /// Not on the official list of 1 July 2025 (a unit created later):
    /// skips the list check.
    #[serde(default)]
    pub unlisted: bool,
}

/// `[issuer]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIssuer {
    /// `Công an xã Tiên Trang`.
    pub name: Spanned<String>,
    /// Postal address, optional.
    #[serde(default)]
    pub address: Option<Spanned<String>>,
    /// Who signs the report (the commune police chief), optional.
    #[serde(default)]
    pub head: Option<Spanned<String>>,
    /// The plan the campaign carries out (`Kế hoạch số 45/KH-UBND ngày
    /// 10/4/2026 của UBND phường …`), cited by the report; optional.
    #[serde(default)]
    pub plan: Option<Spanned<String>>,
}

/// `[[contacts]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    /// What the number is: `Trực ban Công an xã`.
    pub label: Spanned<String>,
    /// The number as typed.
    pub phone: Spanned<String>,
    /// The main hotline printed large (the first contact when none is marked).
    #[serde(default)]
    pub hotline: bool,
}

/// `[[channels]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    /// What the channel is for.
    pub label: Spanned<String>,
    /// `https://…` or `tel:…`.
    pub url: Spanned<String>,
}

/// `[theme]`: CMYK percentages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTheme {
    /// Main colour (headline band).
    #[serde(default)]
    pub primary: Option<Spanned<Vec<f64>>>,
    /// Highlight colour.
    #[serde(default)]
    pub accent: Option<Spanned<Vec<f64>>>,
}

/// `[print]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrint {
    /// Bleed in millimetres (default 3).
    #[serde(default)]
    pub bleed_mm: Option<Spanned<f64>>,
    /// Crop marks outside the bleed.
    #[serde(default)]
    pub marks: Option<bool>,
    /// Spare copies in percent (default 5).
    #[serde(default)]
    pub spare_percent: Option<Spanned<f64>>,
    /// Print a QR code on the banner (off by default: banners are read from afar).
    #[serde(default)]
    pub banner_qr: Option<bool>,
    /// `a-2b` for PDF/A-2b.
    #[serde(default)]
    pub pdf_standard: Option<Spanned<String>>,
}
