// One training run inside the worker: builds the model and optimizer, trains with
// wg.train.fit (one submit per step, the loss read back only every `lossEvery` steps),
// evaluates, and reports through `post`. Pause/stop arrive as method calls.
import * as wg from '../../src/index.js';
import { cropPadding, learningRate, type TrainConfig } from './config.js';
import { CIFAR_NORMALIZE } from './data.js';
import { AirbenchNet } from './airbench-net.js';
import { AIRBENCH94, AirbenchLoader, AirbenchOptimizer, airbenchEvaluate, airbenchLoss, normalizedImages } from './airbench-recipe.js';
import { buildModel, firstLayerWeights, forwardFlopsPerImage, lossFor } from './models.js';
import type { FromWorker, PerStepCounts, RunResult } from './protocol.js';

type Post = (msg: FromWorker, transfer?: Transferable[]) => void;
type Module = wg.nn.Module;

const EVAL_BATCH = 200;
const SAMPLE_IMAGES = 32;

export function makeOptimizer(cfg: TrainConfig, params: wg.Tensor[]): wg.optim.Optimizer<object> {
  const lr = learningRate(cfg);
  const weightDecay = cfg.weightDecay;
  switch (cfg.optimizer) {
    case 'sgd': return new wg.optim.SGD(params, { lr, weightDecay });
    case 'momentum': return new wg.optim.SGD(params, { lr, momentum: 0.9, weightDecay });
    case 'adam': return new wg.optim.Adam(params, { lr, weightDecay });
    case 'adamw': return new wg.optim.AdamW(params, { lr, weightDecay: weightDecay || 5e-4 });
  }
}

/** The learning-rate schedule over `totalSteps` optimizer steps (undefined: constant). */
export function makeScheduler(cfg: TrainConfig, optimizer: wg.optim.Optimizer<object>, totalSteps: number): wg.optim.LRScheduler | undefined {
  switch (cfg.schedule) {
    case 'constant': return undefined;
    case 'cosine': return new wg.optim.CosineAnnealingLR(optimizer, totalSteps);
    case 'onecycle': return new wg.optim.OneCycleLR(optimizer, { maxLr: learningRate(cfg), totalSteps });
  }
}

/** The training loader of every model but airbench: seeded shuffle, whole batches, flip + random crop when cfg.augment. */
export function trainLoader(cfg: TrainConfig, train: wg.data.ImageSet): wg.data.DataLoader {
  return new wg.data.DataLoader(train, {
    batchSize: cfg.batch, shuffle: true, seed: cfg.seed, dropLast: true, normalize: CIFAR_NORMALIZE,
    augment: cfg.augment ? { flip: true, crop: { padding: cropPadding(cfg) } } : undefined,
  });
}

/** airbench's whitening filters, from the PCA of the first (up to) 5,000 training images' 2×2 patches */
export function initAirbenchWhitening(net: AirbenchNet, train: wg.data.ImageSet): void {
  const count = Math.min(AIRBENCH94.whitenImages, train.count);
  net.initWhitening(normalizedImages(train, count), count, train.height, train.width, AIRBENCH94.whitenEps);
}

/** airbench: the whitening bias trains for 3 of the 8 epochs; a run cut short keeps that share */
export function airbenchWhitenSteps(totalSteps: number): number {
  return Math.ceil((totalSteps * AIRBENCH94.whitenBiasEpochs) / AIRBENCH94.epochs);
}

function subset(set: wg.data.ImageSet, count: number): wg.data.ImageSet {
  const n = Math.min(count, set.count);
  const size = set.channels * set.height * set.width;
  return { ...set, count: n, images: set.images.subarray(0, n * size), labels: set.labels.subarray(0, n) };
}

export async function evaluateOn(model: Module, set: wg.data.ImageSet): Promise<wg.train.EvaluateResult> {
  const loader = new wg.data.DataLoader(set, { batchSize: EVAL_BATCH, normalize: CIFAR_NORMALIZE });
  return wg.train.evaluate(model, loader, { numClasses: 10 });
}

