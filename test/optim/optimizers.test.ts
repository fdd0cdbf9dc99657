// Fused optimizer kernels vs PyTorch's update rules (3 steps, float64 reference written from
// the documentation) and vs the CPU backend over 100 steps; state dicts; parameter groups.
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import { tensor, zeros } from '../../src/creation.js';
import { Adam, AdamW, type Optimizer, RMSprop, SGD } from '../../src/optim/index.js';
import { Random } from '../../src/random.js';
import { getBackend, setBackend } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, useDevice, withTemporaryBackend } from '../helpers.js';
import { type RefOptions, type RefRule, referenceSteps } from './reference.js';

interface Case {
  name: string;
  rule: RefRule;
  opts: RefOptions;
}

const CASES: Case[] = [
  { name: 'SGD', rule: 'sgd', opts: { lr: 0.1 } },
  { name: 'SGD momentum, dampening, weight decay', rule: 'sgd', opts: { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 } },
  { name: 'SGD Nesterov', rule: 'sgd', opts: { lr: 0.05, momentum: 0.8, nesterov: true } },
  { name: 'RMSprop', rule: 'rmsprop', opts: { lr: 0.01 } },
  { name: 'RMSprop centered, momentum, weight decay', rule: 'rmsprop', opts: { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 0.1, eps: 1e-6 } },
  { name: 'Adam', rule: 'adam', opts: { lr: 0.01 } },
  { name: 'Adam amsgrad, weight decay', rule: 'adam', opts: { lr: 0.01, betas: [0.8, 0.99], amsgrad: true, weightDecay: 0.1 } },
  { name: 'AdamW', rule: 'adamw', opts: { lr: 0.01, weightDecay: 0.1 } },
  { name: 'AdamW amsgrad', rule: 'adamw', opts: { lr: 0.02, amsgrad: true } },
];

function makeOptimizer(c: Case, params: Tensor[]): Optimizer {
  const o = c.opts;
  switch (c.rule) {
    case 'sgd': return new SGD(params, { lr: o.lr, momentum: o.momentum, dampening: o.dampening, nesterov: o.nesterov, weightDecay: o.weightDecay });
    case 'rmsprop': return new RMSprop(params, { lr: o.lr, alpha: o.alpha, eps: o.eps, momentum: o.momentum, centered: o.centered, weightDecay: o.weightDecay });
    case 'adam': return new Adam(params, { lr: o.lr, betas: o.betas, amsgrad: o.amsgrad, weightDecay: o.weightDecay });
    case 'adamw': return new AdamW(params, { lr: o.lr, betas: o.betas, amsgrad: o.amsgrad, weightDecay: o.weightDecay });
  }
}

/** drops undefined options so the optimizers' defaults apply (as omitted keyword arguments) */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** a float32 tensor from numbers (typed data: the upload path every backend shares) */
const f32 = (values: number[]): Tensor => tensor(Float32Array.from(values));

const SIZE = 257; // not a multiple of the workgroup size

function gradients(steps: number, seed: number): Float32Array[] {
  const rng = new Random(seed);
  return Array.from({ length: steps }, () => rng.uniform(SIZE, -1, 1));
}

/** Runs the optimizer for grads.length steps on the active backend; returns the final parameter. */
async function run(c: Case, p0: Float32Array, grads: Float32Array[]): Promise<Float32Array> {
  const p = tensor(p0, [SIZE]).requireGrad();
  const opt = makeOptimizer({ ...c, opts: defined(c.opts) }, [p]);
  for (const g of grads) {
    opt.zeroGrad();
    p.grad = tensor(g, [SIZE]);
    opt.step();
  }
  const out = (await p.data()) as Float32Array;
  opt.zeroGrad();
  opt.dispose();
  p.dispose();
  return Float32Array.from(out);
}


