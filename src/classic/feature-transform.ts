// The course's feature-transform picture: two concentric rings are not linearly separable in
// (x, y), but in polar coordinates (r, θ) the rings become two vertical bands that a line
// (r = constant) separates; that line, mapped back, is a circle in the original space.
// The same LinearClassifier (softmax, L2 λ) is trained on both representations.
import type { Tensor } from '../tensor.js';
import { classifyGrid, type ClassGrid } from './decision-regions.js';
import { LinearClassifier } from './linear.js';
import { boundsOf, type ToyData } from './toy-data.js';

/**
 * (x, y) → (r, θ) with θ = atan2(y, x) in (−π, π], for points [N·2] row-major. On the host:
 * the library has no atan2 kernel, and the toy sets are a few hundred points.
 */
export function polar(points: Float32Array): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    out[i] = Math.hypot(points[i], points[i + 1]);
    out[i + 1] = Math.atan2(points[i + 1], points[i]);
  }
  return out;
}

export interface FeatureTransformOptions {
  epochs?: number;
  lr?: number;
  lambda?: number;
  batchSize?: number;
  seed?: number;
  /** grid cells across and down for the region maps (default 64 × 64) */
  width?: number;
  height?: number;
}

export interface SpaceResult {
  /** training accuracy of the linear classifier in this space */
  accuracy: number;
  /** its weights [classes·2] (row c: the two coefficients of class c) and biases [classes] */
  weight: Float32Array;
  bias: Float32Array;
  /** the classifier's regions on a grid over this space */
  regions: ClassGrid;
}

export interface FeatureTransformResult {
  xy: SpaceResult;
  polar: SpaceResult & { points: Float32Array };
  /** the (r, θ) classifier's regions drawn back in (x, y): a nonlinear boundary */
  polarInXy: ClassGrid;
}

/** Trains one linear softmax classifier on (x, y) and one on (r, θ) and compares them. */
export async function featureTransform(data: ToyData, opts: FeatureTransformOptions = {}): Promise<FeatureTransformResult> {
  const { epochs = 60, lr = 0.05, lambda = 1e-4, seed = 0, width = 64, height = 64 } = opts;
  const fitOpts = { epochs, lr, batchSize: Math.min(opts.batchSize ?? 50, data.labels.length), optimizer: 'adam' as const, seed };
  const polarPoints = polar(data.points);
  const train = async (points: Float32Array) => {
    const model = new LinearClassifier({ loss: 'softmax', inputSize: 2, numClasses: data.classes, lambda, weightScale: 0.1, seed });
    await model.fit(points, data.labels, fitOpts);
    return model;
  };
  const predict = (model: LinearClassifier) => (pts: Tensor) => model.predict(pts);
  const describe = async (model: LinearClassifier, points: Float32Array): Promise<SpaceResult> => ({
    accuracy: await model.accuracy(points, data.labels),
    weight: Float32Array.from(await model.weight.data()),
    bias: Float32Array.from(await model.bias!.data()),
    regions: await classifyGrid(predict(model), boundsOf(points, 0.1), width, height),
  });
  const xyModel = await train(data.points);
  const polarModel = await train(polarPoints);
  try {
    const xy = await describe(xyModel, data.points);
    const inPolar = await describe(polarModel, polarPoints);
    const polarInXy = await classifyGrid(predict(polarModel), xy.regions.bounds, width, height, polar);
    return { xy, polar: { ...inPolar, points: polarPoints }, polarInXy };
  } finally {
    xyModel.dispose();
    polarModel.dispose();
  }
}
