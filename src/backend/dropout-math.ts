// The dropout mask's hash, shared by the CPU reference (cpu/dropout.ts) and the WebGPU launcher
// (webgpu/dropout.ts; shaders/dropout.wgsl computes the same bits), in 32-bit integer
// arithmetic so a seed gives the same mask on every backend.

/** PCG's output permutation of one LCG step (O'Neill 2014), as a stateless 32-bit hash. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** 24 random bits from (seed, element index) */
export function dropoutBits(seed: number, i: number): number {
  return pcgHash((i ^ pcgHash(seed)) >>> 0) >>> 8;
}

/** an element is kept when its 24 bits reach this: P(keep) = 1 − p up to 2⁻²⁴ */
export function dropoutThreshold(p: number): number {
  return Math.min(Math.ceil(p * 16777216), 16777216);
}
