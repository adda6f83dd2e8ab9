//! Command-line mistakes said in Vietnamese (clap's own messages are
//! English); `--help` and `--version` print as they are.

use super::Outcome;

/// Prints what is wrong with the command line and says how the run ends.
pub fn error(e: &clap::Error) -> Outcome {
    use clap::error::{ContextKind, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return Outcome::Done;
        }
        // `canhbao` alone: the help, which is Vietnamese.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return Outcome::BadInput;
        }
        _ => {}
    }
    let get = |k: ContextKind| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let (arg, value) = (get(ContextKind::InvalidArg), get(ContextKind::InvalidValue));
    let what = match e.kind() {
        ErrorKind::MissingSubcommand => {
            "thiếu lệnh cần làm (build, check, init, preview, layouts…)".to_string()
        }
        ErrorKind::InvalidSubcommand => {
            format!("không có lệnh “{}”", get(ContextKind::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("không có tùy chọn “{arg}”"),
        ErrorKind::MissingRequiredArgument => format!("thiếu {arg}"),
        ErrorKind::InvalidValue => format!("“{value}” không dùng được cho {arg}"),
        ErrorKind::ValueValidation => {
            // Our own parsers explain in Vietnamese; the standard ones in English.
            let why = std::error::Error::source(e)
                .map(|s| s.to_string())
                .filter(|s| !s.is_ascii())
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            // Said as `--png “0” không dùng được: …`, with where to look.
            let flag = arg.split_whitespace().next().unwrap_or(&arg);
            let verb = std::env::args().nth(1).unwrap_or_default();
            eprintln!("lỗi: {flag} “{value}” không dùng được{why}");
            eprintln!("  gợi ý: xem các giá trị dùng được bằng lệnh canhbao {verb} --help");
            return Outcome::BadInput;
        }
        // clap says a flag given twice (`--jobs 1 --jobs 2`) conflicts with itself.
        ErrorKind::ArgumentConflict => match get(ContextKind::PriorArg) {
            prior
                if prior == arg
                    || prior.split_whitespace().next() == arg.split_whitespace().next() =>
            {
                format!(
                    "{} được ghi hai lần; chỉ ghi một lần",
                    arg.split_whitespace().next().unwrap_or(&arg)
                )
            }
            prior if !prior.is_empty() => format!("không dùng {arg} cùng lúc với {prior}"),
            _ => format!("không dùng {arg} cùng lúc với tùy chọn khác"),
        },
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("thừa giá trị “{value}”")
        }
        _ => "câu lệnh không đúng".to_string(),
    };
    eprintln!("lỗi: {what}");
    for k in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg] {
        if let Some(s) = e.get(k) {
            eprintln!("  có phải ý bạn là “{s}”?");
        }
    }
    eprintln!("Xem hướng dẫn: canhbao --help");
    Outcome::BadInput
}
