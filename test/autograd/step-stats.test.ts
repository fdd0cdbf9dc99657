// "One training step = one submit, no readback": forward, backward and the optimizer update
// of a step are recorded into one command encoder and submitted at the flush.
import { describe, expect, it } from 'vitest';
import * as wg from '../../src/index.js';
import { useDevice } from '../helpers.js';
import { setPoisonOutputs } from '../../src/runtime.js';

describe('a training step on webgpu', () => {
  useDevice('webgpu');
  it('is one submit and zero readbacks', async () => {
    setPoisonOutputs(false);
    const model = new wg.nn.Sequential(new wg.nn.Linear(20, 32, { seed: 1 }), new wg.nn.ReLU(), new wg.nn.Linear(32, 5, { seed: 2 }));
    const opt = new wg.optim.Adam(model.parameters(), { lr: 1e-2 });
    const x = wg.randn([16, 20], { seed: 3 });
    const y = wg.randint(0, 5, [16], { seed: 4 });
    const step = () =>
      wg.tidy(() => {
        opt.zeroGrad();
        wg.functional.crossEntropy(model.forward(x), y).backward();
        opt.step();
      });
    step(); // compiles pipelines, creates optimizer state
    await wg.flush();
    wg.resetStats();
    step();
    await wg.flush();
    const s = wg.stats();
    expect(s.submits).toBe(1);
    expect(s.readbacks).toBe(0);
    expect(s.dispatches).toBeGreaterThan(5);
    console.log(`MLP training step: ${s.dispatches} dispatches, ${s.submits} submit, ${s.readbacks} readbacks`);
    model.dispose();
    opt.dispose();
  });
});
