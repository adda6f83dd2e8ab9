//! `canhbao init`: a new campaign folder from the templates.

use canhbao::cli::InitArgs;

use super::Outcome;

/// Writes the templates and says what to do next.
pub fn run(args: InitArgs) -> Outcome {
    match canhbao::init::init(&args.dir, canhbao::init::today()) {
        Ok(files) => {
            for f in files {
                println!("đã tạo {}", f.display());
            }
            println!(
                "Tiếp theo: sửa campaign.toml và villages.xlsx, rồi chạy `canhbao check {}`.",
                args.dir.display()
            );
            Outcome::Done
        }
        Err(msg) => {
            eprintln!("lỗi: {msg}");
            Outcome::BadInput
        }
    }
}
