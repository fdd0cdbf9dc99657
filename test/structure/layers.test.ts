// The Tensor core (src/tensor-core.ts) sits below src/ops/; src/tensor.ts installs the op
// methods from above. This file loads the core alone (vitest gives each file its own module
// graph), so an op method must fail saying which layer is missing, not "is not a function".
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import { setBackend } from '../../src/runtime.js';
import { Tensor } from '../../src/tensor-core.js';

describe('layers', () => {
  it('an op method on the bare core names the module that installs it', () => {
    const be = createCpuBackend();
    setBackend(be);
    try {
      const t = Tensor.fromStorage(be.alloc(4, 'float32'), [4]);
      expect(() => t.add(1)).toThrow(/tensor\.add needs the op layer, which src\/tensor\.ts installs/);
      expect(() => t.T).toThrow(/tensor\.T needs the op layer/);
      expect(t.detach().shape).toEqual([4]); // the core's own methods work
      t.dispose();
    } finally {
      setBackend(null);
    }
  });

  it('importing src/tensor.ts installs the methods on the same class', async () => {
    const api = await import('../../src/tensor.js');
    expect(api.Tensor).toBe(Tensor);
    const be = createCpuBackend();
    setBackend(be);
    try {
      const t = Tensor.fromStorage(be.alloc(2, 'float32'), [2]);
      be.fill(t.storage, 1);
      expect(Array.from(await t.add(2).data())).toEqual([3, 3]);
      expect(t.T.shape).toEqual([2]);
    } finally {
      setBackend(null);
    }
  });
});
