// The airbench PyTorch-parity case: a small-width airbench net (widths 8/16/16, same layers
// and recipe) on 32 synthetic images, batch 8, 5 steps crossing an epoch boundary (so the
// alternating flip and a new shuffle are exercised) with the whitening bias detached after
// step 3. Everything comes from webgrad's seeded streams: the initial weights, the whitening
// PCA, the batches and the augmentation decisions.
//
//   npx tsx bench/cifar/airbench-parity.ts     writes test/fixtures/airbench-parity/input.safetensors
//   /usr/bin/python3 bench/cifar/airbench_torch.py parity
//                                              replays it in PyTorch → .../golden.safetensors
// test/demo/airbench-parity.test.ts then checks webgrad's steps against the golden file.
import { AirbenchNet } from '../../demo/src/airbench-net.js';
import { AIRBENCH94, AIRBENCH_NORMALIZE, type AirbenchBatchDecision, airbenchBatch, AirbenchLoader, AirbenchOptimizer, airbenchLoss, normalizedImages } from '../../demo/src/airbench-recipe.js';
import { syntheticCifar } from '../../demo/src/data.js';
import * as wg from '../../src/index.js';

export const PARITY = {
  widths: { block1: 8, block2: 16, block3: 16 },
  netSeed: 5, dataSeed: 7, loaderSeed: 9,
  images: 32, batch: 8, steps: 5, totalSteps: 10, whitenSteps: 3,
} as const;

export const PARITY_DIR = 'test/fixtures/airbench-parity';

export function paritySet(): wg.data.ImageSet {
  return syntheticCifar(PARITY.images, 0, PARITY.dataSeed).train;
}

/** the batches' images and per-image (dy, dx, flip), as the loader draws them */
export function parityDecisions(set: wg.data.ImageSet): AirbenchBatchDecision[] {
  const loader = new AirbenchLoader(set, PARITY.batch, PARITY.loaderSeed);
  const out: AirbenchBatchDecision[] = [];
  while (out.length < PARITY.steps) out.push(...loader.nextEpochDecisions());
  return out.slice(0, PARITY.steps);
}

export function parityNet(set: wg.data.ImageSet): AirbenchNet {
  const net = new AirbenchNet(PARITY.widths, PARITY.netSeed);
  net.initWhitening(normalizedImages(set, set.count), set.count, set.height, set.width, AIRBENCH94.whitenEps);
  return net;
}

/** runs the parity steps on the active backend: the loss of each step (read back) and the final state */
export async function runParitySteps(net: AirbenchNet, set: wg.data.ImageSet, decisions: AirbenchBatchDecision[]): Promise<number[]> {
  const opt = new AirbenchOptimizer(net, PARITY.batch, PARITY.totalSteps, PARITY.whitenSteps);
  const losses: number[] = [];
  net.train();
  for (const d of decisions) {
    const loss = wg.tidy(() => {
      const { x, y } = airbenchBatch(set, d);
      opt.zeroGrad();
      const l = airbenchLoss(net.forward(x), y);
      l.backward();
      opt.step();
      return l.detach();
    });
    opt.schedulerStep();
    losses.push(await loss.item());
    loss.dispose();
  }
  opt.dispose();
  return losses;
}

async function writeInput(): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  await wg.init({ backend: 'cpu' });
  const set = paritySet();
  const decisions = parityDecisions(set);
  const net = parityNet(set);
  const dict: Record<string, wg.Tensor> = { ...net.stateDict() };
  dict['data.images'] = wg.tensor(wg.data.packBytes(set.images.slice()), [set.images.length / 4], { dtype: 'int32' });
  dict['data.labels'] = wg.tensor(Int32Array.from(set.labels), [set.count], { dtype: 'int32' });
  dict['data.indices'] = wg.tensor(Int32Array.from(decisions.flatMap((d) => Array.from(d.indices))), [PARITY.steps, PARITY.batch], { dtype: 'int32' });
  dict['data.params'] = wg.tensor(Int32Array.from(decisions.flatMap((d) => Array.from(d.params))), [PARITY.steps, PARITY.batch, 3], { dtype: 'int32' });
  const metadata = {
    parity: JSON.stringify(PARITY), recipe: JSON.stringify(AIRBENCH94), normalize: JSON.stringify(AIRBENCH_NORMALIZE),
    imageShape: JSON.stringify([set.count, set.channels, set.height, set.width]),
  };
  mkdirSync(PARITY_DIR, { recursive: true });
  writeFileSync(`${PARITY_DIR}/input.safetensors`, await wg.io.toSafetensors(dict, metadata));
  console.log(`wrote ${PARITY_DIR}/input.safetensors`);
}

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('airbench-parity.ts')) {
  writeInput().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
