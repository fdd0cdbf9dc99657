// Compiled compute pipelines, cached by (shader file, entry, variant defines, override
// constants, binding counts). Compiles are asynchronous (createComputePipelineAsync) and
// shared by concurrent requests; a finished pipeline is looked up synchronously, so a flush
// whose pipelines are all compiled awaits nothing.
import type { DispatchSpec } from './device.js';
import { preprocess } from './preprocess.js';

/** enabled define names, sorted and joined: the variant part of a key */
function defineKey(defines: Record<string, boolean> | undefined): string {
  if (!defines) return '';
  let names: string[] | null = null;
  for (const k in defines) if (defines[k]) (names ??= []).push(k);
  return names ? names.sort().join(',') : '';
}

function constantKey(constants: Record<string, number> | undefined): string {
  if (!constants) return '';
  let s = '';
  for (const k of Object.keys(constants).sort()) s += `${k}=${constants[k]},`;
  return s;
}

export class PipelineCache {
  pipelinesCompiled = 0;
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly done = new Map<string, GPUComputePipeline>();
  private readonly pending = new Map<string, Promise<GPUComputePipeline>>();

  constructor(private readonly device: GPUDevice, private readonly sources: Record<string, string>) {}

  /** the cache key of a dispatch's pipeline */
  key(spec: DispatchSpec): string {
    return `${spec.shader}:${spec.entry}:${spec.inputs.length}/${spec.outputs.length}|${defineKey(spec.defines)}|${constantKey(spec.constants)}`;
  }

  /** the shader module of a (file, variant), compiled once */
  module(shader: string, defines: Record<string, boolean> = {}): GPUShaderModule {
    const key = `${shader}|${defineKey(defines)}`;
    let m = this.modules.get(key);
    if (!m) {
      const src = this.sources[shader];
      if (src === undefined) throw new Error(`webgrad: no shader named '${shader}' (run scripts/gen-shaders.mjs)`);
      m = this.device.createShaderModule({ code: preprocess(src, defines), label: key });
      this.modules.set(key, m);
    }
    return m;
  }

  /**
   * The bind group layout of `nIn` read-only and `nOut` read-write storage buffers after a
   * uniform block at binding 0. The uniform binding has a dynamic offset, so one bind group
   * serves a dispatch whatever its place in the uniform arena (bind groups are cached).
   */
  layout(nIn: number, nOut: number): GPUBindGroupLayout {
    const key = `${nIn}/${nOut}`;
    let l = this.layouts.get(key);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } }];
      for (let i = 0; i < nIn; i++) entries.push({ binding: 1 + i, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } });
      for (let i = 0; i < nOut; i++) entries.push({ binding: 1 + nIn + i, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
      l = this.device.createBindGroupLayout({ entries, label: key });
      this.layouts.set(key, l);
    }
    return l;
  }

  /** the compiled pipeline of `key`, or undefined while it is not compiled */
  get(key: string): GPUComputePipeline | undefined {
    return this.done.get(key);
  }

  /** resolves (and caches) the pipeline of a dispatch; concurrent requests share one compile */
  resolve(spec: DispatchSpec, key = this.key(spec)): Promise<GPUComputePipeline> {
    const done = this.done.get(key);
    if (done) return Promise.resolve(done);
    let p = this.pending.get(key);
    if (!p) {
      const module = this.module(spec.shader, spec.defines);
      // a pipeline layout of its own per pipeline (the bind group layouts are shared): wgpu
      // (Deno, Firefox; seen with Deno 2.9.6 on lavapipe) checks a uniform binding's size
      // against the previous pipeline's shader when consecutive pipelines share one
      // GPUPipelineLayout object, failing with "bound with size 16 where the shader expects 80"
      const layout = this.device.createPipelineLayout({ bindGroupLayouts: [this.layout(spec.inputs.length, spec.outputs.length)] });
      p = this.device
        .createComputePipelineAsync({ layout, compute: { module, entryPoint: spec.entry, constants: spec.constants }, label: key })
        .then(
          (pl) => {
            this.done.set(key, pl);
            this.pending.delete(key);
            this.pipelinesCompiled++;
            return pl;
          },
          async (e: unknown) => {
            this.pending.delete(key);
            let detail = '';
            try {
              const info = await module.getCompilationInfo();
              detail = info.messages.map((m) => `\n  ${m.type} line ${m.lineNum}: ${m.message}`).join('');
            } catch { /* no compilation info */ }
            throw new Error(`webgrad: compiling pipeline ${key} failed: ${e instanceof Error ? e.message : String(e)}${detail}`);
          },
        );
      this.pending.set(key, p);
    }
    return p;
  }
}
