#!/usr/bin/env bash
# The three figures of issue 26 in one run, each from the kernel's
# accounting of the child (wait4: the user + system time and the peak RSS
# that `/usr/bin/time -v` prints), so a neighbour's load moves them less
# than it moves wall time:
#
#   1. canhbao against the stock typst CLI loop: LEAFLETS villages (1,000
#      unless set) × leaflet-a5, `--no-package`, against one `typst compile`
#      per village on the same layout, fonts and data (as
#      bench/compare-typst-cli.sh does). The ratio is read by wall (the
#      issue's target: >= 15×) and by CPU. The stock CLI is TYPST_BIN when
#      set, else target/typst-cli/bin/typst; it must say it is typst
#      0.15.1. Nothing is built for it: without one (`cargo install --locked
#      typst-cli --version 0.15.1 --root target/typst-cli`, a long build)
#      the loop is left out and said so.
#   2. The run a user makes: PACKAGE villages (300 unless set) ×
#      leaflet-a5 + poster-a4 + card-sheet, default build (print package,
#      loudspeaker scripts): CPU per document (target <= 6 ms) and peak RSS
#      (target < 500 MiB), and the national run extrapolated from it
#      (63,600 villages × 3 layouts on 2 cores).
#   3. What a commune costs beyond its documents: COMMUNES communes (10
#      unless set) × 20 villages of Thanh Hóa as one province run, against
#      a province of one commune of as many villages (both made by
#      bench/gen-province.py), both × leaflet-a5 + poster-a4,
#      default build: (CPU of the province − CPU of the commune) ÷
#      (communes − 1), since the one commune pays a commune's overhead too
#      (target <= 50 ms).
#
# Usage: [LEAFLETS=1000] [PACKAGE=300] [COMMUNES=10] [SKIP=cli,package,commune]
#        [CANHBAO_BIN=path] [TYPST_BIN=path] bench/speed.sh
# About 3 minutes with the defaults on a quiet 2-core machine (most of it the
# stock CLI loop). CPU figures come from the kernel and move less with load
# than wall time, but a machine whose load is above its cores gives
# indicative figures only: the script prints the load at start and end.
# SKIP leaves out the parts it names (comma-separated).
set -euo pipefail
cd "$(dirname "$0")/.."

LEAFLETS=${LEAFLETS:-1000}
PACKAGE=${PACKAGE:-300}
COMMUNES=${COMMUNES:-10}
SKIP=${SKIP:-}
BIN=${CANHBAO_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --release --locked --quiet
  BIN="${CARGO_TARGET_DIR:-target}/release/canhbao"
fi
TYPST=${TYPST_BIN:-target/typst-cli/bin/typst}
if [ -n "${TYPST_BIN:-}" ] && [ ! -x "$TYPST" ]; then
  echo "TYPST_BIN=$TYPST_BIN is not an executable file" >&2
  exit 1
fi
if [ -x "$TYPST" ] && ! "$TYPST" --version | grep -q '^typst 0\.15\.1\b'; then
  echo "$TYPST is not typst 0.15.1 (it says: $("$TYPST" --version)); the loop compares like with like" >&2
  exit 1
fi
W=target/bench-speed
rm -rf "$W"
mkdir -p "$W"
skip() { [[ ",$SKIP," == *",$1,"* ]]; }

skip cli || python3 bench/gen-campaign.py "$LEAFLETS" "$W/leaflets" >/dev/null
if ! skip package; then
  python3 bench/gen-campaign.py "$PACKAGE" "$W/package" >/dev/null
  sed -i 's/^layouts = .*/layouts = ["leaflet-a5", "poster-a4", "card-sheet"]/' \
    "$W/package/campaign.toml"
fi
if ! skip commune; then
  python3 bench/gen-province.py "Thanh Hóa" "$W/province" --villages 20 \
    --layouts leaflet-a5,poster-a4 --communes "$COMMUNES" >/dev/null
  # The reference: the same generator's province of one commune of as many
  # villages (same campaign.toml, same kind of villages, the same province
  # summary), so that only the number of communes differs. (A commune from
  # gen-campaign.py is another campaign: no issuer, an unlisted commune,
  # other village names; whatever its documents cost more or less each was
  # read as overhead.)
  python3 bench/gen-province.py "Thanh Hóa" "$W/commune" --villages $((COMMUNES * 20)) \
    --layouts leaflet-a5,poster-a4 --communes 1 >/dev/null
fi

python3 - "$BIN" "$W" "$TYPST" "$SKIP" <<'PY'
import os, subprocess, sys, time
from pathlib import Path

bin, w, typst, skip = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4].split(",")

