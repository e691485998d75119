#!/usr/bin/env python3
"""Make the hostile-input corpus used by the Swift robustness tests.

Writes beside this script:
  valid.h5            a small valid canonical file (the control case)
  <case>.h5 / ...     one file per hostile or broken input (see CASES below)
  cases.json          one entry per file: file, description, category,
                      h5dump_ok (does `h5dump -H FILE` exit 0 with HDF5 1.10),
                      notes

Everything is deterministic: fixed RNG seed, no timestamps
(track_times=False, fixed `created` attribute, fixed zip dates), and the
oldest HDF5 file format (libver "earliest", "v110") so that the HDF5 1.10
the Swift code links can read the files that are meant to be readable.

Byte-level cases (truncations, bit flips, an overflowing dataspace) are made
from the bytes of valid.h5; the offsets are located in the file (chunk
addresses from h5py, object-header addresses from H5Oget_info, B-tree and
heap signatures), never hard-coded.

If `h5dump` is on PATH, every file is checked with `h5dump -H` and the
result must match the `h5dump_ok` recorded in the case table (the script
fails otherwise).

    python3 Tests/Fixtures/corpus/make_corpus.py
    python3 Tests/Fixtures/corpus/make_corpus.py --observe .build/debug/metasae

--observe BINARY additionally runs `describe`, `validate`, `analyze` and
`convert` of BINARY on every file (60 s timeout each) and prints each exit
code and first stderr line. It is printed, not recorded: a snapshot of one
build in cases.json would go stale. The expectations the tests check are
in Tests/MetaSAECLITests/CorpusTests.swift.

The corpus categories are: valid, accepted, not_hdf5, corrupt, structure,
dtype, nonfinite, labels, links, names. The expected exit codes are not
recorded here; the Swift tests map categories to codes.
"""

import io
import json
import os
import pickle
import shutil
import struct
import subprocess
import sys
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LIBVER = ("earliest", "v110")
SEED = 20260101

N = 64
WIDTHS = [6, 10, 8]          # F0, F1, F2  (depths 0, 1, 2)
CHUNK_ROWS = 16

ROOT_ATTRS = {
    "metasae_schema": "metasae/canonical",
    "metasae_schema_version": np.int64(1),
    "tool_version": "make_corpus.py",
    "created": "2026-01-01T00:00:00Z",
}


# --------------------------------------------------------------------------
# The canonical content, computed once.
def make_content():
    rng = np.random.default_rng(SEED)
    labels = (np.arange(N) % 10).astype(np.int64)
    rng.shuffle(labels)
    acts = [np.maximum(rng.standard_normal((N, WIDTHS[0])), 0).astype(np.float32)]
    saes = {}
    for d in range(1, len(WIDTHS)):
        fin, fout = WIDTHS[d - 1], WIDTHS[d]
        w_enc = (rng.standard_normal((fin, fout)) / np.sqrt(fin)).astype(np.float32)
        b_enc = (rng.uniform(0.0, 0.2, fout)).astype(np.float32)
        w_dec = (rng.standard_normal((fout, fin)) / np.sqrt(fout)).astype(np.float32)
        b_dec = (rng.standard_normal(fin) * 0.05).astype(np.float32)
        z = np.maximum(acts[-1] @ w_enc + b_enc, 0).astype(np.float32)
        acts.append(z)
        saes[d] = {"W_enc": w_enc, "b_enc": b_enc, "W_dec": w_dec, "b_dec": b_dec}
    return labels, acts, saes


LABELS, ACTS, SAES = make_content()


def path_of(name):
    return os.path.join(HERE, name)


def new_file(name, **kw):
    p = path_of(name)
    if os.path.exists(p):
        os.remove(p)
    return h5py.File(p, "w", libver=LIBVER, track_times=False, **kw)


def dset(group, name, data=None, **kw):
    kw.setdefault("track_times", False)
    return group.create_dataset(name, data=data, **kw)


def act_dset(group, name, data, **kw):
    """An activations dataset: float32, chunked by row blocks, growable."""
    f = data.shape[1]
    kw.setdefault("chunks", (CHUNK_ROWS, f))
    kw.setdefault("maxshape", (None, f))
    return dset(group, name, data=data, **kw)


def sae_attributes(group, d_in, d_sae):
    """The canonical SAE attributes of a ReLU SAE d_in → d_sae."""
    group.attrs["activation_fn"] = "relu"
    group.attrs["d_in"] = np.int64(d_in)
    group.attrs["d_sae"] = np.int64(d_sae)
    group.attrs["apply_b_dec_to_input"] = np.int64(0)


def write_canonical(name, replace=None, skip=(), labels=None, acts=None,
                    saes=None, extra=None, **file_kw):
    """Write the canonical file, with hooks for the broken variants.

    replace: {path: fn(parent_group, leaf_name)} writes something else at
             `path` instead of the canonical object.
    skip:    paths not written at all.
    extra:   fn(file) called last.
    """
    replace = replace or {}
    labels = LABELS if labels is None else labels
    acts = ACTS if acts is None else acts
    saes = SAES if saes is None else saes
    with new_file(name, **file_kw) as f:
        for k, v in ROOT_ATTRS.items():
            f.attrs[k] = v

        def put(path, default):
            if path in skip:
                return
            parent, _, leaf = path.rpartition("/")
            g = f.require_group(parent) if parent else f
            if path in replace:
                replace[path](g, leaf)
            else:
                default(g, leaf)

        put("labels", lambda g, n: dset(g, n, data=labels))
        for d in range(len(WIDTHS)):
            f.require_group(f"depths/{d}")
            put(f"depths/{d}/activations",
                lambda g, n, d=d: act_dset(g, n, acts[d]))
            if d == 0:
                continue
            sae_attributes(f.require_group(f"depths/{d}/sae"), WIDTHS[d - 1], WIDTHS[d])
            for w in ("W_enc", "b_enc", "W_dec", "b_dec"):
                put(f"depths/{d}/sae/{w}",
                    lambda g, n, d=d, w=w: dset(g, n, data=saes[d][w]))
        if extra:
            extra(f)
    return path_of(name)


def write_bytes(name, data):
    with open(path_of(name), "wb") as fh:
        fh.write(data)


def read_bytes(name):
    with open(path_of(name), "rb") as fh:
        return fh.read()


