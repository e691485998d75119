#!/usr/bin/env python3
"""PyTorch CPU doing the work of `metasae train --null-seeds 0`: the same
networks, epochs, batches, optimiser and SAE objectives, for the training
benchmark (scripts/bench-train.sh). It writes nothing but its timings.

  classifier: 784-256-128-10 ReLU MLP, Adam 1e-3, 4 epochs, batch 128,
              inputs (pixel/255 - 0.1307) / 0.3081; depth 0 = hidden layer 2
  cascade:    6 SAEs of width 256, Adam 1e-3, 3 epochs, batch 256, each on
              the previous depth's codes divided by their RMS, decoder rows
              kept at unit norm; the objective by --architecture:
    relu-l1   mse + 8e-3 * sum(z) / B
    topk      k largest pre, ReLU'd; mse + AuxK (alpha 1/8, dead after 512
              rows, k_aux = D // 2)
    batchtopk k*B largest ReLU'd pre over the batch; mse + AuxK
    jumprelu  pre * (pre > theta) with SAELens's straight-through estimators
              (bandwidth 0.05), mse + lambda * L0, lambda adapted toward
              --l0-target; thresholds started where the first batch meets it
All losses are means over B*D elements, as metasae's.

    python3 scripts/torch_train.py --mnist data/mnist --architecture topk
    python3 scripts/torch_train.py --seeds 5      # five independent seeds, one process
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fh:
        data = fh.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(folder, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise SystemExit(f"{stem} not in {folder}")


def rect(u):
    return ((u > -0.5) & (u < 0.5)).to(u)


class JumpReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, threshold, bandwidth):
        ctx.save_for_backward(x, threshold)
        ctx.bandwidth = bandwidth
        return x * (x > threshold)

    @staticmethod
    def backward(ctx, grad):
        x, threshold = ctx.saved_tensors
        eps = ctx.bandwidth
        return (x > threshold) * grad, (-(threshold / eps) * rect((x - threshold) / eps) * grad).sum(0), None


class Step(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, threshold, bandwidth):
        ctx.save_for_backward(x, threshold)
        ctx.bandwidth = bandwidth
        return (x > threshold).to(x)

    @staticmethod
    def backward(ctx, grad):
        x, threshold = ctx.saved_tensors
        eps = ctx.bandwidth
        return None, (-(1.0 / eps) * rect((x - threshold) / eps) * grad).sum(0), None


def topk_codes(pre, k):
    values, indices = torch.topk(pre, k, dim=-1)
    return torch.zeros_like(pre).scatter(-1, indices, values.relu())


def train_sae(x, architecture, k, l0_target, width=256, epochs=3, batch=256, seed=0):
    torch.manual_seed(seed)
    n, d = x.shape
    rms = x.pow(2).mean().sqrt()
    x = x / rms
    bound = 1 / d ** 0.5
    W_enc = torch.nn.Parameter(torch.empty(d, width).uniform_(-bound, bound))
    b_enc = torch.nn.Parameter(torch.zeros(width))
    W_dec = torch.nn.Parameter(W_enc.detach().t().clone())
    b_dec = torch.nn.Parameter(torch.zeros(d))
    with torch.no_grad():
        W_dec /= W_dec.norm(dim=1, keepdim=True)
    params = [W_enc, b_enc, W_dec, b_dec]
    log_theta = torch.nn.Parameter(torch.full((width,), float(np.log(0.01))))
    groups = [{"params": params}]
    if architecture == "jumprelu":
        groups.append({"params": [log_theta], "lr": 1e-2})
    optimizer = torch.optim.Adam(groups, lr=1e-3)
    since_fired = torch.zeros(width)
    lam = 1e-3
    threshold = 0.0
    started = False
    for _ in range(epochs):
        for rows in torch.randperm(n).split(batch):
            xb = x[rows]
            B = xb.shape[0]
            pre = xb @ W_enc + b_enc
            if architecture == "jumprelu" and not started:
                with torch.no_grad():
                    rank = int(l0_target / width * B)
                    log_theta.copy_(torch.log(torch.sort(pre, dim=0, descending=True).values[rank].clamp(min=1e-4)))
                started = True
            if architecture == "relu-l1":
                z = pre.relu()
            elif architecture == "topk":
                z = topk_codes(pre, k)
            elif architecture == "batchtopk":
                acts = pre.relu().flatten()
                values, indices = torch.topk(acts, k * B)
                z = torch.zeros_like(acts).scatter(-1, indices, values).reshape(pre.shape)
            else:
                z = JumpReLU.apply(pre, log_theta.exp(), 0.05)
            recon = z @ W_dec + b_dec
            loss = (recon - xb).pow(2).mean()
            if architecture == "relu-l1":
                loss = loss + 8e-3 * z.sum() / B
            if architecture in ("topk", "batchtopk"):
                dead = since_fired >= 512
                count = int(dead.sum())
                if count:
                    half = d // 2
                    k_aux = min(half, count)
                    masked = torch.where(dead[None, :], pre, torch.full_like(pre, -float("inf")))
                    values, indices = torch.topk(masked, k_aux, dim=-1)
                    aux = torch.zeros_like(pre).scatter(-1, indices, values)
                    residual = (xb - recon).detach()
                    loss = loss + 0.125 * min(count / half, 1.0) * ((aux @ W_dec - residual) ** 2).mean()
            if architecture == "jumprelu":
                l0 = Step.apply(pre, log_theta.exp(), 0.05).sum(-1).mean()
                loss = loss + lam * l0
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                W_dec /= W_dec.norm(dim=1, keepdim=True)
                fired = (z > 0).any(0)
                since_fired = torch.where(fired, torch.zeros_like(since_fired), since_fired + B)
                if architecture == "batchtopk" and (z > 0).any():
                    threshold = 0.99 * threshold + 0.01 * float(z[z > 0].min())
                if architecture == "jumprelu":
                    l0_batch = float((z > 0).sum()) / B
                    lam = min(1.0, max(1e-7, lam * float(np.exp(0.01 * max(-1, min(1, (l0_batch - l0_target) / l0_target))))))
    with torch.no_grad():
        pre = x @ W_enc + b_enc
        if architecture == "relu-l1":
            z = pre.relu()
        elif architecture == "topk":
            z = topk_codes(pre, k)
        elif architecture == "batchtopk":
            z = pre * (pre > threshold)
        else:
            z = pre * (pre > log_theta.exp())
    return z * rms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mnist", default="data/mnist")
    parser.add_argument("--architecture", default="relu-l1", choices=["relu-l1", "topk", "batchtopk", "jumprelu"])
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--l0-target", type=float, default=8)
    parser.add_argument("--depths", type=int, default=6)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=1, help="train this many independent seeds, one after another")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    started = time.perf_counter()
    images = idx(find(args.mnist, "train-images-idx3-ubyte")).reshape(-1, 784)
    labels = idx(find(args.mnist, "train-labels-idx1-ubyte"))
    # The same values as standardising every pixel, by a lookup of the 256 a
    # byte can take (NumPy's element-wise passes over 47 M values were slow
    # and erratic on the benchmark host; torch's gather is not).
    table = torch.from_numpy(((np.arange(256) / 255.0 - 0.1307) / 0.3081).astype(np.float32))
    x = torch.take(table, torch.from_numpy(images.copy()).long())
    y = torch.from_numpy(labels.astype(np.int64))
    loaded = time.perf_counter()
    for seed in range(args.seeds):
        seed_started = time.perf_counter()
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
                                    torch.nn.Linear(128, 10))
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        for _ in range(4):
            for rows in torch.randperm(len(x)).split(128):
                loss = torch.nn.functional.cross_entropy(model(x[rows]), y[rows])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        classified = time.perf_counter()
        with torch.no_grad():
            current = model[:4](x)
        for depth in range(args.depths):
            current = train_sae(current, args.architecture, args.k, args.l0_target, seed=seed * 1000 + depth + 1)
        done = time.perf_counter()
        if args.seeds > 1:
            print(f"torch seed={seed} classifier={classified - seed_started:.2f} cascade={done - classified:.2f} "
                  f"total={done - seed_started:.2f}")
    print(f"torch architecture={args.architecture} load={loaded - started:.2f} classifier={classified - seed_started:.2f} "
          f"cascade={done - classified:.2f} total={done - started:.2f}")

if __name__ == "__main__":
    main()
