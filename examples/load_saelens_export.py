#!/usr/bin/env python3
"""Loads a cascade written by `metasae export FILE DIR` with SAELens and
runs depth 0's activations through it, depth by depth.

    metasae export runs/mnist/metasae.h5 runs/mnist-saelens
    python3 examples/load_saelens_export.py runs/mnist-saelens runs/mnist/metasae.h5

Needs `pip install sae-lens h5py` (SAELens 6 or later); without SAELens it
says so and stops.
"""
import os
import sys

try:
    import h5py
    import torch
    from sae_lens import SAE
except ImportError as missing:
    sys.exit(f"this example needs SAELens and h5py: pip install sae-lens h5py ({missing})")


def main(folder, canonical):
    depths = sorted(int(name.split("_")[1]) for name in os.listdir(folder) if name.startswith("depth_"))
    with h5py.File(canonical, "r") as f:
        x = torch.from_numpy(f["depths/0/activations"][:1000])
        for depth in depths:
            sae = SAE.load_from_disk(os.path.join(folder, f"depth_{depth}"))
            with torch.no_grad():
                codes = sae.encode(x)
                reconstruction = sae.decode(codes)
            fvu = ((reconstruction - x) ** 2).sum() / ((x - x.mean(0)) ** 2).sum()
            l0 = (codes > 0).float().sum(1).mean()
            print(f"depth {depth}: {type(sae).__name__} {sae.cfg.d_in}→{sae.cfg.d_sae}, mean L0 {l0:.1f}, FVU {fvu:.4f}")
            x = codes


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
