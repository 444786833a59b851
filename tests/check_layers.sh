#!/usr/bin/env bash
# The layer rule (docs/architecture.md), checked on every #include "..." of the library and the
# front ends:
#   1. a file includes only headers of its own layer or of a lower one (peers on one rank, such
#      as degrade and eval, do not include each other);
#   2. headers under src/<module>/detail/ are that module's own: nobody else includes them;
#   3. front ends (tools/) include only the public API, include/rirf/*.hpp.
# src/degradations/ is not one layer: it holds each degradation's files, one folder per type, and
# a file's layer is its role (the name before the extension; ROLE below): its factors belong to
# the vocabulary, its synthesis to the engine, its evidence to the reasoner, its expert to the
# restorer. The role headers (src/degradations/<role>.hpp) follow the same rule.
# Tests and benchmarks look inside modules on purpose and are not checked.
# Usage: tests/check_layers.sh [SOURCE_DIR]; prints each wrong-way include, exits 1 if any.
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

# Rank of each layer, lowest first.
declare -A RANK=([core]=0 [types]=1 [nn]=1 [degrade]=2 [eval]=2 [reason]=3 [restore]=4 [pipeline]=5
                 [train]=6 [tools]=7)

# The layer of each role a file in src/degradations/ may have.
declare -A ROLE=([factors]=types [kernel]=types [synthesis]=degrade [evidence]=reason [expert]=restore)

# The layer of a file under src/ (its folder, or its role in src/degradations/), or "?role:NAME".
layer_of_source() {
  local path="$1"
  if [[ "$path" == src/degradations/* ]]; then
    local role; role="$(basename "$path")"; role="${role%.*}"
    if [[ -n "${ROLE[$role]+x}" ]]; then echo "${ROLE[$role]}"; else echo "?role:$role"; fi
  else
    echo "$path" | cut -d/ -f2
  fi
}

# The layer of each public header; a header missing here is an error, so the table cannot drift.
declare -A PUBLIC=(
  [error]=core [file_io]=core [image_io]=core [rng]=core [safetensors]=core
  [degradation]=types [plan]=types
  [degrade]=degrade [camera]=degrade [suites]=degrade
  [metrics]=eval
  [diagnosis]=reason [scene]=reason [reasoner]=reason [diagnet]=reason
  [restorer]=restore
  [pipeline]=pipeline [contact_sheet]=pipeline
  [train]=train
)

errors=0
fail() { echo "layer rule: $*"; errors=$((errors + 1)); }

# The layer a header named in an #include belongs to, or "" for a header outside the project.
layer_of_include() {
  local inc="$1"
  if [[ "$inc" == rirf/* ]]; then
    local name="${inc#rirf/}"; name="${name%.hpp}"
    if [[ -z "${PUBLIC[$name]+x}" ]]; then echo "?public:$name"; else echo "${PUBLIC[$name]}"; fi
  elif [[ "$inc" == degradations/* && -f "src/$inc" ]]; then
    layer_of_source "src/$inc"
  elif [[ -n "${RANK[${inc%%/*}]+x}" && -f "src/$inc" ]]; then
    echo "${inc%%/*}"
  fi
}

for file in $(find include/rirf src tools -name '*.hpp' -o -name '*.cpp' | sort); do
  case "$file" in
    include/rirf/*) name="$(basename "$file" .hpp)"
                    [[ -n "${PUBLIC[$name]+x}" ]] || { fail "$file: public header missing from the table in $0"; continue; }
                    layer="${PUBLIC[$name]}" ;;
    src/*) layer="$(layer_of_source "$file")"
           [[ "$layer" != "?role:"* ]] || { fail "$file: '${layer#?role:}' is not a role in src/degradations/ (ROLE in $0)"; continue; } ;;
    tools/*) layer=tools ;;
  esac
  [[ -n "${RANK[$layer]+x}" ]] || { fail "$file: folder '$layer' is not a layer (add it to RANK in $0)"; continue; }
  while IFS= read -r inc; do
    target="$(layer_of_include "$inc")"
    [[ -z "$target" ]] && continue
    if [[ "$target" == "?role:"* ]]; then fail "$file includes $inc, whose role is not in ROLE in $0"; continue; fi
    if [[ "$target" == "?public:"* ]]; then fail "$file includes $inc, which is not in the public header table"; continue; fi
    if [[ "$layer" == tools && "$inc" != rirf/* ]]; then
      fail "$file (a front end) includes $inc, a library-internal header; use include/rirf/"
      continue
    fi
    if [[ "$inc" == */detail/* && "$file" != src/"${inc%%/*}"/* ]]; then
      fail "$file includes $inc, a private header of module ${inc%%/*}"
      continue
    fi
    if (( RANK[$target] > RANK[$layer] )) || { (( RANK[$target] == RANK[$layer] )) && [[ "$target" != "$layer" ]]; }; then
      fail "$file ($layer) includes $inc ($target): a lower layer includes a higher one or a peer"
    fi
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done

if (( errors > 0 )); then
  echo "$errors wrong-way include(s); the layers are drawn in docs/architecture.md"
  exit 1
fi
echo "layer rule holds"
