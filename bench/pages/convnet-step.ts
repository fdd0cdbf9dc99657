// One training step (forward, backward, SGD momentum 0.9) of the ConvNetJS CIFAR-10 net
// (conv5×5·16 pad 2 → relu → pool2 → conv5×5·20 → relu → pool2 → conv5×5·20 → relu → pool2
// → fc10) on fixed random images, for webgrad and for TensorFlow.js with the same layers.
// Each step ends with the loss read back, which is what forces completion on either side.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; the training step needs conv/pool/matmul/softmax ones
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as wg from '../../src/index.js';

export interface TrainStep {
  step(): Promise<void>;
  dispose(): void;
}

const CONVS: [number, number][] = [[3, 16], [16, 20], [20, 20]];

function batchData(batch: number): { images: Float32Array; labels: Int32Array } {
  const r = new wg.Random(5);
  return { images: r.uniform(batch * 3 * 32 * 32, 0, 1), labels: Int32Array.from(r.uniform(batch, 0, 10), Math.floor) };
}

export function webgradConvNetStep(batch: number): TrainStep {
  const { nn } = wg;
  const layers: wg.nn.Module[] = [];
  // relu fused into each conv's epilogue, as a webgrad user would write it
  for (const [cin, cout] of CONVS) layers.push(new nn.Conv2d(cin, cout, 5, { padding: 2, activation: 'relu', seed: cout }), new nn.MaxPool2d(2));
  const model = new nn.Sequential(...layers, new nn.Flatten(), new nn.Linear(20 * 4 * 4, 10, { seed: 1 }));
  const optimizer = new wg.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const { images, labels } = batchData(batch);
  const x = wg.tensor(images, [batch, 3, 32, 32]);
  const y = wg.tensor(labels, [batch], { dtype: 'int32' });
  return {
    async step() {
      const loss = wg.tidy(() => {
        optimizer.zeroGrad();
        const l = wg.nn.functional.crossEntropy(model.forward(x), y);
        l.backward();
        optimizer.step();
        return l.detach();
      });
      await loss.item();
      loss.dispose();
    },
    dispose() {
      for (const p of model.parameters()) p.dispose();
      x.dispose();
      y.dispose();
    },
  };
}

export function tfjsConvNetStep(batch: number): TrainStep {
  const convs = CONVS.map(([cin, cout]) => ({
    w: tf.variable(tf.randomUniform([5, 5, cin, cout], -0.1, 0.1, 'float32', cout)),
    b: tf.variable(tf.zeros([cout])),
  }));
  const fcW = tf.variable(tf.randomUniform([320, 10], -0.05, 0.05, 'float32', 1));
  const fcB = tf.variable(tf.zeros([10]));
  const optimizer = tf.train.momentum(0.01, 0.9);
  const { images, labels } = batchData(batch);
  // NHWC, converted once outside the timed steps
  const x: tf.Tensor4D = tf.tidy(() => tf.transpose(tf.tensor4d(images, [batch, 3, 32, 32]), [0, 2, 3, 1]));
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  const forward = (): tf.Scalar => {
    let h = x;
    for (const { w, b } of convs) h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, 'same'), b)) as tf.Tensor4D, 2, 2, 'valid');
    const logits = tf.add(tf.matMul(tf.reshape(h, [batch, 320]), fcW), fcB);
    return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
  };
  return {
    async step() {
      const loss = optimizer.minimize(forward, true)!;
      await loss.data();
      loss.dispose();
    },
    dispose() {
      for (const v of [...convs.flatMap((c) => [c.w, c.b]), fcW, fcB, x, onehot]) v.dispose();
      optimizer.dispose();
    },
  };
}
