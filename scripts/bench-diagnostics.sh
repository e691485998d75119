#!/usr/bin/env bash
# What the diagnostics add to `metasae analyze`, as whole processes: each
# file analyzed with and without --no-diagnostics, alternating, best of
# three each, and the ratio (aim: under 1.5x).
#   1. the default run's file (trained here unless $BENCH_DIR/run/metasae.h5 exists),
#      with its 4 null cascades;
#   2. a 200,000-row cascade (metasae-bench make-cascade: depth 0 dense 256
#      wide, depths 512, 512, 256 TopK k = 16 in the CSR form), no nulls.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-analysis-files.sh

best() {  # best wall time of three runs of "$@"
  local best=""
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N)
    best=$(python3 -c "t = $end - $start; b = '$best'; print(t if not b else min(t, float(b)))")
  done
  echo "$best"
}

compare() {  # label, file, extra options
  local label=$1 file=$2; shift 2
  local with without
  without=$(best $metasae analyze "$file" --out "$dir/off" --quiet --no-diagnostics "$@")
  with=$(best $metasae analyze "$file" --out "$dir/on" --quiet "$@")
  python3 - "$label" "$with" "$without" <<'PY'
import sys
label, with_, without = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
print(f"{label}: analyze {with_:.2f} s with diagnostics, {without:.2f} s without: {with_ / without:.2f}x (aim: under 1.5x)")
PY
}

compare "default run's file (10,000 rows, 6 depths, 4 null cascades)" "$dir/run/metasae.h5"
compare "200,000 rows, depths 512/512/256 TopK k=16 (CSR)" "$dir/cascade200k.h5" --null-seeds 0
