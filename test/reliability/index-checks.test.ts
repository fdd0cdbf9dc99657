// Row 5 of issue 14: labels / indices out of range. The CPU throws at the op; WebGPU records
// the first bad value in a device-side buffer that the next readback brings back with the
// data (no extra submit or readback), and the error names the op, the value and the range.
// The backend stays usable afterwards (the flag is cleared).
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { functional as F } from '../../src/nn/index.js';
import { oneHot } from '../../src/ops/index.js';
import { getBackend, tidy } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, useDevice } from '../helpers.js';

const labels = (v: number[]): Tensor => tensor(Int32Array.from(v), [v.length], { dtype: 'int32' });
const scores = (): Tensor => tensor(new Float32Array(30).map((_, i) => Math.sin(i)), [3, 10], { requiresGrad: true });

describe.each(devices)('index checks on %s', (device) => {
  useDevice(device);

  /** fn's result (or its first readback on WebGPU) fails with `re`; then the backend still works */
  async function expectIndexError(fn: () => Tensor, re: RegExp): Promise<void> {
    if (device === 'cpu') {
      const live = getBackend().stats().liveStorages;
      expect(() => tidy(fn)).toThrow(re);
      expect(getBackend().stats().liveStorages).toBe(live);
    } else {
      const t = tidy(fn);
      await expect(t.data()).rejects.toThrow(re);
      t.dispose();
    }
    // the flag was cleared: a correct op reads back normally
    const ok = F.crossEntropy(tensor([[0, 0]]), labels([1]));
    expect(await ok.item()).toBeCloseTo(Math.log(2), 5);
    ok.dispose();
  }

  it('crossEntropy with label 10 of 10 classes, and with −1', async () => {
    await expectIndexError(() => F.crossEntropy(scores(), labels([1, 10, 2])), /crossEntropy: label 10 is out of range: valid labels are 0 … 9 \(10 classes\)/);
    await expectIndexError(() => F.crossEntropy(scores(), labels([-1, 0, 0])), /crossEntropy: label -1 is out of range/);
  });

  it('svmLoss and multiMarginLoss name themselves, not the oneHot inside', async () => {
    await expectIndexError(() => F.svmLoss(scores(), labels([0, 10, 0])), /svmLoss: label 10 is out of range: valid labels are 0 … 9/);
    await expectIndexError(() => F.multiMarginLoss(scores(), labels([0, 0, -1])), /multiMarginLoss: label -1 is out of range/);
  });

  it('oneHot, gather and indexSelect out of range', async () => {
    await expectIndexError(() => oneHot(labels([3, 4]), 4), /oneHot: label 4 is out of range: valid labels are 0 … 3 \(4 classes\)/);
    const x = (): Tensor => tensor(new Float32Array(15).map((_, i) => i), [5, 3]);
    await expectIndexError(() => x().gather(labels([0, 5]), 0), /gather: index 5 is out of range: valid indices are 0 … 4 \(an axis of length 5\)/);
    await expectIndexError(() => x().indexSelect(1, labels([-2])), /indexSelect: index -2 is out of range: valid indices are 0 … 2/);
  });

  it('a training step checks its labels with no extra submit or readback', async () => {
    const be = getBackend();
    const w = tensor(new Float32Array(20).fill(0.1), [2, 10], { requiresGrad: true });
    const step = (y: number[]): void => tidy(() => F.crossEntropy(tensor([[1, 2], [3, 4]]).matmul(w), labels(y)).backward());
    step([0, 1]);
    await be.flush();
    be.resetStats();
    step([2, 3]);
    await be.flush();
    expect(be.stats().readbacks).toBe(0);
    if (device === 'webgpu') expect(be.stats().submits).toBe(1);
    // a readback after clean steps: one readback, one submit
    be.resetStats();
    await w.grad!.data();
    expect(be.stats().readbacks).toBe(1);
    if (device === 'webgpu') expect(be.stats().submits).toBe(1);
    w.dispose();
  });
});
