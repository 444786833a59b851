#!/usr/bin/env bash
# End-to-end tests of the real `rirf` binary: every command on good input, and on bad input one
# error line, a non-zero exit and no output file.
#   tests/test_cli.sh PATH/TO/rirf SOURCE_DIR
set -u
RIRF=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_error NAME OUTPUT_THAT_MUST_NOT_EXIST -- COMMAND...
expect_error() {
  local name=$1 must_not_exist=$2
  shift 3
  "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  local rc=$?
  local lines
  lines=$(wc -l <"$WORK/stderr")
  [ "$rc" -ne 0 ] || fail "$name: exit code 0"
  [ "$rc" -lt 128 ] || fail "$name: crashed (exit $rc)"
  [ "$lines" -eq 1 ] || fail "$name: expected one error line, got $lines: $(cat "$WORK/stderr")"
  [ -z "$must_not_exist" ] || [ ! -e "$must_not_exist" ] || fail "$name: left $must_not_exist behind"
  if ls -a "$WORK/out" 2>/dev/null | grep -q '\.tmp-'; then fail "$name: left a temporary file"; fi
  echo "ok   $name: $(cat "$WORK/stderr")"
}

mkdir -p "$WORK/out" "$WORK/clean" "$WORK/empty"
cp "$SRC/tests/data/golden/p1_clean.png" "$WORK/clean/a.png"
cp "$SRC/tests/data/golden/p4_clean.png" "$WORK/clean/b.png"
IMG="$WORK/clean/a.png"
head -c 3000 "$IMG" >"$WORK/truncated.png"
echo "not an image" >"$WORK/text.png"
: >"$WORK/empty.png"
echo '{"steps": [' >"$WORK/malformed.json"
echo '{"steps": [{"type": "noise", "factors": {"sigma": 500}}]}' >"$WORK/badrange.json"

# --- good input ---------------------------------------------------------------------------------
"$RIRF" --help >/dev/null || fail "--help"
for cmd in degrade synth eval; do "$RIRF" $cmd --help >/dev/null || fail "$cmd --help"; done
"$RIRF" degrade "$IMG" "$WORK/out/d.png" --type noise,haze --severity 40 --seed 3 || fail "degrade"
[ -s "$WORK/out/d.plan.json" ] || fail "degrade wrote no plan"
"$RIRF" degrade "$IMG" "$WORK/out/again.png" --plan "$WORK/out/d.plan.json" || fail "degrade --plan"
cmp -s "$WORK/out/d.png" "$WORK/out/again.png" || fail "re-applying the plan gave different bytes"
"$RIRF" degrade "$IMG" "$WORK/out/j.jpg" --type jpeg --severity 70 --quality 90 || fail "degrade to jpeg"
"$RIRF" synth --clean "$WORK/clean" --out "$WORK/suite" --suite denoise-25 >/dev/null 2>&1 || fail "synth --suite"
[ "$(wc -l <"$WORK/suite/manifest.jsonl")" -eq 2 ] || fail "synth manifest should have 2 lines"
"$RIRF" synth --clean "$WORK/clean" --out "$WORK/mixed" --count 3 --seed 9 >/dev/null 2>&1 || fail "synth --count"
[ "$(ls "$WORK/mixed/degraded" | wc -l)" -eq 3 ] || fail "synth --count 3 should write 3 pairs"
"$RIRF" synth --list-suites | grep -q denoise-50 || fail "synth --list-suites"
"$RIRF" eval --pred "$WORK/suite/degraded" --gt "$WORK/suite/clean" >"$WORK/table.md" || fail "eval"
grep -q "mean of 2" "$WORK/table.md" || fail "eval table has no mean row"
"$RIRF" eval --pred "$WORK/suite/degraded" --gt "$WORK/suite/clean" --json | grep -q '"psnr"' || fail "eval --json"
"$RIRF" eval --pred "$WORK/suite/degraded" --gt "$WORK/suite/clean" --csv | grep -q '^mean,' || fail "eval --csv"
"$RIRF" eval --pred "$IMG" --gt "$IMG" --csv | grep -q '^mean,100' || fail "eval of identical files"

# A real (tiny) training run, then diagnosis with its weights: the whole reasoner path end to end.
"$RIRF" train reasoner --data "$SRC/tests/data/golden" --out "$WORK/run" --steps 2 --batch 2 --crop 32 >/dev/null 2>&1 \
  || fail "train reasoner"
for f in config.json state.json checkpoint.safetensors reasoner.safetensors; do
  [ -s "$WORK/run/$f" ] || fail "train reasoner wrote no $f"
done
"$RIRF" train reasoner --data "$SRC/tests/data/golden" --out "$WORK/run" --steps 3 --batch 2 --crop 32 --resume 2>&1 \
  | grep -q "resumed at step 2" || fail "train reasoner --resume"
"$RIRF" train reasoner --data "$SRC/tests/data/golden" --out "$WORK/run5" --steps 1 --batch 2 --crop 32 \
  --init "$WORK/run/reasoner.safetensors" --exclude p1_clean.png --exclude p1_degraded.png --exclude p1_clean.png 2>&1 \
  | grep -q "training photos: 6" || fail "train reasoner --init --exclude"
