//! Rules 2 and 3 (safe margin, folds, cuts): where a run's glyphs are.

use typst::layout::{Abs, Point, Transform};

use super::{Expect, MM, Problem, Run, excerpt, mm};
use crate::layouts::Cut;

/// A glyph-level box in page coordinates: (left, top, right, bottom).
pub(super) type Rect = [f64; 4];

/// The box of `local` (left, top, right, bottom in the run's frame) on the page.
pub(super) fn on_page(ts: Transform, local: Rect) -> Rect {
    let corners =
        [(local[0], local[1]), (local[2], local[1]), (local[0], local[3]), (local[2], local[3])];
    let mut r = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for (x, y) in corners {
        let p = Point::new(Abs::pt(x), Abs::pt(y)).transform(ts);
        let (x, y) = (p.x.to_pt(), p.y.to_pt());
        r = [r[0].min(x), r[1].min(y), r[2].max(x), r[3].max(y)];
    }
    r
}

/// A coarse box of the run: its advances, widened by the font's global box.
pub(super) fn coarse(run: &Run) -> Rect {
    let item = run.item;
    let font = &item.font;
    let g = font.ttf().global_bounding_box();
    let size = item.size.to_pt();
    let em = |u: i16| font.to_em(u).get() * size;
    let width = item.width().to_pt();
    on_page(run.ts, [em(g.x_min).min(0.0), -em(g.y_max), width + em(g.x_max), -em(g.y_min)])
}

/// The run's ink: the union of its glyphs' outline boxes (None: no glyph
/// with an outline, spaces only). Accents stacked above a capital count.
pub(super) fn ink(run: &Run) -> Option<Rect> {
    let item = run.item;
    let size = item.size.to_pt();
    let em = |u: i16| item.font.to_em(u).get() * size;
    let mut cursor = 0.0;
    let mut ink: Option<Rect> = None;
    for g in &item.glyphs {
        let x = cursor + g.x_offset.get() * size;
        let dy = g.y_offset.get() * size;
        cursor += g.x_advance.get() * size;
        let Some(b) = item.font.ttf().glyph_bounding_box(ttf_parser::GlyphId(g.id)) else {
            continue;
        };
        let local = [x + em(b.x_min), -dy - em(b.y_max), x + em(b.x_max), -dy - em(b.y_min)];
        let p = on_page(run.ts, local);
        ink = Some(match ink {
            None => p,
            Some(i) => [i[0].min(p[0]), i[1].min(p[1]), i[2].max(p[2]), i[3].max(p[3])],
        });
    }
    ink
}

/// The cards of a `sw` × `sh` mm sheet (left, top, right, bottom in pt):
/// `cols` × `rows` cards centred on the sheet, each with its own bleed, `gap_mm` between
/// neighbouring bleeds (the card-sheet layout's arithmetic).
pub(super) fn cells(cut: &Cut, bleed_mm: f64, (sw, sh): (f64, f64)) -> Vec<[f64; 4]> {
    let (w, h, b, g) = (cut.width_mm, cut.height_mm, bleed_mm, cut.gap_mm);
    let (px, py) = (w + 2.0 * b + g, h + 2.0 * b + g);
    let x0 = (sw - f64::from(cut.cols) * px + g) / 2.0 + b;
    let y0 = (sh - f64::from(cut.rows) * py + g) / 2.0 + b;
    let mut out = Vec::new();
    for r in 0..cut.rows {
        for c in 0..cut.cols {
            let (x, y) = (x0 + f64::from(c) * px, y0 + f64::from(r) * py);
            out.push([x * MM, y * MM, (x + w) * MM, (y + h) * MM]);
        }
    }
    out
}

/// Rules 2 and 3: margin, folds, cuts.
pub(super) fn placement(run: &Run, (w, h): (f64, f64), e: &Expect, out: &mut Vec<Problem>) {
    let c = coarse(run);
    let near_edge =
        e.safe > 0.0 && (c[0] < e.safe || c[1] < e.safe || c[2] > w - e.safe || c[3] > h - e.safe);
    let folds = e.folds.get(run.page - 1).map(Vec::as_slice).unwrap_or(&[]);
    let near_fold = folds.iter().any(|&x| c[0] < x && x < c[2]);
    let cells = if e.cells.is_empty() { None } else { Some(&e.cells) };
    let near_cut = cells.is_some_and(|cs| !cs.iter().any(|k| inside(&c, k, e.safe)));
    if !(near_edge || near_fold || near_cut) {
        return;
    }
    let field = excerpt(&run.item.text);
    let mut push = |message: String| {
        out.push(Problem { page: run.page, field: field.clone(), message, warning: false })
    };
    // A run whose ink spans a fold or a cut line is folded or cut, even
    // where the line falls between two glyphs.
    let Some(ink) = ink(run) else { return };
    let edge = ink[0].min(ink[1]).min(w - ink[2]).min(h - ink[3]);
    let fold = folds.iter().find(|&&x| ink[0] < x && x < ink[2]).copied();
    let cut = cells.is_some_and(|cs| !cs.iter().any(|k| inside(&ink, k, e.safe)));
    if near_edge && edge < e.safe {
        let d = mm(edge.max(0.0));
        push(format!("cách mép xén {d} mm, phải cách ít nhất {} mm", mm(e.safe)));
    }
    if let Some(x) = fold {
        push(format!("nằm vắt qua nếp gấp ở {} mm", mm(x)));
    }
    if cut {
        push(format!(
            "không nằm gọn trong một thẻ, cách đường cắt ít nhất {} mm (sẽ bị cắt)",
            mm(e.safe)
        ));
    }
}

/// Whether `b` lies inside `cell` shrunk by `safe`.
fn inside(b: &Rect, cell: &Rect, safe: f64) -> bool {
    b[0] >= cell[0] + safe
        && b[1] >= cell[1] + safe
        && b[2] <= cell[2] - safe
        && b[3] <= cell[3] - safe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_cells_follow_the_card_sheet_arithmetic() {
        let cut = Cut { cols: 2, rows: 4, width_mm: 85.0, height_mm: 55.0, gap_mm: 4.0 };
        let cells = cells(&cut, 3.0, (210.0, 297.0));
        assert_eq!(cells.len(), 8);
        // (210 − 2 × 95 + 4) / 2 + 3 = 15 mm.
        assert!((cells[0][0] / MM - 15.0).abs() < 1e-9);
        assert!((cells[1][0] / MM - 110.0).abs() < 1e-9);
    }
}
