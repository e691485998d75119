#!/usr/bin/env python3
"""Export a PyTorch classifier and meta-SAE cascade the way PyTorch users do,
with h5py, then convert and analyze it with metasae.

    python3 examples/export_pytorch.py [--out-dir runs/torch-export]
    metasae convert runs/torch-export/export_statedict.h5 runs/torch-export/canonical.h5
    metasae analyze runs/torch-export/canonical.h5 --null-seeds 4

It trains (in about a minute on a CPU) an MLP 784-256-128-10 on the bundled
MNIST, then five ReLU SAEs of width 64, depth d on depth d-1's latents, and
writes two files:

* export_statedict.h5 - `for k, v in sae.state_dict().items(): f.create_dataset(k, ...)`
  under sae_<d>/ (names keep their dots: encoder.weight is [F, D], nn.Linear
  orientation), activations under activations/depth_<d>, labels, classifier/.
* export_saelens.h5 - the same cascade with SAELens names: W_enc [d_in, d_sae],
  W_dec [d_sae, d_in], b_enc, b_dec, with d_in, d_sae, activation_fn and
  apply_b_dec_to_input attributes on each group.

`metasae convert` detects both layouts without a mapping file.
Needs: torch, h5py, numpy (no torchvision: MNIST is read from data/mnist).
"""
import argparse
import gzip
import os
import struct

import h5py
import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load_mnist(folder):
    def images(name):
        x = read_idx(os.path.join(folder, name)).reshape(-1, 784).astype(np.float32) / 255.0
        return (x - 0.1307) / 0.3081
    return (images("train-images-idx3-ubyte.gz"), read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz")).astype(np.int64),
            images("t10k-images-idx3-ubyte.gz"), read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))


class SAE(nn.Module):
    """encode(x) = relu(encoder(x)), decode(z) = decoder(z): the fixture's SAE."""

    def __init__(self, d_in, d_sae):
        super().__init__()
        self.encoder = nn.Linear(d_in, d_sae)
        self.decoder = nn.Linear(d_sae, d_in)

    def encode(self, x):
        return torch.relu(self.encoder(x))

    def forward(self, x):
        z = self.encode(x)
        return self.decoder(z), z


def train(model, loss_fn, data, epochs, batch, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        order = torch.randperm(len(data[0]))
        for start in range(0, len(order), batch):
            index = order[start:start + batch]
            opt.zero_grad()
            loss = loss_fn(*[d[index] for d in data])
            loss.backward()
            opt.step()
    return loss.item()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", default="runs/torch-export")
    parser.add_argument("--mnist", default=os.path.join(ROOT, "data", "mnist"))
    parser.add_argument("--depths", type=int, default=5)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--l1", type=float, default=1e-3)
    args = parser.parse_args()
    torch.manual_seed(0)
    os.makedirs(args.out_dir, exist_ok=True)

    x_train, y_train, x_test, y_test = load_mnist(args.mnist)
    x_train, y_train = torch.from_numpy(x_train), torch.from_numpy(y_train)
    x_test = torch.from_numpy(x_test)

    classifier = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    train(classifier, lambda x, y: nn.functional.cross_entropy(classifier(x), y), (x_train, y_train), 2, 128, 1e-3)
    with torch.no_grad():
        accuracy = (classifier(x_test).argmax(1).numpy() == y_test).mean()
        hidden = classifier[:4]  # second hidden layer, after its ReLU
        train_acts, test_acts = hidden(x_train), hidden(x_test)
    print(f"classifier test accuracy {accuracy:.4f}")

    saes, current_train, activations = [], train_acts, [test_acts]
    for depth in range(1, args.depths + 1):
        sae = SAE(current_train.shape[1], args.width)

        def loss_fn(x, sae=sae):
            reconstruction, z = sae(x)
            return ((reconstruction - x) ** 2).mean() + args.l1 * z.abs().sum(1).mean()

        loss = train(sae, loss_fn, (current_train,), 2, 256, 1e-3)
        with torch.no_grad():
            current_train = sae.encode(current_train)
            activations.append(sae.encode(activations[-1]))
        saes.append(sae)
        print(f"depth {depth}: loss {loss:.5f}, mean L0 {(activations[-1] > 0).float().sum(1).mean():.1f}")

    statedict = os.path.join(args.out_dir, "export_statedict.h5")
    with h5py.File(statedict, "w") as f:
        f.attrs["exported_by"] = f"torch {torch.__version__}"
        for depth, acts in enumerate(activations):
            f.create_dataset(f"activations/depth_{depth}", data=acts.numpy(), compression="gzip")
        for depth, sae in enumerate(saes, start=1):
            for key, value in sae.state_dict().items():
                f.create_dataset(f"sae_{depth}/{key}", data=value.numpy())
        for key, value in classifier.state_dict().items():
            f.create_dataset(f"classifier/{key}", data=value.numpy())
        f.create_dataset("labels", data=y_test)

    saelens = os.path.join(args.out_dir, "export_saelens.h5")
    with h5py.File(saelens, "w") as f:
        for depth, acts in enumerate(activations):
            f.create_dataset(f"latents/{depth}", data=acts.numpy())
        for depth, sae in enumerate(saes, start=1):
            group = f.create_group(f"saes/{depth}")
            group.create_dataset("W_enc", data=sae.encoder.weight.detach().numpy().T)
            group.create_dataset("b_enc", data=sae.encoder.bias.detach().numpy())
            group.create_dataset("W_dec", data=sae.decoder.weight.detach().numpy().T)
            group.create_dataset("b_dec", data=sae.decoder.bias.detach().numpy())
            group.attrs.update(d_in=sae.encoder.in_features, d_sae=sae.encoder.out_features,
                               activation_fn="relu", apply_b_dec_to_input=False)
        f.create_dataset("y", data=y_test.astype(np.int32))

    print(f"wrote {statedict} and {saelens}; next:")
    print(f"  metasae convert {statedict} {os.path.join(args.out_dir, 'canonical.h5')}")
    print(f"  metasae analyze {os.path.join(args.out_dir, 'canonical.h5')} --null-seeds 4")


if __name__ == "__main__":
    main()
