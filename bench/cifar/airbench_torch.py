#!/usr/bin/python3
"""PyTorch replica of webgrad's `airbench` model and recipe (demo/src/airbench-net.ts,
demo/src/airbench-recipe.ts; airbench94_muon.py at KellerJordan/cifar10-airbench commit 096d14d,
with webgrad's documented deviations: tanh GELU, float32 Newton-Schulz), and the safetensors and
augmentation helpers that bench/cifar/parity_torch.py (the 50-step PyTorch parity of airbench,
convnetjs, mlp and vgg-bn) replays webgrad's runs with.

  /usr/bin/python3 bench/cifar/airbench_torch.py train --data DIR [--seeds 1] [--threads N] [--checkpoint FILE]
      trains the full-width replica on CIFAR-10 (data_batch_*.bin / test_batch.bin, optionally
      gzip'd) for the recipe's 8 epochs with its own seeded draws and reports the TTA test accuracy
      and the time. 15-37 minutes an epoch on a shared 2-core machine (seed 0: 94.10% in 3.6 h):
      run it in the background with --checkpoint, which saves the state after every epoch and
      resumes from it when the same command is started again.

Needs Debian's python3-torch (1.13) only: safetensors are read and written here by hand.
"""
import gzip
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

# ---- safetensors (F32 / I32 only) -------------------------------------------------------------

DTYPES = {"F32": (torch.float32, 4), "I32": (torch.int32, 4)}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = raw[8 + n:]
    out = {}
    for name, info in header.items():
        dtype, _ = DTYPES[info["dtype"]]
        a, b = info["data_offsets"]
        t = torch.frombuffer(bytearray(body[a:b]), dtype=dtype) if b > a else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"]).clone()
    return out, meta


def write_safetensors(path, tensors, meta):
    header = {"__metadata__": meta}
    chunks, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        if t.dtype.is_floating_point:
            t, code = t.float(), "F32"
        else:
            t, code = t.int(), "I32"  # PyTorch's int64 counters (num_batches_tracked) as webgrad's int32
        data = t.numpy().tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))

# ---- the network ---------------------------------------------------------------------------------


class ConvGroup(nn.Module):
    def __init__(self, cin, cout, bn_momentum, bn_eps):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.norm1 = nn.BatchNorm2d(cout, eps=bn_eps, momentum=bn_momentum)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.norm2 = nn.BatchNorm2d(cout, eps=bn_eps, momentum=bn_momentum)
        self.norm1.weight.requires_grad = False
        self.norm2.weight.requires_grad = False
        self.act = nn.GELU(approximate="tanh")  # webgrad's GELU

    def forward(self, x):
        x = self.act(self.norm1(F.max_pool2d(self.conv1(x), 2)))
        return self.act(self.norm2(self.conv2(x)))


class Net(nn.Module):
    def __init__(self, widths, bn_momentum=0.4, bn_eps=1e-12):
        super().__init__()
        self.whiten = nn.Conv2d(3, 24, 2, bias=True)
        self.whiten.weight.requires_grad = False
        c = [24, widths["block1"], widths["block2"], widths["block3"]]
        self.group1 = ConvGroup(c[0], c[1], bn_momentum, bn_eps)
        self.group2 = ConvGroup(c[1], c[2], bn_momentum, bn_eps)
        self.group3 = ConvGroup(c[2], c[3], bn_momentum, bn_eps)
        self.head = nn.Linear(c[3], 10, bias=False)
        self.act = nn.GELU(approximate="tanh")

    def forward(self, x, whiten_bias_grad=True):
        b = self.whiten.bias if whiten_bias_grad else self.whiten.bias.detach()
        x = self.act(F.conv2d(x, self.whiten.weight, b))
        x = self.group3(self.group2(self.group1(x)))
        x = F.max_pool2d(x, 3).flatten(1)
        return self.head(x) / x.size(-1)


# ---- Muon (webgrad's wg.optim.Muon with airbench's options) ---------------------------------------


def newton_schulz(g, steps, eps=1e-7):
    a, b, c = (3.4445, -4.7750, 2.0315)
    x = g / (g.norm() + eps)
    tall = g.size(0) > g.size(1)
    if tall:
        x = x.T
    for _ in range(steps):
        A = x @ x.T
        B = b * A + c * (A @ A)
        x = a * x + B @ x
    return x.T if tall else x


class Muon:
    def __init__(self, params, lr, momentum, nesterov, ns_steps, normalize_weights):
        self.params, self.lr, self.beta = list(params), lr, momentum
        self.nesterov, self.ns_steps, self.normalize = nesterov, ns_steps, normalize_weights
        self.initial_lr = lr
        self.buf = {}

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad
            m = self.buf.setdefault(p, torch.zeros_like(p))
            m.mul_(self.beta).add_(g, alpha=1 - self.beta)
            u = g.mul(1 - self.beta).add(m, alpha=self.beta) if self.nesterov else m
            rows = p.size(0)
            cols = p.numel() // rows
            x = newton_schulz(u.reshape(rows, cols), self.ns_steps).view(p.shape)
            if self.normalize:
                p.mul_(math.sqrt(rows) / p.norm())
            p.add_(x, alpha=-self.lr * math.sqrt(max(1, rows / cols)))

