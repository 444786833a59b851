#!/bin/bash
# The two clean McMaster photos DiagNet v16 misreads (12 as rain 16, 17 as noise 24), restored
# by `rirf restore` with the given restorer weights and scored against themselves.
# usage (from the repository root, after building): docs/notebook/runs/restorer-false-calls-clean-check.sh WEIGHTS
set -euo pipefail
W=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for i in 12 17; do
  build/rirf restore ../shared/data/val/mcmaster/$i.png -o "$T/$i.png" --weights "$W" >/dev/null 2>&1
  echo "mcmaster $i: $(build/rirf eval --pred "$T/$i.png" --gt ../shared/data/val/mcmaster/$i.png --csv | grep '^mean')"
done
