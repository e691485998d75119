#!/usr/bin/env bash
# Builds metasae-mpi (the MPI trait) and checks that `mpirun -np P` gives the
# single-process results for P = 1…4, on one machine with --oversubscribe.
# Needs libopenmpi-dev and openmpi-bin. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
# CI runs as root; Open MPI refuses that unless told it is deliberate.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
swift build --product metasae >/dev/null || exit 1
# The trait changes every target's flags: its own build folder keeps both builds cached.
swift build --traits MPI --product metasae-mpi --scratch-path .build-mpi >/dev/null || exit 1
bin=$(swift build --show-bin-path)
mpi=$(swift build --traits MPI --scratch-path .build-mpi --show-bin-path)/metasae-mpi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
# Files with several chunks, so every rank gets rows; dense ones (one with a
# classifier, for the diagnostics' accuracies) and a sparse one.
"$bin/metasae" convert examples/fixture-canonical.h5 "$scratch/fixture-sparse.h5" --sparse on --quiet 2>/dev/null \
  || "$bin/metasae" convert Tests/Fixtures/torch-statedict-small.h5 "$scratch/fixture-sparse.h5" --sparse on --quiet
for file in Tests/Fixtures/metrics/larger.h5 Tests/Fixtures/metrics/ties.h5 Tests/Fixtures/diagnostics/diagnostics.h5 "$scratch/fixture-sparse.h5"; do
  name=$(basename "$file")
  options=(--null-seeds 2 --fri-examples all --ltes-examples all --quiet)
  "$bin/metasae" analyze "$file" --out "$scratch/single-$name" "${options[@]}" || { echo "FAIL $name: single-process run"; failed=$((failed + 1)); continue; }
  for ranks in 1 2 3 4; do
    if ! mpirun --oversubscribe -np "$ranks" "$mpi" analyze "$file" --out "$scratch/mpi$ranks-$name" "${options[@]}"; then
      echo "FAIL $name with $ranks ranks: mpirun failed"; failed=$((failed + 1)); continue
    fi
    if python3 - "$scratch/single-$name/results.json" "$scratch/mpi$ranks-$name/results.json" <<'PY'
import json, math, sys
single, shared = (json.load(open(p)) for p in sys.argv[1:3])
def values(results):
    out = {}
    for row in results["depths"]:
        for metric in ("FRI", "CSP", "PDS", "LTES", "ODM"):
            if isinstance(row.get(metric), (int, float)) and not isinstance(row.get(metric), bool):
                out[(row["depth"], metric)] = row[metric]
        # Every diagnostic, flags and counts as numbers.
        for name, value in (row.get("diagnostics") or {}).items():
            if isinstance(value, (int, float)):
                out[(row["depth"], name)] = float(value)
    for depth in (results.get("nullModels") or {}).get("depths", []):
        for metric, statistic in depth["metrics"].items():
            if isinstance(statistic.get("mean"), (int, float)) and not isinstance(statistic.get("mean"), bool):
                out[("null", depth["depth"], metric)] = statistic["mean"]
    return out
a, b = values(single), values(shared)
assert a.keys() == b.keys(), "different metrics"
# The feature browser's data: top rows, histograms and frequencies exactly,
# class means within the same reassociation tolerance.
def features(path):
    try:
        return json.load(open(path.replace("results.json", "features.json")))
    except FileNotFoundError:
        return None
fs, fm = features(sys.argv[1]), features(sys.argv[2])
assert (fs is None) == (fm is None), "features.json on one side only"
for ds, dm in zip((fs or {}).get("depths", []), (fm or {}).get("depths", [])):
    for ls, lm in zip(ds["latents"], dm["latents"]):
        for key in ("top", "topValues", "histogram", "histogramStart", "frequency", "parents", "children"):
            assert ls[key] == lm[key], f"features depth {ds['depth']} latent {ls['latent']} {key}"
        assert all(abs(x - y) <= max(1e-6, 1e-5 * abs(x)) for x, y in zip(ls["classMeans"], lm["classMeans"])), "class means"
# Equal up to reassociation: shares cut Float32 block Grams at other rows
# (relative 1e-5, or absolute 1e-6 near zero, as for PDS, a difference of ODMs).
bad = [k for k in a if abs(a[k] - b[k]) > max(1e-6, 1e-5 * abs(a[k]))]
if bad:
    print("  differs:", [(k, a[k], b[k]) for k in bad[:5]])
    sys.exit(1)
PY
    then
      echo "ok   $name with $ranks ranks"; passed=$((passed + 1))
    else
      echo "FAIL $name with $ranks ranks: results differ"; failed=$((failed + 1))
    fi
  done
done
# A file that crashes libhdf5 (simulated in rank 0's probe child) stops every
# rank before any opens it, with one message and the corrupt-file status.
errors="$scratch/probe-crash.err"
METASAE_DEBUG_PROBE_CRASH=1 mpirun --oversubscribe -x METASAE_DEBUG_PROBE_CRASH -np 3 "$mpi" analyze Tests/Fixtures/metrics/larger.h5 \
  --out "$scratch/probe-crash" --quiet 2>"$errors" >/dev/null
status=$?
lines=$(grep -c "libhdf5 crashed" "$errors")
if [ "$status" -eq 68 ] && [ "$lines" -eq 1 ] && [ ! -e "$scratch/probe-crash" ]; then
  echo "ok   probe crash with 3 ranks"; passed=$((passed + 1))
else
  echo "FAIL probe crash with 3 ranks: status $status, $lines message(s)"; sed 's/^/  /' "$errors" | head -5; failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
