// The Module base (torch.nn.Module): a tree of named parameters, buffers and child modules.
// They are registered explicitly (registerParameter / registerBuffer / registerModule), or
// found as fields, as PyTorch's __setattr__ registers `self.fc = nn.Linear(...)`: a field
// holding a Module, or a float32 leaf tensor with requiresGrad (`w = wg.randn(s, { requiresGrad:
// true })`), is registered under the field's name. Class fields are assigned after the base
// constructor returns, so the fields are discovered lazily, at every traversal (parameters(),
// stateDict(), ...), walking the own enumerable properties in their assignment order: that
// is PyTorch's order, and a field reassigned later is picked up too. (A Proxy would see each
// assignment, but it changes `this` identity, breaks #private fields, and costs every access.)
import { keep, noGrad } from '../runtime.js';
import { Tensor } from '../tensor.js';

export interface LoadStateDictOptions {
  /** every key of the model must be in the dict and nothing else (default true) */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
  /** keys of an older webgrad format renamed on load, as 'old → new' (present only when there were some) */
  migratedKeys?: string[];
}

/** a field value registered as a parameter: a live float32 leaf that wants a gradient */
const isParameterField = (v: unknown): v is Tensor =>
  v instanceof Tensor && v.requiresGrad && v.node === null && !v.isDisposed && v.dtype === 'float32';

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export class Module {
  /** train() / eval() mode: dropout and batch norm read it */
  training = true;
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly ownModules = new Map<string, Module>();
  /** names registered from fields (not by a register call): they follow the field's value */
  private readonly fieldNames = new Set<string>();
  /** [key, value, key, value, ...] of the own fields at the last sync (mutated in place: its identity is one of them) */
  private readonly fieldSnapshot: unknown[] = [];

  /** The layer's computation; subclasses override it. */
  forward(_x: Tensor): Tensor {
    throw new Error(`webgrad: ${this.constructor.name} does not implement forward()`);
  }

  // ---- registration ----------------------------------------------------------------------

  private checkName(kind: string, name: string): void {
    if (!name || name.includes('.')) throw new Error(`webgrad: ${this.constructor.name}: ${kind} name '${name}' must be non-empty and contain no '.'`);
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.ownModules.has(name))
      throw new Error(`webgrad: ${this.constructor.name}: '${name}' is already registered`);
  }

  /** Adds a trainable tensor: marks it requiresGrad and keeps it alive past tidy scopes. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    this.checkName('parameter', name);
    if (t.dtype !== 'float32') throw new Error(`webgrad: parameter '${name}' must be float32, got ${t.dtype}`);
    this.ownParameters.set(name, keep(t.requireGrad()));
    return t;
  }

  /** Adds persistent non-trainable state (e.g. batch-norm running statistics), saved in stateDict. */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.checkName('buffer', name);
    this.ownBuffers.set(name, keep(t));
    return t;
  }

  /** Replaces a registered buffer's contents (running statistics updated each step). */
  protected setBuffer(name: string, t: Tensor): void {
    const cur = this.ownBuffers.get(name);
    if (!cur) throw new Error(`webgrad: ${this.constructor.name} has no buffer '${name}'`);
    cur.assign(t);
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.checkName('module', name);
    this.ownModules.set(name, m);
    return m;
  }

  /**
   * Registers the Modules and parameter tensors held by own fields that no register call
   * made known; a field-registered name whose field now holds another value follows it (in
   * place, keeping its position), and one whose field no longer holds a module or parameter
   * is dropped. Fields are examined again only when some field's value changed.
   */
  private syncFields(): void {
    // fast path: no field changed since the last sync (traversals run often, e.g. every step's clipGradNorm(model.parameters()))
    const self = this as unknown as Record<string, unknown>;
    const snap = this.fieldSnapshot;
    let at = 0;
    // for-in, not Object.keys: no array allocated (class prototypes have no enumerable keys)
    for (const k in self) {
      if (snap[at] !== k || snap[at + 1] !== self[k]) {
        at = -1;
        break;
      }
      at += 2;
    }
    if (at === snap.length) return;
    const keys = Object.keys(this);
    this.registerFields(keys);
    snap.length = 0;
    for (const k of keys) snap.push(k, self[k]);
  }

  private registerFields(keys: readonly string[]): void {
    const known = new Set<unknown>([...this.ownParameters.values(), ...this.ownBuffers.values(), ...this.ownModules.values()]);
    const self = this as unknown as Record<string, unknown>;
    for (const name of [...this.fieldNames]) {
      const v = self[name];
      const map: Map<string, unknown> | null = v instanceof Module ? this.ownModules : isParameterField(v) ? this.ownParameters : null;
      if (map?.get(name) === v) continue;
      if (map?.has(name) && !known.has(v)) {
        // reassigned to the same kind: Map.set keeps the name's position, as a dict key in PyTorch
        map.set(name, v instanceof Tensor ? keep(v) : v);
        known.add(v);
        continue;
      }
      this.ownModules.delete(name);
      this.ownParameters.delete(name);
      this.fieldNames.delete(name);
    }
    for (const name of keys) {
      const v = self[name];
      const isModule = v instanceof Module;
      if ((!isModule && !isParameterField(v)) || known.has(v) || this.fieldNames.has(name)) continue;
      if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.ownModules.has(name))
        throw new Error(`webgrad: ${this.constructor.name}: field '${name}' holds a ${isModule ? 'module' : 'parameter'} but '${name}' is already registered with another value`);
      if (isModule) this.ownModules.set(name, v);
      else this.ownParameters.set(name, keep(v as Tensor));
      this.fieldNames.add(name);
    }
  }

  private ownModuleMap(): Map<string, Module> {
    this.syncFields();
    return this.ownModules;
  }

  // ---- traversal ---------------------------------------------------------------------------

  /** [name, module] for the direct children, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.ownModuleMap()];
  }

  children(): Module[] {
    return [...this.ownModuleMap().values()];
  }

  /**
   * This module and every descendant, depth first, with dotted names ('' for this one). A
   * module reachable twice (shared, or a field pointing back up) is listed once, as PyTorch.
   */
  namedModules(prefix = '', seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, m] of this.ownModuleMap()) out.push(...m.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    return out;
  }

  private collect(pick: (m: Module) => Map<string, Tensor>): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of pick(m)) {
        // a tensor shared by two modules (tied weights) is listed once, as PyTorch does
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([prefix ? `${prefix}.${name}` : name, t]);
      }
    }
    return out;
  }

  /** [dotted name, tensor] for every parameter, e.g. ['0.weight', W]. */
  namedParameters(): [string, Tensor][] {
    return this.collect((m) => m.ownParameters);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(): [string, Tensor][] {
    return this.collect((m) => m.ownBuffers);
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** Total number of parameter elements. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  // ---- modes and gradients -----------------------------------------------------------------

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Drops every parameter's gradient (set to null, as PyTorch's default). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  // ---- state dict --------------------------------------------------------------------------

  /** Parameters and buffers by dotted name. The tensors are the live ones, not copies. */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copies the dict's tensors into this model's parameters and buffers. Checks everything
   * first (missing and unexpected keys when strict, shapes and dtypes always) and throws one
   * error naming every problem, leaving the model untouched.
   */
  loadStateDict(given: Record<string, Tensor>, { strict = true }: LoadStateDictOptions = {}): LoadStateDictResult {
    const own = this.stateDict();
    const dict = { ...given };
    const migratedKeys: string[] = [];
    const optional = new Set<string>();
    for (const [prefix, m] of this.namedModules()) for (const k of m.upgradeStateDict(dict, prefix ? `${prefix}.` : '', migratedKeys)) optional.add(k);
    const missingKeys = Object.keys(own).filter((k) => !(k in dict) && !optional.has(k));
    const unexpectedKeys = Object.keys(dict).filter((k) => !(k in own));
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    for (const [key, target] of Object.entries(own)) {
      const src = dict[key];
      if (!src) continue;
      if (src.isDisposed) problems.push(`${key}: the given tensor was disposed`);
      else if (!sameShape(src.shape, target.shape) || src.dtype !== target.dtype)
        problems.push(`${key}: shape [${src.shape}] ${src.dtype} in the dict, [${target.shape}] ${target.dtype} in the model`);
    }
    if (problems.length) throw new Error(`webgrad: ${this.constructor.name}.loadStateDict: ${problems.join('; ')}`);
    noGrad(() => {
      for (const [key, target] of Object.entries(own)) {
        const src = dict[key];
        // a copy (×1), not an alias: optimizers update parameters in place, and that must
        // not write into the caller's tensors
        if (!src) continue;
        const copy = src.mul(1);
        target.assign(copy);
        copy.dispose(); // the target holds the storage now
      }
    });
    return migratedKeys.length ? { missingKeys, unexpectedKeys, migratedKeys } : { missingKeys, unexpectedKeys };
  }

  /**
   * Renames this module's keys of an older format in `dict` (a copy, keys prefixed by
   * `prefix`) to the current names, logging each as 'old → new', and returns keys the old
   * format did not have (not reported missing). PyTorch's _load_from_state_dict versioning.
   */
  protected upgradeStateDict(_dict: Record<string, Tensor>, _prefix: string, _log: string[]): string[] {
    return [];
  }

  /** Frees every parameter and buffer (and their gradients). */
  dispose(): void {
    for (const t of [...this.parameters(), ...this.buffers()]) t.dispose();
  }

  // ---- printing ----------------------------------------------------------------------------

  /** The layer's settings inside its parentheses, e.g. 'in=784, out=10, bias=true'. */
  protected extraRepr(): string {
    return '';
  }

  /** The architecture, one module a line, with parameter counts (as PyTorch's print(model)). */
  toString(): string {
    const lines = [this.describe(''), `Total parameters: ${this.parameterCount().toLocaleString('en-US')}`];
    return lines.join('\n');
  }

  private describe(indent: string): string {
    this.syncFields();
    const own = [...this.ownParameters.values()].reduce((n, p) => n + p.size, 0);
    const count = own ? `  # ${own.toLocaleString('en-US')} params` : '';
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (this.ownModules.size === 0) return `${head})${count}`;
    const inner = indent + '  ';
    const kids = [...this.ownModules].map(([name, m]) => `${inner}(${name}): ${m.describe(inner)}`);
    return `${head}${count}\n${kids.join('\n')}\n${indent})`;
  }
}
