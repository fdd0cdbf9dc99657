// The course's linear classifier f(x) = Wx + b on raw pixels (or any feature vector), trained
// with the multiclass SVM (hinge) or softmax loss plus L2 regularisation λ·ΣW², by mini-batch
// gradient descent. Training data stays on the host and is uploaded one batch at a time, so
// a 49,000 × 3,072 training set never needs one large device buffer.
import { randn, tensor, zeros } from '../creation.js';
import * as F from '../nn/functional.js';
import { Adam, type Optimizer, RMSprop, SGD } from '../optim/index.js';
import { Random } from '../random.js';
import { getBackend, keep, noGrad, tidy } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { hostLabels } from './kernel.js';
import { accuracyOf } from './knn.js';

export type LinearLoss = 'svm' | 'softmax';
export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'rmsprop';

export interface LinearClassifierOptions {
  loss: LinearLoss;
  inputSize: number;
  numClasses: number;
  /** λ of the regulariser λ·ΣW² (default 0) */
  lambda?: number;
  /** append a constant 1 to every input and fold b into W (the course's bias trick; b is then regularised too) */
  biasTrick?: boolean;
  /** W starts as weightScale · N(0, 1) (default 1e-3, as cs231n) */
  weightScale?: number;
  seed?: number;
}

export interface LinearFitOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: OptimizerName;
  /** the learning rate is multiplied by this after every epoch (default 1) */
  lrDecay?: number;
  /** seed of the batch order */
  seed?: number;
  onEpoch?: (info: { epoch: number; loss: number; lr: number }) => void | Promise<void>;
}

/** A matrix [N, inputSize]: a tensor, or row-major host data */
export type Rows = Tensor | Float32Array;
export type Labels = Tensor | ArrayLike<number>;

export interface SweepOptions extends Omit<LinearFitOptions, 'lr' | 'onEpoch'> {
  lrs: readonly number[];
  lambdas: readonly number[];
  onTrial?: (trial: SweepTrial) => void;
}

export interface SweepTrial {
  lr: number;
  lambda: number;
  trainAccuracy: number;
  valAccuracy: number;
}

export interface SweepResult {
  best: LinearClassifier;
  bestTrial: SweepTrial;
  trials: SweepTrial[];
}

export class LinearClassifier {
  readonly loss: LinearLoss;
  readonly inputSize: number;
  readonly numClasses: number;
  readonly lambda: number;
  readonly biasTrick: boolean;
  /** [numClasses, inputSize (+1 with the bias trick)] */
  readonly weight: Tensor;
  /** [numClasses], null with the bias trick */
  readonly bias: Tensor | null;

  constructor(opts: LinearClassifierOptions) {
    if (opts.loss !== 'svm' && opts.loss !== 'softmax') throw new Error(`webgrad: LinearClassifier: loss must be 'svm' or 'softmax', got '${opts.loss as string}'`);
    if (!(opts.inputSize > 0 && opts.numClasses > 1)) throw new Error(`webgrad: LinearClassifier: bad sizes ${opts.inputSize} → ${opts.numClasses}`);
    this.loss = opts.loss;
    this.inputSize = opts.inputSize;
    this.numClasses = opts.numClasses;
    this.lambda = opts.lambda ?? 0;
    this.biasTrick = opts.biasTrick ?? false;
    const columns = this.inputSize + (this.biasTrick ? 1 : 0);
    this.weight = keep(noGrad(() => randn([this.numClasses, columns], { seed: opts.seed ?? 0 }).mul(opts.weightScale ?? 1e-3)).requireGrad());
    this.bias = this.biasTrick ? null : keep(zeros([this.numClasses], { requiresGrad: true }));
  }

