# Sourced by the analysis benchmarks: builds metasae and metasae-bench
# (release) and makes, once, the two files they measure in $dir:
#   $dir/run/metasae.h5    the default run's file (`metasae run`);
#   $dir/cascade200k.h5    200,000 rows: depth 0 dense 256 wide, depths 512,
#                          512, 256 TopK k = 16 in the CSR form.
# Sets $metasae to the release executable.
export PATH="/opt/swift/usr/bin:$PATH"
dir="${BENCH_DIR:-/tmp/metasae-bench}"
mkdir -p "$dir"
swift build -c release --product metasae >/dev/null
swift build -c release --product metasae-bench >/dev/null
metasae=.build/release/metasae
[ -f "$dir/run/metasae.h5" ] || $metasae run --out "$dir/run" --quiet
[ -f "$dir/cascade200k.h5" ] || .build/release/metasae-bench make-cascade --rows 200000 --widths 256,512,512,256 --k 16 --out "$dir/cascade200k.h5"
