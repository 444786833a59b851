#!/usr/bin/env bash
# The main job on the bundled examples. Until the restorer exists, that is: degrade each example
# (the ground-truth plan is written beside it), diagnose the bundled degraded and clean examples
# with the shipped reasoner, make a fixed-seed mixed suite and measure it with rirf eval.
# Output: out/examples/.
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
echo
echo "== diagnosis of the bundled degraded examples (DiagNet, shipped weights) =="
"$RIRF" diagnose examples/degraded --out "$OUT/diagnosis.txt" && cat "$OUT/diagnosis.txt"
"$RIRF" diagnose examples/degraded examples/clean --json --out "$OUT/diagnosis.jsonl"
"$RIRF" diagnose examples/degraded examples/clean --backend classical --json --out "$OUT/diagnosis_classical.jsonl"
echo "JSON diagnoses: $OUT/diagnosis.jsonl (DiagNet), $OUT/diagnosis_classical.jsonl (classical)"
echo
"$RIRF" synth --clean examples/clean --out "$OUT/mixed" --suite mixed
"$RIRF" eval --pred "$OUT/mixed/degraded" --gt "$OUT/mixed/clean"
