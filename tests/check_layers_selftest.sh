#!/usr/bin/env bash
# tests/check_layers.sh must fail on a wrong-way include: a copy of the tree with one added
# (core including the pipeline) must be refused; so must a module's detail/ header included from
# another module, a degradation's factors (the vocabulary) including its synthesis (the engine),
# and a file of src/degradations/ whose role the check does not know.
set -euo pipefail
SRC="$1"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$SRC/include" "$SRC/src" "$SRC/tools" "$SRC/tests" "$WORK/"
"$WORK/tests/check_layers.sh" "$WORK" >/dev/null || { echo "the clean tree fails the check"; exit 1; }
echo '#include "rirf/pipeline.hpp"' >> "$WORK/src/core/file_io.cpp"
if "$WORK/tests/check_layers.sh" "$WORK" >/dev/null; then echo "core including the pipeline passed"; exit 1; fi
cp "$SRC/src/core/file_io.cpp" "$WORK/src/core/file_io.cpp"
mkdir -p "$WORK/src/degrade/detail" && touch "$WORK/src/degrade/detail/private.hpp"
echo '#include "degrade/detail/private.hpp"' >> "$WORK/src/restore/tiling.cpp"
if "$WORK/tests/check_layers.sh" "$WORK" >/dev/null; then echo "a private header of degrade included by restore passed"; exit 1; fi
cp "$SRC/src/restore/tiling.cpp" "$WORK/src/restore/tiling.cpp"
echo '#include "degradations/synthesis.hpp"' >> "$WORK/src/degradations/noise/factors.cpp"
if "$WORK/tests/check_layers.sh" "$WORK" >/dev/null; then echo "a degradation's factors including the engine passed"; exit 1; fi
cp "$SRC/src/degradations/noise/factors.cpp" "$WORK/src/degradations/noise/factors.cpp"
touch "$WORK/src/degradations/noise/helpers.cpp"
if "$WORK/tests/check_layers.sh" "$WORK" >/dev/null; then echo "a file of unknown role in src/degradations passed"; exit 1; fi
echo "wrong-way includes are caught"
