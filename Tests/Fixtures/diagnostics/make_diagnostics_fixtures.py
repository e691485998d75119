#!/usr/bin/env python3
"""A canonical file and an independent NumPy computation of every diagnostic.

Writes diagnostics.h5 (labels, depths 0-3 with ReLU SAEs, a two-layer
classifier whose hidden layer is depth 0, a duplicated latent at depth 1
and a latent copied from depth 1 at depth 2) and expected.json: each
diagnostic of each depth computed here with NumPy, in float64, from the
arrays read back from the file, by the definitions in the README's
"Diagnostics" section, written out directly (whole matrices, np.corrcoef,
np.linalg.lstsq for OMP) rather than as the Swift code streams them.

The label shuffle and the random unit vectors use the tool's seeded
generator (xoshiro256** seeded by SplitMix64), re-implemented below, so
both sides draw the same shuffle and the same vectors.

Usage: python3 Tests/Fixtures/diagnostics/make_diagnostics_fixtures.py [OUTPUT_DIR]
"""

import json
import math
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import canonical_h5  # noqa: E402

ACTIVE = 1e-5
FRI_EXAMPLES = 1000
LTES_EXAMPLES = 100
LTES_MIN_ACTIVE = 10
PERMUTATION_SEED = 20_240_601
RANDOM_DIRECTIONS = 200
OMP_ATOMS = 4
DUPLICATE = 0.9
MASK = (1 << 64) - 1


class SeededGenerator:
    """xoshiro256** seeded by SplitMix64, as Sources/LinearAlgebra/SeededGenerator.swift."""

    def __init__(self, seed):
        mixer = seed

        def splitmix():
            nonlocal mixer
            mixer = (mixer + 0x9E3779B97F4A7C15) & MASK
            z = mixer
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            return z ^ (z >> 31)

        self.s = [splitmix() for _ in range(4)]

    @staticmethod
    def rotate(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self.rotate((s[1] * 5) & MASK, 7) * 9) & MASK
        shifted = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= shifted
        s[3] = self.rotate(s[3], 45)
        return result

    def normal(self):
        u1 = max((self.next() >> 11) * (1.0 / 9007199254740992.0), 1e-300)
        u2 = (self.next() >> 11) * (1.0 / 9007199254740992.0)
        return float(np.float32(math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)))


def shuffled_labels(labels, seed):
    """Row i takes class c with probability (unused labels of c) / (unused labels)."""
    remaining = [int(np.sum(labels == c)) for c in range(10)]
    total = sum(remaining)
    generator = SeededGenerator(seed)
    out = np.empty_like(labels)
    for i in range(len(labels)):
        draw = generator.next() % total
        c = 0
        while draw >= remaining[c]:
            draw -= remaining[c]
            c += 1
        remaining[c] -= 1
        total -= 1
        out[i] = c
    return out


def csp(acts, labels, columns):
    """The seed's CSP over the given columns."""
    if len(columns) == 0:
        return None
    means = np.array([acts[labels == c].mean(axis=0) if np.any(labels == c) else np.zeros(acts.shape[1])
                      for c in range(10)])
    scores = []
    for j in columns:
        top = np.sort(means[:, j])[::-1]
        scores.append((top[0] - top[1]) / top[0] if top[0] > 0 else 0.0)
    return float(np.mean(scores))


def normalized_covariance(a):
    centered = a - a.mean(axis=0, keepdims=True)
    cov = centered.T @ centered / (a.shape[0] - 1)
    scale = np.sqrt(np.diag(cov))
    return cov / (scale[:, None] * scale[None, :] + 1e-8)


def odm_parts(a, columns):
    if len(columns) < 2:
        return None
    nc = normalized_covariance(a[:, columns])
    off = ~np.eye(len(columns), dtype=bool)
    return float(np.maximum(nc[off], 0).mean()), float(np.maximum(-nc[off], 0).mean())


def correlations(x, y):
    """Pearson r between columns of x and of y (NaN where a column is constant)."""
    xc = x - x.mean(axis=0)
    yc = y - y.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (xc.T @ yc) / np.sqrt(np.outer((xc * xc).sum(axis=0), (yc * yc).sum(axis=0)))


def chain(saes, depth):
    """M_d and c_d of x0 = z M_d + c_d."""
    m, c = saes[1]
    for d in range(2, depth + 1):
        w, b = saes[d]
        m, c = w @ m, b @ m + c
    return m, c


def unit_rows(m, rows):
    out = []
    for r in rows:
        norm = np.linalg.norm(m[r])
        if norm > 0:
            out.append(m[r] / norm)
    return np.array(out)