"$RIRF" train reasoner --data "$SRC/tests/data/golden" --out "$WORK/runclean" --steps 2 --batch 4 --crop 32 --clean 0.5 \
  --haze-context 64 --camera 0.5 >/dev/null 2>&1 && grep -q '"clean_probability": 0.5' "$WORK/runclean/config.json" \
  && grep -q '"haze_context": 64' "$WORK/runclean/config.json" && grep -q '"camera_probability": 0.5' "$WORK/runclean/config.json" \
  && [ -s "$WORK/runclean/reasoner.safetensors" ] || fail "train reasoner --clean --haze-context --camera"
# Whole pictures read on their 3x3 tiles of the crop's size (up to 128 px: nine 32 px tiles).
"$RIRF" train reasoner --data "$SRC/tests/data/golden" --out "$WORK/runwhole" --steps 2 --batch 4 --crop 32 \
  --whole-images 1 --whole-image-max 128 >/dev/null 2>&1 && grep -q '"whole_image_probability": 1.0' "$WORK/runwhole/config.json" \
  && grep -q '"whole_image_max": 128' "$WORK/runwhole/config.json" && [ -s "$WORK/runwhole/reasoner.safetensors" ] \
  || fail "train reasoner --whole-images --whole-image-max"
expect_error "train reasoner whole pictures smaller than the crop" "$WORK/runsmall" -- \
  "$RIRF" train reasoner --data "$SRC/tests/data/golden" --out "$WORK/runsmall" --steps 1 --crop 64 --whole-images 0.5 --whole-image-max 32
W="$WORK/run/reasoner.safetensors"
"$RIRF" diagnose "$IMG" --weights "$W" | grep -q "^plan: " || fail "diagnose (text)"
"$RIRF" diagnose "$IMG" --reasoner "$W" | grep -q "^plan: " || fail "diagnose --reasoner (the same flag as restore's)"
[ "$("$RIRF" diagnose "$WORK/clean" "$IMG" --weights "$W" --json | grep -c '"schema":"rirf.diagnosis/1"')" -eq 2 ] \
  || fail "diagnose --json should print one line per image (the file also named in its folder once)"
"$RIRF" diagnose "$IMG" --backend classical --json --out "$WORK/out/d.json" && grep -q '"backend":"classical"' "$WORK/out/d.json" \
  || fail "diagnose --backend classical --out"

# A tiny restorer trained for real (conditioned on the tiny reasoner above, and its blind twin),
# then `rirf restore` end to end with those weights.
"$RIRF" train restorer --data "$SRC/tests/data/golden" --out "$WORK/rrun" --reasoner "$W" --val "$WORK/clean" \
  --steps 2 --batch 2 --crop 32 --width 4 --val-every 2 --val-crop 32 >"$WORK/rtrain.log" 2>&1 || fail "train restorer: $(tail -3 "$WORK/rtrain.log")"
for f in config.json state.json checkpoint.safetensors ema.safetensors optimizer.pt restorer.safetensors; do
  [ -s "$WORK/rrun/$f" ] || fail "train restorer wrote no $f"
done
grep -q "validation at step 2" "$WORK/rtrain.log" || fail "train restorer did not validate"
grep -q '"condition_view": 256' "$WORK/rrun/config.json" || fail "train restorer: the condition view is not 256 by default"
"$RIRF" train restorer --data "$SRC/tests/data/golden" --out "$WORK/rrun" --reasoner "$W" --steps 3 --batch 2 --crop 32 \
  --width 4 --resume 2>&1 | grep -q "resumed at step 2" || fail "train restorer --resume"
"$RIRF" train restorer --data "$SRC/tests/data/golden" --out "$WORK/rblind" --blind --steps 1 --batch 2 --crop 32 \
  --width 4 >/dev/null 2>&1 || fail "train restorer --blind"
# A run's config.json starts another run with every option in it; a flag beside it wins.
"$RIRF" train restorer --config "$WORK/rrun/config.json" --out "$WORK/rconfig" --steps 1 >"$WORK/rconfig.log" 2>&1 \
  || fail "train restorer --config: $(tail -3 "$WORK/rconfig.log")"
grep -q '"steps": 1,' "$WORK/rconfig/config.json" && grep -q '"width": 4$' "$WORK/rconfig/config.json" \
  && grep -q '"crop": 32,' "$WORK/rconfig/config.json" || fail "train restorer --config: lost the file's options or a flag"
sed 's/"width": 4/"colour": 4/' "$WORK/rrun/config.json" >"$WORK/badconfig.json"
expect_error "train restorer --config with an unknown key" "$WORK/rbadconfig" -- \
  "$RIRF" train restorer --config "$WORK/badconfig.json" --out "$WORK/rbadconfig"
grep -q "colour: unknown key" "$WORK/stderr" || fail "train --config: the unknown key is not named"
expect_error "train restorer without --data" "$WORK/rnodata" -- "$RIRF" train restorer --blind --out "$WORK/rnodata"
grep -q -- "--data: not given" "$WORK/stderr" || fail "train restorer without --data: the flag is not named"
# Photo packs (for a training node without image decoders) and batches made by worker threads.
"$RIRF" train pack --data "$SRC/tests/data/golden" --out "$WORK/pack.safetensors" --max-side 48 2>&1 \
  | grep -q "packed 8 photos" || fail "train pack"
