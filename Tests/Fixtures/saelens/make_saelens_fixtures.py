#!/usr/bin/env python3
"""SAELens SAE folders for the convert tests, written by Python's
`safetensors` library in SAELens's layout and naming, with the same
cascades as h5py exports that carry every depth's activations computed here
by NumPy with SAELens's semantics. Converted and analyzed, both routes must
give the same numbers.

  relu/      standard SAEs; SAELens 6 cfgs; depth 2 in float16, depth 3 a
             SAELens 5 cfg (activation_fn_str); apply_b_dec_to_input true
  topk/      TopK (k = 4); depth 2 with rescale_acts_by_decoder_norm and
             decoder rows not of unit norm; depth 3 bfloat16; b_dec not
             subtracted
  jumprelu/  JumpReLU with some negative thresholds (SAELens ReLUs first);
             depth 3 a BatchTopK training checkpoint (topk_threshold)

Each folder also has activations.npy [N, 16] (float32), labels.npy (int64)
and export.h5 (h5py: sae_<d>/W_enc … with cfg attributes, activations/
depth_<d> for every depth, labels). Where sae_lens is installed, every SAE
folder is loaded with `SAE.load_from_disk` and its encode checked against
the NumPy forward used here (loaded in float32, as metasae computes).

  python3 Tests/Fixtures/saelens/make_saelens_fixtures.py
"""
import json
import os
import shutil

import h5py
import numpy as np
import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
N, D0 = 300, 16
WIDTHS = [D0, 24, 24, 20]


