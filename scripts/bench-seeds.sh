#!/usr/bin/env bash
# The replicated experiment as a user runs it: `metasae run --seeds 0-9`
# (ten seeds of the default run: classifier, 6-depth cascade, 4 null
# cascades, analysis, report, and the aggregate) as one whole process,
# against PyTorch CPU training 5 seeds of the same classifier and cascade
# (scripts/torch_train.py --seeds 5; training only, no nulls, analysis or
# files), measured in the same run. Needs python3 with torch and numpy.
#   scripts/bench-seeds.sh [SEEDS]       (default 10; PyTorch trains half)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
seeds=${1:-10}
swift build -c release --product metasae >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
now() { date +%s.%N; }
start=$(now)
.build/release/metasae run --seeds "0-$((seeds - 1))" --out "$out/experiment" | grep -E '^seed [0-9]+ \(' 
ours=$(python3 -c "print($(now) - $start)")
start=$(now)
python3 scripts/torch_train.py --seeds "$((seeds / 2))" | tail -1
theirs=$(python3 -c "print($(now) - $start)")
printf 'metasae %d seeds: %.1f s (%.1f s per seed)   torch %d seeds: %.1f s   torch/metasae = %.2fx (aim: at least 1)\n' \
  "$seeds" "$ours" "$(python3 -c "print($ours / $seeds)")" "$((seeds / 2))" "$theirs" "$(python3 -c "print($theirs / $ours)")"
