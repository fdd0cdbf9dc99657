// Row 7 (and the CPU's row 11) of issue 14: an allocation the device cannot back is reported
// as out of memory (size asked, live and pooled bytes, what to try), not as a validation error
// about an invalid buffer, and the backend stays usable.
import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../../src/creation.js';
import { getBackend } from '../../src/runtime.js';
import { devices, useDevice } from '../helpers.js';

const OOM = /out of memory on the (cpu|webgpu) backend: could not allocate .*live in tensors, .* pooled .*Try .*a smaller batch size/;

describe.each(devices)('out of memory on %s', (device) => {
  useDevice(device);

  async function stillUsable(): Promise<void> {
    const t = tensor([1, 2, 3]).mul(2);
    expect(Array.from(await t.data())).toEqual([2, 4, 6]);
    t.dispose();
  }

  it(device === 'cpu' ? 'zeros([1e6, 1e6]) names the size instead of "Invalid typed array length"' : 'a 1 GiB storage the device cannot back is reported as out of memory', async () => {
    const be = getBackend();
    const live = be.stats().liveBytes;
    if (device === 'cpu') {
      expect(() => zeros([1e6, 1e6])).toThrow(/out of memory on the cpu backend: could not allocate 3.64 TiB \(4000000000000 bytes\)/);
      expect(() => zeros([1e6, 1e6])).toThrow(OOM);
    } else {
      // SwiftShader (the software adapter here) cannot back 1 GiB; a hardware GPU usually can,
      // and then there is nothing to report
      if (!be.isSoftwareAdapter) return;
      const big = zeros([256, 1024, 1024]);
      await expect(be.flush()).rejects.toThrow(/out of memory on the webgpu backend: could not allocate 1.00 GiB \(1073741824 bytes\)/);
      big.dispose();
      await expect(be.flush()).resolves.toBeUndefined();
    }
    expect(be.stats().liveBytes).toBe(live);
    await stillUsable();
  });
});
