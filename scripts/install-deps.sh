#!/usr/bin/env bash
# Installs rirf's build and run dependencies from Debian 12's packages. Does nothing (and needs no
# network) when they are all present already.
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build pkg-config
  libtorch-dev libvips-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libgtest-dev
  libjpeg-dev          # the degradation engine's JPEG round trip
  zlib1g-dev           # the tests forge PNG headers
  libgloo-dev          # headers of c10d's Gloo process group (data-parallel training)
  libopenblas0-openmp  # fast BLAS for libtorch's 1x1 convolutions and matrix products
  libtcmalloc-minimal4 # a malloc that keeps libtorch's big buffers instead of unmapping them
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