"$RIRF" train pack --data "$WORK/clean" --out "$WORK/valpack.safetensors" --center --max-side 32 >/dev/null 2>&1 || fail "train pack --center"
"$RIRF" train pack --data "$SRC/tests/data/golden" --out "$WORK/jpegpack.safetensors" --max-side 4096 --quality 90 2>&1 \
  | grep -q "packed 8 photos .* as JPEG quality 90" || fail "train pack --quality"
"$RIRF" train pack --data "$SRC/tests/data/golden" --out "$WORK/badpack.safetensors" --quality 101 >/dev/null 2>&1 \
  && fail "train pack --quality 101 accepted"
[ -e "$WORK/badpack.safetensors" ] && fail "train pack --quality 101 left a file"
"$RIRF" train restorer --data "$WORK/pack.safetensors" --val "$WORK/valpack.safetensors" --val-crop 32 --out "$WORK/rpack" \
  --reasoner "$W" --steps 3 --batch 2 --crop 32 --width 4 --val-every 3 --data-workers 2 --minutes 5 >"$WORK/rpack.log" 2>&1 \
  || fail "train restorer from a pack with data workers: $(tail -3 "$WORK/rpack.log")"
grep -q "training photos: 8; training on cpu" "$WORK/rpack.log" || fail "train restorer did not read the pack"
grep -q "validation at step 3" "$WORK/rpack.log" || fail "train restorer did not validate on the packed photos"
"$RIRF" train reasoner --data "$WORK/pack.safetensors" --out "$WORK/rrpack" --steps 3 --batch 2 --crop 32 \
  --type-weight blur=2 --data-workers 2 --minutes 5 >"$WORK/rrpack.log" 2>&1 || fail "train reasoner with data workers: $(tail -3 "$WORK/rrpack.log")"
[ -s "$WORK/rrpack/reasoner.safetensors" ] || fail "train reasoner with data workers wrote no weights"
grep -q '"blur": 2' "$WORK/rrpack/config.json" || fail "train reasoner config lacks the type weights"
R="$WORK/rrun/restorer.safetensors"
"$RIRF" train restorer --data "$SRC/tests/data/golden" --out "$WORK/rinit" --reasoner "$W" --init "$R" --loss psnr-fft \
  --single 0.5 --type-weight noise=3 --type-weight jpeg=0 --steps 1 --batch 2 --crop 32 --width 4 >/dev/null 2>&1 \
  || fail "train restorer --init --loss psnr-fft --single --type-weight"
grep -q '"noise": 3' "$WORK/rinit/config.json" || fail "train restorer config lacks the type weights"
grep -q '"loss": "psnr-fft"' "$WORK/rinit/config.json" || fail "train restorer config lacks the loss"
"$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$SRC/tests/data/golden" --val "$WORK/clean" --val-crop 32 \
  --out "$WORK/rl" --steps 2 --batch 2 --crop 32 --group 3 --atoms 8 --val-every 2 >"$WORK/rl.log" 2>&1 || fail "train rl: $(tail -3 "$WORK/rl.log")"
[ -s "$WORK/rl/rl.safetensors" ] || fail "train rl wrote no rl.safetensors"
grep -q "residual severity" "$WORK/rl.log" || fail "train rl logged no residual severity"
"$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$SRC/tests/data/golden" --out "$WORK/rl" --steps 3 --batch 2 \
  --crop 32 --group 3 --atoms 8 --resume 2>&1 | grep -q "resumed at step 2" || fail "train rl --resume"
"$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/pack.safetensors" --out "$WORK/rlw" --steps 2 --batch 2 \
  --crop 32 --group 3 --atoms 8 --data-workers 2 --minutes 5 >"$WORK/rlw.log" 2>&1 || fail "train rl with data workers: $(tail -3 "$WORK/rlw.log")"
[ -s "$WORK/rlw/rl.safetensors" ] || fail "train rl with data workers wrote no weights"
"$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/pack.safetensors" --out "$WORK/rlp" --steps 1 --batch 2 \
  --crop 32 --group 3 --atoms 8 --loss psnr --type-weight blur=2 >"$WORK/rlp.log" 2>&1 || fail "train rl --loss psnr: $(tail -3 "$WORK/rlp.log")"
grep -q "psnr -" "$WORK/rlp.log" || fail "train rl --loss psnr logged no PSNR loss"
grep -q '"blur": 2' "$WORK/rlp/config.json" || fail "train rl config lacks the type weights"
"$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/pack.safetensors" --out "$WORK/rlf" --steps 2 --batch 2 \
  --crop 32 --group 4 --explore film --mirrored --sigma 0.1 >"$WORK/rlf.log" 2>&1 || fail "train rl --explore film: $(tail -3 "$WORK/rlf.log")"
grep -q "FiLM modulations" "$WORK/rlf.log" && [ -s "$WORK/rlf/rl.safetensors" ] || fail "train rl --explore film wrote no weights"
"$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/pack.safetensors" --out "$WORK/rlo" --steps 3 --batch 2 \
  --crop 32 --group 3 --atoms 8 --explore-on haze,noise >"$WORK/rlo.log" 2>&1 || fail "train rl --explore-on: $(tail -3 "$WORK/rlo.log")"
