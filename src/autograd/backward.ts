// Reverse-mode autodiff over the tape: topological order from the root, gradients summed per
// tensor, leaf gradients accumulated into `.grad`. Every temporary made here is disposed before
// returning, and the tape nodes are dropped, so saved tensors are released when backward is done.
import { full } from '../ops/elementwise.js';
import { keep, noGrad, tidy } from '../runtime.js';
import type { Tensor } from '../tensor-core.js';

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // iterative DFS: deep graphs (long training unrolls) must not overflow the JS stack
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const child = inputs[i];
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

export function runBackward(root: Tensor, grad?: Tensor): void {
  if (!root.requiresGrad) throw new Error(`webgrad: backward(): ${root} does not require grad (no input had requiresGrad)`);
  if (grad === undefined && root.size !== 1)
    throw new Error(`webgrad: backward() on a non-scalar tensor [${root.shape}] needs a gradient of the same shape: t.backward(grad)`);
  if (grad && (grad.shape.length !== root.shape.length || grad.shape.some((d, i) => d !== root.shape[i])))
    throw new Error(`webgrad: backward(grad): grad [${grad.shape}] does not match the tensor [${root.shape}]`);
  const order = topoOrder(root);
  noGrad(() =>
    tidy(() => {
      const grads = new Map<Tensor, Tensor>();
      grads.set(root, grad ?? full(root.shape, 1));
      for (const t of order) {
        const g = grads.get(t);
        if (!g) continue;
        const node = t.node;
        if (!node) {
          // a leaf: accumulate into .grad, which outlives this scope
          if (t.requiresGrad) {
            const prev = t.grad;
            // an alias, not g itself: one gradient tensor may flow to several leaves
            const next = prev ? prev.add(g) : g.detach();
            keep(next);
            t.grad = next;
            if (prev) prev.dispose();
          }
          continue;
        }
        const inputs = node.inputs;
        const needs = new Array<boolean>(inputs.length);
        for (let i = 0; i < inputs.length; i++) {
          if (inputs[i].isDisposed) throw new Error(`webgrad: backward(): ${node.op} needs an input that was disposed; call backward() before disposing the tensors of the forward pass`);
          needs[i] = inputs[i].requiresGrad;
        }
        const inGrads = node.backward(g, { inputs, needs, out: t, params: node.params as never });
        for (let i = 0; i < inputs.length; i++) {
          const gi = inGrads[i];
          if (!gi || !needs[i]) continue;
          const prev = grads.get(inputs[i]);
          grads.set(inputs[i], prev ? prev.add(gi) : gi);
        }
      }
    }),
  );
  // release the tape: saved inputs are no longer referenced by the graph
  for (const t of order) t.node = null;
}
