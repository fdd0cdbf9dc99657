// CPU reference for reductions (shaders/reduce.wgsl), float64 accumulation.
import type { ReduceOp, Storage } from '../types.js';
import { cpuData } from './storage.js';

export function reduce(op: ReduceOp, x: Storage, outer: number, reduceLen: number, inner: number, out: Storage): void {
  const src = cpuData(x);
  const dst = cpuData(out);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * reduceLen * inner + i;
      let acc = op === 'sum' ? 0 : src[base];
      let best = 0;
      for (let r = 0; r < reduceLen; r++) {
        const v = src[base + r * inner];
        if (op === 'sum') acc += v;
        else if (Number.isNaN(v)) {
          if (!Number.isNaN(acc)) { acc = v; best = r; }
        } else if ((op === 'max' || op === 'argmax') ? v > acc : (op === 'min' || op === 'argmin') && v < acc) {
          acc = v;
          best = r;
        }
      }
      dst[o * inner + i] = op === 'argmax' || op === 'argmin' ? best : reduceLen === 0 && op !== 'sum' ? NaN : acc;
    }
  }
}
