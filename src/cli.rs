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
    /// Kiểm tra dữ liệu và ghi bản kiểm tra (check).
    ///
    /// Đọc campaign.toml và bảng thôn, in ra bảng các thôn (công an viên, số
    /// điện thoại, số bản in). Khi dữ liệu hợp lệ, ghi đúng một tệp: bản
    /// kiểm tra out/kiem-tra.pdf. Mỗi thôn có tên, công an viên, số điện thoại,
    /// mặt trước tờ in và phần có số điện thoại phóng to; thôn có lỗi được
    /// khoanh đỏ, ghi rõ lý do. Không ghi tệp nào khác; với --no-proof thì
    /// không ghi gì cả.
    ///
    /// Ví dụ: canhbao check examples/tien-trang
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
    /// Resolution in dots per inch (36–600).
    #[arg(long, default_value_t = 100.0, value_parser = parse_dpi, allow_negative_numbers = true)]
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
    /// Parallel jobs, 1–256 [default: number of cores].
    #[arg(long, short, value_parser = parse_jobs, allow_negative_numbers = true)]
    pub jobs: Option<usize>,
    /// Render every file even when nothing changed since the last build.
    #[arg(long)]
    pub force: bool,
    /// Write into an --out folder that already holds other files (not a
    /// canhbao output folder); files with the same names are replaced.
    #[arg(long)]
    pub allow_nonempty_out: bool,
    /// Also write each job's JSON data next to its PDF (for `typst watch`).
    #[arg(long)]
    pub emit_data: bool,
    /// Also write PNG pages at this resolution (dots per inch, 36–600).
    #[arg(long, value_name = "DPI", value_parser = parse_dpi, allow_negative_numbers = true)]
    pub png: Option<f32>,
    /// Week number, 1–53: picks the tactic of the loudspeaker scripts (out/loa/).
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = parse_week, allow_negative_numbers = true)]
    pub week: u32,
    /// Draw crop marks outside the bleed.
    #[arg(long)]
    pub marks: bool,
    /// Bleed in millimetres, 0–10 [default: campaign.toml's print.bleed_mm, or 3].
    #[arg(long, value_name = "MM", value_parser = parse_bleed, allow_negative_numbers = true)]
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
    /// Thư mục chiến dịch (có tệp campaign.toml).
    pub campaign: PathBuf,
    /// Nơi ghi bản kiểm tra PDF [mặc định: <thư mục chiến dịch>/out/kiem-tra.pdf].
    #[arg(long, value_name = "TỆP", alias = "contact-sheet")]
    pub proof: Option<PathBuf>,
    /// Chỉ kiểm tra dữ liệu, không ghi bản kiểm tra (không ghi tệp nào).
    #[arg(long, alias = "no-contact-sheet")]
    pub no_proof: bool,
}

/// Most parallel jobs: more lanes than this only add memory.
const MAX_JOBS: usize = 256;

/// A number of type `T` within `range`, or a Vietnamese reason. NaN and
/// infinities are never within a range.
fn in_range<T>(s: &str, range: std::ops::RangeInclusive<T>, unit: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let value: T = s.trim().parse().map_err(|_| format!("“{s}” không phải là một số"))?;
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(format!("giá trị phải từ {} đến {}{unit}", range.start(), range.end()))
    }
}

/// A PNG resolution (see [`crate::layouts::DPI_RANGE`]).
fn parse_dpi(s: &str) -> Result<f32, String> {
    in_range(s, crate::layouts::DPI_RANGE, " dpi")
}

/// A number of parallel jobs.
fn parse_jobs(s: &str) -> Result<usize, String> {
    in_range(s, 1..=MAX_JOBS, "")
}

/// A bleed in millimetres (what a print shop asks for is 2–5).
fn parse_bleed(s: &str) -> Result<f64, String> {
    in_range(s, 0.0..=10.0, " mm")
}

/// A week of the year.
fn parse_week(s: &str) -> Result<u32, String> {
    in_range(s, 1..=53, "")
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