# ---- data and augmentation -------------------------------------------------------------------------


def shift_flip(images_u8, params, padding="reflect"):
    """webgrad's augmentImages before normalisation, pixels as floats 0..255: out(y, x) =
    src(y + dy, (flip ? W-1-x : x) + dx), sources outside the image reflected about the edge
    pixel (padding "reflect", airbench's F.pad(..., "reflect")) or black (padding "zeros",
    torchvision's RandomCrop: 0 before normalisation)"""
    n, c, h, w = images_u8.shape
    x = images_u8.float()
    out = torch.empty_like(x)
    for i in range(n):
        dy, dx, flip = (int(v) for v in params[i])
        img = x[i].flip(-1) if flip else x[i]
        # flipping first then shifting by dx reads src column (W-1-x)+dx: shift the flipped image by -dx
        sx = -dx if flip else dx
        r = max(abs(dy), abs(sx), 1)
        padded = F.pad(img[None], (r, r, r, r), mode="reflect" if padding == "reflect" else "constant")[0]
        out[i] = padded[:, r + dy:r + dy + h, r + sx:r + sx + w]
    return out


def augment(images_u8, params, mean, std, padding="reflect"):
    """shift_flip, then scaled to [0, 1] and normalised"""
    return (shift_flip(images_u8, params, padding) / 255 - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)


def make_optimizers(net, batch, recipe):
    wd = recipe["weightDecayPerImage"] * batch
    bias_lr, head_lr = recipe["biasLr"], recipe["headLr"]
    norm_biases = [p for n, p in net.named_parameters() if "norm" in n and p.requires_grad]
    filters = [p for n, p in net.named_parameters() if p.ndim == 4 and p.requires_grad]
    sgd = torch.optim.SGD([
        dict(params=[net.whiten.bias], lr=bias_lr, weight_decay=wd / bias_lr),
        dict(params=norm_biases, lr=bias_lr, weight_decay=wd / bias_lr),
        dict(params=[net.head.weight], lr=head_lr, weight_decay=wd / head_lr),
    ], momentum=recipe["sgdMomentum"], nesterov=True)
    for g in sgd.param_groups:
        g["initial_lr"] = g["lr"]
    muon = Muon(filters, recipe["muonLr"], recipe["muonMomentum"], True, recipe["nsSteps"], True)
    return sgd, muon


def set_lrs(sgd, muon, step, total, whiten_steps):
    sgd.param_groups[0]["lr"] = sgd.param_groups[0]["initial_lr"] * max(0.0, 1 - step / whiten_steps)
    for g in sgd.param_groups[1:]:
        g["lr"] = g["initial_lr"] * max(0.0, 1 - step / total)
    muon.lr = muon.initial_lr * max(0.0, 1 - step / total)


def train_step(net, sgd, muon, x, y, step, total, whiten_steps, smoothing):
    out = net(x, whiten_bias_grad=step < whiten_steps)
    loss = F.cross_entropy(out, y, label_smoothing=smoothing, reduction="sum")
    loss.backward()
    set_lrs(sgd, muon, step, total, whiten_steps)
    sgd.step()
    muon.step()
    net.zero_grad(set_to_none=True)
    return loss.item()

# ---- modes -----------------------------------------------------------------------------------------


def read_cifar(path, files):
    xs, ys = [], []
    for name in files:
        full = os.path.join(path, name)
        opener = gzip.open if not os.path.exists(full) else open
        with opener(full if os.path.exists(full) else full + ".gz", "rb") as f:
            raw = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).reshape(-1, 3073)
        ys.append(raw[:, 0].long())
        xs.append(raw[:, 1:].reshape(-1, 3, 32, 32))
    return torch.cat(xs), torch.cat(ys)


def save_checkpoint(path, state):
    """torch.save to a temporary file, then an atomic rename: a kill mid-write keeps the last epoch's"""
    tmp = f"{path}.tmp-{os.getpid()}"
    torch.save(state, tmp)
    os.replace(tmp, path)


