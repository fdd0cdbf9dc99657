// The models the demo and the benchmark train, built from webgrad's public nn modules, and
// their forward FLOP counts (so a throughput figure can be turned into GFLOP/s).
import * as wg from '../../src/index.js';
import { AIRBENCH94_WIDTHS, AirbenchNet, airbenchForwardFlops } from './airbench-net.js';
import type { ModelName } from './config.js';

type Module = wg.nn.Module;

export const CIFAR_INPUT = { channels: 3, height: 32, width: 32 } as const;
const INPUT_FEATURES = CIFAR_INPUT.channels * CIFAR_INPUT.height * CIFAR_INPUT.width;
const CLASSES = 10;

/** The loss each model trains with: the multiclass hinge for the SVM, softmax cross-entropy otherwise. */
export function lossFor(model: ModelName): (scores: wg.Tensor, labels: wg.Tensor) => wg.Tensor {
  return model === 'linear-svm' ? wg.functional.svmLoss : wg.functional.crossEntropy;
}

/**
 * VGG-style widths: two 3×3 convs per stage (conv → BN → ReLU), a 2×2 max pool after each stage.
 *
 * The model aimed at ≥ 90% CIFAR-10 test accuracy. Cost: 418.8 MFLOP forward per image
 * (forwardFlopsPerImage('vgg-bn'); 8 convs, 4.7 M parameters), ≈ 1.26 GFLOP per training image
 * (forward + input grad + weight grad), ≈ 63 TFLOP per epoch of 50,000 images.
 * Configuration (the usual VGG-BN recipe, e.g. torchvision-style CIFAR training):
 *
 *   npm run bench -- --model vgg-bn --epochs 30 --batch 128 --optimizer momentum --lr 0.1
 *     --weightDecay 5e-4 --schedule onecycle --augment        (flip + 4-pixel-padded crop)
 *
 * expected 90–93% after 30 epochs (≈ 1.9 PFLOP). Expected time on a real GPU where these
 * WebGPU kernels reach 2–5 TFLOP/s: ≈ 13–32 s per epoch, ≈ 6–16 minutes for the 30 epochs
 * (an estimate from the FLOP count, not measured here). On this machine's SwiftShader adapter
 * (~1 GFLOP/s) one epoch would take most of a day; here only its loss falling over 200
 * small-batch steps was shown (see demo/README.md).
 */
const VGG_STAGES = [64, 128, 256, 512] as const;

/** a channel count times the width multiplier, at least 1 */
const scaled = (channels: number, width: number): number => Math.max(1, Math.round(channels * width));

function vggBn(w: number): Module {
  const { Conv2d, MaxPool2d, BatchNorm2d } = wg.nn;
  const layers: Module[] = [];
  let channels: number = CIFAR_INPUT.channels;
  for (const width of VGG_STAGES.map((c) => scaled(c, w))) {
    for (let i = 0; i < 2; i++) {
      // no conv bias: batch norm's shift makes it redundant
      layers.push(new Conv2d(channels, width, 3, { padding: 1, bias: false }), new BatchNorm2d(width), new wg.nn.ReLU());
      channels = width;
    }
    layers.push(new MaxPool2d(2));
  }
  // 32 / 2⁴ = 2: a 512×2×2 map
  layers.push(new wg.nn.Flatten(), new wg.nn.Linear(channels * 2 * 2, CLASSES));
  return new wg.nn.Sequential(...layers);
}

/** The net of Karpathy's ConvNetJS CIFAR-10 demo: three conv5×5 (pad 2) → ReLU → pool2 stages, then fc10. */
function convnetjs(w: number): Module {
  const { Conv2d, MaxPool2d } = wg.nn;
  // ReLU fused into each conv's epilogue: one dispatch instead of two, same math
  const conv = (inC: number, outC: number): Module => new Conv2d(inC, outC, 5, { padding: 2, activation: 'relu' });
  const [c1, c2, c3] = [16, 20, 20].map((c) => scaled(c, w));
  return new wg.nn.Sequential(
    conv(3, c1), new MaxPool2d(2),
    conv(c1, c2), new MaxPool2d(2),
    conv(c2, c3), new MaxPool2d(2),
    new wg.nn.Flatten(), new wg.nn.Linear(c3 * 4 * 4, CLASSES));
}

