// wg.compile(fn): a training step recorded once and replayed (in the spirit of CUDA graphs and
// jax.jit). The host cost of an eager step is JavaScript: every op checks shapes, allocates,
// builds a uniform block and records a dispatch; the flush then looks up pipelines and bind
// groups. A replay skips all of it: the recorded commands are encoded again from prebuilt
// pipelines and bind groups, with the per-call host values (learning rate, momentum, step
// counts, dropout seeds) refreshed, in one submit. See src/backend/webgpu/replay.ts.
//
// Per input signature (shapes and dtypes of the arguments):
//   call 1: runs fn eagerly (one-time work: optimizer arenas and state, matmul tuning);
//   call 2: runs fn eagerly while the backend captures what it records;
//   later:  replays the capture.
import type { StepRecording } from './backend/types.js';
import { getBackend, keep, tidy } from './runtime.js';
import { Tensor } from './tensor.js';

/** What a compiled function returns: a tensor, an array of tensors, or nothing. */
export type CompiledResult = Tensor | Tensor[] | void;

export interface CompiledFunction<A extends Tensor[], R extends CompiledResult> {
  /**
   * Runs the step. The tensors it returns are valid until the next call (a replay writes the
   * same buffers again): read them, or `detach()`/copy one to keep it. Disposing them is allowed.
   */
  (...args: A): R;
  /** frees the recordings (their temporaries go back to the pool); the function may be called again (it records anew) */
  dispose(): void;
  /** recordings made so far (one per input signature, more when one was invalidated) */
  readonly recordings: number;
  /** bytes of temporaries its live recordings keep */
  readonly heldBytes: number;
}

export interface CompileOptions {
  /** input signatures kept at once (default 4); the least recently used is dropped beyond it */
  maxSignatures?: number;
}

interface Signature {
  /** eager calls so far (a capture follows the first) */
  eagerCalls: number;
  recording: StepRecording | null;
  /** the recording's input storages (arguments are copied in) and the tensors it returns */
  inputs: Tensor[];
  outputs: Tensor[];
  /** what fn returned: one tensor, an array, or nothing */
  shape: 'tensor' | 'array' | 'none';
  /** captures that could not be replayed in a row */
  unsteady: number;
  /** when set, the step runs eagerly (it could not be captured twice in a row) */
  eagerReason: string | null;
}

const signatureOf = (args: readonly Tensor[]): string => args.map((a) => `${a.dtype}[${a.shape}]`).join(';');

/**
 * Inside a compiled function: a host condition the recording depends on (as TorchDynamo's
 * guards), e.g. a flag that decides whether a tensor is detached. A call where it no longer
 * holds records the step again instead of replaying; it is checked before any per-call value is
 * refreshed, so that call consumes no dropout draw or optimizer step. Outside a capture (eager
 * calls, the CPU backend) it does nothing.
 *
 *     const frozen = model.frozen;
 *     wg.compileGuard(() => model.frozen === frozen);
 */
export function compileGuard(holds: () => boolean): void {
  getBackend().capture?.guard(holds);
}

/**
 * Compiles a step of tensors → tensor(s): `const step = wg.compile((x, y) => { ...; return loss; })`.
 *
 * Rules (checked where they can be):
 * - A readback (`data()`, `item()`) inside fn is an error: a replay cannot branch on tensor values.
 * - Host values fn reads (numbers in closures) are fixed at the capture, except the ones
 *   webgrad refreshes per call: optimizer learning rate, momentum/betas, weight decay and step
 *   counts (schedulers and manual changes take effect), dropout seeds. Data must come in as
 *   arguments (copied into the recording's inputs each call). A host flag that changes what fn
 *   computes can be declared with `compileGuard`: the step then records again when it changes.
 * - Freeing a storage the recording uses (loadStateDict, a new parameter group, dispose)
 *   invalidates it; the next call records again.
 * - On a backend without capture (CPU), fn simply runs eagerly.
 */
