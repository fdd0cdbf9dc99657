// Muon (Jordan et al. 2024, KellerJordan/Muon's `muon_update`): momentum, then the update of
// each ≥ 2-D parameter replaced by an approximate orthogonalisation UVᵀ of itself, computed by
// a quintic Newton–Schulz iteration. Composed from existing ops (the tuned matmul, elementwise,
// reductions) so the same code is the CPU twin and runs on the GPU with no readback; the
// parameters of one shape are stacked and iterated as one batched matmul.
import type { OptimizerStepArgs } from '../backend/types.js';
import { zeros } from '../creation.js';
import { concat, hostScalar } from '../ops/index.js';
import { getBackend, noGrad, tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import { type GroupOptions, Optimizer, type ParamGroup, type ParamsArg, withDefaults } from './optimizer.js';

export interface MuonOptions extends GroupOptions {
  /** β of the momentum EMA m ← β·m + (1 − β)·g (default 0.95) */
  momentum?: number;
  /** step along (1 − β)·g + β·m instead of m (default true) */
  nesterov?: boolean;
  /** Newton–Schulz iterations (default 5; airbench94_muon uses 3) */
  nsSteps?: number;
  /**
   * airbench94_muon's variant: before each step, rescale the weight to Frobenius norm
   * √rows (p ← p·√rows / ‖p‖), so the weight norm is fixed and only its direction trains
   * (default false, as KellerJordan/Muon)
   */
  normalizeWeights?: boolean;
}

/** the quintic's coefficients (a, b, c), chosen for the steepest slope at zero */
export const NS_COEFFICIENTS = [3.4445, -4.775, 2.0315] as const;

/**
 * Approximately orthogonalises each matrix of a batch `g` [B, rows, cols] (or one [rows, cols]):
 * X ← G / (‖G‖_F + 1e-7), transposed when rows > cols so X·Xᵀ is the small Gram matrix, then
 * `steps` times A = X·Xᵀ, B = b·A + c·A², X ← a·X + B·X; transposed back. Float32 throughout.
 */
export function zeropowerNewtonSchulz(g: Tensor, steps = 5, eps = 1e-7): Tensor {
  if (g.shape.length !== 2 && g.shape.length !== 3) throw new Error(`webgrad: zeropowerNewtonSchulz: expects [rows, cols] or [batch, rows, cols], got [${g.shape}]`);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`webgrad: zeropowerNewtonSchulz: steps must be a non-negative integer, got ${steps}`);
  const [a, b, c] = NS_COEFFICIENTS;
  const r = g.shape.length;
  const tall = g.shape[r - 2] > g.shape[r - 1];
  // each iteration frees its temporaries and the previous X as it goes, so the peak (and a
  // compiled step's held temporaries) is a few copies of the batch, not a few per iteration
  return tidy(() => {
    let x = tidy(() => {
      // one Frobenius norm per matrix of the batch, kept as a tensor (no readback)
      const norm = g.square().sum([r - 2, r - 1], true).sqrt().add(eps);
      const x0 = g.div(norm);
      return tall ? x0.transpose(r - 2, r - 1) : x0;
    });
    for (let i = 0; i < steps; i++) {
      const prev = x;
      x = tidy(() => {
        const gram = prev.matmul(prev, { transB: true });
        const poly = gram.mul(b).add(gram.matmul(gram).mul(c));
        return prev.mul(a).add(poly.matmul(prev));
      });
      prev.dispose();
    }
    return tall ? x.transpose(r - 2, r - 1) : x;
  });
}

export class Muon extends Optimizer<MuonOptions> {
  constructor(params: ParamsArg<MuonOptions> | Iterable<Tensor>, opts: MuonOptions = {}) {
    super(params, withDefaults({ lr: 0.02, weightDecay: 0, momentum: 0.95, nesterov: true, nsSteps: 5, normalizeWeights: false }, opts));
    for (const g of this.paramGroups)
      for (const p of g.params)
        if (p.shape.length < 2) throw new Error(`webgrad: Muon: ${p} has fewer than 2 dimensions; optimise biases and gains with SGD or Adam`);
  }

  protected override validate(g: ParamGroup<MuonOptions>): void {
    super.validate(g);
    if (!(g.momentum >= 0 && g.momentum < 1)) throw new Error(`webgrad: Muon: momentum must be in [0, 1), got ${g.momentum}`);
    if (!Number.isInteger(g.nsSteps) || g.nsSteps < 1) throw new Error(`webgrad: Muon: nsSteps must be a positive integer, got ${g.nsSteps}`);
  }