describe.each(devices)('optimizers on %s', (device) => {
  useDevice(device);

  describe.each(CASES)('$name', (c) => {
    it('matches PyTorch\'s update rule for 3 steps', async () => {
      const p0 = new Random(1).uniform(SIZE, -1, 1);
      const grads = gradients(3, 2);
      const want = referenceSteps(c.rule, c.opts, p0, grads);
      for (let steps = 1; steps <= 3; steps++) {
        expectClose(await run(c, p0, grads.slice(0, steps)), want[steps - 1], { rtol: 1e-5, atol: 1e-6 });
      }
    });

    it('matches the CPU backend over 100 steps', async () => {
      const p0 = new Random(3).uniform(SIZE, -1, 1);
      const grads = gradients(100, 4);
      const want = await withTemporaryBackend(createCpuBackend(), () => run(c, p0, grads));
      // atol 1e-5 against parameters of size ~1: float32 rounding differences (WGSL's sqrt and
      // division are not correctly rounded) accumulate over the steps near zero crossings
      expectClose(await run(c, p0, grads), want, { rtol: 1e-5, atol: 1e-5 });
    });
  });

  it('skips parameters without a gradient and honours per-group options', async () => {
    const a = f32([1, 2, 3]).requireGrad();
    const b = f32([4, 5]).requireGrad();
    const c = f32([6]).requireGrad();
    const opt = new SGD([{ params: [a] }, { params: [b, c], lr: 1 }], { lr: 0.1 });
    a.grad = f32([1, 1, 1]);
    b.grad = f32([1, 2]);
    opt.step();
    expectClose(await a.data(), [0.9, 1.9, 2.9]);
    expectClose(await b.data(), [3, 3]);
    expectClose(await c.data(), [6]);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 1]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('rejects tensors that do not require grad and bad hyper-parameters', () => {
    expect(() => new SGD([zeros([2])])).toThrow(/does not require grad/);
    expect(() => new Adam([zeros([2]).requireGrad()], { betas: [1, 0.9] })).toThrow(/invalid betas/);
    expect(() => new SGD([zeros([2]).requireGrad()], { nesterov: true })).toThrow(/Nesterov/);
    expect(() => new SGD([])).toThrow(/empty/);
  });

  it('stateDict / loadStateDict resume the same trajectory', async () => {
    const p0 = new Random(5).uniform(SIZE, -1, 1);
    const grads = gradients(5, 6);
    const c: Case = { name: 'adam', rule: 'adam', opts: { lr: 0.01, amsgrad: true } };
    const straight = await run(c, p0, grads);

    const p = tensor(p0, [SIZE]).requireGrad();
    const first = new Adam([p], { lr: 0.01, amsgrad: true });
    for (const g of grads.slice(0, 3)) {
      p.grad = tensor(g, [SIZE]);
      first.step();
    }
    const saved = first.stateDict();
    expect(saved.paramGroups).toEqual([{ lr: 0.01, weightDecay: 0, betas: [0.9, 0.999], eps: 1e-8, amsgrad: true, params: [0] }]);
    expect(Object.keys(saved.state[0].tensors).sort()).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq']);
    expect(saved.state[0].step).toBe(3);
    const second = new Adam([p], { lr: 0.5 });
    second.loadStateDict(saved);
    first.dispose();
    for (const g of grads.slice(3)) {
      p.grad = tensor(g, [SIZE]);
      second.step();
    }
    expectClose(await p.data(), straight);
    expect(second.paramGroups[0].lr).toBe(0.01);
    second.dispose();
    p.dispose();
  });

  it('loadStateDict refuses a mismatched dict and keeps its state', async () => {
    const p = f32([1, 2]).requireGrad();
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = f32([1, 1]);
    opt.step();
    const good = opt.stateDict();
    const bad = { ...good, state: { 0: { step: 1, tensors: { momentumBuffer: zeros([3]) } } } };
    expect(() => opt.loadStateDict(bad)).toThrow(/state\.0\.momentumBuffer has shape \[3\]/);
    expect(() => opt.loadStateDict({ ...good, paramGroups: [] })).toThrow(/0 parameter groups/);
    expect(() => opt.loadStateDict({ ...good, state: { 0: { step: 1, tensors: {} } } })).toThrow(/momentumBuffer is missing/);
    expectClose(await opt.stateDict().state[0].tensors.momentumBuffer.data(), [1, 1]);
    opt.dispose();
  });
});
