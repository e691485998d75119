#!/usr/bin/env python3
"""The four metrics on a PyTorch export, in PyTorch: the baselines that
`metasae analyze` is measured against (scripts/bench-torch-analyze.sh).

    python3 scripts/torch_metrics.py EXPORT.h5            # vectorized, in memory
    python3 scripts/torch_metrics.py EXPORT.h5 --seed     # the seed's own code

EXPORT.h5 has the layout of Tests/Fixtures/torch-statedict-small.h5:
activations/depth_<d>, sae_<d>/{encoder,decoder}.{weight,bias} in
nn.Linear orientation and labels. Both modes read every array into memory
as torch float32 and print one JSON object: each metric per depth, the
Spearman rho per metric and the seconds spent on the metrics.

--seed runs the seed document's compute_fri, compute_csp, compute_pds and
compute_ltes verbatim, with sae_models[d].decode(z) = z @ W.T + b.

The vectorized mode keeps the seed's semantics (FRI on the first 1000
examples, LTES on the first 100 with a latent counted when active in at
least 10 of them, the same thresholds and epsilons) and replaces its Python
loops with batched tensor operations:
- the decoder chain of depth d is one affine map z -> z M + c, so a latent
  alone decodes to z_j M_j + c and doubling it moves the reconstruction by
  z_j M_j;
- FRI's isolated errors are formed for a block of examples at once, every
  latent of every example in one tensor (inactive ones masked out);
- class means are one matrix product with the one-hot labels;
- LTES takes every counted latent of a depth in one tensor.
"""
import argparse
import json
import sys
import time

import h5py
import numpy as np
import torch
from scipy.stats import spearmanr

ACTIVE = 1e-5
FRI_EXAMPLES = 1000
LTES_EXAMPLES = 100
LTES_MIN_ACTIVE = 10
CLASSES = 10


def load(path):
    with h5py.File(path, "r") as f:
        depths = sorted(int(k.split("_")[1]) for k in f["activations"])
        acts = {d: torch.from_numpy(f[f"activations/depth_{d}"][...].astype(np.float32)) for d in depths}
        saes = {}
        for d in depths[1:]:
            g = f[f"sae_{d}"]
            saes[d] = (torch.from_numpy(g["decoder.weight"][...].astype(np.float32)),
                       torch.from_numpy(g["decoder.bias"][...].astype(np.float32)))
        labels = torch.from_numpy(f["labels"][...].astype(np.int64))
    return acts, saes, labels


# ---------------------------------------------------------------------------
# Vectorized
# ---------------------------------------------------------------------------

def affine_chain(saes, depth):
    """M [F_depth, D0] and c [D0] with decode_1(...decode_depth(z)) = z @ M + c."""
    weight, bias = saes[depth]
    m, c = weight.T, bias
    for d in range(depth - 1, 0, -1):
        weight, bias = saes[d]
        m, c = m @ weight.T, c @ weight.T + bias
    return m, c


def fri(acts, saes, depth, block=125):
    z_all = acts[depth][:FRI_EXAMPLES]
    a_all = acts[0][:FRI_EXAMPLES]
    m, c = affine_chain(saes, depth)
    scores = []
    for start in range(0, z_all.shape[0], block):
        z, a = z_all[start:start + block], a_all[start:start + block]
        active = z.abs() > ACTIVE
        count = active.sum(1)
        full = ((z @ m + c - a) ** 2).mean(1)
        # [examples, latents, D0]: latent j alone, decoded, minus the target.
        isolated = ((z[:, :, None] * m[None] + (c - a)[:, None, :]) ** 2).mean(2)
        relative = (isolated - full[:, None]) / (count - 1).clamp(min=1)[:, None]
        per_example = (relative * active).sum(1) / count.clamp(min=1)
        scores.append(per_example[count > 1].double())
    scores = torch.cat(scores)
    return -scores.mean().item() if scores.numel() else float("-inf")


def csp(acts, labels, depth):
    z = acts[depth]
    onehot = torch.nn.functional.one_hot(labels, CLASSES).to(z.dtype)
    counts = onehot.sum(0)
    means = (onehot.T @ z) / counts.clamp(min=1)[:, None]
    means[counts == 0] = 0.0
    top = means.topk(2, dim=0).values
    selectivity = torch.where(top[0] > 0, (top[0] - top[1]) / top[0], torch.zeros_like(top[0]))
    return selectivity.mean().item()


