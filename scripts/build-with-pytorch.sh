#!/usr/bin/env bash
# Builds the rirf CLI against PyTorch's libtorch (e.g. with CUDA, for `rirf train restorer
# --device cuda`) on a machine without Debian's packages: a GPU node or a cluster image.
# That build reads no image files (no libvips) and trains in one process (no Gloo); it trains
# from photo packs made by `rirf train pack` on a full build. See docs/gpu-training.md.
#
#   scripts/build-with-pytorch.sh DEPS BUILD_DIR
#
# DEPS holds what Debian would have installed, filled on a Debian machine by
# scripts/gather-build-deps.sh: include/ (nlohmann-json, CLI11 and libjpeg headers) and
# lib/libjpeg.so. Run the binary with LD_LIBRARY_PATH=DEPS/lib.
set -euo pipefail
deps=$(cd "$1" && pwd)
build=$2
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
cd "$(dirname "$0")/.."

configure_and_build() {
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_STANDARD="$1" \
    -DCMAKE_PREFIX_PATH="$torch_prefix" -DRIRF_WITH_VIPS=OFF -DRIRF_WITH_GLOO=OFF \
    -DRIRF_HEADER_DEPS="$deps/include" -DJPEG_INCLUDE_DIR="$deps/include" -DJPEG_LIBRARY="$deps/lib/libjpeg.so" \
    -DRIRF_BUILD_TESTS=OFF -DRIRF_BUILD_BENCH=OFF &&
    ninja -C "$build" -k 0 rirf_cli
}

# libtorch's headers ask for C++17 up to some release and C++20 after it.
if ! configure_and_build 17 2>&1 | tee "$build.log"; then
  grep -q "C++20 or later" "$build.log" || exit 1
  rm -rf "$build"
  configure_and_build 20
fi
