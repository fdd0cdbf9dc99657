// Rows 3 and 4 of issue 14: backward a second time through a freed graph, and backward after
// an in-place change (optimizer.step(), assign()) of a tensor the forward pass saved, are
// errors raised before any gradient is accumulated (as PyTorch). retainGraph allows a second
// backward; leaf gradients still accumulate across tidy scopes (micro-batches).
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { SGD } from '../../src/optim/index.js';
import { tidy } from '../../src/runtime.js';
import { devices, expectClose, useDevice } from '../helpers.js';

const FREED = /trying to backward through the graph a second time.*\{ retainGraph: true \}/;
const MODIFIED = /modified in place: Tensor\(float32 tensor \[2,2\], requiresGrad\) \(input 2 of matmul\) changed after the forward pass/;

describe.each(devices)('autograd guards on %s', (device) => {
  useDevice(device);

  it('loss.backward() twice is an error and leaves .grad as after the first', async () => {
    const w = tensor([1, 2, 3], [3], { requiresGrad: true });
    const loss = w.mul(w).sum();
    loss.backward();
    expect(() => loss.backward()).toThrow(FREED);
    expect(Array.from(await w.grad!.data())).toEqual([2, 4, 6]);
    // a new graph over the freed part is refused too (the freed part would contribute nothing)
    const y = w.mul(2);
    const z = y.sum();
    z.backward();
    expect(() => y.mul(3).sum().backward()).toThrow(/graph behind Tensor\(float32 tensor \[3\], requiresGrad\) \(made by mulScalar\) was freed/);
    expect(Array.from(await w.grad!.data())).toEqual([4, 6, 8]);
    for (const t of [w, loss, y, z]) t.dispose();
  });

  it('backward({ retainGraph: true }) allows a second backward, which accumulates', async () => {
    const w = tensor([1, -2], [2], { requiresGrad: true });
    const loss = w.mul(w).sum();
    loss.backward({ retainGraph: true });
    loss.backward();
    expect(Array.from(await w.grad!.data())).toEqual([4, -8]);
    expect(() => loss.backward()).toThrow(FREED);
    w.dispose();
    loss.dispose();
  });

  it('optimizer.step() between forward and backward is an error naming the tensor', async () => {
    const w = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
    const x = tensor([[1, 0], [0, 1]]);
    const opt = new SGD([w], { lr: 0.1 });
    // a first step so the optimizer owns w (moved into its arena)
    x.matmul(w).sum().backward();
    opt.step();
    opt.zeroGrad();
    const loss = x.matmul(w).sum();
    opt.step(); // no gradients: a no-op, must not count as a change
    w.grad = null;
    const before = Array.from(await w.data());
    x.matmul(w).sum().backward(); // gives w a gradient, then steps between a forward and its backward
    opt.step();
    expect(() => loss.backward()).toThrow(MODIFIED);
    expect(Array.from(await w.data())).not.toEqual(before);
    // nothing was accumulated by the refused backward
    expectClose(await w.grad!.data(), [1, 1, 1, 1]);
    for (const t of [w, x, loss]) t.dispose();
  });

  it('assign() between forward and backward is an error; a fresh forward works', async () => {
    const w = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
    const x = tensor([[2, 0], [0, 2]]);
    const loss = x.matmul(w).sum();
    w.assign(tensor([[0, 0], [0, 0]]));
    expect(() => loss.backward()).toThrow(MODIFIED);
    expect(w.grad).toBeNull();
    x.matmul(w).sum().backward();
    expectClose(await w.grad!.data(), [2, 2, 2, 2]);
    for (const t of [w, x, loss]) t.dispose();
  });

  it('leaf gradients accumulate across tidy scopes (micro-batch accumulation)', async () => {
    const w = tensor([0.5, -1], [2], { requiresGrad: true });
    for (const scale of [1, 2, 3]) tidy(() => w.mul(scale).sum().backward());
    expectClose(await w.grad!.data(), [6, 6]);
    w.dispose();
  });
});
