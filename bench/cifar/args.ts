// Command-line flags of `npm run bench`: the page's settings (same names as its URL
// parameters, see demo/src/config.ts; validated by applySetting) plus where the data comes
// from and where JSON goes. Parsed by the shared bench/harness/cli.ts (node:util parseArgs,
// unknown flags rejected).
import { applySetting, BENCH_DEFAULTS, DEFAULT_CONFIG, MODEL_NAMES, OPTIMIZER_NAMES, PEER_NAMES, SCHEDULE_NAMES, type TrainConfig } from '../../demo/src/config.js';
import { CliError, parseFlagsOrThrow, usage, type Flag } from '../harness/cli.js';

export interface BenchArgs {
  config: TrainConfig;
  dataDir?: string;
  jsonPath: string;
  /** fetch the official archive into the cache when CIFAR-10 is not found (default true) */
  download: boolean;
  /** chromium: the page in headless Chromium; node: the same training session in Node on Dawn */
  runtime: 'chromium' | 'node';
}

const D = { ...DEFAULT_CONFIG, ...BENCH_DEFAULTS };
const setting = (describe: string, choices?: readonly string[]): Flag => ({ kind: 'string', describe, ...(choices ? { choices } : {}) });

/** Settings passed through to the page as they are (applySetting checks their values). */
const SETTINGS = {
  model: { ...setting('the network', MODEL_NAMES), default: D.model },
  epochs: { ...setting('epochs over the training set'), default: D.epochs },
  steps: { ...setting('stop after N steps in all (0: no limit)'), default: D.steps },
  batch: { ...setting('images per step'), default: D.batch },
  optimizer: { ...setting('update rule (momentum: SGD with momentum 0.9)', OPTIMIZER_NAMES), default: D.optimizer },
  lr: setting('learning rate (default: per model and optimizer, demo/src/config.ts DEFAULT_LR; 2e-3 for the default run)'),
  schedule: { ...setting('learning-rate schedule', SCHEDULE_NAMES), default: D.schedule },
  weightDecay: { ...setting('L2 weight decay'), default: D.weightDecay },
  cropPad: setting("augmentation's crop shift range in px (default: 2 for convnetjs, as ConvNetJS's demo; 4 for the others)"),
  seed: { ...setting('random seed'), default: D.seed },
  backend: { ...setting('where the page trains', ['webgpu', 'cpu']), default: D.backend },
  lossEvery: { ...setting('read the loss back every N steps'), default: D.lossEvery },
  evalEvery: { ...setting('accuracy on evalSubset train/test images every N steps (0: at epoch ends only; it counts in img/s)'), default: D.evalEvery },
  evalSubset: { ...setting('images per evalEvery subset'), default: D.evalSubset },
  tune: { ...setting('WebGPU matmul autotuning after step 1', ['0', '1']), default: D.tune ? '1' : '0' },
  profileSteps: setting('after training, profile N more steps per kernel (default 1 for airbench, else 0)'),
  trainLimit: { ...setting('use only the first N training images (0: all)'), default: D.trainLimit },
  testLimit: { ...setting('use only the first N test images (0: all)'), default: D.testLimit },
  peer: setting(`also train the same net with TensorFlow.js (${PEER_NAMES.join(', ')} or both, comma-separated) for --steps steps on the same adapter`),
} satisfies Record<string, Flag>;

export const FLAGS = {
  ...SETTINGS,
  augment: { kind: 'boolean', describe: `horizontal flip + random crop (${D.augment ? 'on' : 'off'} by default)` },
  'no-augment': { kind: 'boolean', describe: 'no augmentation' },
  'no-compile': { kind: 'boolean', describe: "every training step eager instead of wg.compile's replays (to compare)" },
  data: { kind: 'string', describe: 'CIFAR-10 folder (default $WEBGRAD_DATA, then ../shared/datasets/cifar10, then the download cache)' },
  'no-download': { kind: 'boolean', describe: 'fail instead of downloading CIFAR-10 (170 MB, once, into $WEBGRAD_CACHE or ~/.cache/webgrad) when it is not found' },
  synthetic: { kind: 'boolean', describe: 'tiny generated images instead of CIFAR-10 (a smoke test)' },
  runtime: { kind: 'string', default: 'chromium', choices: ['chromium', 'node'], describe: "chromium: the page in headless Chromium; node: the page's training session in Node on Dawn (Chromium's WebGPU), no browser: for a GPU server" },
  json: { kind: 'string', default: 'bench/results/cifar.json', describe: 'where the result goes' },
} satisfies Record<string, Flag>;

export const USAGE = usage('npm run bench --', FLAGS,
  'Trains the ConvNetJS CIFAR-10 net (by default the best one-epoch recipe measured: batch 16, Adam 2e-3, one-cycle, flip + ±2 px) in headless Chromium.');

/** Parses the flags; throws CliError (help set for --help) on anything unknown or invalid. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const flags = parseFlagsOrThrow(FLAGS, argv);
  const config: TrainConfig = { ...D };
  for (const key of Object.keys(SETTINGS) as (keyof typeof SETTINGS)[]) {
    const value = flags[key];
    if (value === undefined) continue;
    try {
      applySetting(config, key, String(value));
    } catch (e) {
      throw new CliError(`--${(e as Error).message}`);
    }
  }
  if (flags.augment && flags['no-augment']) throw new CliError('--augment and --no-augment contradict each other');
  if (flags.augment) config.augment = true;
  if (flags['no-augment']) config.augment = false;
  if (flags.synthetic) config.data = 'synthetic';
  if (flags['no-compile']) config.compile = false;
  if (config.peer?.length && config.steps === 0) config.steps = 50; // the comparison is a fixed number of steps
  const runtime = flags.runtime as BenchArgs['runtime'];
  if (runtime === 'node' && config.peer?.length) throw new CliError('--peer trains TensorFlow.js in the page: it needs --runtime chromium');
  return { config, dataDir: flags.data, jsonPath: flags.json, download: !flags['no-download'], runtime };
}
