#!/usr/bin/env python3
"""Malformed SAELens folders: each case is one SAE folder (cfg.json and
sae_weights.safetensors, d_in 16 → d_sae 8) with one thing wrong, and the
exit code `convert` and `describe` must give (66 missing, 67 not
safetensors, 68 damaged, 69 unsupported, 70 layout, 71 non-finite; 0 for
the control cases that must pass). Raw headers are written by hand; the
well-formed parts by Python's safetensors library.
Writes corpus/<case>/ and corpus/cases.json beside this script.

  python3 Tests/Fixtures/saelens/make_saelens_corpus.py
"""
import json
import os
import shutil
import struct

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
D_IN, D_SAE = 16, 8
rng = np.random.default_rng(7)
GOOD = {"W_enc": rng.standard_normal((D_IN, D_SAE)).astype(np.float32), "W_dec": rng.standard_normal((D_SAE, D_IN)).astype(np.float32),
        "b_enc": np.zeros(D_SAE, np.float32), "b_dec": np.zeros(D_IN, np.float32)}
CFG = {"architecture": "standard", "d_in": D_IN, "d_sae": D_SAE, "dtype": "float32", "device": "cpu",
       "apply_b_dec_to_input": True, "normalize_activations": "none", "reshape_activations": "none",
       "metadata": {"sae_lens_version": "6.18.0"}}
cases = []


def header_file(entries, data, metadata=None, raw=None, length=None):
    """A safetensors file from a header dict (or raw header bytes) and data bytes."""
    if raw is None:
        header = dict(entries)
        if metadata is not None:
            header["__metadata__"] = metadata
        raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw) if length is None else length) + raw + data


def good_entries():
    entries, data, offset = {}, b"", 0
    for name in sorted(GOOD):
        blob = GOOD[name].tobytes()
        entries[name] = {"dtype": "F32", "shape": list(GOOD[name].shape), "data_offsets": [offset, offset + len(blob)]}
        data += blob
        offset += len(blob)
    return entries, data


def case(name, expect, fragment, cfg=CFG, weights=None, tensors=None, cfg_text=None, no_weights=False, no_cfg=False):
    folder = os.path.join(HERE, name)
    os.makedirs(folder)
    if not no_cfg:
        with open(os.path.join(folder, "cfg.json"), "w") as handle:
            handle.write(cfg_text if cfg_text is not None else json.dumps(cfg))
    path = os.path.join(folder, "sae_weights.safetensors")
    if tensors is not None:
        save_file(tensors, path)
    elif weights is not None:
        with open(path, "wb") as handle:
            handle.write(weights)
    elif not no_weights:
        save_file(GOOD, path)
    cases.append({"name": name, "expect": expect, "message": fragment, "reference": reference_reads(path)})


def reference_reads(path):
    """Whether Python's safetensors (the reference reader) opens the file
    and reads every tensor: `describe` must then not call it damaged."""
    if not os.path.exists(path):
        return None
    try:
        with safe_open(path, framework="numpy") as handle:
            for key in handle.keys():
                handle.get_tensor(key)
        return True
    except Exception:
        return False


