#!/usr/bin/env bash
# How heavy the default run's report.html is: its size, and how long headless
# Chromium takes to open it at a card (#d3/l10) with every image drawn, as a
# whole process beside the same browser opening an empty page, best of five,
# plus the page's own time from navigation to drawn (performance.now()).
#   The default run is trained here unless $BENCH_DIR/run-images/report.html exists.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
dir="${BENCH_DIR:-/tmp/metasae-bench}"
mkdir -p "$dir"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "Chromium is not installed (Debian: apt-get install chromium)"; exit 1; }
swift build -c release --product metasae >/dev/null
[ -f "$dir/run-images/report.html" ] || .build/release/metasae run --out "$dir/run-images" --quiet
.build/release/metasae report "$dir/run-images/results.json" --quiet
printf '<!doctype html><title>empty</title><body data-page-ready="ok"></body>\n' > "$dir/empty.html"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
open_page() {  # prints "seconds ready-ms" for one whole-process load of $1
  local start end dom
  start=$(date +%s.%N)
  dom=$("$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$profile" --proxy-server=127.0.0.1:9 \
    --dump-dom "file://$1" 2>/dev/null)
  end=$(date +%s.%N)
  grep -q 'data-page-ready="ok"' <<<"$dom" || { echo "the page did not finish loading: $1" >&2; exit 1; }
  echo "$(python3 -c "print($end - $start)") $(grep -o 'data-ready-ms="[0-9]*"' <<<"$dom" | grep -o '[0-9]*' || echo 0)"
}
best() {  # best of five: "seconds ready-ms"
  for _ in 1 2 3 4 5; do open_page "$1"; done | sort -n | head -n 1
}
read -r empty _ <<<"$(best "$dir/empty.html")"
read -r page ready <<<"$(best "$dir/run-images/report.html#d3/l10")"
bytes=$(stat -c %s "$dir/run-images/report.html")
python3 - "$bytes" "$page" "$empty" "$ready" <<'PY'
import sys
size, page, empty, ready = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"report.html: {size / 1e6:.2f} MB (aim: under 10 MB)")
print(f"headless Chromium, whole process: {page:.2f} s for the page at #d3/l10, {empty:.2f} s for an empty page: "
      f"{page / empty:.2f}x, {page - empty:.2f} s more (aim: under 2 s)")
print(f"in the page, navigation to drawn card: {ready / 1000:.2f} s")
PY
