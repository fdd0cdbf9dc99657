#!/usr/bin/env python3
"""A PyTorch replica of `npm run bench -- --model convnetjs`: the same net (conv5x5x16 -> pool ->
conv5x5x20 -> pool -> conv5x5x20 -> pool -> fc10, PyTorch's default init, as webgrad's Conv2d /
Linear), the same per-channel normalisation, the same augmentation (zero-padded random crop of
+-pad px and a horizontal flip, drawn per image), Adam / AdamW / SGD momentum with PyTorch's
OneCycleLR (webgrad's OneCycleLR follows it), one line of JSON per epoch with the test accuracy
on the 10,000 test images and the mean training loss of every 20 logged (every 10th) steps.

Why it exists: an epoch takes ~20 s here against ~16 min for webgrad on SwiftShader, so settings
are searched with it (several seeds each) and only the chosen one is run in webgrad; and its loss
windows are a cross-check of webgrad's training curve (`losses` in the bench JSON). The figures
webgrad reports come from webgrad runs, never from this script.

Needs Debian's python3-torch (`apt-get install -y python3-torch`; not used by the tests or CI):
  /usr/bin/python3 bench/cifar/torch-replica.py --batch 16 --lr 2e-3 --seed 1
"""
import argparse, gzip, json, math, os, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

DATA = os.environ.get('WEBGRAD_DATA', os.path.join(os.path.dirname(__file__), '../../../shared/datasets/cifar10'))


def load(names):
    """records of 1 label byte + 3072 pixel bytes (CHW), from the gzipped official binary files"""
    raw = b''.join(gzip.open(os.path.join(DATA, n)).read() for n in names)
    if len(raw) % 3073: raise ValueError(f'{names}: {len(raw)} bytes is not a whole number of 3073-byte records')
    a = np.frombuffer(raw, np.uint8).reshape(-1, 3073)
    return torch.from_numpy(a[:, 1:].reshape(-1, 3, 32, 32).copy()), torch.from_numpy(a[:, 0].astype(np.int64))


p = argparse.ArgumentParser()
p.add_argument('--opt', default='adam'); p.add_argument('--lr', type=float, default=3e-3)
p.add_argument('--batch', type=int, default=64); p.add_argument('--pad', type=int, default=2)
p.add_argument('--init', default='torch'); p.add_argument('--seed', type=int, default=1)
p.add_argument('--wd', type=float, default=0); p.add_argument('--pct', type=float, default=0.3)
p.add_argument('--div', type=float, default=25); p.add_argument('--noflip', action='store_true')
p.add_argument('--epochs', type=int, default=1); p.add_argument('--width', default='16,20,20')
p.add_argument('--final', type=float, default=1e4)
p.add_argument('--threads', type=int, default=os.cpu_count() or 1, help='torch threads (1 when sharing the cores: oversubscribed OpenMP crawls)')
p.add_argument('--save', help='write the trained net as safetensors under webgrad\'s convnetjs names (bench/cifar/pretrained.ts takes it from there)')
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
xtr, ytr = load([f'data_batch_{i}.bin.gz' for i in range(1, 6)]); xte, yte = load(['test_batch.bin.gz'])
mean = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1); std = torch.tensor([0.247, 0.2435, 0.2616]).view(1, 3, 1, 1)
w = [int(v) for v in a.width.split(',')]
net = nn.Sequential(nn.Conv2d(3, w[0], 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(w[0], w[1], 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(w[1], w[2], 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(w[2] * 16, 10))
if a.init != 'torch':
    for m in net:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            fan = m.weight[0].numel()
            if a.init == 'convnetjs':  # randn * sqrt(1/fanIn); bias 0.1 before a ReLU, 0 for the head
                nn.init.normal_(m.weight, 0, math.sqrt(1 / fan)); nn.init.constant_(m.bias, 0.1 if isinstance(m, nn.Conv2d) else 0)
            elif a.init == 'he':
                nn.init.kaiming_normal_(m.weight, nonlinearity='relu'); nn.init.zeros_(m.bias)
# whole batches only, as webgrad's DataLoader (dropLast) in the bench
steps = a.epochs * (50000 // a.batch)
if a.opt == 'adam': opt = torch.optim.Adam(net.parameters(), lr=a.lr, weight_decay=a.wd)
elif a.opt == 'adamw': opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=a.wd)
else: opt = torch.optim.SGD(net.parameters(), lr=a.lr, momentum=0.9, weight_decay=a.wd)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=steps, pct_start=a.pct, div_factor=a.div, final_div_factor=a.final)
def augment(x):
    n = x.shape[0]
    if a.pad:
        xp = F.pad(x, (a.pad,) * 4)
        dy = torch.randint(0, 2 * a.pad + 1, (n,)); dx = torch.randint(0, 2 * a.pad + 1, (n,))
        x = torch.stack([xp[i, :, dy[i]:dy[i] + 32, dx[i]:dx[i] + 32] for i in range(n)])
    if not a.noflip:
        f = torch.rand(n) < 0.5; x[f] = x[f].flip(3)
    return x
t0 = time.time()
losses = []
step = 0
for ep in range(a.epochs):
    perm = torch.randperm(50000)
    net.train()
    for s in range(0, 50000 - a.batch + 1, a.batch):
        idx = perm[s:s + a.batch]
        x = augment(xtr[idx].float() / 255); x = (x - mean) / std
        loss = F.cross_entropy(net(x), ytr[idx])
        opt.zero_grad(); loss.backward(); opt.step(); sched.step(); step += 1
        if step % 10 == 0: losses.append(loss.item())
    with torch.no_grad():
        acc = sum((net(((xte[i:i+1000].float() / 255) - mean) / std).argmax(1) == yte[i:i+1000]).sum().item() for i in range(0, 10000, 1000)) / 100
    print(json.dumps({**vars(a), 'epoch': ep + 1, 'acc': acc, 'win': [round(sum(losses[i:i+20])/len(losses[i:i+20]),3) for i in range(0, len(losses), 20)], 'sec': round(time.time() - t0)}), flush=True)
if a.save:
    # webgrad's convnetjs Sequential fuses each ReLU into its conv, so its indices skip the ReLUs
    import sys; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from airbench_torch import write_safetensors
    names = {0: '0', 3: '2', 6: '4', 10: '7'}
    state = {f'{names[int(k.split(".")[0])]}.{k.split(".")[1]}': v for k, v in net.state_dict().items()}
    write_safetensors(a.save, state, {'trainedWith': 'PyTorch ' + torch.__version__ + ', bench/cifar/torch-replica.py',
                                      'args': json.dumps(vars(a)), 'torchTestAccuracy': str(acc), 'seconds': str(round(time.time() - t0))})
    print(f'wrote {a.save}', flush=True)

