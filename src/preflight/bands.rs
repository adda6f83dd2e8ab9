//! Rule 5 (no hole): no empty band taller than the layout's `empty_band_mm`
//! across a page, or across one panel of a folded leaflet. A block that was
//! dropped (a tactic, a warning box) or placed far from the rest leaves such
//! a band: the designer saw 29–37 mm holes on the A5 backs of a phường.
//!
//! What a reader sees is the text, the images and the drawn shapes (icons,
//! QR codes, rules); a filled shape at least [`BACKGROUND`] of the panel's
//! width is a background (a colour band, a tinted box) and fills nothing by
//! itself: the band is measured on what stands on it.

use typst::layout::{Frame, FrameItem, Point, Transform};
use typst_layout::PagedDocument;

use super::geometry::{Rect, on_page};
use super::{Expect, Problem, mm};

/// A filled shape this wide (a share of its panel's width) is a background.
const BACKGROUND: f64 = 0.8;

/// The boxes of what a page shows, in page coordinates, with whether each
/// is a wide fill (a background, when wider than [`BACKGROUND`] of its panel).
fn boxes(frame: &Frame, ts: Transform, out: &mut Vec<(Rect, bool)>) {
    for (pos, item) in frame.items() {
        let here = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(g) => boxes(&g.frame, here.pre_concat(g.transform), out),
            FrameItem::Text(t) if t.text.chars().any(|c| !c.is_whitespace()) => {
                // The line's box: ascender to descender of its size.
                let size = t.size.to_pt();
                out.push((
                    on_page(here, [0.0, -0.9 * size, t.width().to_pt(), 0.25 * size]),
                    false,
                ));
            }
            FrameItem::Shape(shape, _) => {
                let b = shape.geometry.bbox(shape.stroke.as_ref());
                let r = [b.min.x.to_pt(), b.min.y.to_pt(), b.max.x.to_pt(), b.max.y.to_pt()];
                let fill = shape.fill.is_some()
                    && !matches!(shape.geometry, typst::visualize::Geometry::Line(_));
                out.push((on_page(here, r), fill));
            }
            FrameItem::Image(_, size, _) => {
                let p = Point::new(size.x, size.y);
                out.push((on_page(here, [0.0, 0.0, p.x.to_pt(), p.y.to_pt()]), false));
            }
            _ => {}
        }
    }
}

/// The tallest empty band of one panel (`x0`..`x1`, its safe margin
/// already taken off) of a page `h` high: (height, top), in pt.
fn tallest(boxes: &[(Rect, bool)], (x0, x1): (f64, f64), h: f64) -> (f64, f64) {
    let width = x1 - x0;
    let mut spans: Vec<(f64, f64)> = boxes
        .iter()
        .filter(|(r, _)| r[0] < x1 && r[2] > x0)
        .filter(|(r, fill)| !(*fill && r[2].min(x1) - r[0].max(x0) >= BACKGROUND * width))
        .map(|(r, _)| (r[1].max(0.0), r[3].min(h)))
        .filter(|(a, b)| b > a)
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut best, mut at, mut reach) = (0.0, 0.0, 0.0);
    for (a, b) in spans.into_iter().chain([(h, h)]) {
        if a - reach > best {
            (best, at) = (a - reach, reach);
        }
        reach = f64::max(reach, b);
    }
    (best, at)
}

/// Rule 5 on every page of `doc`.
pub(super) fn check(doc: &PagedDocument, e: &Expect, out: &mut Vec<Problem>) {
    if e.band_max <= 0.0 {
        return;
    }
    for (i, page) in doc.pages().iter().enumerate() {
        let (w, h) = (page.frame.width().to_pt(), page.frame.height().to_pt());
        let mut found = Vec::new();
        boxes(&page.frame, Transform::identity(), &mut found);
        let folds = e.folds.get(i).cloned().unwrap_or_default();
        let edges: Vec<f64> = [0.0].into_iter().chain(folds).chain([w]).collect();
        for (k, pair) in edges.windows(2).enumerate() {
            let (band, top) = tallest(&found, (pair[0] + e.safe, pair[1] - e.safe), h);
            if band > e.band_max {
                let panel =
                    if edges.len() > 2 { format!("cột {}", k + 1) } else { "cả trang".into() };
                out.push(Problem {
                    page: i + 1,
                    field: panel,
                    message: format!(
                        "khoảng trống cao {} mm (từ {} mm xuống), quá {} mm: có khối bị bỏ \
                         hoặc đặt xa phần còn lại",
                        mm(band),
                        mm(top),
                        mm(e.band_max)
                    ),
                    warning: false,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::MM;
    use super::*;

    #[test]
    fn the_tallest_gap_is_found_and_backgrounds_fill_nothing() {
        let m = |v: f64| v * MM;
        let boxes = vec![
            ([m(10.0), m(5.0), m(50.0), m(20.0)], false),
            // A colour band across the page: a background.
            ([m(0.0), m(20.0), m(148.0), m(80.0)], true),
            ([m(10.0), m(60.0), m(50.0), m(200.0)], false),
        ];
        let (band, top) = tallest(&boxes, (m(10.0), m(138.0)), m(210.0));
        assert!((band / MM - 40.0).abs() < 1e-6, "{}", band / MM);
        assert!((top / MM - 20.0).abs() < 1e-6);
        // A narrow filled shape (an icon) is something to see.
        let mut with_icon = boxes.clone();
        with_icon.push(([m(10.0), m(35.0), m(20.0), m(45.0)], true));
        let (band, _) = tallest(&with_icon, (m(10.0), m(138.0)), m(210.0));
        assert!((band / MM - 15.0).abs() < 1e-6, "{}", band / MM);
    }
}
