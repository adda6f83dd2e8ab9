#!/usr/bin/env bash
# A whole province in one run against the same communes run one by one.
#
# Thanh Hóa's 166 official units × 20 villages (3,320 villages) × leaflet-a5
# and poster-a4, default build (print package, loudspeaker scripts), made by
# bench/gen-province.py:
#   1. the province in one run (`canhbao build <province folder>`), ROUNDS
#      times (3 unless set);
#   2. the same 166 communes as single-commune folders, built in a loop
#      (once, after the first province run);
#   3. for reference, one single-commune run of 1,000 villages (same
#      layouts), before the first province run and after each: each province
#      run is held against the mean of the two references around it, since
#      the load of a shared machine drifts (the same run's CPU time varied
#      by a third within half an hour).
# Prints wall and CPU time, time per document and peak RSS of each run, and
# the ratios the issue sets as targets: province faster than the loop, time
# per document within 1.1× and peak RSS within 1.2× of the 1,000-village
# run (per round, and their median).
#
# Usage: bench/province.sh [PROVINCE] [VILLAGES_PER_COMMUNE]
# CANHBAO_BIN=path/to/canhbao uses that binary instead of building one;
# COMMUNES=N keeps the first N units and REF=N sizes the reference run (for
# a quick try of the script); LOOP=0 leaves out the loop of single runs;
# ROUNDS=N sets the number of province runs.
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
import os, statistics, subprocess, sys, time
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

# The reference and the province run alternate (ROUNDS times, 3 unless
# set), and the reference runs once more at the end: on a shared machine
# the load drifts, so each province run is held against the mean of the
# two references around it, and the median of those ratios is quoted.
def province():
    out = w / "out-province"
    subprocess.run(["rm", "-rf", str(out)], check=True)
    return (*run(["build", str(w / "province"), "--out", str(out)]), docs(out))

rounds = int(os.environ.get("ROUNDS", "3"))
refs, provs = [reference()], []
loop_wall, loop_cpu, loop_rss, loop_docs = 0.0, 0.0, 0.0, 0
singles = sorted((w / "singles").iterdir())
for r in range(rounds):
    provs.append(province())
    if r == 0 and os.environ.get("LOOP", "1") != "0":
        # The loop runs once, between the first province run and the
        # next reference.
        for s in singles:
            wall, cpu, rss = run(["build", str(s), "--out", str(w / "out-singles" / s.name)])
            loop_wall += wall
            loop_cpu += cpu
            loop_rss = max(loop_rss, rss)
        loop_docs = docs(w / "out-singles")
    refs.append(reference())

def line(what, wall, cpu, n, rss):
    print(f"{what:<44} {wall:7.1f} s wall {cpu:7.1f} s CPU  {n:5d} docs"
          f"  {1000 * wall / n:5.1f} ms wall/doc {1000 * cpu / n:5.1f} ms CPU/doc"
          f"  peak RSS {rss:4.0f} MiB")

prov_docs = provs[0][3]
print(f"{len(singles)} communes × {prov_docs // len(singles) // 2} villages × 2 layouts, "
      f"{rounds} rounds")
for i, r in enumerate(refs):
    line(f"single commune, {r[3] // 2} villages (#{i + 1})", *r[:2], r[3], r[2])
for i, p in enumerate(provs):
    line(f"province, one run ({len(singles)} communes, #{i + 1})", *p[:2], p[3], p[2])
if loop_docs:
    line(f"{len(singles)} single-commune runs in a loop", loop_wall, loop_cpu, loop_docs, loop_rss)
    prov_wall, prov_cpu = provs[0][0], provs[0][1]
    print(f"province (#1) vs loop: {loop_wall / prov_wall:.2f}x faster by wall, "
          f"{loop_cpu / prov_cpu:.2f}x by CPU   (target > 1)")
def per_doc(run, i):
    return run[i] / run[3]
by_wall, by_cpu, by_rss = [], [], []
for i, p in enumerate(provs):
    around = (refs[i], refs[i + 1])
    by_wall.append(per_doc(p, 0) / (sum(per_doc(r, 0) for r in around) / 2))
    by_cpu.append(per_doc(p, 1) / (sum(per_doc(r, 1) for r in around) / 2))
    by_rss.append(p[2] / (sum(r[2] for r in around) / 2))
fmt = lambda xs: " ".join(f"{x:.2f}" for x in xs)
print(f"time per document vs {refs[0][3] // 2} villages, per round: by wall {fmt(by_wall)}, "
      f"by CPU {fmt(by_cpu)}")
print(f"  median: {statistics.median(by_wall):.2f} by wall, "
      f"{statistics.median(by_cpu):.2f} by CPU   (target <= 1.1)")
print(f"peak RSS vs {refs[0][3] // 2} villages: {fmt(by_rss)}, "
      f"median {statistics.median(by_rss):.2f}   (target <= 1.2)")
print(f"load at end {os.getloadavg()[0]:.1f}")
PY
