#!/usr/bin/env bash
# Times canhbao alone at two scales (default 1,000 and 10,000 villages ×
# leaflet-a5) and prints wall time, peak RSS and the ratio of the two peaks,
# then the cold start (one village, one layout) as the median of 5 runs.
#
# Usage: bench/scale.sh [SMALL] [LARGE]
set -euo pipefail
cd "$(dirname "$0")/.."

SMALL=${1:-1000}
LARGE=${2:-10000}
cargo build --release --quiet

for n in "$SMALL" "$LARGE"; do
  [ -f "target/bench-scale-$n/campaign/villages.csv" ] ||
    python3 bench/gen-campaign.py "$n" "target/bench-scale-$n/campaign" >/dev/null
done

python3 - "$SMALL" "$LARGE" <<'PY'
import os, statistics, subprocess, sys, time

def run(args):
    """Wall seconds and peak RSS (MiB) of one canhbao run."""
    t0 = time.perf_counter()
    p = subprocess.Popen(["target/release/canhbao", *args],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"canhbao {' '.join(args)} failed")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux

small, large = sys.argv[1:]
rss = {}
for n in (small, large):
    d = f"target/bench-scale-{n}"
    wall, rss[n] = run(["build", f"{d}/campaign", "--out", f"{d}/out", "--layout",
                        "leaflet-a5", "--no-package", "--force"])
    print(f"{int(n):>6} villages  {wall:7.1f} s  ({1000 * wall / int(n):.1f} ms per village)"
          f"  peak RSS {rss[n]:6.0f} MiB")
print(f"RSS ratio {large} / {small}: {rss[large] / rss[small]:.2f}   (target <= 1.5)")

cold = [run(["build", "examples/tien-trang", "--out", "target/bench-scale-cold",
             "--village", "Đông Hải", "--layout", "leaflet-a5", "--no-package",
             "--force"])[0] for _ in range(5)]
print(f"cold start, one village: median {1000 * statistics.median(cold):.0f} ms of 5"
      f"   (target < 300 ms)")
PY
