#!/usr/bin/env bash
# The main job on the bundled examples: diagnose the degraded examples with the shipped reasoner,
# restore them with the shipped restorer (report: diagnosis before -> residual diagnosis after),
# write a before | after sheet, then measure on a fixed-seed mixed suite made from the clean
# examples: PSNR/SSIM of the degraded inputs and of their restorations.
# Output: out/examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
RIRF=build/rirf
OUT=out/examples
mkdir -p "$OUT"
echo "== diagnosis of the bundled degraded examples (DiagNet, shipped weights) =="
"$RIRF" diagnose examples/degraded --out "$OUT/diagnosis.txt" && cat "$OUT/diagnosis.txt"
echo
echo "== restoration (shipped restorer, conditioned on that diagnosis) =="
"$RIRF" restore examples/degraded -o "$OUT/restored" --diagnosis-out "$OUT/restore_report.jsonl" \
  --sheet "$OUT/before_after.png"
echo "restored images: $OUT/restored/, diagnoses before and after: $OUT/restore_report.jsonl"
echo
echo "== a fixed-seed mixed suite from the clean examples: degraded input, then restored =="
"$RIRF" synth --clean examples/clean --out "$OUT/mixed" --suite mixed 2>/dev/null
"$RIRF" restore "$OUT/mixed/degraded" -o "$OUT/mixed/restored"
echo "degraded input:"
"$RIRF" eval --pred "$OUT/mixed/degraded" --gt "$OUT/mixed/clean"
echo "restored:"
"$RIRF" eval --pred "$OUT/mixed/restored" --gt "$OUT/mixed/clean"