export interface BuildModelOptions {
  /**
   * multiplies every hidden channel / unit count (rounded, at least 1): 1, the default, is the
   * model as described here; the PyTorch-parity fixtures (bench/cifar/parity.ts) train
   * narrower copies to keep their files small. forwardFlopsPerImage counts width 1.
   */
  width?: number;
}

export function buildModel(name: ModelName, seed: number, { width = 1 }: BuildModelOptions = {}): Module {
  if (!(width > 0)) throw new Error(`buildModel: width must be positive, got ${width}`);
  wg.manualSeed(seed);
  switch (name) {
    case 'linear-softmax':
    case 'linear-svm':
      return new wg.nn.Sequential(new wg.nn.Flatten(), new wg.nn.Linear(INPUT_FEATURES, CLASSES));
    case 'mlp': {
      const hidden = scaled(256, width);
      return new wg.nn.Sequential(new wg.nn.Flatten(), new wg.nn.Linear(INPUT_FEATURES, hidden), new wg.nn.ReLU(), new wg.nn.Linear(hidden, CLASSES));
    }
    case 'convnetjs':
      return convnetjs(width);
    case 'vgg-bn':
      return vggBn(width);
    case 'airbench': {
      // its whitening filters are set from training images by the session (AirbenchNet.initWhitening)
      const { block1, block2, block3 } = AIRBENCH94_WIDTHS;
      return new AirbenchNet({ block1: scaled(block1, width), block2: scaled(block2, width), block3: scaled(block3, width) }, seed);
    }
  }
}

/** Multiply-adds of a k×k conv with `inC` → `outC` channels on an `h`×`w` output, ×2 for FLOPs. */
const convFlops = (inC: number, outC: number, k: number, h: number, w: number): number => 2 * inC * outC * k * k * h * w;

/**
 * Forward FLOPs per image (convs and linears; activations, pools and BN are a rounding
 * error). A training step costs about 3× this per image (forward, input grad, weight grad).
 */
export function forwardFlopsPerImage(name: ModelName): number {
  switch (name) {
    case 'linear-softmax':
    case 'linear-svm':
      return 2 * INPUT_FEATURES * CLASSES;
    case 'mlp':
      return 2 * (INPUT_FEATURES * 256 + 256 * CLASSES);
    case 'convnetjs':
      return convFlops(3, 16, 5, 32, 32) + convFlops(16, 20, 5, 16, 16) + convFlops(20, 20, 5, 8, 8) + 2 * 320 * CLASSES;
    case 'vgg-bn': {
      let flops = 0;
      let channels: number = CIFAR_INPUT.channels;
      let size: number = CIFAR_INPUT.height;
      for (const width of VGG_STAGES) {
        flops += convFlops(channels, width, 3, size, size) + convFlops(width, width, 3, size, size);
        channels = width;
        size /= 2;
      }
      return flops + 2 * channels * size * size * CLASSES;
    }
    case 'airbench':
      return airbenchForwardFlops();
  }
}

/** The first layer's weights, for drawing: a linear model's 10 class templates or the first conv's filters. */
export function firstLayerWeights(model: Module): { kind: 'templates' | 'filters'; weight: wg.Tensor } | null {
  const named = model.namedParameters();
  const first = named.find(([name]) => name.endsWith('weight'));
  if (!first) return null;
  const [, weight] = first;
  if (weight.shape.length === 4) return { kind: 'filters', weight };
  if (weight.shape.length === 2 && weight.shape[1] === INPUT_FEATURES && weight.shape[0] === CLASSES) return { kind: 'templates', weight };
  if (weight.shape.length === 2 && weight.shape[1] === INPUT_FEATURES) return { kind: 'filters', weight };
  return null;
}
