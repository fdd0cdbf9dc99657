// A dispatch whose shader file, entry point and `#if` switches are checked against
// shaders/*.wgsl by the compiler (the names come from scripts/gen-shaders.mjs). Launchers
// write `dev.dispatch({ ... } satisfies KernelSpec)`, so a misspelt name fails `tsc`.
import type { DispatchSpec } from './device.js';
import type { ShaderRef } from './shaders.generated.js';

export type KernelSpec = Omit<DispatchSpec, 'shader' | 'entry' | 'defines'> & ShaderRef;
export type { DefineName, Defines, EntryName, ShaderName } from './shaders.generated.js';


/** Never called: if tsc accepted any of the misspellings below, its @ts-expect-error would fail the build. */
export function kernelNameChecks(): ShaderRef[] {
  return [
    { shader: 'matmul', entry: 'matmulTiled', defines: { ROWS8: true } },
    // @ts-expect-error an unknown shader file
    { shader: 'matmull', entry: 'matmul' },
    // @ts-expect-error an entry point of another file
    { shader: 'matmul', entry: 'fill' },
    // @ts-expect-error an #if switch the file does not test
    { shader: 'matmul', entry: 'matmul', defines: { ROW8: true } },
  ];
}
