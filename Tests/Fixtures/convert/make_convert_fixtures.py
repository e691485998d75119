#!/usr/bin/env python3
"""Fixtures for `metasae convert IN.h5 OUT.h5`.

Builds small ground-truth cascades (fixed seeds) and writes each in many
source layouts that PyTorch users produce with h5py, plus expected.json with
the canonical arrays the converter must output (always float32 values, labels
int64) and the files it must refuse.

Canonical orientation (SAELens): W_enc [d_in, d_sae], b_enc [d_sae],
W_dec [d_sae, d_in], b_dec [d_in];
    z = relu((x - b_dec * apply_b_dec_to_input) @ W_enc + b_enc).
nn.Linear stores weight as [out, in]: encoder.weight = W_enc.T [F, D],
decoder.weight = W_dec.T [D, F].

Ground truths:
  main                 widths [6, 10, 8], apply_b_dec_to_input = 0, classifier
  main_f16             main as stored in float16 (weights / depth 0 are exact;
                       depth 1/2 activations are the float16 values widened)
  main_bf16            main as truncated bfloat16 bits (upper 16 bits of f32),
                       decoded back to float32 (NOT all values are exact)
  dictionary_learning  another seed, widths [6, 10, 8], apply_b_dec_to_input = 1
  square               widths [8, 8, 8], apply_b_dec_to_input = 0

All weights/biases/depth-0 activations are multiples of 1/256 with |v| < 8,
so they are exact in float16. Depth d > 0 activations are computed in
float64 from the float32 values and then cast to float32.

Usage: python3 Tests/Fixtures/convert/make_convert_fixtures.py [OUTPUT_DIR]
Output is byte-reproducible (no timestamps, fixed seeds, libver earliest so
HDF5 1.10 reads it).
"""

import json
import os
import sys

import h5py
import numpy as np

LIBVER = ("earliest", "v110")
N = 40
NUM_CLASSES = 10
GRID = 256.0


# ---------------------------------------------------------------------------
# Ground truth
# ---------------------------------------------------------------------------

def grid(x):
    """Round to multiples of 1/256 and keep |v| < 8 (exact in float16)."""
    x = np.round(np.asarray(x, dtype=np.float64) * GRID) / GRID
    return np.clip(x, -2047 / GRID, 2047 / GRID).astype(np.float32)


def encode(x, sae, apply):
    x = x.astype(np.float64)
    pre = (x - sae["b_dec"].astype(np.float64) * apply) @ sae["W_enc"].astype(np.float64) \
        + sae["b_enc"].astype(np.float64)
    return np.maximum(pre, 0.0).astype(np.float32)