grep -q "exploring only inputs degraded by: haze, noise" "$WORK/rlo.log" && grep -q '"haze"' "$WORK/rlo/config.json" &&
  [ -s "$WORK/rlo/rl.safetensors" ] || fail "train rl --explore-on"
"$RIRF" restore "$IMG" -o "$WORK/out/rl.png" --reasoner "$W" --weights "$WORK/rl/rl.safetensors" >/dev/null || fail "restore with RL weights"
"$RIRF" restore "$IMG" -o "$WORK/out/r.png" --reasoner "$W" --weights "$R" --diagnosis-out "$WORK/out/r.jsonl" \
  --sheet "$WORK/out/sheet.png" >"$WORK/restore.txt" || fail "restore"
grep -q " -> $WORK/out/r.png" "$WORK/restore.txt" || fail "restore printed no report: $(cat "$WORK/restore.txt")"
[ -s "$WORK/out/r.png" ] && [ -s "$WORK/out/sheet.png" ] || fail "restore wrote no image or sheet"
grep -q '"after"' "$WORK/out/r.jsonl" || fail "restore --diagnosis-out has no after diagnosis"
"$RIRF" eval --pred "$WORK/out/r.png" --gt "$IMG" >/dev/null || fail "restored image has another size than its input"
"$RIRF" restore "$WORK/clean" "$IMG" -o "$WORK/rfolder" --reasoner "$W" --weights "$WORK/rblind/restorer.safetensors" \
  --tile 64 --overlap 16 >/dev/null || fail "restore several inputs into a folder (blind twin, tiled)"
[ "$(ls "$WORK/rfolder" | wc -l)" -eq 2 ] || fail "restore of a folder and a file should write 2 images"
"$RIRF" restore "$IMG" -o "$WORK/out/k.png" --reasoner "$W" --weights "$R" --strength 0 >/dev/null || fail "restore --strength 0"
"$RIRF" eval --pred "$WORK/out/k.png" --gt "$IMG" --csv | grep -q '^mean,100' || fail "--strength 0 changed the image"
"$RIRF" restore "$IMG" -o "$WORK/out/n.png" --backend classical --weights "$R" --only noise,jpeg >/dev/null \
  || fail "restore --backend classical --only"
"$RIRF" restore "$IMG" -o "$WORK/out/d.png" --reasoner "$W" --weights "$R" --deconvolve 0 >/dev/null \
  || fail "restore --deconvolve 0"
"$RIRF" restore "$IMG" -o "$WORK/out/e.png" --reasoner "$W" --weights "$R" --ensemble 4 >/dev/null \
  || fail "restore --ensemble 4"
"$RIRF" restore "$IMG" -o "$WORK/out/x1.png" --reasoner "$W" --weights "$R" --expert noise="$R" --expert jpeg="$R" >/dev/null \
  || fail "restore --expert (routed)"

