//! Command-line arguments (clap derive; the `///` lines are the `--help`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// canhbao — in tờ rơi, áp phích, thẻ cảnh báo lừa đảo cho từng thôn.
///
/// Turns a commune's data (campaign.toml + villages.csv/xlsx) into
/// print-ready anti-fraud material, one file per village.
#[derive(Debug, Parser)]
#[command(name = "canhbao", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build every file of a campaign (tạo tệp in cho mọi thôn).
    ///
    /// Example: canhbao build examples/tien-trang --out out
    Build(BuildArgs),
    /// Check a campaign without writing anything (kiểm tra dữ liệu).
    ///
    /// Example: canhbao check examples/tien-trang
    Check(CheckArgs),
    /// List the built-in layouts (liệt kê các mẫu).
    ///
    /// Example: canhbao layouts
    Layouts,
    /// Create a new campaign folder to fill in (tạo thư mục chiến dịch mới).
    ///
    /// Example: canhbao init xa-tien-trang
    Init(InitArgs),
    /// Render one document of one village to PNG pages (xem trước).
    ///
    /// Example: canhbao preview examples/tien-trang --village "Đông Hải" --layout poster-a4
    Preview(PreviewArgs),
    /// Print shell completions (bash, zsh, fish, powershell).
    ///
    /// Example: canhbao completions bash > /etc/bash_completion.d/canhbao
    Completions(CompletionsArgs),
}

/// `canhbao init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (it must not hold a campaign yet).
    pub dir: PathBuf,
}

/// `canhbao preview`.
#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The campaign folder (holds campaign.toml).
    pub campaign: PathBuf,
    /// The village, by name as in the table [default: the first one].
    #[arg(long)]
    pub village: Option<String>,
    /// The layout [default: the campaign's first layout].
    #[arg(long, short = 'l')]
    pub layout: Option<String>,
    /// Resolution in dots per inch.
    #[arg(long, default_value_t = 100.0)]
    pub dpi: f32,
    /// Output folder [default: <campaign>/out/preview].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Print checks on every document: `strict` fails a file that breaks a
    /// rule (split or glued number, text in the margin or across a fold,
    /// type too small), `warn` only warns (for a designer at work), `off`
    /// skips them [default: warn while the built-in layouts are being fixed].
    #[arg(long, value_name = "MODE")]
    pub preflight: Option<crate::preflight::Mode>,
}

/// `canhbao completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

/// `canhbao build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The campaign folder (holds campaign.toml).
    pub campaign: PathBuf,
    /// Output folder [default: <campaign>/out].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Build only this layout (repeatable; loudspeaker scripts are then not
    /// written) [default: campaign.toml's `layouts`].
    #[arg(long = "layout", short = 'l', value_name = "LAYOUT")]
    pub layouts: Vec<String>,
    /// Build only this village (repeatable), by name as in the table.
    #[arg(long = "village", value_name = "NAME")]
    pub villages: Vec<String>,
    /// Build the K-th of N deterministic shares of the villages, e.g. 2/3.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Parallel jobs [default: number of cores].
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Render every file even when nothing changed since the last build.
    #[arg(long)]
    pub force: bool,
    /// Also write each job's JSON data next to its PDF (for `typst watch`).
    #[arg(long)]
    pub emit_data: bool,
    /// Also write PNG pages at this resolution (dots per inch).
    #[arg(long, value_name = "DPI")]
    pub png: Option<f32>,
    /// Week number: picks the tactic of the loudspeaker scripts (out/loa/).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub week: u32,
    /// Draw crop marks outside the bleed.
    #[arg(long)]
    pub marks: bool,
    /// Bleed in millimetres [default: campaign.toml's print.bleed_mm, or 3].
    #[arg(long, value_name = "MM")]
    pub bleed: Option<f64>,
    /// Write PDF/A (only `a-2b`).
    #[arg(long, value_name = "STANDARD", value_parser = ["a-2b"])]
    pub pdf_standard: Option<String>,
    /// Skip the print-shop package (combined PDFs, 2-up sheets, print order).
    #[arg(long)]
    pub no_package: bool,
    /// Extra font folder (repeatable); system fonts are never used otherwise.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
    /// Print checks on every document: `strict` fails a file that breaks a
    /// rule (split or glued number, text in the margin or across a fold,
    /// type too small), `warn` only warns (for a designer at work), `off`
    /// skips them [default: warn while the built-in layouts are being fixed].
    #[arg(long, value_name = "MODE")]
    pub preflight: Option<crate::preflight::Mode>,
}

/// `canhbao check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The campaign folder (holds campaign.toml).
    pub campaign: PathBuf,
    /// Where to write the contact sheet PNG [default: <campaign>/out/contact-sheet.png].
    #[arg(long, value_name = "FILE")]
    pub contact_sheet: Option<PathBuf>,
    /// Do not render the contact sheet (data checks only).
    #[arg(long)]
    pub no_contact_sheet: bool,
}

/// Parses `K/N` with 1 ≤ K ≤ N.
fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s.split_once('/').ok_or("write the shard as K/N, e.g. 2/3")?;
    let k: usize = k.trim().parse().map_err(|_| format!("`{k}` is not a number"))?;
    let n: usize = n.trim().parse().map_err(|_| format!("`{n}` is not a number"))?;
    if k == 0 || n == 0 || k > n {
        return Err(format!("shard {k}/{n} is out of range (need 1 ≤ K ≤ N)"));
    }
    Ok((k, n))
}
