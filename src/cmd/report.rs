//! `canhbao report`: the 6-month or annual report from the filled
//! tracking workbook (issue 27; the work is in `canhbao::report()`).

use crate::cli::ReportArgs;
use canhbao::report::figures::{num, share};

use super::Outcome;

/// Reads the workbook, writes the report, prints the totals and where the
/// files went.
pub fn run(args: ReportArgs) -> Outcome {
    match canhbao::report(&args.campaign, &args.period, args.out.as_deref()) {
        Ok(done) => {
            let t = &done.totals;
            println!("Báo cáo {}:", args.period.words());
            if done.communes.len() > 1 {
                for (name, f) in &done.communes {
                    let c = f.totals();
                    println!(
                        "  {name}: {} / {} hộ đã nhận ({}%), {} tờ rơi",
                        num(c.reached),
                        num(c.reported_households),
                        c.share(),
                        num(c.leaflets)
                    );
                }
            }
            println!(
                "  {} thôn ({} đã báo cáo), {} / {} hộ đã nhận tài liệu ({}%, trên các thôn đã báo cáo)",
                num(t.villages),
                num(t.reported),
                num(t.reached),
                num(t.reported_households),
                share(t.reached, t.reported_households)
            );
            // Posters or cards nobody counted are "no figure", not 0.
            let given = |yes: bool, n: u64, what: &str| {
                if yes {
                    format!("{} {what}", num(n))
                } else {
                    format!("{what}: chưa có số liệu")
                }
            };
            println!(
                "  {} tờ rơi, {}, {} đã phát; {} buổi phát loa",
                num(t.leaflets),
                given(t.posters_given, t.posters, "áp phích"),
                given(t.cards_given, t.cards, "thẻ"),
                num(t.broadcasts)
            );
            for f in &done.files {
                println!("{}", f.display());
            }
            Outcome::Done
        }
        Err(e) => super::report(&e),
    }
}
