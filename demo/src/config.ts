// One training configuration, shared by the page's form, the worker, URL parameters and
// the `npm run bench` command line, so each setting has one name and one default.

export const MODEL_NAMES = ['convnetjs', 'linear-softmax', 'linear-svm', 'mlp', 'vgg-bn', 'airbench'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];
export type BackendName = 'webgpu' | 'cpu';
export const SCHEDULE_NAMES = ['constant', 'cosine', 'onecycle'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];
/** the TensorFlow.js backends a run can be compared with on the same adapter */
export const PEER_NAMES = ['tfjs', 'tfjs-webgl'] as const;
export type PeerName = (typeof PEER_NAMES)[number];
/** 'cifar10': the real data set served under /data/cifar10/; 'synthetic': tiny generated images (tests) */
export type DataName = 'cifar10' | 'synthetic';

export interface TrainConfig {
  model: ModelName;
  optimizer: OptimizerName;
  /** undefined: the model's own default (see DEFAULT_LR) */
  lr?: number;
  batch: number;
  epochs: number;
  /** stop after this many steps in all (0: no limit) */
  steps: number;
  augment: boolean;
  /** augmentation's crop: pad each side by this many pixels, then crop back at a random offset (undefined: the model's own, DEFAULT_CROP_PAD) */
  cropPad?: number;
  seed: number;
  backend: BackendName;
  data: DataName;
  /** use only the first N training / test images (0: all) */
  trainLimit: number;
  testLimit: number;
  /** read the loss back every N steps (a readback waits for the GPU, so not every step) */
  lossEvery: number;
  /** measure accuracy on small train/test subsets every N steps for the curves (0: only at epoch ends) */
  evalEvery: number;
  /** images per subset used by evalEvery */
  evalSubset: number;
  /** WebGPU matmul autotuning (measured after the first step, before the clock starts); false: the heuristic variants */
  tune: boolean;
  /** run the training step through wg.compile (recorded once, replayed); false: every step eager, to compare */
  compile: boolean;
  /** L2 weight decay of the optimizer (0: none; AdamW defaults to 5e-4) */
  weightDecay: number;
  /** 'constant' learning rate, or 'cosine': annealed to 0 over the run's steps, or 'onecycle': warm-up to lr then annealed (OneCycleLR) */
  schedule: ScheduleName;
  /**
   * After training, train the same architecture with TensorFlow.js for comparison, once per
   * name: 'tfjs' (its WebGPU backend), 'tfjs-webgl' (its WebGL backend); "tfjs,tfjs-webgl" both.
   */
  peer?: PeerName[];
  /** after training, run this many more training steps under wg.profileKernels and report GPU time per kernel (undefined: 1 for airbench, else 0) */
  profileSteps?: number;
}

/** Learning rates that train each model in a first epoch without tuning. */
export const DEFAULT_LR: Record<ModelName, Record<OptimizerName, number>> = {
  'linear-softmax': { sgd: 1e-2, momentum: 1e-3, adam: 1e-3, adamw: 1e-3 },
  'linear-svm': { sgd: 1e-3, momentum: 1e-4, adam: 1e-4, adamw: 1e-4 },
  mlp: { sgd: 5e-2, momentum: 1e-2, adam: 1e-3, adamw: 1e-3 },
  // Adam 2e-3: the default run's rate (with one-cycle at batch 16, picked with bench/cifar/torch-replica.py)
  convnetjs: { sgd: 5e-2, momentum: 1e-2, adam: 2e-3, adamw: 1e-3 },
  'vgg-bn': { sgd: 1e-1, momentum: 5e-2, adam: 1e-3, adamw: 1e-3 },
  // unused: airbench trains with its own optimizers and learning rates (demo/src/airbench-recipe.ts)
  airbench: { sgd: 0.053, momentum: 0.053, adam: 0.053, adamw: 0.053 },
};

/**
 * Shift range of the random crop, per model. The ConvNetJS net keeps its own demo's setting
 * (random shifts by up to 2 px, cs.stanford.edu/people/karpathy/convnetjs/demo/cifar10.html);
 * the others use torchvision's usual CIFAR-10 recipe, RandomCrop(32, padding=4).
 */
export const DEFAULT_CROP_PAD: Record<ModelName, number> = {
  'linear-softmax': 4, 'linear-svm': 4, mlp: 4, convnetjs: 2, 'vgg-bn': 4, airbench: 2,
};

export function cropPadding(cfg: TrainConfig): number {
  return cfg.cropPad ?? DEFAULT_CROP_PAD[cfg.model];
}