def flip(data, offset, mask):
    b = bytearray(data)
    b[offset] ^= mask
    return bytes(b)


# --------------------------------------------------------------------------
# Locating structures inside valid.h5
def header_addr(fname, path):
    with h5py.File(path_of(fname), "r") as f:
        return h5py.h5o.get_info(f[path].id).addr


def chunk_info(fname, path, index=0):
    with h5py.File(path_of(fname), "r") as f:
        return f[path].id.get_chunk_info(index)


def find_unique(data, needle, what):
    first = data.find(needle)
    assert first >= 0, f"{what}: not found"
    assert data.find(needle, first + 1) < 0, f"{what}: not unique"
    return first


def chunk_btree_offset(data, chunk_addr):
    """The v1 raw-data B-tree node ("TREE", node type 1) that points at chunk_addr."""
    needle = struct.pack("<Q", chunk_addr)
    hits = []
    pos = data.find(b"TREE\x01")
    while pos >= 0:
        # a leaf node: signature 4, type 1, level 1, entries 2, 2 siblings 16,
        # then keys and child pointers; 1 KiB covers it for this small file
        if needle in data[pos:pos + 1024]:
            hits.append(pos)
        pos = data.find(b"TREE\x01", pos + 1)
    assert len(hits) == 1, hits
    return hits[0]


def root_heap_offset(data):
    """The local heap of the root group: the superblock's root symbol table
    entry holds the B-tree and heap addresses in its scratch pad."""
    # superblock v0: 8 sig + 16 fixed + 4 addresses (32) = 56, then the root
    # symbol table entry: link name offset 8, header addr 8, cache type 4,
    # reserved 4, scratch: btree addr 8, heap addr 8
    cache_type = struct.unpack_from("<I", data, 56 + 16)[0]
    assert cache_type == 1, cache_type
    heap = struct.unpack_from("<Q", data, 56 + 24 + 8)[0]
    assert data[heap:heap + 4] == b"HEAP", data[heap:heap + 4]
    return heap


# --------------------------------------------------------------------------
CASES = []


def case(file, category, description, h5dump_ok, notes="", expect=None):
    """expect: exit codes of describe, validate, analyze and convert, for
    cases whose category alone does not fix them (the "checked" cases)."""
    entry = {"file": file, "description": description,
             "category": category, "h5dump_ok": h5dump_ok, "notes": notes}
    if expect is not None:
        entry["expect"] = expect
    CASES.append(entry)


def make_valid():
    write_canonical("valid.h5")
    case("valid.h5", "valid",
         "valid canonical file: N=64, widths [6, 10, 8], depth d = "
         "relu(depth d-1 @ W_enc + b_enc)", True,
         "control case; validate and analyze must succeed")


def make_not_hdf5():
    write_bytes("empty.h5", b"")
    case("empty.h5", "not_hdf5", "0-byte file", False)

    write_bytes("seven_bytes.h5", b"\x89HDF\r\n\x1a")
    case("seven_bytes.h5", "not_hdf5",
         "7-byte file holding the first 7 bytes of the HDF5 signature", False,
         "looks like the start of an HDF5 signature but ends before it is complete")

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        info = zipfile.ZipInfo("data.pkl", date_time=(1980, 1, 1, 0, 0, 0))
        z.writestr(info, pickle.dumps({"encoder.weight": [[0.0, 1.0]]}, protocol=2))
    write_bytes("model.pt", buf.getvalue())
    case("model.pt", "not_hdf5",
         "zip archive like a torch.save .pt file, containing data.pkl", False,
         "a PyTorch checkpoint; the message could suggest exporting to HDF5")

    buf = io.BytesIO()
    np.save(buf, ACTS[0])
    write_bytes("array.npy", buf.getvalue())
    case("array.npy", "not_hdf5", "NumPy .npy file (np.save of a float32 [64, 6])", False)

    write_bytes("text.h5", b"labels,activations\n0,0.5\n1,0.25\n"
                b"this is a plain text file, not HDF5\n")
    case("text.h5", "not_hdf5", "plain text file with an .h5 name", False)


def make_accepted():
    write_canonical("userblock.h5", userblock_size=512)
    data = bytearray(read_bytes("userblock.h5"))
    assert data[:512] == bytes(512)
    text = b"metasae corpus: this 512-byte user block precedes the HDF5 superblock\n"
    data[:len(text)] = text
    write_bytes("userblock.h5", bytes(data))
    case("userblock.h5", "accepted",
         "the valid file written with a 512-byte user block holding text", True,
         "the HDF5 signature is at offset 512; legal HDF5, must be accepted")

    def big_chunk(g, n):
        act_dset(g, n, ACTS[1], chunks=(1024, WIDTHS[1]))
    write_canonical("chunk_larger_than_data.h5",
                    replace={"depths/1/activations": big_chunk})
    case("chunk_larger_than_data.h5", "accepted",
         "depths/1/activations [64, 10] with chunks (1024, 10)", True,
         "a chunk larger than the dataset is legal HDF5 and must be accepted")


