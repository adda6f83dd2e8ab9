#!/usr/bin/env bash
# Instructions per document of a province run against a single commune of
# as many documents, counted by cachegrind: a figure the load of a shared
# machine does not move (the same run's CPU time varies by a third there,
# which hides a gap of a few per cent).
#
# N communes of Thanh Hóa × 20 villages (bench/gen-province.py) against a
# province of one commune of N × 20 villages (the same script), both ×
# leaflet-a5 and poster-a4, default build (print package, scripts), both run
# at once under `valgrind --tool=cachegrind`. The difference divided by
# N − 1 is what a commune costs beyond its villages' documents.
#
# Usage: bench/province-instructions.sh [N]   (N = 5 unless given; about
# 5 minutes on 2 cores). CANHBAO_BIN=path counts that binary.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }

N=${1:-5}
BIN=${CANHBAO_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-target}/release/canhbao"
fi
W=target/bench-instructions
rm -rf "$W"
mkdir -p "$W"
python3 bench/gen-province.py "Thanh Hóa" "$W/province" --villages 20 \
  --layouts leaflet-a5,poster-a4 --communes "$N" >/dev/null
# The reference is the same generator's province of one commune of N × 20
# villages: only the number of communes differs (a gen-campaign.py commune
# is another campaign: no issuer, an unlisted commune, other names).
python3 bench/gen-province.py "Thanh Hóa" "$W/single" --villages $((N * 20)) \
  --layouts leaflet-a5,poster-a4 --communes 1 >/dev/null

for run in province single; do
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$BIN" build "$W/$run" --out "$W/out-$run" >/dev/null 2>"$W/$run.log" &
done
wait

python3 - "$W" "$N" <<'PY'
import re, sys
from pathlib import Path

w, n = Path(sys.argv[1]), int(sys.argv[2])
def count(run):
    log = (w / f"{run}.log").read_text()
    refs = int(re.search(r"I\s+refs:\s+([\d,]+)", log).group(1).replace(",", ""))
    docs = sum(1 for layout in ("leaflet-a5", "poster-a4")
               for _ in (w / f"out-{run}").rglob(f"{layout}/*.pdf"))
    return refs, docs
(p, pd), (s, sd) = count("province"), count("single")
print(f"province, {n} communes × 20 villages: {p / 1e9:6.2f} G instructions, {pd} documents, "
      f"{p / pd / 1e6:5.1f} M per document")
print(f"one commune, {n * 20} villages:        {s / 1e9:6.2f} G instructions, {sd} documents, "
      f"{s / sd / 1e6:5.1f} M per document")
print(f"per document, province ÷ one commune: {(p / pd) / (s / sd):.3f}")
print(f"a commune beyond its documents: {(p - s) / max(n - 1, 1) / 1e6:.0f} M instructions")
PY
