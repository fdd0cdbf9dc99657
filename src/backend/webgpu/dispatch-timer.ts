// Timing one kernel alone (the matmul tuner's measurements): `reps` dispatches of a spec in one
// pass of a submit of its own, with the device's cached pipeline and bind group and its pooled
// storages; only the uniform block gets a small buffer of its own, since the uniform arena
// belongs to the recorder's batches. GPU timestamps where the device has them, else the wall
// clock around onSubmittedWorkDone. Nothing recorded is touched or reordered.
import type { BindGroupCache } from './bind-groups.js';
import type { GpuStorage } from './buffers.js';
import type { DispatchSpec } from './dispatch-spec.js';
import type { PipelineCache } from './pipeline-cache.js';
import { labelOf } from './recorder.js';

export interface TimerContext {
  device: GPUDevice;
  pipelines: PipelineCache;
  bindGroups: BindGroupCache;
  grid: (w: number | [number, number, number]) => [number, number, number];
  binding: (s: GpuStorage) => GPUBufferBinding;
}

export async function timeDispatch(ctx: TimerContext, spec: DispatchSpec, reps: number): Promise<number> {
  const device = ctx.device;
  const pipeline = await ctx.pipelines.resolve(spec);
  const size = spec.uniforms.byteLength;
  const uniform = device.createBuffer({ size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const view = new DataView(new ArrayBuffer(size));
  spec.uniforms.writeTo(view, 0);
  device.queue.writeBuffer(uniform, 0, view.buffer);
  try {
    const buffers = [...spec.inputs, ...spec.outputs].map((s) => ctx.binding(s));
    const group = ctx.bindGroups.get(ctx.pipelines.layout(spec.inputs.length, spec.outputs.length), `${spec.inputs.length}/${spec.outputs.length}`, uniform, size, buffers);
    const grid = ctx.grid(spec.workgroups);
    const timestamps = device.features.has('timestamp-query');
    const querySet = timestamps ? device.createQuerySet({ type: 'timestamp', count: 2 }) : null;
    const resolved = timestamps ? device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }) : null;
    const readback = timestamps ? device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }) : null;
    try {
      device.pushErrorScope('validation');
      const started = performance.now();
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass(querySet ? { timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {});
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group, [0]);
      for (let i = 0; i < reps; i++) pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
      pass.end();
      if (querySet) {
        enc.resolveQuerySet(querySet, 0, 2, resolved!, 0);
        enc.copyBufferToBuffer(resolved!, 0, readback!, 0, 16);
      }
      device.queue.submit([enc.finish()]);
      let seconds: number;
      if (readback) {
        await readback.mapAsync(GPUMapMode.READ);
        const [begin, end] = new BigUint64Array(readback.getMappedRange());
        readback.unmap();
        seconds = Number(end - begin) / 1e9;
      } else {
        await device.queue.onSubmittedWorkDone();
        seconds = (performance.now() - started) / 1000;
      }
      const err = await device.popErrorScope();
      if (err) throw new Error(`webgrad: timing ${labelOf(spec)} failed: ${err.message}`);
      return seconds / reps;
    } finally {
      for (const b of [querySet, resolved, readback]) b?.destroy();
    }
  } finally {
    ctx.bindGroups.forget(uniform);
    uniform.destroy();
  }
}
