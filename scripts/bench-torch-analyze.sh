#!/usr/bin/env bash
# `metasae analyze` on a PyTorch export against PyTorch doing the same
# metrics (issue: whole-process speed). The export is the default run's
# cascade, depths 0-4 (10,000 rows, 128 then 256 wide), written the way a
# PyTorch user dumps tensors (scripts/make_torch_export.py) and converted
# once. Timed, as whole processes in this run:
#   - scripts/torch_metrics.py --seed: the seed's own code (one run);
#   - scripts/torch_metrics.py: vectorized torch float32, in memory (best of 3);
#   - metasae analyze, defaults (diagnostics, per-latent data), best of 5;
#   - metasae analyze --no-diagnostics --feature-examples 0 (the four
#     metrics, like for like), best of 5.
# Also the metric computations alone: torch's own timer against the
# seconds analyze records in results.json, and the largest difference
# between the two implementations' metric values.
# Needs python3 with torch, h5py, numpy and scipy.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-analysis-files.sh
work="$dir/torch"
mkdir -p "$work"
[ -f "$work/export.h5" ] || python3 scripts/make_torch_export.py "$dir/run/metasae.h5" "$work/export.h5" --depths 4
rm -f "$work/converted.h5"
$metasae convert "$work/export.h5" "$work/converted.h5" --quiet

best() {  # best wall time of $1 runs of the rest, in seconds; the last run's stdout goes to $2
  python3 - "$@" <<'PY'
import subprocess, sys, time
runs, output, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times = []
for _ in range(runs):
    start = time.perf_counter()
    with open(output, "wb") as out:
        subprocess.run(command, check=True, stdout=out)
    times.append(time.perf_counter() - start)
print(min(times))
PY
}
seed=$(best 1 "$work/seed.json" python3 scripts/torch_metrics.py "$work/export.h5" --seed)
torch=$(best 3 "$work/torch.json" python3 scripts/torch_metrics.py "$work/export.h5")
ours=$(best 5 /dev/null $metasae analyze "$work/converted.h5" --out "$work/default" --quiet)
four=$(best 5 /dev/null $metasae analyze "$work/converted.h5" --out "$work/four" --quiet --no-diagnostics --feature-examples 0)
python3 - "$seed" "$torch" "$ours" "$four" "$work" <<'PY'
import json, sys
seed, torch, ours, four = (float(v) for v in sys.argv[1:5])
work = sys.argv[5]
t = json.load(open(f"{work}/torch.json"))
s = json.load(open(f"{work}/seed.json"))
r = json.load(open(f"{work}/four/results.json"))
passes = sum(r["seconds"].values())
worst = 0.0
for row in r["depths"]:
    if row["depth"] == 0:
        continue
    for name in ("FRI", "CSP", "PDS", "LTES"):
        mine, theirs = row[name], s["metrics"][name][str(row["depth"])]
        worst = max(worst, abs(mine - theirs) / max(abs(theirs), 1e-6))
print(f"whole process: seed code {seed:.2f} s, vectorized torch {torch:.2f} s, "
      f"metasae analyze {ours:.3f} s (defaults), {four:.3f} s (four metrics)")
print(f"  four metrics: {seed / four:.0f}x the seed (target 200x), {torch / four:.1f}x vectorized torch (target 10x)")
print(f"  defaults:     {seed / ours:.0f}x the seed, {torch / ours:.1f}x vectorized torch")
print(f"metric computations alone: seed {s['seconds']:.2f} s, vectorized torch {t['seconds']:.3f} s, "
      f"metasae {passes:.3f} s: {s['seconds'] / passes:.0f}x and {t['seconds'] / passes:.1f}x")
print(f"largest relative difference from the seed's values: {worst:.1e}")
PY
