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
    Render(crate::render::Failure),
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

impl From<crate::render::Failure> for Fault {
    fn from(failure: crate::render::Failure) -> Fault {
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

impl fmt::Display for Issues {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, issue) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{issue}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Issues {}

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
