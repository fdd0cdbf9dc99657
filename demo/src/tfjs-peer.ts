// The comparison run: the same architecture trained with TensorFlow.js's WebGPU or WebGL
// backend on the same adapter and the same batches (NHWC, as TensorFlow.js wants), built
// from tfjs-core ops so no layers package is needed. WebGPU dispatches and submits are
// counted by wrapping the WebGPU entry points, which measures both libraries the same way;
// under WebGL the draw calls (one per shader program run) are counted instead.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone has no gradient functions (the umbrella tfjs package registers them)
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgl';
import * as wg from '../../src/index.js';
import type { TrainConfig } from './config.js';
import { learningRate } from './config.js';
import { CIFAR_NORMALIZE } from './data.js';
import type { PeerResult } from './protocol.js';

type Params = Record<string, tf.Variable>;

const CLASSES = 10;

function variable(shape: number[], fanIn: number, seed: number): tf.Variable {
  // He-normal, as a ReLU net wants; biases start at zero (fanIn 0)
  return tf.variable(fanIn > 0 ? tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed) : tf.zeros(shape));
}

function buildParams(cfg: TrainConfig): Params {
  switch (cfg.model) {
    case 'linear-softmax':
    case 'linear-svm':
      return { w: variable([3072, CLASSES], 3072, cfg.seed), b: variable([CLASSES], 0, 0) };
    case 'mlp':
      return { w1: variable([3072, 256], 3072, cfg.seed), b1: variable([256], 0, 0), w2: variable([256, CLASSES], 256, cfg.seed + 1), b2: variable([CLASSES], 0, 0) };
    case 'convnetjs':
      return {
        c1: variable([5, 5, 3, 16], 75, cfg.seed), b1: variable([16], 0, 0),
        c2: variable([5, 5, 16, 20], 400, cfg.seed + 1), b2: variable([20], 0, 0),
        c3: variable([5, 5, 20, 20], 500, cfg.seed + 2), b3: variable([20], 0, 0),
        fc: variable([320, CLASSES], 320, cfg.seed + 3), fb: variable([CLASSES], 0, 0),
      };
    case 'vgg-bn':
    case 'airbench':
      throw new Error('the TensorFlow.js comparison covers linear-softmax, linear-svm, mlp and convnetjs');
  }
}

function forward(model: TrainConfig['model'], p: Params, x: tf.Tensor4D): tf.Tensor2D {
  if (model === 'convnetjs') {
    const stage = (h: tf.Tensor4D, w: tf.Variable, b: tf.Variable): tf.Tensor4D =>
      tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, 'same'), b)) as tf.Tensor4D, 2, 2, 'valid') as tf.Tensor4D;
    const h = stage(stage(stage(x, p.c1, p.b1), p.c2, p.b2), p.c3, p.b3);
    return tf.add(tf.matMul(tf.reshape(h, [x.shape[0], 320]), p.fc), p.fb);
  }
  const flat = tf.reshape(x, [x.shape[0], 3072]) as tf.Tensor2D;
  if (model === 'mlp') return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(flat, p.w1), p.b1)), p.w2), p.b2);
  return tf.add(tf.matMul(flat, p.w), p.b);
}

function optimizerFor(cfg: TrainConfig): tf.Optimizer {
  const lr = learningRate(cfg);
  switch (cfg.optimizer) {
    case 'sgd': return tf.train.sgd(lr);
    case 'momentum': return tf.train.momentum(lr, 0.9);
    // tfjs-core has no AdamW: Adam is the nearest it offers
    case 'adam': case 'adamw': return tf.train.adam(lr);
  }
}

/** NCHW float32 → NHWC. */
function toNhwc(nchw: Float32Array, batch: number): Float32Array {
  const out = new Float32Array(nchw.length);
  const plane = 32 * 32;
  for (let n = 0; n < batch; n++)
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < plane; p++) out[(n * plane + p) * 3 + c] = nchw[(n * 3 + c) * plane + p];
  return out;
}

/**
 * Counts compute dispatches and queue submits made by any library while `counting` is on
 * (WebGPU), or draw calls (WebGL; submits stay null: WebGL has none).
 */
