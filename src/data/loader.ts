// DataLoader: seeded shuffling, batching, and augmentation on the device: the loader gathers
// the batch's uint8 images, draws each image's crop offset and flip from its seeded stream,
// uploads the bytes packed four to a word and lets the augmentImages kernel write the
// normalised float32 batch (one dispatch, recorded with the training step). The next batch is
// gathered and uploaded while the caller trains on the current one.
import { tensor } from '../creation.js';
import { nextSeed, Random } from '../random.js';
import { keep } from '../runtime.js';
import { augmentImagesTensor, drawAugmentParams, gatherImages, type AugmentOptions, type Batch, type BatchTransform, type NormalizeOptions } from './augment.js';
import type { ImageSet } from './dataset.js';

export interface DataLoaderOptions {
  batchSize: number;
  /** a new random order every epoch (default false: the stored order) */
  shuffle?: boolean;
  /** seeds the shuffling and the augmentation: the same seed gives the same batches */
  seed?: number;
  /** skip the last batch when it is smaller than batchSize (default false) */
  dropLast?: boolean;
  normalize?: NormalizeOptions;
  augment?: AugmentOptions;
  /**
   * true (default): the loader disposes a batch's tensors when the next batch is requested
   * and when the loop ends, so the caller must not keep them. false: the caller disposes
   * every batch (`x.dispose(); y.dispose()`).
   */
  autoDispose?: boolean;
  /**
   * a host-side replacement for the device kernel (e.g. augmentBatch, or a custom transform):
   * the loader then uploads its float32 output
   */
  transform?: BatchTransform;
}

export interface LoaderBatch extends Batch {
  /** the dataset indices of the images in this batch */
  indices: Int32Array;
  /**
   * the augmentation drawn for this batch: (dy, dx, flip) per image, int32 [batch · 3] (all 0
   * without augmentation); absent with a `transform`, which draws its own
   */
  params?: Int32Array;
}

/**
 * Iterate with `for await (const { x, y } of loader)`; each pass is one epoch. x is
 * float32 [B, C, H, W] (pixel/255, then normalised), y int32 [B].
 */
export class DataLoader implements AsyncIterable<LoaderBatch> {
  readonly batchSize: number;
  private readonly shuffleRandom: Random;
  private readonly augmentRandom: Random;
  private readonly opts: DataLoaderOptions;
  private epoch = 0;
  /** host milliseconds spent building batches (gather, params, upload, recording the kernel), for profiling */
  buildMilliseconds = 0;

  constructor(readonly dataset: ImageSet, opts: DataLoaderOptions) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error(`webgrad: DataLoader: batchSize must be a positive integer, got ${opts.batchSize}`);
    this.batchSize = opts.batchSize;
    this.opts = opts;
    const seed = opts.seed ?? nextSeed();
    // two streams, so turning augmentation on does not change the shuffled order
    this.shuffleRandom = new Random(seed);
    this.augmentRandom = new Random(seed ^ 0x5bd1e995);
  }

  /** batches per epoch */
  get length(): number {
    const n = this.dataset.count / this.batchSize;
    return this.opts.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** The image order of the next epoch (advances the shuffle stream). */
  private nextOrder(): Int32Array {
    this.epoch++;
    if (this.opts.shuffle) return this.shuffleRandom.permutation(this.dataset.count);
    return Int32Array.from({ length: this.dataset.count }, (_, i) => i);
  }

  private buildBatch(indices: Int32Array): LoaderBatch {
    const started = performance.now();
    try {
      return this.buildBatchNow(indices);
    } finally {
      this.buildMilliseconds += performance.now() - started;
    }
  }

  private buildBatchNow(indices: Int32Array): LoaderBatch {
    const { channels, height, width } = this.dataset;
    const { images, labels } = gatherImages(this.dataset, indices);
    const layout = { batch: indices.length, channels, height, width };
    const opts = { normalize: this.opts.normalize, augment: this.opts.augment, random: this.augmentRandom };
    const transform = this.opts.transform;
    // drawn here (the same draws augmentImagesTensor would make) so the batch can report them
    const params = transform ? undefined : drawAugmentParams(layout.batch, opts.augment, opts.random);
    // kept out of any tidy scope that happens to be open: the loader or the caller owns them
    const x = keep(transform ? tensor(transform(images, layout, opts), [indices.length, channels, height, width]) : augmentImagesTensor(images, layout, { normalize: opts.normalize, params }));
    const y = keep(tensor(labels, [indices.length], { dtype: 'int32' }));
    return { x, y, indices, params };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<LoaderBatch, void, undefined> {
    const order = this.nextOrder();
    const batches = this.length;
    const indicesOf = (b: number): Int32Array => order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
    const autoDispose = this.opts.autoDispose ?? true;
    // Built one batch ahead on a macrotask: it runs while the caller awaits the GPU (a
    // readback or flush) during its step, so gather + upload overlap the training work.
    const buildLater = (b: number): Promise<LoaderBatch> => new Promise((resolve, reject) => {
      setTimeout(() => {
        try {
          resolve(this.buildBatch(indicesOf(b)));
        } catch (e) {
          reject(e);
        }
      }, 0);
    });
    let ahead: Promise<LoaderBatch> | null = batches > 0 ? Promise.resolve(this.buildBatch(indicesOf(0))) : null;
    let current: LoaderBatch | null = null;
    try {
      for (let b = 0; b < batches; b++) {
        const next: LoaderBatch = await ahead!;
        if (autoDispose && current) disposeBatch(current);
        current = next;
        ahead = b + 1 < batches ? buildLater(b + 1) : null;
        yield current;
      }
    } finally {
      // the loop ended or was left early (break, an error): release what the loader still owns
      if (autoDispose && current) disposeBatch(current);
      if (ahead) await ahead.then(disposeBatch, () => undefined);
    }
  }
}

function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  batch.y.dispose();
}
