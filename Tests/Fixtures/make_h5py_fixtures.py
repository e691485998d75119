#!/usr/bin/env python3
"""Make the h5py-written HDF5 fixtures used by the Swift tests.

Writes into Tests/Fixtures/h5py/ (beside this script):
  types.h5     one (7, 3) dataset per numeric dtype and byte order, plus
               vector / cube / scalar / empty_rows shapes
  storage.h5   chunked, gzip, shuffle, contiguous and extendable layouts
  names.h5     dotted and unicode names, nested groups, soft, dangling and
               external links, and attributes of many types
  expected.json  what h5py reports about each file (shapes, dtypes, layout,
               values or sums, attributes, links)

The output is committed to the repository, so `swift test` needs no Python.
Re-run with `python3 Tests/Fixtures/make_h5py_fixtures.py` only when the
fixtures have to change. The files are written with libver "earliest" so
that HDF5 1.10 (which the Swift code links) can read them, and the output is
deterministic (no timestamps, fixed RNG seed).
"""

import hashlib
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "h5py")

# Oldest file format, so HDF5 1.10.x can read everything.
LIBVER = ("earliest", "v110")

NUMERIC_DTYPES = {
    "f2_le": "<f2", "f2_be": ">f2",
    "f4_le": "<f4", "f4_be": ">f4",
    "f8_le": "<f8", "f8_be": ">f8",
    "i1": "|i1", "u1": "|u1",
    "i2_le": "<i2", "i2_be": ">i2",
    "u2_le": "<u2", "u2_be": ">u2",
    "i4_le": "<i4", "i4_be": ">i4",
    "u4_le": "<u4", "u4_be": ">u4",
    "i8_le": "<i8", "i8_be": ">i8",
    "u8_le": "<u8", "u8_be": ">u8",
}


def new_file(name):
    path = os.path.join(OUT, name)
    if os.path.exists(path):
        os.remove(path)
    # track_order off (default) and no timestamps keep the bytes stable.
    return h5py.File(path, "w", libver=LIBVER), path


def dset(group, name, data=None, **kw):
    kw.setdefault("track_times", False)
    return group.create_dataset(name, data=data, **kw)


def grid(n):
    """n values on a 1/64 grid, exact in float32 (not float16)."""
    return np.round(RNG.standard_normal(n) * 64.0) / 64.0


# --------------------------------------------------------------------------
def make_types():
    f, path = new_file("types.h5")
    n = 7 * 3
    k = np.arange(n) - 10                    # -10 ... 10
    float_vals = (k * 0.25).reshape(7, 3)    # -2.5 ... 2.5, incl. 0.5, -1.25
    signed_vals = (k * 12).reshape(7, 3)     # -120 ... 120 (fits i1, f2)
    unsigned_vals = (np.arange(n) * 12).reshape(7, 3)  # 0 ... 240 (fits u1)
    for name, dt in NUMERIC_DTYPES.items():
        kind = np.dtype(dt).kind
        vals = {"f": float_vals, "i": signed_vals, "u": unsigned_vals}[kind]
        arr = vals.astype(dt)
        assert np.array_equal(arr.astype(np.float64), vals.astype(np.float64))
        dset(f, name, data=arr)
    dset(f, "vector", data=np.array([0.5, -1.25, 2.0, 3.75, -4.0], dtype="<f4"))
    dset(f, "cube", data=(np.arange(24, dtype="<f4") * 0.5 - 6.0).reshape(2, 3, 4))
    dset(f, "scalar", data=np.float64(2.5))
    dset(f, "empty_rows", shape=(0, 4), dtype="<f4", maxshape=(None, 4),
         chunks=(16, 4))
    f.close()
    return path


def make_storage():
    f, path = new_file("storage.h5")
    a = grid(1000 * 24).astype("<f4").reshape(1000, 24)
    dset(f, "gzip_shuffle", data=a, chunks=(100, 24), compression="gzip",
         compression_opts=4, shuffle=True)
    b = RNG.integers(-1000, 1000, size=(500, 10)).astype("<i4")
    dset(f, "gzip_only", data=b, chunks=(64, 10), compression="gzip",
         compression_opts=1)
    c = grid(300 * 8).astype("<f4").reshape(300, 8)
    dset(f, "contiguous", data=c)
    d = grid(130 * 12).astype("<f4").reshape(130, 12)
    dset(f, "extendable", data=d, maxshape=(None, 12), chunks=(32, 12))
    # Like a PyTorch export: column-chunked, low-level gzip, no shuffle.
    # Narrower spread so the file stays small.
    e = (np.round(RNG.standard_normal(2000 * 64) * 4.0) / 64.0)
    e = e.astype("<f4").reshape(2000, 64)
    dset(f, "column_chunked", data=e, chunks=(250, 16), compression="gzip",
         compression_opts=1)
    f.close()
    return path


