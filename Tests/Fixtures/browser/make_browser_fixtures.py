#!/usr/bin/env python3
"""A canonical file with images and an independent NumPy computation of
what the feature browser shows of every latent.

Writes browser.h5 (300 examples with 5x5 uint8 images, labels, depths 0-2
with ReLU SAEs; depth 1 has a dead latent, a latent whose values repeat on
many rows, so top-example ties are broken by row, and a latent firing on
fewer rows than the top-example count) and expected.json: per depth and
latent the top-16 example rows (largest value first, earlier row first
among equals, positive values only), the firing frequency (|z| > 1e-5),
the mean activation, the class means, the seed's per-latent CSP score and
top class, the largest Pearson r with another latent and that latent, the
half-octave activation histogram, the decoder lineage (the 8 largest |w|
of the latent's W_dec row and of its column in the next depth's W_dec)
and the 6 nearest decoder rows by cosine, all from the arrays read back
from the file with h5py and computed directly on whole matrices.

Usage: python3 Tests/Fixtures/browser/make_browser_fixtures.py [OUTPUT_DIR]
"""

import json
import math
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import canonical_h5  # noqa: E402

TOP = 16
LINKS = 8
NEIGHBOURS = 6
ACTIVE = 1e-5
LOWEST = -16
BINS = 2 * 32 + 2


def ranked(values, count, key):
    """Indices of the `count` entries with the largest key, smaller index first among equals."""
    order = sorted(range(len(values)), key=lambda i: (-key(values[i]), i))
    return order[:count]


def histogram(column):
    counts = np.zeros(BINS, dtype=np.int64)
    for value in column[column > 0]:
        # Bin b holds [2^((b-1)/2 + LOWEST), 2^(b/2 + LOWEST)); bin 0 everything below.
        b = int(math.floor(2 * math.log2(float(value)))) - 2 * LOWEST + 1
        counts[min(max(b, 0), BINS - 1)] += 1
    used = np.nonzero(counts)[0]
    if len(used) == 0:
        return 0, []
    return int(used[0]), counts[used[0]:used[-1] + 1].tolist()


def links(weights, count):
    nonzero = [i for i in range(len(weights)) if weights[i] != 0]
    order = sorted(nonzero, key=lambda i: (-abs(weights[i]), i))[:count]
    return [[int(i), float(weights[i])] for i in order]


