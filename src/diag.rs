//! One problem type for everything a user can get wrong in their input.
//!
//! Loading and validation collect *every* problem before giving up, so an
//! officer fixes the spreadsheet once instead of once per error. Each problem
//! names the file, the line (and column or field) and what to do next.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in the user's input, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The file the problem is in, as the user named it.
    pub file: PathBuf,
    /// 1-based line (CSV row, TOML line), if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub column: Option<usize>,
    /// The field or column header concerned, if any.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// Warnings do not stop a build; errors do.
    pub warning: bool,
}

impl Issue {
    /// An error in `file`.
    pub fn error(file: &Path, message: impl Into<String>) -> Self {
        Issue {
            file: file.to_path_buf(),
            line: None,
            column: None,
            field: None,
            message: message.into(),
            hint: None,
            warning: false,
        }
    }

    /// A warning in `file`.
    pub fn warning(file: &Path, message: impl Into<String>) -> Self {
        Issue { warning: true, ..Issue::error(file, message) }
    }

    /// Sets the line.
    pub fn line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the column.
    pub fn column(mut self, column: usize) -> Self {
        self.column = Some(column);
        self
    }

    /// Sets the field (column header or TOML key).
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Sets the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Issue {
    /// Every part may quote user data: control and format characters are
    /// written out (`<U+001B>`), never sent raw to the terminal.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        use crate::text::visible;
        write!(f, "{}", visible(&self.file.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        let kind = if self.warning { "cảnh báo" } else { "lỗi" };
        write!(f, ": {kind}: ")?;
        if let Some(field) = &self.field {
            write!(f, "[{}] ", visible(field))?;
        }
        write!(f, "{}", visible(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  gợi ý: {}", visible(hint))?;
        }
        Ok(())
    }
}

/// An I/O error in plain Vietnamese: the system's own message is English
/// ("No such file or directory (os error 2)"), and every message a user sees
/// is Vietnamese.
pub fn io_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "không tìm thấy",
        K::PermissionDenied => "không có quyền đọc hoặc ghi",
        K::AlreadyExists => "đã có tệp trùng tên",
        K::IsADirectory => "đây là thư mục, không phải tệp",
        K::NotADirectory => "một phần của đường dẫn không phải thư mục",
        K::DirectoryNotEmpty => "thư mục không trống",
        K::StorageFull => "ổ đĩa đã đầy",
        K::ReadOnlyFilesystem => "ổ đĩa chỉ cho đọc",
        K::InvalidData => "nội dung tệp không đọc được",
        K::InvalidFilename => "tên tệp không hợp lệ",
        K::OutOfMemory => "không đủ bộ nhớ",
        K::Interrupted | K::TimedOut | K::WouldBlock => "bị gián đoạn, hãy chạy lại",
        K::AddrInUse => "cổng đang được một chương trình khác dùng",
        K::AddrNotAvailable => "địa chỉ không dùng được trên máy này",
        _ => "lỗi hệ thống",
    };
    match e.raw_os_error() {
        Some(code) => format!("{what}, mã lỗi {code}"),
        None => what.to_string(),
    }
}

/// A failure that is not a mistake in the user's input: a folder that
/// cannot be made, a disk that is full, a QR code that cannot be encoded.
/// Each says in Vietnamese what was being done and to which file.
#[derive(Debug)]
pub enum Fault {
    /// Reading or writing `path` failed while doing `what` ("không ghi
    /// được tệp"); the system's reason is said in Vietnamese ([`io_error`]).
    Io {
        /// What was being done, as the start of the sentence.
        what: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The system's error.
        error: std::io::Error,
    },
    /// A document could not be laid out or exported.
    Render(Failure),
    /// Any other failure, said in Vietnamese.
    Other(String),
}

impl Fault {
    /// A failed read or write of `path` while doing `what`.
    pub fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Fault {
        let path = path.to_path_buf();
        move |error| Fault::Io { what, path, error }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Fault::Io { what, path, error } => {
                write!(f, "{what} “{}” ({})", path.display(), io_error(error))
            }
            Fault::Render(failure) => write!(f, "{failure}"),
            Fault::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Fault {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Fault::Io { error, .. } => Some(error),
            Fault::Render(_) | Fault::Other(_) => None,
        }
    }
}

impl From<Failure> for Fault {
    fn from(failure: Failure) -> Fault {
        Fault::Render(failure)
    }
}

impl From<String> for Fault {
    fn from(message: String) -> Fault {
        Fault::Other(message)
    }
}

/// For the stages that still pass a message on (the package step).
impl From<Fault> for String {
    fn from(fault: Fault) -> String {
        fault.to_string()
    }
}

/// Why a job produced no file.
#[derive(Debug, Clone)]
pub enum Failure {
    /// Text did not fit its box (the field path), or too many pages.
    Overflow(String),
    /// A Typst error, formatted like the typst CLI formats it.
    Typst(String),
    /// The laid-out document broke a print rule (see `crate::preflight`).
    Preflight(String),
    /// Anything else: the job's data could not be made, a file could not be
    /// written.
    Io(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Failure::Overflow(field) => write!(f, "nội dung không vừa khung: {field}"),
            Failure::Typst(text) | Failure::Preflight(text) | Failure::Io(text) => {
                f.write_str(text.trim_end())
            }
        }
    }
}