export function compile<A extends Tensor[], R extends CompiledResult>(fn: (...args: A) => R, opts: CompileOptions = {}): CompiledFunction<A, R> {
  const maxSignatures = opts.maxSignatures ?? 4;
  const signatures = new Map<string, Signature>();
  let recordings = 0;

  const drop = (sig: Signature): void => {
    const capture = getBackend().capture;
    if (sig.recording && capture) capture.release(sig.recording);
    sig.recording = null;
    for (const t of [...sig.inputs, ...sig.outputs]) t.dispose();
    sig.inputs = [];
    sig.outputs = [];
  };

  const aliases = (sig: Signature): R => {
    if (sig.shape === 'none') return undefined as R;
    const out = sig.outputs.map((t) => Tensor.aliasOf(t, [...t.shape], false));
    return (sig.shape === 'tensor' ? out[0] : out) as R;
  };

  const record = (sig: Signature, args: A): R => {
    const be = getBackend();
    const capture = be.capture!;
    drop(sig);
    // the recording's own input storages: made before the capture, so replays only copy into them
    const inputs = args.map((a) => {
      const t = Tensor.fromStorage(be.alloc(a.size, a.dtype), [...a.shape]);
      be.copy(a.storage, t.storage);
      return keep(t);
    });
    capture.begin();
    let result: R;
    try {
      result = tidy(() => fn(...(inputs as A)));
    } catch (e) {
      capture.abort();
      for (const t of inputs) t.dispose();
      throw e;
    }
    const outputs = result === undefined ? [] : Array.isArray(result) ? result : [result as Tensor];
    for (const t of outputs) {
      if (!(t instanceof Tensor)) {
        capture.abort();
        throw new Error('webgrad: compile: the compiled function must return a tensor, an array of tensors, or nothing');
      }
      keep(t);
    }
    let ended: ReturnType<typeof capture.end>;
    try {
      ended = capture.end();
    } catch (e) {
      for (const t of [...inputs, ...outputs]) t.dispose();
      throw e;
    }
    sig.inputs = inputs;
    sig.outputs = outputs;
    sig.shape = result === undefined ? 'none' : Array.isArray(result) ? 'array' : 'tensor';
    if ('unsteady' in ended) {
      // one-time work happened in this run: record again next call; twice in a row means the step changes every call
      if (++sig.unsteady >= 2) {
        sig.eagerReason = ended.unsteady;
        console.warn(`webgrad: compile: this step cannot be replayed (${ended.unsteady}); it runs eagerly`);
      }
    } else {
      sig.unsteady = 0;
      sig.recording = ended.recording;
      recordings++;
    }
    return aliases(sig);
  };

  const call = (...args: A): R => {
    const be = getBackend();
    for (const a of args) {
      if (!(a instanceof Tensor)) throw new Error('webgrad: compile: a compiled function takes tensors as arguments');
      a.assertUsable('compiled function', be);
    }
    if (!be.capture) return tidy(() => fn(...args));
    if (be.capture.capturing) throw new Error('webgrad: compile: a compiled function was called while another one was recording (nested compiled steps are not supported)');
    const key = signatureOf(args);
    let sig = signatures.get(key);
    if (sig) {
      signatures.delete(key); // re-inserted: most recently used last
    } else {
      sig = { eagerCalls: 0, recording: null, inputs: [], outputs: [], shape: 'none', unsteady: 0, eagerReason: null };
      if (signatures.size >= maxSignatures) {
        const [oldKey, old] = signatures.entries().next().value!;
        drop(old);
        signatures.delete(oldKey);
      }
    }
    signatures.set(key, sig);
    if (sig.eagerReason) return tidy(() => fn(...args));
    if (sig.recording?.valid && be.capture.replay(sig.recording, args.map((a) => a.storage), sig.inputs.map((t) => t.storage))) {
      return aliases(sig);
    }
    if (sig.eagerCalls === 0) {
      sig.eagerCalls++;
      return tidy(() => fn(...args));
    }
    return record(sig, args);
  };

  const compiled = call as CompiledFunction<A, R>;
  compiled.dispose = () => {
    for (const sig of signatures.values()) drop(sig);
    signatures.clear();
  };
  Object.defineProperty(compiled, 'recordings', { get: () => recordings });
  Object.defineProperty(compiled, 'heldBytes', {
    get: () => [...signatures.values()].reduce((n, s) => n + (s.recording?.valid ? s.recording.heldBytes : 0), 0),
  });
  return compiled;
}
