//! QR codes as module matrices for layouts to draw natively.
//!
//! We never hand a layout an image or SVG: SVG colours become four-colour
//! black in print. A layout gets the dark modules as horizontal runs and
//! draws each as a rectangle in 100 % K.

use qrcode::{Color, EcLevel, QrCode};
use serde::Serialize;

/// A QR symbol as a layout draws it (`qr` in `layouts/DATA.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matrix {
    /// The dark modules, row by row, as `[row, column, length]` runs.
    pub runs: Vec<[usize; 3]>,
    /// The symbol's width in modules, without the quiet zone.
    pub size: usize,
}

/// Encodes `payload` (error correction M).
pub fn matrix(payload: &str) -> Result<Matrix, String> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| format!("không tạo được mã QR cho “{payload}” ({e})"))?;
    let size = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for row in 0..size {
        let mut col = 0;
        while col < size {
            if colors[row * size + col] == Color::Dark {
                let start = col;
                while col < size && colors[row * size + col] == Color::Dark {
                    col += 1;
                }
                runs.push([row, start, col - start]);
            } else {
                col += 1;
            }
        }
    }
    Ok(Matrix { runs, size })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_finder_pattern() {
        let m = matrix("tel:113").unwrap();
        assert_eq!(m.size, 21);
        // The top-left finder pattern starts with a 7-module dark run.
        assert_eq!(m.runs[0], [0, 0, 7]);
    }
}
