#!/usr/bin/env bash
# Reading gzip-compressed rows (shuffle + deflate level 4, 1024-wide float32,
# 60,000 rows, 246 MB raw, warm page cache): metasae's reader (chunks handed
# over by libhdf5, inflated by libdeflate on METASAE_READ_THREADS threads)
# against h5py reading the same dataset in 4096-row slices (libhdf5's own
# filter, zlib, one thread). Median of three each, and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
dir="${BENCH_DIR:-/tmp/metasae-bench}"
mkdir -p "$dir"
swift build -c release --product metasae-bench >/dev/null
bench=.build/release/metasae-bench
file="$dir/dense-gzip-60k.h5"
[ -f "$file" ] || $bench make-dense --rows 60000 --width 1024 --gzip --out "$file" >/dev/null
cat "$file" > /dev/null
python3 - "$bench" "$file" <<'PY'
import re, statistics, subprocess, sys, time
import h5py
bench, path = sys.argv[1], sys.argv[2]
def ours():
    out = subprocess.run([bench, "read", path], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"mb_per_s=([0-9.]+)", out).group(1))
def theirs():
    with h5py.File(path, "r") as f:
        data = f["depths/0/activations"]
        start, total = time.perf_counter(), 0
        for row in range(0, data.shape[0], 4096):
            total += data[row:row + 4096].nbytes
        return total / (time.perf_counter() - start) / 1e6
a = [ours() for _ in range(3)]
b = [theirs() for _ in range(3)]
print(f"metasae read: median {statistics.median(a):.0f} MB/s (runs {', '.join(f'{x:.0f}' for x in a)})")
print(f"h5py read:    median {statistics.median(b):.0f} MB/s (runs {', '.join(f'{x:.0f}' for x in b)})")
print(f"ratio: {statistics.median(a) / statistics.median(b):.2f}x")
PY
