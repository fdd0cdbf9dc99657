// bench/host.ts's training steps (bench/host/cases.ts) record the dispatches the host
// figures are quoted per: steady-state counts per eager step, on Dawn's Null backend (no GPU
// work, so the VGG step costs milliseconds here). Small batches: the counts do not depend on
// the batch except VGG-BN's (reductions split by size).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNode } from '../../src/node.js';
import * as wg from '../../src/index.js';
import type { WebGPUBackend } from '../../src/backend/webgpu/index.js';
import { buildCase, type CaseName, disposeCase, eagerStep } from '../../bench/host/cases.js';

describe('bench:host cases', () => {
  beforeAll(async () => {
    await initNode({ dawnFlags: ['backend=null'] });
  });
  afterAll(() => wg.backend().destroy());

  // VGG-BN: 526 dispatches with the composed batch norm, 166 with the fused one (issue 18) and its num_batches_tracked add
  const expected: [CaseName, number][] = [['convnetjs-sgd', 55], ['convnetjs-adam', 55], ['mlp', 20], ['vgg-bn', 166]];
  it.each(expected)('%s: %i dispatches and one submit per step, nothing left live', async (name, dispatches) => {
    const live0 = wg.stats().liveBytes;
    const c = buildCase(name, { batch: 4, totalSteps: 10 });
    const perStep: { dispatches: number; submits: number; readbacks: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const s0 = wg.stats();
      eagerStep(c);
      await wg.flush();
      const s1 = wg.stats();
      perStep.push({ dispatches: s1.dispatches - s0.dispatches, submits: s1.submits - s0.submits, readbacks: s1.readbacks - s0.readbacks });
    }
    // the first step also zero-fills the optimizer's state: steps 2 and 3 are the steady state
    expect(perStep.slice(1)).toEqual([{ dispatches, submits: 1, readbacks: 0 }, { dispatches, submits: 1, readbacks: 0 }]);
    disposeCase(c);
    expect(wg.stats().liveBytes).toBe(live0);
    (wg.backend() as WebGPUBackend).device.trimPool();
  });
});