# --- bad input: one error line, non-zero exit, no output ------------------------------------------
O="$WORK/out/x.png"
expect_error "degrade missing input" "$O" -- "$RIRF" degrade "$WORK/nope.png" "$O" --type noise
expect_error "degrade truncated input" "$O" -- "$RIRF" degrade "$WORK/truncated.png" "$O" --type noise
expect_error "degrade text as image" "$O" -- "$RIRF" degrade "$WORK/text.png" "$O" --type noise
expect_error "degrade empty file" "$O" -- "$RIRF" degrade "$WORK/empty.png" "$O" --type noise
expect_error "degrade folder as input" "$O" -- "$RIRF" degrade "$WORK/clean" "$O" --type noise
expect_error "degrade unknown type" "$O" -- "$RIRF" degrade "$IMG" "$O" --type fog
expect_error "degrade severity out of range" "$O" -- "$RIRF" degrade "$IMG" "$O" --type noise --severity 200
expect_error "degrade severity not a number" "$O" -- "$RIRF" degrade "$IMG" "$O" --type noise --severity lots
expect_error "degrade no type or plan" "$O" -- "$RIRF" degrade "$IMG" "$O"
expect_error "degrade bad output extension" "$WORK/out/x.bmp" -- "$RIRF" degrade "$IMG" "$WORK/out/x.bmp" --type noise
expect_error "degrade output folder missing" "$WORK/out/no/x.png" -- "$RIRF" degrade "$IMG" "$WORK/out/no/x.png" --type noise
expect_error "degrade malformed plan JSON" "$O" -- "$RIRF" degrade "$IMG" "$O" --plan "$WORK/malformed.json"
expect_error "degrade plan value out of range" "$O" -- "$RIRF" degrade "$IMG" "$O" --plan "$WORK/badrange.json"
printf '{"schema": "rirf.plan/1", "steps": [{"type": "noise", "factors": {"sigma": 1e400}}]}' >"$WORK/overflow.json"
expect_error "degrade plan number too large for a double" "$O" -- "$RIRF" degrade "$IMG" "$O" --plan "$WORK/overflow.json"
expect_error "degrade plan from a device without end" "$O" -- "$RIRF" degrade "$IMG" "$O" --plan /dev/zero
expect_error "diagnose weights from a device without end" "" -- "$RIRF" diagnose "$IMG" --weights /dev/zero
expect_error "degrade missing plan" "$O" -- "$RIRF" degrade "$IMG" "$O" --plan "$WORK/nope.json"
expect_error "degrade quality 0" "$O" -- "$RIRF" degrade "$IMG" "$O" --type noise --quality 0
expect_error "degrade pixel limit" "$O" -- "$RIRF" degrade "$IMG" "$O" --type noise --max-pixels 100
expect_error "degrade unknown flag" "$O" -- "$RIRF" degrade "$IMG" "$O" --type noise --colour red
[ ! -e "$WORK/out/x.plan.json" ] || fail "a failed degrade left a plan file"
expect_error "synth unknown suite" "$WORK/s1" -- "$RIRF" synth --clean "$WORK/clean" --out "$WORK/s1" --suite nope
expect_error "synth empty folder" "$WORK/s2/manifest.jsonl" -- "$RIRF" synth --clean "$WORK/empty" --out "$WORK/s2" --count 2
expect_error "synth missing folder" "$WORK/s3" -- "$RIRF" synth --clean "$WORK/nope" --out "$WORK/s3" --count 2
expect_error "synth both suite and count" "$WORK/s4" -- "$RIRF" synth --clean "$WORK/clean" --out "$WORK/s4" --suite derain --count 2
expect_error "synth count 0" "$WORK/s5" -- "$RIRF" synth --clean "$WORK/clean" --out "$WORK/s5" --count 0
cp "$WORK/truncated.png" "$WORK/clean/c_broken.png"
expect_error "synth corrupt image in folder" "$WORK/s6/manifest.jsonl" -- "$RIRF" synth --clean "$WORK/clean" --out "$WORK/s6" --count 3
[ ! -e "$WORK/s6" ] || fail "a failed synth left its output folder: $(find "$WORK/s6")"
rm "$WORK/clean/c_broken.png"
expect_error "eval missing gt" "" -- "$RIRF" eval --pred "$IMG" --gt "$WORK/nope.png"
expect_error "eval size mismatch" "" -- "$RIRF" eval --pred "$IMG" --gt "$SRC/tests/data/golden/p2_clean.png"
expect_error "eval corrupt prediction" "" -- "$RIRF" eval --pred "$WORK/truncated.png" --gt "$IMG"
mkdir -p "$WORK/renamed" && cp "$IMG" "$WORK/renamed/zzz.png"
expect_error "eval unmatched names" "" -- "$RIRF" eval --pred "$WORK/renamed" --gt "$WORK/suite/degraded"
expect_error "eval json and csv" "" -- "$RIRF" eval --pred "$IMG" --gt "$IMG" --json --csv
expect_error "eval bad crop multiple" "" -- "$RIRF" eval --pred "$IMG" --gt "$IMG" --crop-multiple 0
expect_error "eval out to missing folder" "$WORK/no/r.json" -- "$RIRF" eval --pred "$IMG" --gt "$IMG" --out "$WORK/no/r.json"
echo "not weights" >"$WORK/text.safetensors"
head -c 2000 "$W" >"$WORK/truncated.safetensors"
D="$WORK/out/diag.json"
expect_error "diagnose missing input" "$D" -- "$RIRF" diagnose "$WORK/nope.png" --weights "$W" --out "$D"
expect_error "diagnose corrupt image" "$D" -- "$RIRF" diagnose "$WORK/truncated.png" --weights "$W" --out "$D"
expect_error "diagnose corrupt image among good" "$D" -- "$RIRF" diagnose "$IMG" "$WORK/text.png" --weights "$W" --out "$D"
expect_error "diagnose bad weights file" "$D" -- "$RIRF" diagnose "$IMG" --weights "$WORK/text.safetensors" --out "$D"
expect_error "diagnose truncated weights" "$D" -- "$RIRF" diagnose "$IMG" --weights "$WORK/truncated.safetensors" --out "$D"
expect_error "diagnose missing weights" "$D" -- "$RIRF" diagnose "$IMG" --weights "$WORK/nope.safetensors" --out "$D"
expect_error "diagnose unknown backend" "$D" -- "$RIRF" diagnose "$IMG" --backend oracle --out "$D"
expect_error "diagnose empty folder" "$D" -- "$RIRF" diagnose "$WORK/empty" --backend classical --out "$D"
expect_error "train no data" "$WORK/run2" -- "$RIRF" train reasoner --data "$WORK/empty" --out "$WORK/run2" --steps 1
expect_error "train bad crop" "$WORK/run3" -- "$RIRF" train reasoner --data "$WORK/clean" --out "$WORK/run3" --crop 33
expect_error "train clean share above 1" "$WORK/runclean2" -- "$RIRF" train reasoner --data "$WORK/clean" --out "$WORK/runclean2" --clean 1.5
expect_error "train restorer condition view too large" "$WORK/rcv" -- "$RIRF" train restorer --data "$SRC/tests/data/golden" --out "$WORK/rcv" --condition-view 4096
expect_error "train reasoner camera share above 1" "$WORK/rcam" -- "$RIRF" train reasoner --data "$SRC/tests/data/golden" --out "$WORK/rcam" --camera 1.5
expect_error "train restorer false calls above 1" "$WORK/rfc" -- "$RIRF" train restorer --data "$SRC/tests/data/golden" --out "$WORK/rfc" --reasoner "$W" --false-calls 1.5
expect_error "train blind twin with false calls" "$WORK/rfc" -- "$RIRF" train restorer --data "$SRC/tests/data/golden" --out "$WORK/rfc" --blind --false-calls 0.5
grep -q "^rirf: error: --false-calls: needs a condition" "$WORK/stderr" || fail "the error does not name --false-calls: $(cat "$WORK/stderr")"
expect_error "train negative haze context" "$WORK/runclean2" -- "$RIRF" train reasoner --data "$WORK/clean" --out "$WORK/runclean2" --haze-context -1
expect_error "train --exclude of a name no file has" "$WORK/run10" -- "$RIRF" train reasoner --data "$SRC/tests/data/golden" --out "$WORK/run10" --steps 1 --crop 32 --exclude p1_clean.jpg
expect_error "train init missing file" "$WORK/run6" -- "$RIRF" train reasoner --data "$WORK/clean" --out "$WORK/run6" --init "$WORK/nope.safetensors"
expect_error "train bad type weight" "$WORK/run9" -- "$RIRF" train restorer --data "$WORK/clean" --out "$WORK/run9" --blind --type-weight noise=-1
expect_error "train unknown type weight" "$WORK/run9" -- "$RIRF" train restorer --data "$WORK/clean" --out "$WORK/run9" --blind --type-weight fog=2
expect_error "train init not weights" "$WORK/run7" -- "$RIRF" train reasoner --data "$WORK/clean" --out "$WORK/run7" --init "$IMG"
expect_error "train resume without checkpoint" "" -- "$RIRF" train reasoner --data "$SRC/tests/data/golden" --out "$WORK/run4" --resume --steps 2 --batch 2 --crop 32
grep -q "no checkpoint" "$WORK/stderr" && [ ! -e "$WORK/run4" ] || fail "train resume without checkpoint: $(cat "$WORK/stderr")"
R_OUT="$WORK/out/ro.png"
expect_error "restore missing input" "$R_OUT" -- "$RIRF" restore "$WORK/nope.png" -o "$R_OUT" --reasoner "$W" --weights "$R"
expect_error "restore corrupt image" "$R_OUT" -- "$RIRF" restore "$WORK/truncated.png" -o "$R_OUT" --reasoner "$W" --weights "$R"
expect_error "restore text as image" "$R_OUT" -- "$RIRF" restore "$WORK/text.png" -o "$R_OUT" --reasoner "$W" --weights "$R"
expect_error "restore bad weights file" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$WORK/text.safetensors"
expect_error "restore reasoner weights as restorer" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$W"
expect_error "restore --deconvolve not a boolean" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --deconvolve maybe
expect_error "restore --ensemble 3" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --ensemble 3
expect_error "restore missing weights" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$WORK/nope.safetensors"
expect_error "restore strength 2" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --strength 2
expect_error "restore only unknown type" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --only fog
expect_error "restore --expert without =" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --expert "$R"
expect_error "restore --expert unknown type" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --expert fog="$R"
expect_error "restore --expert twice" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --expert noise="$R" --expert noise="$R"
expect_error "restore --expert blind twin" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --expert noise="$WORK/rblind/restorer.safetensors"
expect_error "restore tile too small" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --tile 4
grep -q "^rirf: error: --tile: must be in \[64, 8192\], got 4$" "$WORK/stderr" || fail "the tile error does not name --tile: $(cat "$WORK/stderr")"
expect_error "restore overlap not below tile" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --tile 64 --overlap 64
expect_error "restore output without extension" "$WORK/out/ro" -- "$RIRF" restore "$IMG" -o "$WORK/out/ro" --reasoner "$W" --weights "$R"
expect_error "restore sheet without extension" "$WORK/out/sheet2" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --sheet "$WORK/out/sheet2"
expect_error "restore pixel limit" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --reasoner "$W" --weights "$R" --max-pixels 100
expect_error "train restorer needs reasoner or blind" "$WORK/rrun2" -- "$RIRF" train restorer --data "$WORK/clean" --out "$WORK/rrun2" --steps 1
grep -q "^rirf: error: --reasoner: not given" "$WORK/stderr" || fail "the error does not name --reasoner: $(cat "$WORK/stderr")"
expect_error "train restorer bad reasoner" "$WORK/rrun3" -- "$RIRF" train restorer --data "$WORK/clean" --out "$WORK/rrun3" --reasoner "$R" --steps 1
expect_error "train restorer bad loss" "$WORK/rrun4" -- "$RIRF" train restorer --data "$WORK/clean" --out "$WORK/rrun4" --blind --loss l2 --steps 1
expect_error "train restorer init other width" "$WORK/rrun5" -- "$RIRF" train restorer --data "$WORK/clean" --out "$WORK/rrun5" --reasoner "$W" --init "$R" --width 6 --crop 32 --steps 1
"$RIRF" train restorer --data "$WORK/clean" --out "$WORK/rwide" --reasoner "$W" --init "$R" --width 8 --batch 2 --crop 32 \
  --steps 1 2>&1 | grep -q "width 4 -> 8" || fail "train restorer --init a narrower network: not widened"
