// Rows 9 and 12 of issue 14: a corrupt gzip at the start of a CIFAR-10 file names the file;
// overlapping init() calls leave exactly one device (the earlier call's device is destroyed
// and it resolves to the winner's backend).
import { describe, expect, it } from 'vitest';
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
      const state = (d: GPUDevice): Promise<string> =>
        Promise.race([d.lost.then((info) => `lost: ${info.reason}`), new Promise<string>((r) => setTimeout(() => r('alive'), 300))]);
      expect((await Promise.all(made.map(state))).sort()).toEqual(['alive', 'lost: destroyed']);
      b.destroy();
    } finally {
      setBackend(prev);
    }
  });
});