def run(cmd):
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one
    process and its children."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024

def docs(folder, layouts):
    return sum(1 for l in layouts for _ in Path(folder).rglob(f"{l}/*.pdf"))

load0 = os.getloadavg()[0]
print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
      f"load at start {load0:.1f}, {bin}")

if "cli" not in skip:
    camp = w / "leaflets"
    wall, cpu, rss = run([bin, "build", camp, "--out", w / "out-leaflets", "--layout",
                          "leaflet-a5", "--no-package", "--force"])
    n = docs(w / "out-leaflets", ["leaflet-a5"])
    print(f"1. canhbao, {n} leaflets (--no-package)   {wall:7.1f} s wall {cpu:7.1f} s CPU"
          f"  {1000 * cpu / n:5.1f} ms CPU/doc  peak RSS {rss:4.0f} MiB")
    if os.access(typst, os.X_OK):
        run([bin, "build", camp, "--out", w / "data", "--layout", "leaflet-a5",
             "--no-package", "--emit-data", "--force"])
        (w / "cli").mkdir()
        lwall = lcpu = 0.0
        for f in sorted((w / "data" / "leaflet-a5").glob("*.json")):
            a, c, _ = run([typst, "compile", "--root", ".", "--font-path", "fonts",
                           "--ignore-system-fonts", "--input", f"data=/{f}",
                           "layouts/leaflet-a5.typ", w / "cli" / (f.stem + ".pdf")])
            lwall += a
            lcpu += c
        m = len(list((w / "cli").glob("*.pdf")))
        print(f"   stock typst CLI loop, {m} leaflets       {lwall:7.1f} s wall {lcpu:7.1f} s CPU"
              f"  {1000 * lcpu / m:5.1f} ms CPU/doc")
        print(f"   loop ÷ canhbao: {lwall / wall:.2f}× by wall (target >= 15), "
              f"{lcpu / cpu:.2f}× by CPU")
    else:
        print(f"   stock typst CLI loop: not measured ({typst} is not installed)")

if "package" not in skip:
    layouts = ["leaflet-a5", "poster-a4", "card-sheet"]
    wall, cpu, rss = run([bin, "build", w / "package", "--out", w / "out-package"])
    n = docs(w / "out-package", layouts)
    per = cpu / n
    print(f"2. {n // 3} villages × 3 layouts, print package  {wall:7.1f} s wall {cpu:7.1f} s CPU"
          f"  {1000 * per:5.1f} ms CPU/doc (target <= 6)  peak RSS {rss:4.0f} MiB (target < 500)")
    print(f"   national run (63,600 villages × 3 layouts, 2 cores) extrapolated: "
          f"{63600 * 3 * per / 2 / 60:.0f} min of wall (target < 10)")

if "commune" not in skip:
    pw, pc, pr = run([bin, "build", w / "province", "--out", w / "out-province"])
    sw, sc, sr = run([bin, "build", w / "commune", "--out", w / "out-commune"])
    pd = docs(w / "out-province", ["leaflet-a5", "poster-a4"])
    sd = docs(w / "out-commune", ["leaflet-a5", "poster-a4"])
    k = pd // 40  # 20 villages × 2 layouts a commune
    print(f"3. province, {k} communes × 20 villages          {pw:7.1f} s wall {pc:7.1f} s CPU"
          f"  {pd} docs  peak RSS {pr:4.0f} MiB")
    print(f"   one commune, {sd // 2} villages (a province of one) {sw:7.1f} s wall {sc:7.1f} s CPU"
          f"  {sd} docs  peak RSS {sr:4.0f} MiB")
    # The one commune pays one commune's overhead too: k − 1 are left.
    print(f"   a commune beyond its documents: {1000 * (pc - sc * pd / sd) / max(k - 1, 1):.0f} ms of CPU"
          f" (target <= 50)")
load = os.getloadavg()[0]
print(f"load at end {load:.1f}")
if max(load, load0) > os.cpu_count():
    print(f"the load was above the {os.cpu_count()} cores: other processes shared them, "
          "so these figures are indicative only")
PY
