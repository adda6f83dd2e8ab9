//! The library is the API: `check` and `build` called as functions, no
//! binary, as the web page and a province run call them.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use canhbao::BuildOptions;

use crate::util::{example_copy, pdf_text, repo};

#[test]
fn check_and_build_run_through_the_library() {
    let example = repo().join("examples/tien-trang");
    let project = canhbao::check(&example, &BuildOptions::default()).expect("the example is valid");
    assert_eq!(project.campaign.villages.len(), 31);

    // Bad input comes back as issues with their place, not as a message.
    let bad = example_copy();
    std::fs::write(bad.path().join("campaign.toml"), "locale = \"vi\"\nlayouts = [\n").unwrap();
    let issues = canhbao::check(bad.path(), &BuildOptions::default()).err().expect("refused");
    assert!(issues.to_string().contains("campaign.toml:"), "{issues}");

    let out = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        out: Some(out.path().join("o")),
        layouts: vec!["leaflet-a5".into()],
        villages: vec!["Đông Hải".into()],
        ..BuildOptions::default()
    };
    /// Counts the documents it hears of, and checks the plan.
    struct Count(AtomicUsize, AtomicBool);
    impl canhbao::Reporter for Count {
        fn planned(&self, n: usize) {
            assert_eq!(n, 1);
        }
        fn document_done(&self, _: &canhbao::plan::Job, _: &canhbao::batch::Outcome) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
        fn stop(&self) -> &AtomicBool {
            &self.1
        }
    }
    let count = Count(AtomicUsize::new(0), AtomicBool::new(false));
    let built = canhbao::build(&example, &opts, &count).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((built.report.written, built.report.failed.len(), built.jobs), (1, 0, 1));
    assert_eq!(count.0.into_inner(), 1);
    let pdf = out.path().join("o/leaflet-a5/thon-dong-hai.pdf");
    assert!(pdf_text(&pdf).contains("Đông Hải"), "{}", pdf.display());
}
