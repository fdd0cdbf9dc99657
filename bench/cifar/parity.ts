// PyTorch parity of the bench's training, 50 steps per model: `airbench`, `convnetjs`, `mlp` and
// `vgg-bn`, each trained by the demo's own TrainingSession (demo/src/session.ts: the model from
// buildModel, the bench's loader and augmentation, optimizer, schedule, loss and wg.train.fit with
// the compiled step), on 48 synthetic images (demo/src/data.ts syntheticCifar) in batches of 8,
// every loss read back. The models are narrower copies (buildModel's `width`) so the fixtures
// stay small; convnetjs, the default bench model, keeps its widths.
//
//   npx tsx bench/cifar/parity.ts --model <name>|all
//       writes test/fixtures/parity/images.safetensors (the training images and labels) and
//       test/fixtures/parity/<model>/input.safetensors: the initial state (airbench's whitening
//       filters included), every step's batch indices and augmentation decisions (dy, dx, flip
//       per image, from the loader's seeded streams), and as metadata the config, the layer list
//       and the recipe
//   /usr/bin/python3 bench/cifar/parity_torch.py --model <name>|all      (Debian's python3-torch)
//       replays them in PyTorch, in float64 and in float32 → .../<model>/golden.safetensors
//
// test/demo/parity.test.ts checks webgrad against the golden files (PyTorch's float64 runs): the
// float64 CPU reference over all 50 steps of every model (losses measured ≤ 4e-9 relative), and
// every device's float32 run over its first PARITY_FLOAT32_STEPS steps (losses 1e-3 relative,
// parameters and buffers 1e-3). Why not all 50 in float32: these small nets on few images amplify
// rounding once they start to memorise them. Any float32 run, PyTorch's own included, leaves the
// exact trajectory by ×2–3 a step from some point on, often after a single ReLU or max-pool
// decision flipped: PyTorch float32 vs float64 passes 1e-4 at step 9 for airbench (its tiny-batch
// Muon steps); webgrad on Dawn/SwiftShader passes 1e-4 in the loss at step 19 for convnetjs and
// step 19 for vgg-bn, webgrad's CPU backend at step 37 for vgg-bn, while their float64 runs agree
// to 1e-13 (convnetjs, vgg-bn) and 4e-9 (airbench) over all 50. mlp stays within 1e-5 throughout.
// So the float32 checks stop before that (airbench 8, convnetjs 15, vgg-bn 15, mlp 50), and
// bench/cifar/parity_torch.py checks that PyTorch's own float32 run stays within 1e-4 of its
// float64 run over them.
import { AirbenchNet } from '../../demo/src/airbench-net.js';
import { AIRBENCH94, AIRBENCH_NORMALIZE, AirbenchLoader } from '../../demo/src/airbench-recipe.js';
import { BENCH_DEFAULTS, cropPadding, DEFAULT_CONFIG, learningRate, type ModelName, type TrainConfig } from '../../demo/src/config.js';
import { CIFAR_NORMALIZE, loadImages } from '../../demo/src/data.js';
import { buildModel } from '../../demo/src/models.js';
import { airbenchWhitenSteps, initAirbenchWhitening, trainLoader, TrainingSession } from '../../demo/src/session.js';
import * as wg from '../../src/index.js';

export const PARITY_MODELS = ['airbench', 'convnetjs', 'mlp', 'vgg-bn'] as const;
export type ParityModel = (typeof PARITY_MODELS)[number];

/** buildModel's width multiplier per model: airbench 4/16/16, mlp 8 hidden units, vgg-bn 4/8/16/32; convnetjs as published */
export const PARITY_WIDTH: Record<ParityModel, number> = { airbench: 1 / 16, convnetjs: 1, mlp: 1 / 32, 'vgg-bn': 1 / 16 };

/** 48 training images in batches of 8: 6 steps an epoch, so 50 steps cross 8 epoch boundaries (new shuffles, airbench's flips alternating) */
export const PARITY = { steps: 50, images: 48, batch: 8, testImages: 2, seed: 1 } as const;

/**
 * the steps over which a float32 run is held to PyTorch's (to 1e-3), see the header;
 * bench/cifar/parity_torch.py checks that PyTorch's own float32 run stays within 1e-4 of its
 * float64 run over them
 */
export const PARITY_FLOAT32_STEPS: Record<ParityModel, number> = { airbench: 8, convnetjs: 15, mlp: 50, 'vgg-bn': 15 };

