#!/usr/bin/env bash
# A whole province in one run against the same communes run one by one.
#
# Thanh Hóa's 166 official units × 20 villages (3,320 villages) × leaflet-a5
# and poster-a4, default build (print package, loudspeaker scripts), made by
# bench/gen-province.py:
#   1. one province run (`canhbao build <province folder>`);
#   2. the same 166 communes as single-commune folders, built in a loop;
#   3. for reference, one single-commune run of 1,000 villages (same layouts),
#      run first and again last (the mean is the reference: the load of a
#      shared machine drifts).
# Prints wall and CPU time, time per document and peak RSS of each, and the ratios
# the issue sets as targets: province faster than the loop, time per
# document within 1.1× and peak RSS within 1.2× of the 1,000-village run.
#
# Usage: bench/province.sh [PROVINCE] [VILLAGES_PER_COMMUNE]
# CANHBAO_BIN=path/to/canhbao uses that binary instead of building one;
# COMMUNES=N keeps the first N units and REF=N sizes the reference run (for
# a quick try of the script); LOOP=0 leaves out the loop of single runs.
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
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one
    canhbao run, from the kernel's accounting of the child (wait4: the same
    figures `/usr/bin/time -v` prints)."""
    t0 = time.perf_counter()
    p = subprocess.Popen([bin, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"canhbao {' '.join(args)} failed")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # KiB on Linux

def docs(folder):
    """Rendered documents (the per-village files of the two layouts)."""
    return sum(1 for layout in ("leaflet-a5", "poster-a4")
               for _ in folder.rglob(f"{layout}/*.pdf"))

print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
      f"load at start {os.getloadavg()[0]:.1f}")
def reference():
    """The 1,000-village run, into a fresh folder (so it renders anew)."""
    out = w / "out-1000"
    subprocess.run(["rm", "-rf", str(out)], check=True)
    return (*run(["build", str(w / "single-1000"), "--out", str(out)]), docs(out))

# The reference runs first and again last: on a shared machine the load
# drifts, and the mean of the two brackets the province and the loop.
ref1 = reference()

prov_wall, prov_cpu, prov_rss = run(
    ["build", str(w / "province"), "--out", str(w / "out-province")])
prov_docs = docs(w / "out-province")

singles = sorted((w / "singles").iterdir())
loop_wall, loop_cpu, loop_rss = 0.0, 0.0, 0.0
for s in singles if os.environ.get("LOOP", "1") != "0" else []:
    wall, cpu, rss = run(["build", str(s), "--out", str(w / "out-singles" / s.name)])
    loop_wall += wall
    loop_cpu += cpu
    loop_rss = max(loop_rss, rss)
loop_docs = docs(w / "out-singles")
ref2 = reference()
ref_wall, ref_cpu = (ref1[0] + ref2[0]) / 2, (ref1[1] + ref2[1]) / 2
ref_rss, ref_docs = (ref1[2] + ref2[2]) / 2, ref1[3]

def line(what, wall, cpu, n, rss):
    print(f"{what:<44} {wall:7.1f} s wall {cpu:7.1f} s CPU  {n:5d} docs"
          f"  {1000 * wall / n:5.1f} ms wall/doc {1000 * cpu / n:5.1f} ms CPU/doc"
          f"  peak RSS {rss:4.0f} MiB")

print(f"{len(singles)} communes × {prov_docs // len(singles) // 2} villages × 2 layouts")
for n, r in (("first", ref1), ("last", ref2)):
    line(f"single commune, {ref_docs // 2} villages ({n})", *r[:2], r[3], r[2])
line(f"single commune, {ref_docs // 2} villages (mean)", ref_wall, ref_cpu, ref_docs, ref_rss)
line(f"province, one run ({len(singles)} communes)", prov_wall, prov_cpu, prov_docs, prov_rss)
if loop_docs:
    line(f"{len(singles)} single-commune runs in a loop", loop_wall, loop_cpu, loop_docs, loop_rss)
    print(f"province vs loop: {loop_wall / prov_wall:.2f}x faster by wall, "
          f"{loop_cpu / prov_cpu:.2f}x by CPU   (target > 1)")
print(f"time per document vs 1,000 villages: "
      f"{(prov_wall / prov_docs) / (ref_wall / ref_docs):.2f} by wall, "
      f"{(prov_cpu / prov_docs) / (ref_cpu / ref_docs):.2f} by CPU   (target <= 1.1)")
print(f"peak RSS vs 1,000 villages: {prov_rss / ref_rss:.2f}   (target <= 1.2)")
print(f"load at end {os.getloadavg()[0]:.1f}")
PY