def train(argv):
    args = dict(zip(argv[::2], argv[1::2]))
    torch.set_num_threads(int(args.get("--threads", os.cpu_count() or 1)))
    recipe = dict(batchSize=2000, epochs=8, whitenBiasEpochs=3, biasLr=0.053, headLr=0.67, weightDecayPerImage=2e-6,
                  sgdMomentum=0.85, muonLr=0.24, muonMomentum=0.6, nsSteps=3, labelSmoothing=0.2, translate=2)
    mean, std = [0.4914, 0.4822, 0.4465], [0.247, 0.2435, 0.2616]
    train_x, train_y = read_cifar(args["--data"], [f"data_batch_{i}.bin" for i in range(1, 6)])
    test_x, test_y = read_cifar(args["--data"], ["test_batch.bin"])
    norm = lambda u8: (u8.float() / 255 - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)
    # --checkpoint FILE: the run's state after every epoch (and each seed's result); started again
    # with the same FILE, it goes on from there, so a run longer than one sitting still finishes
    ckpt_path = args.get("--checkpoint")
    ckpt = torch.load(ckpt_path) if ckpt_path and os.path.exists(ckpt_path) else None
    results = ckpt["results"] if ckpt else []
    for r in results:
        print(f"seed {r['seed']}: TTA test accuracy {100 * r['accuracy']:.2f}% in {r['seconds']:.0f} s (from {ckpt_path})", flush=True)
    for seed in range(len(results), int(args.get("--seeds", 1))):
        torch.manual_seed(seed)
        started = time.time()
        net = Net(dict(block1=64, block2=256, block3=256))
        init_airbench(net, norm(train_x[:5000]))
        batch, per_epoch = recipe["batchSize"], len(train_x) // recipe["batchSize"]
        total, whiten_steps = per_epoch * recipe["epochs"], per_epoch * recipe["whitenBiasEpochs"]
        sgd, muon = make_optimizers(net, batch, recipe)
        base_flip = torch.rand(len(train_x)) < 0.5
        step, first_epoch = 0, 0
        if ckpt and ckpt.get("seed") == seed:
            net.load_state_dict(ckpt["net"])
            sgd.load_state_dict(ckpt["sgd"])
            muon.buf = {p: b for p, b in zip(muon.params, ckpt["muon"]) if b is not None}
            base_flip, step, first_epoch = ckpt["base_flip"], ckpt["step"], ckpt["epoch"]
            torch.set_rng_state(ckpt["rng"])
            started -= ckpt["seconds"]
            print(f"seed {seed}: resumed after epoch {first_epoch} ({ckpt['seconds']:.0f} s so far) from {ckpt_path}", flush=True)
        for epoch in range(first_epoch, recipe["epochs"]):
            net.train()
            order = torch.randperm(len(train_x))
            for b in range(per_epoch):
                idx = order[b * batch:(b + 1) * batch]
                shifts = torch.randint(-2, 3, (len(idx), 2))
                flips = (base_flip[idx] ^ bool(epoch % 2)).int()
                params = torch.cat([shifts, flips[:, None]], 1)
                loss = train_step(net, sgd, muon, augment(train_x[idx], params, mean, std), train_y[idx], step, total, whiten_steps, recipe["labelSmoothing"])
                step += 1
            print(f"seed {seed} epoch {epoch + 1}: last loss {loss:.3f}, {time.time() - started:.0f} s", flush=True)
            if ckpt_path:
                save_checkpoint(ckpt_path, dict(results=results, seed=seed, epoch=epoch + 1, step=step, net=net.state_dict(), sgd=sgd.state_dict(),
                                                muon=[muon.buf.get(p) for p in muon.params], base_flip=base_flip, rng=torch.get_rng_state(),
                                                seconds=time.time() - started))
        acc = evaluate_tta(net, test_x, test_y, mean, std)
        print(f"seed {seed}: TTA test accuracy {100 * acc:.2f}% in {time.time() - started:.0f} s", flush=True)
        results.append(dict(seed=seed, accuracy=acc, seconds=time.time() - started))
        if ckpt_path:
            save_checkpoint(ckpt_path, dict(results=results))
        ckpt = None


def init_airbench(net, images):
    """airbench's reset (dirac convs, unit-std head) and init_whiten (PCA of 2x2 patches)"""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.Conv2d) and m is not net.whiten:
                nn.init.dirac_(m.weight[:m.weight.size(1)])
        net.head.weight.mul_(1 / net.head.weight.std())
        patches = images.unfold(2, 2, 1).unfold(3, 2, 1).transpose(1, 3).reshape(-1, 3, 2, 2).float()
        flat = patches.view(len(patches), -1)
        cov = (flat.T @ flat) / len(flat)
        vals, vecs = torch.linalg.eigh(cov, UPLO="U")
        scaled = vecs.T.reshape(-1, 3, 2, 2) / torch.sqrt(vals.view(-1, 1, 1, 1) + 5e-4)
        net.whiten.weight.copy_(torch.cat((scaled, -scaled)))


@torch.no_grad()
def evaluate_tta(net, x, y, mean, std):
    net.eval()
    correct = 0
    views = [(0, 0, 0, 0.25), (0, 0, 1, 0.25), (-1, -1, 0, 0.125), (-1, -1, 1, 0.125), (1, 1, 0, 0.125), (1, 1, 1, 0.125)]
    for s in range(0, len(x), 500):
        xb = x[s:s + 500]
        logits = sum(w * net(augment(xb, torch.tensor([[dy, dx, f]] * len(xb)), mean, std)) for dy, dx, f, w in views)
        correct += (logits.argmax(1) == y[s:s + 500]).sum().item()
    return correct / len(x)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "train":
        print(__doc__)
        sys.exit(2)
    train(sys.argv[2:])
