//! Campaign-specific material: a logo, and the campaign's own layouts.

use std::fs;

use crate::util::*;

#[test]
fn logo_is_printed_and_a_low_resolution_one_is_flagged() {
    // logo.png: 120 × 60 pixels.
    let dir = fixture("logo-low-res");
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(dir.path())
        .args(["--village", "Đông Hải", "--layout", "poster-a3", "--no-package", "--out"])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    // 120 px over 50 mm is 61 dpi.
    assert!(err.contains("logo.png") && err.contains("61 dpi"), "{err}");
    let doc = lopdf::Document::load(out.join("poster-a3/thon-dong-hai.pdf")).unwrap();
    let images = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").ok().and_then(|t| t.as_name().ok()) == Some(b"Image"))
        .count();
    assert!(images >= 1, "the logo is not in the poster");
}

#[test]
fn own_layouts_folder_is_used_and_its_errors_point_at_the_line() {
    // mau/the.typ reuses the built-in kit.typ; it prints the village and
    // the officer.
    let dir = fixture("own-layouts");
    let mine = dir.path().join("mau");
    let out = dir.path().join("out");
    let build = || {
        run(canhbao()
            .arg("build")
            .arg(dir.path())
            .args(["--village", "Đông Hải", "--no-package", "--out"])
            .arg(&out))
    };
    let (code, _, err) = build();
    assert_eq!(code, 0, "{err}");
    let text = pdf_text(&out.join("the-xa/thon-dong-hai.pdf"));
    assert!(text.contains("Thôn Đông Hải — Lê Văn Bình"), "{text}");

    // A mistake in the layout is shown like the typst CLI shows it.
    fs::write(mine.join("the.typ"), "#let x = 1\n#x.nothing(\n").unwrap();
    let (code, _, err) = build();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the.typ:2:10") && err.contains("┌─") && err.contains('^'), "{err}");
    assert!(err.contains("unclosed delimiter"), "{err}");
    assert!(err.contains("the.typ"), "{err}");
}
