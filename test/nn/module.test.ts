// Module: names, traversal, modes, state dicts (strict errors leave the model untouched),
// printing, initialisers, and the layers' forward against functional.
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { Dropout, ELU, Flatten, GELU, LeakyReLU, Linear, Maxout, Module, ReLU, Sequential, Sigmoid, Tanh, init } from '../../src/nn/index.js';
import { Random } from '../../src/random.js';
import { tidy } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, REDUCTION, useDevice } from '../helpers.js';

const f32 = (n: number, seed: number, shape: number[]): Tensor => tensor(new Random(seed).uniform(n, -1, 1), shape);

/** a module with a buffer and a nested child, as a conv engineer's BatchNorm-like layer would be */
class WithBuffer extends Module {
  readonly scale = this.registerParameter('scale', tensor(new Float32Array([1, 2])));
  readonly running = this.registerBuffer('runningMean', tensor(new Float32Array([0, 0])));
  readonly inner = this.registerModule('inner', new Linear(2, 2, { seed: 3 }));
  override forward(x: Tensor): Tensor {
    return this.inner.forward(x.mul(this.scale));
  }
}

describe.each(devices)('nn.Module on %s', (device) => {
  useDevice(device);

  it('names parameters as PyTorch (dotted, in registration order) and counts them', () => {
    const model = new Sequential(new Linear(4, 3, { seed: 1 }), new ReLU(), new Linear(3, 2, { bias: false, seed: 2 }));
    expect(model.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['0.weight', [3, 4]], ['0.bias', [3]], ['2.weight', [2, 3]]]);
    expect(model.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(model.children().length).toBe(3);
    expect(model.parameterCount()).toBe(12 + 3 + 6);
    const nested = new WithBuffer();
    expect(Object.keys(nested.stateDict())).toEqual(['scale', 'inner.weight', 'inner.bias', 'runningMean']);
    expect(nested.namedBuffers().map(([n]) => n)).toEqual(['runningMean']);
    model.dispose();
    nested.dispose();
  });

  it('toString prints the architecture with parameter counts', () => {
    const model = new Sequential(new Flatten(), new Linear(784, 128, { seed: 1 }), new LeakyReLU(0.1), new Linear(128, 10, { seed: 2 }));
    expect(model.toString()).toBe([
      'Sequential(',
      '  (0): Flatten(startDim=1, endDim=-1)',
      '  (1): Linear(in=784, out=128, bias=true)  # 100,480 params',
      '  (2): LeakyReLU(negativeSlope=0.1)',
      '  (3): Linear(in=128, out=10, bias=true)  # 1,290 params',
      ')',
      'Total parameters: 101,770',
    ].join('\n'));
    model.dispose();
  });

  it('train() / eval() set the mode recursively; Dropout is the identity in eval', async () => {
    const model = new Sequential(new Dropout(0.5), new Sequential(new ReLU()));
    expect(model.eval().training).toBe(false);
    expect(model.at(1).children()[0].training).toBe(false);
    const x = f32(64, 1, [8, 8]);
    expectClose(await model.forward(x).data(), Array.from(await x.relu().data()));
    model.train();
    const y = await model.forward(tensor(new Float32Array(1000).fill(1), [1000])).data();
    const kept = Array.from(y).filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 2) < 1e-6)).toBe(true);
    expect(kept.length).toBeGreaterThan(400);
    expect(kept.length).toBeLessThan(600);
  });

  it('Linear matches x·Wᵀ + b, is seeded, and initialises as torch.nn.Linear', async () => {
    const a = new Linear(33, 7, { seed: 9 });
    const b = new Linear(33, 7, { seed: 9 });
    const w = await a.weight.data();
    expect(Array.from(w)).toEqual(Array.from(await b.weight.data()));
    const bound = 1 / Math.sqrt(33);
    expect(Math.max(...Array.from(w).map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(w).map(Math.abs))).toBeGreaterThan(0.9 * bound);
    const x = f32(5 * 33, 2, [5, 33]);
    const want = tidy(() => x.matmul(a.weight.T).add(a.bias!));
    expectClose(await a.forward(x).data(), await want.data(), REDUCTION);
    a.dispose();
    b.dispose();
  });

  it('activation modules apply their functional', async () => {
    const x = f32(24, 4, [2, 12]);
    const pairs: [Module, (t: Tensor) => Tensor][] = [
      [new ReLU(), (t) => t.relu()], [new LeakyReLU(0.2), (t) => t.leakyRelu(0.2)], [new ELU(0.5), (t) => t.elu(0.5)],
      [new Sigmoid(), (t) => t.sigmoid()], [new Tanh(), (t) => t.tanh()], [new GELU(), (t) => t.gelu()],
      [new Maxout(3), (t) => t.reshape([2, 4, 3]).max(2)],
    ];
    for (const [m, fn] of pairs) expectClose(await m.forward(x).data(), await fn(x).data());
  });

  it('loadStateDict copies values and reports every problem without touching the model', async () => {
    const src = new WithBuffer();
    const dst = new WithBuffer();
    const before = await dst.inner.weight.data();
    const dict = { ...src.stateDict() };
    const bad = { ...dict, extra: tensor(new Float32Array(1)), 'inner.bias': tensor(new Float32Array(3)) } as Record<string, Tensor>;
    delete bad.scale;
    expect(() => dst.loadStateDict(bad)).toThrow(
      /WithBuffer\.loadStateDict: missing keys: scale; unexpected keys: extra; inner\.bias: shape \[3\] float32 in the dict, \[2\] float32 in the model/,
    );
    expect(Array.from(await dst.inner.weight.data())).toEqual(Array.from(before));
    // non-strict: extra/missing keys are reported, shapes still checked
    const partial = { 'inner.weight': dict['inner.weight'], extra: tensor(new Float32Array(1)) };
    expect(dst.loadStateDict(partial, { strict: false })).toEqual({ missingKeys: ['scale', 'inner.bias', 'runningMean'], unexpectedKeys: ['extra'] });
    expect(Array.from(await dst.inner.weight.data())).toEqual(Array.from(await src.inner.weight.data()));
    dst.loadStateDict(dict);
    // a copy: changing the source afterwards does not reach the loaded model
    src.inner.bias!.assign(tensor(new Float32Array([5, 5])));
    expect(Array.from(await dst.inner.bias!.data())).not.toEqual([5, 5]);
    src.dispose();
    dst.dispose();
  });

  it('zeroGrad drops gradients; duplicate names are rejected', () => {
    const m = new Linear(3, 2, { seed: 1 });
    m.forward(f32(3, 1, [1, 3])).sum().backward();
    expect(m.weight.grad).not.toBeNull();
    m.zeroGrad();
    expect(m.weight.grad).toBeNull();
    class Dup extends Module {
      constructor() {
        super();
        this.registerModule('a', new ReLU());
        this.registerModule('a', new ReLU());
      }
    }
    expect(() => new Dup()).toThrow(/'a' is already registered/);
    m.dispose();
  });
});

