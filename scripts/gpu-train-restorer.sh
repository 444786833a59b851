#!/usr/bin/env bash
# On a GPU machine with PyTorch (and no Debian packages): builds rirf against PyTorch's libtorch,
# then trains the conditioned restorer and its blind twin side by side on the one GPU, with the
# same recipe, for what the time budget leaves after the build. See docs/gpu-training.md.
#
#   scripts/gpu-train-restorer.sh DEPS TRAIN_PACK VAL_PACK RESULTS BUDGET_S [trainer flags...]
#
# DEPS from scripts/gather-build-deps.sh; the packs from `rirf train pack` (the training pack may
# be gzipped); RESULTS receives {cond,blind}-restorer.safetensors, -config.json and .log, and
# build.log. --reasoner FILE and --init FILE go to the conditioned run, --init-blind FILE to the
# twin; every other flag to both. RIRF_PREBUILT=BINARY skips the build and DEVICE=cpu runs without
# a GPU (a dry run of this script on any machine).
set -uo pipefail
deps=$1 train_pack=$2 val_pack=$3 results=$4 budget=$5
shift 5
cond=() blind=() flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reasoner | --init) cond+=("$1" "$2"); shift 2 ;;
    --init-blind) blind+=(--init "$2"); shift 2 ;;
    *) flags+=("$1"); shift ;;
  esac
done
start=$(date +%s)
cores=$(nproc --all)  # before OMP_NUM_THREADS=1 below, which nproc obeys
mkdir -p "$results"
device=${DEVICE:-cuda}
rirf=${RIRF_PREBUILT:-}
if [ -z "$rirf" ]; then
  nvidia-smi -L
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
  "$(dirname "$0")/build-with-pytorch.sh" "$deps" /tmp/rirf-build-gpu >"$results/build.log" 2>&1 ||
    { grep -E "error|Error" "$results/build.log" | head -40; exit 1; }
  echo "built in $(($(date +%s) - start)) s"
  rirf=/tmp/rirf-build-gpu/rirf
fi
case "$train_pack" in
  *.gz) gunzip -c "$train_pack" >/tmp/rirf-train-pack.safetensors && train_pack=/tmp/rirf-train-pack.safetensors ;;
esac

export LD_LIBRARY_PATH="$(cd "$deps" && pwd)/lib:${LD_LIBRARY_PATH:-}" OMP_NUM_THREADS=1
minutes=$(python3 -c "print(round(($budget - ($(date +%s) - $start) - 60) / 60, 2))")
# Two cores for the training loops, the rest make data. The reasoner's diagnosis of every crop
# makes the conditioned run's data dearer: on the H200 node (2026-11-30, width 32, batch 128) a
# worker made about 60 conditioned or 380 blind crops/s, so the conditioned run gets 6/7 of the
# workers (16 cores: 12 and 2) and both runs see about as many crops.
workers_cond=$(((cores - 2) * 6 / 7 > 1 ? (cores - 2) * 6 / 7 : 1))
workers_blind=$((cores - workers_cond - 2 > 1 ? cores - workers_cond - 2 : 1))
echo "training for $minutes minutes; data workers: $workers_cond conditioned, $workers_blind blind"
common=(--data "$train_pack" --val "$val_pack" --minutes "$minutes" --device "$device" "${flags[@]}")
$rirf --threads 1 train restorer "${common[@]}" "${cond[@]}" --out /tmp/rirf-cond --data-workers "$workers_cond" \
  >"$results/cond.log" 2>&1 &
$rirf --threads 1 train restorer "${common[@]}" --out /tmp/rirf-blind --blind "${blind[@]}" \
  --data-workers "$workers_blind" >"$results/blind.log" 2>&1 &
sleep 60
[ "$device" = cpu ] || nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv
uptime
wait
for run in cond blind; do
  cp /tmp/rirf-$run/restorer.safetensors "$results/$run-restorer.safetensors"
  cp /tmp/rirf-$run/config.json "$results/$run-config.json"
  grep -E "validation at|steps/s" "$results/$run.log" | tail -2
done
echo "done in $(($(date +%s) - start)) s"