def odm(z):
    centered = z - z.mean(0, keepdim=True)
    cov = centered.T @ centered / (z.shape[0] - 1)
    root = cov.diagonal().sqrt()
    norm = cov / (root[:, None] * root[None, :] + 1e-8)
    n = norm.shape[0]
    return ((norm.abs().sum() - norm.diagonal().abs().sum()) / (n * (n - 1))).item()


def ltes(acts, saes, depth):
    z = acts[depth][:LTES_EXAMPLES]
    counted = ((z.abs() > ACTIVE).sum(0) >= LTES_MIN_ACTIVE).nonzero().flatten()
    if counted.numel() == 0:
        return 0.0
    m, c = affine_chain(saes, depth)
    baseline = z @ m + c
    scale = baseline.std(1, keepdim=True) + 1e-8
    diff = z[:, counted, None] * m[counted][None]          # [examples, latents, D0]
    sparsity = 1.0 - ((diff.abs() / scale[:, None, :]) > 0.5).float().mean(2).mean(0)
    mean_diff = diff.mean(0, keepdim=True)
    cosine = torch.nn.functional.cosine_similarity(diff, mean_diff.expand_as(diff), dim=2)
    valid = ~cosine.isnan()
    consistency = (cosine.nan_to_num() * valid).sum(0) / valid.sum(0).clamp(min=1)
    return ((sparsity + consistency) / 2).double().mean().item()


def vectorized(acts, saes, labels):
    depths = sorted(saes)
    odms = {d: odm(acts[d]) for d in depths}
    return {
        "FRI": {d: fri(acts, saes, d) for d in depths},
        "CSP": {d: csp(acts, labels, d) for d in depths},
        "PDS": {d: 0.0 if d <= 1 else odms[d - 1] - odms[d] for d in depths},
        "LTES": {d: ltes(acts, saes, d) for d in depths},
    }


# ---------------------------------------------------------------------------
# The seed's code, verbatim (meta-sae-atomicity-design.md)
# ---------------------------------------------------------------------------

class Decoder:
    def __init__(self, weight, bias):
        self.weight, self.bias = weight, bias

    def decode(self, z):
        return z @ self.weight.T + self.bias


def compute_fri(sae_models, activations_by_depth, depth):
    depth_activations = activations_by_depth[depth]
    original_activations = activations_by_depth[0]
    independence_scores = []
    num_examples = min(1000, depth_activations.shape[0])
    for example_idx in range(num_examples):
        example_activations = depth_activations[example_idx:example_idx+1]
        active_indices = torch.where(torch.abs(example_activations) > 1e-5)[1]
        if len(active_indices) <= 1:
            continue
        full_reconstructed = example_activations.clone()
        for d in range(depth, 0, -1):
            full_reconstructed = sae_models[d].decode(full_reconstructed)
        full_error = torch.mean((full_reconstructed - original_activations[example_idx:example_idx+1]) ** 2).item()
        feature_errors = []
        for feature_idx in active_indices:
            isolated_activations = torch.zeros_like(example_activations)
            isolated_activations[0, feature_idx] = example_activations[0, feature_idx]
            isolated_reconstructed = isolated_activations.clone()
            for d in range(depth, 0, -1):
                isolated_reconstructed = sae_models[d].decode(isolated_reconstructed)
            isolated_error = torch.mean((isolated_reconstructed - original_activations[example_idx:example_idx+1]) ** 2).item()
            relative_error = (isolated_error - full_error) / max(len(active_indices) - 1, 1)
            feature_errors.append(relative_error)
        if feature_errors:
            independence_scores.append(np.mean(feature_errors))
    if independence_scores:
        fri_score = -np.mean(independence_scores)
    else:
        fri_score = float('-inf')
    return fri_score


def compute_csp(activations_by_depth, labels, depth):
    activations = activations_by_depth[depth]
    num_classes = 10
    class_activations = [activations[labels == c] for c in range(num_classes)]
    num_features = activations.shape[1]
    feature_selectivity = torch.zeros(num_features)
    for feature_idx in range(num_features):
        class_means = torch.tensor([
            class_act[:, feature_idx].mean() if len(class_act) > 0 else 0.0
            for class_act in class_activations
        ])
        sorted_means, _ = torch.sort(class_means, descending=True)
        if sorted_means[0] > 0:
            feature_selectivity[feature_idx] = (sorted_means[0] - sorted_means[1]) / sorted_means[0]
        else:
            feature_selectivity[feature_idx] = 0
    csp_score = feature_selectivity.mean().item()
    return csp_score


