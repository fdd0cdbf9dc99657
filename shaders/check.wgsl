// Device-side checks without a readback: check_finite sets the check buffer
// (src/backend/webgpu/device-checks.ts: [flag, op code, value, range]) when any of x's n elements
// is NaN or ±Infinity, with `tag` (fit's step number) as the value. The test is on the bits
// (exponent all ones), so no compiler's fast-math can fold it away.

struct U {
  code: u32,
  tag: u32,
  n: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> err: array<atomic<u32>, 4>;

@compute @workgroup_size(64)
fn check_finite(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= u.n) { return; }
  let bits = bitcast<u32>(x[gid.x]);
  if ((bits & 0x7f800000u) == 0x7f800000u && atomicMax(&err[0], 1u) == 0u) {
    atomicStore(&err[1], u.code);
    atomicStore(&err[2], u.tag);
    atomicStore(&err[3], 0u);
  }
}
