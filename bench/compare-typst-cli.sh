#!/usr/bin/env bash
# Builds the same leaflets for the same synthetic villages twice, with
# canhbao and with a loop around the stock typst CLI, and prints both wall
# times and their ratio. The CLI is pinned to the typst version canhbao
# embeds and installed into target/ when missing.
#
# Usage: bench/compare-typst-cli.sh [VILLAGES] (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-1000}
TYPST_VERSION=0.15.1
TYPST=target/typst-cli/bin/typst
if [ ! -x "$TYPST" ]; then
  cargo install --locked typst-cli --version "$TYPST_VERSION" --root target/typst-cli
fi
cargo build --release --quiet

WORK=target/bench-$N
rm -rf "$WORK"
mkdir -p "$WORK/cli"
python3 bench/gen-campaign.py "$N" "$WORK/campaign"

now() { date +%s.%N; }

# canhbao: one PDF per village, all cores, no print package (and, with
# --layout, no loudspeaker scripts: the same work as the loop below).
t0=$(now)
target/release/canhbao build "$WORK/campaign" --out "$WORK/canhbao" --layout leaflet-a5 --no-package --force 2>/dev/null
t1=$(now)

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
python3 - "$N" "$t0" "$t1" "$t2" "$t3" "$pdfs" "$cli" "$t4" "$t5" <<'PY'
import sys
n, t0, t1, t2, t3, pdfs, cli, t4, t5 = sys.argv[1:]
ours, loop = float(t1) - float(t0), float(t3) - float(t2)
combined = float(t5) - float(t4)
print(f"villages            {n}")
print(f"canhbao             {ours:8.1f} s  ({pdfs} PDFs, {1000 * ours / int(n):.1f} ms per village)")
print(f"typst CLI loop      {loop:8.1f} s  ({cli} PDFs, {1000 * loop / int(n):.1f} ms per village)")
print(f"combined document   {combined:8.1f} s  (1 PDF, {1000 * combined / int(n):.1f} ms per village)")
print(f"ratio loop/ours     {loop / ours:8.2f}x   (target >= 10)")
print(f"ratio ours/combined {ours / combined:8.2f}x   (target <= 1.2)")
PY