def cast(values, dtype):
    t = torch.from_numpy(np.ascontiguousarray(values, dtype=np.float32))
    return t.to({"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[dtype])


def forward(x, sae):
    """SAELens's encode: (x - b_dec·apply) @ W_enc + b_enc, then the activation."""
    w_enc, b_enc = sae["W_enc"].astype(np.float64), sae["b_enc"].astype(np.float64)
    inp = x.astype(np.float64) - (sae["b_dec"].astype(np.float64) if sae["apply"] else 0)
    pre = inp @ w_enc + b_enc
    if sae["kind"] == "standard":
        return np.maximum(pre, 0)
    if sae["kind"] == "topk":
        if sae.get("rescale"):
            pre = pre * np.linalg.norm(sae["W_dec"].astype(np.float64), axis=1)
        out = np.zeros_like(pre)
        idx = np.argsort(-pre, axis=1, kind="stable")[:, : sae["k"]]
        rows = np.arange(len(pre))[:, None]
        out[rows, idx] = np.maximum(pre[rows, idx], 0)
        return out
    return np.maximum(pre, 0) * (pre > sae["threshold"].astype(np.float64))


def make_sae(rng, d_in, d_sae, kind, **extra):
    sae = {"W_enc": rng.standard_normal((d_in, d_sae)) * 0.4, "b_enc": rng.standard_normal(d_sae) * 0.1,
           "W_dec": rng.standard_normal((d_sae, d_in)) * 0.3, "b_dec": rng.standard_normal(d_in) * 0.05, "kind": kind}
    sae.update(extra)
    if kind == "jumprelu":
        sae["threshold"] = np.abs(rng.standard_normal(d_sae)) * 0.2
        sae["threshold"][::5] = -0.1          # negative: SAELens's ReLU decides
        if sae.get("checkpoint"):
            # BatchTopK keeps one threshold for every latent.
            sae["threshold"][:] = 0.15
    return sae


def write_folder(path, sae, dtype, cfg_style):
    os.makedirs(path)
    tensors = {name: cast(sae[name], dtype) for name in ["W_enc", "W_dec", "b_enc", "b_dec"]}
    if sae["kind"] == "jumprelu" and not sae.get("checkpoint"):
        tensors["threshold"] = cast(sae["threshold"], dtype)
    if sae.get("checkpoint"):
        tensors["topk_threshold"] = torch.tensor(float(sae["threshold"][0]), dtype=torch.float64)
    # What SAELens holds after load: every tensor cast to the cfg dtype.
    for name, tensor in tensors.items():
        if name in sae:
            sae[name] = tensor.to(torch.float32).numpy().astype(np.float64) if tensor.dim() else sae[name]
    save_file(tensors, os.path.join(path, "sae_weights.safetensors"))
    d_in, d_sae = sae["W_enc"].shape
    if cfg_style == "v5":
        cfg = {"architecture": "standard", "d_in": int(d_in), "d_sae": int(d_sae), "activation_fn_str": "relu",
               "apply_b_dec_to_input": bool(sae["apply"]), "finetuning_scaling_factor": False, "context_size": 128,
               "model_name": "mnist-mlp", "hook_name": "depth_2", "hook_layer": 0, "hook_head_index": None,
               "prepend_bos": True, "dataset_path": "mnist", "dataset_trust_remote_code": False,
               "normalize_activations": "none", "dtype": dtype, "device": "cpu", "sae_lens_training_version": "5.11.0"}
    else:
        architecture = "batchtopk" if sae.get("checkpoint") else sae["kind"]
        cfg = {"architecture": architecture, "d_in": int(d_in), "d_sae": int(d_sae), "dtype": dtype, "device": "cpu",
               "apply_b_dec_to_input": bool(sae["apply"]), "normalize_activations": "none", "reshape_activations": "none",
               "metadata": {"sae_lens_version": "6.18.0", "model_name": "mnist-mlp", "hook_name": "depth"},
               "an_unknown_key": "SAELens ignores it"}
        if sae["kind"] == "topk":
            cfg["k"] = sae["k"]
            cfg["rescale_acts_by_decoder_norm"] = bool(sae.get("rescale"))
        if sae.get("checkpoint"):
            cfg["k"] = 4
    with open(os.path.join(path, "cfg.json"), "w") as handle:
        json.dump(cfg, handle, indent=1)


def check_with_saelens(path, sae, x):
    try:
        from sae_lens import SAE
    except ImportError:
        return False
    if sae.get("checkpoint"):
        return False   # a training checkpoint: SAELens loads it through its trainer, not load_from_disk
    # In float32: SAELens computes in the cfg dtype; metasae keeps the
    # rounded weights and computes in float32, as this load does.
    model = SAE.load_from_disk(path, dtype="float32")
    with torch.no_grad():
        theirs = model.encode(torch.from_numpy(x.astype(np.float32))).numpy()
    ours = forward(x, sae)
    assert np.allclose(theirs, ours, rtol=1e-4, atol=1e-5), f"{path}: SAELens encode differs from the fixture's forward"
    return True


def cascade(name, specs, rng):
    folder = os.path.join(HERE, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    a0 = np.maximum(rng.standard_normal((N, D0)), 0).astype(np.float32)
    labels = rng.integers(0, 10, N).astype(np.int64)
    np.save(os.path.join(folder, "activations.npy"), a0)
    np.save(os.path.join(folder, "labels.npy"), labels)
    acts, checked = [a0.astype(np.float64)], 0
    saes = []
    for depth, (kind, dtype, style, extra) in enumerate(specs, start=1):
        sae = make_sae(rng, WIDTHS[depth - 1], WIDTHS[depth], kind, **extra)
        path = os.path.join(folder, f"depth_{depth}")
        write_folder(path, sae, dtype, style)
        checked += check_with_saelens(path, sae, acts[-1])
        acts.append(forward(acts[-1], sae))
        saes.append(sae)
    with h5py.File(os.path.join(folder, "export.h5"), "w") as f:
        for depth, sae in enumerate(saes, start=1):
            group = f.create_group(f"sae_{depth}")
            for tensor in ["W_enc", "W_dec", "b_enc", "b_dec"]:
                values = sae[tensor]
                if tensor in ("W_enc", "b_enc", "W_dec") and sae.get("rescale"):
                    values = fold(sae)[tensor]
                group[tensor] = values.astype(np.float32)
            group.attrs["activation_fn"] = {"standard": "relu", "topk": "topk", "jumprelu": "jumprelu"}[sae["kind"]]
            group.attrs["apply_b_dec_to_input"] = int(sae["apply"])
            if sae["kind"] == "topk":
                group.attrs["k"] = sae["k"]
            if sae["kind"] == "jumprelu":
                group["threshold"] = sae["threshold"].astype(np.float32)
        for depth, values in enumerate(acts):
            f[f"activations/depth_{depth}"] = values.astype(np.float32)
        f["labels"] = labels
    print(f"{name}: {len(saes)} SAEs, {checked} loaded and checked with SAELens")


def fold(sae):
    """SAELens's _fold_norm_topk: what the export stores for a rescaled TopK SAE."""
    norm = np.linalg.norm(sae["W_dec"], axis=1)
    return {"W_enc": sae["W_enc"] * norm, "b_enc": sae["b_enc"] * norm, "W_dec": sae["W_dec"] / norm[:, None]}


def main():
    rng = np.random.default_rng(20)
    cascade("relu", [("standard", "float32", "v6", {"apply": True}), ("standard", "float16", "v6", {"apply": True}),
                     ("standard", "float32", "v5", {"apply": True})], rng)
    cascade("topk", [("topk", "float32", "v6", {"apply": False, "k": 4}),
                     ("topk", "float32", "v6", {"apply": False, "k": 4, "rescale": True}),
                     ("topk", "bfloat16", "v6", {"apply": False, "k": 4})], rng)
    cascade("jumprelu", [("jumprelu", "float32", "v6", {"apply": True}), ("jumprelu", "float32", "v6", {"apply": False}),
                         ("jumprelu", "float32", "v6", {"apply": True, "checkpoint": True})], rng)


if __name__ == "__main__":
    main()
