#!/usr/bin/env bash
# The main job on the bundled examples. Until the reasoner and restorer exist, that is: degrade
# each example (the ground-truth plan is written beside it), make a fixed-seed mixed suite from
# them, and measure how much each degradation costs with rirf eval. Output: out/examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
RIRF=build/rirf
OUT=out/examples
mkdir -p "$OUT/degraded"
for image in examples/clean/*.png; do
  name=$(basename "$image" .png)
  "$RIRF" degrade "$image" "$OUT/degraded/$name.png" --type haze,noise --severity 45 --seed 1
  echo "$OUT/degraded/$name.png  (plan: $OUT/degraded/$name.plan.json)"
done
"$RIRF" synth --clean examples/clean --out "$OUT/mixed" --suite mixed
"$RIRF" eval --pred "$OUT/mixed/degraded" --gt "$OUT/mixed/clean"
