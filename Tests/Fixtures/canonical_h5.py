"""The canonical layout's attributes and depths as the fixture generators
write them with h5py: shared by make_diagnostics_fixtures.py and
make_browser_fixtures.py."""

import numpy as np


def write_header(out, tool):
    """Root attributes of a canonical file written by `tool`."""
    out.attrs["metasae_schema"] = "metasae/canonical"
    out.attrs["metasae_schema_version"] = np.int64(1)
    out.attrs["tool_version"] = tool
    out.attrs["created"] = "2026-01-01T00:00:00Z"
    out.attrs["source"] = "synthetic"


def write_depths(out, acts, saes):
    """depths/<d>/activations (chunks of 64 rows) and, for d >= 1, depths/<d>/sae
    with W_enc, b_enc, W_dec, b_dec from saes[d] = (w_enc, b_enc, w_dec, b_dec), ReLU."""
    for d, a in enumerate(acts):
        g = out.create_group(f"depths/{d}", track_times=False)
        g.create_dataset("activations", data=a, chunks=(64, a.shape[1]), track_times=False)
        if d >= 1:
            w_enc, b_enc, w_dec, b_dec = saes[d]
            s = g.create_group("sae", track_times=False)
            for name, arr in (("W_enc", w_enc), ("b_enc", b_enc), ("W_dec", w_dec), ("b_dec", b_dec)):
                s.create_dataset(name, data=arr.astype(np.float32), track_times=False)
            s.attrs["activation_fn"] = "relu"
            s.attrs["d_in"] = np.int64(w_enc.shape[0])
            s.attrs["d_sae"] = np.int64(w_enc.shape[1])
            s.attrs["apply_b_dec_to_input"] = np.int64(0)
