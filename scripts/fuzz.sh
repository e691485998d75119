#!/usr/bin/env bash
# Runs both fuzzers for longer than CI does.
#
#   scripts/fuzz.sh MINUTES
#
# Half the time goes to the structure-aware mutation fuzzer (the
# MutationFuzzTests suite, mutants of the committed fixtures through
# describe, validate, analyze and convert as child processes), continuing
# from FIRST (default: a random start, printed, so repeated runs cover new
# mutants); half to the byte-level libFuzzer target (scripts/fuzz-bytes.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:?usage: scripts/fuzz.sh MINUTES}
half=$(( minutes * 30 ))
first=${FIRST:-$(( (RANDOM << 15 | RANDOM) % 100000000 ))}
export PATH="/opt/swift/usr/bin:$PATH"
echo "== mutation fuzzer: $half s from mutant $first"
swift build --build-tests
METASAE_FUZZ_SECONDS=$half METASAE_FUZZ_FIRST=$first swift test --skip-build --filter MutationFuzzTests 2>&1 \
  | grep -E "mutation fuzzer|^finding|passed|failed" || true
echo "== byte-level fuzzer: $half s"
scripts/fuzz-bytes.sh "$half"
