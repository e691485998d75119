#!/usr/bin/env bash
# Training speed per architecture, whole processes side by side in one run:
# `metasae train` (classifier + 6-depth cascade, no nulls) against
# scripts/torch_train.py, PyTorch CPU doing the same work (same networks,
# epochs, batches, Adam, objectives; 2 threads, denormals flushed).
# Needs python3 with torch and numpy.
#   scripts/bench-train.sh [ARCHITECTURE ...]      (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product metasae >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
architectures=("$@")
[ ${#architectures[@]} -gt 0 ] || architectures=(relu-l1 topk batchtopk jumprelu)
now() { date +%s.%N; }
for architecture in "${architectures[@]}"; do
  start=$(now)
  phases=$(.build/release/metasae train --architecture "$architecture" --k 8 --l0-target 8 --null-seeds 0 --out "$out/$architecture.h5" \
    | sed -n 's/^wrote [^(]*(\(.*\))$/\1/p')
  ours=$(python3 -c "print($(now) - $start)")
  start=$(now)
  torch=$(python3 scripts/torch_train.py --architecture "$architecture" --k 8 --l0-target 8)
  theirs=$(python3 -c "print($(now) - $start)")
  printf '%-9s  metasae %6.1f s (%s)   torch %6.1f s (%s)   torch/metasae = %.2fx\n' \
    "$architecture" "$ours" "$phases" "$theirs" "${torch#torch architecture=$architecture }" "$(python3 -c "print($theirs / $ours)")"
done