class KernelCounter {
  dispatches = 0;
  submits: number | null = 0;
  counting = false;
  constructor(backend: TfjsBackend) {
    const counter = this;
    if (backend === 'webgl') {
      this.submits = null;
      const gl = WebGL2RenderingContext.prototype;
      for (const name of ['drawArrays', 'drawElements'] as const) {
        const draw = gl[name] as (...args: unknown[]) => void;
        (gl as unknown as Record<string, unknown>)[name] = function (this: WebGL2RenderingContext, ...args: unknown[]) {
          if (counter.counting) counter.dispatches++;
          return draw.apply(this, args);
        };
      }
      return;
    }
    const passProto = GPUComputePassEncoder.prototype;
    const dispatch = passProto.dispatchWorkgroups;
    passProto.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: Parameters<typeof dispatch>) {
      if (counter.counting) counter.dispatches++;
      return dispatch.apply(this, args);
    };
    const queueProto = GPUQueue.prototype;
    const submit = queueProto.submit;
    queueProto.submit = function (this: GPUQueue, buffers: Iterable<GPUCommandBuffer>) {
      if (counter.counting && counter.submits !== null) counter.submits++; // null only on WebGL, which never reaches here
      return submit.call(this, buffers);
    };
  }
}

export type TfjsBackend = 'webgpu' | 'webgl';

/** the WebGL renderer behind the masked "WebKit WebGL" (e.g. ANGLE on SwiftShader), so the report names the adapter */
function webglRenderer(): string {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return 'no WebGL2 context';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

export async function trainWithTfjs(cfg: TrainConfig, dataset: wg.data.ImageDataset, steps: number, backend: TfjsBackend = 'webgpu'): Promise<PeerResult> {
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not start its ${backend === 'webgl' ? 'WebGL' : 'WebGPU'} backend`);
  await tf.ready();
  const counter = new KernelCounter(backend);
  const params = buildParams(cfg);
  const optimizer = optimizerFor(cfg);
  const random = new wg.Random(cfg.seed);
  const order = random.permutation(dataset.train.count);
  const batchAt = (step: number): { x: tf.Tensor4D; y: tf.Tensor2D } => {
    const start = (step * cfg.batch) % Math.max(1, dataset.train.count - cfg.batch);
    const { images, labels } = wg.data.gatherImages(dataset.train, order.subarray(start, start + cfg.batch));
    const layout = { batch: cfg.batch, channels: 3, height: 32, width: 32 };
    const nchw = wg.data.augmentBatch(images, layout, { normalize: CIFAR_NORMALIZE });
    return { x: tf.tensor4d(toNhwc(nchw, cfg.batch), [cfg.batch, 32, 32, 3]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES) as tf.Tensor2D };
  };
  const sync = async (): Promise<void> => {
    await Object.values(params)[0].data();
  };
  let lastLoss = Number.NaN;
  let timedFrom = 0;
  let countedSteps = 0;
  for (let step = 0; step < steps; step++) {
    const { x, y } = batchAt(step);
    // every step after the first (which also builds pipelines); TensorFlow.js defers submits
    // over several steps, so only an average over many steps is meaningful
    counter.counting = step >= 1;
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(cfg.model, params, x)) as tf.Scalar, step === steps - 1);
    if (step >= 1) countedSteps++;
    x.dispose();
    y.dispose();
    if (cost) {
      lastLoss = (await cost.data())[0];
      cost.dispose();
    }
    if (step === 0) {
      await sync();
      timedFrom = performance.now();
    }
  }
  await sync();
  counter.counting = false;
  const seconds = (performance.now() - timedFrom) / 1000;
  const result: PeerResult = {
    library: `TensorFlow.js ${tf.version_core} (${backend === 'webgl' ? `webgl on ${webglRenderer()}` : 'webgpu'})`,
    steps,
    trainImagesPerSecond: steps > 1 ? ((steps - 1) * cfg.batch) / seconds : 0,
    perStep: {
      dispatches: countedSteps ? counter.dispatches / countedSteps : 0,
      submits: counter.submits === null ? null : countedSteps ? counter.submits / countedSteps : 0,
    },
    finalLoss: lastLoss,
  };
  for (const v of Object.values(params)) v.dispose();
  optimizer.dispose();
  return result;
}
