#!/usr/bin/env python3
"""Rewrite the shared PyTorch fixture into the metasae canonical layout, v1.

This is an independent reference writer: it uses only h5py and numpy, never
the Swift code, so the Swift reader can be checked against it.

Usage:
    python3 examples/make_fixture_canonical.py [INPUT [OUTPUT]]

INPUT defaults to /work/shared/fixtures/torch-statedict-small.h5 and OUTPUT to
fixture-canonical.h5 next to this script. The output is byte-reproducible:
no timestamps are tracked, `created` is fixed, and the file format is limited
to what HDF5 1.10 reads (libver ("earliest", "v110")).
"""

import os
import re
import sys

import h5py
import numpy as np

DEFAULT_INPUT = "/work/shared/fixtures/torch-statedict-small.h5"
DEFAULT_OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture-canonical.h5")

CREATED = "2026-01-01T00:00:00Z"  # fixed so the output is reproducible
TEST_ACCURACY = 0.9467            # from the fixture's README
HIDDEN_LAYER = 2                  # depth 0 is the 2nd hidden layer's output after ReLU


def depth_indices(src, pattern):
    """Sorted integer suffixes of the root members matching `pattern`."""
    found = []
    for name in src.keys():
        m = re.fullmatch(pattern, name)
        if m:
            found.append(int(m.group(1)))
    return sorted(found)


def linear_layers(group):
    """(weight, bias) of each nn.Linear in an nn.Sequential state_dict, in order.

    Keys look like `0.weight`, `0.bias`, `2.weight`, …; the numeric prefix is
    the module index, sorted as an integer (so 10 comes after 2).
    """
    modules = {}
    for key in group.keys():
        m = re.fullmatch(r"(\d+)\.(weight|bias)", key)
        if not m:
            raise SystemExit(f"unexpected classifier key {key!r}")
        modules.setdefault(int(m.group(1)), {})[m.group(2)] = key
    layers = []
    for index in sorted(modules):
        parts = modules[index]
        if set(parts) != {"weight", "bias"}:
            raise SystemExit(f"classifier module {index} lacks weight or bias: {sorted(parts)}")
        w = np.asarray(group[parts["weight"]][()], dtype=np.float32)
        b = np.asarray(group[parts["bias"]][()], dtype=np.float32)
        if w.ndim != 2 or b.shape != (w.shape[0],):
            raise SystemExit(f"classifier module {index}: weight {w.shape}, bias {b.shape}")
        layers.append((w, b))
    for (w0, _), (w1, _) in zip(layers, layers[1:]):
        if w1.shape[1] != w0.shape[0]:
            raise SystemExit(f"classifier layers do not chain: {w0.shape} then {w1.shape}")
    return layers


