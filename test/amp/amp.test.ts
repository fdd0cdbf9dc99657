// Mixed precision: wg.autocast (PyTorch's float16 autocast lists) and wg.amp.GradScaler
// (PyTorch's dynamic loss scaling), on every device. Where the backend has no float16
// (SwiftShader) autocast must run in float32 with a one-time notice; the GradScaler works on
// float32 everywhere (its sequence does not depend on float16).
import { describe, expect, it, vi } from 'vitest';
import { tensor, randn } from '../../src/creation.js';
import { GradScaler } from '../../src/amp/grad-scaler.js';
import { autocast, isAutocastEnabled, resetAutocastNotice } from '../../src/ops/autocast.js';
import { conv2d } from '../../src/ops/conv.js';
import { crossEntropy } from '../../src/ops/softmax.js';
import { linear, mseLoss } from '../../src/nn/functional.js';
import { SGD } from '../../src/optim/sgd.js';
import { Adam } from '../../src/optim/adam.js';
import { Random } from '../../src/random.js';
import { getBackend, tidy } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, useDevice, withTemporaryBackend } from '../helpers.js';
import { createCpuBackend } from '../../src/backend/cpu/index.js';

const data = (n: number, seed: number, lo = -1, hi = 1): Float32Array => new Random(seed).uniform(n, lo, hi);

/** a two-layer net's loss and gradients (conv → relu → linear → cross-entropy), optionally under autocast */
function netGrads(withAutocast: boolean, seed: number): { loss: Tensor; grads: Tensor[]; dtypes: string[] } {
  const x = tensor(data(2 * 3 * 6 * 6, seed), [2, 3, 6, 6]);
  const w1 = tensor(data(4 * 3 * 3 * 3, seed + 1), [4, 3, 3, 3], { requiresGrad: true });
  const b1 = tensor(data(4, seed + 2), [4], { requiresGrad: true });
  const w2 = tensor(data(5 * 144, seed + 3, -0.2, 0.2), [5, 144], { requiresGrad: true });
  const b2 = tensor(data(5, seed + 4), [5], { requiresGrad: true });
  const y = tensor(new Int32Array([1, 4]), [2], { dtype: 'int32' });
  const dtypes: string[] = [];
  const forward = (): Tensor => {
    const h = conv2d(x, w1, b1, { padding: 1 }).relu();
    const logits = linear(h.reshape([2, 144]), w2, b2);
    dtypes.push(h.dtype, logits.dtype);
    const loss = crossEntropy(logits, y);
    dtypes.push(loss.dtype);
    return loss;
  };
  const loss = withAutocast ? autocast(forward) : forward();
  loss.backward();
  return { loss, grads: [w1, b1, w2, b2].map((p) => p.grad!), dtypes };
}

describe.each(devices)('autocast on %s', (device) => {
  useDevice(device);

  it('casts matmul / linear / conv2d to float16 and softmax / losses / reductions / norms to float32', () => {
    resetAutocastNotice();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const has = getBackend().float16;
      const low = has ? 'float16' : 'float32';
      const a = randn([4, 8], { seed: 1 });
      const b = randn([8, 3], { seed: 2 });
      const seen = autocast(() => {
        expect(isAutocastEnabled()).toBe(has);
        const m = a.matmul(b);
        const l = linear(a, randn([5, 8], { seed: 3 }), randn([5], { seed: 4 }));
        const c = conv2d(randn([1, 2, 5, 5], { seed: 5 }), randn([3, 2, 3, 3], { seed: 6 }));
        return {
          matmul: m.dtype, linear: l.dtype, conv: c.dtype, relu: m.relu().dtype,
          softmax: m.softmax(-1).dtype, logSoftmax: m.logSoftmax(-1).dtype, sum: m.sum().dtype, mean: m.mean(0).dtype,
          ce: crossEntropy(m, tensor(new Int32Array([0, 1, 2, 0]), [4], { dtype: 'int32' })).dtype,
          mse: mseLoss(m, tensor(new Float32Array(12), [4, 3])).dtype,
          mixed: m.add(a.slice([null, [0, 3]])).dtype,
        };
      });
      expect(seen).toEqual({
        matmul: low, linear: low, conv: low, relu: low, softmax: 'float32', logSoftmax: 'float32', sum: 'float32', mean: 'float32',
        ce: 'float32', mse: 'float32', mixed: 'float32',
      });
      expect(isAutocastEnabled()).toBe(false);
      expect(a.matmul(b).dtype).toBe('float32'); // outside the region: float32 again
      if (has) expect(warn).not.toHaveBeenCalled();
      else {
        // no float16 here: float32 with a notice, once
        autocast(() => a.matmul(b));
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0][0])).toMatch(/no float16 \(WebGPU feature 'shader-f16'\); running in float32/);
      }
    } finally {
      warn.mockRestore();
    }
  });

  it('gradients reach the float32 master weights as float32, close to the float32 gradients', async () => {
    const ref = netGrads(false, 11);
    const mixed = netGrads(true, 11);
    expect(mixed.grads.map((g) => g.dtype)).toEqual(['float32', 'float32', 'float32', 'float32']);
    const low = getBackend().float16 ? 'float16' : 'float32';
    expect(mixed.dtypes).toEqual([low, low, 'float32']);
    // float16 keeps ~11 bits: products of rounded inputs, each stored once → ~1e-3 relative per
    // value; through two layers and the backward pass a few 1e-3 of the gradient's scale
    for (let i = 0; i < 4; i++) {
      const want = await ref.grads[i].data();
      const scale = Math.max(...Array.from(want, Math.abs));
      expectClose(await mixed.grads[i].data(), want, { rtol: 2e-2, atol: 1e-2 * scale });
    }
    expectClose([await mixed.loss.item()], [await ref.loss.item()], { rtol: 1e-2, atol: 1e-3 });
  });

  it('the autocast forward and backward match the CPU reference of the same float16 graph', async () => {
    const got = netGrads(true, 21);
    const want = await withTemporaryBackend(createCpuBackend({ float64: true }), async () => {
      const r = netGrads(true, 21);
      return Promise.all([r.loss.data(), ...r.grads.map((g) => g.data())]);
    });
    const all = [await got.loss.data(), ...(await Promise.all(got.grads.map((g) => g.data())))];
    all.forEach((g, i) => {
      const scale = Math.max(...Array.from(want[i], Math.abs));
      // the same roundings on both sides; f32 vs f64 accumulation moves a stored half by ≤ 1 ulp
      expectClose(g, want[i], { rtol: 4e-3, atol: 4e-3 * scale });
    });
  });
});

