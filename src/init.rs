//! `canhbao init`: a new campaign folder a commune officer can fill in.

use std::path::{Path, PathBuf};

use crate::output::write_atomic;

/// The commented campaign template (comments in Vietnamese for the officer).
const CAMPAIGN_TOML: &str = r#"# Chiến dịch tuyên truyền phòng, chống lừa đảo qua mạng.
# Sửa các dòng dưới đây cho đúng với xã/phường của mình, rồi chạy:
#   canhbao check <thư-mục-này>    (kiểm tra, không tạo tệp)
#   canhbao build <thư-mục-này>    (tạo tệp PDF cho từng thôn, trong thư mục out/)
# Dòng bắt đầu bằng dấu # là ghi chú, chương trình bỏ qua.

locale = "vi"                 # ngôn ngữ in: "vi" (tiếng Việt) hoặc "en" (tiếng Anh)
layouts = ["leaflet-a5"]      # các mẫu cần in; xem danh sách: canhbao layouts
date = "{date}"          # ngày phát hành (năm-tháng-ngày)
villages = "villages.xlsx"    # danh sách thôn: tệp Excel (.xlsx) hoặc "villages.csv"
# audience = "households"     # đối tượng: households (hộ gia đình), shops (cửa hàng),
                              # schools (trường học), border (biên giới), elderly (người cao tuổi)
# logo = "logo.png"           # logo của đơn vị, đặt trong thư mục này

[commune]
name = "Tiên Trang"           # tên xã/phường, không ghi chữ "xã"
kind = "xã"                   # xã | phường | đặc khu
province = "Thanh Hóa"        # tên tỉnh, không ghi chữ "tỉnh"

[issuer]
name = "Công an xã Tiên Trang"   # đơn vị phát hành, in ở cuối tờ rơi

# Số điện thoại in trên tờ rơi. Số có hotline = true được in to nhất.
[[contacts]]
label = "Trực ban Công an xã"
phone = "0237 3868 113"       # THAY BẰNG SỐ TRỰC BAN THẬT CỦA XÃ
hotline = true

[[contacts]]
label = "Cảnh sát khẩn cấp"
phone = "113"

# Kênh tố giác, in kèm mã QR. Chỉ nhận https://… hoặc tel:…
[[channels]]
label = "Kiểm tra trang web lừa đảo"
url = "https://tinnhiemmang.vn"

[theme]
primary = [0, 100, 100, 10]   # màu chính, CMYK theo %: đỏ
accent = [0, 15, 100, 0]      # màu nhấn: vàng

[print]
bleed_mm = 3                  # lề xén cho nhà in (mm)
spare_percent = 5             # in dư bao nhiêu % so với số hộ
# marks = true                # in dấu cắt ở góc

# Muốn đổi một câu in trên tờ rơi? Ghi lại đúng khóa trong layouts/locales/vi.toml, ví dụ:
# [text.front]
# kicker = "Công an xã khuyến cáo"
"#;

/// The short guide for the officer.
const GUIDE: &str = "HƯỚNG DẪN NHANH

1. Mở villages.xlsx bằng Excel. Mỗi thôn một dòng:
   - Tên thôn, Loại (thôn, bản, ấp, tổ dân phố, khu phố),
   - Công an viên phụ trách và số điện thoại của người đó,
   - Số hộ (để tính số tờ rơi cần in), số cửa hàng và nơi công cộng (để tính áp phích).
   Xóa ba dòng ví dụ. Giữ nguyên dòng tiêu đề.
2. Mở campaign.toml bằng Notepad: sửa tên xã, tỉnh, số trực ban Công an xã.
3. Kiểm tra:   canhbao check .
   Chương trình chỉ rõ lỗi ở tệp nào, dòng nào và cách sửa.
4. Tạo tệp in: canhbao build .
   Mỗi thôn một tệp PDF trong thư mục out/. Gửi thư mục out/print/ và tệp
   out/print-order.csv (số bản cần in) cho nhà in.
";

/// Header and example rows of the village table.
const ROWS: &[[&str; 7]] = &[
    ["Tên thôn", "Loại", "Công an viên phụ trách", "SĐT", "Số hộ", "Số cửa hàng", "Nơi công cộng"],
    ["Đông Hải", "thôn", "Lê Văn Bình", "0912 345 678", "312", "12", "3"],
    ["Tây Hải", "thôn", "Nguyễn Thị Hoa", "0987 654 321", "245", "8", "2"],
    ["Bắc Sơn", "bản", "Hoàng Văn Nam", "0356 111 222", "180", "4", "1"],
];

/// The files `init` writes, in this order.
pub const FILES: [&str; 4] = ["campaign.toml", "villages.csv", "villages.xlsx", "HUONG-DAN.txt"];

/// Creates a campaign folder. Never replaces a file: if any of [`FILES`]
/// is already there (even a dangling link), nothing is written and the
/// message lists them.
pub fn init(dir: &Path, today: (i32, u32, u32)) -> Result<Vec<PathBuf>, String> {
    let taken: Vec<&str> =
        FILES.into_iter().filter(|f| dir.join(f).symlink_metadata().is_ok()).collect();
    if !taken.is_empty() {
        return Err(format!(
            "thư mục “{}” đã có {}; không tạo gì để khỏi ghi đè dữ liệu cũ\n  gợi ý: chọn một thư mục khác (hoặc chưa có), ví dụ canhbao init xa-moi",
            dir.display(),
            taken.join(", ")
        ));
    }
    let (y, m, d) = today;
    let toml = CAMPAIGN_TOML.replace("{date}", &format!("{y:04}-{m:02}-{d:02}"));
    let mut csv = String::from("\u{feff}");
    for row in ROWS {
        csv.push_str(&row.join(","));
        csv.push_str("\r\n");
    }
    let contents = [toml.into_bytes(), csv.into_bytes(), xlsx()?, GUIDE.as_bytes().to_vec()];
    let files: Vec<(PathBuf, Vec<u8>)> = FILES.iter().map(|f| dir.join(f)).zip(contents).collect();
    for (path, bytes) in &files {
        write_atomic(path, bytes)?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// The village template as an Excel workbook (phone column stored as text
/// so Excel keeps the leading zero).
fn xlsx() -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Danh sách").map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (r, row) in ROWS.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let result = match (r, cell.parse::<f64>()) {
                (0, _) => sheet.write_string_with_format(r, c, *cell, &bold),
                (_, Ok(n)) if c != 3 => sheet.write_number(r, c, n),
                _ => sheet.write_string_with_format(r, c, *cell, &text),
            };
            result.map_err(|e| e.to_string())?;
        }
    }
    for (c, width) in [18.0, 10.0, 26.0, 16.0, 9.0, 12.0, 14.0].iter().enumerate() {
        sheet.set_column_width(c as u16, *width).map_err(|e| e.to_string())?;
    }
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// Today's civil date (UTC) from the system clock; used only for templates.
pub fn today() -> (i32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    civil_from_days(secs.div_euclid(86_400))
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_415), (2025, 11, 23));
    }

    #[test]
    fn init_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), (2026, 1, 2)).unwrap();
        let toml = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
        assert!(toml.contains("date = \"2026-01-02\""));
        assert!(init(dir.path(), (2026, 1, 2)).unwrap_err().contains("đã có"));
    }
}
