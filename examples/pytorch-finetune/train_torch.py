#!/usr/bin/python3
"""Trains the MLP that examples/pytorch-finetune/finetune.ts loads into webgrad and fine-tunes.

  /usr/bin/python3 train_torch.py [--out model.safetensors]
      trains nn.Sequential(Linear(2, 32), BatchNorm1d(32), ReLU, Linear(32, 32), ReLU, Linear(32, 3))
      on cs231n's 3-arm spiral (generated here, seeded: nothing is downloaded) and saves its
      state_dict() as safetensors, with metadata: this command, the seed, the train and test
      accuracy, torch's version, and a few probe inputs with the model's outputs on them (eval
      mode), which finetune.ts compares with webgrad's.

  /usr/bin/python3 train_torch.py --check finetuned.safetensors
      loads the weights finetune.ts saved back into the same nn.Sequential with
      load_state_dict(strict=True) and prints their accuracy on the rotated spiral it was
      fine-tuned on (exits 1 below 90%).

Needs only PyTorch (Debian's python3-torch 1.13 does). With the `safetensors` package installed,
safetensors.torch.save_file / load_file are used; without it, the few lines below read and write
the format (8-byte little-endian header length, JSON header, raw little-endian data).
"""
import argparse
import json
import math
import os
import struct
import sys

import torch
from torch import nn

SEED = 0
ROTATION = 1.0  # radians: the fine-tuning task is the same spiral turned by this angle (finetune.ts)
PROBES = [[0.0, 0.0], [0.5, 0.5], [-0.3, 0.8], [0.9, -0.1], [-0.6, -0.6], [0.2, -0.7]]

try:
    from safetensors.torch import load_file, save_file
except ImportError:
    CODES = {torch.float32: "F32", torch.int64: "I64"}

    def save_file(tensors, path, metadata=None):
        header, chunks, offset = {"__metadata__": metadata or {}}, [], 0
        for name, t in sorted(tensors.items()):
            data = t.detach().contiguous().numpy().tobytes()
            header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
            chunks.append(data)
            offset += len(data)
        h = json.dumps(header, separators=(",", ":")).encode()
        h += b" " * (-len(h) % 8)
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))

    def load_file(path):
        with open(path, "rb") as f:
            raw = f.read()
        (n,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8:8 + n])
        header.pop("__metadata__", None)
        dtypes = {code: dtype for dtype, code in CODES.items()}
        out = {}
        for name, info in header.items():
            a, b = info["data_offsets"]
            t = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=dtypes[info["dtype"]])
            out[name] = t.reshape(info["shape"])
        return out


def make_model():
    return nn.Sequential(nn.Linear(2, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3))


def spiral(points_per_class, generator, rotation=0.0, classes=3, noise=0.2):
    """cs231n's spiral, as wg.classic.spiral: arm j at radii [0, 1], angles 4j + 4r + noise."""
    r = torch.linspace(0, 1, points_per_class).repeat(classes)
    labels = torch.arange(classes).repeat_interleave(points_per_class)
    t = 4 * labels + 4 * r + noise * torch.randn(len(r), generator=generator) + rotation
    return torch.stack((r * torch.sin(t), r * torch.cos(t)), 1), labels


@torch.no_grad()
def accuracy(model, x, y):
    model.eval()
    return (model(x).argmax(1) == y).float().mean().item()


def train(out):
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    x, y = spiral(200, g)
    x_test, y_test = spiral(100, g)
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(600):
        model.train()
        perm = torch.randperm(len(x), generator=g)
        for s in range(0, len(x), 100):
            idx = perm[s:s + 100]
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    train_acc, test_acc = accuracy(model, x, y), accuracy(model, x_test, y_test)
    with torch.no_grad():
        probe_out = model(torch.tensor(PROBES))
    meta = {
        "script": "examples/pytorch-finetune/train_torch.py",
        "command": "/usr/bin/python3 examples/pytorch-finetune/train_torch.py",
        "seed": str(SEED),
        "torch": torch.__version__,
        "task": "3-arm spiral (cs231n), 200 points per class, noise 0.2",
        "trainAccuracy": f"{100 * train_acc:.1f}",
        "testAccuracy": f"{100 * test_acc:.1f}",
        "probeInputs": json.dumps(PROBES),
        "probeOutputs": json.dumps(probe_out.tolist()),
    }
    save_file(model.state_dict(), out, metadata=meta)
    print(f"train accuracy {meta['trainAccuracy']}%, test accuracy {meta['testAccuracy']}%: wrote {out}")


def check(path):
    model = make_model()
    model.load_state_dict(load_file(path), strict=True)
    x, y = spiral(100, torch.Generator().manual_seed(SEED + 1), rotation=ROTATION)
    acc = accuracy(model, x, y)
    print(f"{path} loads strictly into the PyTorch model; accuracy on the rotated spiral {100 * acc:.1f}%")
    return acc >= 0.9


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.safetensors"))
    p.add_argument("--check", metavar="FILE", help="load a fine-tuned file strictly and evaluate it")
    a = p.parse_args()
    if a.check:
        sys.exit(0 if check(a.check) else 1)
    train(a.out)
