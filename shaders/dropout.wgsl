// Inverted dropout with a counter-based mask (CPU twin: src/backend/cpu/dropout.ts): element
// i is kept, scaled by 1/(1 − p), when the 24-bit hash pcg(i ^ pcg(seed)) >> 8 ≥ ⌈p·2^24⌉
// (an integer threshold, so no float rounding can make the backends disagree). The mask is
// a pure function of (seed, i), so the backward pass is the same kernel on the gradient.

override WG: u32 = 256;

struct U { n: u32, seed: u32, threshold: u32, scale: f32 }

@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> OUT: array<f32>;

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(WG)
fn dropout(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid.x;
  if (i >= u.n) { return; }
  OUT[i] = select(0.0, X[i] * u.scale, (pcg(i ^ pcg(u.seed)) >> 8u) >= u.threshold);
}
