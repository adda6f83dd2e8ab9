//! Loading a campaign folder: `campaign.toml` plus the village table.
//!
//! Two stages, like ripgrep's low/high args: [`raw`] mirrors the files
//! exactly; [`load()`] checks every value and builds the [`Campaign`] the rest
//! of the program trusts. All problems are collected before giving up. One
//! module per job: [`model`] the checked campaign, [`mod@load`] reading the
//! file, [`validate`] its values, [`rows`] the village table's rows.

pub mod encoding;
pub mod load;
pub mod model;
pub mod raw;
pub mod rows;
pub mod svg;
pub mod validate;
pub mod villages;

pub use crate::sandbox::inside;
pub use load::{load, load_text, load_values};
pub use model::*;
pub use rows::{MAX_COUNT, parse_count};
pub use validate::{ADDED, Place};
pub use validate::{check_url, parse_date};
