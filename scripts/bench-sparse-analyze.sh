#!/usr/bin/env bash
# Sparse `analyze` as a whole process against the dense whole process.
# For L0 = 32 and 64, one cascade of
# N = 200,000 rows, widths 256 (dense ReLU depth 0), 4096, 4096 (random
# TopK SAEs), written by `metasae-bench make-cascade` twice in one pass:
# SAE depths in the CSR form, and the same values as dense datasets.
# Each line times `metasae analyze --metrics PDS,CSP --no-diagnostics
# --feature-examples 0` (the covariance work alone, like the kernel
# benchmark in bench-sparse.sh) as a user runs it:
#   sparse form (median of three)  vs  dense form, dense kernel (METASAE_KERNEL=dense)
#   and, for reference, the dense form with the kernel chosen by density.
# Needs ~15 GB free in $BENCH_DIR (default /tmp/metasae-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
dir="${BENCH_DIR:-/tmp/metasae-bench}/sparse-analyze"
rows="${ROWS:-200000}"
mkdir -p "$dir"
swift build -c release --product metasae >/dev/null
swift build -c release --product metasae-bench >/dev/null
metasae=.build/release/metasae
# Wall seconds of one whole `metasae analyze` process: wall KERNEL FILE.
wall() {
  local start end
  start=$(date +%s.%N)
  METASAE_KERNEL="$1" "$metasae" analyze "$2" --metrics PDS,CSP --no-diagnostics --feature-examples 0 --quiet --out "$dir/out"
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.3f}')"
}

for l0 in 32 64; do
  sparse="$dir/n$rows-k$l0-csr.h5"; dense="$dir/n$rows-k$l0-dense.h5"
  if [ ! -f "$sparse" ] || [ ! -f "$dense" ]; then
    .build/release/metasae-bench make-cascade --rows "$rows" --widths 256,4096,4096 --k "$l0" --out "$sparse" --dense-out "$dense"
  fi
  cat "$sparse" "$dense" > /dev/null
  echo "== L0 $l0: $rows rows, widths 256,4096,4096"
  times=()
  for _ in 1 2 3; do times+=("$(wall auto "$sparse")"); done
  median=$(python3 -c "import statistics; print(statistics.median([$(IFS=,; echo "${times[*]}")]))")
  echo "sparse form: median $median s (runs ${times[*]})"
  cat "$dense" > /dev/null
  forced=$(wall dense "$dense")
  echo "dense form, dense kernel: $forced s; / sparse = $(python3 -c "print(f'{$forced / $median:.1f}')")x (target >= 20x)"
  auto=$(wall auto "$dense")
  echo "dense form, kernel by density: $auto s; / sparse = $(python3 -c "print(f'{$auto / $median:.1f}')")x"
done