  parameters(): Tensor[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  /** class scores [N, numClasses] of x [N, inputSize] */
  scores(x: Tensor): Tensor {
    if (!this.biasTrick) return F.linear(x, this.weight, this.bias);
    // [x, 1]·Wᵀ = x·W[:, :D]ᵀ + W[:, D]: the same bias trick without copying the batch into a wider matrix
    const d = this.inputSize;
    return F.linear(x, this.weight.slice([null, [0, d]]), this.weight.slice([null, [d, d + 1]]).reshape([this.numClasses]));
  }

  /** data loss (mean over the batch) + λ·ΣW² */
  objective(x: Tensor, y: Tensor): Tensor {
    const s = this.scores(x);
    const data = this.loss === 'svm' ? F.svmLoss(s, y) : F.crossEntropy(s, y);
    return this.lambda === 0 ? data : data.add(F.l2Penalty([this.weight], this.lambda));
  }

  /** int32 [N]: the highest-scoring class of each row */
  predict(x: Tensor): Tensor {
    return noGrad(() => tidy(() => this.scores(x).argmax(1)));
  }

  /** mini-batch descent on (x, y); returns the mean loss of every epoch */
  async fit(x: Rows, y: Labels, opts: LinearFitOptions = {}): Promise<number[]> {
    const data = await hostRows(x, this.inputSize);
    const labels = await hostLabels(y);
    const n = labels.length;
    if (data.length !== n * this.inputSize) throw new Error(`webgrad: LinearClassifier.fit: ${data.length / this.inputSize} rows for ${n} labels`);
    const batchSize = Math.min(opts.batchSize ?? 200, n);
    const optimizer = makeOptimizer(opts.optimizer ?? 'sgd', this.parameters(), opts.lr ?? 1e-3);
    const rng = new Random(opts.seed ?? 1);
    const losses: number[] = [];
    try {
      for (let epoch = 0; epoch < (opts.epochs ?? 1); epoch++) {
        const order = rng.permutation(n);
        let lossSum: Tensor = keep(zeros([]));
        let steps = 0;
        for (let start = 0; start + batchSize <= n; start += batchSize, steps++) {
          const rows = order.subarray(start, start + batchSize);
          const next = tidy(() => {
            const loss = this.objective(this.batchTensor(data, rows), labelsOf(labels, rows));
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            return lossSum.add(loss.detach());
          });
          lossSum.dispose();
          lossSum = keep(next);
          await getBackend().flush();
        }
        losses.push((await lossSum.item()) / Math.max(steps, 1));
        lossSum.dispose();
        const lr = optimizer.paramGroups[0].lr;
        await opts.onEpoch?.({ epoch, loss: losses[epoch], lr });
        for (const g of optimizer.paramGroups) g.lr *= opts.lrDecay ?? 1;
      }
    } finally {
      // frees the gradients and the optimizer's gradient and state arenas (the weights live on in their slot)
      optimizer.zeroGrad();
      optimizer.dispose();
    }
    return losses;
  }

  /** the fraction of rows classified correctly, evaluated in batches */
  async accuracy(x: Rows, y: Labels, batchSize = 1000): Promise<number> {
    const data = await hostRows(x, this.inputSize);
    const labels = await hostLabels(y);
    const predictions = new Int32Array(labels.length);
    for (let start = 0; start < labels.length; start += batchSize) {
      const end = Math.min(labels.length, start + batchSize);
      const p = tidy(() => this.predict(tensor(data.subarray(start * this.inputSize, end * this.inputSize), [end - start, this.inputSize])));
      predictions.set(await p.data(), start);
      p.dispose();
    }
    return accuracyOf(predictions, labels);
  }

  /**
   * The learned weights as one image per class ("one template per class" in the course),
   * [numClasses, ...imageShape], each class rescaled to [0, 1] by its own min and max.
   */
  templates(imageShape: readonly number[] = [3, 32, 32]): Tensor {
    const size = imageShape.reduce((a, b) => a * b, 1);
    if (size !== this.inputSize) throw new Error(`webgrad: templates: image shape [${imageShape}] has ${size} values, the classifier takes ${this.inputSize}`);
    return noGrad(() => tidy(() => {
      const w = this.biasTrick ? this.weight.slice([null, [0, this.inputSize]]) : this.weight;
      const lo = w.min(1, true);
      const span = w.max(1, true).sub(lo).maximum(1e-12);
      return w.sub(lo).div(span).reshape([this.numClasses, ...imageShape]);
    }));
  }

  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }

  /**
   * Grid search over learning rate × λ as the course's notebook: train one classifier per
   * pair, score it on the validation split, keep the best (the others are disposed).
   */
  static async sweep(base: Omit<LinearClassifierOptions, 'lambda'>, train: { x: Rows; y: Labels }, val: { x: Rows; y: Labels }, opts: SweepOptions): Promise<SweepResult> {
    const trials: SweepTrial[] = [];
    let best: { model: LinearClassifier; trial: SweepTrial } | null = null;
    const [trainX, trainY] = [await hostRows(train.x, base.inputSize), await hostLabels(train.y)];
    const [valX, valY] = [await hostRows(val.x, base.inputSize), await hostLabels(val.y)];
    for (const lr of opts.lrs) {
      for (const lambda of opts.lambdas) {
        const model = new LinearClassifier({ ...base, lambda });
        await model.fit(trainX, trainY, { ...opts, lr });
        const trial = { lr, lambda, trainAccuracy: await model.accuracy(trainX, trainY), valAccuracy: await model.accuracy(valX, valY) };
        trials.push(trial);
        opts.onTrial?.(trial);
        if (!best || trial.valAccuracy > best.trial.valAccuracy) {
          best?.model.dispose();
          best = { model, trial };
        } else {
          model.dispose();
        }
      }
    }
    if (!best) throw new Error('webgrad: LinearClassifier.sweep: empty lrs or lambdas');
    return { best: best.model, bestTrial: best.trial, trials };
  }

  /** a batch [rows.length, inputSize] gathered on the host and uploaded */
  private batchTensor(data: Float32Array, rows: Int32Array): Tensor {
    const d = this.inputSize;
    const batch = new Float32Array(rows.length * d);
    rows.forEach((r, i) => batch.set(data.subarray(r * d, (r + 1) * d), i * d));
    return tensor(batch, [rows.length, d]);
  }
}

function labelsOf(labels: Int32Array, rows: Int32Array): Tensor {
  return tensor(Int32Array.from(rows, (r) => labels[r]), [rows.length], { dtype: 'int32' });
}

async function hostRows(x: Rows, columns: number): Promise<Float32Array> {
  const data = x instanceof Tensor ? Float32Array.from(await x.data()) : x;
  if (data.length % columns !== 0) throw new Error(`webgrad: LinearClassifier: ${data.length} values are not rows of ${columns}`);
  return data;
}

export function makeOptimizer(name: OptimizerName, params: Tensor[], lr: number): Optimizer {
  switch (name) {
    case 'sgd': return new SGD(params, { lr });
    case 'momentum': return new SGD(params, { lr, momentum: 0.9 });
    case 'adam': return new Adam(params, { lr });
    case 'rmsprop': return new RMSprop(params, { lr });
    default: throw new Error(`webgrad: unknown optimizer '${name as string}' (sgd, momentum, adam, rmsprop)`);
  }
}
