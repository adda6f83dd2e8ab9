//! `canhbao init`: a new campaign folder from the templates.

use crate::cli::InitArgs;

use super::Outcome;

/// Writes the templates and says what to do next.
pub fn run(args: InitArgs) -> Outcome {
    let made = match &args.province {
        Some(p) => canhbao::province::init::init(&args.dir, p, canhbao::init::today()),
        None => canhbao::init::init(&args.dir, canhbao::init::today()),
    };
    match made {
        Ok(files) => {
            for f in files {
                println!("đã tạo {}", f.display());
            }
            let what = match args.province {
                Some(_) => {
                    "điền số trực ban của từng xã trong communes.csv và thôn trong villages.csv"
                }
                None => "sửa campaign.toml và villages.xlsx",
            };
            println!("Tiếp theo: {what}, rồi chạy `canhbao check {}`.", args.dir.display());
            Outcome::Done
        }
        Err(msg) => {
            eprintln!("lỗi: {msg}");
            Outcome::BadInput
        }
    }
}