/// Why a run (build, preview, a province) stopped.
#[derive(Debug)]
pub enum BuildError {
    /// Bad input: nothing was written.
    Input(Issues),
    /// Anything else (disk full, …), said in Vietnamese.
    Other(Fault),
}

impl BuildError {
    /// A failure that is not the input's, from a stage's fault or message.
    pub fn other(e: impl Into<Fault>) -> BuildError {
        BuildError::Other(e.into())
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            BuildError::Input(issues) => write!(f, "{issues}"),
            BuildError::Other(fault) => write!(f, "{fault}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// A list of problems that stopped the run.
#[derive(Debug, Clone, Default)]
pub struct Issues(pub Vec<Issue>);

impl Issues {
    /// True when at least one problem is an error (not only warnings).
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|i| !i.warning)
    }

    /// Only the errors.
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.0.iter().filter(|i| !i.warning)
    }

    /// Only the warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Issue> {
        self.0.iter().filter(|i| i.warning)
    }

    /// Adds one problem.
    pub fn push(&mut self, issue: Issue) {
        self.0.push(issue);
    }
}

/// Most problems said in one run: a table of 100,000 bad rows is not
/// 100,000 messages; the rest are counted ("và 99.950 lỗi khác").
pub const MAX_SHOWN: usize = 50;

impl fmt::Display for Issues {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, issue) in self.0.iter().take(MAX_SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{issue}")?;
        }
        let rest = &self.0[self.0.len().min(MAX_SHOWN)..];
        if !rest.is_empty() {
            let warnings = rest.iter().filter(|i| i.warning).count();
            let errors = rest.len() - warnings;
            let what = match (errors, warnings) {
                (e, 0) => format!("{} lỗi", thousands(e as u64)),
                (0, w) => format!("{} cảnh báo", thousands(w as u64)),
                (e, w) => {
                    format!("{} lỗi và {} cảnh báo", thousands(e as u64), thousands(w as u64))
                }
            };
            write!(
                f,
                "\n… và {what} khác (chưa in ra); sửa các lỗi trên rồi chạy lại để xem tiếp"
            )?;
        }
        Ok(())
    }
}

/// A count with Vietnamese thousands dots: 99950 → `99.950` (also the
/// report's figures).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

impl std::error::Error for Issues {}

/// Translates serde's and the TOML parser's messages for an officer: their
/// English never reaches the user. What the parser expected is said in
/// Vietnamese when it is one of the usual slips; any other syntax error is
/// said as such, its place given by the line, column and quoted text.
pub fn toml_message(msg: &str, file: &str) -> String {
    let msg = msg.trim();
    let quoted = |rest: &str| rest.split('`').next().unwrap_or(rest).to_string();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        return format!("khóa “{}” không có trong {file}", quoted(rest));
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        return format!("thiếu khóa bắt buộc “{}”", quoted(rest));
    }
    if let Some(rest) = msg.strip_prefix("duplicate key") {
        let key = rest.trim().strip_prefix('`').map(quoted);
        return match key {
            Some(k) => format!("khóa “{k}” được ghi hai lần"),
            None => "khóa này được ghi hai lần; xóa một dòng".into(),
        };
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("giá trị là {}, nhưng ở đây cần {}", kind_vi(found), kind_vi(expected));
    }
    if msg.starts_with("invalid value") {
        return "giá trị không hợp lệ ở chỗ này".into();
    }
    if msg.starts_with("recursion limit") {
        return format!("{file} lồng bảng hay danh sách quá sâu");
    }
    for (english, vi) in [
        ("escaped value", BACKSLASH),
        ("unicode value digits", BACKSLASH),
        ("keys cannot be empty", "thiếu tên khóa trước dấu ="),
        ("unclosed", "mở ngoặc mà chưa đóng"),
        ("missing comma", "thiếu dấu phẩy giữa hai giá trị"),
        ("extra comma", "thừa dấu phẩy"),
        ("missing assignment", "thiếu dấu = giữa khóa và giá trị"),
        ("key with no value", "khóa chưa có giá trị (thiếu = \"…\")"),
        ("missing value", "thiếu giá trị sau dấu ="),
        ("invalid key", "tên khóa viết sai"),
        ("unquoted string", "chữ phải đặt trong ngoặc kép \"…\""),
        ("string values must be quoted", "chữ phải đặt trong ngoặc kép \"…\""),
        ("unexpected content", "có nội dung thừa sau giá trị"),
        ("string", "chuỗi chữ viết sai: thiếu hoặc thừa dấu ngoặc kép"),
    ] {
        if msg.contains(english) {
            return format!("{file} viết sai cú pháp TOML: {vi}");
        }
    }
    format!("{file} viết sai cú pháp TOML ở chỗ này")
}

