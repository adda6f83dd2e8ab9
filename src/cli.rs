//! Command-line arguments (clap derive; the `///` lines are the `--help`,
//! in Vietnamese like every message a user sees).

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

/// Vietnamese headings for `--help` (clap's own are English).
const ROOT_HELP: &str = "\
{about-with-newline}
Cách dùng: {usage}

Lệnh:
{subcommands}

Tùy chọn:
{options}{after-help}";
const VERB_HELP: &str = "\
{about-with-newline}
Cách dùng: {usage}

Tham số:
{positionals}

Tùy chọn:
{options}{after-help}";
const PLAIN_HELP: &str = "\
{about-with-newline}
Cách dùng: {usage}

Tùy chọn:
{options}{after-help}";

/// canhbao — in tờ rơi, áp phích, thẻ cảnh báo lừa đảo cho từng thôn.
///
/// Từ dữ liệu của xã (campaign.toml và danh sách thôn villages.csv/xlsx),
/// tạo tệp in sẵn sàng gửi nhà in, mỗi thôn một tệp.
#[derive(Debug, Parser)]
#[command(
    name = "canhbao",
    version,
    help_template = ROOT_HELP,
    override_usage = "canhbao <LỆNH> [TÙY_CHỌN]",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_value_name = "LỆNH"
)]
pub struct Cli {
    /// Việc cần làm.
    #[command(subcommand)]
    pub command: Command,
    /// Xem hướng dẫn này.
    #[arg(short, long, action = ArgAction::Help, global = true)]
    pub help: Option<bool>,
    /// Xem số phiên bản.
    #[arg(short = 'V', long, action = ArgAction::Version)]
    pub version: Option<bool>,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Tạo tệp in cho mọi thôn của chiến dịch.
    ///
    /// Ví dụ: canhbao build examples/tien-trang --out out
    #[command(help_template = VERB_HELP, disable_help_flag = true,
        override_usage = "canhbao build [TÙY_CHỌN] <THƯ_MỤC>")]
    Build(BuildArgs),
    /// Kiểm tra dữ liệu và ghi bản kiểm tra (check).
    ///
    /// Đọc campaign.toml và bảng thôn, in ra bảng các thôn (cán bộ phụ trách,
    /// số điện thoại, số bản in). Khi dữ liệu hợp lệ, ghi đúng một tệp: bản
    /// kiểm tra out/kiem-tra.pdf. Mỗi thôn có tên, cán bộ phụ trách, số điện
    /// thoại, mặt trước tờ in và phần có số điện thoại phóng to; thôn có lỗi
    /// được khoanh đỏ, ghi rõ lý do. Không ghi tệp nào khác; với --no-proof
    /// thì không ghi gì cả.
    ///
    /// Với thư mục chiến dịch cấp tỉnh (campaign.toml có khóa communes): kiểm
    /// tra từng xã, phường, in mỗi xã một dòng và ghi bản kiểm tra của mỗi xã
    /// hợp lệ vào out/<tỉnh>/<xã>/kiem-tra.pdf (thư mục mà lệnh build ghi xã
    /// đó); --proof là một thư mục, mỗi xã một tệp <xã>.pdf. Xã có lỗi dữ liệu
    /// không có bản kiểm tra (mã thoát 2), các xã khác vẫn có.
    ///
    /// Ví dụ: canhbao check examples/tien-trang
    ///        canhbao check examples/tinh-thanh-hoa
    #[command(help_template = VERB_HELP, disable_help_flag = true,
        override_usage = "canhbao check [TÙY_CHỌN] <THƯ_MỤC>")]
    Check(CheckArgs),
    /// Liệt kê các mẫu có sẵn.
    ///
    /// Ví dụ: canhbao layouts
    #[command(help_template = PLAIN_HELP, disable_help_flag = true,
        override_usage = "canhbao layouts")]
    Layouts,
    /// Tạo thư mục chiến dịch mới để điền.
    ///
    /// Ví dụ: canhbao init xa-tien-trang
    #[command(help_template = VERB_HELP, disable_help_flag = true,
        override_usage = "canhbao init <THƯ_MỤC>")]
    Init(InitArgs),
    /// Xem trước một tài liệu của một thôn (ảnh PNG từng trang).
    ///
    /// Ví dụ: canhbao preview examples/tien-trang --village "Đông Hải" --layout poster-a4
    #[command(help_template = VERB_HELP, disable_help_flag = true,
        override_usage = "canhbao preview [TÙY_CHỌN] <THƯ_MỤC>")]
    Preview(PreviewArgs),
    /// Mở trang làm việc của chiến dịch trong trình duyệt trên máy này.
    ///
    /// Ví dụ: canhbao serve examples/tien-trang
    #[command(help_template = VERB_HELP, disable_help_flag = true,
        override_usage = "canhbao serve [TÙY_CHỌN] [THƯ_MỤC]")]
    Serve(ServeArgs),
    /// Lập báo cáo kết quả 6 tháng hoặc cả năm từ sổ theo dõi đã điền.
    ///
    /// Đọc sổ theo-doi.xlsx (hoặc theo-doi.csv) trong thư mục chiến dịch mà
    /// lệnh build đã tạo và các thôn đã điền; từ chối số liệu không thể có
    /// (phát nhiều hơn số đã in, số hộ đã nhận nhiều hơn số hộ của thôn, ngày
    /// nằm ngoài kỳ báo cáo), nêu rõ ô sai. Ghi báo cáo theo thể thức Nghị
    /// định 30/2020/NĐ-CP: out/bao-cao/bao-cao-<KỲ>.docx (sửa được trong
    /// Word) và bản PDF giống hệt. Với thư mục cấp tỉnh: cộng sổ của từng xã
    /// (theo-doi/<xã>.xlsx), mỗi xã một dòng.
    ///
    /// Ví dụ: canhbao report examples/tien-trang --period 2026-H1
    ///        canhbao report examples/tien-trang --period 2026
    // Issue 27 (src/report/, src/cmd/report.rs).
    #[command(help_template = VERB_HELP, disable_help_flag = true,
        override_usage = "canhbao report --period <KỲ> <THƯ_MỤC>")]
    Report(ReportArgs),
    /// In mã tự hoàn thành lệnh cho shell (bash, zsh, fish, powershell).
    ///
    /// Ví dụ: canhbao completions bash > /etc/bash_completion.d/canhbao
    #[command(help_template = VERB_HELP, disable_help_flag = true,
        override_usage = "canhbao completions <SHELL>")]
    Completions(CompletionsArgs),
}

