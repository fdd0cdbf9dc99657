// The optimizers' flat arenas: a group's parameters, gradients and state live in one storage
// each, so one step of a group is one kernel (optimizerStep) call; parameters of odd sizes,
// parameters without a gradient on some steps (their step counts diverge), parameters whose
// storage a model's loadStateDict replaced, and no leaked memory.
import { describe, expect, it, vi } from 'vitest';
import { tensor } from '../../src/creation.js';
import { Adam, SGD } from '../../src/optim/index.js';
import { Random } from '../../src/random.js';
import { getBackend } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, useDevice } from '../helpers.js';
import { referenceSteps } from './reference.js';

const SIZES = [1, 63, 64, 65, 257, 15]; // around the 64-element slot alignment and the vec4 unit

describe.each(devices)('flat optimizer arenas on %s', (device) => {
  useDevice(device);

  it('one kernel call per group per step, matching the per-tensor reference (some steps skip a parameter)', async () => {
    const rng = new Random(11);
    const p0 = SIZES.map((n) => rng.uniform(n, -1, 1));
    const steps = 4;
    // parameter 2 has no gradient on step 2: from then on its step count differs from the others
    const grads = SIZES.map((n, i) => Array.from({ length: steps }, (_, s) => (i === 2 && s === 1 ? null : rng.uniform(n, -1, 1))));
    const params = p0.map((d) => tensor(d).requireGrad());
    const opts = { lr: 0.01, betas: [0.9, 0.99] as [number, number], weightDecay: 0.05 };
    const opt = new Adam(params, opts);
    const spy = vi.spyOn(getBackend(), 'optimizerStep');
    const calls: number[] = [];
    for (let s = 0; s < steps; s++) {
      opt.zeroGrad();
      params.forEach((p, i) => { const g = grads[i][s]; if (g) p.grad = tensor(g); });
      const before = spy.mock.calls.length;
      opt.step();
      calls.push(spy.mock.calls.length - before);
    }
    spy.mockRestore();
    // fused while every parameter steps together; one call per parameter once they diverge
    expect(calls).toEqual([1, SIZES.length - 1, SIZES.length, SIZES.length]);
    for (let i = 0; i < SIZES.length; i++) {
      const own = grads[i].filter((g): g is Float32Array => g !== null);
      const want = referenceSteps('adam', opts, p0[i], own);
      expectClose(await params[i].data(), want[own.length - 1], { rtol: 1e-5, atol: 1e-6 });
    }
    opt.zeroGrad();
    opt.dispose();
    for (const p of params) p.dispose();
  });

  it('one dispatch per step for a multi-tensor model on WebGPU (plus buffer copies, not kernels)', async () => {
    if (device !== 'webgpu') return;
    const params = SIZES.map((n) => tensor(new Random(n).uniform(n, -1, 1)).requireGrad());
    const opt = new SGD(params, { lr: 0.1, momentum: 0.9 });
    const be = getBackend();
    for (let s = 0; s < 3; s++) {
      opt.zeroGrad();
      for (const p of params) p.grad = tensor(new Random(s).uniform(p.size, -1, 1));
      await be.flush();
      const before = be.stats().dispatches;
      opt.step();
      await be.flush();
      // the first step also zero-fills the three new arenas (params, grads, momentum)
      expect(be.stats().dispatches - before).toBe(s === 0 ? 4 : 1);
    }
    opt.zeroGrad();
    opt.dispose();
    for (const p of params) p.dispose();
  });

  it('a parameter whose storage was replaced (model.loadStateDict) is copied back into its slot', async () => {
    const p = tensor(Float32Array.from([1, 2, 3])).requireGrad();
    const opt = new SGD([p], { lr: 0.5 });
    p.grad = tensor(Float32Array.from([1, 1, 1]));
    opt.step(); // [0.5, 1.5, 2.5], p now lives in the arena
    p.assign(tensor(Float32Array.from([10, 20, 30]))); // what Module.loadStateDict does
    opt.zeroGrad();
    p.grad = tensor(Float32Array.from([2, 2, 2]));
    opt.step();
    expectClose(await p.data(), [9, 19, 29]);
    opt.zeroGrad();
    opt.dispose();
    expectClose(await p.data(), [9, 19, 29]); // the parameter outlives the optimizer's arenas
    p.dispose();
  });

  it('frees everything: parameters, gradients, arenas and state', async () => {
    const be = getBackend();
    await be.flush();
    const base = be.stats();
    const params: Tensor[] = SIZES.map((n) => tensor(new Random(n).uniform(n, -1, 1)).requireGrad());
    const opt = new Adam(params, { amsgrad: true });
    for (let s = 0; s < 3; s++) {
      opt.zeroGrad();
      for (const p of params) p.grad = tensor(new Random(s).uniform(p.size, -1, 1));
      opt.step();
    }
    await be.flush();
    // state arenas exist: 3 state arenas + params + grads
    expect(be.stats().liveBytes).toBeGreaterThan(base.liveBytes);
    opt.zeroGrad();
    opt.dispose();
    for (const p of params) p.dispose();
    await be.flush();
    expect(be.stats().liveBytes).toBe(base.liveBytes);
    expect(be.stats().liveStorages).toBe(base.liveStorages);
  });
});
