#!/usr/bin/env bash
# Benchmarks for sparse latents and I/O (issue: sparse latents and speed).
# Each prints a ratio against a baseline measured in the same run:
#   1. sparse vs dense path on the same data, F = 4096, N = 200,000, L0 = 32 and 64;
#   2. streaming read of an uncompressed dataset vs `cat FILE > /dev/null`, and with gzip;
#   3. peak RSS for N and 8N rows on the sparse path.
# The dense-covariance-vs-NumPy figure is in scripts/bench-analyze.sh.
# Needs ~10 GB free in $BENCH_DIR (default /tmp/metasae-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
dir="${BENCH_DIR:-/tmp/metasae-bench}"
rows="${ROWS:-200000}"
width="${WIDTH:-4096}"
mkdir -p "$dir"
swift build -c release --product metasae-bench >/dev/null
bench=.build/release/metasae-bench
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
ratio() { python3 -c "print(f'{$1/$2:.1f}')"; }

for l0 in 32 64; do
  echo "== 1. sparse vs dense path, $rows x $width, L0 $l0"
  file="$dir/sparse-l0-$l0.h5"
  [ -f "$file" ] || $bench make-sparse --rows "$rows" --width "$width" --l0 "$l0" --dense --out "$file" >/dev/null
  cat "$file" > /dev/null
  sparse=$($bench cov "$file" --form sparse --kernel sparse); echo "$sparse"
  dense=$($bench cov "$file" --form dense --kernel dense); echo "$dense"
  echo "speed-up sparse/dense = $(ratio "$(echo "$dense" | field seconds)" "$(echo "$sparse" | field seconds)")x (target >= 20x)"
done

echo "== 2. streaming read vs cat (warm page cache)"
plain="$dir/dense.h5"
[ -f "$plain" ] || $bench make-dense --rows 250000 --width 1024 --out "$plain" >/dev/null
zipped="$dir/dense-gzip.h5"
[ -f "$zipped" ] || $bench make-dense --rows 250000 --width 1024 --gzip --out "$zipped" >/dev/null
cat "$plain" > /dev/null
start=$(date +%s.%N); cat "$plain" > /dev/null; end=$(date +%s.%N)
bytes=$(stat -c %s "$plain")
cat_rate=$(python3 -c "print($bytes / ($end - $start) / 1e6)")
ours=$($bench read "$plain" --block-megabytes 2); echo "2 MiB blocks: $ours"
echo "cat: $(python3 -c "print(f'{$cat_rate:.1f}')") MB/s; streaming read / cat = $(python3 -c "print(f'{$(echo "$ours" | field mb_per_s) / $cat_rate:.2f}')") (target >= 0.80)"
echo "16 MiB blocks (what analyze uses, overlapped with compute): $($bench read "$plain" --block-megabytes 16)"
echo "with gzip: $($bench read "$zipped")"

echo "== 3. peak RSS on the sparse path, N and 8N rows (L0 32)"
small="$dir/sparse-n1.h5"; large="$dir/sparse-n8.h5"
[ -f "$small" ] || $bench make-sparse --rows 100000 --width "$width" --l0 32 --out "$small" >/dev/null
[ -f "$large" ] || $bench make-sparse --rows 800000 --width "$width" --l0 32 --out "$large" >/dev/null
a=$($bench cov "$small"); echo "$a"
b=$($bench cov "$large"); echo "$b"
echo "RSS(8N)/RSS(N) = $(python3 -c "print(f'{$(echo "$b" | field peak_rss_mb)/$(echo "$a" | field peak_rss_mb):.3f}')") (target: no growth)"
