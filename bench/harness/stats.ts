// Timing helpers shared by bench pages (they run in the browser; no Node imports here).

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Runs `once` (which must include forcing completion) `warmup` times untimed, then
 * `iterations` times timed; returns the median seconds.
 */
export async function timeMedian(once: () => Promise<void>, warmup: number, iterations: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await once();
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

/** GFLOP/s of an n×n·n×n product taking `seconds` */
export const matmulGflops = (n: number, seconds: number): number => (2 * n ** 3) / seconds / 1e9;