  protected stateSlots(): (string | null)[] {
    return ['momentumBuffer'];
  }

  protected stepArgs(): OptimizerStepArgs {
    throw new Error('webgrad: Muon: has no fused elementwise kernel (its step is composed)');
  }

  /**
   * One update of every parameter with a gradient. Parameters of a group with the same matrix
   * shape [dim 0, rest] are orthogonalised together: their updates are stacked into one
   * [B, rows, cols] batch, so each Newton–Schulz matmul is one batched dispatch.
   */
  override step(): void {
    const capture = getBackend().capture;
    noGrad(() => {
      for (const group of this.paramGroups) {
        if (capture?.capturing) this.guardStructure(group);
        const byShape = new Map<string, Tensor[]>();
        for (const p of group.params) {
          if (!p.grad) continue;
          const key = `${p.shape[0]}x${p.size / p.shape[0]}`;
          byShape.set(key, [...(byShape.get(key) ?? []), p]);
        }
        for (const params of byShape.values()) this.stepBucket(group, params);
      }
    });
  }

  override dispose(): void {
    for (const st of this.state.values()) st.tensors.momentumBuffer?.dispose();
    super.dispose();
  }

  private momentumOf(p: Tensor): Tensor {
    let st = this.state.get(p);
    if (!st) {
      st = { step: 0, tensors: {} };
      this.state.set(p, st);
    }
    if (!st.tensors.momentumBuffer) {
      // a replay would zero the buffer again on every call: record the step after this one
      getBackend().capture?.markUnsteady('Muon made its momentum buffers (a first step)');
      st.tensors.momentumBuffer = zeros(p.shape).keep();
    }
    return st.tensors.momentumBuffer;
  }

  /** what changes the composed update (a replay records again when it does) */
  protected override structureKey(group: ParamGroup<MuonOptions>): string {
    return `${group.nesterov}/${group.nsSteps}/${group.normalizeWeights}/${group.weightDecay !== 0}`;
  }

  /**
   * The hyper-parameters as 0-d tensors (hostScalar), so a compiled step's replay reads the
   * group's current lr, momentum and weight decay (a scheduler's changes) and counts the step.
   */
  private hyperOf(group: ParamGroup<MuonOptions>, params: Tensor[], rows: number, cols: number) {
    const orthoScale = Math.sqrt(Math.max(1, rows / cols));
    const lrScaled = hostScalar(() => {
      for (const p of params) this.state.get(p)!.step++;
      return group.lr * orthoScale;
    });
    return {
      lrScaled,
      beta: hostScalar(() => group.momentum),
      oneMinusBeta: hostScalar(() => 1 - group.momentum),
      decay: group.weightDecay !== 0 ? hostScalar(() => 1 - group.lr * group.weightDecay) : null,
    };
  }

  private stepBucket(group: ParamGroup<MuonOptions>, params: Tensor[]): void {
    const { nesterov, nsSteps, normalizeWeights } = group;
    const rows = params[0].shape[0];
    const cols = params[0].size / rows;
    const buffers = params.map((p) => this.momentumOf(p));
    // nested scopes free each parameter's temporaries before the next one's are made
    tidy(() => {
      const { lrScaled, beta, oneMinusBeta, decay } = this.hyperOf(group, params, rows, cols);
      const stacked = tidy(() => {
        const updates = params.map((p, i) => tidy(() => {
          const g = p.grad!;
          const m = buffers[i];
          m.assign(m.mul(beta).add(g.mul(oneMinusBeta)));
          const u = nesterov ? g.mul(oneMinusBeta).add(m.mul(beta)) : m;
          return u.reshape([1, rows, cols]);
        }));
        return updates.length === 1 ? updates[0] : concat(updates, 0);
      });
      const x = zeropowerNewtonSchulz(stacked, nsSteps);
      stacked.dispose();
      params.forEach((p, i) => tidy(() => {
        let w = p;
        if (normalizeWeights) w = w.mul(w.square().sum().sqrt().reciprocal().mul(Math.sqrt(rows)));
        if (decay) w = w.mul(decay);
        const xi = params.length === 1 ? x : x.slice([[i, i + 1], null, null]);
        p.assign(w.sub(xi.reshape(p.shape).mul(lrScaled)));
      }));
    });
  }
}