expect_error "train restorer unknown device" "$WORK/rrun7" -- "$RIRF" train restorer --data "$WORK/clean" --out "$WORK/rrun7" --blind --device tpu --steps 1
if ! "$RIRF" train restorer --data "$WORK/clean" --out "$WORK/rrun8" --blind --device cuda --steps 1 >/dev/null 2>&1; then
  expect_error "train restorer without a GPU" "$WORK/rrun8" -- "$RIRF" train restorer --data "$WORK/clean" --out "$WORK/rrun8" --blind --device cuda --steps 1
fi
expect_error "train restorer data not a pack" "$WORK/rrun9" -- "$RIRF" train restorer --data "$W" --out "$WORK/rrun9" --blind --steps 1
expect_error "train pack bad out" "$WORK/p.bin" -- "$RIRF" train pack --data "$WORK/clean" --out "$WORK/p.bin"
expect_error "train pack no photos" "$WORK/p.safetensors" -- "$RIRF" train pack --data "$WORK/empty" --out "$WORK/p.safetensors"
expect_error "train restorer missing val folder" "$WORK/rrun6" -- "$RIRF" train restorer --data "$WORK/clean" --out "$WORK/rrun6" --blind --val "$WORK/nope" --crop 32 --steps 1
expect_error "train restorer resume other width" "" -- "$RIRF" train restorer --data "$SRC/tests/data/golden" --out "$WORK/rrun" --reasoner "$W" --steps 4 --batch 2 --crop 32 --width 8 --resume
expect_error "train rl blind twin as restorer" "$WORK/rl2" -- "$RIRF" train rl --restorer "$WORK/rblind/restorer.safetensors" --reasoner "$W" --data "$WORK/clean" --out "$WORK/rl2" --crop 32 --steps 1
expect_error "train rl reasoner as restorer" "$WORK/rl2" -- "$RIRF" train rl --restorer "$W" --reasoner "$W" --data "$WORK/clean" --out "$WORK/rl2" --crop 32 --steps 1
expect_error "train rl missing restorer" "$WORK/rl2" -- "$RIRF" train rl --restorer "$WORK/nope.safetensors" --reasoner "$W" --data "$WORK/clean" --out "$WORK/rl2" --steps 1
expect_error "train rl group of one" "$WORK/rl2" -- "$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/clean" --out "$WORK/rl2" --group 1 --steps 1
expect_error "train rl bad loss" "$WORK/rl2" -- "$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/clean" --out "$WORK/rl2" --loss l2 --steps 1
expect_error "train rl bad type weight" "$WORK/rl2" -- "$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/clean" --out "$WORK/rl2" --type-weight fog=2 --steps 1
expect_error "train rl bad exploration space" "$WORK/rl2" -- "$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/clean" --out "$WORK/rl2" --explore pixels --steps 1
expect_error "train rl explore on an unknown type" "$WORK/rl2" -- "$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/clean" --out "$WORK/rl2" --explore-on haze,fog --steps 1
expect_error "train rl mirrored odd group" "$WORK/rl2" -- "$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/clean" --out "$WORK/rl2" --explore film --mirrored --group 3 --steps 1
expect_error "train rl sigma 0" "$WORK/rl2" -- "$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/clean" --out "$WORK/rl2" --sigma 0 --steps 1
expect_error "train rl atoms above the crop" "$WORK/rl2" -- "$RIRF" train rl --restorer "$R" --reasoner "$W" --data "$WORK/clean" --out "$WORK/rl2" --crop 32 --atoms 2000 --steps 1
[ ! -e "$R_OUT" ] || fail "a failed restore left $R_OUT"