def write_activations(group, data):
    n, f = data.shape
    rows = max(1, min(n, (1 << 20) // (4 * f)))
    group.create_dataset(
        "activations", data=data, dtype=np.float32,
        chunks=(rows, f), maxshape=(None, f),
        compression="gzip", compression_opts=4, shuffle=True,
        track_times=False)


def write_plain(group, name, data):
    group.create_dataset(name, data=np.ascontiguousarray(data, dtype=np.float32), track_times=False)


def main(argv):
    src_path = argv[1] if len(argv) > 1 else DEFAULT_INPUT
    out_path = argv[2] if len(argv) > 2 else DEFAULT_OUTPUT

    with h5py.File(src_path, "r") as src:
        labels = np.asarray(src["labels"][()], dtype=np.int64)
        n = labels.shape[0]

        act_depths = depth_indices(src["activations"], r"depth_(\d+)")
        sae_depths = depth_indices(src, r"sae_(\d+)")
        if act_depths != list(range(len(act_depths))) or not act_depths:
            raise SystemExit(f"activation depths are not 0…D: {act_depths}")
        if sae_depths != act_depths[1:]:
            raise SystemExit(f"SAE depths {sae_depths} do not match activation depths {act_depths[1:]}")

        acts = {}
        for d in act_depths:
            a = np.asarray(src[f"activations/depth_{d}"][()], dtype=np.float32)
            if a.ndim != 2 or a.shape[0] != n:
                raise SystemExit(f"activations/depth_{d} has shape {a.shape}, expected [{n}, F]")
            acts[d] = a
        widths = [acts[d].shape[1] for d in act_depths]

        saes = {}
        for d in sae_depths:
            g = src[f"sae_{d}"]
            enc_w = np.asarray(g["encoder.weight"][()], dtype=np.float32)   # [F, D_in]
            enc_b = np.asarray(g["encoder.bias"][()], dtype=np.float32)     # [F]
            dec_w = np.asarray(g["decoder.weight"][()], dtype=np.float32)   # [D_in, F]
            dec_b = np.asarray(g["decoder.bias"][()], dtype=np.float32)     # [D_in]
            d_in, d_sae = widths[d - 1], widths[d]
            expect = {"encoder.weight": (d_sae, d_in), "encoder.bias": (d_sae,),
                      "decoder.weight": (d_in, d_sae), "decoder.bias": (d_in,)}
            for key, arr in zip(expect, (enc_w, enc_b, dec_w, dec_b)):
                if arr.shape != expect[key]:
                    raise SystemExit(f"sae_{d}/{key} has shape {arr.shape}, expected {expect[key]}")
            saes[d] = (enc_w, enc_b, dec_w, dec_b, d_in, d_sae)

        layers = linear_layers(src["classifier"])

    arch_widths = [layers[0][0].shape[1]] + [w.shape[0] for w, _ in layers]
    architecture = "-".join(str(x) for x in arch_widths) + " relu"

    with h5py.File(out_path, "w", libver=("earliest", "v110"), track_times=False) as out:
        out.attrs["metasae_schema"] = "metasae/canonical"
        out.attrs["metasae_schema_version"] = np.int64(1)
        out.attrs["tool_version"] = "make_fixture_canonical.py"
        out.attrs["created"] = CREATED
        out.attrs["source"] = os.path.basename(src_path)

        out.create_dataset("labels", data=labels, dtype=np.int64, track_times=False)

        depths = out.create_group("depths", track_times=False)
        for d in act_depths:
            g = depths.create_group(str(d), track_times=False)
            write_activations(g, acts[d])
            if d in saes:
                enc_w, enc_b, dec_w, dec_b, d_in, d_sae = saes[d]
                s = g.create_group("sae", track_times=False)
                write_plain(s, "W_enc", np.ascontiguousarray(enc_w.T))   # [D_in, F]
                write_plain(s, "b_enc", enc_b)                           # [F]
                write_plain(s, "W_dec", np.ascontiguousarray(dec_w.T))   # [F, D_in]
                write_plain(s, "b_dec", dec_b)                           # [D_in]
                s.attrs["activation_fn"] = "relu"
                s.attrs["d_in"] = np.int64(d_in)
                s.attrs["d_sae"] = np.int64(d_sae)
                s.attrs["apply_b_dec_to_input"] = np.int64(0)
                s.attrs["init"] = "trained (PyTorch)"

        c = out.create_group("classifier", track_times=False)
        c.attrs["architecture"] = architecture
        c.attrs["hidden_layer"] = np.int64(HIDDEN_LAYER)
        c.attrs["test_accuracy"] = np.float64(TEST_ACCURACY)
        lg = c.create_group("layers", track_times=False)
        for i, (w, b) in enumerate(layers):
            li = lg.create_group(str(i), track_times=False)
            write_plain(li, "weight", w)
            write_plain(li, "bias", b)

    print(f"wrote {out_path}")
    print(f"N = {n}")
    print(f"widths = {widths}")
    print(f"classifier = {architecture}")
    for d in act_depths:
        print(f"sum depths/{d}/activations = {acts[d].astype(np.float64).sum():.6f}")


if __name__ == "__main__":
    main(sys.argv)
