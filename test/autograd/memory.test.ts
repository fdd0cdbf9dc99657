// Memory: 1,000 forward+backward+update steps of a small MLP leave live bytes flat.
import { describe, expect, it } from 'vitest';
import * as wg from '../../src/index.js';
import { devices, useDevice } from '../helpers.js';

describe.each(devices)('memory on %s', (device) => {
  useDevice(device);
  it('1,000 MLP training steps keep liveBytes flat', async () => {
    const be = wg.backend();
    const w1 = wg.randn([8, 16], { seed: 1, requiresGrad: true });
    const w2 = wg.randn([16, 3], { seed: 2, requiresGrad: true });
    const x = wg.randn([12, 8], { seed: 3 });
    const y = wg.tensor(new Int32Array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]), [12]);
    const params = [w1, w2];
    const step = () =>
      wg.tidy(() => {
        const loss = wg.functional.crossEntropy(x.matmul(w1).relu().matmul(w2), y);
        loss.backward();
        for (const p of params) {
          p.assign(p.sub(p.grad!.mul(0.1)));
          p.grad!.dispose();
          p.grad = null;
        }
      });
    for (let i = 0; i < 10; i++) step();
    await be.flush();
    const baseline = be.stats().liveBytes;
    const storages = be.stats().liveStorages;
    for (let i = 0; i < 1000; i++) {
      step();
      if (i % 100 === 99) await be.flush();
    }
    await be.flush();
    expect(be.stats().liveBytes).toBe(baseline);
    expect(be.stats().liveStorages).toBe(storages);
  });
});
