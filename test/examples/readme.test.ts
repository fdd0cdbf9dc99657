// The README's training example, as written there (on each device, fewer steps).
import { describe, expect, it } from 'vitest';
import * as wg from '../../src/index.js';
import { devices, useDevice } from '../helpers.js';

describe.each(devices)("README's training example on %s", (device) => {
  useDevice(device);
  it('trains: the loss falls, and no tensor leaks', async () => {
    const be = wg.backend();
    await be.flush();
    const model = new wg.nn.Sequential(new wg.nn.Linear(784, 128), new wg.nn.ReLU(), new wg.nn.Linear(128, 10));
    const opt = new wg.optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = wg.randn([64, 784], { seed: 1 });
    const y = wg.randint(0, 10, [64], { seed: 2 });
    const losses: number[] = [];
    let liveAfterFirst = 0;
    for (let step = 0; step < 30; step++) {
      const loss = wg.tidy(() => {
        opt.zeroGrad();
        const loss = wg.nn.functional.crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        return loss;
      });
      if (step % 10 === 0 || step === 29) losses.push(await loss.item());
      loss.dispose();
      if (step === 1) liveAfterFirst = be.stats().liveBytes;
    }
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5);
    expect(be.stats().liveBytes).toBe(liveAfterFirst);
  });
});
