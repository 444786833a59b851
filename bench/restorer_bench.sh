#!/usr/bin/env bash
# Reproduces the tables of docs/notebook/restorer.md: quality of the shipped restorer beside the degraded
# input, its blind twin and OpenCV's non-local means on Kodak24 and McMaster, then speed at 1 MP
# and peak memory at 24 MP (run alone: nothing else on the machine).
#   bench/restorer_bench.sh [VAL_DIR] [BLIND_WEIGHTS]
# Needs a build (scripts/build.sh) and, for the classical column, python3-opencv (apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."
VAL=${1:-../shared/data/val}
BLIND=${2:-models/restorer_blind.safetensors}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SETS=(--val "$VAL/kodak24" --val "$VAL/mcmaster")
build/bench_restorer "${SETS[@]}" --write-inputs "$WORK/in"
/usr/bin/python3 bench/classical_restore.py "$WORK/in" "$WORK/nlm"
build/bench_restorer "${SETS[@]}" --blind "$BLIND" --external "OpenCV NLM=$WORK/nlm" --speed-mp 1
build/bench_restorer --val "$VAL/kodak24" --memory-mp 24
