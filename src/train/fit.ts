// A training loop and an evaluator over any (async) iterable of { x, y } batches. A step
// records forward, backward and the optimizer update, then submits (flush) without reading
// anything back, unless `lossEvery` asks for the loss of that step.
import type { Module } from '../nn/module.js';
import type { LRScheduler } from '../optim/lr-scheduler.js';
import type { Optimizer } from '../optim/optimizer.js';
import { DeviceCheckError } from '../backend/device-checks.js';
import { compile } from '../compile.js';
import { getBackend, noGrad, tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';

export interface Batch {
  x: Tensor;
  y: Tensor;
}

export type Loader = Iterable<Batch> | AsyncIterable<Batch>;

export interface StepInfo {
  epoch: number;
  /** steps taken since fit() started, this one included */
  step: number;
  /** the step's loss, only on steps where lossEvery asked for it */
  loss?: number;
}

export interface EpochInfo {
  epoch: number;
  steps: number;
  /** mean of the losses read in this epoch (undefined when none was read) */
  meanLoss?: number;
}

export interface FitOptions {
  /** an Optimizer, or anything with its zeroGrad / step (e.g. several optimizers stepped together) */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  optimizer: Pick<Optimizer<any>, 'zeroGrad' | 'step'>;
  /** (model output, targets) → scalar loss, e.g. wg.nn.functional.crossEntropy */
  loss: (output: Tensor, target: Tensor) => Tensor;
  epochs?: number;
  /** read the loss back every n steps (0, the default: never; readbacks stall the pipeline) */
  lossEvery?: number;
  /** stepped once per optimizer step (an LRScheduler, or any schedule with a step()) */
  scheduler?: Pick<LRScheduler, 'step'>;
  onStep?: (info: StepInfo) => void | Promise<void>;
  onEpoch?: (info: EpochInfo) => void | Promise<void>;
  /** stops before the next step; fit() then rejects with the signal's reason */
  signal?: AbortSignal;
  /** keep training when a read loss is NaN or infinite (default false: fit throws, naming the step) */
  allowNonFiniteLoss?: boolean;
  /** dispose each batch's x and y after its step (default true: the loader hands them over) */
  disposeBatches?: boolean;
  /** filled with where the host's time went (milliseconds, summed over steps), for profiling */
  timings?: FitTimings;
  /**
   * run the training step through wg.compile (default true): recorded once per batch shape,
   * then replayed with no op dispatch in JavaScript; false runs every step eagerly
   */
  compile?: boolean;
}

/** Host-side milliseconds per phase of fit(), summed over the steps (see FitOptions.timings). */
export interface FitTimings {
  /** waiting for the loader's next batch */
  loader: number;
  /** recording forward, backward and the optimizer update (JS work, no GPU wait) */
  record: number;
  /** submitting a step without a readback (flush) */
  flush: number;
  /** reading the loss back on lossEvery steps: waits for the GPU to finish the queued steps */
  readback: number;
  /** in the onStep callback */
  callback: number;
}

export function emptyFitTimings(): FitTimings {
  return { loader: 0, record: 0, flush: 0, readback: 0, callback: 0 };
}

/**
 * A lap clock over `timings`: each call adds the time since the previous call to `phase`
 * (none: just restart). Without timings it does nothing, so the step pays no clock reads.
 */
function lapClock(timings: FitTimings | undefined): (phase?: keyof FitTimings) => void {
  if (!timings) return () => {};
  let last = performance.now();
  return (phase) => {
    const now = performance.now();
    if (phase) timings[phase] += now - last;
    last = now;
  };
}

export interface FitResult {
  steps: number;
  epochs: number;
  /** the losses that were read (lossEvery), in order */
  losses: number[];
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new Error('webgrad: fit() was aborted');
}

/** where fit() is, for naming the steps a device-side check covered */
interface FitPosition {
  epoch: number;
  step: number;
  /** the last step whose checks were read back and passed */
  checked: number;
}

/** fit's message for a failed device-side check: the step range it covers, what to do */
function fitCheckError(e: DeviceCheckError, at: FitPosition): Error {
  const from = at.checked + 1;
  const span = from >= at.step ? `step ${at.step}` : `steps ${from}–${at.step}`;
  const where = `epoch ${at.epoch + 1}; found by the device-side check covering ${span}`;
  const msg = e.kind === 'nonFinite'
    ? `webgrad: fit: the loss became non-finite (NaN or ±Infinity) at step ${e.value} (${where}); the model's weights are no longer usable. ` +
      'Lower the learning rate, clip gradients (optim.clipGradNorm) or check the inputs for NaN/Infinity (pass allowNonFiniteLoss: true to keep going)'
    : `${e.message}, in fit (${where}): check the dataset's labels / indices`;
  return new Error(msg, { cause: e });
}

/**
 * Trains `model` in place; resolves when every epoch is done. Each step records a device-side
 * finite-loss check (unless allowNonFiniteLoss) and label checks ride in the loss kernels; both
 * come back with the lossEvery readbacks and one small readback per epoch end, so fit rejects,
 * naming the step range, instead of resolving with NaN weights.
 */
export async function fit(model: Module, loader: Loader, opts: FitOptions): Promise<FitResult> {
  const at: FitPosition = { epoch: 0, step: 0, checked: 0 };
  try {
    return await fitLoop(model, loader, opts, at);
  } catch (e) {
    throw e instanceof DeviceCheckError ? fitCheckError(e, at) : e;
  }
}

async function fitLoop(model: Module, loader: Loader, opts: FitOptions, at: FitPosition): Promise<FitResult> {
  const { optimizer, loss: lossFn, epochs = 1, lossEvery = 0, scheduler, signal, disposeBatches = true } = opts;
  const checkFinite = opts.allowNonFiniteLoss !== true;
  const be = getBackend();
  const losses: number[] = [];
  let step = 0;
  model.train();
  const trainStep = (x: Tensor, y: Tensor): Tensor => {
    optimizer.zeroGrad();
    const l = lossFn(model.forward(x), y);
    // recorded with the step: a flag on the device, read with the next readback (a compiled
    // step's replays tag it with the current step)
    if (checkFinite) be.checkFinite(l.storage, 'fit', at.step, () => at.step);
    l.backward();
    optimizer.step();
    return l;
  };
  const compiled = opts.compile === false ? null : compile(trainStep);
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      at.epoch = epoch;
      let epochSteps = 0;
      let epochLossSum = 0;
      let epochLossCount = 0;
      const lap = lapClock(opts.timings);
      for await (const { x, y } of loader) {
        lap('loader'); // since the previous step's callback (or the epoch's start)
        if (signal?.aborted && disposeBatches) {
          // the loader built this batch before the abort was seen: it is ours to free
          x.dispose();
          y.dispose();
        }
        throwIfAborted(signal);
        step++;
        at.step = step;
        epochSteps++;
        const wantLoss = lossEvery > 0 && step % lossEvery === 0;
        const stepLoss = compiled ? compiled(x, y) : tidy(() => trainStep(x, y));
        // the loss survives the step only when it will be read
        const kept = wantLoss ? stepLoss : null;
        if (!wantLoss) stepLoss.dispose();
        scheduler?.step();
        if (disposeBatches) {
          x.dispose();
          y.dispose();
        }
        lap('record');
        let value: number | undefined;
        if (kept) {
          try {
            value = await kept.item();
          } finally {
            kept.dispose();
          }
          at.checked = step;
          lap('readback');
          if (!Number.isFinite(value) && opts.allowNonFiniteLoss !== true)
            throw new Error(
              `webgrad: fit: the loss became ${value} at step ${step} (epoch ${epoch + 1}); the model's weights are ` +
                'no longer usable. Lower the learning rate, clip gradients (optim.clipGradNorm) or check the inputs for NaN/Infinity ' +
                '(pass allowNonFiniteLoss: true to keep going)',
            );
          losses.push(value);
          epochLossSum += value;
          epochLossCount++;
        } else {
          // submit the step's work (no readback); also yields so an abort can arrive
          await be.flush();
          lap('flush');
        }
        await opts.onStep?.({ epoch, step, loss: value });
        lap('callback');
      }
      // at the latest here: an epoch never ends with an unnoticed NaN loss or bad label
      await be.checkErrors();
      at.checked = step;
      await opts.onEpoch?.({ epoch, steps: epochSteps, meanLoss: epochLossCount ? epochLossSum / epochLossCount : undefined });
    }
  } finally {
    compiled?.dispose();
  }
  return { steps: step, epochs, losses };
}

