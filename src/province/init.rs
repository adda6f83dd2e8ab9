//! `canhbao init --province "Thanh Hóa"`: a province campaign folder whose
//! communes table already lists every official unit of the province. The
//! duty phones are left empty: only each commune knows its own, and a
//! commune without one is not built.

use std::path::{Path, PathBuf};

use crate::output::write_atomic;
use crate::units::INDEX;

/// The shared `campaign.toml` of a province.
const CAMPAIGN_TOML: &str = r#"# Chiến dịch tuyên truyền phòng, chống lừa đảo qua mạng cho mọi xã, phường của {province_full}.
# Mỗi xã, phường là một dòng của bảng communes.csv: điền số trực ban Công an xã
# (cột "Số trực ban") của từng xã; xã nào chưa có số sẽ không được tạo tệp.
# Danh sách thôn của mọi xã ghi trong villages.csv, cột "Xã" cho biết thôn thuộc xã nào
# (hoặc mỗi xã một tệp riêng, ghi tên tệp ở cột "Danh sách thôn" của bảng xã).
#   canhbao check <thư-mục-này>    (kiểm tra, không tạo tệp)
#   canhbao build <thư-mục-này>    (tạo tệp cho từng xã trong out/{slug}/<xã>/)

province = {province}
communes = "communes.csv"     # bảng xã, phường (.csv hoặc .xlsx)
villages = "villages.csv"     # bảng thôn dùng chung, có cột "Xã"
locale = "vi"
layouts = ["leaflet-a5"]      # các mẫu cần in; xem danh sách: canhbao layouts
date = "{date}"          # ngày phát hành (năm-tháng-ngày)

# Số dùng chung cho mọi xã. Số trực ban của từng xã ghi trong bảng xã, không ghi ở đây.
[[contacts]]
label = "Cảnh sát khẩn cấp"
phone = "113"

[theme]
primary = [0, 100, 100, 10]
accent = [0, 15, 100, 0]

[print]
bleed_mm = 3
spare_percent = 5
"#;

/// Creates a province campaign folder for `province` (any tone placement).
/// Refuses an unknown province (with the nearest name) and an existing file.
pub fn init(dir: &Path, province: &str, today: (i32, u32, u32)) -> Result<Vec<PathBuf>, String> {
    let Some(p) = INDEX.province(province) else {
        let hint = INDEX
            .nearest_province(province)
            .map(|p| format!("có phải ý bạn là “{}”?", p.name))
            .unwrap_or_else(|| "viết tên tỉnh không kèm chữ “tỉnh”, ví dụ \"Thanh Hóa\"".into());
        return Err(format!(
            "tỉnh “{province}” không có trong danh sách 34 tỉnh, thành phố từ 1/7/2025\n  gợi ý: {hint}"
        ));
    };
    let files = ["campaign.toml", "communes.csv", "villages.csv"];
    crate::init::refuse_taken(dir, &files)?;
    let kind = crate::units::province_kind(&p.name).unwrap_or("tỉnh");
    let full = format!("{kind} {}", p.name);
    let (y, m, d) = today;
    let toml = CAMPAIGN_TOML
        .replace("{province_full}", &full)
        .replace("{slug}", &crate::text::file_slug(&full))
        .replace("{province}", &toml::Value::String(p.name.clone()).to_string())
        .replace("{date}", &format!("{y:04}-{m:02}-{d:02}"));
    let mut communes = csv::Writer::from_writer(Vec::new());
    let header = ["Tên xã", "Loại", "Số trực ban", "Đơn vị phát hành"];
    let write =
        |w: &mut csv::Writer<Vec<u8>>, row: &[&str]| w.write_record(row).map_err(|e| e.to_string());
    write(&mut communes, &header)?;
    for u in INDEX.units_of(p) {
        let issuer = format!("Công an {} {}", u.kind, u.name);
        write(&mut communes, &[&u.name, &u.kind, "", &issuer])?;
    }
    let mut villages = csv::Writer::from_writer(Vec::new());
    write(&mut villages, &["Xã", "Tên thôn", "Loại", "Cán bộ phụ trách", "SĐT", "Số hộ"])?;
    let first = INDEX.units_of(p).next().map_or("", |u| u.name.as_str());
    write(&mut villages, &[first, "Đông Hải", "thôn", "", "", ""])?;
    // A BOM so Excel opens the CSV files as UTF-8.
    let bom = |w: csv::Writer<Vec<u8>>| -> Result<Vec<u8>, String> {
        let mut b = "\u{feff}".as_bytes().to_vec();
        b.extend(w.into_inner().map_err(|e| e.to_string())?);
        Ok(b)
    };
    let contents = [toml.into_bytes(), bom(communes)?, bom(villages)?];
    let mut written = Vec::new();
    for (f, bytes) in files.iter().zip(contents) {
        let path = dir.join(f);
        write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}
