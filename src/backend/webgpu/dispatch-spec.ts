// The contract between kernel launchers and the device: what a dispatch names (shader file,
// entry point, variant defines, override constants), binds and launches, and how a device is made.
import type { GpuStorage, Uniforms } from './buffers.js';

export interface DeviceOptions {
  gpu?: GPU;
  device?: GPUDevice;
  powerPreference?: GPUPowerPreference;
  /** recorded commands that trigger an automatic flush (default 4096) */
  maxRecorded?: number;
  /** override the shader sources (tests); defaults to shaders.generated.ts */
  shaders?: Record<string, string>;
}

export interface DispatchSpec {
  /** shader file name (shaders/<shader>.wgsl) */
  shader: string;
  entry: string;
  /** preprocessor variant switches (#if NAME) */
  defines?: Record<string, boolean>;
  /** WGSL override constants (numbers; booleans as 0/1) */
  constants?: Record<string, number>;
  uniforms: Uniforms;
  /** bound as read-only storage at bindings 1..inputs.length */
  inputs: GpuStorage[];
  /** bound as read_write storage after the inputs */
  outputs: GpuStorage[];
  /** total workgroups (folded to 2-D above the per-dimension limit), or an explicit grid */
  workgroups: number | [number, number, number];
  /** a label for error messages (defaults to shader.entry) */
  label?: string;
  /**
   * For dispatches whose uniforms hold host values that change between calls of a compiled
   * step (learning rate, step count, a random seed): called once per replay, in dispatch
   * order, for this call's uniforms (same layout). null: the new values need another
   * pipeline or shape, so the step records again.
   */
  refresh?: () => Uniforms | null;
}

