#!/usr/bin/env bash
# Data-parallel training through the real binary, two ranks on loopback: they train (the trainer
# checks at every checkpoint that their parameters are bit-identical), resume, and take their
# setup from torchrun's variables; a rank that dies, or never comes, ends the other with one
# clear error line in bounded time.
#   tests/test_distributed_cli.sh PATH/TO/rirf SOURCE_DIR
set -u
RIRF=$1
SRC=$2
WORK=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
DATA="$SRC/tests/data/golden"
TINY=(--data "$DATA" --blind --width 4 --batch 2 --crop 32)
port() { echo $((20000 + RANDOM % 30000)); }

# waits up to $2 seconds for process $1; prints how long it took, or "timeout"
wait_for() {
  local start=$SECONDS
  while kill -0 "$1" 2>/dev/null; do
    [ $((SECONDS - start)) -lt "$2" ] || { echo timeout; return; }
    sleep 0.2
  done
  echo $((SECONDS - start))
}

# --- two ranks train, checking their parameters after every step, then resume ---------------
P=$(port)
for r in 0 1; do
  "$RIRF" --threads 1 train restorer "${TINY[@]}" --steps 4 --checkpoint-every 1 --out "$WORK/run$r" \
    --world-size 2 --rank $r --master 127.0.0.1:$P --dist-timeout 60 >"$WORK/log$r" 2>&1 &
done
wait %1 || fail "rank 0: $(tail -3 "$WORK/log0")"
wait %2 || fail "rank 1: $(tail -3 "$WORK/log1")"
grep -q "waiting up to 60 s for 1 more rank(s) to join at 127.0.0.1:$P" "$WORK/log0" || fail "rank 0 did not say it waits"
grep -q "data-parallel over 2 ranks" "$WORK/log0" || fail "rank 0 did not report the group"
[ -s "$WORK/run0/restorer.safetensors" ] || fail "rank 0 wrote no weights"
[ ! -e "$WORK/run1" ] || fail "rank 1 wrote a run folder"
[ ! -s "$WORK/log1" ] || fail "rank 1 logged: $(cat "$WORK/log1")"
echo "ok   two ranks, parameters identical at every step"

P=$(port)
for r in 0 1; do
  "$RIRF" --threads 1 train restorer "${TINY[@]}" --steps 6 --checkpoint-every 1 --out "$WORK/run$r" --resume \
    --world-size 2 --rank $r --master 127.0.0.1:$P --dist-timeout 60 >"$WORK/log$r" 2>&1 &
done
wait %1 || fail "resumed rank 0: $(tail -3 "$WORK/log0")"
wait %2 || fail "resumed rank 1 (no run folder of its own): $(tail -3 "$WORK/log1")"
grep -q "resumed at step 4" "$WORK/log0" || fail "rank 0 did not resume at step 4"
grep -q '"step": 6' "$WORK/run0/state.json" || fail "resumed run did not reach step 6"
echo "ok   two ranks resume from rank 0's checkpoint"

# --- the reasoner's trainer, set up from torchrun's environment variables ---------------------
P=$(port)
for r in 0 1; do
  WORLD_SIZE=2 RANK=$r MASTER_ADDR=127.0.0.1 MASTER_PORT=$P LOCAL_WORLD_SIZE=2 \
    "$RIRF" train reasoner --data "$DATA" --steps 2 --batch 2 --crop 32 --checkpoint-every 1 \
    --out "$WORK/reason$r" >"$WORK/log$r" 2>&1 &
done
wait %1 || fail "reasoner rank 0: $(tail -3 "$WORK/log0")"
wait %2 || fail "reasoner rank 1: $(tail -3 "$WORK/log1")"
[ -s "$WORK/reason0/reasoner.safetensors" ] && [ ! -e "$WORK/reason1" ] || fail "reasoner ranks wrote the wrong folders"
echo "ok   reasoner over two ranks from RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT"

# --- a rank that dies ends the other with one error line -------------------------------------
P=$(port)
for r in 0 1; do
  "$RIRF" --threads 1 train restorer "${TINY[@]}" --steps 1000000 --out "$WORK/long$r" \
    --world-size 2 --rank $r --master 127.0.0.1:$P --dist-timeout 30 >"$WORK/out$r" 2>"$WORK/err$r" &
done
PID0=$(jobs -p %1)
PID1=$(jobs -p %2)
for _ in $(seq 300); do grep -q "^step " "$WORK/out0" && break; sleep 0.2; done
grep -q "^step " "$WORK/out0" || fail "the long run never logged a step: $(cat "$WORK/err0")"
kill -9 "$PID1"
took=$(wait_for "$PID0" 40)
if [ "$took" = timeout ]; then
  fail "rank 0 still running 40 s after rank 1 died"
  kill -9 "$PID0"
else
  wait "$PID0"
  rc=$?
  [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] || fail "rank 0 exit code $rc after rank 1 died"
  [ "$(wc -l <"$WORK/err0")" -eq 1 ] || fail "rank 0: expected one error line, got: $(cat "$WORK/err0")"
  echo "ok   rank 1 killed: rank 0 ended in ${took} s: $(cat "$WORK/err0")"
fi
wait "$PID1" 2>/dev/null

# --- one error line, no run folder, for a group that never forms and for bad settings --------
expect_error() {
  local name=$1 must_not_exist=$2
  shift 3
  local start=$SECONDS
  "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  local rc=$? lines
  lines=$(wc -l <"$WORK/stderr")
  [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] || fail "$name: exit code $rc"
  [ "$lines" -eq 1 ] || fail "$name: expected one error line, got $lines: $(cat "$WORK/stderr")"
  [ ! -e "$must_not_exist" ] || fail "$name: left $must_not_exist behind"
  [ $((SECONDS - start)) -lt 30 ] || fail "$name: took $((SECONDS - start)) s"
  echo "ok   $name: $(cat "$WORK/stderr")"
}
expect_error "rank 1 never comes" "$WORK/alone" -- "$RIRF" train restorer "${TINY[@]}" --steps 2 --out "$WORK/alone" \
  --world-size 2 --rank 0 --master 127.0.0.1:$(port) --dist-timeout 2
# A timeout of 6 s: the notice comes at 3 s. With 2 s it was due at 1 s, and c10d's connect gives
# up about 0.4 s before the timeout here: in one ctest -j2 run (2026-12-01) it was missing.
expect_error "rank 0 never comes" "$WORK/alone" -- "$RIRF" train restorer "${TINY[@]}" --steps 2 --out "$WORK/alone" \
  --world-size 2 --rank 1 --master 127.0.0.1:$(port) --dist-timeout 6
grep -q "rank 1 of 2: still waiting to join the group at 127.0.0.1:.* (gives up after 6 s)" "$WORK/stdout" \
  || fail "rank 1 did not say it was still waiting: $(cat "$WORK/stdout")"
expect_error "rank outside the world" "$WORK/alone" -- "$RIRF" train restorer "${TINY[@]}" --steps 2 --out "$WORK/alone" \
  --world-size 2 --rank 2
expect_error "master without a port" "$WORK/alone" -- "$RIRF" train reasoner --data "$DATA" --steps 2 --out "$WORK/alone" \
  --world-size 2 --rank 1 --master 127.0.0.1
expect_error "RANK not a number" "$WORK/alone" -- env RANK=first WORLD_SIZE=2 "$RIRF" train restorer "${TINY[@]}" \
  --steps 2 --out "$WORK/alone"

if [ "$failures" -ne 0 ]; then
  echo "$failures distributed check(s) failed"
  exit 1
fi
echo "all distributed checks passed"
