// wg.profileKernels: per-kernel GPU time from timestamp queries. The profile must count every
// dispatch under its label, leave the results bit-identical to an unprofiled run, clean up after
// a throwing body, and refuse clearly where it cannot work (the CPU backend, nesting).
import { describe, expect, it } from 'vitest';
import { profileKernels, stats } from '../../src/init.js';
import { matmul } from '../../src/index.js';
import { tensor } from '../../src/creation.js';
import { getBackend } from '../../src/runtime.js';
import type { WebGPUBackend } from '../../src/backend/webgpu/index.js';
import { randomData, useDevice } from '../helpers.js';

describe('profileKernels on webgpu', () => {
  useDevice('webgpu');

  const work = (a: Float32Array, b: Float32Array) => matmul(tensor(a, [37, 29]), tensor(b, [29, 41])).relu();

  it('times every dispatch under its label and leaves the results unchanged', async () => {
    const device = (getBackend() as WebGPUBackend).device.device;
    const a = randomData(37 * 29);
    const b = randomData(29 * 41);
    const plain = await work(a, b).data();
    if (!device.features.has('timestamp-query')) {
      // the adapter cannot time passes: the error must say so rather than return zeros
      await expect(profileKernels(() => work(a, b))).rejects.toThrow(/timestamp-query/);
      return;
    }
    let profiled: ArrayLike<number> = [];
    const before = stats().dispatches;
    const timings = await profileKernels(async () => {
      profiled = await work(a, b).data();
    });
    const dispatches = stats().dispatches - before;
    expect(Array.from(profiled)).toEqual(Array.from(plain));
    const labels = timings.map((t) => t.label);
    expect(labels.some((l) => l.startsWith('matmul.'))).toBe(true);
    expect(labels).toContain('unary.relu');
    expect(timings.reduce((s, t) => s + t.calls, 0)).toBe(dispatches);
    for (const t of timings) expect(t.milliseconds).toBeGreaterThanOrEqual(0);
    // most expensive first
    for (let i = 1; i < timings.length; i++) expect(timings[i - 1].milliseconds).toBeGreaterThanOrEqual(timings[i].milliseconds);
  });

  it('stops profiling when the body throws, and refuses to nest', async () => {
    const device = (getBackend() as WebGPUBackend).device;
    if (!device.device.features.has('timestamp-query')) {
      await expect(device.startProfile()).rejects.toThrow(/timestamp-query/);
      return;
    }
    await expect(profileKernels(() => { throw new Error('body failed'); })).rejects.toThrow('body failed');
    // the failed profile was stopped: a new one starts
    await device.startProfile();
    await expect(device.startProfile()).rejects.toThrow(/already running/);
    expect(await device.stopProfile()).toEqual([]);
    await expect(device.stopProfile()).rejects.toThrow(/without startProfile/);
  });
});

describe('profileKernels on cpu', () => {
  useDevice('cpu');
  it('names the backend it needs', async () => {
    await expect(profileKernels(() => undefined)).rejects.toThrow(/needs the WebGPU backend.*'cpu'/);
  });
});
