// A page training run leaves nothing behind: once its model is disposed, the live bytes are
// back where they were — the optimizer's state (Adam's moments, airbench's Muon and SGD buffers)
// is freed by the run itself, a batch the loader built before a stop is freed by fit, and the
// worker disposes the previous run's model when the next one starts. And the page's compiled
// airbench step (Muon replayed with the scheduled lr, the whitening bias frozen mid-run by a
// compile guard) trains exactly as its eager step does.
import { describe, expect, it } from 'vitest';
import { parityConfig, parityData, parityModel } from '../../bench/cifar/parity.js';
import { TrainingSession } from '../../demo/src/session.js';
import * as wg from '../../src/index.js';
import { setPoisonOutputs } from '../../src/runtime.js';
import { devices, useDevice } from '../helpers.js';

describe.each(devices)('TrainingSession on %s', (device) => {
  useDevice(device);

  it.each(['mlp', 'airbench'] as const)('%s: runs stopped after 4 of 6 steps leave only the model alive, and nothing once it is disposed', async (name) => {
    const cfg = { ...parityConfig(name, device), steps: 0, epochs: 1, testLimit: 16 };
    const dataset = await parityData(cfg);
    const baseline = wg.stats().liveBytes;
    for (let run = 0; run < 2; run++) {
      const model = parityModel(cfg, dataset);
      const session: TrainingSession = new TrainingSession(cfg, dataset, (msg) => {
        if (msg.type === 'step' && msg.step === 4) session.stop(); // as the page's stop button
      }, model);
      const result = await session.run({ name: device, isSoftware: false });
      expect(result.steps).toBe(4);
      model.dispose();
      expect(wg.stats().liveBytes, `after run ${run + 1}`).toBe(baseline);
    }
  }, 300_000);

  // a CPU run has no capture: the compiled run is the eager one there
  it.runIf(device === 'webgpu')('airbench: the compiled run (Muon replayed with the decaying lr) equals the eager run bit for bit, across the whitening-bias freeze', async () => {
    setPoisonOutputs(false);
    const base = parityConfig('airbench', device);
    // 22 steps: the bias freezes after step 19 (3/8 of the 50-step schedule), a new recording
    const run = async (compile: boolean) => {
      const cfg = { ...base, compile, testLimit: 16 };
      const dataset = await parityData(cfg);
      const model = parityModel(cfg, dataset);
      const session: TrainingSession = new TrainingSession(cfg, dataset, (msg) => {
        if (msg.type === 'step' && msg.step === 22) session.stop();
      }, model);
      const result = await session.run({ name: device, isSoftware: false });
      const state = await Promise.all(Object.values(model.stateDict()).map(async (t) => Array.from(await t.data())));
      model.dispose();
      return { losses: result.losses.map((l) => l.loss), state };
    };
    const eager = await run(false);
    const compiled = await run(true);
    expect(compiled.losses).toHaveLength(22);
    expect(compiled.losses).toEqual(eager.losses);
    compiled.state.forEach((t, i) => expect(t).toEqual(eager.state[i]));
  }, 600_000);
});