def compute_pds(activations_by_depth, depth):
    if depth <= 1:
        return 0.0
    act_current = activations_by_depth[depth]
    act_prev = activations_by_depth[depth-1]

    def compute_normalized_covariance(activations):
        centered = activations - activations.mean(dim=0, keepdim=True)
        n_samples = activations.shape[0]
        cov = (centered.T @ centered) / (n_samples - 1)
        diag = torch.diag(cov)
        outer_sqrt_diag = torch.sqrt(diag).unsqueeze(1) @ torch.sqrt(diag).unsqueeze(0)
        norm_cov = cov / (outer_sqrt_diag + 1e-8)
        return norm_cov

    norm_cov_current = compute_normalized_covariance(act_current)
    norm_cov_prev = compute_normalized_covariance(act_prev)

    def compute_off_diagonal_mass(norm_cov):
        n = norm_cov.shape[0]
        mask = torch.ones(n, n) - torch.eye(n)
        return (torch.abs(norm_cov) * mask).sum() / (n * (n-1))

    odm_current = compute_off_diagonal_mass(norm_cov_current)
    odm_prev = compute_off_diagonal_mass(norm_cov_prev)
    pds_score = odm_prev.item() - odm_current.item()
    return pds_score


def compute_ltes(sae_models, activations_by_depth, depth):
    if depth == 0:
        return 0.0
    depth_activations = activations_by_depth[depth][:100]
    effect_sizes = []
    num_latents = depth_activations.shape[1]
    for latent_idx in range(num_latents):
        if torch.sum(torch.abs(depth_activations[:, latent_idx]) > 1e-5) < 10:
            continue
        baseline_reconstructed = depth_activations.clone()
        for d in range(depth, 0, -1):
            baseline_reconstructed = sae_models[d].decode(baseline_reconstructed)
        modified_activations = depth_activations.clone()
        modified_activations[:, latent_idx] *= 2.0
        modified_reconstructed = modified_activations.clone()
        for d in range(depth, 0, -1):
            modified_reconstructed = sae_models[d].decode(modified_reconstructed)
        diff = modified_reconstructed - baseline_reconstructed
        diff_normalized = torch.abs(diff) / (torch.std(baseline_reconstructed, dim=1, keepdim=True) + 1e-8)
        significant_changes = (diff_normalized > 0.5).float().mean(dim=1)
        sparsity = 1.0 - significant_changes.mean().item()
        mean_diff = torch.mean(diff, dim=0)
        cosine_sims = []
        for i in range(len(diff)):
            sim = torch.nn.functional.cosine_similarity(diff[i:i+1], mean_diff.unsqueeze(0), dim=1).item()
            if not np.isnan(sim):
                cosine_sims.append(sim)
        consistency = np.mean(cosine_sims) if cosine_sims else 0
        effect_size = (sparsity + consistency) / 2
        effect_sizes.append(effect_size)
    ltes_score = np.mean(effect_sizes) if effect_sizes else 0
    return ltes_score


def seed(acts, saes, labels):
    models = {d: Decoder(*saes[d]) for d in saes}
    depths = sorted(saes)
    return {
        "FRI": {d: float(compute_fri(models, acts, d)) for d in depths},
        "CSP": {d: float(compute_csp(acts, labels, d)) for d in depths},
        "PDS": {d: float(compute_pds(acts, d)) for d in depths},
        "LTES": {d: float(compute_ltes(models, acts, d)) for d in depths},
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("export")
    parser.add_argument("--seed", action="store_true", help="run the seed's own code instead")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    acts, saes, labels = load(args.export)
    start = time.perf_counter()
    metrics = (seed if args.seed else vectorized)(acts, saes, labels)
    seconds = time.perf_counter() - start
    depths = sorted(saes)
    rho = {name: float(spearmanr(depths, [values[d] for d in depths])[0]) for name, values in metrics.items()}
    json.dump({"metrics": {name: {str(d): v for d, v in values.items()} for name, values in metrics.items()},
               "rho": rho, "seconds": seconds}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
