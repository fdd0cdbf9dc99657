// TensorFlow.js's WebGPU backend on Dawn's Null adapter: the same layers, batch and optimizer
// as bench/host/cases.ts's (a) and (c), built from tfjs-core ops as demo/src/tfjs-peer.ts
// does (NHWC, as TensorFlow.js wants). TensorFlow.js submits every 15 dispatches on its own;
// `flush()` submits the rest, as `await wg.flush()` does for webgrad.
import { register } from 'node:module';
import type * as TF from '@tensorflow/tfjs-core';
import type { CaseName } from './cases.js';

type Tf = typeof TF;

interface TfjsBackendInternals {
  commandEncoder: unknown;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

export interface TfjsCase {
  name: CaseName;
  step(): void;
  flush(): Promise<void>;
  dispose(): void;
  version: string;
}

let loaded: Tf | null = null;

/** Loads TensorFlow.js (core, gradients, WebGPU backend) over `gpu` (a Null-backend GPU object). */
export async function loadTfjs(gpu: GPU): Promise<Tf> {
  if (loaded) return loaded;
  // the WebGPU backend looks for navigator.gpu (Node 20 has no navigator; Node 21+ has one without gpu)
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true });
  register(new URL('./tfjs-resolve.mjs', import.meta.url));
  // tfjs-core's Node entry (CommonJS) has no gradient functions; its ESM build registers them
  // into the same global registry (tfjs keeps its engine and registries on globalThis)
  const tf = (await import('@tensorflow/tfjs-core')) as unknown as Tf;
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js' as string);
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('TensorFlow.js could not start its WebGPU backend on the Null adapter');
  await tf.ready();
  loaded = tf;
  return tf;
}

function variable(tf: Tf, shape: number[], fanIn: number, seed: number): TF.Variable {
  return tf.variable(fanIn > 0 ? tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed) : tf.zeros(shape));
}

/** (a) the ConvNetJS net or (c) the MLP 3072-512-10, SGD momentum 0.9, on a fixed random batch. */
export function buildTfjsCase(tf: Tf, name: 'convnetjs-sgd' | 'mlp', batch: number): TfjsCase {
  const v = (shape: number[], fanIn: number, seed: number): TF.Variable => variable(tf, shape, fanIn, seed);
  const params: Record<string, TF.Variable> = name === 'mlp'
    ? { w1: v([3072, 512], 3072, 1), b1: v([512], 0, 0), w2: v([512, 10], 512, 2), b2: v([10], 0, 0) }
    : {
      c1: v([5, 5, 3, 16], 75, 1), b1: v([16], 0, 0), c2: v([5, 5, 16, 20], 400, 2), b2: v([20], 0, 0),
      c3: v([5, 5, 20, 20], 500, 3), b3: v([20], 0, 0), fc: v([320, 10], 320, 4), fb: v([10], 0, 0),
    };
  const x = name === 'mlp' ? tf.randomNormal([batch, 3072], 0, 1, 'float32', 5) : tf.randomNormal([batch, 32, 32, 3], 0, 1, 'float32', 5);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 6) as TF.Tensor1D, 10) as TF.Tensor2D;
  const forward = (): TF.Tensor2D => {
    const p = params;
    if (name === 'mlp') return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x as TF.Tensor2D, p.w1 as TF.Tensor2D), p.b1)), p.w2 as TF.Tensor2D), p.b2);
    const stage = (h: TF.Tensor4D, w: TF.Variable, b: TF.Variable): TF.Tensor4D =>
      tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w as TF.Tensor4D, 1, 'same'), b)) as TF.Tensor4D, 2, 2, 'valid');
    const h = stage(stage(stage(x as TF.Tensor4D, p.c1, p.b1), p.c2, p.b2), p.c3, p.b3);
    return tf.add(tf.matMul(tf.reshape(h, [batch, 320]), p.fc as TF.Tensor2D), p.fb);
  };
  const optimizer = tf.train.momentum(0.01, 0.9);
  const backend = tf.backend() as unknown as TfjsBackendInternals;
  return {
    name,
    version: tf.version_core,
    step: () => {
      tf.tidy(() => {
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, forward()) as TF.Scalar, false);
      });
    },
    flush: async () => {
      if (backend.commandEncoder) {
        backend.endComputePassEncoder();
        backend.submitQueue();
      }
      await null;
    },
    dispose: () => {
      for (const p of Object.values(params)) p.dispose();
      x.dispose();
      y.dispose();
      optimizer.dispose();
    },
  };
}