def omp_share(target, dictionary, atoms):
    chosen = []
    residual = target.copy()
    share = 0.0
    for _ in range(min(atoms, len(dictionary))):
        scores = np.abs(dictionary @ residual)
        scores[chosen] = -1
        best = int(np.argmax(scores))
        if scores[best] <= 1e-12:
            break
        chosen.append(best)
        basis = dictionary[chosen].T
        coefficients = np.linalg.lstsq(basis, target, rcond=None)[0]
        projection = basis @ coefficients
        residual = target - projection
        share = float(projection @ projection / (target @ target))
    return share


def predict(head, x):
    for index, (w, b) in enumerate(head):
        x = x @ w.T + b
        if index < len(head) - 1:
            x = np.maximum(x, 0)
    return np.argmax(x, axis=1)


def diagnostics(labels, acts, saes, head):
    n = len(labels)
    depths = len(acts) - 1
    a0 = acts[0]
    alive = {d: np.where(np.any(np.abs(acts[d]) > ACTIVE, axis=0))[0] for d in acts}
    shuffled = shuffled_labels(labels, PERMUTATION_SEED)
    generator = SeededGenerator(PERMUTATION_SEED)
    random_vectors = []
    for _ in range(RANDOM_DIRECTIONS):
        v = np.array([generator.normal() for _ in range(a0.shape[1])])
        random_vectors.append(v / np.linalg.norm(v))
    w_dec1 = saes[1][0]
    dictionary = unit_rows(w_dec1, alive[1])
    chance = float(np.mean([omp_share(v, dictionary, OMP_ATOMS) for v in random_vectors]))
    base_variance = float(((a0 - a0.mean(axis=0)) ** 2).sum())
    out = {}
    for d in range(depths + 1):
        a = acts[d]
        live = alive[d]
        pos, neg = odm_parts(a, list(range(a.shape[1])))
        alive_parts = odm_parts(a, list(live))
        r = correlations(a[:, live], a[:, live])
        upper = np.triu(np.ones_like(r, dtype=bool), 1)
        row = {
            "aliveLatents": int(len(live)),
            "odmPositive": pos, "odmNegative": neg,
            "odmAlive": None if alive_parts is None else alive_parts[0] + alive_parts[1],
            "independenceLevel": math.sqrt(2 / (math.pi * (n - 1))),
            "duplicatePairs": int(np.sum(np.nan_to_num(r, nan=0.0)[upper] > DUPLICATE)),
            "cspAlive": csp(a, labels, list(live)),
            "cspPermutedLabels": csp(a, shuffled, list(range(a.shape[1]))),
        }
        if d == 0:
            row["cspAllLatents"] = csp(a, labels, list(range(a.shape[1])))
            out[str(d)] = row
            continue
        cross = np.nan_to_num(correlations(acts[d - 1], a[:, live]), nan=-np.inf)
        row["inheritedShare"] = float(np.mean(cross.max(axis=0) > DUPLICATE))
        m, c = chain(saes, d)
        reconstruction = a @ m + c
        row["cumulativeFVU"] = float(((reconstruction - a0) ** 2).sum()) / base_variance
        row["reconstructionAccuracy"] = float(np.mean(predict(head, reconstruction) == labels))
        row["baseAccuracy"] = float(np.mean(predict(head, a0) == labels))
        # Interference ratio over FRI's examples with >= 2 active latents.
        ratios = []
        for i in range(min(FRI_EXAMPLES, n)):
            active = np.where(np.abs(a[i]) > ACTIVE)[0]
            if len(active) < 2:
                continue
            contributions = a[i, active][:, None] * m[active]
            separate = float((contributions ** 2).sum())
            if separate > 0:
                ratios.append((float((contributions.sum(axis=0) ** 2).sum()) - separate) / separate)
        row["interferenceRatio"] = float(np.mean(ratios))
        # LTES's parts over its first 100 examples.
        first = a[:LTES_EXAMPLES]
        baseline = first @ m + c
        threshold = 0.5 * (np.std(baseline, axis=1, ddof=1) + 1e-8)
        used = [j for j in range(a.shape[1]) if np.sum(np.abs(first[:, j]) > ACTIVE) >= LTES_MIN_ACTIVE]
        frequencies, spreads, agree = [], [], True
        for j in used:
            effect = first[:, j][:, None] * m[j][None, :]
            frequency = float(np.mean(np.abs(first[:, j]) > ACTIVE))
            mean_effect = effect.mean(axis=0)
            cosines = [float(e @ mean_effect) / (max(np.linalg.norm(e), 1e-8) * max(np.linalg.norm(mean_effect), 1e-8))
                       for e in effect]
            frequencies.append(frequency)
            spreads.append(float(np.mean(np.mean(np.abs(effect) > threshold[:, None], axis=1))))
            agree = agree and abs(float(np.mean(cosines)) - frequency) < 1e-6
        row["ltesLatents"] = len(used)
        row["ltesMeanFrequency"] = float(np.mean(frequencies))
        row["ltesMeanSpread"] = float(np.mean(spreads))
        row["ltesConsistencyIsFrequency"] = bool(agree)
        if d >= 2:
            w = saes[d][0]
            ratios, negatives = [], []
            for j in live:
                squares = float((w[j] ** 2).sum())
                if squares > 0:
                    ratios.append(squares ** 2 / float((w[j] ** 4).sum()))
                    negatives.append(float((np.minimum(w[j], 0) ** 2).sum()) / squares)
            row["participationRatio"] = float(np.median(ratios))
            row["negativeMass"] = float(np.median(negatives))
            targets = unit_rows(m, live)
            row["ompExplainedShare"] = float(np.mean([omp_share(t, dictionary, OMP_ATOMS) for t in targets]))
            row["ompRandomShare"] = chance
        out[str(d)] = row
    return out


