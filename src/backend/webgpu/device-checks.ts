// The WebGPU side of src/backend/device-checks.ts: one 4-word storage per device,
// [flag, op code, value, range], that checking kernels bind as their last output and fill on
// the first failure (atomicMax on the flag picks one writer). Nothing is read for it on its
// own: while a checking kernel ran since the last look, a readback copies the data and these
// 4 words into one staging storage (one submit, one map, as a plain readback) and a copy from a
// zero storage right after clears the flag for the next batch. `check()` (fit's epoch end)
// reads just the 4 words.
import { type CheckKind, DeviceCheckError } from '../device-checks.js';
import type { TypedArray } from '../types.js';
import { GpuStorage, Uniforms, type WebGPUDevice } from './device.js';

export class DeviceChecks {
  private readonly words: GpuStorage;
  /** the same buffer typed float32, so it can be copied next to float32 data (copies check dtypes) */
  private readonly wordsF32: GpuStorage;
  private readonly zeros: GpuStorage;
  /** code − 1 → what failed */
  private readonly codes: { op: string; kind: CheckKind }[] = [];
  /** a checking kernel was recorded since the buffer was last copied out */
  private pending = false;

  constructor(private readonly dev: WebGPUDevice) {
    this.words = dev.upload(new Int32Array(4));
    this.zeros = dev.upload(new Int32Array(4));
    this.wordsF32 = new GpuStorage(this.words.buffer, 'float32', 4, 0);
  }

  /** the buffer a checking kernel binds, and the code its uniforms carry for (op, kind) */
  use(op: string, kind: CheckKind): { buffer: GpuStorage; code: number; replayed: (u: Uniforms) => () => Uniforms } {
    let i = this.codes.findIndex((c) => c.op === op && c.kind === kind);
    if (i < 0) i = this.codes.push({ op, kind }) - 1;
    this.pending = true;
    // a compiled step's replay runs the kernel again without calling use(): its refresh marks the words to read
    const replayed = (u: Uniforms) => () => {
      this.pending = true;
      return u;
    };
    return { buffer: this.words, code: i + 1, replayed };
  }

  /** records a check that every element of x (float32, n elements) is finite, reporting `tag` */
  /** `nextTag`: the tag in a compiled step's replay (fit's step number then) */
  checkFinite(x: GpuStorage, op: string, tag: number, nextTag?: () => number): void {
    if (x.size === 0) return;
    const { buffer, code } = this.use(op, 'nonFinite');
    const uniforms = (t: number): Uniforms => new Uniforms().u32(code, t >>> 0, x.size, 0);
    this.dev.dispatch({
      shader: 'check', entry: 'check_finite', label: 'checkFinite',
      uniforms: uniforms(tag),
      refresh: () => {
        this.pending = true;
        return uniforms(nextTag ? nextTag() : tag);
      },
      inputs: [x], outputs: [buffer], workgroups: Math.ceil(x.size / 64),
    });
  }

  /** dev.read(s), plus the check buffer in the same readback while a checking kernel ran */
  async read(s: GpuStorage): Promise<TypedArray> {
    if (!this.pending) return this.dev.read(s);
    const align = this.dev.viewAlignment;
    const at = Math.ceil(s.size / align) * align;
    const both = this.dev.alloc(at + 4, s.dtype);
    const data = this.dev.view(both, 0, s.size);
    const flags = this.dev.view(both, at, 4);
    let all: TypedArray;
    try {
      this.dev.copy(s, data);
      this.copyOut(flags);
      all = await this.dev.read(both);
    } finally {
      this.dev.free(data);
      this.dev.free(flags);
      this.dev.free(both);
    }
    this.throwIfSet(new Int32Array(all.buffer, all.byteOffset + at * 4, 4));
    return all.slice(0, s.size);
  }

  /** resolves when no check failed so far; one 4-word readback, none while nothing was checked */
  async check(): Promise<void> {
    if (!this.pending) return;
    const flags = this.dev.alloc(4, 'int32');
    try {
      this.copyOut(flags);
      this.throwIfSet(new Int32Array((await this.dev.read(flags)).buffer, 0, 4));
    } finally {
      this.dev.free(flags);
    }
  }

  /** copies the words into dst and clears them, in stream order */
  private copyOut(dst: GpuStorage): void {
    this.pending = false;
    this.dev.copy(dst.dtype === 'float32' ? this.wordsF32 : this.words, dst);
    this.dev.copy(this.zeros, this.words);
  }

  private throwIfSet(w: Int32Array): void {
    if (w[0] === 0) return;
    const what = this.codes[w[1] - 1] ?? { op: 'an unknown op', kind: 'index' as const };
    const value = what.kind === 'nonFinite' ? w[2] >>> 0 : w[2];
    throw new DeviceCheckError(what.op, what.kind, value, w[3] >>> 0, ' (recorded on the GPU, found at this readback)');
  }

  destroy(): void {
    this.dev.free(this.words);
    this.dev.free(this.zeros);
  }
}

const registry = new WeakMap<WebGPUDevice, DeviceChecks>();

/** the checks of a device (made with its backend, so its two small storages count from the start) */
export function deviceChecks(dev: WebGPUDevice): DeviceChecks {
  let c = registry.get(dev);
  if (!c) registry.set(dev, (c = new DeviceChecks(dev)));
  return c;
}
