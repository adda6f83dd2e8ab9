#!/usr/bin/env bash
# Times canhbao alone at two scales (default 1,000 and 10,000 villages ×
# leaflet-a5) and prints wall time, peak RSS and the ratio of the two peaks,
# then the cold start (one village, one layout) as the median of 5 runs.
# Then the same two scales as a default build (with the print package: the
# 2-up sheets, the combined files, print-order.csv) and `check` (which writes
# the proof, out/kiem-tra.pdf) on the larger one.
#
# Usage: bench/scale.sh [SMALL] [LARGE]
# SCALE_ONLY=package skips the first part (render only) and the cold start.
# CANHBAO_BIN=path times that binary instead of building the release one
# (e.g. a copy of the previous main's, for a before/after in one session).
# The output folders and the proof (gigabytes at 10,000) are deleted at the
# end unless SCALE_KEEP is set.
set -euo pipefail
cd "$(dirname "$0")/.."

SMALL=${1:-1000}
LARGE=${2:-10000}
if [ -z "${CANHBAO_BIN:-}" ]; then
  cargo build --release --quiet
fi
export CANHBAO_BIN=${CANHBAO_BIN:-target/release/canhbao}

for n in "$SMALL" "$LARGE"; do
  [ -f "target/bench-scale-$n/campaign/villages.csv" ] ||
    python3 bench/gen-campaign.py "$n" "target/bench-scale-$n/campaign" >/dev/null
done

python3 - "$SMALL" "$LARGE" <<'PY'
import os, statistics, subprocess, sys, time

def run(args):
    """Wall seconds and peak RSS (MiB) of one canhbao run."""
    t0 = time.perf_counter()
    p = subprocess.Popen([os.environ["CANHBAO_BIN"], *args],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"canhbao {' '.join(args)} failed")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux

small, large = sys.argv[1:]
rss = {}
only_package = os.environ.get("SCALE_ONLY") == "package"
for n in (() if only_package else (small, large)):
    d = f"target/bench-scale-{n}"
    wall, rss[n] = run(["build", f"{d}/campaign", "--out", f"{d}/out", "--layout",
                        "leaflet-a5", "--no-package", "--force"])
    print(f"{int(n):>6} villages  {wall:7.1f} s  ({1000 * wall / int(n):.1f} ms per village)"
          f"  peak RSS {rss[n]:6.0f} MiB")
if not only_package:
    print(f"RSS ratio {large} / {small}: {rss[large] / rss[small]:.2f}   (target <= 1.5)")

# Default build, print package included (a fresh output folder, so every
# package file is made), then `check` with its proof.
for n in (small, large):
    d = f"target/bench-scale-{n}"
    subprocess.run(["rm", "-rf", f"{d}/out-package"], check=True)
    wall, rss[n] = run(["build", f"{d}/campaign", "--out", f"{d}/out-package"])
    print(f"{int(n):>6} villages, default build with the print package  {wall:7.1f} s"
          f"  peak RSS {rss[n]:6.0f} MiB")
print(f"package RSS ratio {large} / {small}: {rss[large] / rss[small]:.2f}"
      f"   (target <= 1.2, both < 500 MiB)")
d = f"target/bench-scale-{large}"
wall, peak = run(["check", f"{d}/campaign", "--proof", f"{d}/kiem-tra.pdf"])
if os.environ.get("SCALE_KEEP") is None:  # gigabytes of PDFs: the disk is shared
    for n in (small, large):
        subprocess.run(["rm", "-rf", f"target/bench-scale-{n}/out-package"], check=True)
    subprocess.run(["rm", "-f", f"{d}/kiem-tra.pdf"], check=True)
print(f"{int(large):>6} villages, check with its proof  {wall:7.1f} s  peak RSS {peak:6.0f} MiB"
      f"   (target < 500 MiB)")
if only_package:
    sys.exit(0)

cold = [run(["build", "examples/tien-trang", "--out", "target/bench-scale-cold",
             "--village", "Đông Hải", "--layout", "leaflet-a5", "--no-package",
             "--force"])[0] for _ in range(5)]
print(f"cold start, one village: median {1000 * statistics.median(cold):.0f} ms of 5"
      f"   (target < 300 ms)")
PY
