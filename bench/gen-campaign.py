#!/usr/bin/env python3
"""Writes a synthetic campaign with N villages, for benchmarks.

Usage: bench/gen-campaign.py N OUT_DIR [--seed S]

Village names are built from syllables common in Vietnamese place names
(Đông, Hải, Phú, Lộc…), officers from common family, middle and given names,
phones are unique 09x mobiles. Same N and seed give the same files.
"""
import random
import sys
import unicodedata
from pathlib import Path

FIRST = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Hải", "Phú", "Tân", "An", "Hòa", "Thái",
         "Minh", "Quang", "Thanh", "Vạn", "Hưng", "Phúc", "Lộc", "Thịnh", "Xuân", "Đồng",
         "Liên", "Bình", "Kim", "Ngọc", "Long", "Phước", "Mỹ", "Vĩnh", "Cẩm"]
SECOND = ["Hải", "Sơn", "Thành", "Lợi", "Hòa", "Tiến", "Phong", "Lâm", "Châu", "Điền",
          "Thượng", "Hạ", "Khê", "Giang", "Trường", "Quý", "Định", "Yên", "Thọ", "Mỹ",
          "Tâm", "Lạc", "Phú", "Hưng", "Xá", "Đoài", "Nội", "Ngoại", "Tháp", "Bồng"]
KINDS = ["thôn"] * 6 + ["bản", "ấp", "tổ dân phố", "khu phố", "xóm"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Mai", "Trịnh", "Đinh", "Lương", "Tạ"]
MIDDLE = ["Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Ngọc", "Công", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Long", "Mạnh", "Nam", "Phong",
         "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Khoa", "Lộc", "Nghĩa", "Phúc", "Thành",
         "Trung", "Tú", "Vinh", "Đạt", "Giang", "Hiếu", "Khánh", "Kiên", "Tâm", "Toàn"]

CAMPAIGN = """# Synthetic benchmark campaign ({n} villages); every name and number is invented.
locale = "vi"
layouts = ["leaflet-a5"]
date = "2026-03-15"
example = true    # invented numbers: every page carries the "MẪU" band

[commune]
name = "Thử Nghiệm"
kind = "xã"
province = "Thanh Hóa"
unlisted = true   # invented: not on the official list of units

[[contacts]]
label = "Trực ban Công an xã Thử Nghiệm"
phone = "0237 3868 113"
hotline = true

[[contacts]]
label = "Cảnh sát khẩn cấp"
phone = "113"

[[channels]]
label = "Kiểm tra trang web lừa đảo"
url = "https://tinnhiemmang.vn"
"""


def fold(name):
    """The ASCII key canhbao uses for file names: names that differ only by
    diacritics (Đông Mỹ / Đồng Mỹ) would collide, so keep them apart."""
    s = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def main():
    n = int(sys.argv[1])
    out = Path(sys.argv[2])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seed" else 1
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "campaign.toml").write_text(CAMPAIGN.format(n=n), encoding="utf-8")
    rows = ["name,kind,officer,officer_phone,households,shops,public_places"]
    seen = set()
    for i in range(n):
        base = f"{rng.choice(FIRST)} {rng.choice(SECOND)}"
        name, k = base, 1
        while fold(name) in seen:
            k += 1
            name = f"{base} {k}"
        seen.add(fold(name))
        officer = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = f"09{rng.choice('1234689')}{i:07d}"
        rows.append(f"{name},{rng.choice(KINDS)},{officer},{phone},"
                    f"{rng.randint(80, 600)},{rng.randint(0, 30)},{rng.randint(0, 6)}")
    (out / "villages.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
