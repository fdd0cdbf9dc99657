// The training steps `npm run bench:host` times (issue 13): the models the page and
// `npm run bench` train (demo/src/models.ts), each with its optimizer, on a fixed batch.
// A case builds its own model, so cases and modes never share state.
import * as wg from '../../src/index.js';
import { buildModel } from '../../demo/src/models.js';

export type CaseName = 'convnetjs-sgd' | 'convnetjs-adam' | 'mlp' | 'vgg-bn';
export const CASE_NAMES: readonly CaseName[] = ['convnetjs-sgd', 'convnetjs-adam', 'mlp', 'vgg-bn'];

export interface CaseInfo {
  name: CaseName;
  /** the letter: (a) … (d) */
  letter: 'a' | 'b' | 'c' | 'd';
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
};

/** One case's model, optimizer, schedule and batch, ready to step. */
export interface WebgradCase {
  info: CaseInfo;
  model: wg.nn.Module;
  optimizer: wg.optim.SGD | wg.optim.Adam;
  scheduler: wg.optim.OneCycleLR | null;
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
  const model = name === 'mlp' ? mlp512(seed) : buildModel(name === 'vgg-bn' ? 'vgg-bn' : 'convnetjs', seed);
  model.train();
  const params = model.parameters();
  let optimizer: wg.optim.SGD | wg.optim.Adam;
  let scheduler: wg.optim.OneCycleLR | null = null;
  if (name === 'convnetjs-adam') {
    optimizer = new wg.optim.Adam(params, { lr: 1e-3 });
    scheduler = new wg.optim.OneCycleLR(optimizer, { maxLr: 1e-3, totalSteps: opts.totalSteps ?? 100_000 });
  } else {
    optimizer = new wg.optim.SGD(params, { lr: 0.01, momentum: 0.9 });
  }
  const x = wg.randn([info.batch, 3, 32, 32], { seed: seed + 1 }).keep();
  const y = wg.randint(0, 10, [info.batch], { seed: seed + 2 }).keep();
  const body = (xb: wg.Tensor, yb: wg.Tensor): wg.Tensor => {
    optimizer.zeroGrad();
    const loss = wg.functional.crossEntropy(model.forward(xb), yb);
    loss.backward();
    optimizer.step();
    return loss;
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
