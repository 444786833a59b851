#!/usr/bin/env bash
# Small valid images of every accepted format and flavour, as the fuzzer's starting corpus.
#   tools/fuzz/make_seed_corpus.sh OUT_DIR
set -euo pipefail
out=$1
mkdir -p "$out"
src=$(dirname "$0")/../../tests/data/golden/p1_clean.png
vips crop "$src" "$out/base.v" 0 0 24 16
vips copy "$out/base.v" "$out/rgb8.png"
vips cast "$out/base.v" "$out/u16.v" ushort
vips linear "$out/u16.v" "$out/u16b.v" 257 0 --uchar=false
vips cast "$out/u16b.v" "$out/u16c.v" ushort
vips copy "$out/u16c.v" "$out/rgb16.png"
vips colourspace "$out/base.v" "$out/grey.png" b-w
vips bandjoin_const "$out/base.v" "$out/rgba.png" 128
vips copy "$out/base.v" "$out/q90.jpg[Q=90]"
vips copy "$out/base.v" "$out/q20.jpg[Q=20,interlace]"
vips copy "$out/base.v" "$out/lossy.webp[Q=50]"
vips copy "$out/base.v" "$out/lossless.webp[lossless]"
vips copy "$out/base.v" "$out/deflate.tif[compression=deflate]"
vips copy "$out/base.v" "$out/tiled.tif[tile,tile-width=16,tile-height=16,compression=lzw]"
vips icc_export "$out/base.v" "$out/p3.v" --output-profile p3
vips copy "$out/p3.v" "$out/p3.tif"
rm -f "$out"/*.v
ls "$out"
