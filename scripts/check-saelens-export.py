#!/usr/bin/env python3
"""Checks `metasae export --format saelens` with Python's own readers: every
tensor of every exported folder, read by `safetensors`, equals the canonical
file's (read by h5py), bit for bit, and every cfg.json field says what the
file says. Where sae_lens is installed, each folder is also loaded with
`SAE.load_from_disk`, and its encode of depth d−1 must give the file's depth
d latents.

    python3 scripts/check-saelens-export.py FILE.h5 EXPORT_DIR [FILE.h5 EXPORT_DIR ...]

Several pairs share one process, so torch and sae_lens load once.
"""
import json
import os
import sys

import h5py
import numpy as np
from safetensors.numpy import load_file

ARCHITECTURES = {"relu": "standard", "topk": "topk", "jumprelu": "jumprelu"}


def main(path, folder):
    checked, loaded = 0, 0
    try:
        from sae_lens import SAE
        import torch
    except ImportError:
        SAE = None
    with h5py.File(path, "r") as f:
        depths = sorted(int(name) for name in f["depths"] if name != "0")
        for depth in depths:
            group = f[f"depths/{depth}/sae"]
            sae_folder = os.path.join(folder, f"depth_{depth}")
            tensors = load_file(os.path.join(sae_folder, "sae_weights.safetensors"))
            with open(os.path.join(sae_folder, "cfg.json")) as handle:
                cfg = json.load(handle)
            names = {"W_enc", "W_dec", "b_enc", "b_dec"} | ({"threshold"} if "threshold" in group else set())
            assert set(tensors) == names, f"depth {depth}: tensors {sorted(tensors)}, expected {sorted(names)}"
            for name in names:
                ours = group[name][()].astype(np.float32)
                assert tensors[name].dtype == np.float32 and tensors[name].shape == ours.shape, f"depth {depth} {name}: {tensors[name].shape}"
                assert np.array_equal(tensors[name], ours), f"depth {depth} {name} differs"
            function = group.attrs.get("activation_fn", "relu")
            function = function.decode() if isinstance(function, bytes) else function
            expected = {"architecture": ARCHITECTURES[function], "d_in": group["W_enc"].shape[0], "d_sae": group["W_enc"].shape[1],
                        "dtype": "float32", "apply_b_dec_to_input": bool(group.attrs.get("apply_b_dec_to_input", 0)),
                        "normalize_activations": "none"}
            if function == "topk":
                expected["k"] = int(group.attrs["k"])
            for key, value in expected.items():
                assert cfg.get(key) == value, f"depth {depth} cfg {key}: {cfg.get(key)!r}, expected {value!r}"
            assert int(cfg["metadata"]["sae_lens_version"].split(".")[0]) >= 6
            checked += 1
            if SAE is not None and "activations" in f[f"depths/{depth}"] and "activations" in f[f"depths/{depth - 1}"]:
                model = SAE.load_from_disk(sae_folder)
                x = torch.from_numpy(f[f"depths/{depth - 1}/activations"][:512].astype(np.float32))
                with torch.no_grad():
                    codes = model.encode(x).numpy()
                stored = f[f"depths/{depth}/activations"][:512]
                assert np.allclose(codes, stored, rtol=1e-4, atol=1e-5), f"depth {depth}: SAELens's encode differs from the file"
                loaded += 1
    print(f"{checked} exported SAEs match the file" + (f"; {loaded} loaded by SAELens and encode as the file says" if SAE else "; sae_lens not installed, load not checked"))


if __name__ == "__main__":
    if len(sys.argv) < 3 or len(sys.argv) % 2 != 1:
        sys.exit(__doc__)
    for index in range(1, len(sys.argv), 2):
        main(sys.argv[index], sys.argv[index + 1])
