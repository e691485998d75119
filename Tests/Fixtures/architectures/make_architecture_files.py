#!/usr/bin/env python3
"""The same TopK and JumpReLU cascades written twice with h5py: as a
SAELens-style export (W_enc/W_dec names, a JSON cfg attribute with
architecture and k, a `threshold` dataset) and as a canonical file. Their
activations are computed here in NumPy with SAELens's definitions, so
converting the export must give a file that analyzes to the same numbers
as the canonical one.

Writes saelens_topk.h5, native_topk.h5, saelens_jumprelu.h5,
native_jumprelu.h5 beside this script (libver earliest, no timestamps).
Usage: python3 Tests/Fixtures/architectures/make_architecture_files.py
"""

import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LIBVER = ("earliest", "v110")
N = 120
WIDTHS = [8, 12, 10]


def topk(pre, k):
    codes = np.zeros_like(pre)
    for r in range(pre.shape[0]):
        order = sorted(range(pre.shape[1]), key=lambda j: (-pre[r, j], j))[:k]
        codes[r, order] = np.maximum(pre[r, order], 0)
    return codes


def cascade(kind, seed):
    rng = np.random.default_rng(seed)
    acts = [np.maximum(rng.standard_normal((N, WIDTHS[0])), 0).astype(np.float32)]
    saes = []
    for d in range(1, len(WIDTHS)):
        fin, fout = WIDTHS[d - 1], WIDTHS[d]
        sae = {"W_enc": (rng.standard_normal((fin, fout)) / np.sqrt(fin)).astype(np.float32),
               "b_enc": rng.uniform(0.0, 0.3, fout).astype(np.float32),
               "W_dec": (rng.standard_normal((fout, fin)) / np.sqrt(fout)).astype(np.float32),
               "b_dec": (rng.standard_normal(fin) * 0.05).astype(np.float32)}
        pre = acts[-1].astype(np.float64) @ sae["W_enc"].astype(np.float64) + sae["b_enc"]
        if kind == "topk":
            sae["k"] = 3 if d == 1 else 4
            z = topk(pre, sae["k"])
        else:
            sae["threshold"] = rng.uniform(0.1, 0.6, fout).astype(np.float32)
            z = np.where((pre > sae["threshold"]) & (pre > 0), pre, 0)
        saes.append(sae)
        acts.append(z.astype(np.float32))
    labels = (np.arange(N) % 10).astype(np.int64)
    return labels, acts, saes


def write(kind):
    labels, acts, saes = cascade(kind, 5 if kind == "topk" else 6)
    with h5py.File(os.path.join(HERE, f"saelens_{kind}.h5"), "w", libver=LIBVER, track_times=False) as f:
        f.create_dataset("labels", data=labels, track_times=False)
        for d, a in enumerate(acts):
            f.create_dataset(f"activations/depth_{d}", data=a, track_times=False)
        for d, sae in enumerate(saes, start=1):
            g = f.create_group(f"sae_{d}")
            cfg = {"architecture": kind, "d_in": WIDTHS[d - 1], "d_sae": WIDTHS[d], "apply_b_dec_to_input": False,
                   "dtype": "float32"}
            if kind == "topk":
                cfg["k"] = sae["k"]
            g.attrs["cfg"] = json.dumps(cfg)
            for name in ("W_enc", "b_enc", "W_dec", "b_dec") + (("threshold",) if kind == "jumprelu" else ()):
                g.create_dataset(name, data=sae[name], track_times=False)
    with h5py.File(os.path.join(HERE, f"native_{kind}.h5"), "w", libver=LIBVER, track_times=False) as f:
        f.attrs["metasae_schema"] = "metasae/canonical"
        f.attrs["metasae_schema_version"] = np.int64(1)
        f.attrs["tool_version"] = "make_architecture_files.py"
        f.attrs["created"] = "2026-01-01T00:00:00Z"
        f.create_dataset("labels", data=labels, track_times=False)
        for d, a in enumerate(acts):
            f.create_dataset(f"depths/{d}/activations", data=a, chunks=(40, a.shape[1]), maxshape=(None, a.shape[1]),
                             track_times=False)
        for d, sae in enumerate(saes, start=1):
            g = f.create_group(f"depths/{d}/sae")
            g.attrs["activation_fn"] = kind
            g.attrs["d_in"] = np.int64(WIDTHS[d - 1])
            g.attrs["d_sae"] = np.int64(WIDTHS[d])
            g.attrs["apply_b_dec_to_input"] = np.int64(0)
            if kind == "topk":
                g.attrs["k"] = np.int64(sae["k"])
            for name in ("W_enc", "b_enc", "W_dec", "b_dec") + (("threshold",) if kind == "jumprelu" else ()):
                g.create_dataset(name, data=sae[name], track_times=False)


if __name__ == "__main__":
    write("topk")
    write("jumprelu")
