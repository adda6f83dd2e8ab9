//! The card sheet's eight cards a side: canhbao lays out the first and
//! places seven copies of its frame (src/copies.rs). Every copy must be the
//! first card, word for word and to the pixel (up to the shading of edges).

use std::path::Path;

use crate::util::*;

/// Top-left trim corners of the 2 × 4 cards (mm on the A4 sheet): 85 × 55 mm
/// cards, 3 mm bleed each, 4 mm apart, centred (layouts/card-sheet.typ).
fn corners() -> Vec<(f64, f64)> {
    (0..8).map(|i| (15.0 + f64::from(i % 2) * 95.0, 23.5 + f64::from(i / 2) * 65.0)).collect()
}

/// The words inside each card's trim, each with its place relative to the
/// card's corner (0.1 mm), in reading order.
fn words_by_card(pdf: &Path, page: usize) -> Vec<Vec<(i64, i64, String)>> {
    let mut cards = vec![Vec::new(); 8];
    for ([x, y, ..], word) in word_boxes(pdf, page) {
        for (k, (cx, cy)) in corners().into_iter().enumerate() {
            if x >= cx && x < cx + 85.0 && y >= cy && y < cy + 55.0 {
                let rel = (((x - cx) * 10.0).round() as i64, ((y - cy) * 10.0).round() as i64);
                cards[k].push((rel.0, rel.1, word.clone()));
            }
        }
    }
    cards
}

#[test]
fn every_card_of_a_card_sheet_is_the_first_card_word_for_word_and_pixel_for_pixel() {
    let dir = example_copy();
    let out = dir.path().join("out");
    // 254 dpi: 10 pixels a millimetre, so every card starts on a whole pixel.
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(dir.path())
        .args(["--village", "Đông Hải", "--layout", "card-sheet", "--no-package", "--png", "254"])
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let slug = "thon-dong-hai";
    for page in 1..=2 {
        let png = out.join(format!("card-sheet/{slug}-{page}.png"));
        let img = image::open(&png).unwrap().to_rgb8();
        // The A4 sheet is 2100 × 2970 px; crop marks add a margin all round.
        let (dx, dy) = ((img.width() - 2100) / 2, (img.height() - 2970) / 2);
        // Each card with its 3 mm bleed.
        let crop = |(x, y): (f64, f64)| {
            let (px, py) = (dx + (x * 10.0) as u32 - 30, dy + (y * 10.0) as u32 - 30);
            image::imageops::crop_imm(&img, px, py, 910, 610).to_image()
        };
        let cards: Vec<_> = corners().into_iter().map(crop).collect();
        // Not a blank card: the red band and the text are there.
        let dark = cards[0].pixels().filter(|p| p.0.iter().all(|&c| c < 80)).count();
        assert!(dark > 2_000, "page {page}: the first card is blank ({dark} dark pixels)");
        // The copies sit a fraction of a pixel apart from the first card's
        // grid in the renderer's floating point, so the edges of letters
        // and shapes may take a shade more or less: a pixel differs when it
        // is off by more than an eighth of the scale (a missing, moved or
        // other letter is off by most of it).
        for (k, card) in cards.iter().enumerate().skip(1) {
            let off = |(a, b): (&image::Rgb<u8>, &image::Rgb<u8>)| {
                a.0.iter().zip(b.0).map(|(x, y)| x.abs_diff(y)).max().unwrap_or(0)
            };
            let differ = card.pixels().zip(cards[0].pixels()).filter(|&p| off(p) > 32).count();
            assert_eq!(differ, 0, "page {page}: card {} differs from card 1 in {differ} px", k + 1);
        }
        let words = words_by_card(&out.join(format!("card-sheet/{slug}.pdf")), page);
        assert!(words[0].len() >= 10, "page {page}: card 1 has {} words", words[0].len());
        for (k, w) in words.iter().enumerate().skip(1) {
            assert_eq!(w, &words[0], "page {page}: the words of card {} are not card 1's", k + 1);
        }
    }
}
