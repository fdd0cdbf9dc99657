// The tape: accumulation, noGrad, detach, backward with a given gradient, tape release,
// tidy/keep, and the bad-input errors a user meets first.
import { describe, expect, it } from 'vitest';
import * as wg from '../../src/index.js';
import { devices, useDevice } from '../helpers.js';

describe.each(devices)('autograd on %s', (device) => {
  useDevice(device);

  it('accumulates gradients across backward calls and through shared subexpressions', async () => {
    const x = wg.tensor([1, 2, 3], [3], { requiresGrad: true });
    const y = x.mul(x).add(x); // dy/dx = 2x + 1
    y.sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual([3, 5, 7]);
    x.mul(2).sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual([5, 7, 9]);
  });

  it('backward(grad) on a non-scalar, and a clear error without one', async () => {
    const x = wg.tensor([1, 2], [2], { requiresGrad: true });
    const y = x.mul(3);
    expect(() => y.backward()).toThrow(/non-scalar tensor \[2\] needs a gradient/);
    y.backward(wg.tensor([1, 10], [2]));
    expect(Array.from(await x.grad!.data())).toEqual([3, 30]);
  });

  it('noGrad records nothing; detach cuts the tape', () => {
    const x = wg.tensor([1, 2], [2], { requiresGrad: true });
    const y = wg.noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    const z = x.mul(2).detach().mul(x);
    z.sum().backward();
    expect(x.grad).not.toBeNull();
  });

  it('releases the tape after backward', () => {
    const x = wg.tensor([1, 2], [2], { requiresGrad: true });
    const h = x.exp();
    const y = h.sum();
    y.backward();
    expect(h.node).toBeNull();
    expect(y.node).toBeNull();
  });

  it('a gradient flowing to two leaves is not shared between them', async () => {
    const a = wg.tensor([1], [1], { requiresGrad: true });
    const b = wg.tensor([2], [1], { requiresGrad: true });
    a.add(b).sum().backward();
    a.grad!.dispose();
    expect(Array.from(await b.grad!.data())).toEqual([1]);
  });

  it('tidy disposes intermediates and keeps the result; live bytes return to the baseline', async () => {
    const be = wg.backend();
    await be.flush();
    const before = be.stats().liveBytes;
    const x = wg.randn([16, 8], { seed: 1 });
    const y = wg.tidy(() => x.mul(2).exp().sum(1));
    expect(y.isDisposed).toBe(false);
    y.dispose();
    x.dispose();
    await be.flush();
    expect(be.stats().liveBytes).toBe(before);
  });

  it('`using` disposes at the end of a block', () => {
    let t: wg.Tensor;
    {
      using x = wg.zeros([4]);
      t = x;
    }
    expect(t.isDisposed).toBe(true);
  });
});

describe.each(devices)('bad input on %s gives a clear error', (device) => {
  useDevice(device);
  it('shape mismatch', () => {
    expect(() => wg.zeros([2, 3]).add(wg.zeros([4]))).toThrow(/add: shapes \[2,3\] and \[4\] cannot be broadcast/);
  });
  it('matmul inner-dimension mismatch', () => {
    expect(() => wg.zeros([2, 3]).matmul(wg.zeros([4, 5]))).toThrow(/matmul: inner dimensions differ.*3 vs 4/);
  });
  it('wrong dtype: float labels for crossEntropy', () => {
    expect(() => wg.functional.crossEntropy(wg.zeros([2, 3]), wg.zeros([2]))).toThrow(/labels must be an int32 tensor/);
  });
  it('wrong dtype: int32 matmul', () => {
    expect(() => wg.zeros([2, 2], { dtype: 'int32' }).matmul(wg.zeros([2, 2], { dtype: 'int32' }))).toThrow(/matmul expects float32/);
  });
  it('use after dispose', () => {
    const x = wg.zeros([3]);
    x.dispose();
    expect(() => x.add(1)).toThrow(/float32 tensor \[3\] was used after dispose\(\)/);
  });
  it('invalid reshape and shape', () => {
    expect(() => wg.zeros([2, 3]).reshape([4, 2])).toThrow(/cannot reshape \[2,3\] \(6 elements\) into \[4,2\]/);
    expect(() => wg.zeros([2, -1])).toThrow(/invalid shape/);
    expect(() => wg.tensor(new Float32Array(5), [2, 3])).toThrow(/5 values do not fill shape \[2,3\]/);
  });
  it('axis out of range', () => {
    expect(() => wg.zeros([2, 3]).sum(2)).toThrow(/axis 2 is out of range for a tensor of rank 2/);
  });
  it('backward on a tensor that needs no grad', () => {
    expect(() => wg.zeros([1]).backward()).toThrow(/does not require grad/);
  });
});
