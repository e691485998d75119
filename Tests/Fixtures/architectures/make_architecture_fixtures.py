#!/usr/bin/env python3
"""NumPy reference values for the SAE architectures' forward passes and
training gradients, on fixed inputs. Writes architectures.json beside this
script; the Swift tests compare against it.

The definitions follow SAELens (sae_lens/saes/*.py, version 6.18):
  pre       = (x - b_dec * apply) @ W_enc + b_enc
  relu      : z = max(pre, 0)
  topk      : the k largest pre of each row (ties: lower index), ReLU'd
  batchtopk : training: the k*B largest of relu(pre) over the whole batch;
              threshold EMA: t <- (1 - lr) t + lr * min positive code
  jumprelu  : z = pre * (pre > theta), theta = exp(log_theta); the
              straight-through gradients of SAELens's JumpReLU and Step:
                dz/dpre          = (pre > theta)
                dL/dtheta (z)    = sum_rows -(theta / eps) rect((pre - theta) / eps) dL/dz
                dL/dtheta (L0)   = sum_rows -(1 / eps) rect((pre - theta) / eps) dL/dH
              with rect(u) = 1 for -1/2 < u < 1/2.
The losses (this tool's normalisation: the reconstruction term is a mean
over all B*D elements, so every other term is scaled alike):
  mse   = sum (xhat - x)^2 / (B D)
  l1    = lambda * sum z / B                     (relu-l1)
  l0    = lambda * sum_rows sum_j H(pre - theta) / B   (jumprelu)
  auxk  = alpha * scale * sum (ehat - r)^2 / (B D)   (topk, batchtopk)
          r = x - xhat (no gradient), ehat = z_aux @ W_dec, z_aux the
          k_aux largest pre among dead latents (not ReLU'd, as SAELens),
          k_aux = min(D // 2, dead), scale = min(dead / (D // 2), 1)
Usage: python3 Tests/Fixtures/architectures/make_architecture_fixtures.py
"""

import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
B, D, F = 6, 5, 8


def topk_mask(pre, k):
    mask = np.zeros_like(pre, dtype=bool)
    for r in range(pre.shape[0]):
        order = sorted(range(pre.shape[1]), key=lambda j: (-pre[r, j], j))
        mask[r, order[:k]] = True
    return mask


def rect(u):
    return ((u > -0.5) & (u < 0.5)).astype(np.float64)


