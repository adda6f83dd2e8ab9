//! The campaign as the rest of the program trusts it: every value checked
//! and cleaned, with the limits that keep hostile input small.

use std::path::PathBuf;

use crate::diag::Issue;
use crate::phone::Phone;
use crate::text::fold;

/// What the campaign may refer to: built-in layouts, locale packs, tactics.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Layout ids.
    pub layouts: Vec<String>,
    /// Locale codes.
    pub locales: Vec<String>,
    /// Tactic ids.
    pub tactics: Vec<String>,
    /// Audience ids.
    pub audiences: Vec<String>,
}

/// A validated campaign: everything a layout needs, already cleaned.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The campaign folder as the user named it.
    pub root: PathBuf,
    /// Language of the printed text.
    pub locale: String,
    /// Layouts built by default.
    pub layouts: Vec<String>,
    /// Issue date: a day on the calendar (checked when the file is read).
    pub date: Option<time::Date>,
    /// The commune.
    pub commune: Commune,
    /// Who issues the material.
    pub issuer: Issuer,
    /// The main number, printed large.
    pub hotline: Contact,
    /// Other numbers.
    pub contacts: Vec<Contact>,
    /// Reporting channels with QR codes.
    pub channels: Vec<Channel>,
    /// CMYK colours in percent.
    pub theme: Theme,
    /// Print options.
    pub print: Print,
    /// Logo path relative to the campaign folder.
    pub logo: Option<String>,
    /// The campaign's own layouts folder (canonical) and its layouts.
    pub custom_layouts: Option<(PathBuf, Vec<crate::layouts::Layout>)>,
    /// Audience of the content.
    pub audience: String,
    /// Whether the campaign chose the audience (else each layout's own applies).
    pub audience_set: bool,
    /// Tactic ids replacing the audience's list.
    pub tactics: Option<Vec<String>>,
    /// Sentences replacing the locale pack's.
    pub text: toml::Table,
    /// The villages, in file order.
    pub villages: Vec<Village>,
    /// A demonstration campaign (`example = true`): invented numbers pass,
    /// and every page carries a "MẪU — KHÔNG PHÁT" band.
    pub example: bool,
    /// Problems that do not stop the build.
    pub warnings: Vec<Issue>,
}

/// A commune-level unit (xã, phường, đặc khu).
#[derive(Debug, Clone)]
pub struct Commune {
    /// `Tiên Trang`.
    pub name: String,
    /// `xã`.
    pub kind: String,
    /// `Thanh Hóa`.
    pub province: String,
    /// `tỉnh` or `thành phố`.
    pub province_kind: String,
}

impl Commune {
    /// `xã Tiên Trang`.
    pub fn full(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }

    /// `tỉnh Thanh Hóa`.
    pub fn province_full(&self) -> String {
        format!("{} {}", self.province_kind, self.province)
    }
}

/// The issuing office.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// `Công an xã Tiên Trang`.
    pub name: String,
    /// Postal address.
    pub address: Option<String>,
    /// Who signs the report: the printed name under the signature.
    pub head: Option<String>,
    /// The plan the campaign carries out, cited by the report.
    pub plan: Option<String>,
}

/// A labelled phone number.
#[derive(Debug, Clone)]
pub struct Contact {
    /// What the number is.
    pub label: String,
    /// The number.
    pub phone: Phone,
}

/// A reporting channel shown with a QR code.
#[derive(Debug, Clone)]
pub struct Channel {
    /// What it is for.
    pub label: String,
    /// Exact QR payload: `https://…` or `tel:…`.
    pub value: String,
    /// Readable form printed beside the QR.
    pub display: String,
}

/// Colours as CMYK percentages.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// Main colour.
    pub primary: [f64; 4],
    /// Highlight colour.
    pub accent: [f64; 4],
}

/// Print options.
#[derive(Debug, Clone, Copy)]
pub struct Print {
    /// Bleed in millimetres.
    pub bleed_mm: f64,
    /// Crop marks outside the bleed.
    pub marks: bool,
    /// Spare copies in percent.
    pub spare_percent: f64,
    /// Print a QR code on the banner too.
    pub banner_qr: bool,
}

/// A village-level unit and the officer in charge of it.
#[derive(Debug, Clone)]
pub struct Village {
    /// `Đông Hải`.
    pub name: String,
    /// `thôn`.
    pub kind: String,
    /// Officer's name.
    pub officer: String,
    /// Officer's phone.
    pub phone: Phone,
    /// Households (leaflet copies).
    pub households: u32,
    /// Shops, restaurants, companies (poster copies).
    pub shops: u32,
    /// Public places (poster copies).
    pub public_places: u32,
    /// ASCII file name: `thon-dong-hai`.
    pub slug: String,
    /// Line in the village table.
    pub line: usize,
}

impl Village {
    /// `thôn Đông Hải`.
    pub fn full(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }
}

/// Village kinds accepted in the `kind` column.
pub const VILLAGE_KINDS: &[&str] = &[
    "thôn",
    "bản",
    "ấp",
    "tổ dân phố",
    "khu phố",
    "xóm",
    "làng",
    "khu",
    "tổ",
    "buôn",
    "plei",
    "khóm",
];

/// Commune kinds since the 2025 reform.
pub const COMMUNE_KINDS: &[&str] = &["xã", "phường", "đặc khu"];

/// Longest name or label (village, officer, commune, contact…), in
/// characters. Layouts shrink or refuse shorter ones; this bound keeps a
/// hostile megabyte out of the layout engine, whose time grows faster than
/// the text.
pub const MAX_NAME: usize = 500;
/// Longest channel address: a QR code past this is too dense to scan.
pub const MAX_URL: usize = 500;
/// Longest phone number as typed.
pub const MAX_PHONE: usize = 40;
/// Longest sentence in `[text]`.
pub const MAX_SENTENCE: usize = 2_000;
/// Largest `campaign.toml`.
pub const MAX_TOML_BYTES: u64 = 1 << 20;
/// Most pixels in a raster logo (a 4000 × 4000 image): it is decoded whole.
pub const MAX_LOGO_PIXELS: u64 = 16_000_000;

/// Whether two names are the same once case, diacritics and spaces are ignored.
pub fn same_name(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}
