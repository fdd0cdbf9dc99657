// Shared pieces of the classic benchmarks: CIFAR-10 as float rows, the course's
// preprocessing (mean-image subtraction, feature standardisation), GPU feature extraction,
// a two-layer-MLP trainer, and the progress / result reporting.
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../../src/io/atomic-write.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wg from '../../src/node.js';
import { initNode } from '../../src/node.js';
import * as classic from '../../src/classic/index.js';

export { wg, classic };

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const started = Date.now();

export function log(msg: string): void {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
}

export async function setup(): Promise<string> {
  const be = await initNode();
  log(`backend ${be.name}: ${be.adapterName}`);
  return be.adapterName;
}

export interface Split {
  x: Float32Array;
  y: Int32Array;
  count: number;
  images: Uint8Array;
}

/** CIFAR-10 (from ../shared/datasets/cifar10) as raw pixel rows 0..255, with the first `trainCount` / `testCount` images */
export async function cifar(trainCount = 50_000, testCount = 10_000): Promise<{ train: Split; test: Split }> {
  const data = await wg.data.loadCifar10({ dir: join(root, '..', 'shared', 'datasets', 'cifar10') });
  const take = (set: wg.data.ImageSet, n: number): Split => {
    const d = 3 * 32 * 32;
    const images = set.images.subarray(0, n * d);
    return { x: Float32Array.from(images), y: Int32Array.from(set.labels.subarray(0, n)), count: n, images };
  };
  log(`CIFAR-10 loaded: ${data.train.count} train, ${data.test.count} test images`);
  return { train: take(data.train, trainCount), test: take(data.test, testCount) };
}

/** rows [from, to) of a split */
export function rows(s: Split, from: number, to: number, d = s.x.length / s.count): Split {
  return { x: s.x.subarray(from * d, to * d), y: s.y.subarray(from, to), count: to - from, images: s.images.subarray(from * 3072, to * 3072) };
}

/**
 * Standardises columns in place with the statistics of the first matrix (the training
 * split): x ← (x − mean) / std (std = 1 keeps the course's plain mean-image subtraction).
 */
export function standardize(matrices: Float32Array[], columns: number, { divideByStd }: { divideByStd: boolean }): void {
  const n = matrices[0].length / columns;
  const mean = new Float64Array(columns);
  const sq = new Float64Array(columns);
  for (let i = 0; i < n; i++) for (let c = 0; c < columns; c++) mean[c] += matrices[0][i * columns + c];
  for (let c = 0; c < columns; c++) mean[c] /= n;
  for (let i = 0; i < n; i++) for (let c = 0; c < columns; c++) sq[c] += (matrices[0][i * columns + c] - mean[c]) ** 2;
  const std = Array.from(sq, (s) => (divideByStd ? Math.sqrt(s / n) || 1 : 1));
  for (const m of matrices) for (let i = 0; i < m.length; i++) m[i] = (m[i] - mean[i % columns]) / std[i % columns];
}

/** HoG (8×8 cells, 9 bins) + hue histogram (10 bins) of every image, on the device, 1,000 images at a time */
export async function features(s: Split): Promise<{ x: Float32Array; columns: number }> {
  const chunk = 1000;
  let out: Float32Array | null = null;
  let columns = 0;
  for (let start = 0; start < s.count; start += chunk) {
    const end = Math.min(s.count, start + chunk);
    const pixels = Float32Array.from(s.images.subarray(start * 3072, end * 3072), (v) => v / 255);
    const f = wg.tidy(() => classic.imageFeatures(wg.tensor(pixels, [end - start, 3, 32, 32]), { cellSize: 8, bins: 9, colorBins: 10 }));
    const values = (await f.data()) as Float32Array;
    columns = f.shape[1];
    f.dispose();
    out ??= new Float32Array(s.count * columns);
    out.set(values, start * columns);
  }
  return { x: out!, columns };
}

export interface MlpOptions {
  hidden: number;
  epochs: number;
  lr: number;
  batchSize?: number;
  weightDecay?: number;
  /** the learning rate is multiplied by this after every epoch (default: halved every 4 epochs) */
  lrDecay?: number;
  seed?: number;
}