def main():
    rng = np.random.default_rng(2026)
    x = rng.standard_normal((B, D)).astype(np.float32)
    w_enc = (rng.standard_normal((D, F)) * 0.6).astype(np.float32)
    b_enc = (rng.standard_normal(F) * 0.2).astype(np.float32)
    w_dec = rng.standard_normal((F, D))
    w_dec = (w_dec / np.linalg.norm(w_dec, axis=1, keepdims=True)).astype(np.float32)
    b_dec = (rng.standard_normal(D) * 0.1).astype(np.float32)
    X, We, be, Wd, bd = (a.astype(np.float64) for a in (x, w_enc, b_enc, w_dec, b_dec))
    pre = X @ We + be
    out = {"B": B, "D": D, "F": F, "x": x.ravel().tolist(), "W_enc": w_enc.ravel().tolist(),
           "b_enc": b_enc.tolist(), "W_dec": w_dec.ravel().tolist(), "b_dec": b_dec.tolist()}

    def decoder_grads(z, d_out):
        return z.T @ d_out, d_out.sum(axis=0), d_out @ Wd.T

    def encoder_grads(d_pre):
        return X.T @ d_pre, d_pre.sum(axis=0)

    def pack(loss, dWe, dbe, dWd, dbd, extra=None):
        entry = {"loss": float(loss), "grad_W_enc": dWe.ravel().tolist(), "grad_b_enc": dbe.tolist(),
                 "grad_W_dec": dWd.ravel().tolist(), "grad_b_dec": dbd.tolist()}
        entry.update(extra or {})
        return entry

    # topk, k = 3, with AuxK over dead latents {1, 4, 6}
    k = 3
    mask = topk_mask(pre, k)
    z = np.where(mask, np.maximum(pre, 0), 0)
    xhat = z @ Wd + bd
    e = xhat - X
    mse = (e ** 2).sum() / (B * D)
    d_out = 2 * e / (B * D)
    dWd, dbd, dz = decoder_grads(z, d_out)
    d_pre = np.where(z > 0, dz, 0)
    dead = np.zeros(F, dtype=bool)
    dead[[1, 4, 6]] = True
    half = D // 2
    k_aux = min(half, int(dead.sum()))
    scale = min(dead.sum() / half, 1.0)
    alpha = 1.0 / 32
    masked = np.where(dead[None, :], pre, -np.inf)
    aux_mask = topk_mask(masked, k_aux)
    z_aux = np.where(aux_mask, pre, 0)
    r = X - xhat
    ehat = z_aux @ Wd
    aux = alpha * scale * ((ehat - r) ** 2).sum() / (B * D)
    d_ehat = 2 * alpha * scale * (ehat - r) / (B * D)
    dWd_aux = z_aux.T @ d_ehat
    d_pre_aux = np.where(aux_mask, d_ehat @ Wd.T, 0)
    dWe, dbe = encoder_grads(d_pre + d_pre_aux)
    out["topk"] = pack(mse + aux, dWe, dbe, dWd + dWd_aux, dbd,
                       {"k": k, "codes": z.ravel().tolist(), "dead": [1, 4, 6], "auxk_loss": float(aux)})

    # batchtopk, k = 2: the k*B largest relu(pre) over the batch
    k = 2
    acts = np.maximum(pre, 0).ravel()
    order = sorted(range(acts.size), key=lambda i: (-acts[i], i))
    keep = np.zeros(acts.size, dtype=bool)
    keep[order[:k * B]] = True
    z = np.where(keep, acts, 0).reshape(B, F)
    positive = z[z > 0]
    out["batchtopk"] = {"k": k, "codes": z.ravel().tolist(), "min_positive": float(positive.min()),
                        "threshold_after_one_step": float((1 - 0.01) * 0.0 + 0.01 * positive.min())}

    # jumprelu with per-latent thresholds, bandwidth 0.05, L0 coefficient 0.3
    theta = np.abs(rng.standard_normal(F)) * 0.3 + 0.05
    # Three thresholds just below a pre-activation, so that the rectangle
    # window (and the threshold gradient) is not empty.
    for j in range(3):
        theta[j] = max(pre[:, j].max() - 0.01, 0.02)
    log_theta = np.log(theta).astype(np.float32).astype(np.float64)
    theta = np.exp(log_theta)
    eps = 0.05
    lam = 0.3
    h = (pre > theta).astype(np.float64)
    z = pre * h
    xhat = z @ Wd + bd
    e = xhat - X
    mse = (e ** 2).sum() / (B * D)
    l0 = lam * h.sum() / B
    d_out = 2 * e / (B * D)
    dWd, dbd, dz = decoder_grads(z, d_out)
    d_pre = h * dz
    window = rect((pre - theta) / eps)
    d_theta = (-(theta / eps) * window * dz).sum(axis=0) + (-(1 / eps) * window * (lam / B)).sum(axis=0)
    d_log_theta = theta * d_theta
    dWe, dbe = encoder_grads(d_pre)
    out["jumprelu"] = pack(mse + l0, dWe, dbe, dWd, dbd,
                           {"log_threshold": log_theta.astype(np.float32).tolist(), "bandwidth": eps, "l0_coefficient": lam,
                            "codes": z.ravel().tolist(), "grad_log_threshold": d_log_theta.tolist(),
                            "window_entries": int(window.sum())})

    with open(os.path.join(HERE, "architectures.json"), "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
