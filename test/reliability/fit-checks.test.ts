// Rows 5 and 6 of issue 14 inside train.fit: a NaN in a batch with the default lossEvery: 0
// rejects (never resolves with NaN weights), naming the step; a bad label rejects naming the
// loss op and the label, not the learning rate; neither adds a readback per step.
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { Linear, functional as F } from '../../src/nn/index.js';
import { SGD } from '../../src/optim/index.js';
import { getBackend } from '../../src/runtime.js';
import { type Batch, fit } from '../../src/train/index.js';
import { devices, useDevice } from '../helpers.js';

/** `n` batches of 4 points with 3 classes; batch `bad` (1-based) gets a NaN input or label `badLabel` */
function* batches(n: number, bad: number, what: 'nan' | number): Generator<Batch> {
  for (let b = 1; b <= n; b++) {
    const x = new Float32Array(8).map((_, i) => Math.cos(b * 8 + i));
    const y = Int32Array.from([0, 1, 2, 1]);
    if (b === bad && what === 'nan') x[3] = NaN;
    if (b === bad && what !== 'nan') y[2] = what;
    yield { x: tensor(x, [4, 2]), y: tensor(y, [4], { dtype: 'int32' }) };
  }
}

describe.each(devices)('fit checks on %s', (device) => {
  useDevice(device);

  it('a NaN in batch 3 with lossEvery: 0 rejects at the epoch end, naming step 3; no readback per step', async () => {
    const model = new Linear(2, 3, { seed: 1 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const be = getBackend();
    be.resetStats();
    let readbacksDuringSteps = 0;
    const run = fit(model, batches(6, 3, 'nan'), {
      optimizer, loss: F.crossEntropy,
      onStep: () => { readbacksDuringSteps = be.stats().readbacks; },
    });
    await expect(run).rejects.toThrow(
      device === 'cpu'
        ? /fit: the loss became non-finite \(NaN or ±Infinity\) at step 3 \(epoch 1; found by the device-side check covering steps 1–3\)/
        : /fit: the loss became non-finite \(NaN or ±Infinity\) at step 3 \(epoch 1; found by the device-side check covering steps 1–6\)/,
    );
    expect(readbacksDuringSteps, 'readbacks while stepping').toBe(0);
    optimizer.dispose();
    model.dispose();
  });

  it('a clean run resolves (the check never fires on finite losses)', async () => {
    const model = new Linear(2, 3, { seed: 1 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const res = await fit(model, batches(4, 0, 'nan'), { optimizer, loss: F.crossEntropy, epochs: 2 });
    expect(res.steps).toBe(4);
    for (const v of await model.weight.data()) expect(Number.isFinite(v)).toBe(true);
    optimizer.dispose();
    model.dispose();
  });

  it('label 3 of 3 classes rejects naming crossEntropy and the label, with lossEvery: 2 at the readback after it', async () => {
    const model = new Linear(2, 3, { seed: 1 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const run = fit(model, batches(6, 3, 3), { optimizer, loss: F.crossEntropy, lossEvery: 2 });
    await expect(run).rejects.toThrow(
      device === 'cpu'
        ? /crossEntropy: label 3 is out of range: valid labels are 0 … 2 \(3 classes\), in fit \(epoch 1; found by the device-side check covering step 3\)/
        : /crossEntropy: label 3 is out of range: valid labels are 0 … 2 \(3 classes\) \(recorded on the GPU, found at this readback\), in fit \(epoch 1; found by the device-side check covering steps 3–4\)/,
    );
    await expect(run).rejects.not.toThrow(/learning rate/);
    optimizer.dispose();
    model.dispose();
  });
});
