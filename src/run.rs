//! What a build is asked ([`BuildOptions`]) and what it returns
//! ([`Built`]): plain values, here rather than in the crate root, because
//! the stages that read the options (`select`, `rerun`, `validate`,
//! `province`) and the reporter that hears the result are below the
//! pipeline that runs them (`lib.rs`), and must not name it.

use std::path::PathBuf;

use crate::project::Project;
use crate::{batch, package, preflight};

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Output folder (default: `<campaign>/out`).
    pub out: Option<PathBuf>,
    /// Layouts to build (default: those in campaign.toml).
    pub layouts: Vec<String>,
    /// Only these villages (by name, full name or slug).
    pub villages: Vec<String>,
    /// `(k, n)`: build only the k-th of n deterministic shares of the villages.
    pub shard: Option<(usize, usize)>,
    /// Re-render unchanged files.
    pub force: bool,
    /// Write into an `out` folder that holds other files (no canhbao manifest).
    pub allow_nonempty_out: bool,
    /// Write each job's JSON data next to its PDF.
    pub emit_data: bool,
    /// Also write PNG pages at this resolution.
    pub png_dpi: Option<f32>,
    /// Extra font folders (system fonts are never used otherwise).
    pub font_dirs: Vec<PathBuf>,
    /// Skip the print-shop package (combined files, print order).
    pub no_package: bool,
    /// Crop marks (overrides campaign.toml when set).
    pub marks: bool,
    /// Bleed in mm (overrides campaign.toml).
    pub bleed_mm: Option<f64>,
    /// `--pdf-standard` was given: refused (see [`crate::validate::NO_PDF_A`]).
    pub pdf_a: bool,
    /// Week number for the loudspeaker script's tactic (1-based; 0 = 1).
    pub week: u32,
    /// What the preflight's findings do (`--preflight`).
    pub preflight: preflight::Mode,
}

/// The result of a build.
pub struct Built {
    /// The project that was built.
    pub project: Project,
    /// Where files went.
    pub out: PathBuf,
    /// What happened.
    pub report: batch::BatchReport,
    /// Jobs planned.
    pub jobs: usize,
    /// The print order (empty when no package was made).
    pub order: Vec<package::OrderLine>,
    /// Package files written (not unchanged).
    pub package_written: usize,
    /// Loudspeaker scripts written.
    pub loa_files: usize,
    /// The run was stopped (Ctrl-C) before every document was made.
    pub stopped: bool,
}