def make_corrupt():
    valid = read_bytes("valid.h5")
    size = len(valid)

    write_bytes("truncated_superblock.h5", valid[:40])
    case("truncated_superblock.h5", "corrupt",
         "valid.h5 cut to its first 40 bytes (inside the superblock)", False,
         "the signature is intact, the superblock is not; h5dump -H: 'unable to open file'")

    write_bytes("truncated_half.h5", valid[:size // 2])
    case("truncated_half.h5", "corrupt",
         f"valid.h5 cut to 50% ({size // 2} of {size} bytes)", False,
         "the superblock's end-of-file address is beyond the file's end; "
         "h5dump -H: 'unable to open file'")

    info = chunk_info("valid.h5", "depths/1/activations", 0)
    cut = info.byte_offset + info.size // 2
    write_bytes("truncated_in_chunk.h5", valid[:cut])
    case("truncated_in_chunk.h5", "corrupt",
         f"valid.h5 cut at byte {cut}, in the middle of the first chunk of "
         f"depths/1/activations (chunk at {info.byte_offset}, {info.size} bytes)",
         False,
         "h5dump -H fails: HDF5 1.10 refuses to open a file shorter than the "
         "superblock's end-of-file address (truncated file)")

    # bit flip 1: the signature of the chunk B-tree of depths/1/activations
    bt = chunk_btree_offset(valid, info.byte_offset)
    write_bytes("bitflip_chunk_btree.h5", flip(valid, bt, 0x04))  # "TREE" -> "PREE"
    case("bitflip_chunk_btree.h5", "corrupt",
         f"one bit flipped in the 'TREE' signature of the v1 chunk B-tree of "
         f"depths/1/activations (byte {bt})", True,
         "h5dump -H succeeds (the header is intact); reading the data fails: "
         "`h5dump -d /depths/1/activations` exits 1 with 'wrong B-tree signature'")

    # bit flip 2: the root group's local heap signature
    heap = root_heap_offset(valid)
    write_bytes("bitflip_root_heap.h5", flip(valid, heap + 1, 0x01))  # "HEAP" -> "HDAP"
    case("bitflip_root_heap.h5", "corrupt",
         f"one bit flipped in the 'HEAP' signature of the root group's local "
         f"heap (byte {heap + 1})", False,
         "h5dump -H prints nothing and exits 1 ('h5dump error: "
         "internal error'); its error stack ends in H5HL__hdr_deserialize(): "
         "bad local heap signature, so no link of the root group can be resolved")

    # bit flip 3: the version byte of the object header of depths/2/sae/W_dec
    oh = header_addr("valid.h5", "depths/2/sae/W_dec")
    assert valid[oh] == 1, valid[oh]
    write_bytes("bitflip_object_header.h5", flip(valid, oh, 0x02))  # version 1 -> 3
    case("bitflip_object_header.h5", "corrupt",
         f"one bit flipped in the version byte of the v1 object header of "
         f"depths/2/sae/W_dec (byte {oh}: version 1 becomes 3)", False,
         "h5dump -H exits 1 ('h5dump error: internal error') before printing "
         "any object; its error stack: H5Oget_info_by_name2 can't get info for "
         "object 'depths/2/sae/W_dec' ... bad object header version number")


def make_structure():
    write_canonical("missing_w_dec.h5", skip={"depths/1/sae/W_dec"})
    case("missing_w_dec.h5", "structure",
         "required dataset depths/1/sae/W_dec is missing", True)

    def labels_group(g, n):
        lg = g.create_group(n)
        dset(lg, "values", data=LABELS)
    write_canonical("labels_is_group.h5", replace={"labels": labels_group})
    case("labels_is_group.h5", "structure",
         "`labels` is a group (holding a dataset `values`) instead of a dataset", True)

    def rank3(g, n):
        dset(g, n, data=ACTS[0].reshape(N, WIDTHS[0], 1),
             chunks=(CHUNK_ROWS, WIDTHS[0], 1), maxshape=(None, WIDTHS[0], 1))
    write_canonical("rank3_activations.h5",
                    replace={"depths/0/activations": rank3})
    case("rank3_activations.h5", "structure",
         "depths/0/activations is 3-D [64, 6, 1] instead of [N, F0]", True)

    write_canonical("scalar_labels.h5",
                    replace={"labels": lambda g, n: dset(g, n, data=np.int64(3))})
    case("scalar_labels.h5", "structure",
         "`labels` has a scalar dataspace (one int64, rank 0)", True)

    write_canonical("zero_rows.h5", labels=LABELS[:0],
                    acts=[a[:0] for a in ACTS])
    case("zero_rows.h5", "structure",
         "N = 0: labels [0] and every activations dataset [0, F] "
         "(chunked, no chunk allocated); SAE weights intact", True,
         "a well-formed but empty experiment; nothing to analyze")

    # dims whose product overflows: overwrite the dataspace of
    # depths/1/activations, the only [64, 10] dataset with max dims [UNLIM, 10]
    valid = read_bytes("valid.h5")
    oh = header_addr("valid.h5", "depths/1/activations")
    u = struct.pack("<Q", 64) + struct.pack("<Q", WIDTHS[1])
    maxd = struct.pack("<Q", 2**64 - 1) + struct.pack("<Q", WIDTHS[1])
    hdr_end = oh + 1024
    pos = find_unique(valid[oh:hdr_end], u + maxd, "dataspace dims") + oh
    huge = struct.pack("<Q", 2**62)
    b = bytearray(valid)
    b[pos:pos + 32] = huge + huge + struct.pack("<Q", 2**64 - 1) + huge
    write_bytes("dims_overflow.h5", bytes(b))
    case("dims_overflow.h5", "structure",
         f"dataspace of depths/1/activations byte-mangled to dims "
         f"[2**62, 2**62], max dims [UNLIMITED, 2**62] (bytes {pos}..{pos + 31}); "
         f"2**124 elements overflow 64 bits", True,
         "h5dump 1.10.8 -H exits 0 and prints DATASPACE SIMPLE "
         "{ ( 4611686018427387904, 4611686018427387904 ) / ( H5S_UNLIMITED, "
         "4611686018427387904 ) }; `h5dump -d` prints an empty DATA {} and also "
         "exits 0; the chunk index still holds the 4 real chunks")

    def lzf(g, n):
        act_dset(g, n, ACTS[1], compression="lzf")
    write_canonical("lzf_filter.h5", replace={"depths/1/activations": lzf})
    case("lzf_filter.h5", "structure",
         "depths/1/activations compressed with the lzf filter (id 32000), which "
         "h5py has but Debian's libhdf5 lacks", True,
         "h5dump -H exits 0 (`h5dump -p` shows USER_DEFINED_FILTER 32000 lzf); "
         "reading the data fails: `h5dump -d` exits 1, error stack "
         "\"required filter 'lzf' is not registered\"")


def make_dtypes():
    def fixed_string(g, n):
        s = np.array([[f"{v:.4f}".encode() for v in row] for row in ACTS[1]], dtype="S12")
        dset(g, n, data=s)
    write_canonical("dtype_string.h5",
                    replace={"depths/1/activations": fixed_string})
    case("dtype_string.h5", "dtype",
         "depths/1/activations [64, 10] is a fixed-length string (S12) dataset "
         "holding the numbers as text", True)

    def compound(g, n):
        dt = np.dtype([("value", "<f4"), ("index", "<i4")])
        a = np.zeros((N, WIDTHS[1]), dtype=dt)
        a["value"] = ACTS[1]
        a["index"] = np.arange(WIDTHS[1])
        dset(g, n, data=a)
    write_canonical("dtype_compound.h5",
                    replace={"depths/1/activations": compound})
    case("dtype_compound.h5", "dtype",
         "depths/1/activations [64, 10] is a compound {value: f4, index: i4}", True)

    def opaque(g, n):
        dset(g, n, data=ACTS[1].view("V4"))
    write_canonical("dtype_opaque.h5",
                    replace={"depths/1/activations": opaque})
    case("dtype_opaque.h5", "dtype",
         "depths/1/activations [64, 10] is opaque (numpy 'V4'); the bytes are "
         "the float32 values", True)

    def vlen(g, n):
        dt = h5py.vlen_dtype(np.float32)
        ds = dset(g, n, shape=(N,), dtype=dt)
        for i in range(N):
            ds[i] = ACTS[1][i]
    write_canonical("dtype_vlen.h5",
                    replace={"depths/1/activations": vlen})
    case("dtype_vlen.h5", "dtype",
         "depths/1/activations is 1-D [64] of variable-length float32 "
         "(each row 10 values)", True)


def make_nonfinite():
    bad = ACTS[1].copy()
    bad[3, 2] = np.nan
    bad[5, 7] = np.inf
    bad[40, 0] = -np.inf
    acts = [ACTS[0], bad, ACTS[2]]
    write_canonical("nan_inf_activations.h5", acts=acts)
    case("nan_inf_activations.h5", "nonfinite",
         "depths/1/activations has NaN at [3, 2], +Inf at [5, 7], -Inf at [40, 0]; "
         "everything else as valid.h5", True)

    saes = {d: dict(w) for d, w in SAES.items()}
    w = saes[2]["W_dec"].copy()
    w[1, 4] = np.nan
    saes[2]["W_dec"] = w
    write_canonical("nan_w_dec.h5", saes=saes)
    case("nan_w_dec.h5", "nonfinite",
         "depths/2/sae/W_dec has NaN at [1, 4]", True)


def make_labels():
    lab = LABELS.copy()
    lab[17] = 12
    write_canonical("label_12.h5", labels=lab)
    case("label_12.h5", "labels", "labels[17] = 12, out of 0…9", True)

    lab = LABELS.copy()
    lab[5] = -100
    write_canonical("label_minus100.h5", labels=lab)
    case("label_minus100.h5", "labels",
         "labels[5] = -100 (PyTorch's ignore_index)", True)

    write_canonical("labels_float.h5", labels=LABELS.astype(np.float64))
    case("labels_float.h5", "labels",
         "labels stored as float64 (values 0.0…9.0, all integral)", True,
         "the schema says labels may be any integer type")

    write_canonical("labels_63.h5", labels=LABELS[:63])
    case("labels_63.h5", "labels", "63 labels for 64 rows", True)


def make_links():
    def ext_missing(g, n):
        g[n] = h5py.ExternalLink("missing_other.h5", "/x")
    write_canonical("extlink_missing.h5",
                    replace={"depths/1/activations": ext_missing})
    case("extlink_missing.h5", "links",
         "depths/1/activations is an external link to missing_other.h5:/x "
         "(the file does not exist)", True,
         "h5dump -H exits 0 and prints EXTERNAL_LINK; following it fails")

    def ext_outside(g, n):
        g[n] = h5py.ExternalLink("/etc/hostname", "/x")
    write_canonical("extlink_outside.h5",
                    replace={"depths/1/activations": ext_outside})
    case("extlink_outside.h5", "links",
         "depths/1/activations is an external link to the absolute path "
         "/etc/hostname:/x (a file outside, not HDF5)", True,
         "a tool should not open files outside the input's directory on the "
         "file's say-so; h5dump -H exits 0 and prints EXTERNAL_LINK")

    def loop(g, n):
        g[n] = h5py.SoftLink("/loop_a")

    def loop_extra(f):
        f["loop_a"] = h5py.SoftLink("/loop_b")
        f["loop_b"] = h5py.SoftLink("/loop_a")
    write_canonical("softlink_loop.h5", replace={"depths/1/activations": loop},
                    extra=loop_extra)
    case("softlink_loop.h5", "links",
         "soft-link loop: depths/1/activations -> /loop_a -> /loop_b -> /loop_a", True,
         "HDF5 stops after 16 soft-link traversals ('too many links'); "
         "h5dump -H exits 0 and prints the SOFTLINKs")

    def dangling(g, n):
        g[n] = h5py.SoftLink("/nowhere/activations")
    write_canonical("softlink_dangling.h5",
                    replace={"depths/1/activations": dangling})
    case("softlink_dangling.h5", "links",
         "depths/1/activations is a soft link to /nowhere/activations (dangling)", True)


BAD_NAME = "bad\x07name\x1b[31m\nsecond line"


def make_names():
    def extra(f):
        ds = dset(f, BAD_NAME, data=np.arange(4, dtype=np.int64))
        ds.attrs["note"] = "name holds BEL, an ANSI colour escape and a newline"
    write_canonical("control_chars_name.h5", extra=extra)
    case("control_chars_name.h5", "names",
         "the valid file plus a root dataset named "
         + json.dumps(BAD_NAME) + " (BEL, ESC[31m, newline)", True,
         "otherwise valid; any name printed should be escaped, not sent raw "
         "to the terminal")


# --------------------------------------------------------------------------
# Files that once got past the probe and crashed, stalled or were accepted
# wrongly: every fact later code relies on is now proved by the checker.
def export_file(name, depth_names, acts=None, saes=None, labels=None, extra=None):
    """A state_dict-style export: <depth_names[d]>/encoder.weight [out, in]."""
    acts = ACTS if acts is None else acts
    saes = SAES if saes is None else saes
    with new_file(name) as f:
        dset(f, "labels", data=LABELS if labels is None else labels)
        for d, a in enumerate(acts):
            dset(f, f"activations/depth_{d}", data=a)
        for d in range(1, len(WIDTHS)):
            g = f.require_group(depth_names[d - 1])
            dset(g, "encoder.weight", data=saes[d]["W_enc"].T)
            dset(g, "encoder.bias", data=saes[d]["b_enc"])
            dset(g, "decoder.weight", data=saes[d]["W_dec"].T)
            dset(g, "decoder.bias", data=saes[d]["b_dec"])
        if extra:
            extra(f)
    return path_of(name)


def cascade_sae(f, prefix, widths, rng, values=None):
    """SAE tensors for depths 1…D under `prefix` (a null model)."""
    for d in range(1, len(widths)):
        g = f.require_group(f"{prefix}depths/{d}/sae")
        sae_attributes(g, widths[d - 1], widths[d])
        fin, fout = widths[d - 1], widths[d]
        tensors = {"W_enc": (fin, fout), "b_enc": (fout,), "W_dec": (fout, fin), "b_dec": (fin,)}
        for w, shape in tensors.items():
            data = rng.uniform(-0.3, 0.3, shape).astype(np.float32)
            if values and (d, w) in values:
                values[(d, w)](data)
            dset(g, w, data=data)


def classifier(widths, hidden):
    """A classifier [in, …, out] whose layer `hidden` (1-based) feeds depth 0."""
    def put(f):
        g = f.require_group("classifier")
        g.attrs["hidden_layer"] = np.int64(hidden)
        rng = np.random.default_rng(3)
        for i in range(len(widths) - 1):
            dset(g, f"layers/{i}/weight", data=rng.standard_normal((widths[i + 1], widths[i])).astype(np.float32))
            dset(g, f"layers/{i}/bias", data=np.zeros(widths[i + 1], np.float32))
    return put


def null_model(f, index, widths, values=None, seed=5):
    g = f.require_group(f"null_models/{index}")
    g.attrs["seed"] = np.int64(seed)
    cascade_sae(f, f"null_models/{index}/", widths, np.random.default_rng(seed), values)


def sparse_form(f, path, z):
    """The compressed-row form of z under `path`."""
    rows, cols = np.nonzero(z)
    g = f.require_group(path)
    g.attrs["shape"] = np.array(z.shape, dtype=np.int64)
    counts = np.bincount(rows, minlength=z.shape[0])
    dset(g, "indptr", data=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
    dset(g, "indices", data=cols.astype(np.int32))
    dset(g, "values", data=z[rows, cols].astype(np.float32))


def make_checked():
    # A valid file with everything optional present: the mutation fuzzer's richest seed.
    def everything(f):
        for d in (1, 2):
            sparse_form(f, f"depths/{d}/sparse", ACTS[d])
        null_model(f, 0, WIDTHS, seed=5)
        null_model(f, 1, WIDTHS, seed=6)
        dset(f, "null_models/1/depths/1/activations", data=np.maximum(
            ACTS[0] @ f["null_models/1/depths/1/sae/W_enc"][()] + f["null_models/1/depths/1/sae/b_enc"][()], 0).astype(np.float32))
        dset(f, "images", data=np.arange(N * 16, dtype=np.uint8).reshape(N, 16))
        classifier([16, 6, 10], 1)(f)
    write_canonical("valid_everything.h5", extra=everything)
    case("valid_everything.h5", "checked", "valid file with sparse forms at depths 1 and 2, two null models "
         "(one with stored latents), images and a classifier 16-6-10", True,
         "convert takes the trained cascade, dense, and leaves the null models", expect=[0, 0, 0, 0])

    # -- depth numbers taken from names
    write_canonical("depth_name_huge.h5", extra=lambda f: f.require_group("depths/9223372036854775807"))
    case("depth_name_huge.h5", "checked", "valid file plus an empty group depths/9223372036854775807", True,
         "once fed Array(0...deepest); convert reads only datasets", expect=[0, 70, 70, 0])

    write_canonical("depth_name_leading_zero.h5", extra=lambda f: f.require_group("depths/01"))
    case("depth_name_leading_zero.h5", "checked", "valid file plus a group depths/01", True,
         "depth names are plain decimals", expect=[0, 70, 70, 0])

    def null_huge(f):
        null_model(f, 0, WIDTHS)
        f.require_group("null_models/0/depths/9223372036854775807")
        f.require_group("null_models/9223372036854775807")
    write_canonical("null_depth_huge.h5", extra=null_huge)
    case("null_depth_huge.h5", "checked", "a null model with a group depths/9223372036854775807, and a null model of that index",
         True, "convert takes the trained cascade only", expect=[0, 70, 70, 0])

    export_file("export_sae_huge_depth.h5", ["sae_1", "sae_9223372036854775807"])
    case("export_sae_huge_depth.h5", "checked", "state_dict export whose second SAE is under sae_9223372036854775807",
         True, "convert once crashed allocating 1…D", expect=[0, 70, 70, 70])

    export_file("export_step_depth.h5", ["sae_1", "checkpoints/step_1700000000"])
    case("export_step_depth.h5", "checked", "state_dict export whose second SAE sits under checkpoints/step_1700000000",
         True, "a realistic step number read as a depth", expect=[0, 70, 70, 70])

    export_file("export_step_prefix.h5", ["run/step_1700000000/sae_1", "run/step_1700000000/sae_2"])
    case("export_step_prefix.h5", "checked", "state_dict export under run/step_1700000000/sae_1 and sae_2",
         True, "the step number is not the nearest number: converts", expect=[0, 70, 70, 0])

    # -- widths and shapes after the probe has passed the file
    narrow = [ACTS[0], ACTS[1][:, :6], ACTS[2]]
    export_file("export_narrow_acts.h5", ["sae_1", "sae_2"], acts=narrow)
    case("export_narrow_acts.h5", "checked", "export whose depth-1 activations [64, 6] are narrower than SAE 1's latent width 10",
         True, "the square-orientation test once indexed past the rows", expect=[0, 70, 70, 70])

    sq = {1: {k: v for k, v in SAES[1].items()}, 2: {}}
    rng = np.random.default_rng(7)
    sq[1] = {"W_enc": rng.standard_normal((6, 6)).astype(np.float32), "b_enc": np.zeros(6, np.float32),
             "W_dec": rng.standard_normal((6, 6)).astype(np.float32), "b_dec": np.zeros(6, np.float32)}
    sq[2] = {"W_enc": rng.standard_normal((6, 8)).astype(np.float32), "b_enc": np.zeros(8, np.float32),
             "W_dec": rng.standard_normal((8, 6)).astype(np.float32), "b_dec": np.zeros(6, np.float32)}
    export_file("export_square_narrow.h5", ["sae_1", "sae_2"], saes=sq, acts=[ACTS[0], ACTS[1][:, :4], ACTS[2]])
    case("export_square_narrow.h5", "checked", "export with a square 6×6 SAE 1 whose depth-1 activations are only 4 wide",
         True, "square orientation decided from data of the wrong width", expect=[0, 70, 70, 70])

    def transposed(g, n):
        dset(g, n, data=SAES[1]["W_enc"].T)
    write_canonical("transposed_w_enc.h5", replace={"depths/1/sae/W_enc": transposed})
    case("transposed_w_enc.h5", "checked", "canonical file whose depths/1/sae/W_enc is stored transposed [10, 6]",
         True, "the message must name W_enc, not b_enc; convert orients it by the chain", expect=[0, 70, 70, 0])

    def sparse_overflow(f):
        g = f.require_group("depths/1/sparse")
        g.attrs["shape"] = np.array([2**62, 2**62], dtype=np.int64)
        dset(g, "indptr", data=np.zeros(65, np.int64))
        dset(g, "indices", data=np.zeros(0, np.int32))
        dset(g, "values", data=np.zeros(0, np.float32))
    write_canonical("sparse_shape_overflow.h5", extra=sparse_overflow)
    case("sparse_shape_overflow.h5", "checked", "depths/1/sparse with a shape attribute [2^62, 2^62]", True,
         "rowCount + 1 and rowCount * width once overflowed", expect=[0, 70, 70, 0])

    def sparse_width(f):
        z = ACTS[1]
        rows, cols = np.nonzero(z)
        g = f.require_group("depths/1/sparse")
        g.attrs["shape"] = np.array([N, WIDTHS[1] - 1], dtype=np.int64)
        counts = np.bincount(rows, minlength=N)
        dset(g, "indptr", data=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
        dset(g, "indices", data=cols.astype(np.int32))
        dset(g, "values", data=z[rows, cols].astype(np.float32))
    write_canonical("sparse_dense_disagree.h5", extra=sparse_width)
    case("sparse_dense_disagree.h5", "checked", "depths/1 has dense [64, 10] and a sparse form whose shape says 9 columns",
         True, expect=[0, 70, 70, 0])

    # -- null models checked like the trained cascade
    write_canonical("null_width_mismatch.h5", extra=lambda f: null_model(f, 0, [6, 7, 8]))
    case("null_width_mismatch.h5", "checked", "a stored null model with widths 6-7-8 while the cascade is 6-10-8",
         True, "once a precondition trap and out-of-bounds reads in sgemm", expect=[0, 70, 70, 0])

    def nan_null(f):
        null_model(f, 0, WIDTHS, values={(2, "W_dec"): lambda a: a.__setitem__((1, 1), np.nan)})
    write_canonical("null_nan.h5", extra=nan_null)
    case("null_nan.h5", "checked", "a stored null model whose depth-2 W_dec holds a NaN", True,
         "once analyzed without comment", expect=[0, 71, 71, 0])

    def null_short(f):
        null_model(f, 0, WIDTHS[:2])
    write_canonical("null_missing_depth.h5", extra=null_short)
    case("null_missing_depth.h5", "checked", "a stored null model with depth 1 only, while the cascade has 2",
         True, expect=[0, 70, 70, 0])

    # -- sizes a file declares but does not store
    def huge_labels(g, n):
        dset(g, n, shape=(2**40,), dtype=np.int64, chunks=(1 << 16,), maxshape=(None,))
    write_canonical("labels_declared_huge.h5", replace={"labels": huge_labels})
    case("labels_declared_huge.h5", "checked", "labels declared as 2^40 int64 rows in chunks never written",
         True, "once asked for 8 TB", expect=[0, 68, 68, 68])

    def huge_acts(g, n):
        dset(g, n, shape=(2**36, WIDTHS[1]), dtype=np.float32, chunks=(1 << 12, WIDTHS[1]), maxshape=(None, WIDTHS[1]))
    write_canonical("activations_declared_huge.h5", replace={"depths/1/activations": huge_acts})
    case("activations_declared_huge.h5", "checked", "depth-1 activations declared [2^36, 10], never written",
         True, expect=[0, 68, 68, 68])

    # -- storage outside the file
    with new_file("vds_source.h5") as f:
        dset(f, "acts", data=ACTS[0])

    def vds(source):
        def put(g, n):
            layout = h5py.VirtualLayout(shape=ACTS[0].shape, dtype=np.float32)
            layout[:] = h5py.VirtualSource(source, "acts", shape=ACTS[0].shape)
            g.create_virtual_dataset(n, layout, fillvalue=0)
        return put
    write_canonical("vds_missing_source.h5", replace={"depths/0/activations": vds("vds_source_gone.h5")})
    case("vds_missing_source.h5", "checked", "depth-0 activations are a virtual dataset whose source file does not exist",
         True, "once read as zeros, validated and analyzed", expect=[0, 69, 69, 69])
    write_canonical("vds_present_source.h5", replace={"depths/0/activations": vds("vds_source.h5")})
    case("vds_present_source.h5", "checked", "depth-0 activations are a virtual dataset into vds_source.h5, which exists",
         True, "never followed", expect=[0, 69, 69, 69])

    with open(path_of("external_storage.bin"), "wb") as fh:
        fh.write(ACTS[0].tobytes())

    def external(g, n):
        g.create_dataset(n, shape=ACTS[0].shape, dtype=np.float32,
                         external=[("external_storage.bin", 0, ACTS[0].nbytes)])
    write_canonical("external_storage.h5", replace={"depths/0/activations": external})
    case("external_storage.h5", "checked", "depth-0 activations in external raw storage (external_storage.bin, present)",
         True, expect=[0, 69, 69, 69])

    # -- activation functions and versions
    write_canonical("activation_gelu.h5", extra=lambda f: f["depths/1/sae"].attrs.__setitem__("activation_fn", "gelu"))
    case("activation_gelu.h5", "checked", "depth-1 SAE declares activation_fn = gelu", True,
         "once treated as ReLU", expect=[0, 69, 69, 69])
    write_canonical("schema_version_9.h5", extra=lambda f: f.attrs.__setitem__("metasae_schema_version", np.int64(9)))
    case("schema_version_9.h5", "checked", "metasae_schema_version = 9", True, expect=[0, 69, 69, 0])
    write_canonical("d_in_mismatch.h5", extra=lambda f: f["depths/2/sae"].attrs.__setitem__("d_in", np.int64(11)))
    case("d_in_mismatch.h5", "checked", "depth-2 SAE declares d_in = 11; the data says 10", True, expect=[0, 70, 70, 0])

    # -- the classifier and images
    write_canonical("classifier_valid.h5", extra=classifier([12, 6, 10], 1))
    case("classifier_valid.h5", "checked", "valid file with a classifier 12-6-10 whose hidden layer 1 is depth 0",
         True, expect=[0, 0, 0, 0])

    def broken_chain(f):
        classifier([12, 6, 10], 1)(f)
        del f["classifier/layers/1/weight"]
        dset(f, "classifier/layers/1/weight", data=np.zeros((10, 7), np.float32))
    write_canonical("classifier_chain_broken.h5", extra=broken_chain)
    case("classifier_chain_broken.h5", "checked", "classifier layer 1 takes 7 inputs but layer 0 gives 6", True,
         expect=[0, 70, 70, 70])
    write_canonical("classifier_hidden_wrong.h5", extra=classifier([12, 6, 10], 2))
    case("classifier_hidden_wrong.h5", "checked", "classifier hidden_layer = 2, which is the output layer", True,
         expect=[0, 70, 70, 0])
    write_canonical("images_short.h5", extra=lambda f: dset(f, "images", data=np.zeros((N - 1, 784), np.uint8)))
    case("images_short.h5", "checked", "images [63, 784] for 64 examples", True, expect=[0, 70, 70, 0])

    # -- many depths: an exact-Spearman floor that overflowed Int
    deep = [ACTS[0]]
    deep_saes = {}
    rng = np.random.default_rng(11)
    for d in range(1, 22):
        w_enc = (rng.standard_normal((6, 6)) / np.sqrt(6)).astype(np.float32)
        b_enc = rng.uniform(0.0, 0.2, 6).astype(np.float32)
        deep_saes[d] = {"W_enc": w_enc, "b_enc": b_enc,
                        "W_dec": (rng.standard_normal((6, 6)) / np.sqrt(6)).astype(np.float32),
                        "b_dec": np.zeros(6, np.float32)}
        deep.append(np.maximum(deep[-1] @ w_enc + b_enc, 0).astype(np.float32))
    with new_file("deep_21.h5") as f:
        for k, v in ROOT_ATTRS.items():
            f.attrs[k] = v
        dset(f, "labels", data=LABELS)
        for d, a in enumerate(deep):
            act_dset(f.require_group(f"depths/{d}"), "activations", a)
            if d == 0:
                continue
            g = f.require_group(f"depths/{d}/sae")
            sae_attributes(g, 6, 6)
            for w, v in deep_saes[d].items():
                dset(g, w, data=v)
    case("deep_21.h5", "checked", "valid file with 21 SAE depths of width 6", True,
         "2/21! once overflowed an Int factorial after the whole analysis", expect=[0, 0, 0, 0])

    # -- names and links
    def long_link(g, n):
        g[n] = h5py.SoftLink("/" + "x" * 5000)
    write_canonical("long_name_dangling.h5", replace={"depths/1/sae/W_dec": long_link})
    case("long_name_dangling.h5", "checked", "depths/1/sae/W_dec is a dangling soft link to a 5000-character name",
         True, "messages cut long names", expect=[0, 70, 70, 70])

    def alias_depth(f):
        del f["depths/2"]
        f["depths/2"] = h5py.SoftLink("/depths/1")
    write_canonical("softlink_depth_alias.h5", extra=alias_depth)
    case("softlink_depth_alias.h5", "checked", "depths/2 is a soft link to depths/1 (widths then disagree)", True,
         "convert lists datasets once, under their first names", expect=[0, 70, 70, 0])

    # -- a chunk whose filter mask skipped deflate, longer than a chunk
    def skipped(extra_bytes):
        def put(g, n):
            d = dset(g, n, data=ACTS[0], chunks=(CHUNK_ROWS, WIDTHS[0]), maxshape=(None, WIDTHS[0]),
                     compression="gzip", shuffle=True)
            raw = ACTS[0][CHUNK_ROWS:2 * CHUNK_ROWS].tobytes()
            shuffled = np.frombuffer(raw, np.uint8).reshape(-1, 4).T.tobytes()
            d.id.write_direct_chunk((CHUNK_ROWS, 0), shuffled + bytes(extra_bytes), filter_mask=0b10)
        return put
    write_canonical("chunk_deflate_skipped.h5", replace={"depths/0/activations": skipped(0)})
    case("chunk_deflate_skipped.h5", "checked", "depth-0 chunk 1 stored shuffled but not deflated (mask 0b10), whole",
         True, "legal HDF5: reads the same values", expect=[0, 0, 0, 0])
    write_canonical("chunk_deflate_skipped_long.h5", replace={"depths/0/activations": skipped(48)})
    case("chunk_deflate_skipped_long.h5", "checked",
         "depth-0 chunk 1 stored shuffled, not deflated, 48 bytes longer than its 384-byte chunk", True,
         "once a heap overflow in the threaded inflate path (unshuffle wrote the stored length)", expect=[0, 68, 68, 68])
    write_canonical("chunk_deflate_skipped_huge.h5", replace={"depths/0/activations": skipped(4096)})
    case("chunk_deflate_skipped_huge.h5", "checked",
         "depth-0 chunk 1 stored shuffled, not deflated, 4096 bytes longer than its chunk", True,
         "larger than deflate could make of a chunk: damage, not data", expect=[0, 68, 68, 68])


# --------------------------------------------------------------------------
# Borderline files: legal, if unusual; every command must handle them.
def tiny_cascade(n, widths, seed=21, zero=False):
    rng = np.random.default_rng(seed)
    acts = [np.zeros((n, widths[0]), np.float32) if zero else np.maximum(rng.standard_normal((n, widths[0])), 0).astype(np.float32)]
    saes = {}
    for d in range(1, len(widths)):
        fin, fout = widths[d - 1], widths[d]
        saes[d] = {"W_enc": rng.standard_normal((fin, fout)).astype(np.float32), "b_enc": rng.uniform(0, 0.2, fout).astype(np.float32),
                   "W_dec": rng.standard_normal((fout, fin)).astype(np.float32), "b_dec": np.zeros(fin, np.float32)}
        acts.append(np.maximum(acts[-1] @ saes[d]["W_enc"] + saes[d]["b_enc"], 0).astype(np.float32))
    labels = (np.arange(n) % 10).astype(np.int64)
    return labels, acts, saes


def write_tiny(name, n, widths, **kw):
    labels, acts, saes = tiny_cascade(n, widths, zero=kw.pop("zero", False))
    if "labels" in kw:
        labels = kw.pop("labels")
    with new_file(name) as f:
        for k, v in ROOT_ATTRS.items():
            f.attrs[k] = v
        dset(f, "labels", data=labels)
        for d, a in enumerate(acts):
            g = f.require_group(f"depths/{d}")
            dset(g, "activations", data=a, **kw)
            if d == 0:
                continue
            s = f.require_group(f"depths/{d}/sae")
            sae_attributes(s, widths[d - 1], widths[d])
            for w, v in saes[d].items():
                dset(s, w, data=v)


def make_borderline():
    write_tiny("one_example.h5", 1, [4, 5, 3])
    case("one_example.h5", "borderline", "N = 1: covariances and Spearman have nothing to work with", True, expect=[0, 0, 0, 0])
    write_tiny("two_examples.h5", 2, [4, 5, 3])
    case("two_examples.h5", "borderline", "N = 2", True, expect=[0, 0, 0, 0])
    write_tiny("one_depth.h5", 30, [4, 5])
    case("one_depth.h5", "borderline", "a single SAE depth: no trend to test", True, expect=[0, 0, 0, 0])
    write_tiny("width_one.h5", 30, [1, 1, 1])
    case("width_one.h5", "borderline", "every depth one latent wide", True, expect=[0, 0, 0, 0])
    write_tiny("all_zero.h5", 30, [4, 5, 3], zero=True)
    case("all_zero.h5", "borderline", "all activations zero: every latent dead", True, expect=[0, 0, 0, 0])
    write_tiny("one_class.h5", 30, [4, 5, 3], labels=np.zeros(30, np.int64))
    case("one_class.h5", "borderline", "every label 0", True, expect=[0, 0, 0, 0])
    write_tiny("float64_contiguous.h5", 30, [4, 5, 3], dtype=np.float64)
    case("float64_contiguous.h5", "borderline", "float64 activations, contiguous (canonical allows float64)", True, expect=[0, 0, 0, 0])
    write_tiny("bigendian.h5", 30, [4, 5, 3], dtype=">f4")
    case("bigendian.h5", "borderline", "big-endian float32 activations", True, expect=[0, 0, 0, 0])
    write_tiny("compact_layout.h5", 8, [2, 3, 2], chunks=None)
    with h5py.File(path_of("compact_layout.h5"), "a") as f:
        data = f["depths/0/activations"][()]
        del f["depths/0/activations"]
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        space = h5py.h5s.create_simple(data.shape)
        h5py.h5d.create(f["depths/0"].id, b"activations", h5py.h5t.IEEE_F32LE, space, dcpl=dcpl).write(h5py.h5s.ALL, h5py.h5s.ALL, data)
    case("compact_layout.h5", "borderline", "depth-0 activations in compact layout", True, expect=[0, 0, 0, 0])
    write_canonical("attributes_unusual.h5", extra=lambda f: [
        f["depths/1/sae"].attrs.__setitem__("apply_b_dec_to_input", np.bool_(False)),
        f["depths/1/sae"].attrs.__setitem__("d_in", np.int32(6)),
        f["depths/2/sae"].attrs.__setitem__("activation_fn", np.bytes_(b"ReLU")),
        f.require_group("null_models")])
    case("attributes_unusual.h5", "borderline", "numpy bool, int32 and fixed-length byte-string attributes; an empty null_models group",
         True, expect=[0, 0, 0, 0])


# --------------------------------------------------------------------------
def h5dump_ok(name):
    r = subprocess.run(["h5dump", "-H", path_of(name)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
    return r.returncode == 0


def observe(binary):
    out_dir = "/tmp/corpus-out"
    conv = "/tmp/corpus-convert.h5"
    commands = {
        "describe": lambda p: [binary, "describe", p],
        "validate": lambda p: [binary, "validate", p],
        "analyze": lambda p: [binary, "analyze", p, "--out", out_dir,
                              "--null-seeds", "0", "--quiet"],
        "convert": lambda p: [binary, "convert", p, conv, "--quiet"],
    }
    for c in CASES:
        observed = {}
        for key, argv in commands.items():
            shutil.rmtree(out_dir, ignore_errors=True)
            if os.path.exists(conv):
                os.remove(conv)
            try:
                # relative name, run from this directory: no machine paths in cases.json
                r = subprocess.run(["timeout", "60"] + argv(c["file"]),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   cwd=HERE)
                err = r.stderr.decode("utf-8", "backslashreplace")
                lines = err.splitlines()
                rc = r.returncode
            except Exception as e:  # pragma: no cover
                lines, rc = [repr(e)], None
            flags = []
            if rc is not None and (rc < 0 or rc >= 128):
                flags.append("signal")
            if rc == 124:
                flags.append("timeout")
            if "HDF5-DIAG" in err or "#000" in err:
                flags.append("hdf5_stack")
            observed[key] = (rc, flags, lines[0] if lines else "")
        print(c["file"])
        for key, (rc, flags, first) in observed.items():
            print(f"  {key:9} exit {rc} {' '.join(flags)}  {first}")
    shutil.rmtree(out_dir, ignore_errors=True)
    if os.path.exists(conv):
        os.remove(conv)


def main():
    args = sys.argv[1:]
    binary = None
    if args[:1] == ["--observe"] and len(args) == 2:
        binary = os.path.abspath(args[1])
    elif args:
        sys.exit("usage: make_corpus.py [--observe BINARY]")

    make_valid()
    make_not_hdf5()
    make_accepted()
    make_corrupt()
    make_structure()
    make_dtypes()
    make_nonfinite()
    make_labels()
    make_links()
    make_names()
    make_checked()
    make_borderline()

    if shutil.which("h5dump"):
        for c in CASES:
            got = h5dump_ok(c["file"])
            assert got == c["h5dump_ok"], (c["file"], got)
    if binary:
        observe(binary)

    with open(path_of("cases.json"), "w") as fh:
        json.dump(CASES, fh, indent=2, ensure_ascii=True)
        fh.write("\n")
    total = sum(os.path.getsize(path_of(c["file"])) for c in CASES)
    print(f"{len(CASES)} cases, {total} bytes")


if __name__ == "__main__":
    main()