/** Waits for the GPU to finish everything queued so far, by reading back a tiny tensor. */
async function waitForDevice(model: Module): Promise<void> {
  const params = model.parameters();
  const smallest = params.reduce((a, b) => (b.size < a.size ? b : a));
  await smallest.data();
}

function countsBetween(after: wg.BackendStats, before: wg.BackendStats): PerStepCounts {
  return {
    dispatches: after.dispatches - before.dispatches,
    submits: after.submits - before.submits,
    readbacks: after.readbacks - before.readbacks,
    uploads: after.uploads - before.uploads,
  };
}

export async function postWeights(model: Module, post: Post): Promise<void> {
  const first = firstLayerWeights(model);
  if (!first) return;
  const data = (await first.weight.data()) as Float32Array;
  post({ type: 'weights', kind: first.kind, shape: [...first.weight.shape], data }, [data.buffer]);
}

export async function postSamples(model: Module, test: wg.data.ImageSet, classNames: string[], post: Post): Promise<void> {
  const set = subset(test, SAMPLE_IMAGES);
  const { x, y } = wg.data.batchTensors(set, { normalize: CIFAR_NORMALIZE });
  model.eval();
  const predictedTensor = wg.noGrad(() => wg.tidy(() => model.forward(x).argmax(1)));
  model.train();
  const predicted = Array.from(await predictedTensor.data());
  const labels = Array.from(await y.data());
  predictedTensor.dispose();
  x.dispose();
  y.dispose();
  const images = set.images.slice();
  post({ type: 'samples', images, labels, predicted, classNames }, [images.buffer]);
}

/**
 * GPU time per kernel label over `steps` more training steps on fresh batches (wg.profileKernels:
 * timestamp queries, one pass per dispatch). The steps update the model as training steps do.
 * Empty where the adapter has no timestamp queries or the backend is the CPU.
 */
async function profileTraining(
  model: Module, loader: Iterable<wg.train.Batch> | AsyncIterable<wg.train.Batch>, optimizer: Pick<wg.optim.Optimizer<object>, 'zeroGrad' | 'step'>,
  loss: (out: wg.Tensor, y: wg.Tensor) => wg.Tensor, steps: number,
): Promise<wg.KernelTiming[]> {
  if (wg.backend().name !== 'webgpu') return [];
  const batches: wg.train.Batch[] = [];
  for await (const b of loader) {
    batches.push(b);
    if (batches.length === steps) break;
  }
  try {
    return await wg.profileKernels(async () => {
      for (const { x, y } of batches) {
        wg.tidy(() => {
          optimizer.zeroGrad();
          loss(model.forward(x), y).backward();
          optimizer.step();
        });
        await wg.flush();
      }
    });
  } catch (e) {
    console.warn(`kernel profile skipped: ${(e as Error).message}`);
    return [];
  } finally {
    for (const { x, y } of batches) {
      x.dispose();
      y.dispose();
    }
  }
}

export class TrainingSession {
  private paused: { resume: () => void; promise: Promise<void> } | null = null;
  private readonly abort = new AbortController();
  readonly model: Module;

  /** `model`: what to train instead of buildModel(cfg.model, cfg.seed) (the same architecture, e.g. a narrower width) */
  constructor(readonly cfg: TrainConfig, private readonly dataset: wg.data.ImageDataset, private readonly post: Post, model?: Module) {
    this.model = model ?? buildModel(cfg.model, cfg.seed);
  }

  pause(): void {
    if (this.paused) return;
    let resume = (): void => {};
    const promise = new Promise<void>((r) => (resume = r));
    this.paused = { resume, promise };
  }

  resume(): void {
    this.paused?.resume();
    this.paused = null;
  }

  stop(): void {
    this.resume();
    this.abort.abort(new Error('stopped'));
  }