/**
 * The page's defaults, and `npm run bench`'s: the best one-epoch ConvNetJS recipe measured
 * (batch 16, Adam 2e-3 with one-cycle, flip + ±2 px shifts: 57.76% / 57.32% test accuracy,
 * see the README). The page also plots train/test accuracy on 500-image subsets every 250 steps.
 */
export const DEFAULT_CONFIG: TrainConfig = {
  model: 'convnetjs',
  optimizer: 'adam',
  batch: 16,
  epochs: 1,
  steps: 0,
  augment: true,
  seed: 1,
  backend: 'webgpu',
  data: 'cifar10',
  trainLimit: 0,
  testLimit: 0,
  lossEvery: 10,
  evalEvery: 250,
  evalSubset: 500,
  weightDecay: 0,
  schedule: 'onecycle',
  tune: true,
  compile: true,
};

/** Where `npm run bench` departs from the page: no subset evaluations mid-run, whose time would count in img/s. */
export const BENCH_DEFAULTS: Partial<TrainConfig> = { evalEvery: 0 };

export function learningRate(cfg: TrainConfig): number {
  return cfg.lr ?? DEFAULT_LR[cfg.model][cfg.optimizer];
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${name} must be one of ${allowed.join(', ')}; got '${value}'`);
}

function nonNegativeInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer; got '${value}'`);
  return n;
}

function positiveNumber(name: string, value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${name} must be a positive number; got '${value}'`);
  return n;
}

function flag(value: string): boolean {
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

/** Applies one `key=value` setting (URL parameter or command-line flag) to a config; unknown keys are reported. */
export function applySetting(cfg: TrainConfig, key: string, value: string): void {
  switch (key) {
    case 'model': cfg.model = oneOf(key, value, MODEL_NAMES); break;
    case 'optimizer': cfg.optimizer = oneOf(key, value, OPTIMIZER_NAMES); break;
    case 'lr': cfg.lr = positiveNumber(key, value); break;
    case 'batch': cfg.batch = Math.max(1, nonNegativeInt(key, value)); break;
    case 'epochs': cfg.epochs = Math.max(1, nonNegativeInt(key, value)); break;
    case 'steps': cfg.steps = nonNegativeInt(key, value); break;
    case 'augment': cfg.augment = flag(value); break;
    case 'cropPad': cfg.cropPad = nonNegativeInt(key, value); break;
    case 'seed': cfg.seed = nonNegativeInt(key, value); break;
    case 'backend': cfg.backend = oneOf(key, value, ['webgpu', 'cpu'] as const); break;
    case 'data': cfg.data = oneOf(key, value, ['cifar10', 'synthetic'] as const); break;
    case 'trainLimit': cfg.trainLimit = nonNegativeInt(key, value); break;
    case 'testLimit': cfg.testLimit = nonNegativeInt(key, value); break;
    case 'lossEvery': cfg.lossEvery = nonNegativeInt(key, value); break;
    case 'evalEvery': cfg.evalEvery = nonNegativeInt(key, value); break;
    case 'evalSubset': cfg.evalSubset = Math.max(1, nonNegativeInt(key, value)); break;
    case 'weightDecay': {
      const n = Number(value);
      if (!(n >= 0) || !Number.isFinite(n)) throw new Error(`weightDecay must be a non-negative number; got '${value}'`);
      cfg.weightDecay = n;
      break;
    }
    case 'tune': cfg.tune = flag(value); break;
    case 'compile': cfg.compile = flag(value); break;
    case 'schedule': cfg.schedule = oneOf(key, value, SCHEDULE_NAMES); break;
    case 'profileSteps': cfg.profileSteps = nonNegativeInt(key, value); break;
    case 'peer': cfg.peer = value.split(',').map((name) => oneOf(key, name.trim(), PEER_NAMES)); break;
    default: throw new Error(`unknown setting '${key}'`);
  }
}

/** A config from URL parameters (?model=mlp&batch=32...); parameters that are not settings (autorun) are skipped. */
export function configFromParams(params: URLSearchParams, ignore: readonly string[] = ['autorun']): TrainConfig {
  const cfg: TrainConfig = { ...DEFAULT_CONFIG };
  for (const [key, value] of params) if (!ignore.includes(key)) applySetting(cfg, key, value);
  return cfg;
}

export function configToParams(cfg: TrainConfig): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(cfg)) if (value !== undefined) params.set(key, String(value));
  return params;
}