describe.each(devices)('GradScaler on %s', (device) => {
  useDevice(device);

  /**
   * PyTorch's update rule (aten _amp_update_scale_): inf/NaN → scale·backoff, tracker 0; else
   * tracker+1, and at growthInterval scale·growth (if finite), tracker 0. With initScale 8,
   * growthInterval 3 and found-inf on iterations 1 and 7 (of 0..8) that gives, after each update:
   */
  const FOUND = [0, 1, 0, 0, 0, 0, 0, 1, 0];
  const SCALES = [8, 4, 4, 4, 8, 8, 8, 4, 4];
  const TRACKERS = [1, 0, 1, 2, 0, 1, 2, 0, 1];

  it("skips steps with inf / NaN gradients and backs off / grows the scale as PyTorch, with no readback", async () => {
    const be = getBackend();
    const p = tensor([1, 2, 3], [3], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.5 });
    const scaler = new GradScaler({ initScale: 8, growthFactor: 2, backoffFactor: 0.5, growthInterval: 3 });
    let expected = [1, 2, 3];
    const c = [0.5, -1, 2];
    for (let it = 0; it < FOUND.length; it++) {
      const bad = FOUND[it] ? (it === 1 ? Infinity : NaN) : 1;
      await be.flush();
      const readsBefore = be.stats().readbacks;
      tidy(() => {
        opt.zeroGrad();
        const coef = tensor([c[0], c[1] * bad, c[2]], [3]);
        scaler.scale(p.mul(coef).sum()).backward();
        scaler.step(opt);
        scaler.update();
      });
      await be.flush();
      expect(be.stats().readbacks - readsBefore, 'readbacks in a step').toBe(0);
      if (!FOUND[it]) expected = expected.map((v, i) => v - 0.5 * c[i]);
      expectClose(await p.data(), expected, { rtol: 1e-6, atol: 1e-6 });
      expect([await scaler.getScale(), await scaler.getGrowthTracker()], `iteration ${it}`).toEqual([SCALES[it], TRACKERS[it]]);
    }
    scaler.dispose();
  });

  it('unscale() before step() gives the true gradients (clip-ready); a skipped Adam step leaves params and state alone', async () => {
    const p = tensor([1, -1], [2], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 });
    const scaler = new GradScaler({ initScale: 1024 });
    scaler.scale(p.mul(tensor([3, 4], [2])).sum()).backward();
    scaler.unscale(opt);
    expect(Array.from(await p.grad!.data())).toEqual([3, 4]);
    expect(() => scaler.unscale(opt)).toThrow(/already called/);
    scaler.step(opt);
    scaler.update();
    const after1 = Array.from(await p.data());
    expect(after1[0]).toBeCloseTo(0.9, 5); // Adam's first step moves each weight by lr
    opt.zeroGrad();
    scaler.scale(p.mul(tensor([Infinity, 1], [2])).sum()).backward();
    scaler.step(opt);
    scaler.update();
    expect(Array.from(await p.data())).toEqual(after1);
    expect(await scaler.getScale()).toBe(512);
    // the moments were not touched by the skipped step: a clean step continues from step 1's state
    opt.zeroGrad();
    scaler.scale(p.mul(tensor([3, 4], [2])).sum()).backward();
    scaler.step(opt);
    scaler.update();
    const m = Array.from(await opt.stateDict().state[0].tensors.expAvg.data());
    // β1 = 0.9: m after two clean steps with g = [3, 4] is 0.1·g·(1 + 0.9) (an inf step in between would have poisoned it)
    expectClose(m, [0.57, 0.76], { rtol: 1e-5, atol: 1e-6 });
    scaler.dispose();
  });

  it('rejects bad options with clear errors; disabled is a pass-through', async () => {
    expect(() => new GradScaler({ initScale: 0 })).toThrow(/initScale/);
    expect(() => new GradScaler({ growthFactor: 1 })).toThrow(/growthFactor/);
    expect(() => new GradScaler({ backoffFactor: 1 })).toThrow(/backoffFactor/);
    expect(() => new GradScaler({ growthInterval: 0.5 })).toThrow(/growthInterval/);
    const off = new GradScaler({ enabled: false });
    const l = tensor([2], [1]);
    expect(off.scale(l)).toBe(l);
    expect(await off.getScale()).toBe(1);
  });
});
