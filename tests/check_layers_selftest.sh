#!/usr/bin/env bash
# tests/check_layers.sh must fail on a wrong-way include: a copy of the tree with one added
# (core including the pipeline) must be refused, and a module's detail/ header included from
# another module too.
set -euo pipefail
SRC="$1"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$SRC/include" "$SRC/src" "$SRC/tools" "$SRC/tests" "$WORK/"
"$WORK/tests/check_layers.sh" "$WORK" >/dev/null || { echo "the clean tree fails the check"; exit 1; }
echo '#include "rirf/pipeline.hpp"' >> "$WORK/src/core/file_io.cpp"
if "$WORK/tests/check_layers.sh" "$WORK" >/dev/null; then echo "core including the pipeline passed"; exit 1; fi
cp "$SRC/src/core/file_io.cpp" "$WORK/src/core/file_io.cpp"
echo '#include "degrade/detail/synthesis.hpp"' >> "$WORK/src/restore/tiling.cpp"
if "$WORK/tests/check_layers.sh" "$WORK" >/dev/null; then echo "a private header of degrade included by restore passed"; exit 1; fi
echo "wrong-way includes are caught"
