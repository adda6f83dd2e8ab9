#!/usr/bin/env bash
# A whole province in one run against the same communes run one by one.
#
# Thanh Hóa's 166 official units × 20 villages (3,320 villages) × leaflet-a5
# and poster-a4, default build (print package, loudspeaker scripts), made by
# bench/gen-province.py:
#   1. one province run (`canhbao build <province folder>`);
#   2. the same 166 communes as single-commune folders, built in a loop;
#   3. for reference, one single-commune run of 1,000 villages (same layouts).
# Prints wall time, time per document and peak RSS of each, and the ratios
# the issue sets as targets: province faster than the loop, time per
# document within 1.1× and peak RSS within 1.2× of the 1,000-village run.
#
# Usage: bench/province.sh [PROVINCE] [VILLAGES_PER_COMMUNE]
# CANHBAO_BIN=path/to/canhbao uses that binary instead of building one;
# COMMUNES=N keeps the first N units and REF=N sizes the reference run (for
# a quick try of the script).
set -euo pipefail
cd "$(dirname "$0")/.."

PROVINCE=${1:-Thanh Hóa}
V=${2:-20}
BIN=${CANHBAO_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-target}/release/canhbao"
fi
W=target/bench-province
rm -rf "$W"
mkdir -p "$W"
python3 bench/gen-province.py "$PROVINCE" "$W/province" --villages "$V" \
  --layouts leaflet-a5,poster-a4 --singles "$W/singles" ${COMMUNES:+--communes "$COMMUNES"}
python3 bench/gen-campaign.py "${REF:-1000}" "$W/single-1000" >/dev/null
sed -i 's/^layouts = .*/layouts = ["leaflet-a5", "poster-a4"]/' "$W/single-1000/campaign.toml"

python3 - "$BIN" "$W" <<'PY'
import os, subprocess, sys, time
from pathlib import Path

bin, w = sys.argv[1], Path(sys.argv[2])

def run(args):
    """Wall seconds and peak RSS (MiB) of one canhbao run."""
    t0 = time.perf_counter()
    p = subprocess.Popen([bin, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"canhbao {' '.join(args)} failed")
    return wall, usage.ru_maxrss / 1024  # KiB on Linux

def docs(folder):
    """Rendered documents (the per-village files of the two layouts)."""
    return sum(1 for layout in ("leaflet-a5", "poster-a4")
               for _ in folder.rglob(f"{layout}/*.pdf"))

ref_wall, ref_rss = run(["build", str(w / "single-1000"), "--out", str(w / "out-1000")])
ref_docs = docs(w / "out-1000")

prov_wall, prov_rss = run(["build", str(w / "province"), "--out", str(w / "out-province")])
prov_docs = docs(w / "out-province")

singles = sorted((w / "singles").iterdir())
loop_wall, loop_rss = 0.0, 0.0
for s in singles:
    wall, rss = run(["build", str(s), "--out", str(w / "out-singles" / s.name)])
    loop_wall += wall
    loop_rss = max(loop_rss, rss)
loop_docs = docs(w / "out-singles")

def line(what, wall, n, rss):
    print(f"{what:<44} {wall:8.1f} s  {n:6d} docs  {1000 * wall / n:6.1f} ms/doc"
          f"  peak RSS {rss:6.0f} MiB")

print(f"{len(singles)} communes × {prov_docs // len(singles) // 2} villages × 2 layouts")
line(f"single commune, {ref_docs // 2} villages", ref_wall, ref_docs, ref_rss)
line(f"province, one run ({len(singles)} communes)", prov_wall, prov_docs, prov_rss)
line(f"{len(singles)} single-commune runs in a loop", loop_wall, loop_docs, loop_rss)
per_doc = (prov_wall / prov_docs) / (ref_wall / ref_docs)
print(f"province vs loop: {loop_wall / prov_wall:.2f}x faster   (target > 1)")
print(f"time per document vs 1,000 villages: {per_doc:.2f}   (target <= 1.1)")
print(f"peak RSS vs 1,000 villages: {prov_rss / ref_rss:.2f}   (target <= 1.2)")
PY
