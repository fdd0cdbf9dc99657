// The course's k-nearest-neighbour classifier: train memorises, predict finds each test
// row's k nearest training rows (a distance matrix, a top-k kernel) and takes a majority vote.
// Everything stays on the device; the test set is processed in tiles of rows so the distance
// matrix never has to exist whole (50,000 × 10,000 float32 would be 2 GB).
import { tensor } from '../creation.js';
import { concat } from '../ops/index.js';
import { getBackend, keep, tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import { type DistanceMetric, majorityVote, pairwiseDistances, topkSmallest } from './distance.js';
import { hostLabels, requireShape } from './kernel.js';

/** WebGPU guarantees 128 MiB per bound buffer; the training set is split into chunks that fit */
const MAX_BINDING_BYTES = 128 * 1024 * 1024;
/** default bytes of distances held at once per test tile */
const DEFAULT_TILE_BYTES = 64 * 1024 * 1024;

export interface KnnQueryOptions {
  k?: number;
  metric?: DistanceMetric;
  /** test rows per tile (default: as many as keep a tile's distances under 64 MiB) */
  tileRows?: number;
}

export interface CrossValidateOptions {
  folds?: number;
  ks?: readonly number[];
  metric?: DistanceMetric;
  tileRows?: number;
  onFold?: (fold: number, accuracies: number[]) => void;
}

export interface CrossValidation {
  ks: number[];
  /** accuracies[f][i]: fold f's validation accuracy with ks[i] */
  foldAccuracies: number[][];
  /** mean over folds, per k */
  meanAccuracy: number[];
  /** the k with the highest mean accuracy (the smaller k on ties) */
  bestK: number;
}

export class KNearestNeighbor {
  private trainChunks: Tensor[] = [];
  private labels: Tensor | null = null;
  private classCount = 0;

  /** memorises x [N, D] float32 and y [N] int32 (labels in [0, classes), classes default max + 1) */
  train(x: Tensor, y: Tensor, { classes }: { classes?: number } = {}): this {
    requireShape('KNearestNeighbor.train', x, 2, 'float32', 'x');
    requireShape('KNearestNeighbor.train', y, 1, 'int32', 'y');
    if (y.shape[0] !== x.shape[0]) throw new Error(`webgrad: KNearestNeighbor.train: ${y.shape[0]} labels for ${x.shape[0]} rows`);
    this.dispose();
    const [n, d] = x.shape;
    const rowsPerChunk = Math.max(1, Math.floor(MAX_BINDING_BYTES / (4 * Math.max(d, 1))));
    this.trainChunks = [];
    for (let start = 0; start < n; start += rowsPerChunk) {
      const end = Math.min(n, start + rowsPerChunk);
      this.trainChunks.push(keep(start === 0 && end === n ? x.detach() : x.slice([[start, end]])));
    }
    this.labels = keep(y.detach());
    this.classCount = classes ?? 0;
    return this;
  }

  get trainSize(): number {
    return this.labels?.shape[0] ?? 0;
  }

  /** distances [M, N] from each row of xTest to every training row */
  distances(xTest: Tensor, { metric = 'l2' }: { metric?: DistanceMetric } = {}): Tensor {
    const chunks = this.requireTrained('distances');
    return tidy(() => {
      const parts = chunks.map((c) => pairwiseDistances(xTest, c, metric));
      return parts.length === 1 ? parts[0] : concat(parts, 1);
    });
  }

  /** int32 [M]: the majority label of each test row's k nearest training rows */
  predict(xTest: Tensor, { k = 1, metric = 'l2', tileRows }: KnnQueryOptions = {}): Promise<Tensor> {
    return this.predictEach(xTest, [k], { metric, tileRows }).then(([votes]) => votes);
  }

  /**
   * One prediction tensor per k, from a single top-max(ks) search per tile (the vote for a
   * smaller k reads the first k of the same sorted neighbour list).
   */
  async predictEach(xTest: Tensor, ks: readonly number[], { metric = 'l2', tileRows }: Omit<KnnQueryOptions, 'k'> = {}): Promise<Tensor[]> {
    this.requireTrained('predict');
    requireShape('KNearestNeighbor.predict', xTest, 2, 'float32', 'xTest');
    const kmax = Math.max(...ks);
    if (!(kmax >= 1 && kmax <= this.trainSize)) throw new Error(`webgrad: KNearestNeighbor.predict: k = ${kmax} must be in [1, ${this.trainSize}]`);
    const classes = this.classCount || (await this.inferClassCount());
    const m = xTest.shape[0];
    const rows = tileRows ?? Math.max(1, Math.floor(DEFAULT_TILE_BYTES / (4 * this.trainSize)));
    const perTile: Tensor[][] = ks.map(() => []);
    for (let start = 0; start < m; start += rows) {
      const end = Math.min(m, start + rows);
      const votes = tidy(() => {
        const tile = start === 0 && end === m ? xTest : xTest.slice([[start, end]]);
        const neighbours = topkSmallest(this.distances(tile, { metric }), kmax);
        return ks.map((k) => majorityVote(neighbours, this.labels!, k, classes));
      });
      votes.forEach((v, i) => perTile[i].push(v));
      // submit tile by tile: bounded command batches, and progress on a slow adapter
      await getBackend().flush();
    }
    return perTile.map((parts) => {
      if (parts.length === 1) return parts[0];
      const joined = concat(parts, 0);
      for (const p of parts) p.dispose();
      return joined;
    });
  }

  /**
   * k-fold cross-validation on (x, y) as the course's kNN notebook: contiguous folds, each
   * held out once while the others are memorised; returns the accuracy of every k per fold.
   */
  static async crossValidate(x: Tensor, y: Tensor, opts: CrossValidateOptions = {}): Promise<CrossValidation> {
    const folds = opts.folds ?? 5;
    const ks = [...(opts.ks ?? [1, 3, 5, 8, 10, 12, 15, 20, 50, 100])];
    const n = x.shape[0];
    if (!(folds >= 2 && folds <= n)) throw new Error(`webgrad: crossValidate: ${folds} folds for ${n} rows`);
    const labels = await hostLabels(y);
    const classes = Math.max(...labels) + 1;
    const bounds = Array.from({ length: folds + 1 }, (_, f) => Math.round((f * n) / folds));
    const foldAccuracies: number[][] = [];
    for (let f = 0; f < folds; f++) {
      const [lo, hi] = [bounds[f], bounds[f + 1]];
      const knn = new KNearestNeighbor();
      const xVal = tidy(() => {
        const keepRows = (t: Tensor) => concat([t.slice([[0, lo]]), t.slice([[hi, n]])].filter((p) => p.shape[0] > 0), 0);
        knn.train(keepRows(x), keepRows(y), { classes });
        return x.slice([[lo, hi]]);
      });
      const predictions = await knn.predictEach(xVal, ks, { metric: opts.metric, tileRows: opts.tileRows });
      const accuracies: number[] = [];
      for (const p of predictions) {
        accuracies.push(accuracyOf(await p.data(), labels.subarray(lo, hi)));
        p.dispose();
      }
      xVal.dispose();
      knn.dispose();
      foldAccuracies.push(accuracies);
      opts.onFold?.(f, accuracies);
    }
    const meanAccuracy = ks.map((_, i) => foldAccuracies.reduce((s, a) => s + a[i], 0) / folds);
    let best = 0;
    meanAccuracy.forEach((a, i) => { if (a > meanAccuracy[best] || (a === meanAccuracy[best] && ks[i] < ks[best])) best = i; });
    return { ks, foldAccuracies, meanAccuracy, bestK: ks[best] };
  }

  dispose(): void {
    for (const c of this.trainChunks) c.dispose();
    this.trainChunks = [];
    this.labels?.dispose();
    this.labels = null;
  }

  private requireTrained(op: string): Tensor[] {
    if (!this.labels) throw new Error(`webgrad: KNearestNeighbor.${op}: call train(x, y) first`);
    return this.trainChunks;
  }

  private async inferClassCount(): Promise<number> {
    this.classCount = Math.max(0, ...(await hostLabels(this.labels!))) + 1;
    return this.classCount;
  }
}

/** the fraction of predictions equal to the labels */
export function accuracyOf(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predictions.length !== labels.length) throw new Error(`webgrad: accuracy: ${predictions.length} predictions for ${labels.length} labels`);
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) hits++;
  return labels.length === 0 ? 0 : hits / labels.length;
}

/** int32 labels as a tensor on the active backend */
export function labelTensor(y: ArrayLike<number>): Tensor {
  return tensor(Int32Array.from(y), [y.length], { dtype: 'int32' });
}