def main():
    shutil.rmtree(HERE, ignore_errors=True)
    os.makedirs(HERE)
    entries, data = good_entries()
    case("good", 0, "")
    case("good-unpadded-reordered", 0, "", weights=header_file(dict(reversed(list(entries.items()))), data))
    # safetensors framing
    case("empty-file", 67, "not a safetensors file", weights=b"")
    case("five-bytes", 67, "not a safetensors file", weights=b"\x01\x02\x03\x04\x05")
    case("huge-header-length", 67, "declares a", weights=struct.pack("<Q", 1 << 62) + b"{}")
    case("header-past-end", 68, "header claims", weights=header_file(entries, data, length=10_000))
    case("header-not-json", 68, "not valid safetensors JSON", weights=header_file(None, data, raw=b"{not json at all" + b" " * 8))
    case("header-not-object", 67, "does not start with", weights=header_file(None, b"", raw=b"[1, 2, 3]"))
    bad = json.loads(json.dumps(entries)); bad["W_enc"]["dtype"] = "F8_E4M3"
    case("unknown-dtype", 69, "F8_E4M3", weights=header_file(bad, data))
    bad = json.loads(json.dumps(entries)); bad["W_enc"]["dtype"] = "X99"
    case("invalid-dtype", 69, "X99", weights=header_file(bad, data))
    bad = json.loads(json.dumps(entries)); bad["b_dec"]["shape"] = [-16]
    case("negative-shape", 68, "impossible shape", weights=header_file(bad, data))
    bad = json.loads(json.dumps(entries)); bad["b_dec"]["shape"] = [1 << 40, 1 << 40]
    case("overflowing-shape", 68, "impossible shape", weights=header_file(bad, data))
    bad = json.loads(json.dumps(entries)); bad["b_dec"]["shape"] = [3.5]
    case("fractional-shape", 68, "not valid safetensors JSON", weights=header_file(bad, data))
    bad = json.loads(json.dumps(entries)); first = min(bad, key=lambda n: bad[n]["data_offsets"][0]); bad[first]["data_offsets"] = [4, bad[first]["data_offsets"][1] + 4]
    case("hole-before-first", 68, "leaves a hole", weights=header_file(bad, data + b"\0" * 4))
    bad = json.loads(json.dumps(entries)); names = sorted(bad, key=lambda n: bad[n]["data_offsets"][0])
    bad[names[1]]["data_offsets"] = [bad[names[1]]["data_offsets"][0] - 4, bad[names[1]]["data_offsets"][1] - 4]
    case("overlapping", 68, "overlaps", weights=header_file(bad, data))
    case("trailing-bytes", 68, "not covered by the header", weights=header_file(entries, data + b"\0" * 8))
    case("truncated-data", 68, "truncated", weights=header_file(entries, data[:-100]))
    bad = json.loads(json.dumps(entries)); bad["b_enc"]["data_offsets"] = bad["b_enc"]["data_offsets"][::-1]
    case("reversed-offsets", 68, "bad data_offsets", weights=header_file(bad, data))
    bad = json.loads(json.dumps(entries)); bad["b_enc"]["data_offsets"] = [0]
    case("one-offset", 68, "bad data_offsets", weights=header_file(bad, data))
    bad = json.loads(json.dumps(entries)); bad["b_enc"]["shape"] = [D_SAE + 1]
    case("size-mismatch", 68, "needs", weights=header_file(bad, data))
    case("metadata-not-strings", 68, "not valid safetensors JSON", weights=header_file(entries, data, metadata={"format": 1}))
    case("metadata-strings", 0, "", weights=header_file(entries, data, metadata={"format": "pt"}))
    # SAELens layout
    case("no-weights-file", 66, "no such file", no_weights=True)
    case("no-cfg", 66, "no SAELens SAE folder", no_cfg=True)
    case("cfg-not-json", 70, "not a JSON object", cfg_text="{ d_in: 16 ")
    case("cfg-huge", 70, "is not a cfg.json", cfg_text=json.dumps(dict(CFG, padding="x" * (1 << 21))))
    case("cfg-no-d-in", 70, "lacks d_in", cfg={k: v for k, v in CFG.items() if k != "d_in"})
    case("cfg-negative-d-sae", 70, "expected a positive integer", cfg=dict(CFG, d_sae=-8))
    case("cfg-wrong-d-in", 70, "cfg.json (d_in 12", cfg=dict(CFG, d_in=12))
    case("cfg-v6-no-architecture", 70, "without architecture", cfg={k: v for k, v in CFG.items() if k != "architecture"})
    case("gated", 69, "architecture gated", cfg=dict(CFG, architecture="gated"))
    case("layer-norm", 69, "layer_norm", cfg=dict(CFG, normalize_activations="layer_norm"))
    case("unknown-normalization", 70, "not one SAELens knows", cfg=dict(CFG, normalize_activations="whiten"))
    case("int8-dtype", 69, "dtype int8", cfg=dict(CFG, dtype="int8"))
    case("topk-k-too-large", 70, "exceeds d_sae", cfg=dict(CFG, architecture="topk", k=99))
    case("v5-tanh", 69, "tanh-relu", cfg={"d_in": D_IN, "d_sae": D_SAE, "activation_fn_str": "tanh-relu", "dtype": "float32"})
    case("jumprelu-no-threshold", 70, "lacks threshold", cfg=dict(CFG, architecture="jumprelu"))
    case("extra-tensor", 70, "not part of a standard SAE", tensors=dict(GOOD, b_gate=np.zeros(D_SAE, np.float32)))
    case("scaling-factor-ones", 0, "", tensors=dict(GOOD, scaling_factor=np.ones(D_SAE, np.float32)))
    case("scaling-factor-not-ones", 69, "scaling_factor is not all ones", tensors=dict(GOOD, scaling_factor=np.full(D_SAE, 2, np.float32)))
    case("integer-weights", 69, "not floating point", tensors=dict(GOOD, W_enc=np.ones((D_IN, D_SAE), np.int64)))
    nan = dict(GOOD, W_enc=GOOD["W_enc"].copy()); nan["W_enc"][3, 2] = np.nan
    case("nan-weight", 71, "NaN", tensors=nan)
    case("transposed-w-enc", 70, "W_enc is [8, 16]", tensors=dict(GOOD, W_enc=np.ascontiguousarray(GOOD["W_enc"].T)))
    with open(os.path.join(HERE, "cases.json"), "w") as handle:
        json.dump(cases, handle, indent=1)
    activations = np.maximum(rng.standard_normal((64, D_IN)), 0).astype(np.float32)
    np.save(os.path.join(HERE, "activations.npy"), activations)
    np.save(os.path.join(HERE, "labels.npy"), rng.integers(0, 10, 64).astype(np.int64))
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