describe('nn.init', () => {
  it('fans and gains follow torch.nn.init', () => {
    expect(init.computeFans([16, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 400 });
    expect(init.calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(() => init.computeFans([3])).toThrow(/rank >= 2/);
  });
});

describe.each(devices)('nn.init on %s', (device) => {
  useDevice(device);
  it('samples have the documented range / variance and are seeded', async () => {
    const shape = [200, 300];
    const stats = async (t: Tensor): Promise<{ max: number; std: number }> => {
      const v = Array.from(await t.data());
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return { max: Math.max(...v.map(Math.abs)), std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
    };
    const ku = await stats(init.kaimingUniform(shape, { nonlinearity: 'relu', seed: 1 }));
    expect(ku.max).toBeLessThanOrEqual(Math.sqrt(6 / 300));
    expect(ku.std).toBeCloseTo(Math.sqrt(2 / 300), 3);
    expect((await stats(init.kaimingNormal(shape, { mode: 'fanOut', nonlinearity: 'relu', seed: 2 }))).std).toBeCloseTo(Math.sqrt(2 / 200), 3);
    const xu = await stats(init.xavierUniform(shape, { seed: 3 }));
    expect(xu.max).toBeLessThanOrEqual(Math.sqrt(6 / 500));
    expect((await stats(init.xavierNormal(shape, { gain: 2, seed: 4 }))).std).toBeCloseTo(2 * Math.sqrt(2 / 500), 3);
    expect(Array.from(await init.xavierNormal([3, 4], { seed: 5 }).data())).toEqual(Array.from(await init.xavierNormal([3, 4], { seed: 5 }).data()));
  });
});
