#!/usr/bin/env bash
# What OpenBLAS's idle wait costs, as whole processes, with
# OPENBLAS_THREAD_TIMEOUT=4 (workers spin 2^4 cycles before sleeping) and
# =28 (the library's default: ~0.1 s of sched_yield after every threaded
# call). metasae sets 4 itself unless the user set it. Best of three each,
# with user and system CPU seconds.
#   1. `metasae train --null-seeds 0` (default classifier and cascade);
#   2. `metasae analyze` on the default run's file;
#   3. `metasae analyze`, with and without diagnostics, on the
#      200,000-row cascade of scripts/bench-diagnostics.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-analysis-files.sh

best() {  # timeout, command...: "wall user system" of the fastest of three runs
  local timeout=$1; shift
  for _ in 1 2 3; do
    OPENBLAS_THREAD_TIMEOUT=$timeout /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -1
  done | sort -n | head -1
}

compare() {  # label, command...
  local label=$1; shift
  local short long
  short=$(best 4 "$@")
  long=$(best 28 "$@")
  python3 - "$label" "$short" "$long" <<'PY'
import sys
label, (w4, u4, s4), (w28, u28, s28) = sys.argv[1], *(map(float, a.split()) for a in sys.argv[2:])
print(f"{label}: {w4:.2f} s (user {u4:.1f}, sys {s4:.1f}) with the short wait, "
      f"{w28:.2f} s (user {u28:.1f}, sys {s28:.1f}) with OpenBLAS's: {w28 / w4:.2f}x its time")
PY
}

compare "train, default config, no nulls" $metasae train --null-seeds 0 --out "$dir/blas-wait-train.h5" --quiet
compare "analyze, default run's file" $metasae analyze "$dir/run/metasae.h5" --out "$dir/blas-wait" --quiet
compare "analyze, 200,000 rows" $metasae analyze "$dir/cascade200k.h5" --out "$dir/blas-wait" --quiet --null-seeds 0
compare "analyze --no-diagnostics, 200,000 rows" $metasae analyze "$dir/cascade200k.h5" --out "$dir/blas-wait" --quiet --null-seeds 0 --no-diagnostics
