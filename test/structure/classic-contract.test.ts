// The classic-course kernels are an optional part of the backend contract
// (ClassicKernelSignatures): a backend without them still trains, and src/classic says which
// kernel is missing instead of failing with "be.hog is not a function".
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import type { Backend } from '../../src/backend/types.js';
import { hog, l1Distances } from '../../src/classic/index.js';
import { randn } from '../../src/creation.js';
import { setBackend } from '../../src/runtime.js';

describe('classic kernel contract', () => {
  it('a backend without the classic kernels runs ops, and classic functions name what is missing', async () => {
    const full = createCpuBackend();
    const { hog: _hog, pairwiseL1: _l1, ...rest } = full;
    const trainingOnly: Backend = rest;
    setBackend(trainingOnly);
    try {
      const x = randn([2, 3, 8, 8], { seed: 1 });
      expect(await x.mul(2).sum().item()).toBeTypeOf('number');
      expect(() => hog(x)).toThrow(/webgrad: hog: the cpu backend does not implement the classic-course kernels \(pairwiseL1 is missing\)/);
      const a = randn([3, 4], { seed: 2 });
      expect(() => l1Distances(a, a)).toThrow(/l1Distances: .*classic-course kernels/);
      setBackend(full);
      const b = randn([3, 4], { seed: 3 });
      expect(l1Distances(b, b).shape).toEqual([3, 3]);
    } finally {
      setBackend(null);
    }
  });
});