/// A `\` in a `"…"` string starts an escape such as `\n`.
const BACKSLASH: &str = "dấu \\ trong chuỗi \"…\" bắt đầu một mã đặc biệt; đường dẫn Windows viết bằng / (du-lieu/villages.csv) hoặc trong ngoặc đơn ('du-lieu\\villages.csv')";

/// serde's name of a value's kind (`integer `5``, `a string`) in Vietnamese.
fn kind_vi(kind: &str) -> String {
    let kind = kind.trim();
    let value = kind.split_once(' ').map(|(_, v)| v.trim_matches(['`', '"'])).unwrap_or("");
    let with = |what: &str| {
        if value.is_empty() || value.chars().count() > 40 {
            what.to_string()
        } else if what == "chữ" {
            format!("chữ “{value}”")
        } else {
            format!("{what} {value}")
        }
    };
    match kind.split(' ').next().unwrap_or("") {
        "integer" => with("số nguyên"),
        "floating" => with("số thập phân").replace("point ", ""),
        "string" => with("chữ"),
        "boolean" => with("giá trị đúng/sai"),
        "sequence" => "một danh sách [ … ]".into(),
        "map" => "một bảng".into(),
        "a" | "an" => match kind.rsplit(' ').next().unwrap_or("") {
            "string" => "chữ trong ngoặc kép \"…\"".into(),
            "boolean" => "true hoặc false".into(),
            "sequence" => "một danh sách [ … ]".into(),
            "integer" => "một số nguyên".into(),
            "float" | "number" => "một số".into(),
            "map" => "một bảng".into(),
            "datetime" | "date" => "một ngày viết năm-tháng-ngày".into(),
            _ => "một giá trị khác".into(),
        },
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" => {
            "một số nguyên".into()
        }
        "f32" | "f64" => "một số".into(),
        "struct" => "một bảng".into(),
        _ => "một giá trị khác".into(),
    }
}

/// Turns a byte offset into 1-based (line, column), counting characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_vietnamese() {
        let e = std::fs::read("/không/có/tệp/này").unwrap_err();
        assert_eq!(io_error(&e), "không tìm thấy, mã lỗi 2");
    }

    #[test]
    fn a_fault_names_the_file_and_the_reason_in_vietnamese() {
        let e = std::fs::read("/không/có/tệp/này").unwrap_err();
        let fault =
            Fault::io("không đọc được tệp", Path::new("/không/có/tệp/này"))(e);
        assert_eq!(
            fault.to_string(),
            "không đọc được tệp “/không/có/tệp/này” (không tìm thấy, mã lỗi 2)"
        );
    }

    #[test]
    fn toml_messages_are_vietnamese() {
        for (text, want) in [
            ("v = \"a\\villages.csv\"", "ngoặc đơn"),
            ("v = \"abc", "ngoặc kép"),
            ("v = abc", "ngoặc kép"),
            ("[a\nb=1", "chưa đóng"),
            ("= 1", "thiếu tên khóa"),
        ] {
            let e = toml::from_str::<toml::Table>(text).unwrap_err();
            let said = toml_message(e.message(), "campaign.toml");
            assert!(said.contains(want) && said.is_char_boundary(0), "{text:?}: {said}");
            assert!(!said.contains("expected"), "{text:?}: {said}");
        }
        let said = toml_message("invalid type: string \"ba\", expected f64", "campaign.toml");
        assert_eq!(said, "giá trị là chữ “ba”, nhưng ở đây cần một số");
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a = 1\nxã = \"ô\"\n";
        assert_eq!(line_col(text, 0), (1, 1));
        let at = text.find('=').unwrap();
        assert_eq!(line_col(text, at), (1, 3));
        let at = text.rfind('=').unwrap();
        assert_eq!(line_col(text, at), (2, 4));
    }

    #[test]
    fn display_names_file_line_and_hint() {
        let issue = Issue::error(Path::new("villages.csv"), "số điện thoại sai")
            .line(7)
            .field("officer_phone")
            .hint("viết 10 chữ số");
        assert_eq!(
            issue.to_string(),
            "villages.csv:7: lỗi: [officer_phone] số điện thoại sai\n  gợi ý: viết 10 chữ số"
        );
    }
}