export interface EvaluateOptions {
  numClasses: number;
  signal?: AbortSignal;
  disposeBatches?: boolean;
}

export interface EvaluateResult {
  accuracy: number;
  /** confusion[trueClass][predictedClass] = count */
  confusion: number[][];
  total: number;
}

/** Classification accuracy and confusion matrix over a loader, in eval mode without gradients. */
export async function evaluate(model: Module, loader: Loader, { numClasses, signal, disposeBatches = true }: EvaluateOptions): Promise<EvaluateResult> {
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const wasTraining = model.training;
  model.eval();
  let total = 0;
  let correct = 0;
  try {
    for await (const { x, y } of loader) {
      throwIfAborted(signal);
      const predicted = noGrad(() => tidy(() => model.forward(x).argmax(1)));
      const [pred, truth] = await Promise.all([predicted.data(), y.data()]);
      predicted.dispose();
      if (disposeBatches) {
        x.dispose();
        y.dispose();
      }
      for (let i = 0; i < pred.length; i++) {
        const t = truth[i];
        const p = pred[i];
        if (!(t >= 0 && t < numClasses)) throw new Error(`webgrad: evaluate: label ${t} is outside [0, ${numClasses})`);
        confusion[t][p]++;
        if (t === p) correct++;
      }
      total += pred.length;
    }
  } finally {
    model.train(wasTraining);
  }
  return { accuracy: total ? correct / total : 0, confusion, total };
}
