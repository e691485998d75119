#!/usr/bin/env bash
# Byte-level fuzzing with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz-bytes.sh [SECONDS]      (default 60)
#
# Builds the metasae-fuzz target with -sanitize=fuzzer,address in
# .build-fuzz, and feeds libFuzzer's mutations of the committed corpus and
# conversion fixtures, as files, through what every command does after the
# probe (see Sources/metasae-fuzz). It runs in fork mode, so a crash inside
# libhdf5 (which the commands' crash-isolating probe turns into exit 68)
# does not end the run. Every crash found is then replayed: one whose stack
# reaches this project's code before libhdf5's fails the script; crashes
# inside libhdf5 are listed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
export PATH="/opt/swift/usr/bin:$PATH"
export HDF5_USE_FILE_LOCKING=FALSE
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:${ASAN_OPTIONS:-}"

echo "== building metasae-fuzz with -sanitize=fuzzer,address"
swift build --product metasae-fuzz --scratch-path .build-fuzz --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING \
  > "${TMPDIR:-/tmp}/metasae-fuzz-build.log" 2>&1 || { tail -n 40 "${TMPDIR:-/tmp}/metasae-fuzz-build.log"; exit 1; }
binary=.build-fuzz/debug/metasae-fuzz

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
# HDF5 seeds, and safetensors, .npy and cfg.json seeds for the array
# readers; each named by its path, since fixture folders reuse names.
find Tests/Fixtures/corpus Tests/Fixtures/convert -name '*.h5' > "$work/seeds"
find Tests/Fixtures/saelens \( -name '*.safetensors' -o -name '*.npy' -o -name 'cfg.json' \) | sort | awk 'NR <= 60' >> "$work/seeds"
while read -r seed; do cp "$seed" "$work/corpus/$(echo "$seed" | tr '/' '_')"; done < "$work/seeds"

echo "== fuzzing for $seconds s"
"$binary" -fork=2 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 -max_total_time="$seconds" \
  -timeout=30 -rss_limit_mb=4096 -max_len=65536 -artifact_prefix="$work/artifacts/" "$work/corpus" \
  > "$work/fuzz.log" 2>&1 || true
cp "$work/fuzz.log" "${TMPDIR:-/tmp}/metasae-fuzz.log"
grep -E "^#[0-9]+.*(DONE|pulse|INITED)|stat::" "$work/fuzz.log" | tail -n 3 || true
runs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$work/fuzz.log" | grep -oE "[0-9]+$" | tail -n 1 || true)
[ -n "$runs" ] || runs=$(grep -oE "^#[0-9]+" "$work/fuzz.log" | tail -n 1 | tr -d '#' || echo 0)

ours=0
hdf5=0
for crash in "$work"/artifacts/crash-* "$work"/artifacts/leak-* "$work"/artifacts/oom-* "$work"/artifacts/timeout-*; do
  [ -e "$crash" ] || continue
  # libFuzzer's own alarm reports a hang (a timeout artifact) with its stack
  # after 30 s; the outer limit only catches a replay that never reports.
  replay=0
  report=$(timeout 120 "$binary" -timeout=30 "$crash" 2>&1) || replay=$?
  if [ "$replay" -eq 124 ]; then
    ours=$((ours + 1))
    echo "REPLAY DID NOT FINISH: $(basename "$crash")"
    mkdir -p fuzz-findings && cp "$crash" fuzz-findings/
    continue
  fi
  # The first named stack frame outside the sanitizer runtime, libc (by
  # library or by its source path, as symbolized memcpy frames show) and the
  # Swift runtime's trap machinery decides whose crash it is. Frames with no
  # name are skipped: everything of ours is built with symbols, and the
  # unnamed ones are static functions of Debian's stripped libhdf5 archive.
  frame=$(printf '%s\n' "$report" | grep -E '^ *#[0-9]+ 0x[0-9a-f]+ in ' \
    | grep -vE 'libclang_rt|compiler-rt|asan_|libc\.so|sysdeps/|nptl/|libswiftCore|__sanitizer|libFuzzer|fuzzer::' | head -n 1 || true)
  # libhdf5's frames: its shared library, or (linked statically from Debian's
  # archive) its functions, all named H5<letter or digit or _>.
  if printf '%s' "$frame" | grep -qE 'libhdf5| in H5[A-Z0-9_]'; then
    hdf5=$((hdf5 + 1))
    echo "libhdf5 crash or hang (isolated by the probe in the commands): $(basename "$crash"): $frame"
  elif [ -n "$frame" ] || printf '%s' "$report" | grep -q 'ERROR: AddressSanitizer\|Fatal error'; then
    ours=$((ours + 1))
    echo "CRASH IN OUR CODE: $(basename "$crash")"
    printf '%s\n' "$report" | head -n 40 || true
    mkdir -p fuzz-findings && cp "$crash" fuzz-findings/
  fi
done
echo "fuzz-bytes: $runs inputs in $seconds s; crashes in our code: $ours; in libhdf5: $hdf5"
[ "$ours" -eq 0 ]
