// CPU reference for the fused optimizer step (shaders/optimizer.wgsl): PyTorch's update rules
// (torch.optim.SGD / RMSprop / Adam / AdamW, single-tensor path), one element at a time.
import type { OptimizerStepArgs, Storage, TypedArray } from '../types.js';
import { cpuData } from './storage.js';

function slot(state: readonly (Storage | null)[], k: number): TypedArray | null {
  const s = state[k];
  return s ? cpuData(s) : null;
}

export function optimizerStep(args: OptimizerStepArgs, param: Storage, grad: Storage, state: readonly (Storage | null)[]): void {
  if (args.skipIf && cpuData(args.skipIf)[0] !== 0) return; // GradScaler found an inf / NaN
  const p = cpuData(param);
  const g = cpuData(grad);
  const { lr, weightDecay: wd } = args;
  switch (args.rule) {
    case 'sgd': {
      const buf = slot(state, 0);
      for (let i = 0; i < p.length; i++) {
        let d = g[i] + wd * p[i];
        if (buf) {
          buf[i] = args.firstStep ? d : buf[i] * args.momentum + (1 - args.dampening) * d;
          d = args.nesterov ? d + args.momentum * buf[i] : buf[i];
        }
        p[i] = p[i] - lr * d;
      }
      return;
    }
    case 'rmsprop': {
      const sq = slot(state, 0)!;
      const buf = slot(state, 1);
      const gAvg = slot(state, 2);
      const { alpha, eps } = args;
      for (let i = 0; i < p.length; i++) {
        const d = g[i] + wd * p[i];
        sq[i] = sq[i] * alpha + (1 - alpha) * d * d;
        let avg: number;
        if (gAvg) {
          gAvg[i] = gAvg[i] + (d - gAvg[i]) * (1 - alpha);
          avg = Math.sqrt(sq[i] - gAvg[i] * gAvg[i]) + eps;
        } else {
          avg = Math.sqrt(sq[i]) + eps;
        }
        if (buf) {
          buf[i] = buf[i] * args.momentum + d / avg;
          p[i] = p[i] - lr * buf[i];
        } else {
          p[i] = p[i] - lr * (d / avg);
        }
      }
      return;
    }
    case 'adam': {
      const m = slot(state, 0)!;
      const v = slot(state, 1)!;
      const vMax = slot(state, 2);
      const { beta1, beta2, eps } = args;
      const stepSize = lr / args.biasCorrection1;
      const bc2Sqrt = Math.sqrt(args.biasCorrection2);
      for (let i = 0; i < p.length; i++) {
        let d = g[i];
        if (args.decoupledWeightDecay) p[i] = p[i] * (1 - lr * wd);
        else d += wd * p[i];
        m[i] = m[i] + (d - m[i]) * (1 - beta1);
        v[i] = v[i] * beta2 + (1 - beta2) * d * d;
        let second = v[i];
        if (vMax) {
          vMax[i] = Math.max(vMax[i], v[i]);
          second = vMax[i];
        }
        p[i] = p[i] - stepSize * (m[i] / (Math.sqrt(second) / bc2Sqrt + eps));
      }
      return;
    }
  }
}
