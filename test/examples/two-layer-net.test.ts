// The seed's sample network: autograd gradients equal the hand-derived formulas to 1e-5.
import { describe, expect, it } from 'vitest';
import { twoLayerNet } from '../../demo/examples/two-layer-net.js';
import { devices, useDevice } from '../helpers.js';

describe.each(devices)('two-layer net (course sample code) on %s', (device) => {
  useDevice(device);
  it('autograd gradients match dW2 = hᵀ·2(ŷ−y), dW1 = xᵀ·((2(ŷ−y)·W2ᵀ)·h·(1−h)); the loss falls', async () => {
    const r = await twoLayerNet({ steps: 20 });
    expect(r.relErrW1).toBeLessThanOrEqual(1e-5);
    expect(r.relErrW2).toBeLessThanOrEqual(1e-5);
    expect(r.losses[r.losses.length - 1]).toBeLessThan(r.losses[0]);
  });
});
