#!/usr/bin/env bash
# Training throughput on a GPU node: the blind restorer alone for SECONDS at each batch size,
# with all but two cores making data, then its steps/s and the GPU's load. Builds first unless
# /tmp/rirf-build-gpu/rirf exists (a warm machine); DEVICE=cpu runs it without a GPU (a dry run).
# See docs/gpu-training.md.
#
#   scripts/gpu-probe.sh DEPS TRAIN_PACK[.gz] RESULTS SECONDS BATCH...
set -uo pipefail
deps=$1 pack=$2 results=$3 seconds=$4
shift 4
mkdir -p "$results"
rirf=/tmp/rirf-build-gpu/rirf
[ -x "$rirf" ] || "$(dirname "$0")/build-with-pytorch.sh" "$deps" /tmp/rirf-build-gpu >"$results/build.log" 2>&1 ||
  { grep -E "error|Error" "$results/build.log" | head -40; exit 1; }
case "$pack" in
  *.gz) gunzip -c "$pack" >/tmp/rirf-probe-pack.safetensors && pack=/tmp/rirf-probe-pack.safetensors ;;
esac
workers=$(($(nproc --all) - 2))
export LD_LIBRARY_PATH="$(cd "$deps" && pwd)/lib:${LD_LIBRARY_PATH:-}" OMP_NUM_THREADS=1
minutes=$(python3 -c "print($seconds / 60)")
for batch in "$@"; do
  "$rirf" --threads 1 train restorer --data "$pack" --out "/tmp/rirf-probe-$batch" --blind --batch "$batch" --crop 96 \
    --lr 1e-4 --steps 1000000 --minutes "$minutes" --data-workers "$workers" --device "${DEVICE:-cuda}" \
    --val-every 1000000 --checkpoint-every 1000000 >"$results/batch-$batch.log" 2>&1 &
  sleep $((seconds / 2))
  [ "${DEVICE:-cuda}" = cpu ] || echo "batch $batch, GPU busy %, memory: $(nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader)"
  wait
  echo "batch $batch: $(grep steps/s "$results/batch-$batch.log" | tail -1)"
done