def depth_features(a, labels, w_dec, w_dec_next):
    n, width = a.shape
    means = np.array([a[labels == c].mean(axis=0) if np.any(labels == c) else np.zeros(width) for c in range(10)])
    std = a.std(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.corrcoef(a, rowvar=False)
    if w_dec is not None:
        norms = np.linalg.norm(w_dec, axis=1)
        unit = w_dec / np.where(norms > 0, norms, 1)[:, None]
        cosine = unit @ unit.T
    out = []
    for j in range(width):
        column = a[:, j]
        positive = [i for i in range(n) if column[i] > 0]
        top = sorted(positive, key=lambda i: (-column[i], i))[:TOP]
        class_means = means[:, j]
        order = sorted(range(10), key=lambda c: (-class_means[c], c))
        first, second = class_means[order[0]], class_means[order[1]]
        twin, max_r = None, None
        if std[j] > 0:
            others = [k for k in range(width) if k != j and std[k] > 0]
            if others:
                twin = max(others, key=lambda k: (r[j, k], -k))
                max_r = float(r[j, twin])
        start, counts = histogram(column)
        entry = {
            "latent": j,
            "frequency": float(np.mean(np.abs(column) > ACTIVE)),
            "meanActivation": float(column.mean()),
            "classMeans": class_means.tolist(),
            "selectivity": float((first - second) / first) if first > 0 else 0.0,
            "topClass": int(order[0]),
            "maxCorrelation": max_r,
            "twin": twin,
            "top": [int(i) for i in top],
            "topValues": [float(column[i]) for i in top],
            "histogramStart": start,
            "histogram": counts,
            "parents": links(w_dec[j], LINKS) if w_dec is not None else [],
            "children": links(w_dec_next[:, j], LINKS) if w_dec_next is not None else [],
        }
        if w_dec is not None and norms[j] > 0:
            live = [k for k in range(width) if k != j and norms[k] > 0]
            near = sorted(live, key=lambda k: (-cosine[j, k], k))[:NEIGHBOURS]
            entry["neighbours"] = [[int(k), float(cosine[j, k])] for k in near]
            row = w_dec[j]
            squares = float(np.sum(row ** 2))
            entry["participation"] = squares ** 2 / float(np.sum(row ** 4))
            entry["negativeMass"] = float(np.sum(np.minimum(row, 0) ** 2)) / squares
        else:
            entry["neighbours"] = []
        out.append(entry)
    return {"width": width, "rows": n, "latents": out}


def make(rng):
    n, side, hidden = 300, 5, 12
    images = rng.integers(0, 256, size=(n, side * side), dtype=np.uint8)
    x = images.astype(np.float64) / 255.0
    w1 = rng.normal(0, 0.6, size=(hidden, side * side))
    b1 = rng.normal(-0.5, 0.3, size=hidden)
    a0 = np.maximum(x @ w1.T + b1, 0).astype(np.float32)
    labels = rng.integers(0, 10, size=n)
    labels[:10] = np.arange(10)
    widths = [hidden, 20, 10]
    acts, saes = [a0], {}
    for d in range(1, 3):
        d_in, d_sae = widths[d - 1], widths[d]
        w_enc = rng.normal(0, 0.5, size=(d_in, d_sae))
        b_enc = rng.normal(-0.2, 0.2, size=d_sae)
        w_dec = rng.normal(0, 0.3, size=(d_sae, d_in))
        w_dec[0, 1] = 0.0
        b_dec = rng.normal(0, 0.02, size=d_in)
        z = np.maximum(acts[-1].astype(np.float64) @ w_enc + b_enc, 0)
        if d == 1:
            z[:, 2] = 0                                   # dead
            z[:, 3] = np.round(z[:, 3], 1)                # many equal values: ties broken by row
            z[:, 4] = 0
            z[[250, 17, 90], 4] = [0.5, 0.5, 0.25]        # fires on fewer rows than TOP, with a tie
        acts.append(z.astype(np.float32))
        saes[d] = (w_enc, b_enc, w_dec, b_dec)
    return images, labels, acts, saes


def write(path, images, labels, acts, saes):
    with h5py.File(path, "w", libver=("earliest", "v110"), track_times=False) as out:
        canonical_h5.write_header(out, "make_browser_fixtures.py")
        out.create_dataset("labels", data=labels.astype(np.int64), track_times=False)
        out.create_dataset("images", data=images, chunks=(64, images.shape[1]), compression="gzip", track_times=False)
        canonical_h5.write_depths(out, acts, saes)


def expected_from(path):
    with h5py.File(path, "r") as f:
        labels = np.asarray(f["labels"][()], dtype=np.int64)
        images = np.asarray(f["images"][()])
        depths = sorted(int(k) for k in f["depths"])
        acts = {d: f[f"depths/{d}/activations"][()].astype(np.float64) for d in depths}
        w_dec = {d: f[f"depths/{d}/sae/W_dec"][()].astype(np.float64) for d in depths if d >= 1}
    out = {"examples": TOP, "depths": {}}
    for d in depths:
        out["depths"][str(d)] = depth_features(acts[d], labels, w_dec.get(d), w_dec.get(d + 1))
    # The images of one latent's top rows, for the atlas check.
    top = out["depths"]["1"]["latents"][0]["top"]
    out["imagesOfDepth1Latent0"] = {"side": 5, "rows": top, "pixels": [images[i].tolist() for i in top]}
    return out


def main(argv):
    out_dir = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    images, labels, acts, saes = make(np.random.default_rng(23))
    path = os.path.join(out_dir, "browser.h5")
    write(path, images, labels, acts, saes)
    expected = expected_from(path)
    with open(os.path.join(out_dir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    d1 = expected["depths"]["1"]["latents"]
    print("depth 1 latent 3 top:", d1[3]["top"][:6], d1[3]["topValues"][:6])
    print("depth 1 latent 4 top:", d1[4]["top"], "latent 2 frequency:", d1[2]["frequency"])


if __name__ == "__main__":
    main(sys.argv)
