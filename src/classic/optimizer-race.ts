// The course's optimizer race: SGD, SGD + momentum, RMSprop and Adam (the library's own
// optimizer classes and their fused update kernels) minimise the same 2-D function from the
// same start; each path is the parameter tensor's value after every step. The function is
// written once with tensor ops, so the same code gives the gradient (autograd on a [2]
// parameter) and the contour values (evaluated on a batch of grid points).
import { tensor } from '../creation.js';
import { concat } from '../ops/index.js';
import { Adam, type Optimizer, RMSprop, SGD } from '../optim/index.js';
import { keep, noGrad, tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import { gridPoints, type Bounds } from './toy-data.js';

export type RacerName = 'sgd' | 'momentum' | 'rmsprop' | 'adam';
export const RACERS: readonly RacerName[] = ['sgd', 'momentum', 'rmsprop', 'adam'];
export const RACER_LABELS: Record<RacerName, string> = { sgd: 'SGD', momentum: 'SGD+Momentum', rmsprop: 'RMSProp', adam: 'Adam' };

export interface RaceFunction {
  label: string;
  /** f elementwise over coordinate tensors of the same shape */
  f: (x: Tensor, y: Tensor) => Tensor;
  start: [number, number];
  minimum: [number, number];
  bounds: Bounds;
  /** learning rates that suit it; SGD and momentum share one, as the course compares them */
  lrs: Record<RacerName, number>;
}

const ANGLE = Math.PI / 6;
const [COS, SIN] = [Math.cos(ANGLE), Math.sin(ANGLE)];

export const RACE_FUNCTIONS = {
  /** an elongated quadratic bowl rotated by 30°: curvature 10 across the valley, 0.2 along it */
  valley: {
    label: 'f = 5u² + 0.1v², (u, v) = (x, y) rotated by 30°',
    f: (x, y) => {
      const u = x.mul(COS).add(y.mul(SIN));
      const v = y.mul(COS).sub(x.mul(SIN));
      return u.square().mul(5).add(v.square().mul(0.1));
    },
    start: [-4, -1],
    minimum: [0, 0],
    bounds: { x0: -5, x1: 5, y0: -3.5, y1: 3.5 },
    lrs: { sgd: 0.08, momentum: 0.08, rmsprop: 0.1, adam: 0.5 },
  },
  /** Rosenbrock's banana valley (1 − x)² + 10(y − x²)², minimum at (1, 1) */
  rosenbrock: {
    label: 'f = (1 − x)² + 10(y − x²)²',
    f: (x, y) => x.neg().add(1).square().add(y.sub(x.square()).square().mul(10)),
    start: [-1.5, 2],
    minimum: [1, 1],
    bounds: { x0: -2, x1: 2, y0: -1, y1: 3 },
    lrs: { sgd: 0.01, momentum: 0.01, rmsprop: 0.02, adam: 0.1 },
  },
} satisfies Record<string, RaceFunction>;

export type RaceFunctionName = keyof typeof RACE_FUNCTIONS;

export interface RaceOptions {
  fn?: RaceFunctionName;
  steps?: number;
  start?: [number, number];
  /** per-optimizer learning rates (default: the function's) */
  lrs?: Partial<Record<RacerName, number>>;
  racers?: readonly RacerName[];
  /** contour grid cells across and down (default 80 × 80) */
  width?: number;
  height?: number;
}

export interface RacePath {
  name: RacerName;
  label: string;
  lr: number;
  /** (x, y) after 0..steps steps, [(steps + 1)·2] */
  path: Float32Array;
  /** f at each point of the path, [steps + 1] */
  values: Float32Array;
}

export interface RaceResult {
  fn: RaceFunctionName;
  label: string;
  paths: RacePath[];
  minimum: [number, number];
  /** f at the centres of a width × height grid over bounds, row 0 at the top */
  contour: { values: Float32Array; width: number; height: number; bounds: Bounds };
}

function makeRacer(name: RacerName, params: Tensor[], lr: number): Optimizer {
  switch (name) {
    case 'sgd': return new SGD(params, { lr });
    case 'momentum': return new SGD(params, { lr, momentum: 0.9 });
    case 'rmsprop': return new RMSprop(params, { lr });
    case 'adam': return new Adam(params, { lr });
  }
}

function evaluate(fn: RaceFunction, p: Tensor): Tensor {
  return fn.f(p.slice([[0, 1]]), p.slice([[1, 2]])).sum();
}

/** Runs one optimizer for `steps` steps from `start`; the path is read back once at the end. */
export async function racePath(fnName: RaceFunctionName, name: RacerName, steps: number, lr: number, start: [number, number]): Promise<RacePath> {
  const fn: RaceFunction = RACE_FUNCTIONS[fnName];
  const p = keep(tensor(Float32Array.from(start), [2]).requireGrad());
  const opt = makeRacer(name, [p], lr);
  const points: Tensor[] = [keep(noGrad(() => p.mul(1)))];
  const values: Tensor[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const [value, after] = tidy(() => {
        const f = evaluate(fn, p);
        opt.zeroGrad();
        f.backward();
        opt.step();
        return [f.detach().reshape([1]), noGrad(() => p.mul(1))];
      });
      values.push(keep(value));
      points.push(keep(after));
    }
    values.push(keep(noGrad(() => tidy(() => evaluate(fn, p).reshape([1])))));
    const [path, fs] = noGrad(() => tidy(() => [concat(points, 0), concat(values, 0)]));
    const result = { name, label: RACER_LABELS[name], lr, path: Float32Array.from(await path.data()), values: Float32Array.from(await fs.data()) };
    path.dispose();
    fs.dispose();
    return result;
  } finally {
    for (const t of [...points, ...values]) t.dispose();
    opt.zeroGrad();
    opt.dispose();
    p.dispose();
  }
}

/** f on a width × height grid over `bounds` (one batch on the device) */
export async function contourValues(fnName: RaceFunctionName, bounds: Bounds, width: number, height: number): Promise<Float32Array> {
  const fn: RaceFunction = RACE_FUNCTIONS[fnName];
  const pts = tensor(gridPoints(bounds, width, height), [width * height, 2]);
  const values = noGrad(() => tidy(() => fn.f(pts.slice([null, [0, 1]]), pts.slice([null, [1, 2]])).reshape([width * height])));
  pts.dispose();
  const out = Float32Array.from(await values.data());
  values.dispose();
  return out;
}

/** Every racer on the same function from the same start, plus the contour values. */
export async function optimizerRace(opts: RaceOptions = {}): Promise<RaceResult> {
  const fnName = opts.fn ?? 'rosenbrock';
  const fn: RaceFunction = RACE_FUNCTIONS[fnName];
  if (!fn) throw new Error(`webgrad: optimizerRace: unknown function '${fnName as string}' (${Object.keys(RACE_FUNCTIONS).join(', ')})`);
  const steps = opts.steps ?? 100;
  const start = opts.start ?? fn.start;
  const paths: RacePath[] = [];
  for (const name of opts.racers ?? RACERS) paths.push(await racePath(fnName, name, steps, opts.lrs?.[name] ?? fn.lrs[name], start));
  const [width, height] = [opts.width ?? 80, opts.height ?? 80];
  const values = await contourValues(fnName, fn.bounds, width, height);
  return { fn: fnName, label: fn.label, paths, minimum: fn.minimum, contour: { values, width, height, bounds: fn.bounds } };
}
