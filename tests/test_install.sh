#!/usr/bin/env bash
# An installed rirf finds its shipped weights with no help: `cmake --install` into a temporary
# prefix, then the installed CLI diagnoses and restores an example from another folder, with
# RIRF_MODELS_DIR unset (find_shipped_model looks in <prefix>/share/rirf/models).
# Usage: tests/test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD="$(cd "$1" && pwd)"
SRC="$(cd "$2" && pwd)"
PREFIX="$(mktemp -d)"
trap 'rm -rf "$PREFIX"' EXIT
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
for f in bin/rirf share/rirf/models/reasoner.safetensors share/rirf/models/restorer.safetensors \
         include/rirf/pipeline.hpp; do
  [ -e "$PREFIX/$f" ] || { echo "not installed: $f"; exit 1; }
done
cd "$PREFIX"
unset RIRF_MODELS_DIR
"$PREFIX/bin/rirf" diagnose "$SRC/examples/degraded/astronaut_noise.png" >/dev/null
"$PREFIX/bin/rirf" restore "$SRC/examples/degraded/astronaut_noise.png" -o "$PREFIX/restored.png" >/dev/null
[ -s "$PREFIX/restored.png" ] || { echo "the installed rirf wrote no image"; exit 1; }
echo "the installed rirf finds its weights"