export const PARITY_ROOT = 'test/fixtures/parity';
export const parityDir = (model: ParityModel): string => `${PARITY_ROOT}/${model}`;

/**
 * The bench's default run (`npm run bench -- --model <model>`: Adam with the model's default lr,
 * one-cycle over the run's steps, flip + crop at the model's padding; airbench its own recipe) on
 * PARITY's synthetic images, every loss read back, no matmul tuning and no profiled extra steps.
 */
export function parityConfig(model: ParityModel, backend: TrainConfig['backend'] = 'cpu'): TrainConfig {
  const stepsPerEpoch = Math.floor(PARITY.images / PARITY.batch);
  return {
    ...DEFAULT_CONFIG, ...BENCH_DEFAULTS, model, backend, data: 'synthetic', seed: PARITY.seed,
    trainLimit: PARITY.images, testLimit: PARITY.testImages, batch: PARITY.batch,
    steps: PARITY.steps, epochs: Math.ceil(PARITY.steps / stepsPerEpoch), lossEvery: 1, tune: false, profileSteps: 0,
  };
}

export function parityData(cfg: TrainConfig): Promise<wg.data.ImageDataset> {
  return loadImages(cfg, undefined, () => {});
}

/** the model in its initial state, as the session trains it (airbench: with its whitening filters) */
export function parityModel(cfg: TrainConfig, dataset: wg.data.ImageDataset): wg.nn.Module {
  const model = buildModel(cfg.model, cfg.seed, { width: PARITY_WIDTH[cfg.model as ParityModel] });
  if (model instanceof AirbenchNet) initAirbenchWhitening(model, dataset.train);
  return model;
}

export interface BatchDecision {
  indices: Int32Array;
  /** (dy, dx, flip) per image */
  params: Int32Array;
}

/** the first `steps` batches the session's loader will draw (a loader of the same kind and seed, run separately) */
export async function parityDecisions(cfg: TrainConfig, train: wg.data.ImageSet, steps: number = PARITY.steps): Promise<BatchDecision[]> {
  const out: BatchDecision[] = [];
  if (cfg.model === 'airbench') {
    const loader = new AirbenchLoader(train, cfg.batch, cfg.seed);
    while (out.length < steps) out.push(...loader.nextEpochDecisions());
    return out.slice(0, steps);
  }
  const loader = trainLoader(cfg, train);
  while (out.length < steps) {
    for await (const b of loader) {
      out.push({ indices: b.indices.slice(), params: b.params!.slice() });
      if (out.length === steps) break;
    }
  }
  return out;
}

/**
 * trains `model` through the demo's TrainingSession on the active backend, stopped (as the page's
 * stop button does) after `stopAfter` steps when that is fewer than the run's; the loss of every step
 */
export async function runParity(cfg: TrainConfig, dataset: wg.data.ImageDataset, model: wg.nn.Module, stopAfter = cfg.steps): Promise<number[]> {
  const session: TrainingSession = new TrainingSession(cfg, dataset, (msg) => {
    if (msg.type === 'step' && msg.step === stopAfter && stopAfter < cfg.steps) session.stop();
  }, model);
  const result = await session.run({ name: wg.backend().name, isSoftware: false });
  return result.losses.map((l) => l.loss);
}

/** the layers of a Sequential model as the PyTorch replayer builds them */
function layerSpec(model: wg.nn.Module): Record<string, unknown>[] {
  if (!(model instanceof wg.nn.Sequential)) throw new Error('parity: a Sequential model expected');
  return [...model].map((m) => {
    if (m instanceof wg.nn.Conv2d) {
      const { padding = 0, activation = null, stride, dilation, groups } = m.opts;
      if (stride !== undefined || dilation !== undefined || groups !== undefined) throw new Error('parity: Conv2d stride/dilation/groups are not mapped');
      return { type: 'conv2d', in: m.inChannels, out: m.outChannels, kernel: m.kernelSize, padding, bias: m.bias !== null, activation };
    }
    if (m instanceof wg.nn.BatchNorm2d) return { type: 'batchnorm2d', features: m.numFeatures, eps: m.opts.eps ?? 1e-5, momentum: m.opts.momentum ?? 0.1 };
    if (m instanceof wg.nn.MaxPool2d) {
      if (Object.keys(m.opts).length) throw new Error('parity: MaxPool2d options are not mapped');
      return { type: 'maxpool2d', kernel: m.kernelSize };
    }
    if (m instanceof wg.nn.ReLU) return { type: 'relu' };
    if (m instanceof wg.nn.Flatten) return { type: 'flatten' };
    if (m instanceof wg.nn.Linear) return { type: 'linear', in: m.inFeatures, out: m.outFeatures, bias: m.bias !== null };
    throw new Error(`parity: no PyTorch mapping for ${m.constructor.name}`);
  });
}