def make_names():
    f, path = new_file("names.h5")
    dset(f, "encoder.weight",
         data=(np.arange(12, dtype="<f4") * 0.5 - 3.0).reshape(4, 3))
    g = f.create_group("sae_1", track_order=False)
    w = dset(g, "encoder.weight",
             data=(np.arange(24, dtype="<f4") * 0.25 - 3.0).reshape(6, 4))
    w.attrs["units"] = "activations"
    dset(g, "decoder.bias", data=np.array([0.5, -0.5, 1.0, -1.25], dtype="<f4"))
    dset(f, "a/b/c/data", data=np.array([1, -2, 3], dtype="<i8"))
    f["link_to_data"] = h5py.SoftLink("/a/b/c/data")
    f["dangling"] = h5py.SoftLink("/nowhere")
    f["external"] = h5py.ExternalLink("missing_other.h5", "/x")
    dset(f, "größe", data=np.array([1.5, -2.5], dtype="<f4"))

    at = f.attrs
    at["title"] = "h5py fixture: names and attributes"
    at["unicode_note"] = "ρ ≥ 0.9 — naïve"
    at["fixed_bytes"] = np.bytes_(b"fixed-ascii")
    at["count"] = np.int64(42)
    at["ratio"] = np.float64(0.125)
    at["shape_hint"] = np.array([3, 4], dtype=np.int32)
    at["weights"] = np.array([0.5, 1.5, -2.0])
    at["flag"] = np.bool_(True)
    at["small_uint"] = np.uint8(7)
    f.close()
    return path


# --------------------------------------------------------------------------
def jsonable(v):
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray):
        return [jsonable(x) for x in v.tolist()] if v.ndim else jsonable(v[()])
    if isinstance(v, np.generic):
        return jsonable(v.item())
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, float):
        return float(v)
    return v


def describe_dataset(ds):
    data = ds[()]
    flat = np.asarray(data).reshape(-1)
    entry = {
        "shape": list(ds.shape),
        "maxshape": [None if m is None else m for m in ds.maxshape],
        "dtype": ds.dtype.str,
        "chunks": list(ds.chunks) if ds.chunks is not None else None,
        "compression": ds.compression,
        "compression_opts": ds.compression_opts,
        "shuffle": bool(ds.shuffle),
    }
    if flat.size <= 100:
        entry["values"] = jsonable(flat)
    else:
        entry["sum"] = float(flat.astype(np.float64).sum())
        entry["first"] = jsonable(flat[:5])
        entry["last"] = jsonable(flat[-5:])
    return entry


def describe_file(path):
    out = {"datasets": {}, "groups": [], "attributes": {}, "links": {}}
    with h5py.File(path, "r") as f:
        def visit(group, prefix):
            if len(group.attrs):
                key = prefix or "/"
                out["attributes"][key] = {
                    name: jsonable(group.attrs[name]) for name in group.attrs}
            for name in group:
                p = prefix + "/" + name
                link = group.get(name, getlink=True)
                if isinstance(link, h5py.SoftLink):
                    out["links"][p] = {"kind": "soft", "target": link.path}
                elif isinstance(link, h5py.ExternalLink):
                    out["links"][p] = {"kind": "external",
                                       "file": link.filename, "path": link.path}
                    continue
                obj = group.get(name)      # None for a dangling soft link
                if obj is None:
                    continue
                if isinstance(obj, h5py.Dataset):
                    out["datasets"][p] = describe_dataset(obj)
                    if len(obj.attrs):
                        out["attributes"][p] = {
                            n: jsonable(obj.attrs[n]) for n in obj.attrs}
                elif isinstance(obj, h5py.Group) and not isinstance(
                        link, h5py.SoftLink):
                    out["groups"].append(p)
                    visit(obj, p)
        visit(f, "")
    return out


def main():
    global RNG
    RNG = np.random.default_rng(0)
    os.makedirs(OUT, exist_ok=True)
    written = [make_types(), make_storage(), make_names()]
    expected = {os.path.basename(p): describe_file(p) for p in written}
    jpath = os.path.join(OUT, "expected.json")
    with open(jpath, "w", encoding="utf-8") as fh:
        json.dump(expected, fh, indent=1, ensure_ascii=False, sort_keys=True)
        fh.write("\n")
    written.append(jpath)
    for p in written:
        with open(p, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:16]
        print(f"{p}  {os.path.getsize(p)} bytes  sha256:{digest}")


if __name__ == "__main__":
    main()