def make_truth(seed, widths, apply, classifier):
    rng = np.random.default_rng(seed)
    # Every class used exactly 4 times (so one bad label never empties a class).
    labels = rng.permutation(np.repeat(np.arange(NUM_CLASSES), N // NUM_CLASSES)).astype(np.int64)
    acts = [grid(np.maximum(rng.standard_normal((N, widths[0])), 0.0))]
    saes = {}
    for d in range(1, len(widths)):
        d_in, d_sae = widths[d - 1], widths[d]
        sae = {
            "W_enc": grid(rng.standard_normal((d_in, d_sae)) * 0.5),
            "b_enc": grid(rng.standard_normal(d_sae) * 0.1),
            "W_dec": grid(rng.standard_normal((d_sae, d_in)) * 0.5),
            "b_dec": grid(rng.standard_normal(d_in) * 0.1),
        }
        saes[d] = sae
        acts.append(encode(acts[-1], sae, apply))
    clf = None
    if classifier:
        clf = {
            "0.weight": grid(rng.standard_normal((5, 7)) * 0.5),
            "0.bias": grid(rng.standard_normal(5) * 0.1),
            "2.weight": grid(rng.standard_normal((3, 5)) * 0.5),
            "2.bias": grid(rng.standard_normal(3) * 0.1),
        }
    return {"widths": list(widths), "apply": apply, "labels": labels,
            "acts": acts, "saes": saes, "clf": clf}


def map_floats(truth, fn):
    """Copy of a truth with every float array passed through fn."""
    return {
        "widths": truth["widths"], "apply": truth["apply"], "labels": truth["labels"],
        "acts": [fn(a) for a in truth["acts"]],
        "saes": {d: {k: fn(v) for k, v in s.items()} for d, s in truth["saes"].items()},
        "clf": None if truth["clf"] is None else {k: fn(v) for k, v in truth["clf"].items()},
    }


def to_bf16_bits(a):
    """Truncate float32 to bfloat16: keep the upper 16 bits."""
    a = np.ascontiguousarray(a, dtype=np.float32)
    return (a.view(np.uint32) >> 16).astype(np.uint16)


def from_bf16_bits(b):
    return (b.astype(np.uint32) << 16).view(np.float32)


def f16_widened(a):
    return a.astype(np.float16).astype(np.float32)


def bf16_decoded(a):
    return from_bf16_bits(to_bf16_bits(a))


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

def new_file(out, name):
    path = os.path.join(out, name)
    if os.path.exists(path):
        os.remove(path)
    return h5py.File(path, "w", libver=LIBVER, track_times=False)


def group(f, path):
    """Create (nested) groups explicitly, without timestamps."""
    g = f
    for part in path.strip("/").split("/"):
        if part in g:
            g = g[part]
        else:
            gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
            gcpl.set_obj_track_times(False)
            gid = h5py.h5g.create(g.id, part.encode(), gcpl=gcpl)
            g = h5py.Group(gid)
    return g


def dset(f, path, data, dtype=None, attrs=None):
    parent, _, name = path.strip("/").rpartition("/")
    g = group(f, parent) if parent else f
    data = np.asarray(data)
    ds = g.create_dataset(name, data=data, dtype=dtype or data.dtype, track_times=False)
    for k, v in (attrs or {}).items():
        ds.attrs[k] = v
    return ds


class FloatWriter:
    """How float arrays are stored: plain dtype, or bfloat16 bits."""

    def __init__(self, dtype="<f4", bf16=False, mark=False, opaque=False):
        self.dtype, self.bf16, self.mark, self.opaque = dtype, bf16, mark, opaque

    def __call__(self, f, path, a):
        if self.bf16:
            attrs = {"dtype": "bfloat16"} if self.mark else None
            bits = to_bf16_bits(a)
            if self.opaque:
                # torch's bf16 viewed as raw 2-byte records (numpy 'V2'): HDF5 opaque.
                return dset(f, path, bits.astype("<u2").view("V2"), attrs=attrs)
            return dset(f, path, bits, dtype="<u2", attrs=attrs)
        return dset(f, path, a.astype(np.float32), dtype=self.dtype)


def write_dotted(f, t, fw=FloatWriter(), labels_dtype="<i8", skip=(), classifier=True):
    """statedict_dotted layout (nn.Linear orientation, dotted dataset names)."""
    f.attrs["exported_by"] = "torch 2.x"
    for d, s in t["saes"].items():
        items = {
            f"sae_{d}/encoder.weight": s["W_enc"].T,
            f"sae_{d}/encoder.bias": s["b_enc"],
            f"sae_{d}/decoder.weight": s["W_dec"].T,
            f"sae_{d}/decoder.bias": s["b_dec"],
        }
        for p, a in items.items():
            if p not in skip:
                fw(f, p, a)
    for d, a in enumerate(t["acts"]):
        p = f"activations/depth_{d}"
        if p not in skip:
            fw(f, p, a)
    dset(f, "labels", t["labels"], dtype=labels_dtype)
    if classifier and t["clf"] is not None:
        for k, a in t["clf"].items():
            fw(f, f"classifier/{k}", a)


def write_nested(f, t):
    for d, s in t["saes"].items():
        dset(f, f"depth{d}/encoder/weight", s["W_enc"].T)
        dset(f, f"depth{d}/encoder/bias", s["b_enc"])
        dset(f, f"depth{d}/decoder/weight", s["W_dec"].T)
        dset(f, f"depth{d}/decoder/bias", s["b_dec"])
    for d, a in enumerate(t["acts"]):
        dset(f, f"depth{d}/acts", a)
    dset(f, "y", t["labels"], dtype="<i4")


def write_prefixed(f, t):
    for d, s in t["saes"].items():
        dset(f, f"saes/{d}/encoder.weight", s["W_enc"].T)
        dset(f, f"saes/{d}/encoder.bias", s["b_enc"])
        dset(f, f"saes/{d}/decoder.weight", s["W_dec"].T)
        dset(f, f"saes/{d}/decoder.bias", s["b_dec"])
    for d, a in enumerate(t["acts"]):
        dset(f, f"acts_{d}", a)
    dset(f, "targets", t["labels"], dtype="u1")


def write_saelens(f, t):
    for d, s in t["saes"].items():
        for k in ("W_enc", "b_enc", "W_dec", "b_dec"):
            dset(f, f"sae_{d}/{k}", s[k])
        g = f[f"sae_{d}"]
        g.attrs["d_in"] = np.int64(s["W_enc"].shape[0])
        g.attrs["d_sae"] = np.int64(s["W_enc"].shape[1])
        g.attrs["activation_fn"] = "relu"
        g.attrs["apply_b_dec_to_input"] = np.bool_(bool(t["apply"]))
    for d, a in enumerate(t["acts"]):
        dset(f, f"latents/{d}", a)
    dset(f, "label", t["labels"], dtype="<i2")


def write_dictionary_learning(f, t):
    for d, s in t["saes"].items():
        dset(f, f"ae_{d}/encoder.weight", s["W_enc"].T)
        dset(f, f"ae_{d}/encoder.bias", s["b_enc"])
        dset(f, f"ae_{d}/decoder.weight", s["W_dec"].T)
        dset(f, f"ae_{d}/bias", s["b_dec"])          # decoder bias, subtracted before encoding
    for d, a in enumerate(t["acts"]):
        dset(f, f"activations/depth_{d}", a)
    dset(f, "labels", t["labels"])


MAPPING_NAMES = {"W_enc": "p", "b_enc": "q", "W_dec": "r", "b_dec": "s"}


def write_mapping_custom(f, t):
    for d, a in zip("abc", t["acts"]):
        dset(f, f"foo/{d}", a)
    for d, s in t["saes"].items():
        dset(f, f"bar/p{d}", s["W_enc"].T)
        dset(f, f"bar/q{d}", s["b_enc"])
        dset(f, f"bar/r{d}", s["W_dec"].T)
        dset(f, f"bar/s{d}", s["b_dec"])
    dset(f, "classes", t["labels"])


def mapping_json(t):
    entries = [{"source": f"/foo/{c}", "target": f"depths/{d}/activations"}
               for d, c in enumerate("abc")]
    for d in t["saes"]:
        for k, letter in MAPPING_NAMES.items():
            e = {"source": f"/bar/{letter}{d}", "target": f"depths/{d}/sae/{k}"}
            if k.startswith("W_"):
                e["transpose"] = True
            entries.append(e)
    entries.append({"source": "/classes", "target": "labels"})
    return {"format": "metasae/convert-mapping", "version": 1, "entries": entries,
            "sae": {str(d): {"activation_fn": "relu", "apply_b_dec_to_input": t["apply"]}
                    for d in t["saes"]}}


# ---------------------------------------------------------------------------
# expected.json
# ---------------------------------------------------------------------------

def arr(a, dtype):
    a = np.asarray(a)
    if dtype == "float32":
        data = [float(v) for v in a.astype(np.float32).ravel()]
    else:
        data = [int(v) for v in a.ravel()]
    return {"shape": list(a.shape), "dtype": dtype, "data": data}


def canonical(t):
    out = {"labels": arr(t["labels"], "int64")}
    for d, a in enumerate(t["acts"]):
        out[f"depths/{d}/activations"] = arr(a, "float32")
    for d, s in t["saes"].items():
        for k in ("W_enc", "b_enc", "W_dec", "b_dec"):
            out[f"depths/{d}/sae/{k}"] = arr(s[k], "float32")
    if t["clf"] is not None:
        for k, a in t["clf"].items():
            layer, kind = k.split(".")
            out[f"classifier/layers/{layer}/{kind}"] = arr(a, "float32")
    return {
        "widths": t["widths"],
        "apply_b_dec_to_input": {str(d): t["apply"] for d in t["saes"]},
        "activation_fn": {str(d): "relu" for d in t["saes"]},
        "arrays": out,
    }


# ---------------------------------------------------------------------------

def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)

    main_t = make_truth(1001, [6, 10, 8], 0, classifier=True)
    dl_t = make_truth(2002, [6, 10, 8], 1, classifier=False)
    sq_t = make_truth(3003, [8, 8, 8], 0, classifier=False)
    f16_t = map_floats(main_t, f16_widened)
    bf16_t = map_floats(main_t, bf16_decoded)

    files = {}

    def write(name, fn, truth, **info):
        with new_file(out, name) as f:
            fn(f)
        files[name] = {"truth": truth, **info}

    write("statedict_dotted.h5", lambda f: write_dotted(f, main_t), "main")
    write("statedict_nested.h5", lambda f: write_nested(f, main_t), "main",
          classifier=False)
    write("statedict_prefixed.h5", lambda f: write_prefixed(f, main_t), "main",
          classifier=False)
    write("saelens.h5", lambda f: write_saelens(f, main_t), "main", classifier=False)
    write("dictionary_learning.h5", lambda f: write_dictionary_learning(f, dl_t),
          "dictionary_learning", classifier=False)
    write("float16.h5", lambda f: write_dotted(f, main_t, FloatWriter("<f2")), "main_f16")
    write("bigendian.h5", lambda f: write_dotted(f, main_t, FloatWriter(">f4"), ">i8"), "main")
    write("bf16_bits.h5", lambda f: write_dotted(f, main_t, FloatWriter(bf16=True)),
          "main_bf16", needs_flag="--bf16")
    write("bf16_marked.h5",
          lambda f: write_dotted(f, main_t, FloatWriter(bf16=True, mark=True)), "main_bf16")
    write("bf16_opaque.h5",
          lambda f: write_dotted(f, main_t, FloatWriter(bf16=True, opaque=True)), "main_bf16",
          needs_flag="--bf16")
    write("square.h5", lambda f: write_dotted(f, sq_t), "square", classifier=False)
    write("square_no_latents.h5",
          lambda f: write_dotted(f, sq_t, skip={"activations/depth_1"}), "square",
          classifier=False, missing=["depths/1/activations"],
          note="square SAEs without depth_1 latents: the orientation of SAE 1's "
               "encoder cannot be checked against depth_1 directly. Of the four "
               "(SAE 1, SAE 2) encoder orientations only the nn.Linear one "
               "(transpose both) reproduces depth_2 from depth_0 exactly. Decoder "
               "orientation of square matrices is never decidable from activations "
               "(encoding uses only b_dec), only from the nn.Linear naming.")

    write("main_no_depth2.h5",
          lambda f: write_dotted(f, main_t, skip={"activations/depth_2"}), "main",
          missing=["depths/2/activations"],
          note="depth 2 recomputed from the stored depth 1 through SAE 2")

    def with_extra(extra):
        def fn(f):
            write_dotted(f, main_t)
            extra(f)
        return fn

    def drop_bias(f):
        write_dotted(f, main_t, skip={"sae_2/decoder.bias"})

    def second_labels(f):
        y = np.random.default_rng(4004).permutation(main_t["labels"]).astype(np.int64)
        assert not np.array_equal(y, main_t["labels"])
        dset(f, "y", y)

    # Write these from scratch (no delete) so no freed space is left in the file.
    refuse = {}

    def write_refused(name, fn, reason, detail):
        with new_file(out, name) as f:
            fn(f)
        files[name] = {"truth": "main", "refuse": reason, "detail": detail}
        refuse[name] = reason

    write_refused("incomplete.h5", drop_bias, "missing /sae_2/decoder.bias",
                  "statedict_dotted without /sae_2/decoder.bias")
    write_refused("ambiguous.h5", with_extra(second_labels),
                  "labels ambiguous", "/labels and /y are both int64 [40] in 0..9")
    files["bf16_bits.h5"]["refuse_without_flag"] = "bf16 without flag (uint16 data, no dtype attribute)"
    refuse["bf16_bits.h5"] = "bf16 without flag"

    def nonfinite_full(f):
        t = dict(main_t)
        a = main_t["acts"][1].copy()
        a[3, 2] = np.nan
        a[5, 0] = np.inf
        t["acts"] = [main_t["acts"][0], a, main_t["acts"][2]]
        write_dotted(f, t)

    def bad_labels_full(f):
        t = dict(main_t)
        lab = main_t["labels"].copy()
        lab[4] = 12
        t["labels"] = lab
        write_dotted(f, t)

    write_refused("nonfinite.h5", nonfinite_full,
                  "2 non-finite values in activations/depth_1",
                  "activations/depth_1[3, 2] = NaN, [5, 0] = inf")
    write_refused("bad_labels.h5", bad_labels_full, "label 12",
                  "labels[4] = 12; classes are 0..9")

    write("mapping_custom.h5", lambda f: write_mapping_custom(f, main_t), "main",
          classifier=False, mapping="mapping_custom.json")
    with open(os.path.join(out, "mapping_custom.json"), "w") as fh:
        json.dump(mapping_json(main_t), fh, indent=1)
        fh.write("\n")

    for name, info in files.items():
        info.setdefault("classifier", True)

    expected = {
        "format": "metasae/convert-fixtures-expected", "version": 1,
        "notes": [
            "All float arrays are the float32 values the converter must write "
            "(float16 inputs widened, bfloat16 bits decoded); labels are int64.",
            "Weights are in SAELens orientation: W_enc [d_in, d_sae], W_dec [d_sae, d_in]; "
            "classifier layers stay in nn.Linear orientation [out, in].",
            "files[x].classifier says whether the file contains classifier layers.",
            "bf16_bits.h5 converts to main_bf16 with --bf16 and must be refused without it.",
            "Square SAEs (square*.h5): W_dec orientation cannot be inferred from "
            "activations; it follows from the nn.Linear names (decoder.weight is [D, F]).",
        ],
        "files": files,
        "refuse": refuse,
        "truths": {
            "main": canonical(main_t),
            "main_f16": canonical(f16_t),
            "main_bf16": canonical(bf16_t),
            "dictionary_learning": canonical(dl_t),
            "square": canonical(sq_t),
        },
    }
    with open(os.path.join(out, "expected.json"), "w") as fh:
        json.dump(expected, fh, separators=(",", ":"))
        fh.write("\n")


if __name__ == "__main__":
    main(sys.argv)