  async run(adapter: { name: string; isSoftware: boolean }): Promise<RunResult> {
    const { cfg, dataset, post, model } = this;
    // airbench brings its own loader (alternating flips), optimizers, loss and test-time augmentation
    const airbench = model instanceof AirbenchNet ? model : null;
    if (airbench) initAirbenchWhitening(airbench, dataset.train);
    const loader = airbench ? new AirbenchLoader(dataset.train, cfg.batch, cfg.seed) : trainLoader(cfg, dataset.train);
    // airbench: test-time augmentation (6 views) for the final figure only, as airbench times it
    const evaluateTest = (set: wg.data.ImageSet, final: boolean) =>
      (airbench ? airbenchEvaluate(airbench, set, { tta: final ? 2 : 0 }) : evaluateOn(model, set));
    const stepsPerEpoch = loader.length;
    const totalSteps = cfg.steps > 0 ? Math.min(cfg.steps, stepsPerEpoch * cfg.epochs) : stepsPerEpoch * cfg.epochs;
    const parameters = model.parameterCount();
    post({ type: 'ready', adapter: adapter.name, isSoftwareAdapter: adapter.isSoftware, trainImages: dataset.train.count, testImages: dataset.test.count, stepsPerEpoch, totalSteps, parameters });
    await postWeights(model, post);

    const recipe = airbench ? new AirbenchOptimizer(airbench, cfg.batch, totalSteps, airbenchWhitenSteps(totalSteps)) : null;
    const optimizer = recipe ?? makeOptimizer(cfg, model.parameters());
    const scheduler = recipe ? { step: () => recipe.schedulerStep() } : makeScheduler(cfg, optimizer as wg.optim.Optimizer<object>, totalSteps);
    const loss = airbench ? airbenchLoss : lossFor(cfg.model);
    const timings = wg.train.emptyFitTimings();
    let timingsAtStep1 = { ...timings, build: 0 };
    const losses: { step: number; loss: number }[] = [];
    const started = performance.now();
    let timedFrom = started; // set after step 1, whose time is mostly pipeline compilation
    let lastReport = { time: started, step: 0 };
    let rate = 0;
    let perStep: PerStepCounts = { dispatches: 0, submits: 0, readbacks: 0, uploads: 0 };
    let before = wg.stats();
    let stepsDone = 0;
    let lastTestAccuracy = Number.NaN;
    let lastConfusion: number[][] = [];

    const curvePoint = async (step: number): Promise<void> => {
      const train = await evaluateOn(model, subset(dataset.train, cfg.evalSubset));
      const test = await evaluateOn(model, subset(dataset.test, cfg.evalSubset));
      post({ type: 'accuracy', step, split: 'train', accuracy: train.accuracy });
      post({ type: 'accuracy', step, split: 'test', accuracy: test.accuracy });
      await postWeights(model, post);
    };

    const onStep = async ({ step, epoch, loss }: wg.train.StepInfo): Promise<void> => {
      const callbackStarted = performance.now();
      stepsDone = step;
      const now = wg.stats();
      // a step without a loss readback shows the steady-state cost: this is what must be 1 submit, 0 readbacks
      if (loss === undefined && step > 1) perStep = countsBetween(now, before);
      if (loss !== undefined) losses.push({ step, loss });
      if (step === 1) {
        // warm-up: step 1 compiled the pipelines and started the matmul tuner on every shape
        // class; its measurements must not share the queue with the timed steps
        await wg.settled();
        await waitForDevice(model);
        timedFrom = performance.now();
        lastReport = { time: timedFrom, step };
        // fit adds this callback's time after it returns: count it in the untimed first step
        timingsAtStep1 = { ...timings, build: loader.buildMilliseconds };
        timingsAtStep1.callback += performance.now() - callbackStarted;
      }
      // rates only where the GPU has caught up (a loss readback, or the sync after step 1):
      // between those, flush() returns once work is queued, not done
      const synced = loss !== undefined || step === 1;
      if (synced || step === totalSteps) {
        const time = performance.now();
        if (synced && step > lastReport.step) rate = ((step - lastReport.step) * cfg.batch) / ((time - lastReport.time) / 1000);
        const perStepSeconds = step > 1 ? (time - timedFrom) / 1000 / (step - 1) : 0;
        post({
          type: 'step', step, epoch, loss, imagesPerSecond: rate, elapsedSeconds: (time - started) / 1000,
          etaSeconds: perStepSeconds * (totalSteps - step),
          memory: { live: now.liveBytes, held: now.liveBytes + now.pooledBytes, peak: now.peakBytes },
        });
        if (synced) lastReport = { time, step };
      }
      if (cfg.evalEvery > 0 && step % cfg.evalEvery === 0) await curvePoint(step);
      if (step >= totalSteps) this.abort.abort(new Error('step limit'));
      if (this.paused) await this.paused.promise;
      before = wg.stats();
    };

    const onEpoch = async ({ epoch }: wg.train.EpochInfo): Promise<void> => {
      if (epoch === cfg.epochs - 1) return; // the final evaluation below covers the last epoch
      const result = await evaluateTest(dataset.test, false);
      lastTestAccuracy = result.accuracy;
      lastConfusion = result.confusion;
      post({ type: 'epoch', epoch, step: stepsDone, testAccuracy: result.accuracy, confusion: result.confusion });
      post({ type: 'accuracy', step: stepsDone, split: 'test', accuracy: result.accuracy });
      await postWeights(model, post);
      await postSamples(model, dataset.test, dataset.classNames, post);
    };

    try {
      await wg.train.fit(model, loader, {
        optimizer, loss, epochs: cfg.epochs, lossEvery: cfg.lossEvery, scheduler, onStep, onEpoch, signal: this.abort.signal, timings, compile: cfg.compile,
      });
    } catch (e) {
      if (!this.abort.signal.aborted) throw e;
    }
    await waitForDevice(model);
    const trainEnd = performance.now();
    const trainSeconds = (trainEnd - started) / 1000;
    const timedSeconds = (trainEnd - timedFrom) / 1000;
    const hostMsPerStep: Record<string, number> = {};
    if (stepsDone > 1) {
      const now = { ...timings, build: loader.buildMilliseconds };
      for (const k of Object.keys(now) as (keyof typeof now)[]) hostMsPerStep[k] = (now[k] - timingsAtStep1[k]) / (stepsDone - 1);
      hostMsPerStep.wall = (timedSeconds * 1000) / (stepsDone - 1);
    }
    const matmulVariants: Record<string, string> = {};
    if (wg.backend().name === 'webgpu')
      for (const [cls, e] of Object.entries(wg.matmulTuning()?.classes ?? {})) matmulVariants[cls] = `${e!.variant} (${e!.source})`;
    const trainImagesPerSecond = stepsDone > 1 ? ((stepsDone - 1) * cfg.batch) / timedSeconds : (stepsDone * cfg.batch) / trainSeconds;

    const profileSteps = cfg.profileSteps ?? (airbench ? 1 : 0);
    const kernels = profileSteps > 0 ? await profileTraining(model, loader, optimizer, loss, profileSteps) : undefined;
    optimizer.dispose(); // its state (momenta, Muon buffers) is done with; the model stays for save()
    post({ type: 'status', text: `evaluating on ${dataset.test.count} test images…` });
    const final = await evaluateTest(dataset.test, true);
    lastTestAccuracy = final.accuracy;
    lastConfusion = final.confusion;
    const evalSeconds = (performance.now() - trainEnd) / 1000;
    const lastEpoch = Math.max(0, Math.ceil(stepsDone / stepsPerEpoch) - 1);
    post({ type: 'epoch', epoch: lastEpoch, step: stepsDone, testAccuracy: lastTestAccuracy, confusion: lastConfusion });
    post({ type: 'accuracy', step: stepsDone, split: 'test', accuracy: lastTestAccuracy });
    await postWeights(model, post);
    await postSamples(model, dataset.test, dataset.classNames, post);

    return {
      model: cfg.model, epochs: stepsDone / stepsPerEpoch, steps: stepsDone, batch: cfg.batch, optimizer: cfg.optimizer,
      lr: learningRate(cfg), backend: cfg.backend, adapter: adapter.name, isSoftwareAdapter: adapter.isSoftware,
      wallSeconds: (performance.now() - started) / 1000, trainSeconds, trainImagesPerSecond,
      testAccuracy: lastTestAccuracy, testImages: final.total, evalSeconds,
      forwardFlopsPerImage: forwardFlopsPerImage(cfg.model), parameters, perStep, kernels, profileSteps, peakBytes: wg.stats().peakBytes, hostMsPerStep, matmulVariants, losses,
    };
  }
}
