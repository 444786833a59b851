#!/usr/bin/env bash
# Reproduces the table of docs/distributed.md: training steps/s of the shipped restorer's recipe
# (RestorerNet w16 conditioned on DiagNet, crops of 96 px) with 1 process and with 2 processes on
# loopback, and the gradient all-reduce's time per step. Run it alone on the machine.
#   bench/distributed_bench.sh [DATA_DIR] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data/train/div2k256}
STEPS=${2:-150}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT
CORES=$(nproc)
COMMON=(--data "$DATA" --reasoner models/reasoner.safetensors --steps "$STEPS" --crop 96 --checkpoint-every 100000)

# last progress line's steps/s and all-reduce ms of a log
rate() { grep "^step $STEPS/" "$1" | sed -E 's/.*  ([0-9.]+) steps\/s.*/\1/'; }
reduce_ms() { grep "^step $STEPS/" "$1" | grep -oE "all-reduce [0-9.]+" | cut -d' ' -f2 || true; }

row() {  # NAME RANKS THREADS_PER_RANK BATCH_PER_RANK
  local name=$1 ranks=$2 threads=$3 batch=$4 port=$((20000 + RANDOM % 30000))
  for ((r = 0; r < ranks; r++)); do
    build/rirf --threads "$threads" train restorer "${COMMON[@]}" --batch "$batch" --out "$WORK/$name$r" \
      --world-size "$ranks" --rank $r --master 127.0.0.1:$port >"$WORK/$name$r.log" 2>&1 &
  done
  wait
  local steps ms
  steps=$(rate "$WORK/${name}0.log")
  ms=$(reduce_ms "$WORK/${name}0.log")
  printf "| %s | %d | %d | %d | %d | %s | %.1f | %s |\n" "$name" "$ranks" "$threads" "$batch" $((ranks * batch)) \
    "$steps" "$(echo "$steps * $ranks * $batch" | bc -l)" "${ms:--}"
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $CORES cores; $STEPS steps each"
echo
echo "| run | ranks | threads/rank | batch/rank | global batch | steps/s | samples/s | all-reduce ms/step |"
echo "|---|---|---|---|---|---|---|---|"
row one-process 1 "$CORES" 8
row two-ranks-same-global-batch 2 $((CORES / 2 > 0 ? CORES / 2 : 1)) 4
row two-ranks-batch-8-each 2 $((CORES / 2 > 0 ? CORES / 2 : 1)) 8
row one-process-one-thread 1 1 4
