// Bind groups, cached by layout and buffers. Pooled buffers come back in the same order every
// step, so a training loop binds the same (buffer, range) tuples each step: after the first
// step every dispatch finds its bind group here instead of creating one (a native call that
// was the largest single host cost of a flush). The uniform block is bound with a dynamic
// offset, so the arena offset is not part of the key.

/** the cache is cleared past this many groups (a loop over ever new shapes must not grow it forever) */
const MAX_GROUPS = 16384;

export class BindGroupCache {
  private readonly ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;
  private readonly groups = new Map<string, GPUBindGroup>();

  constructor(private readonly device: GPUDevice) {}

  private id(b: GPUBuffer): number {
    let id = this.ids.get(b);
    if (id === undefined) this.ids.set(b, (id = this.nextId++));
    return id;
  }

  /**
   * The bind group of `layout` (cache key `layoutKey`) with `uniform` (its first `uniformSize`
   * bytes, at a dynamic offset) at binding 0 and `buffers` after it.
   */
  get(layout: GPUBindGroupLayout, layoutKey: string, uniform: GPUBuffer, uniformSize: number, buffers: readonly GPUBufferBinding[]): GPUBindGroup {
    let key = `${layoutKey}|${this.id(uniform)}:${uniformSize}`;
    for (const b of buffers) key += b.offset === undefined ? `|${this.id(b.buffer)}` : `|${this.id(b.buffer)}@${b.offset}+${b.size}`;
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= MAX_GROUPS) this.groups.clear();
      const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform, offset: 0, size: uniformSize } }];
      for (let i = 0; i < buffers.length; i++) entries.push({ binding: 1 + i, resource: buffers[i] });
      g = this.device.createBindGroup({ layout, entries });
      this.groups.set(key, g);
    }
    return g;
  }

  /** drops every group that binds `b` (it is about to be destroyed) */
  forget(b: GPUBuffer): void {
    const id = this.ids.get(b);
    if (id === undefined) return;
    this.ids.delete(b);
    const needle = `|${id}`;
    for (const key of this.groups.keys()) {
      // ids are matched whole: `|12` must not match `|123`
      let at = key.indexOf(needle);
      while (at >= 0) {
        const end = at + needle.length;
        const next = key.charAt(end);
        if (next === '' || next === '|' || next === '@' || next === ':') {
          this.groups.delete(key);
          break;
        }
        at = key.indexOf(needle, end);
      }
    }
  }
}
