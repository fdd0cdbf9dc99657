// Process-wide state: the active backend, grad mode, and the tidy-scope stack.
import type { Backend } from './backend/types.js';
import type { Tensor } from './tensor-core.js';

let activeBackend: Backend | null = null;

export function setBackend(b: Backend | null): void {
  activeBackend = b;
}

export function getBackend(): Backend {
  if (!activeBackend) throw new Error('webgrad: not initialised: call `await wg.init()` (or initNode() from webgrad/node) first');
  return activeBackend;
}

export function hasBackend(): boolean {
  return activeBackend !== null;
}

// ---- grad mode ---------------------------------------------------------------------------

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn with gradient recording off (as torch.no_grad()). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

// ---- tidy scopes -------------------------------------------------------------------------

type Scope = Set<Tensor>;
const scopes: Scope[] = [];

export function trackTensor(t: Tensor): void {
  const top = scopes[scopes.length - 1];
  if (top) top.add(t);
}

/** Removes t from every open scope so it outlives them (parameters, optimizer state, grads). */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

/**
 * Collects the scope's tensors found in a returned value. Only tensors made in the scope
 * matter (the others are neither disposed nor re-parented), so membership in the scope is the
 * tensor test: this layer, below the Tensor, needs no `instanceof Tensor`.
 */
function collectTensors(value: unknown, scope: Scope, out: Set<Tensor>, depth = 0): void {
  if (depth > 4 || value == null) return;
  if (scope.has(value as Tensor)) out.add(value as Tensor);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, scope, out, depth + 1);
  else if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value as object)) collectTensors(v, scope, out, depth + 1);
}

/**
 * Runs fn and disposes every tensor created inside it, except those it returns (in a
 * tensor, array or plain object) and those passed to keep(). Async functions are not
 * supported (their scope would close before they finish): use it per step.
 */
export function tidy<T>(fn: () => T): T {
  const scope: Scope = new Set();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    throw new Error('webgrad: tidy(fn) got an async function; await outside tidy and keep tidy synchronous');
  }
  const survivors = new Set<Tensor>();
  collectTensors(result, scope, survivors);
  for (const t of scope) if (!survivors.has(t)) t.dispose();
  const parent = scopes[scopes.length - 1];
  if (parent) for (const t of survivors) parent.add(t);
  return result;
}

// ---- conformance testing aid -------------------------------------------------------------

let poisonOutputs = false;

/** When on, every op output is filled with NaN (or a sentinel int) before its kernel runs, so an unwritten element fails the comparison. */
export function setPoisonOutputs(on: boolean): void {
  poisonOutputs = on;
}

export function shouldPoisonOutputs(): boolean {
  return poisonOutputs;
}
