// airbench94's training recipe (KellerJordan/cifar10-airbench, airbench94_muon.py at commit
// 096d14d): batch 2000, 8 epochs, label smoothing 0.2, summed loss; Nesterov SGD (momentum
// 0.85) for the whitening bias (lr 0.053, trained for the first 3 epochs), the BN biases
// (0.053) and the head (0.67), weight decay 2e-6·batch / lr; Muon (lr 0.24, momentum 0.6,
// Nesterov, 3 Newton–Schulz steps, weights renormalised) for the conv filters; every lr decays
// linearly to 0; flips that alternate by epoch; ±2 px translations; test-time augmentation
// (mirror + ±1 px translate), shifted-in pixels reflected as airbench's reflect padding.
// Deviation: Newton–Schulz runs in float32 where airbench uses bfloat16.
import * as wg from '../../src/index.js';
import type { AirbenchNet } from './airbench-net.js';

type Tensor = wg.Tensor;

export const AIRBENCH94 = {
  batchSize: 2000,
  epochs: 8,
  whitenBiasEpochs: 3,
  biasLr: 0.053,
  headLr: 0.67,
  /** wd = 2e-6 · batch size, divided by each group's lr (airbench's weight_decay = wd / lr) */
  weightDecayPerImage: 2e-6,
  sgdMomentum: 0.85,
  muonLr: 0.24,
  muonMomentum: 0.6,
  nsSteps: 3,
  labelSmoothing: 0.2,
  translate: 2,
  whitenImages: 5000,
  whitenEps: 5e-4,
} as const;

/** airbench's CIFAR_MEAN / CIFAR_STD */
export const AIRBENCH_NORMALIZE: wg.data.NormalizeOptions = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };

/** summed label-smoothed cross-entropy (airbench: reduction='sum') */
export function airbenchLoss(scores: Tensor, labels: Tensor): Tensor {
  return wg.functional.crossEntropy(scores, labels, { labelSmoothing: AIRBENCH94.labelSmoothing, reduction: 'sum' });
}

/** normalised float32 [count, 3, h, w] of the first `count` images of a set (host side, for the whitening PCA) */
export function normalizedImages(set: wg.data.ImageSet, count: number): Float32Array {
  const n = Math.min(count, set.count);
  const plane = set.height * set.width;
  const out = new Float32Array(n * set.channels * plane);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / plane) % set.channels;
    out[i] = (set.images[i] / 255 - AIRBENCH_NORMALIZE.mean[c]) / AIRBENCH_NORMALIZE.std[c];
  }
  return out;
}

/**
 * Both optimizers and the schedule, shaped for wg.train.fit: `zeroGrad` / `step` as an
 * optimizer, `schedulerStep` after each step (fit's scheduler). Before step k (0-based) the
 * whitening bias has lr biasLr·(1 − k/whitenSteps) and gets a gradient only while k <
 * whitenSteps; every other group has its initial lr·(1 − k/totalSteps).
 */
export class AirbenchOptimizer {
  readonly sgd: wg.optim.SGD;
  readonly muon: wg.optim.Muon;
  private k = 0;
  private readonly initial: number[];

  constructor(readonly net: AirbenchNet, batch: number, readonly totalSteps: number, readonly whitenSteps: number) {
    const { filters, normBiases, whitenBias, head } = net.parameterGroups();
    const wd = AIRBENCH94.weightDecayPerImage * batch;
    const { biasLr, headLr } = AIRBENCH94;
    this.sgd = new wg.optim.SGD([
      { params: [whitenBias], lr: biasLr, weightDecay: wd / biasLr },
      { params: normBiases, lr: biasLr, weightDecay: wd / biasLr },
      { params: [head], lr: headLr, weightDecay: wd / headLr },
    ], { momentum: AIRBENCH94.sgdMomentum, nesterov: true });
    this.muon = new wg.optim.Muon(filters, {
      lr: AIRBENCH94.muonLr, momentum: AIRBENCH94.muonMomentum, nesterov: true, nsSteps: AIRBENCH94.nsSteps, normalizeWeights: true,
    });
    this.initial = [...this.sgd.paramGroups, ...this.muon.paramGroups].map((g) => g.lr);
    this.apply();
  }

  /** optimizer steps taken */
  get stepCount(): number {
    return this.k;
  }

  private apply(): void {
    const groups = [...this.sgd.paramGroups, ...this.muon.paramGroups];
    // past whitenSteps the bias has no gradient (detached) and SGD skips it
    groups[0].lr = this.initial[0] * Math.max(0, 1 - this.k / this.whitenSteps);
    for (let i = 1; i < groups.length; i++) groups[i].lr = this.initial[i] * Math.max(0, 1 - this.k / this.totalSteps);
    this.net.whitenBiasGrad = this.k < this.whitenSteps;
  }

  zeroGrad(): void {
    this.net.zeroGrad();
  }

  step(): void {
    this.sgd.step();
    this.muon.step();
  }

  /** after each step: the next step's learning rates */
  schedulerStep(): void {
    this.k++;
    this.apply();
  }

  dispose(): void {
    this.sgd.dispose();
    this.muon.dispose();
  }
}

