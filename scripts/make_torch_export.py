#!/usr/bin/env python3
"""Writes a canonical file's cascade as a PyTorch user would dump it, in the
layout of Tests/Fixtures/torch-statedict-small.h5 (h5py, gzip-chunked
activations, nn.Linear weights [out, in], int64 labels):

    python3 scripts/make_torch_export.py CANONICAL.h5 EXPORT.h5 [--depths 4]

Depths 0..--depths are kept. Used by scripts/bench-torch-analyze.sh.
"""
import argparse

import h5py
import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("canonical")
    parser.add_argument("export")
    parser.add_argument("--depths", type=int, default=4)
    args = parser.parse_args()
    with h5py.File(args.canonical, "r") as source, h5py.File(args.export, "w") as out:
        out.attrs["exported_by"] = "scripts/make_torch_export.py"
        out.create_dataset("labels", data=source["labels"][...].astype(np.int64))
        for d in range(args.depths + 1):
            group = source[f"depths/{d}"]
            out.create_dataset(f"activations/depth_{d}", data=group["activations"][...].astype(np.float32),
                               compression="gzip")
            if d == 0:
                continue
            sae = group["sae"]
            # Canonical W_enc is [F_{d-1}, F_d] and W_dec [F_d, F_{d-1}]; nn.Linear stores [out, in].
            out.create_dataset(f"sae_{d}/encoder.weight", data=sae["W_enc"][...].T.astype(np.float32))
            out.create_dataset(f"sae_{d}/encoder.bias", data=sae["b_enc"][...].astype(np.float32))
            out.create_dataset(f"sae_{d}/decoder.weight", data=sae["W_dec"][...].T.astype(np.float32))
            out.create_dataset(f"sae_{d}/decoder.bias", data=sae["b_dec"][...].astype(np.float32))


if __name__ == "__main__":
    main()
