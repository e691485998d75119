#!/usr/bin/env bash
# What OpenBLAS's kernels are worth, as whole processes: each command with
# the kernels metasae runs (OpenBLAS's choice, or SkylakeX / Haswell where
# OpenBLAS falls back to SSE3 on a CPU model it does not know) against the
# same command with OPENBLAS_CORETYPE=Prescott (that SSE3 fallback). Best of
# three each, side by side in one run:
#   1. `metasae train --null-seeds 0` (default classifier and cascade);
#   2. `metasae analyze` on the default run's file;
#   3. `metasae analyze --no-diagnostics` on the 200,000-row cascade of
#      scripts/bench-diagnostics.sh (dense depth 0, 256 wide).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-analysis-files.sh

best() {  # core ("" for metasae's choice), command...: wall seconds of the fastest of three runs
  local core=$1; shift
  for _ in 1 2 3; do
    if [ -n "$core" ]; then export OPENBLAS_CORETYPE=$core; else unset OPENBLAS_CORETYPE; fi
    /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1
  done | sort -n | head -1
}

chosen=$($metasae analyze "$dir/run/metasae.h5" --out "$dir/blas-kernels" --quiet --null-seeds 0 --no-diagnostics --feature-examples 0 \
  && python3 -c "import json; print(json.load(open('$dir/blas-kernels/results.json'))['blas'])")
echo "kernels metasae runs here: $chosen"
compare() {  # label, command...
  local label=$1; shift
  local ours sse3
  ours=$(best "" "$@")
  sse3=$(best Prescott "$@")
  python3 - "$label" "$ours" "$sse3" <<'PY'
import sys
label, ours, sse3 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
print(f"{label}: {ours:.2f} s, with OpenBLAS's SSE3 kernels {sse3:.2f} s: {sse3 / ours:.2f}x")
PY
}
compare "train, default config, no nulls" $metasae train --null-seeds 0 --out "$dir/blas-kernels-train.h5" --quiet
compare "analyze, default run's file" $metasae analyze "$dir/run/metasae.h5" --out "$dir/blas-kernels" --quiet
compare "analyze --no-diagnostics, 200,000 rows" $metasae analyze "$dir/cascade200k.h5" --out "$dir/blas-kernels" --quiet --null-seeds 0 --no-diagnostics
