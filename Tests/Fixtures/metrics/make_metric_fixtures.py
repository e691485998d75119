#!/usr/bin/env python3
"""Synthetic metric fixtures and an independent NumPy oracle for the four seed metrics.

The `seed_*` functions are literal NumPy ports (float64 throughout) of the
torch reference code in /work/shared/seed/meta-sae-atomicity-design.md:
compute_fri, compute_csp, compute_pds (with its ODM helper) and compute_ltes,
plus the spearmanr loop of analyze_meta_sae_atomicity. They keep the seed's
loops on purpose: they are the slow, obviously-faithful oracle. A separate
closed-form (affine chain) implementation is run only as a cross-check of the
oracle itself.

Usage:
    python3 Tests/Fixtures/metrics/make_metric_fixtures.py [OUTPUT_DIR]

Writes edge_cases.h5, ties.h5, larger.h5 and reference.json in OUTPUT_DIR
(default: the directory of this script). Output is byte-reproducible: fixed
seeds, no tracked times, fixed `created`, HDF5 1.10-readable format.

Reference values are computed from the arrays read back from the written files
(float32 as stored, cast to float64), never from the pre-rounding data.
JSON encodes -inf / +inf / NaN as the strings "-inf" / "inf" / "nan".
"""

import itertools
import json
import math
import os
import sys

import h5py
import numpy as np
from scipy.stats import rankdata, spearmanr

ACTIVE = 1e-5          # |z| > ACTIVE means "active" (FRI and LTES)
FRI_EXAMPLES = 1000    # compute_fri: first 1000 examples
LTES_EXAMPLES = 100    # compute_ltes: first 100 examples
LTES_MIN_ACTIVE = 10   # compute_ltes: latent used if active in >= 10 of them
COS_EPS = 1e-8         # torch.nn.functional.cosine_similarity default eps
CREATED = "2026-01-01T00:00:00Z"
NUM_CLASSES = 10


# ---------------------------------------------------------------------------
# Literal ports of the seed code
# ---------------------------------------------------------------------------

def decode(sae, z):
    """SAELens decoder, row vectors: z @ W_dec + b_dec (W_dec is [F_d, F_{d-1}])."""
    w_dec, b_dec = sae
    return z @ w_dec + b_dec


def decode_chain(sae_models, z, depth):
    """`for d in range(depth, 0, -1): x = sae_models[d].decode(x)`."""
    x = z
    for d in range(depth, 0, -1):
        x = decode(sae_models[d], x)
    return x


def _fri(sae_models, activations_by_depth, depth, max_examples=FRI_EXAMPLES):
    """compute_fri; returns (score, number of examples that contributed)."""
    depth_activations = activations_by_depth[depth]
    original_activations = activations_by_depth[0]

    independence_scores = []
    if max_examples is None:
        num_examples = depth_activations.shape[0]
    else:
        num_examples = min(max_examples, depth_activations.shape[0])

    for example_idx in range(num_examples):
        example_activations = depth_activations[example_idx:example_idx + 1]
        active_indices = np.nonzero(np.abs(example_activations) > ACTIVE)[1]

        if len(active_indices) <= 1:
            continue  # skip examples with at most one active feature

        full_reconstructed = decode_chain(sae_models, example_activations.copy(), depth)
        full_error = float(np.mean(
            (full_reconstructed - original_activations[example_idx:example_idx + 1]) ** 2))

        feature_errors = []
        for feature_idx in active_indices:
            isolated_activations = np.zeros_like(example_activations)
            isolated_activations[0, feature_idx] = example_activations[0, feature_idx]
            isolated_reconstructed = decode_chain(sae_models, isolated_activations.copy(), depth)
            isolated_error = float(np.mean(
                (isolated_reconstructed - original_activations[example_idx:example_idx + 1]) ** 2))
            relative_error = (isolated_error - full_error) / max(len(active_indices) - 1, 1)
            feature_errors.append(relative_error)

        if feature_errors:
            independence_scores.append(np.mean(feature_errors))

    if independence_scores:
        fri_score = -float(np.mean(independence_scores))
    else:
        fri_score = float("-inf")
    return fri_score, len(independence_scores)


def seed_fri(sae_models, activations_by_depth, depth, max_examples=FRI_EXAMPLES):
    """Feature Reconstruction Independence (seed compute_fri)."""
    return _fri(sae_models, activations_by_depth, depth, max_examples)[0]


