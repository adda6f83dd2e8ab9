#!/usr/bin/env bash
# Each resource-limit case of issue 14 run through `canhbao build`: exit code,
# wall time and peak RSS. Every case must be refused (exit 2) in under 5 s.
#
# Usage: bench/limits.sh [BINARY] [BEFORE-BINARY]
#   BINARY defaults to target/release/canhbao (built if missing).
#   BEFORE-BINARY, if given, is run on the same files for comparison, with
#   its address space capped at 8 GiB and a 60 s timeout, so a case that
#   once asked for 22 GB is killed instead of taking the machine down.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${1:-target/release/canhbao}
BEFORE=${2:-}
[ -x "$BIN" ] || cargo build --release --quiet

python3 - "$BIN" "$BEFORE" <<'PY'
import io, os, resource, shutil, struct, subprocess, sys, time, zipfile, zlib
from pathlib import Path

binary, before = sys.argv[1], sys.argv[2]
root = Path("target/bench-limits")
shutil.rmtree(root, ignore_errors=True)
root.mkdir(parents=True)
example = Path("examples/tien-trang")

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="villages" sheetId="1" r:id="rId1"/></sheets></workbook>')
WBRELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
HEAD = ["name", "kind", "officer", "officer_phone", "households"]
ROW = ["Đông Hải", "thôn", "Lê Văn Bình", "0912 345 678", "305"]

def row_xml(r, values):
    cells = "".join(f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{r}">{cells}</row>'

def xlsx(path, rows_xml):
    """A minimal workbook whose sheet data is the iterable `rows_xml`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", WBRELS)
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for chunk in rows_xml:
                f.write(chunk.encode())
            f.write(b"</sheetData></worksheet>")

def lie(path, part, claimed):
    """Rewrites the uncompressed size of `part` in both of its headers."""
    data = bytearray(Path(path).read_bytes())
    name = part.encode()
    for sig, size_at, len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        i = data.find(sig)
        while i >= 0:
            n = struct.unpack_from("<H", data, i + len_at)[0]
            if data[i + name_at:i + name_at + n] == name:
                struct.pack_into("<I", data, i + size_at, claimed)
            i = data.find(sig, i + 4)
    Path(path).write_bytes(bytes(data))

def png(path, w, h):
    """A real RGB PNG of w × h white pixels, deflated row by row."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    z = zlib.compressobj(1)
    row = b"\x00" + b"\xff" * (3 * w)
    idat = io.BytesIO()
    for _ in range(h):
        idat.write(z.compress(row))
    idat.write(z.flush())
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                          + chunk(b"IDAT", idat.getvalue()) + chunk(b"IEND", b""))

def campaign(name, toml_edit=None):
    d = root / name
    shutil.copytree(example, d, ignore=shutil.ignore_patterns("out"))
    if toml_edit:
        t = (d / "campaign.toml").read_text()
        (d / "campaign.toml").write_text(toml_edit(t))
    return d

def use_xlsx(t):
    return t.replace("villages.csv", "villages.xlsx")

cases = []

d = campaign("far-cell", use_xlsx)
xlsx(d / "villages.xlsx", [row_xml(1, HEAD), row_xml(2, ROW), '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'])
cases.append(("xlsx, one value in XFD1048576", d, d / "villages.xlsx"))

d = campaign("bomb", use_xlsx)
many = ('<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><v>1</v></c></row>' % (r, r, r) for r in range(3, 1_000_003))
xlsx(d / "villages.xlsx", [row_xml(1, HEAD), row_xml(2, ROW), *many])
cases.append(("xlsx zip bomb, 1M rows", d, d / "villages.xlsx"))

d = campaign("lying-bomb", use_xlsx)
xlsx(d / "villages.xlsx", [row_xml(1, HEAD), row_xml(2, ROW), " " * (200 << 20)])
lie(d / "villages.xlsx", "xl/worksheets/sheet1.xml", 4096)
cases.append(("xlsx bomb claiming 4 KB", d, d / "villages.xlsx"))

d = campaign("officer-1mb")
csv = (d / "villages.csv").read_text()
(d / "villages.csv").write_text(csv.replace("Lê Văn Bình", "Nguyễn Văn An " * 75_000, 1))
cases.append(("1 MB officer name (CSV)", d, d / "villages.csv"))

d = campaign("commune-500kb")
t = (d / "campaign.toml").read_text()
(d / "campaign.toml").write_text(t.replace('name = "Tiên Trang"', 'name = "%s"' % ("Tiên " * 100_000), 1))
cases.append(("500 KB commune name (TOML)", d, d / "campaign.toml"))

d = campaign("rows")
lines = ["name,kind,officer,officer_phone,households"] + [f"Thôn {i},thôn,Lê An,0912000101,1" for i in range(100_001)]
(d / "villages.csv").write_text("\n".join(lines) + "\n")
cases.append(("100,001 villages (CSV)", d, d / "villages.csv"))

d = campaign("logo", lambda t: t.replace('villages = "villages.csv"', 'villages = "villages.csv"\nlogo = "logo.png"'))
png(d / "logo.png", 30_000, 30_000)
cases.append(("30000 × 30000 PNG logo", d, d / "logo.png"))

def measured(binary, d, cap=False):
    """(exit, wall s, peak RSS MiB, first line of stderr) via wait4."""
    def limit():
        if cap:
            resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))
    shutil.rmtree(d / "out", ignore_errors=True)
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "build", str(d), "--out", str(d / "out"), "--no-package"],
                         stdout=subprocess.DEVNULL, stderr=open(d / "stderr.txt", "wb"), preexec_fn=limit)
    deadline = t0 + 60
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            p.kill()
            pid, status, usage = os.wait4(p.pid, 0)
            return "timeout", 60.0, usage.ru_maxrss / 1024, ""
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    first = (d / "stderr.txt").read_text(errors="replace").strip().splitlines()[:1]
    return code, wall, usage.ru_maxrss / 1024, first[0] if first else ""

print(f"| case | file size | exit | time | peak RSS | message |")
print(f"| --- | ---: | ---: | ---: | ---: | --- |")
worst = 0.0
for name, d, f in cases:
    size = f.stat().st_size
    code, wall, rss, msg = measured(binary, d)
    worst = max(worst, wall)
    shown = msg.replace(str(root) + "/", "").replace("|", "\\|")[:110]
    print(f"| {name} | {size / 1024:,.1f} KB | {code} | {wall:.2f} s | {rss:.0f} MiB | {shown} |")
    if code != 2:
        sys.exit(f"{name}: exit {code}, expected 2")
    if before:
        code, wall, rss, msg = measured(before, d, cap=True)
        shown = msg.replace(str(root) + "/", "").replace("|", "\\|")[:110]
        print(f"| ↳ before | | {code} | {wall:.2f} s | {rss:.0f} MiB | {shown} |")
print(f"\nslowest refusal: {worst:.2f} s (limit 5 s)")
if worst >= 5:
    sys.exit("a refusal took 5 s or more")
PY
