#!/usr/bin/env bash
# Copies, from this Debian machine (after scripts/install-deps.sh), what a build against
# PyTorch's libtorch on another machine needs besides libtorch: the header-only libraries
# (nlohmann-json, CLI11), libjpeg's headers and libjpeg itself. About 2 MB.
#
#   scripts/gather-build-deps.sh DEPS     then carry DEPS and run scripts/build-with-pytorch.sh there
set -euo pipefail
out=$1
mkdir -p "$out/include" "$out/lib"
cp -r /usr/include/nlohmann /usr/include/CLI "$out/include/"
cp /usr/include/jpeglib.h /usr/include/jmorecfg.h /usr/include/jerror.h "$out/include/"
cp "/usr/include/$(gcc -print-multiarch)/jconfig.h" "$out/include/"
lib=$(readlink -f "/usr/lib/$(gcc -print-multiarch)/libjpeg.so")
cp "$lib" "$out/lib/libjpeg.so"
cp "$lib" "$out/lib/$(objdump -p "$lib" | awk '/SONAME/ {print $2}')"
