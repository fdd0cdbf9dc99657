// Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_), without a readback: the
// scale min(1, maxNorm / (norm + 1e-6)) stays a tensor and multiplies every gradient.
import { noGrad, tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';

/**
 * Rescales the gradients of `params` in place so their joint L2 norm is at most `maxNorm`.
 * Returns the total norm before clipping as a 0-d tensor (read it with `await norm.item()`
 * only when needed). Parameters without a gradient are skipped.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): Tensor {
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) throw new Error('webgrad: clipGradNorm: no parameter has a gradient');
  return noGrad(() =>
    tidy(() => {
      let sumSq: Tensor | null = null;
      for (const g of grads) {
        const s = g.square().sum();
        sumSq = sumSq ? sumSq.add(s) : s;
      }
      const total = sumSq!.sqrt();
      const scale = total.add(1e-6).reciprocal().mul(maxNorm).minimum(1);
      // assign, not an in-place kernel: a gradient's storage may be shared by several leaves
      for (const g of grads) g.assign(g.mul(scale));
      return total;
    }),
  );
}
