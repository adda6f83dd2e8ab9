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
}

/// `canhbao build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The campaign folder (holds campaign.toml).
    pub campaign: PathBuf,
    /// Output folder [default: <campaign>/out].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Build only this layout (repeatable) [default: campaign.toml's `layouts`].
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
    /// Skip the print-shop package (combined PDFs, 2-up sheets, print order).
    #[arg(long)]
    pub no_package: bool,
    /// Extra font folder (repeatable); system fonts are never used otherwise.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
}

/// `canhbao check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The campaign folder (holds campaign.toml).
    pub campaign: PathBuf,
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