# Outputs that would overwrite an input or each other are refused before any work.
mkdir -p "$WORK/other" && cp "$SRC/tests/data/golden/p2_clean.png" "$WORK/other/a.png"
cp "$IMG" "$WORK/original.png"
expect_error "restore two inputs of one name into a folder" "$WORK/same/a.png" -- \
  "$RIRF" restore "$IMG" "$WORK/other/a.png" -o "$WORK/same" --reasoner "$W" --weights "$R"
expect_error "restore onto its input" "" -- "$RIRF" restore "$IMG" -o "$WORK/clean/../clean/a.png" --reasoner "$W" --weights "$R"
expect_error "restore sheet onto the output" "$R_OUT" -- "$RIRF" restore "$IMG" -o "$R_OUT" --sheet "$R_OUT" --reasoner "$W" --weights "$R"
expect_error "restore report into a missing folder" "$R_OUT" -- \
  "$RIRF" restore "$IMG" -o "$R_OUT" --diagnosis-out "$WORK/no/d.jsonl" --reasoner "$W" --weights "$R"
ln -s "$IMG" "$WORK/link.png"
expect_error "diagnose --out onto its input through a link" "" -- "$RIRF" diagnose "$IMG" --weights "$W" --out "$WORK/link.png"
expect_error "degrade onto its input" "" -- "$RIRF" degrade "$IMG" "$IMG" --type noise
expect_error "eval --out onto an input" "" -- "$RIRF" eval --pred "$IMG" --gt "$IMG" --out "$IMG"
cmp -s "$IMG" "$WORK/original.png" || fail "a refused command changed its input"