def seed_csp(activations_by_depth, labels, depth):
    """Concept Selectivity Progression (seed compute_csp)."""
    activations = activations_by_depth[depth]
    class_activations = [activations[labels == c] for c in range(NUM_CLASSES)]

    num_features = activations.shape[1]
    feature_selectivity = np.zeros(num_features, dtype=np.float64)
    for feature_idx in range(num_features):
        class_means = np.array([
            class_act[:, feature_idx].mean() if len(class_act) > 0 else 0.0
            for class_act in class_activations
        ], dtype=np.float64)
        sorted_means = np.sort(class_means)[::-1]
        if sorted_means[0] > 0:
            feature_selectivity[feature_idx] = (sorted_means[0] - sorted_means[1]) / sorted_means[0]
        else:
            feature_selectivity[feature_idx] = 0
    return float(feature_selectivity.mean())


def normalized_covariance(activations):
    """compute_pds.compute_normalized_covariance (two-pass, N-1, +1e-8)."""
    centered = activations - activations.mean(axis=0, keepdims=True)
    n_samples = activations.shape[0]
    cov = (centered.T @ centered) / (n_samples - 1)
    diag = np.diag(cov)
    outer_sqrt_diag = np.sqrt(diag)[:, None] @ np.sqrt(diag)[None, :]
    return cov / (outer_sqrt_diag + 1e-8)


def off_diagonal_mass(norm_cov):
    """compute_pds.compute_off_diagonal_mass."""
    n = norm_cov.shape[0]
    mask = np.ones((n, n)) - np.eye(n)
    return float((np.abs(norm_cov) * mask).sum() / (n * (n - 1)))


def odm(acts):
    """Off-diagonal mass of one activation matrix [N, F]."""
    return off_diagonal_mass(normalized_covariance(acts))


def seed_pds(activations_by_depth, depth):
    """Progressive Disentanglement Score (seed compute_pds)."""
    if depth <= 1:
        return 0.0
    odm_current = odm(activations_by_depth[depth])
    odm_prev = odm(activations_by_depth[depth - 1])
    return odm_prev - odm_current


def torch_cosine(x, y, eps=COS_EPS):
    """torch.nn.functional.cosine_similarity for two vectors:
    sum(x*y) / (max(||x||, eps) * max(||y||, eps)); a zero vector gives 0."""
    nx = max(math.sqrt(float(np.sum(x * x))), eps)
    ny = max(math.sqrt(float(np.sum(y * y))), eps)
    return float(np.sum(x * y)) / (nx * ny)


def _ltes(sae_models, activations_by_depth, depth, max_examples=LTES_EXAMPLES,
          min_active=LTES_MIN_ACTIVE, margins=None):
    """compute_ltes; returns (score, number of latents used).

    `margins`, if a list, collects min |diff_normalized - 0.5| per used latent
    (how far the oracle is from a threshold flip)."""
    if depth == 0:
        return 0.0, 0

    if max_examples is None:
        depth_activations = activations_by_depth[depth]
    else:
        depth_activations = activations_by_depth[depth][:max_examples]

    effect_sizes = []
    num_latents = depth_activations.shape[1]
    for latent_idx in range(num_latents):
        if np.sum(np.abs(depth_activations[:, latent_idx]) > ACTIVE) < min_active:
            continue

        baseline_reconstructed = decode_chain(sae_models, depth_activations.copy(), depth)

        modified_activations = depth_activations.copy()
        modified_activations[:, latent_idx] *= 2.0
        modified_reconstructed = decode_chain(sae_models, modified_activations.copy(), depth)

        diff = modified_reconstructed - baseline_reconstructed

        diff_normalized = np.abs(diff) / (np.std(baseline_reconstructed, axis=1, ddof=1, keepdims=True) + 1e-8)
        if margins is not None:
            margins.append(float(np.min(np.abs(diff_normalized - 0.5))))
        significant_changes = (diff_normalized > 0.5).astype(np.float64).mean(axis=1)
        sparsity = 1.0 - float(significant_changes.mean())

        mean_diff = np.mean(diff, axis=0)
        cosine_sims = []
        for i in range(len(diff)):
            sim = torch_cosine(diff[i], mean_diff)
            if not np.isnan(sim):
                cosine_sims.append(sim)
        consistency = float(np.mean(cosine_sims)) if cosine_sims else 0.0

        effect_sizes.append((sparsity + consistency) / 2)

    ltes_score = float(np.mean(effect_sizes)) if effect_sizes else 0.0
    return ltes_score, len(effect_sizes)