def make(rng):
    n, pixels, hidden = 600, 12, 24
    x = rng.normal(0, 1, size=(n, pixels))
    w1 = rng.normal(0, 0.5, size=(hidden, pixels))
    b1 = rng.normal(0.1, 0.1, size=hidden)
    w2 = rng.normal(0, 0.5, size=(10, hidden))
    b2 = rng.normal(0, 0.1, size=10)
    a0 = np.maximum(x @ w1.T + b1, 0).astype(np.float32)
    labels = np.argmax(a0.astype(np.float64) @ w2.T + b2, axis=1)
    flip = rng.random(n) < 0.2
    labels[flip] = rng.integers(0, 10, size=int(flip.sum()))
    widths = [hidden, 32, 16, 8]
    acts = [a0]
    saes = {}
    for d in range(1, 4):
        d_in, d_sae = widths[d - 1], widths[d]
        w_enc = rng.normal(0, 0.4, size=(d_in, d_sae))
        b_enc = rng.normal(-0.3, 0.2, size=d_sae)
        w_dec = rng.normal(0, 0.3, size=(d_sae, d_in))
        b_dec = rng.normal(0, 0.02, size=d_in)
        z = np.maximum(acts[-1].astype(np.float64) @ w_enc + b_enc, 0)
        if d == 1:
            b_enc[7] = -100.0                # a dead latent
            z[:, 7] = 0
            z[:, 5] = 1.5 * z[:, 3] + 0.01 * np.abs(rng.normal(size=n)) * (z[:, 3] > 0)   # a near-duplicate
        if d == 2:
            z[:, 0] = 2.0 * acts[1][:, 4]   # inherited from depth 1
        acts.append(z.astype(np.float32))
        saes[d] = (w_enc, b_enc, w_dec, b_dec)
    return labels, acts, saes, [(w1, b1), (w2, b2)], x


def write(path, labels, acts, saes, layers):
    with h5py.File(path, "w", libver=("earliest", "v110"), track_times=False) as out:
        canonical_h5.write_header(out, "make_diagnostics_fixtures.py")
        out.create_dataset("labels", data=labels.astype(np.int64), track_times=False)
        classifier = out.create_group("classifier", track_times=False)
        classifier.attrs["hidden_layer"] = np.int64(1)
        for index, (w, b) in enumerate(layers):
            layer = classifier.create_group(f"layers/{index}", track_times=False)
            layer.create_dataset("weight", data=w.astype(np.float32), track_times=False)
            layer.create_dataset("bias", data=b.astype(np.float32), track_times=False)
        canonical_h5.write_depths(out, acts, saes)


def read(path):
    with h5py.File(path, "r") as f:
        labels = np.asarray(f["labels"][()], dtype=np.int64)
        acts, saes, d = {}, {}, 0
        while str(d) in f["depths"]:
            acts[d] = f[f"depths/{d}/activations"][()].astype(np.float64)
            if d >= 1:
                saes[d] = (f[f"depths/{d}/sae/W_dec"][()].astype(np.float64), f[f"depths/{d}/sae/b_dec"][()].astype(np.float64))
            d += 1
        head = [(f[f"classifier/layers/{i}/weight"][()].astype(np.float64), f[f"classifier/layers/{i}/bias"][()].astype(np.float64))
                for i in range(1, len(f["classifier/layers"]))]
    return labels, acts, saes, head


def main(argv):
    out_dir = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    labels, acts, saes, layers, _ = make(np.random.default_rng(17))
    path = os.path.join(out_dir, "diagnostics.h5")
    write(path, labels, acts, saes, layers)
    expected = {"diagnostics.h5": diagnostics(*read(path))}
    with open(os.path.join(out_dir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    for d, row in expected["diagnostics.h5"].items():
        print(d, {k: v for k, v in row.items() if k in ("duplicatePairs", "inheritedShare", "cumulativeFVU", "ltesConsistencyIsFrequency")})


if __name__ == "__main__":
    main(sys.argv)