export interface MlpResult {
  model: wg.nn.Module;
  /** validation accuracy after each epoch */
  valAccuracyPerEpoch: number[];
  /** wall seconds of all epochs, each with its validation pass (the step loop only queues work; the validation readback waits for it) */
  trainSeconds: number;
}

/**
 * A two-layer net (Linear → ReLU → Linear) trained with Adam on host rows; scores the
 * validation rows after every epoch and returns the trained model (the caller scores the
 * test set once).
 */
export async function trainMlp(train: { x: Float32Array; y: Int32Array }, val: { x: Float32Array; y: Int32Array }, columns: number, opts: MlpOptions): Promise<MlpResult> {
  const model = new wg.nn.Sequential(new wg.nn.Linear(columns, opts.hidden, { seed: opts.seed ?? 1 }), new wg.nn.ReLU(), new wg.nn.Linear(opts.hidden, 10, { seed: (opts.seed ?? 1) + 1 }));
  const optimizer = new wg.optim.Adam(model.parameters(), { lr: opts.lr, weightDecay: opts.weightDecay ?? 0 });
  const batchSize = opts.batchSize ?? 200;
  const n = train.y.length;
  const rng = new wg.Random(opts.seed ?? 1);
  const valAccuracyPerEpoch: number[] = [];
  let trainSeconds = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const t = Date.now();
    const order = rng.permutation(n);
    for (let start = 0; start + batchSize <= n; start += batchSize) {
      const idx = order.subarray(start, start + batchSize);
      const xb = new Float32Array(batchSize * columns);
      idx.forEach((r, i) => xb.set(train.x.subarray(r * columns, (r + 1) * columns), i * columns));
      wg.tidy(() => {
        const loss = wg.functional.crossEntropy(model.forward(wg.tensor(xb, [batchSize, columns])), wg.tensor(Int32Array.from(idx, (r) => train.y[r]), [batchSize], { dtype: 'int32' }));
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
      });
      await wg.flush();
    }
    await wg.flush();
    const lr = optimizer.paramGroups[0].lr;
    if (opts.lrDecay !== undefined) for (const g of optimizer.paramGroups) g.lr *= opts.lrDecay;
    // without lrDecay the lr halves every few epochs, as the course's learning-rate decay
    else if ((epoch + 1) % 4 === 0) for (const g of optimizer.paramGroups) g.lr *= 0.5;
    valAccuracyPerEpoch.push(await mlpAccuracy(model, val, columns));
    trainSeconds += (Date.now() - t) / 1000;
    log(`  epoch ${epoch + 1}/${opts.epochs} (lr ${lr.toExponential(2)}, ${trainSeconds.toFixed(0)} s so far): validation accuracy ${(100 * valAccuracyPerEpoch[epoch]).toFixed(2)}%`);
  }
  return { model, valAccuracyPerEpoch, trainSeconds };
}

/** the fraction of rows of s the model classifies correctly, 1,000 rows at a time */
export async function mlpAccuracy(model: wg.nn.Module, s: { x: Float32Array; y: Int32Array }, columns: number): Promise<number> {
  model.eval();
  const predictions = new Int32Array(s.y.length);
  for (let start = 0; start < s.y.length; start += 1000) {
    const end = Math.min(s.y.length, start + 1000);
    const p = wg.noGrad(() => wg.tidy(() => model.forward(wg.tensor(s.x.subarray(start * columns, end * columns), [end - start, columns])).argmax(1)));
    predictions.set(await p.data(), start);
    p.dispose();
  }
  model.train();
  return classic.accuracyOf(predictions, s.y);
}

/** prints the final line and writes bench/results/<name>.json */
export function report(name: string, summary: string, result: Record<string, unknown>): void {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileAtomicSync(file, JSON.stringify({ name, date: new Date().toISOString(), seconds: (Date.now() - started) / 1000, ...result }, null, 2));
  log(`RESULT ${name}: ${summary} (${file})`);
}