/// `canhbao init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Thư mục cần tạo (chưa có chiến dịch nào).
    #[arg(value_name = "THƯ_MỤC")]
    pub dir: PathBuf,
    /// Tạo chiến dịch cấp tỉnh: bảng xã điền sẵn mọi xã, phường của tỉnh
    /// theo danh sách chính thức (số trực ban để trống cho từng xã điền).
    #[arg(long, value_name = "TỈNH")]
    pub province: Option<String>,
}

/// `canhbao preview`.
#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// Thư mục chiến dịch (có tệp campaign.toml).
    #[arg(value_name = "THƯ_MỤC")]
    pub campaign: PathBuf,
    /// Tên thôn, ghi như trong danh sách [mặc định: thôn đầu tiên].
    #[arg(long, value_name = "TÊN")]
    pub village: Option<String>,
    /// Mẫu cần xem [mặc định: mẫu đầu tiên trong campaign.toml].
    #[arg(long, short = 'l', value_name = "MẪU")]
    pub layout: Option<String>,
    /// Độ phân giải, điểm ảnh mỗi inch (36–600) [mặc định: 100].
    #[arg(long, default_value_t = 100.0, hide_default_value = true, value_name = "DPI",
        value_parser = parse_dpi, allow_negative_numbers = true)]
    pub dpi: f32,
    /// Thư mục ghi ảnh [mặc định: <thư mục chiến dịch>/out/preview].
    #[arg(long, short, value_name = "THƯ_MỤC")]
    pub out: Option<PathBuf>,
    /// Kiểm tra bản in trên từng tệp: `strict` bỏ tệp vi phạm (số bị tách
    /// hoặc dính chữ, chữ sát lề xén hoặc vắt qua nếp gấp, chữ quá nhỏ,
    /// khoảng trống chỗ bỏ mất khối, thiếu khối mà các thôn khác đều có),
    /// `warn` chỉ cảnh báo (cho người thiết kế đang sửa mẫu), `off` bỏ qua
    /// [mặc định: strict].
    #[arg(long, value_name = "CHẾ_ĐỘ")]
    pub preflight: Option<canhbao::preflight::Mode>,
}

