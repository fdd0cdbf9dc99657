// The optimizers' update rules written out as in PyTorch's documentation (the algorithm
// boxes of torch.optim.SGD / RMSprop / Adam / AdamW), in float64 over plain arrays: the
// independent reference the fused kernels are checked against.

export interface RefOptions {
  lr: number;
  weightDecay?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  alpha?: number;
  eps?: number;
  centered?: boolean;
  betas?: [number, number];
  amsgrad?: boolean;
}

export type RefRule = 'sgd' | 'rmsprop' | 'adam' | 'adamw';

/** Runs `grads.length` steps from `p0`; returns the parameter after each step. */
export function referenceSteps(rule: RefRule, o: RefOptions, p0: ArrayLike<number>, grads: ArrayLike<number>[]): number[][] {
  const n = p0.length;
  const theta = Array.from(p0);
  const zeros = (): number[] => new Array<number>(n).fill(0);
  let b: number[] | null = null; // momentum buffer (None at first)
  const v = zeros(); // square average / exp_avg_sq
  const m = zeros(); // exp_avg
  const gAve = zeros();
  const vMax = zeros();
  const out: number[][] = [];
  const lambda = o.weightDecay ?? (rule === 'adamw' ? 0.01 : 0);
  grads.forEach((gt, t0) => {
    const t = t0 + 1;
    const g = Array.from(gt);
    if (rule !== 'adamw' && lambda !== 0) for (let i = 0; i < n; i++) g[i] += lambda * theta[i];
    if (rule === 'sgd') {
      const mu = o.momentum ?? 0;
      const tau = o.dampening ?? 0;
      if (mu !== 0) {
        b = b === null ? [...g] : b.map((bi, i) => mu * bi + (1 - tau) * g[i]);
        for (let i = 0; i < n; i++) g[i] = o.nesterov ? g[i] + mu * b[i] : b[i];
      }
      for (let i = 0; i < n; i++) theta[i] -= o.lr * g[i];
    } else if (rule === 'rmsprop') {
      const alpha = o.alpha ?? 0.99;
      const eps = o.eps ?? 1e-8;
      const mu = o.momentum ?? 0;
      b ??= zeros();
      for (let i = 0; i < n; i++) {
        v[i] = alpha * v[i] + (1 - alpha) * g[i] * g[i];
        let vt = v[i];
        if (o.centered) {
          gAve[i] = alpha * gAve[i] + (1 - alpha) * g[i];
          vt = v[i] - gAve[i] * gAve[i];
        }
        if (mu > 0) {
          b[i] = mu * b[i] + g[i] / (Math.sqrt(vt) + eps);
          theta[i] -= o.lr * b[i];
        } else {
          theta[i] -= (o.lr * g[i]) / (Math.sqrt(vt) + eps);
        }
      }
    } else {
      const [b1, b2] = o.betas ?? [0.9, 0.999];
      const eps = o.eps ?? 1e-8;
      for (let i = 0; i < n; i++) {
        if (rule === 'adamw') theta[i] -= o.lr * lambda * theta[i];
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        const mHat = m[i] / (1 - b1 ** t);
        let vHat: number;
        if (o.amsgrad) {
          vMax[i] = Math.max(vMax[i], v[i]);
          vHat = vMax[i] / (1 - b2 ** t);
        } else {
          vHat = v[i] / (1 - b2 ** t);
        }
        theta[i] -= (o.lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    }
    out.push([...theta]);
  });
  return out;
}
