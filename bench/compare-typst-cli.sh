#!/usr/bin/env bash
# Builds the same leaflets for the same synthetic villages twice, with
# canhbao and with a loop around the stock typst CLI, and prints both wall
# times and their ratio. The CLI is pinned to the typst version canhbao
# embeds and installed into target/ when missing.
#
# canhbao runs with the preflight in its default mode and again with
# `--preflight off`, alternately, PAIRS times (default 3) in this one run:
# the medians give the preflight's share of the time per village. PREFLIGHT
# (strict, warn or off) sets the mode of the first of each pair instead of
# the default.
#
# SKIP_CLI=1 times canhbao only (no stock CLI to install and loop over).
# TYPST_BIN=path takes the stock typst 0.15.1 from there instead of
# target/typst-cli (nothing is built for it).
#
# Usage: [PAIRS=3] [PREFLIGHT=MODE] [SKIP_CLI=1] [TYPST_BIN=path] bench/compare-typst-cli.sh [VILLAGES] (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-1000}
TYPST_VERSION=0.15.1
# TYPST_BIN=path uses a stock typst already built (it must be 0.15.1);
# without it, target/typst-cli, installed there when missing (a long build).
TYPST=${TYPST_BIN:-target/typst-cli/bin/typst}
SKIP_CLI=${SKIP_CLI:-}
if [ -z "$SKIP_CLI" ] && [ ! -x "$TYPST" ]; then
  [ -n "${TYPST_BIN:-}" ] && { echo "TYPST_BIN=$TYPST_BIN is not an executable file" >&2; exit 1; }
  cargo install --locked typst-cli --version "$TYPST_VERSION" --root target/typst-cli
fi
if [ -z "$SKIP_CLI" ] && ! "$TYPST" --version | grep -q "^typst $TYPST_VERSION\b"; then
  echo "$TYPST is not typst $TYPST_VERSION (it says: $("$TYPST" --version))" >&2
  exit 1
fi
cargo build --release --quiet

WORK=target/bench-$N
rm -rf "$WORK"
mkdir -p "$WORK/cli"
python3 bench/gen-campaign.py "$N" "$WORK/campaign"

now() { date +%s.%N; }

# canhbao: one PDF per village, all cores, no print package (and, with
# --layout, no loudspeaker scripts: the same work as the loop below). Each
# pair: preflight on (the default, or $PREFLIGHT), then off.
PAIRS=${PAIRS:-3}
ON_FLAG=()
[ -n "${PREFLIGHT:-}" ] && ON_FLAG=(--preflight "$PREFLIGHT")
ON_TIMES=()
OFF_TIMES=()
for _ in $(seq "$PAIRS"); do
  a=$(now)
  target/release/canhbao build "$WORK/campaign" --out "$WORK/canhbao" --layout leaflet-a5 --no-package --force ${ON_FLAG[@]+"${ON_FLAG[@]}"} 2>/dev/null
  b=$(now)
  target/release/canhbao build "$WORK/campaign" --out "$WORK/canhbao-off" --layout leaflet-a5 --no-package --force --preflight off 2>/dev/null
  c=$(now)
  ON_TIMES+=("$(python3 -c "print($b - $a)")")
  OFF_TIMES+=("$(python3 -c "print($c - $b)")")
done
# The ratios below use the median run with the preflight on.
ON_MEDIAN=$(python3 -c 'import statistics, sys; print(statistics.median(map(float, sys.argv[1:])))' "${ON_TIMES[@]}")
OFF_MEDIAN=$(python3 -c 'import statistics, sys; print(statistics.median(map(float, sys.argv[1:])))' "${OFF_TIMES[@]}")
t0=0
t1=$ON_MEDIAN
if [ -n "$SKIP_CLI" ]; then
  python3 - "$N" "$ON_MEDIAN" "$OFF_MEDIAN" "${PREFLIGHT:-default}" "${ON_TIMES[*]}" "${OFF_TIMES[*]}" <<'PY'
import sys
n, on, off, mode, ons, offs = sys.argv[1:]
on, off = float(on), float(off)
print(f"villages            {n}")
print(f"canhbao             {on:8.1f} s  ({1000 * on / int(n):.1f} ms per village; preflight {mode}, median of {ons})")
print(f"canhbao, no preflight {off:6.1f} s  ({1000 * off / int(n):.1f} ms per village; median of {offs})")
print(f"preflight cost      {100 * (on - off) / on:8.1f} %   of the time per village (target <= 10 %)")
PY
  exit 0
fi

# The same job data for the CLI (not timed): --emit-data writes each job's JSON.
target/release/canhbao build "$WORK/campaign" --out "$WORK/data" --layout leaflet-a5 --no-package --emit-data --force 2>/dev/null

# Stock CLI loop: one process per village, same layout, fonts and data.
t2=$(now)
for f in "$WORK"/data/leaflet-a5/*.json; do
  "$TYPST" compile --root . --font-path fonts --ignore-system-fonts \
    --input "data=/$f" layouts/leaflet-a5.typ "$WORK/cli/$(basename "$f" .json).pdf"
done
t3=$(now)

# One combined document of the same villages with the same layout (stock CLI).
python3 -c 'import json, pathlib, sys; d = sys.argv[1]; print(json.dumps(["/" + str(p) for p in sorted(pathlib.Path(d).glob("*.json"))]))' \
  "$WORK/data/leaflet-a5" > "$WORK/list.json"
t4=$(now)
"$TYPST" compile --root . --font-path fonts --ignore-system-fonts \
  --input "list=/$WORK/list.json" bench/combined.typ "$WORK/combined.pdf"
t5=$(now)

pdfs=$(ls "$WORK/canhbao/leaflet-a5" | grep -c '\.pdf$')
cli=$(ls "$WORK/cli" | grep -c '\.pdf$')
python3 - "$N" "$t0" "$t1" "$t2" "$t3" "$pdfs" "$cli" "$t4" "$t5" "$OFF_MEDIAN" "${PREFLIGHT:-default}" "${ON_TIMES[*]}" "${OFF_TIMES[*]}" <<'PY'
import sys
n, t0, t1, t2, t3, pdfs, cli, t4, t5, off, mode, ons, offs = sys.argv[1:]
ours, loop = float(t1) - float(t0), float(t3) - float(t2)
combined = float(t5) - float(t4)
print(f"villages            {n}")
off = float(off)
print(f"canhbao             {ours:8.1f} s  ({pdfs} PDFs, {1000 * ours / int(n):.1f} ms per village; "
      f"preflight {mode}, median of {ons})")
print(f"canhbao, no preflight {off:6.1f} s  ({1000 * off / int(n):.1f} ms per village; median of {offs})")
print(f"preflight cost      {100 * (ours - off) / ours:8.1f} %   of the time per village (target <= 10 %)")
print(f"typst CLI loop      {loop:8.1f} s  ({cli} PDFs, {1000 * loop / int(n):.1f} ms per village)")
print(f"combined document   {combined:8.1f} s  (1 PDF, {1000 * combined / int(n):.1f} ms per village)")
print(f"ratio loop/ours     {loop / ours:8.2f}x   (target >= 15, issue 26)")
print(f"ratio ours/combined {ours / combined:8.2f}x   (target <= 1.2)")
PY