/** what the replayer needs besides the tensors: the config and the pieces of the recipe it must reproduce */
function metadata(cfg: TrainConfig, model: wg.nn.Module, set: wg.data.ImageSet): Record<string, string> {
  const common = {
    config: JSON.stringify(cfg), steps: String(PARITY.steps), totalSteps: String(PARITY.steps),
    float32Steps: String(PARITY_FLOAT32_STEPS[cfg.model as ParityModel]),
    imageShape: JSON.stringify([set.count, set.channels, set.height, set.width]),
    regenerate: `npx tsx bench/cifar/parity.ts --model ${cfg.model} && /usr/bin/python3 bench/cifar/parity_torch.py --model ${cfg.model}`,
  };
  if (model instanceof AirbenchNet) {
    return {
      ...common, widths: JSON.stringify(model.widths), recipe: JSON.stringify(AIRBENCH94), normalize: JSON.stringify(AIRBENCH_NORMALIZE),
      padding: 'reflect', whitenSteps: String(airbenchWhitenSteps(PARITY.steps)),
    };
  }
  return {
    ...common, layers: JSON.stringify(layerSpec(model)), normalize: JSON.stringify(CIFAR_NORMALIZE), padding: 'zeros',
    optimizer: cfg.optimizer, schedule: cfg.schedule, lr: String(learningRate(cfg)), weightDecay: String(cfg.weightDecay),
    cropPad: String(cropPadding(cfg)), loss: 'crossEntropy',
  };
}

/** the training images and labels all four models share */
async function writeImages(set: wg.data.ImageSet): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const dict = {
    images: wg.tensor(wg.data.packBytes(set.images.slice()), [Math.ceil(set.images.length / 4)], { dtype: 'int32' }),
    labels: wg.tensor(Int32Array.from(set.labels), [set.count], { dtype: 'int32' }),
  };
  mkdirSync(PARITY_ROOT, { recursive: true });
  const meta = { imageShape: JSON.stringify([set.count, set.channels, set.height, set.width]), made: 'syntheticCifar, see bench/cifar/parity.ts' };
  writeFileSync(`${PARITY_ROOT}/images.safetensors`, await wg.io.toSafetensors(dict, meta));
  console.log(`wrote ${PARITY_ROOT}/images.safetensors`);
}

async function writeInput(model: ParityModel): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const cfg = parityConfig(model);
  const dataset = await parityData(cfg);
  const set = dataset.train;
  const net = parityModel(cfg, dataset);
  const decisions = await parityDecisions(cfg, set);
  const dict: Record<string, wg.Tensor> = { ...net.stateDict() };
  dict['data.indices'] = wg.tensor(Int32Array.from(decisions.flatMap((d) => Array.from(d.indices))), [PARITY.steps, PARITY.batch], { dtype: 'int32' });
  dict['data.params'] = wg.tensor(Int32Array.from(decisions.flatMap((d) => Array.from(d.params))), [PARITY.steps, PARITY.batch, 3], { dtype: 'int32' });
  mkdirSync(parityDir(model), { recursive: true });
  writeFileSync(`${parityDir(model)}/input.safetensors`, await wg.io.toSafetensors(dict, metadata(cfg, net, set)));
  console.log(`wrote ${parityDir(model)}/input.safetensors`);
  net.dispose();
}

async function main(): Promise<void> {
  const { parseFlags } = await import('../harness/cli.js');
  const flags = parseFlags('npx tsx bench/cifar/parity.ts', {
    model: { kind: 'string', choices: [...PARITY_MODELS, 'all'], default: 'all', describe: 'which model\'s parity input to write' },
  }, { intro: 'Writes test/fixtures/parity/images.safetensors and <model>/input.safetensors for bench/cifar/parity_torch.py (see the header).' });
  await wg.init({ backend: 'cpu' });
  // every model trains on the same images (parityConfig differs only in the model)
  await writeImages((await parityData(parityConfig('convnetjs'))).train);
  for (const model of flags.model === 'all' ? PARITY_MODELS : [flags.model as ParityModel]) await writeInput(model);
}

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('parity.ts')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
