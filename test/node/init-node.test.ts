// initNode() under Deno: Deno has WebGPU built in (wgpu), so Dawn's addon is not loaded and its
// flags are ignored with a warning. Runs under `npm run test:deno`; in Node initNode() is Dawn's
// path, which every Node test already takes through the helpers, so this case is skipped there.
import { describe, expect, it, vi } from 'vitest';
import { initNode, tensor } from '../../src/node.js';
import { setBackend } from '../../src/runtime.js';

const underDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;

describe('initNode', () => {
  it.runIf(underDeno)('under Deno: uses navigator.gpu (wgpu) and says that dawnFlags are ignored', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const be = await initNode({ dawnFlags: ['enable_dawn_features=allow_unsafe_apis'] });
    try {
      expect(be.name).toBe('webgpu');
      expect(be.adapterName).not.toMatch(/unknown/i);
      expect(warn.mock.calls.flat().join(' ')).toMatch(/under Deno .*dawnFlags enable_dawn_features=allow_unsafe_apis are ignored/);
      const x = await tensor([1, 2, 3]).mul(2).data();
      expect(Array.from(x)).toEqual([2, 4, 6]);
    } finally {
      warn.mockRestore();
      be.destroy();
      setBackend(null);
    }
  });
});
