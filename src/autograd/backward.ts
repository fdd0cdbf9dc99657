// Reverse-mode autodiff over the tape: topological order from the root, gradients summed per
// tensor, leaf gradients accumulated into `.grad`. Every temporary made here is disposed before
// returning, and the tape nodes are dropped (unless retainGraph), so saved tensors are released
// when backward is done. Guards as PyTorch's: a second backward through a freed graph, and a
// saved tensor changed in place since the forward pass (its version moved), are errors raised
// before any gradient is computed, so nothing is half-accumulated.
import { full } from '../ops/elementwise.js';
import { keep, noGrad, tidy } from '../runtime.js';
import type { TapeNode, Tensor } from '../tensor-core.js';

/** an op as the user wrote it: unary/binary/reduce nodes carry the method name ('mul', 'sum') */
function opLabel(node: TapeNode): string {
  const inner = (node.params as { op?: unknown } | null)?.op;
  return typeof inner === 'string' ? inner : node.op;
}

function freedError(t: Tensor): Error {
  return new Error(
    `webgrad: backward(): trying to backward through the graph a second time: the graph behind ${t} ` +
      `(made by ${t.freedNode}) was freed by an earlier backward(). Pass { retainGraph: true } to the first backward() ` +
      'if you need to backward through it again (PyTorch: retain_graph=True), or run the forward pass again',
  );
}

/** every saved tensor (inputs, then the output) must be as it was when its op ran */
function checkVersions(order: readonly Tensor[]): void {
  for (const t of order) {
    const node = t.node;
    if (!node) continue;
    const saved = [...node.inputs, t];
    saved.forEach((x, i) => {
      if (x.isDisposed || x.version === node.versions[i]) return;
      const role = i < node.inputs.length ? `input ${i + 1} of ${opLabel(node)}` : `the output of ${opLabel(node)}`;
      throw new Error(
        `webgrad: backward(): a tensor needed for the gradient was modified in place: ${x} (${role}) changed after the ` +
          'forward pass (an optimizer step, assign() or loadStateDict). Call backward() before optimizer.step(), or run the forward pass again',
      );
    });
  }
}

function topoOrder(root: Tensor): Tensor[] {
  if (!root.node && root.freedNode) throw freedError(root);
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
        if (!child.node && child.freedNode) throw freedError(child);
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

export function runBackward(root: Tensor, grad?: Tensor, { retainGraph = false }: { retainGraph?: boolean } = {}): void {
  if (!root.requiresGrad) throw new Error(`webgrad: backward(): ${root} does not require grad (no input had requiresGrad)`);
  if (grad === undefined && root.size !== 1)
    throw new Error(`webgrad: backward() on a non-scalar tensor [${root.shape}] needs a gradient of the same shape: t.backward(grad)`);
  if (grad && (grad.shape.length !== root.shape.length || grad.shape.some((d, i) => d !== root.shape[i])))
    throw new Error(`webgrad: backward(grad): grad [${grad.shape}] does not match the tensor [${root.shape}]`);
  const order = topoOrder(root);
  checkVersions(order);
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
  if (retainGraph) return;
  // release the tape: saved inputs are no longer referenced by the graph
  for (const t of order) {
    if (t.node) t.freedNode = opLabel(t.node);
    t.node = null;
  }
}