# A batch goes on past an image that fails to decode: one line for it, a summary, exit 1, and
# the others (and the report of them) written.
"$RIRF" restore "$IMG" "$WORK/truncated.png" -o "$WORK/partial" --diagnosis-out "$WORK/out/partial.jsonl" \
  --reasoner "$W" --weights "$R" >/dev/null 2>"$WORK/stderr" && fail "restore of a batch with a bad image: exit 0"
grep -q "truncated.png" "$WORK/stderr" && grep -q "1 of 2 images failed" "$WORK/stderr" \
  || fail "restore of a batch with a bad image: $(cat "$WORK/stderr")"
[ -s "$WORK/partial/a.png" ] && [ ! -e "$WORK/partial/truncated.png" ] && [ "$(wc -l <"$WORK/out/partial.jsonl")" -eq 1 ] \
  || fail "restore of a batch with a bad image should write the good one and its report line"
"$RIRF" diagnose "$IMG" "$WORK/truncated.png" --weights "$W" --json --out "$WORK/out/partial-d.jsonl" 2>"$WORK/stderr" \
  && fail "diagnose of a batch with a bad image: exit 0"
grep -q "cannot read '$WORK/truncated.png'" "$WORK/stderr" && grep -q "1 of 2 images failed" "$WORK/stderr" \
  && [ "$(wc -l <"$WORK/out/partial-d.jsonl")" -eq 1 ] || fail "diagnose of a batch with a bad image: $(cat "$WORK/stderr")"
mkdir -p "$WORK/onebad" && cp "$WORK/truncated.png" "$WORK/onebad/"
expect_error "restore a folder of one bad image into a new folder" "$WORK/newout" -- \
  "$RIRF" restore "$WORK/onebad" -o "$WORK/newout" --reasoner "$W" --weights "$R"
# A report and a sheet may go into the -o folder a batch creates; a plan may be re-applied onto its own output.
"$RIRF" restore "$WORK/clean" -o "$WORK/newfolder/" --sheet "$WORK/newfolder/sheet.png" --diagnosis-out "$WORK/newfolder/d.jsonl" \
  --reasoner "$W" --weights "$R" >/dev/null && [ -s "$WORK/newfolder/sheet.png" ] && [ -s "$WORK/newfolder/d.jsonl" ] \
  || fail "restore with --sheet and --diagnosis-out inside the new -o folder"
"$RIRF" degrade "$IMG" "$WORK/out/d.png" --plan "$WORK/out/d.plan.json" || fail "degrade re-applying the output's own plan"
mkdir -p "$WORK/synthin/clean" && cp "$IMG" "$WORK/synthin/clean/a.png"
expect_error "synth into its own clean folder" "" -- "$RIRF" synth --clean "$WORK/synthin/clean" --out "$WORK/synthin" --suite denoise-25
cmp -s "$IMG" "$WORK/synthin/clean/a.png" || fail "synth overwrote its clean image"
cp "$IMG" "$WORK/synthin/clean/a.tif"
expect_error "synth suite with two images of one name" "$WORK/s7" -- "$RIRF" synth --clean "$WORK/synthin/clean" --out "$WORK/s7" --suite denoise-25

expect_error "more threads than cores" "" -- "$RIRF" --threads 100000 diagnose "$IMG" --backend classical
"$RIRF" --threads 100000 diagnose "$IMG" --backend classical 2>/dev/null; [ $? -eq 2 ] || fail "a usage error should exit 2"
"$RIRF" --threads 0 diagnose "$IMG" --backend classical >/dev/null || fail "--threads 0 (all cores)"

# A damaged run folder is named on --resume, not met with a stack trace.
cp -r "$WORK/run" "$WORK/badstate" && echo '{"step": ' >"$WORK/badstate/state.json"
expect_error "resume with a damaged state.json" "" -- \
  "$RIRF" train reasoner --data "$SRC/tests/data/golden" --out "$WORK/badstate" --steps 4 --batch 2 --crop 32 --resume
grep -q "^rirf: error: cannot resume: '$WORK/badstate/state.json'" "$WORK/stderr" || fail "resume with a damaged state.json: $(cat "$WORK/stderr")"
cp -r "$WORK/run" "$WORK/badopt" && head -c 100 "$WORK/run/optimizer.pt" >"$WORK/badopt/optimizer.pt"
expect_error "resume with a damaged optimizer.pt" "" -- \
  "$RIRF" train reasoner --data "$SRC/tests/data/golden" --out "$WORK/badopt" --steps 4 --batch 2 --crop 32 --resume
grep -q "^rirf: error: cannot resume: '$WORK/badopt/optimizer.pt'" "$WORK/stderr" || fail "resume with a damaged optimizer.pt: $(cat "$WORK/stderr")"
expect_error "no subcommand" "" -- "$RIRF"

if [ "$failures" -ne 0 ]; then
  echo "$failures CLI check(s) failed"
  exit 1
fi
echo "all CLI checks passed"
