// train.fit / evaluate on a small synthetic problem: it learns, reads nothing back unless
// lossEvery asks, honours an AbortSignal, and the evaluator's confusion matrix adds up.
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { Linear, ReLU, Sequential, functional as F } from '../../src/nn/index.js';
import { Adam } from '../../src/optim/index.js';
import { Random } from '../../src/random.js';
import { getBackend } from '../../src/runtime.js';
import { type Batch, emptyFitTimings, evaluate, fit } from '../../src/train/index.js';
import { devices, useDevice } from '../helpers.js';

const CLASSES = 3;
const CENTRES = [[2, 0], [-1, 1.7], [-1, -1.7]];

/** Gaussian blobs around three centres: separable, so a small MLP reaches high accuracy */
function* blobs(batches: number, batchSize: number, seed: number): Generator<Batch> {
  const rng = new Random(seed);
  for (let b = 0; b < batches; b++) {
    const x = new Float32Array(batchSize * 2);
    const y = new Int32Array(batchSize);
    const noise = rng.normal(batchSize * 2, 0, 0.5);
    for (let i = 0; i < batchSize; i++) {
      const c = Math.floor(rng.next() * CLASSES);
      y[i] = c;
      x[2 * i] = CENTRES[c][0] + noise[2 * i];
      x[2 * i + 1] = CENTRES[c][1] + noise[2 * i + 1];
    }
    yield { x: tensor(x, [batchSize, 2]), y: tensor(y, [batchSize], { dtype: 'int32' }) };
  }
}

const net = (): Sequential => new Sequential(new Linear(2, 16, { seed: 1 }), new ReLU(), new Linear(16, CLASSES, { seed: 2 }));

describe.each(devices)('train.fit on %s', (device) => {
  useDevice(device);

  it('timings: a slow loader and a slow callback land in their own phases', async () => {
    const model = net();
    const optimizer = new Adam(model.parameters(), { lr: 0.05 });
    const timings = emptyFitTimings();
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    async function* slowBlobs(): AsyncGenerator<Batch> {
      for (const b of blobs(3, 8, 7)) {
        await pause(30);
        yield b;
      }
    }
    await fit(model, slowBlobs(), { optimizer, loss: F.crossEntropy, lossEvery: 3, timings, onStep: () => pause(20) });
    expect(timings.loader).toBeGreaterThanOrEqual(3 * 25);
    expect(timings.callback).toBeGreaterThanOrEqual(3 * 15);
    optimizer.dispose();
    model.dispose();
  });

  it('learns separable blobs; losses only read when lossEvery asks', async () => {
    const model = net();
    const optimizer = new Adam(model.parameters(), { lr: 0.05 });
    const epochs: number[] = [];
    const liveBytes: number[] = [];
    getBackend().resetStats();
    const result = await fit(model, { [Symbol.iterator]: () => blobs(30, 32, 5) }, {
      optimizer, loss: F.crossEntropy, epochs: 2, lossEvery: 10, onEpoch: ({ steps }) => { epochs.push(steps); liveBytes.push(getBackend().stats().liveBytes); },
    });
    expect(result.steps).toBe(60);
    expect(epochs).toEqual([30, 30]);
    expect(liveBytes[1], 'memory held after epoch 2 vs epoch 1').toBe(liveBytes[0]);
    expect(result.losses).toHaveLength(6);
    expect(getBackend().stats().readbacks).toBe(6);
    expect(result.losses[5]).toBeLessThan(result.losses[0]);
    const { accuracy, confusion, total } = await evaluate(model, blobs(4, 50, 99), { numClasses: CLASSES });
    expect(total).toBe(200);
    expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(200);
    expect(accuracy).toBeGreaterThan(0.9);
    expect(model.training).toBe(true);
    optimizer.dispose();
    model.dispose();
  });

  it('stops on abort before the next step', async () => {
    const model = net();
    const optimizer = new Adam(model.parameters());
    const controller = new AbortController();
    let steps = 0;
    const run = fit(model, blobs(20, 8, 1), {
      optimizer, loss: F.crossEntropy, signal: controller.signal,
      onStep: ({ step }) => { steps = step; if (step === 3) controller.abort(new Error('stop')); },
    });
    await expect(run).rejects.toThrow('stop');
    expect(steps).toBe(3);
    optimizer.dispose();
    model.dispose();
  });

  it('names the step where the loss became NaN (NaN in the inputs)', async () => {
    const model = net();
    const optimizer = new Adam(model.parameters());
    function* poisoned(): Generator<Batch> {
      yield* blobs(2, 8, 3);
      yield { x: tensor(new Float32Array(16).fill(NaN), [8, 2]), y: tensor(new Int32Array(8), [8], { dtype: 'int32' }) };
    }
    await expect(fit(model, poisoned(), { optimizer, loss: F.crossEntropy, lossEvery: 1 })).rejects.toThrow(
      /loss became non-finite \(NaN or ±Infinity\) at step 3 \(epoch 1.*check the inputs for NaN/,
    );
    optimizer.dispose();
    model.dispose();
  });
});