export interface AirbenchBatchDecision {
  indices: Int32Array;
  /** (dy, dx, flip) per image, int32 [batch · 3] */
  params: Int32Array;
}

/**
 * airbench's training loader: a seeded shuffle each epoch (last partial batch dropped); every
 * image has a flip bit drawn once, flipped again on odd epochs (alternating flips); each image
 * of each batch gets a shift (dy, dx) uniform in [−translate, translate]. `decisions` draws the
 * same choices without making tensors (the PyTorch parity script replays them).
 */
export class AirbenchLoader implements Iterable<{ x: Tensor; y: Tensor }> {
  private readonly rng: wg.Random;
  private readonly baseFlip: Uint8Array;
  private epoch = 0;
  buildMilliseconds = 0;

  constructor(readonly set: wg.data.ImageSet, readonly batchSize: number, seed: number, readonly translate: number = AIRBENCH94.translate) {
    if (set.count < batchSize) throw new Error(`airbench: ${set.count} training images cannot fill one batch of ${batchSize}`);
    this.rng = new wg.Random(seed);
    this.baseFlip = Uint8Array.from(this.rng.uniform(set.count), (u) => (u < 0.5 ? 1 : 0));
  }

  get length(): number {
    return Math.floor(this.set.count / this.batchSize);
  }

  /** the next epoch's batches: images and per-image (dy, dx, flip) */
  nextEpochDecisions(): AirbenchBatchDecision[] {
    const order = this.rng.permutation(this.set.count);
    const odd = this.epoch % 2;
    this.epoch++;
    const r = this.translate;
    return Array.from({ length: this.length }, (_, b) => {
      const indices = order.slice(b * this.batchSize, (b + 1) * this.batchSize);
      const params = new Int32Array(3 * indices.length);
      indices.forEach((index, i) => {
        params[3 * i] = Math.floor(this.rng.next() * (2 * r + 1)) - r;
        params[3 * i + 1] = Math.floor(this.rng.next() * (2 * r + 1)) - r;
        params[3 * i + 2] = this.baseFlip[index] ^ odd;
      });
      return { indices, params };
    });
  }

  *[Symbol.iterator](): Iterator<{ x: Tensor; y: Tensor }> {
    for (const d of this.nextEpochDecisions()) {
      const started = performance.now();
      const batch = airbenchBatch(this.set, d);
      this.buildMilliseconds += performance.now() - started;
      yield batch;
    }
  }
}

/** one batch's tensors: gathered, shifted / flipped and normalised by the augment kernel */
export function airbenchBatch(set: wg.data.ImageSet, d: AirbenchBatchDecision): { x: Tensor; y: Tensor } {
  const { images, labels } = wg.data.gatherImages(set, d.indices);
  const layout = { batch: d.indices.length, channels: set.channels, height: set.height, width: set.width };
  return {
    x: wg.data.augmentImagesTensor(images, layout, { normalize: AIRBENCH_NORMALIZE, params: d.params, padding: 'reflect' }),
    y: wg.tensor(labels, [layout.batch], { dtype: 'int32' }),
  };
}

/** airbench's tta_level 2 views (dy, dx, flip) and weights: ½ of mirror-averaged logits, ½ of the two ±1 px shifts' */
const TTA_VIEWS: [number, number, number, number][] = [
  [0, 0, 0, 0.25], [0, 0, 1, 0.25],
  [-1, -1, 0, 0.125], [-1, -1, 1, 0.125], [1, 1, 0, 0.125], [1, 1, 1, 0.125],
];

/**
 * Test accuracy (and confusion) in eval mode; `tta` 2 averages the logits of six views as
 * airbench's infer_mirror_translate, 0 is the plain forward.
 */
export async function airbenchEvaluate(net: AirbenchNet, set: wg.data.ImageSet, { tta = 2, batch = 500 } = {}): Promise<wg.train.EvaluateResult> {
  const views = tta === 2 ? TTA_VIEWS : [[0, 0, 0, 1] as [number, number, number, number]];
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  let correct = 0;
  const wasTraining = net.training;
  net.eval();
  try {
    for (let start = 0; start < set.count; start += batch) {
      const n = Math.min(batch, set.count - start);
      const indices = Int32Array.from({ length: n }, (_, i) => start + i);
      const predicted = wg.noGrad(() => wg.tidy(() => {
        let logits: Tensor | null = null;
        for (const [dy, dx, flip, weight] of views) {
          const params = new Int32Array(3 * n);
          for (let i = 0; i < n; i++) params.set([dy, dx, flip], 3 * i);
          const { x } = airbenchBatch(set, { indices, params });
          const out = net.forward(x).mul(weight);
          logits = logits ? logits.add(out) : out;
        }
        return logits!.argmax(1);
      }));
      const pred = await predicted.data();
      predicted.dispose();
      for (let i = 0; i < n; i++) {
        const t = set.labels[start + i];
        confusion[t][pred[i]]++;
        if (t === pred[i]) correct++;
      }
    }
  } finally {
    net.train(wasTraining);
  }
  return { accuracy: set.count ? correct / set.count : 0, confusion, total: set.count };
}
