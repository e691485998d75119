#!/usr/bin/env python3
"""Writes big.h5 for the MPI scaling benchmark (BENCHMARKS.md): a canonical file
with 400,000 rows, depth 0 width 128, depth 1 (a random ReLU SAE) width 512."""
import h5py, numpy as np
N, D, F = 400_000, 128, 512
rng = np.random.default_rng(0)
W_enc = (rng.normal(size=(D, F)) * 0.1).astype(np.float32); b_enc = (rng.normal(size=F) * 0.01).astype(np.float32)
W_dec = (rng.normal(size=(F, D)) * 0.1).astype(np.float32); b_dec = np.zeros(D, np.float32)
with h5py.File("big.h5", "w", libver=("earliest", "v110")) as f:
    f.attrs.update(metasae_schema="metasae/canonical", metasae_schema_version=np.int64(1), tool_version="mk.py", created="2026-01-01T00:00:00Z")
    f.create_dataset("labels", data=rng.integers(0, 10, N).astype(np.int64))
    a0 = f.create_dataset("depths/0/activations", shape=(N, D), dtype=np.float32, chunks=(2048, D), maxshape=(None, D))
    a1 = f.create_dataset("depths/1/activations", shape=(N, F), dtype=np.float32, chunks=(512, F), maxshape=(None, F))
    for s in range(0, N, 50_000):
        x = np.maximum(rng.normal(size=(min(50_000, N - s), D)), 0).astype(np.float32)
        a0[s:s + len(x)] = x
        a1[s:s + len(x)] = np.maximum(x @ W_enc + b_enc, 0)
    g = f.create_group("depths/1/sae")
    for k, v in dict(W_enc=W_enc, b_enc=b_enc, W_dec=W_dec, b_dec=b_dec).items(): g.create_dataset(k, data=v)
    g.attrs.update(activation_fn="relu", d_in=np.int64(D), d_sae=np.int64(F), apply_b_dec_to_input=np.int64(0))
