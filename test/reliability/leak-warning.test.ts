// Row 8 of issue 14: a training loop without tidy() that disposes only the loss warns once,
// naming the growth per step and the fix; the same loop with tidy() never warns.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tensor } from '../../src/creation.js';
import { Linear, functional as F } from '../../src/nn/index.js';
import { SGD } from '../../src/optim/index.js';
import { getBackend, tidy } from '../../src/runtime.js';
import { devices, useDevice } from '../helpers.js';

describe.each(devices)('leak warning on %s', (device) => {
  useDevice(device);
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const x = (): ReturnType<typeof tensor> => tensor(new Float32Array(8).map((_, i) => Math.sin(i)), [4, 2]);
  const y = (): ReturnType<typeof tensor> => tensor(Int32Array.from([0, 1, 2, 1]), [4], { dtype: 'int32' });

  it('a correct loop (tidy per step) never warns', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = new Linear(2, 3, { seed: 1 });
    const opt = new SGD(model.parameters(), { lr: 0.01 });
    const xs = x();
    const ys = y();
    for (let step = 0; step < 80; step++) {
      tidy(() => {
        opt.zeroGrad();
        F.crossEntropy(model.forward(xs), ys).backward();
        opt.step();
      });
      await getBackend().flush();
    }
    expect(warn).not.toHaveBeenCalled();
    for (const t of [xs, ys]) t.dispose();
    opt.dispose();
    model.dispose();
  });

  it('a loop without tidy that disposes only the loss warns once, with the growth per step and the fix', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = new Linear(2, 3, { seed: 1 });
    const opt = new SGD(model.parameters(), { lr: 0.01 });
    const xs = x();
    const ys = y();
    const live = getBackend().stats().liveStorages;
    for (let step = 0; step < 120; step++) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(xs), ys);
      loss.backward();
      opt.step();
      loss.dispose();
      await getBackend().flush();
    }
    const perStep = (getBackend().stats().liveStorages - live) / 120;
    expect(perStep).toBeGreaterThan(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(
      /possible memory leak: live tensors grew at \d+ of the last 50 flushes\/readbacks, by \d+\.\d storages \(\d.*(bytes|KiB|MiB)\) each on average .*wrap each step in wg\.tidy/,
    );
    const reported = Number(/by (\d+\.\d) storages/.exec(String(warn.mock.calls[0][0]))![1]);
    expect(Math.abs(reported - perStep)).toBeLessThan(0.5);
    for (const t of [xs, ys]) t.dispose();
    opt.dispose();
    model.dispose();
  });
});
