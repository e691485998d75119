#!/usr/bin/env python3
"""Checks, in NumPy and from the file alone, that every depth's stored
activations are the depth below encoded by that depth's stored SAE:
    pre = (x - b_dec * apply) @ W_enc + b_enc
    relu: max(pre, 0); topk: the k largest of each row (ties: lower index),
    ReLU'd; jumprelu: pre where pre > threshold and pre > 0.
Entries on a boundary (a tie at the kth place, a pre-activation at its
threshold) may settle either way in float32: at most 0.2% may differ.

    python3 scripts/check-reencode.py FILE.h5 [FILE.h5 ...]
"""
import sys

import h5py
import numpy as np


def stored(f, depth):
    g = f[f"depths/{depth}"]
    if "sparse" in g:
        s = g["sparse"]
        n, width = (int(v) for v in s.attrs["shape"])
        dense = np.zeros((n, width), dtype=np.float64)
        indptr, indices, values = s["indptr"][()], s["indices"][()], s["values"][()]
        for row in range(n):
            span = slice(indptr[row], indptr[row + 1])
            dense[row, indices[span]] = values[span]
        return dense
    return g["activations"][()].astype(np.float64)


def encode(x, sae):
    apply = int(sae.attrs.get("apply_b_dec_to_input", 0))
    pre = (x - sae["b_dec"][()].astype(np.float64) * apply) @ sae["W_enc"][()].astype(np.float64) + sae["b_enc"][()]
    kind = sae.attrs["activation_fn"]
    kind = kind.decode() if isinstance(kind, bytes) else str(kind)
    if kind == "relu":
        return np.maximum(pre, 0)
    if kind == "topk":
        k = int(sae.attrs["k"])
        order = np.lexsort((np.broadcast_to(np.arange(pre.shape[1]), pre.shape), -pre), axis=1)
        codes = np.zeros_like(pre)
        rows = np.arange(pre.shape[0])[:, None]
        chosen = order[:, :k]
        codes[rows, chosen] = np.maximum(pre[rows, chosen], 0)
        return codes
    if kind == "jumprelu":
        threshold = sae["threshold"][()].astype(np.float64)
        return np.where((pre > threshold) & (pre > 0), pre, 0)
    raise SystemExit(f"unknown activation_fn {kind}")


def main(paths):
    failed = False
    for path in paths:
        with h5py.File(path, "r") as f:
            depths = sorted(int(d) for d in f["depths"])
            for depth in depths[1:]:
                sae = f[f"depths/{depth}/sae"]
                expected = encode(stored(f, depth - 1), sae)
                actual = stored(f, depth)
                differ = np.abs(actual - expected) > 1e-4 * np.maximum(1, np.abs(expected))
                share = differ.mean()
                kind = sae.attrs["activation_fn"]
                status = "ok" if share <= 0.002 else "DIFFERS"
                failed |= share > 0.002
                print(f"{path} depth {depth} ({kind}): {differ.sum()} of {differ.size} entries differ: {status}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
