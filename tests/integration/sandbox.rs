//! User data is data: it never becomes Typst code, and the world stays closed.

use std::fs;

use crate::util::*;

#[test]
fn typst_syntax_in_a_village_name_prints_literally() {
    let dir = example_copy();
    let csv = "name,kind,officer,officer_phone,households\n\
               \"#panic(\"\"x\"\") ] $ \"\"\",thôn,\"Lê #strong[A]\",0912345678,10\n";
    fs::write(dir.path().join("villages.csv"), csv).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).arg("--out").arg(&out));
    assert_eq!(code, 0, "{err}");
    let pdfs = files(&out.join("leaflet-a5"), "pdf");
    assert_eq!(pdfs.len(), 1);
    let text = pdf_text(&pdfs[0]);
    assert!(text.contains("#panic(\"x\") ] $ \""), "{text}");
    assert!(text.contains("Lê #strong[A]"), "{text}");
}

#[test]
fn logo_outside_the_campaign_is_refused() {
    let dir = fixture("logo-outside");
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()).arg("--out").arg(&out));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("campaign.toml:") && err.contains("ngoài thư mục chiến dịch"), "{err}");
    assert!(!out.exists(), "nothing may be written");
}

#[test]
fn packages_and_outside_paths_are_refused_by_the_world() {
    use canhbao::world::{Base, LayoutSource};
    let layouts = tempfile::tempdir().unwrap();
    let campaign = tempfile::tempdir().unwrap();
    fs::write(campaign.path().join("inside.txt"), "ok").unwrap();
    let cases = [
        ("pkg.typ", "#import \"@preview/cetz:0.3.0\": *\nx", "gói"),
        ("abs.typ", "#read(\"/etc/passwd\")", "không được đọc"),
        ("up.typ", "#read(\"../../../etc/passwd\")", "would escape the project root"),
        ("ok.typ", "#read(\"/campaign/inside.txt\")", "OK"),
    ];
    for (name, src, _) in &cases {
        fs::write(layouts.path().join(name), src).unwrap();
    }
    let base =
        Base::new(LayoutSource::Dir(layouts.path().into()), Some(campaign.path()), &[], None)
            .unwrap();
    for (name, _, want) in cases {
        let world = base.job(name, b"{}".to_vec());
        let result = canhbao::render::compile(&world, 1);
        match (want, result) {
            ("OK", Ok(_)) => {}
            ("OK", Err(e)) => panic!("{name}: a campaign file must be readable: {e}"),
            (_, Ok(_)) => panic!("{name}: must be refused"),
            (want, Err(e)) => {
                let msg = e.to_string();
                assert!(msg.contains(want), "{name}: {msg}");
            }
        }
    }
}
