// Rows 9 and 12 of issue 14: a corrupt gzip at the start of a CIFAR-10 file names the file;
// overlapping init() calls leave exactly one device (the earlier call's device is destroyed
// and it resolves to the winner's backend).
import { describe, expect, it } from 'vitest';
import type { WebGPUBackend } from '../../src/backend/webgpu/index.js';
import { readCifar10 } from '../../src/data/index.js';
import { init } from '../../src/init.js';
import { getBackend, hasBackend, setBackend } from '../../src/runtime.js';
import { devices, getGpu, useDevice } from '../helpers.js';

/** a gzip member header followed by a deflate block with an invalid code-lengths table */
function corruptGzip(): Uint8Array {
  const bytes = new Uint8Array(64).fill(0xff);
  bytes.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x05, 0xff]);
  return bytes;
}

describe.each(devices)('reading and init on %s', (device) => {
  useDevice(device);

  it('corrupt gzip at the start of a CIFAR-10 file: the error names the file', async () => {
    const err = await readCifar10({ name: 'data_batch_1.bin.gz', data: corruptGzip() }).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/^webgrad: data_batch_1\.bin\.gz: corrupt gzip data at byte offset 0 of the decompressed data: .+\. The file is truncated or corrupt/);
  });

  it('overlapping init() calls leave exactly one device, the last call\'s', async () => {
    const prev = hasBackend() ? getBackend() : null;
    setBackend(null); // init() destroys the active backend; the suite's shared one must survive
    try {
      if (device === 'cpu') {
        const [a, b] = await Promise.all([init({ backend: 'cpu' }), init({ backend: 'cpu' })]);
        expect(a).toBe(b);
        expect(getBackend()).toBe(b);
        b.destroy();
        return;
      }
      const gpu = await getGpu();
      const made: GPUDevice[] = [];
      const spy = {
        requestAdapter: async (o?: GPURequestAdapterOptions) => {
          const adapter = (await gpu.requestAdapter(o))!;
          const requestDevice = adapter.requestDevice.bind(adapter);
          Object.defineProperty(adapter, 'requestDevice', {
            value: async (d?: GPUDeviceDescriptor) => {
              const dev = await requestDevice(d);
              made.push(dev);
              return dev;
            },
          });
          return adapter;
        },
      } as unknown as GPU;
      const [a, b] = await Promise.all([init({ gpu: spy }), init({ gpu: spy })]);
      expect(a).toBe(b);
      expect(getBackend()).toBe(b);
      expect(made.length).toBe(2);
      // No timer decides "alive": a device's loss arrives from the GPU process, late under load.
      // Wait for the first loss, then make a round trip through the other device's queue; by
      // then that device, if destroyed too, would have reported it.
      const lost = made.map(() => false);
      made.forEach((d, i) => void d.lost.then(() => { lost[i] = true; }));
      const first = await Promise.race([
        ...made.map((d, i) => d.lost.then((info) => ({ index: i, reason: info.reason as string }))),
        new Promise<{ index: number; reason: string }>((r) => setTimeout(() => r({ index: -1, reason: 'no device lost within 60 s' }), 60_000)),
      ]);
      expect(first.reason).toBe('destroyed');
      await made[1 - first.index].queue.onSubmittedWorkDone();
      expect(lost).toEqual(made.map((_, i) => i === first.index));
      expect(made[1 - first.index], 'the surviving device is the last call\'s backend\'s').toBe((b as WebGPUBackend).device.device);
      b.destroy();
    } finally {
      setBackend(prev);
    }
  });
});
