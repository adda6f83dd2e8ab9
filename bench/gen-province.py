#!/usr/bin/env python3
"""Writes a synthetic province campaign: every official unit of a province
(from data/don-vi-hanh-chinh-2025.csv) with V villages each, for benchmarks
and examples.

Usage: bench/gen-province.py PROVINCE OUT_DIR [--villages V] [--communes N]
                             [--layouts a,b] [--singles DIR] [--seed S]

- OUT_DIR gets campaign.toml (province = ..., communes = "communes.csv",
  villages = "villages.csv"), communes.csv (name, kind, duty phone, issuer)
  and one shared villages.csv with a commune column.
- --communes N keeps the first N units of the list (default: all).
- --singles DIR also writes the same communes as single-commune campaign
  folders DIR/<n>/ (the same villages, the same numbers), to compare one
  province run with a loop of single-commune runs.

Every number is invented and `example = true` is set: every page carries
the "MẪU — KHÔNG PHÁT" band. Duty phones are landlines with the province's
area code, unique per commune; officers' phones are unique 09x mobiles.
Same arguments give the same files.
"""
import csv
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from importlib import import_module  # noqa: E402

gen = import_module("gen-campaign")

# The numbers and channels every generated campaign.toml ends with.
TAIL = """[[contacts]]
label = "Cảnh sát khẩn cấp"
phone = "113"

[[channels]]
label = "Kiểm tra trang web lừa đảo"
url = "https://tinnhiemmang.vn"
"""

SHARED = """# Synthetic province campaign ({n} communes x {v} villages); every number is invented.
example = true    # invented numbers: every page carries the "MẪU" band
province = "{province}"
communes = "communes.csv"
villages = "villages.csv"
locale = "vi"
layouts = [{layouts}]
date = "2026-03-15"

"""

SINGLE = """# Synthetic commune campaign; every number is invented.
example = true
locale = "vi"
layouts = [{layouts}]
date = "2026-03-15"
villages = "villages.csv"

[commune]
name = "{name}"
kind = "{kind}"
province = "{province}"

[issuer]
name = "{issuer}"

[[contacts]]
label = "{label}"
phone = "{hotline}"
hotline = true

"""


def units(province):
    path = HERE.parent / "data" / "don-vi-hanh-chinh-2025.csv"
    with open(path, encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["province"] == province]
    if not rows:
        sys.exit(f"no province named {province!r} in {path}")
    return rows


def hotline(area, i):
    """An 11-digit landline of the province's area code, unique per commune."""
    rest = f"38{i:0{8 - len(area)}d}"
    digits = f"0{area}{rest}"
    return f"{digits[:4]} {digits[4:8]} {digits[8:]}"


def arg(name, default):
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def main():
    province, out = sys.argv[1], Path(sys.argv[2])
    v = int(arg("--villages", "20"))
    layouts = ", ".join(f'"{l}"' for l in arg("--layouts", "leaflet-a5,poster-a4").split(","))
    rng = random.Random(int(arg("--seed", "1")))
    rows = units(province)
    rows = rows[: int(arg("--communes", len(rows)))]
    singles = arg("--singles", None)
    out.mkdir(parents=True, exist_ok=True)
    (out / "campaign.toml").write_text(
        SHARED.format(n=len(rows), v=v, province=province, layouts=layouts) + TAIL, encoding="utf-8")
    communes = [["name", "kind", "hotline", "issuer"]]
    villages = [["commune", "name", "kind", "officer", "officer_phone", "households",
                 "shops", "public_places"]]
    serial = 0
    for i, u in enumerate(rows, start=1):
        phone = hotline(u["phone_area_code"], i)
        issuer = f"Công an {u['unit_kind']} {u['unit']}"
        communes.append([u["unit"], u["unit_kind"], phone, issuer])
        own = [villages[0][1:]]
        seen = set()
        for _ in range(v):
            base = f"{rng.choice(gen.FIRST)} {rng.choice(gen.SECOND)}"
            name, k = base, 1
            while gen.fold(name) in seen:
                k += 1
                name = f"{base} {k}"
            seen.add(gen.fold(name))
            serial += 1
            officer = f"{rng.choice(gen.FAMILY)} {rng.choice(gen.MIDDLE)} {rng.choice(gen.GIVEN)}"
            row = [name, rng.choice(gen.KINDS), officer, f"09{rng.choice('1234689')}{serial:07d}",
                   str(rng.randint(80, 600)), str(rng.randint(0, 30)), str(rng.randint(0, 6))]
            villages.append([u["unit"], *row])
            own.append(row)
        if singles:
            d = Path(singles) / f"{i:03d}"
            d.mkdir(parents=True, exist_ok=True)
            (d / "campaign.toml").write_text(SINGLE.format(
                layouts=layouts, name=u["unit"], kind=u["unit_kind"], province=province,
                issuer=issuer, label=f"Trực ban Công an {u['unit_kind']} {u['unit']}",
                hotline=phone) + TAIL, encoding="utf-8")
            write(d / "villages.csv", own)
    write(out / "communes.csv", communes)
    write(out / "villages.csv", villages)


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


if __name__ == "__main__":
    main()