def seed_ltes(sae_models, activations_by_depth, depth, max_examples=LTES_EXAMPLES,
              min_active=LTES_MIN_ACTIVE):
    """Latent Traversal Effect Size (seed compute_ltes)."""
    return _ltes(sae_models, activations_by_depth, depth, max_examples, min_active)[0]


def ltes_all_min_active(n):
    """Used-latent rule over n examples: active in at least ceil(0.1 * n) of them."""
    return -(-n // 10)


# ---------------------------------------------------------------------------
# Spearman
# ---------------------------------------------------------------------------

def rank_rho(x, y):
    """Pearson correlation of average ranks (Spearman's rho); NaN if a side is constant."""
    rx = rankdata(np.asarray(x, dtype=np.float64), method="average")
    ry = rankdata(np.asarray(y, dtype=np.float64), method="average")
    rx = rx - rx.mean()
    ry = ry - ry.mean()
    den = math.sqrt(float(np.sum(rx * rx)) * float(np.sum(ry * ry)))
    if den == 0:
        return float("nan")
    return float(np.sum(rx * ry)) / den


def exact_permutation_p(depths, scores):
    """Two-sided exact p-value: fraction of all permutations of the scores with
    |rho| >= |observed rho| - 1e-12. A NaN rho (constant scores) counts as 0."""
    def rho_or_zero(s):
        r = rank_rho(depths, s)
        return 0.0 if math.isnan(r) else r

    observed = abs(rho_or_zero(scores))
    hits = 0
    total = 0
    for perm in itertools.permutations(scores):
        total += 1
        if abs(rho_or_zero(list(perm))) >= observed - 1e-12:
            hits += 1
    return hits / total


def correlation(depths, scores):
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = spearmanr(depths, scores)
    rho, p = float(res[0]), float(res[1])
    mine = rank_rho(depths, scores)
    assert (math.isnan(rho) and math.isnan(mine)) or abs(rho - mine) < 1e-12, (rho, mine)
    return {"rho": rho, "p_value": p, "p_exact": exact_permutation_p(depths, scores)}


# ---------------------------------------------------------------------------
# Closed-form cross-check of the oracle (not used for the reference values)
# ---------------------------------------------------------------------------

def affine_chain(sae_models, depth):
    """(A, c) with decode_chain(z) == z @ A + c."""
    w, b = sae_models[depth]
    a, c = w.copy(), b.copy()
    for d in range(depth - 1, 0, -1):
        w, b = sae_models[d]
        a = a @ w
        c = c @ w + b
    return a, c


def fast_fri(sae_models, acts, depth, max_examples):
    a, c = affine_chain(sae_models, depth)
    z = acts[depth] if max_examples is None else acts[depth][:max_examples]
    x0 = acts[0][:z.shape[0]]
    scores = []
    for i in range(z.shape[0]):
        s = np.nonzero(np.abs(z[i]) > ACTIVE)[0]
        k = len(s)
        if k <= 1:
            continue
        full = z[i] @ a + c
        e_full = np.mean((full - x0[i]) ** 2)
        iso = z[i, s][:, None] * a[s] + c
        e_iso = np.mean((iso - x0[i]) ** 2, axis=1)
        scores.append(np.mean((e_iso - e_full) / (k - 1)))
    return -float(np.mean(scores)) if scores else float("-inf")


def fast_ltes(sae_models, acts, depth, max_examples, min_active):
    a, c = affine_chain(sae_models, depth)
    z = acts[depth] if max_examples is None else acts[depth][:max_examples]
    base = z @ a + c
    sd = np.std(base, axis=1, ddof=1, keepdims=True) + 1e-8
    effects = []
    for j in range(z.shape[1]):
        if np.sum(np.abs(z[:, j]) > ACTIVE) < min_active:
            continue
        diff = z[:, j][:, None] * a[j][None, :]
        sparsity = 1.0 - np.mean(np.abs(diff) / sd > 0.5)
        m = diff.mean(axis=0)
        nrow = np.maximum(np.linalg.norm(diff, axis=1), COS_EPS)
        nm = max(np.linalg.norm(m), COS_EPS)
        consistency = np.mean((diff @ m) / (nrow * nm))
        effects.append((sparsity + consistency) / 2)
    return float(np.mean(effects)) if effects else 0.0


# ---------------------------------------------------------------------------
# Writing the canonical layout
# ---------------------------------------------------------------------------

def write_canonical(path, labels, acts, saes):
    """acts: list of float arrays [N, F_x], x = 0..D; saes: {d: (W_enc, b_enc, W_dec, b_dec)}."""
    n = labels.shape[0]
    with h5py.File(path, "w", libver=("earliest", "v110"), track_times=False) as out:
        out.attrs["metasae_schema"] = "metasae/canonical"
        out.attrs["metasae_schema_version"] = np.int64(1)
        out.attrs["tool_version"] = "make_metric_fixtures.py"
        out.attrs["created"] = CREATED
        out.attrs["source"] = "synthetic"
        out.create_dataset("labels", data=labels.astype(np.int64), dtype=np.int64, track_times=False)
        depths = out.create_group("depths", track_times=False)
        for x, a in enumerate(acts):
            assert a.shape[0] == n
            f = a.shape[1]
            g = depths.create_group(str(x), track_times=False)
            g.create_dataset("activations", data=np.ascontiguousarray(a, dtype=np.float32),
                             dtype=np.float32, chunks=(min(n, 64), f), maxshape=(None, f),
                             track_times=False)
            if x >= 1:
                w_enc, b_enc, w_dec, b_dec = saes[x]
                d_in, d_sae = acts[x - 1].shape[1], f
                assert w_enc.shape == (d_in, d_sae) and b_enc.shape == (d_sae,)
                assert w_dec.shape == (d_sae, d_in) and b_dec.shape == (d_in,)
                s = g.create_group("sae", track_times=False)
                for name, arr in (("W_enc", w_enc), ("b_enc", b_enc), ("W_dec", w_dec), ("b_dec", b_dec)):
                    s.create_dataset(name, data=np.ascontiguousarray(arr, dtype=np.float32),
                                     dtype=np.float32, track_times=False)
                s.attrs["activation_fn"] = "relu"
                s.attrs["d_in"] = np.int64(d_in)
                s.attrs["d_sae"] = np.int64(d_sae)
                s.attrs["apply_b_dec_to_input"] = np.int64(0)


def read_canonical(path):
    """Read back as stored: float32 -> float64."""
    with h5py.File(path, "r") as f:
        labels = np.asarray(f["labels"][()], dtype=np.int64)
        acts = {}
        x = 0
        while str(x) in f["depths"]:
            acts[x] = np.asarray(f[f"depths/{x}/activations"][()], dtype=np.float32).astype(np.float64)
            x += 1
        saes = {}
        for d in range(1, x):
            s = f[f"depths/{d}/sae"]
            saes[d] = (np.asarray(s["W_dec"][()], dtype=np.float32).astype(np.float64),
                       np.asarray(s["b_dec"][()], dtype=np.float32).astype(np.float64))
    return labels, acts, saes


# ---------------------------------------------------------------------------
# Synthetic data
# ---------------------------------------------------------------------------

F32_1E5 = float(np.float32(1e-5))                                      # 9.99999974737875e-06: NOT active
F32_ABOVE_1E5 = float(np.nextafter(np.float32(1e-5), np.float32(1)))   # smallest float32 that is active
SUBTHRESHOLD = 5e-6                                                    # nonzero but inactive


def sparse_relu(rng, n, f, loc=-0.1):
    """ReLU of shifted normals, per-column scale: about half zeros."""
    return np.maximum(rng.normal(loc, 1.0, size=(n, f)), 0.0) * rng.uniform(0.5, 2.0, size=f)


def random_sae(rng, d_in, d_sae):
    return (rng.normal(0, 0.3, size=(d_in, d_sae)),
            rng.normal(0, 0.01, size=d_sae),
            rng.normal(0, 0.3, size=(d_sae, d_in)),
            rng.normal(0, 0.01, size=d_in))


def set_exact_count(rng, z, col, first, total, n_first=LTES_EXAMPLES, lo=4):
    """Column `col` active in exactly `first` of rows lo..n_first-1 and `total`
    rows overall (rows < lo stay zero); adds nonzero subthreshold values
    (float32(1e-5) and 5e-6) in a few other rows of the first block."""
    n = z.shape[0]
    z[:, col] = 0.0
    rows_a = rng.choice(np.arange(lo, n_first), size=first, replace=False)
    rows_b = rng.choice(np.arange(n_first, n), size=total - first, replace=False)
    rows = np.concatenate([rows_a, rows_b])
    z[rows, col] = rng.uniform(0.1, 1.5, size=len(rows))
    others = np.setdiff1d(np.arange(lo, n_first), rows_a)
    tiny = rng.choice(others, size=4, replace=False)
    z[tiny[:2], col] = F32_1E5
    z[tiny[2:], col] = SUBTHRESHOLD


def make_edge_cases(rng):
    n = 240
    widths = [8, 12, 10, 9]
    classes = np.array([0, 1, 2, 4, 5, 6, 8, 9])      # 3 and 7 never used
    p = np.array([0.2, 0.15, 0.05, 0.1, 0.2, 0.1, 0.05, 0.15])
    labels = rng.choice(classes, size=n, p=p)

    a0 = np.maximum(rng.normal(size=(n, widths[0])), 0.0)

    # depth 1 (12): dead 3, 7; rare 10; exact-count boundaries 11 (10/24) and 9 (9/23)
    z1 = sparse_relu(rng, n, widths[1], loc=0.4)
    z1[:, [3, 7]] = 0.0
    z1[:, 10] = np.where(rng.random(n) < 0.05, rng.uniform(0.2, 1.5, size=n), 0.0)
    z1[0, :] = 0.0                                                   # 0 active
    z1[1, :] = 0.0; z1[1, 0] = 0.8                                   # exactly 1 active
    z1[2, :] = 0.0; z1[2, 5] = 1.1; z1[2, 1] = SUBTHRESHOLD; z1[2, 2] = F32_1E5   # 1 active + 2 inactive nonzeros
    z1[3, :] = 0.0; z1[3, 0] = 0.5; z1[3, 4] = F32_ABOVE_1E5          # exactly 2 active, one barely
    set_exact_count(rng, z1, 11, 10, 24)
    set_exact_count(rng, z1, 9, 9, 23)

    # depth 2 (10): constant column 0 (0.3, not dyadic); dead 9; identical 6 == 7;
    # latent 4 frequent but its decoder row is zero
    z2 = sparse_relu(rng, n, widths[2])
    z2[:, 4] = np.maximum(rng.normal(0.8, 0.5, size=n), 0.0)
    z2[:, 9] = 0.0
    z2[0, :] = 0.0                                                   # only the constant column: 1 active
    z2[1, :] = 0.0; z2[1, 3] = SUBTHRESHOLD                          # 1 active + 1 inactive nonzero
    z2[:, 0] = float(np.float32(0.3))
    z2[:, 7] = z2[:, 6]

    # depth 3 (9): dead 0, 6; identical 1 == 4; rare 5; boundaries 7 (10/24), 8 (9/23)
    z3 = sparse_relu(rng, n, widths[3], loc=0.8)
    z3[:, [0, 6]] = 0.0
    z3[:, 5] = np.where(rng.random(n) < 0.04, rng.uniform(0.2, 1.5, size=n), 0.0)
    z3[0, :] = 0.0                                                   # 0 active
    z3[1, :] = 0.0; z3[1, 2] = 0.7                                   # exactly 1 active
    z3[2, :] = 0.0; z3[2, 3] = 0.9; z3[2, 1] = SUBTHRESHOLD          # 1 active + inactive nonzeros (col 1 and its copy 4)
    z3[3, :] = 0.0                                                   # 0 active
    set_exact_count(rng, z3, 7, 10, 24)
    set_exact_count(rng, z3, 8, 9, 23)
    z3[:, 4] = z3[:, 1]

    acts = [a0, z1, z2, z3]
    saes = {d: random_sae(rng, widths[d - 1], widths[d]) for d in range(1, 4)}
    w_enc, b_enc, w_dec, b_dec = saes[2]
    w_dec[4, :] = 0.0                                                # zero decoder row
    return labels, acts, saes


def make_ties(rng):
    n = 150
    widths = [5, 6, 6, 6, 6, 6]
    labels = rng.integers(0, 10, size=n)
    acts = [np.maximum(rng.normal(size=(n, widths[0])), 0.0)]
    for d in range(1, 6):
        acts.append(sparse_relu(rng, n, widths[d]))
    saes = {d: random_sae(rng, widths[d - 1], widths[d]) for d in range(1, 6)}
    # depth 3 is an exact copy of depth 2 behind an identity SAE: decode_3(z) == z
    # exactly, so every chain from depth 3 equals the chain from depth 2 and
    # FRI, CSP, LTES (and ODM) tie exactly at depths 2 and 3; PDS(3) = 0 = PDS(1).
    acts[3] = acts[2].copy()
    eye = np.eye(6)
    saes[3] = (eye.copy(), np.zeros(6), eye.copy(), np.zeros(6))
    return labels, acts, saes


def make_larger(rng):
    n = 3000
    widths = [16, 24, 20]   # [20, 40, 30] alone would be 1.08 MB uncompressed; the 1 MB budget wins
    p = np.array([0.22, 0.16, 0.13, 0.11, 0.09, 0.08, 0.07, 0.06, 0.05, 0.03])
    labels = rng.choice(10, size=n, p=p)
    a0 = np.maximum(rng.normal(size=(n, widths[0])), 0.0)
    z1 = sparse_relu(rng, n, widths[1], loc=0.0)
    z2 = sparse_relu(rng, n, widths[2])
    # class-dependent latents so CSP is not ~0
    for j in range(0, widths[1], 4):
        z1[:, j] *= np.where(labels == (j // 4) % 10, 3.0, 0.5)
    for j in range(1, widths[2], 5):
        z2[:, j] *= np.where(labels == (j * 3) % 10, 4.0, 0.3)
    # rare latents (skipped by LTES over 100 and over all examples) and a
    # moderately rare one (~8%: near 10 of 100, well under 300 of 3000)
    for z, j, q in ((z1, 5, 0.03), (z1, 17, 0.03), (z1, 9, 0.08), (z2, 3, 0.03), (z2, 12, 0.08)):
        z[:, j] = np.where(rng.random(n) < q, rng.uniform(0.2, 1.5, size=n), 0.0)
    acts = [a0, z1, z2]
    saes = {d: random_sae(rng, widths[d - 1], widths[d]) for d in range(1, 3)}
    return labels, acts, saes


FIXTURES = (
    ("edge_cases.h5", make_edge_cases, 20260101),
    ("ties.h5", make_ties, 20260202),
    ("larger.h5", make_larger, 20260303),
)


# ---------------------------------------------------------------------------
# Reference values
# ---------------------------------------------------------------------------

def enc(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def reference(path, report):
    labels, acts, saes = read_canonical(path)
    n = labels.shape[0]
    depth_count = len(acts) - 1
    depths = list(range(1, depth_count + 1))

    res = {m: {} for m in ("FRI", "CSP", "PDS", "LTES", "FRI_all", "LTES_all")}
    fri_used, fri_all_used, ltes_used, ltes_all_used = {}, {}, {}, {}
    margins = []
    for d in depths:
        res["FRI"][d], fri_used[d] = _fri(saes, acts, d, FRI_EXAMPLES)
        res["FRI_all"][d], fri_all_used[d] = _fri(saes, acts, d, None)
        res["CSP"][d] = seed_csp(acts, labels, d)
        res["PDS"][d] = seed_pds(acts, d)
        res["LTES"][d], ltes_used[d] = _ltes(saes, acts, d, LTES_EXAMPLES, LTES_MIN_ACTIVE, margins)
        res["LTES_all"][d], ltes_all_used[d] = _ltes(saes, acts, d, None, ltes_all_min_active(n), margins)

        # cross-check the oracle against the closed form
        for key, val, fast in (
                ("FRI", res["FRI"][d], fast_fri(saes, acts, d, FRI_EXAMPLES)),
                ("FRI_all", res["FRI_all"][d], fast_fri(saes, acts, d, None)),
                ("LTES", res["LTES"][d], fast_ltes(saes, acts, d, LTES_EXAMPLES, LTES_MIN_ACTIVE)),
                ("LTES_all", res["LTES_all"][d], fast_ltes(saes, acts, d, None, ltes_all_min_active(n)))):
            if not (val == fast or abs(val - fast) <= 1e-9 * max(1.0, abs(val))):
                raise SystemExit(f"{path}: {key}[{d}] oracle {val!r} vs closed form {fast!r}")

    odm_values = {x: odm(acts[x]) for x in range(depth_count + 1)}

    out = {}
    for m in ("FRI", "CSP", "PDS", "LTES"):
        out[m] = {str(d): enc(res[m][d]) for d in depths}
    out["ODM"] = {str(x): enc(v) for x, v in odm_values.items()}
    out["correlations"] = {
        m: {k: enc(v) for k, v in correlation(depths, [res[m][d] for d in depths]).items()}
        for m in ("FRI", "CSP", "PDS", "LTES")}
    out["fri_examples_used"] = {str(d): int(fri_used[d]) for d in depths}
    out["ltes_latents_used"] = {str(d): int(ltes_used[d]) for d in depths}
    out["FRI_all"] = {str(d): enc(res["FRI_all"][d]) for d in depths}
    out["LTES_all"] = {str(d): enc(res["LTES_all"][d]) for d in depths}
    out["correlations_all"] = {
        m: {k: enc(v) for k, v in correlation(depths, [res[m][d] for d in depths]).items()}
        for m in ("FRI_all", "LTES_all")}
    out["fri_all_examples_used"] = {str(d): int(fri_all_used[d]) for d in depths}
    out["ltes_all_latents_used"] = {str(d): int(ltes_all_used[d]) for d in depths}
    out["ltes_all_min_active"] = ltes_all_min_active(n)
    # Activity over every example: mean count of |z| > 1e-5 per row, and
    # latents active on at least one row.
    out["mean_L0"] = {str(x): float(np.mean(np.sum(np.abs(acts[x]) > ACTIVE, axis=1))) for x in range(depth_count + 1)}
    out["alive_latents"] = {str(x): int(np.sum(np.any(np.abs(acts[x]) > ACTIVE, axis=0))) for x in range(depth_count + 1)}

    # diagnostics for the summary (not written)
    report.append(f"{os.path.basename(path)}: N={n} widths={[acts[x].shape[1] for x in range(depth_count + 1)]}")
    fri_rows = min(FRI_EXAMPLES, n)
    for x in range(depth_count + 1):
        a = acts[x]
        nact = np.sum(np.abs(a) > ACTIVE, axis=1)
        dead = np.nonzero(np.all(a == 0, axis=0))[0].tolist()
        const = [j for j in range(a.shape[1]) if a[0, j] != 0 and np.all(a[:, j] == a[0, j])]
        line = (f"  depth {x}: zeros {np.mean(a == 0):.2f}, dead {dead}, constant {const}")
        if x >= 1:
            line += (f", FRI skipped {fri_rows - fri_used[x]} of {fri_rows} "
                     f"(0 active: {int(np.sum(nact[:fri_rows] == 0))}, 1 active: {int(np.sum(nact[:fri_rows] == 1))}),"
                     f" FRI_all skipped {n - fri_all_used[x]}, LTES used {ltes_used[x]}/{a.shape[1]},"
                     f" LTES_all used {ltes_all_used[x]}/{a.shape[1]}")
        report.append(line)
    report.append(f"  labels: counts {np.bincount(labels, minlength=10).tolist()}")
    report.append(f"  min |diff_normalized - 0.5| over LTES evaluations: {min(margins) if margins else None:.3g}")
    for m in ("FRI", "CSP", "PDS", "LTES", "FRI_all", "LTES_all"):
        vals = [res[m][d] for d in depths]
        ties = len(set(vals)) < len(vals)
        report.append(f"  {m}: " + ", ".join(f"{v:.6g}" for v in vals) + ("   <- TIE" if ties else ""))
    report.append("  ODM: " + ", ".join(f"{v:.6g}" for v in odm_values.values()))
    for m, c in list(out["correlations"].items()) + list(out["correlations_all"].items()):
        report.append(f"  spearman {m}: {c}")
    return out


def main(argv):
    out_dir = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out_dir, exist_ok=True)
    refs = {}
    report = []
    for name, maker, seed in FIXTURES:
        rng = np.random.default_rng(seed)
        labels, acts, saes = maker(rng)
        path = os.path.join(out_dir, name)
        write_canonical(path, labels, acts, saes)
        refs[name] = reference(path, report)
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(refs, f, indent=1, sort_keys=False, allow_nan=False)
        f.write("\n")
    print("\n".join(report))


if __name__ == "__main__":
    main(sys.argv)