/// `canhbao serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Thư mục chiến dịch (tạo mới nếu chưa có; trang sẽ mời lập chiến dịch)
    /// [mặc định: thư mục đang đứng].
    #[arg(default_value = ".", hide_default_value = true, value_name = "THƯ_MỤC")]
    pub dir: PathBuf,
    /// Cổng trên 127.0.0.1 [mặc định: cổng trống bất kỳ].
    #[arg(long, default_value_t = 0, hide_default_value = true, value_name = "CỔNG")]
    pub port: u16,
    /// Không mở trình duyệt (chỉ in địa chỉ).
    #[arg(long)]
    pub no_open: bool,
}

/// `canhbao report` (issue 27).
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Thư mục chiến dịch (có campaign.toml và sổ theo-doi.xlsx đã điền).
    #[arg(value_name = "THƯ_MỤC")]
    pub campaign: PathBuf,
    /// Kỳ báo cáo: năm (2026), 6 tháng đầu năm (2026-H1) hoặc 6 tháng cuối
    /// năm (2026-H2).
    #[arg(long, value_name = "KỲ", value_parser = parse_period)]
    pub period: canhbao::report::Period,
    /// Thư mục ghi báo cáo [mặc định: <thư mục chiến dịch>/out].
    #[arg(long, short, value_name = "THƯ_MỤC")]
    pub out: Option<PathBuf>,
}

/// A report's period (`2026`, `2026-H1`, `2026-H2`).
fn parse_period(s: &str) -> Result<canhbao::report::Period, String> {
    s.parse()
}

/// `canhbao completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Tên shell: bash, elvish, fish, powershell hoặc zsh.
    #[arg(value_name = "SHELL", hide_possible_values = true)]
    pub shell: clap_complete::Shell,
}

