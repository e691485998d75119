#!/usr/bin/env bash
# The fixed cost of `metasae analyze`: the whole process on a 150-row
# canonical file (Tests/Fixtures/metrics/ties.h5, no null models), best of
# ten, beside `metasae schema` (the process starting and printing) in the
# same run. Issue 19's target for the analysis: 50 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product metasae >/dev/null
metasae=.build/release/metasae
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
best() {  # best wall time of ten runs of "$@", in seconds
  python3 - "$@" <<'PY'
import subprocess, sys, time
times = []
for _ in range(10):
    start = time.perf_counter()
    subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
print(min(times))
PY
}
analyze=$(best $metasae analyze Tests/Fixtures/metrics/ties.h5 --out "$out/a" --quiet --null-seeds 0)
schema=$(best $metasae schema)
python3 - "$analyze" "$schema" <<'PY'
import sys
analyze, schema = (float(v) for v in sys.argv[1:3])
print(f"analyze, 150 rows: {1000 * analyze:.0f} ms; metasae schema: {1000 * schema:.0f} ms; ratio {analyze / schema:.1f}x (target for analyze: 50 ms)")
PY
