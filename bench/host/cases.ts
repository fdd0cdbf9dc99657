// The training steps `npm run bench:host` times (issue 13): the models the page and
// `npm run bench` train (demo/src/models.ts), each with its optimizer, on a fixed batch.
// A case builds its own model, so cases and modes never share state.
import * as wg from '../../src/index.js';
import { buildModel } from '../../demo/src/models.js';
import type { AirbenchNet } from '../../demo/src/airbench-net.js';
import { AirbenchOptimizer, airbenchLoss } from '../../demo/src/airbench-recipe.js';

export type CaseName = 'convnetjs-sgd' | 'convnetjs-adam' | 'mlp' | 'vgg-bn' | 'airbench';
export const CASE_NAMES: readonly CaseName[] = ['convnetjs-sgd', 'convnetjs-adam', 'mlp', 'vgg-bn', 'airbench'];

export interface CaseInfo {
  name: CaseName;
  /** the letter: (a) … (d) */
  letter: 'a' | 'b' | 'c' | 'd' | 'e';
  title: string;
  batch: number;
}

export const CASES: Record<CaseName, CaseInfo> = {
  'convnetjs-sgd': { name: 'convnetjs-sgd', letter: 'a', title: 'ConvNetJS net, SGD momentum 0.9', batch: 64 },
  'convnetjs-adam': { name: 'convnetjs-adam', letter: 'b', title: 'ConvNetJS net, Adam + OneCycleLR', batch: 64 },
  mlp: { name: 'mlp', letter: 'c', title: 'MLP 3072-512-10, SGD momentum 0.9', batch: 256 },
  // batch 4, not the 32: Dawn's Null device caps its memory at 512 MiB; VGG-BN's eager
  // step at batch 32 alone needs more, and at batch 8 the eager and compiled runners (which keep
  // the step's temporaries) no longer fit side by side. Host cost does not depend on the batch:
  // the dispatches are the same.
  'vgg-bn': { name: 'vgg-bn', letter: 'd', title: 'VGG-BN net, SGD momentum 0.9', batch: 4 },
  // issue 18's recipe (demo/src/airbench-recipe.ts); batch 8 for the Null device's memory, as (d)
  airbench: { name: 'airbench', letter: 'e', title: 'airbench94 net, Nesterov SGD + Muon, linear decay', batch: 8 },
};

/** What a case's step calls: an optimizer, or airbench's pair of them. */
interface StepOptimizer {
  zeroGrad(): void;
  step(): void;
  dispose(): void;
}

/** One case's model, optimizer, schedule and batch, ready to step. */
export interface WebgradCase {
  info: CaseInfo;
  model: wg.nn.Module;
  optimizer: StepOptimizer;
  /** called after each step */
  scheduler: { step(): void } | null;
  x: wg.Tensor;
  y: wg.Tensor;
  /** the step's work, as a user writes it inside tidy (or hands to wg.compile): returns the loss */
  body: (x: wg.Tensor, y: wg.Tensor) => wg.Tensor;
}

/** The MLP of issue 13 (3072-512-10): wider than the page's 3072-256-10 'mlp'. */
function mlp512(seed: number): wg.nn.Module {
  wg.manualSeed(seed);
  return new wg.nn.Sequential(new wg.nn.Flatten(), new wg.nn.Linear(3072, 512), new wg.nn.ReLU(), new wg.nn.Linear(512, 10));
}

/**
 * Builds a case on the active backend. `totalSteps` bounds the OneCycleLR schedule (it throws
 * when stepped past its end), so pass at least the number of steps the caller will take.
 */
export function buildCase(name: CaseName, opts: { seed?: number; totalSteps?: number; batch?: number } = {}): WebgradCase {
  const info = { ...CASES[name], batch: opts.batch ?? CASES[name].batch };
  const seed = opts.seed ?? 1;
  const model = name === 'mlp' ? mlp512(seed) : buildModel(name === 'convnetjs-sgd' || name === 'convnetjs-adam' ? 'convnetjs' : name, seed);
  model.train();
  const params = model.parameters();
  let optimizer: StepOptimizer;
  let scheduler: { step(): void } | null = null;
  let loss = (scores: wg.Tensor, labels: wg.Tensor) => wg.functional.crossEntropy(scores, labels);
  if (name === 'airbench') {
    // the whitening bias trains for the first tenth of the steps, then freezes (a new recording)
    const steps = opts.totalSteps ?? 100_000;
    const airbench = new AirbenchOptimizer(model as AirbenchNet, info.batch, steps, Math.ceil(steps / 10));
    optimizer = airbench;
    scheduler = { step: () => airbench.schedulerStep() };
    loss = airbenchLoss;
  } else if (name === 'convnetjs-adam') {
    const adam = new wg.optim.Adam(params, { lr: 1e-3 });
    optimizer = adam;
    scheduler = new wg.optim.OneCycleLR(adam, { maxLr: 1e-3, totalSteps: opts.totalSteps ?? 100_000 });
  } else {
    optimizer = new wg.optim.SGD(params, { lr: 0.01, momentum: 0.9 });
  }
  const x = wg.randn([info.batch, 3, 32, 32], { seed: seed + 1 }).keep();
  const y = wg.randint(0, 10, [info.batch], { seed: seed + 2 }).keep();
  const body = (xb: wg.Tensor, yb: wg.Tensor): wg.Tensor => {
    optimizer.zeroGrad();
    const l = loss(model.forward(xb), yb);
    l.backward();
    optimizer.step();
    return l;
  };
  return { info, model, optimizer, scheduler, x, y, body };
}

/** Frees a case's tensors (model parameters, optimizer state, batch). */
export function disposeCase(c: WebgradCase): void {
  c.x.dispose();
  c.y.dispose();
  c.optimizer.dispose();
  c.model.dispose();
}

/** The eager step a user's loop runs: record in tidy (nothing survives), then the scheduler. */
export function eagerStep(c: WebgradCase): void {
  wg.tidy(() => {
    c.body(c.x, c.y);
  });
  c.scheduler?.step();
}
