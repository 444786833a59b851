#!/usr/bin/env bash
# Installs the dependencies, builds, and runs every test (GoogleTest units and CLI end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