/// `canhbao build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Thư mục chiến dịch (có tệp campaign.toml).
    #[arg(value_name = "THƯ_MỤC")]
    pub campaign: PathBuf,
    /// Thư mục ghi tệp [mặc định: <thư mục chiến dịch>/out].
    #[arg(long, short, value_name = "THƯ_MỤC")]
    pub out: Option<PathBuf>,
    /// Chỉ tạo mẫu này (ghi nhiều lần được; khi đó không viết bài phát thanh)
    /// [mặc định: các mẫu trong campaign.toml].
    #[arg(long = "layout", short = 'l', value_name = "MẪU")]
    pub layouts: Vec<String>,
    /// Chỉ tạo cho thôn này (ghi nhiều lần được), ghi tên như trong danh sách.
    #[arg(long = "village", value_name = "TÊN")]
    pub villages: Vec<String>,
    /// Chỉ tạo phần thứ K trong N phần chia đều các thôn, ví dụ 2/3.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Số việc chạy song song, 1–256 [mặc định: số nhân CPU].
    #[arg(long, short, value_name = "N", value_parser = parse_jobs, allow_negative_numbers = true)]
    pub jobs: Option<usize>,
    /// Tạo lại mọi tệp, kể cả tệp không có gì thay đổi.
    #[arg(long)]
    pub force: bool,
    /// Cho ghi vào thư mục --out đã có tệp khác (không phải thư mục kết quả
    /// của canhbao); tệp trùng tên sẽ bị thay.
    #[arg(long)]
    pub allow_nonempty_out: bool,
    /// Ghi thêm dữ liệu JSON của từng tệp bên cạnh tệp PDF (cho `typst watch`).
    #[arg(long)]
    pub emit_data: bool,
    /// Ghi thêm ảnh PNG từng trang ở độ phân giải này (điểm ảnh mỗi inch, 36–600).
    #[arg(long, value_name = "DPI", value_parser = parse_dpi, allow_negative_numbers = true)]
    pub png: Option<f32>,
    /// Số tuần, 1–53: chọn chiêu lừa đọc trong bài phát thanh (out/loa/)
    /// [mặc định: 1].
    #[arg(long, default_value_t = 1, hide_default_value = true, value_name = "N",
        value_parser = parse_week, allow_negative_numbers = true)]
    pub week: u32,
    /// In dấu cắt ở góc, ngoài lề xén.
    #[arg(long)]
    pub marks: bool,
    /// Lề xén, tính bằng mm, 0–10 [mặc định: print.bleed_mm trong campaign.toml, hoặc 3].
    #[arg(long, value_name = "MM", value_parser = parse_bleed, allow_negative_numbers = true)]
    pub bleed: Option<f64>,
    /// Ghi PDF/A (chỉ nhận `a-2b`).
    #[arg(long, value_name = "CHUẨN", value_parser = ["a-2b"], hide_possible_values = true)]
    pub pdf_standard: Option<String>,
    /// Không tạo gói cho nhà in (tệp gộp, tờ ghép 2 bản, danh sách số bản in).
    #[arg(long)]
    pub no_package: bool,
    /// Thư mục phông chữ thêm (ghi nhiều lần được); không bao giờ dùng phông của máy.
    #[arg(long = "font-path", value_name = "THƯ_MỤC")]
    pub font_dirs: Vec<PathBuf>,
    /// Kiểm tra bản in trên từng tệp: `strict` bỏ tệp vi phạm (số bị tách
    /// hoặc dính chữ, chữ sát lề xén hoặc vắt qua nếp gấp, chữ quá nhỏ,
    /// khoảng trống chỗ bỏ mất khối, thiếu khối mà các thôn khác đều có),
    /// `warn` chỉ cảnh báo (cho người thiết kế đang sửa mẫu), `off` bỏ qua
    /// [mặc định: strict].
    #[arg(long, value_name = "CHẾ_ĐỘ")]
    pub preflight: Option<canhbao::preflight::Mode>,
}

/// `canhbao check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Thư mục chiến dịch (có tệp campaign.toml).
    #[arg(value_name = "THƯ_MỤC")]
    pub campaign: PathBuf,
    /// Nơi ghi bản kiểm tra PDF [mặc định: <thư mục chiến dịch>/out/kiem-tra.pdf];
    /// với chiến dịch cấp tỉnh: thư mục ghi mỗi xã một tệp <xã>.pdf [mặc định:
    /// out/<tỉnh>/<xã>/kiem-tra.pdf].
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

/// A PNG resolution (see [`canhbao::layouts::DPI_RANGE`]).
fn parse_dpi(s: &str) -> Result<f32, String> {
    in_range(s, canhbao::layouts::DPI_RANGE, " dpi")
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
    let (k, n) = s.split_once('/').ok_or("ghi phần cần tạo dạng K/N, ví dụ 2/3")?;
    let k: usize = k.trim().parse().map_err(|_| format!("“{k}” không phải là số"))?;
    let n: usize = n.trim().parse().map_err(|_| format!("“{n}” không phải là số"))?;
    if k == 0 || n == 0 || k > n {
        return Err(format!("phần {k}/{n} không hợp lệ (cần 1 ≤ K ≤ N)"));
    }
    Ok((k, n))
}
