// Fused optimizer steps, in place: one pass reads each parameter, its gradient and state and
// writes the parameter and state (PyTorch's torch.optim formulas; src/backend/cpu/optimizer.ts
// is the reference). The optimizers keep every parameter, gradient and state of a group in flat
// arenas, so one dispatch updates a whole model. Options (nesterov, momentum, centered,
// amsgrad, decoupled weight decay) are the override constant OPTIONS, so the compiler drops the
// branches that are off: with them as runtime flags the Adam step ran 1.4-1.8x slower on
// SwiftShader (scratch measurement, 5M parameters). Only FIRST_STEP, which changes between
// steps, is a runtime flag in the uniform. Unused state slots are bound to tiny dummy buffers
// and never touched.
// Variant VEC4: the element type V is vec4<f32> (four parameters per load: about twice as fast
// on SwiftShader, whose cost is per invocation); the formulas below are written once for V.
// Overrides: WG (threads per workgroup), ELEMS (elements of V per thread, WG apart, so
// neighbouring threads still read neighbouring addresses).

override WG: u32 = 256;
override ELEMS: u32 = 16;
/** the option bits below except FIRST_STEP */
override OPTIONS: u32 = 0u;

#if VEC4
alias V = vec4<f32>;
#else
alias V = f32;
#endif

const FIRST_STEP: u32 = 1u;
const NESTEROV: u32 = 2u;
const MOMENTUM: u32 = 4u;
const CENTERED: u32 = 8u;
const AMSGRAD: u32 = 16u;
const DECOUPLED: u32 = 32u;

struct U {
  // elements of V
  n: u32,
  // FIRST_STEP or 0
  flags: u32,
  lr: f32,
  weightDecay: f32,
  momentum: f32,
  dampening: f32,
  alpha: f32,
  eps: f32,
  beta1: f32,
  beta2: f32,
  // Adam: lr / (1 − β1^t) and sqrt(1 − β2^t), computed on the host in float64
  stepSize: f32,
  biasCorrection2Sqrt: f32,
}

@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> grad: array<V>;
@group(0) @binding(2) var<storage, read_write> param: array<V>;
@group(0) @binding(3) var<storage, read_write> state0: array<V>;
@group(0) @binding(4) var<storage, read_write> state1: array<V>;
@group(0) @binding(5) var<storage, read_write> state2: array<V>;

fn has(flag: u32) -> bool { return (OPTIONS & flag) != 0u; }

// SKIP: a flag bound after the state slots (read_write only because outputs come last in the
// layout; never written): nonzero makes the step a no-op (GradScaler found an inf / NaN)
#if SKIP
@group(0) @binding(6) var<storage, read_write> skipFlag: array<f32>;
fn skipped() -> bool { return skipFlag[0] != 0.0; }
#else
fn skipped() -> bool { return false; }
#endif

/** the first element of this thread; its others follow at strides of WG */
fn firstIndex(wid: vec3<u32>, nwg: vec3<u32>, lid: vec3<u32>) -> u32 {
  return (wid.y * nwg.x + wid.x) * WG * ELEMS + lid.x;
}

// state0 = momentum buffer
fn sgd_element(i: u32) {
  let p = param[i];
  var d = grad[i] + u.weightDecay * p;
  if (has(MOMENTUM)) {
    var buf: V;
    if ((u.flags & FIRST_STEP) != 0u) { buf = d; } else { buf = state0[i] * u.momentum + (1.0 - u.dampening) * d; }
    state0[i] = buf;
    if (has(NESTEROV)) { d = d + u.momentum * buf; } else { d = buf; }
  }
  param[i] = p - u.lr * d;
}

@compute @workgroup_size(WG)
fn sgd_step(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  if (skipped()) { return; }
  let first = firstIndex(wid, nwg, lid);
  for (var k = 0u; k < ELEMS; k++) {
    let i = first + k * WG;
    if (i < u.n) { sgd_element(i); }
  }
}

// state0 = square average, state1 = momentum buffer, state2 = gradient average (centered)
fn rmsprop_element(i: u32) {
  let p = param[i];
  let d = grad[i] + u.weightDecay * p;
  let sq = state0[i] * u.alpha + (1.0 - u.alpha) * d * d;
  state0[i] = sq;
  var avg: V;
  if (has(CENTERED)) {
    let ga = state2[i] + (d - state2[i]) * (1.0 - u.alpha);
    state2[i] = ga;
    avg = sqrt(sq - ga * ga) + u.eps;
  } else {
    avg = sqrt(sq) + u.eps;
  }
  if (has(MOMENTUM)) {
    let buf = state1[i] * u.momentum + d / avg;
    state1[i] = buf;
    param[i] = p - u.lr * buf;
  } else {
    param[i] = p - u.lr * (d / avg);
  }
}

@compute @workgroup_size(WG)
fn rmsprop_step(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  if (skipped()) { return; }
  let first = firstIndex(wid, nwg, lid);
  for (var k = 0u; k < ELEMS; k++) {
    let i = first + k * WG;
    if (i < u.n) { rmsprop_element(i); }
  }
}

// state0 = exp_avg, state1 = exp_avg_sq, state2 = max_exp_avg_sq (amsgrad)
fn adam_element(i: u32) {
  var p = param[i];
  var d = grad[i];
  if (has(DECOUPLED)) { p = p * (1.0 - u.lr * u.weightDecay); } else { d = d + u.weightDecay * p; }
  let m = state0[i] + (d - state0[i]) * (1.0 - u.beta1);
  state0[i] = m;
  let v = state1[i] * u.beta2 + (1.0 - u.beta2) * d * d;
  state1[i] = v;
  var second = v;
  if (has(AMSGRAD)) {
    second = max(state2[i], v);
    state2[i] = second;
  }
  param[i] = p - u.stepSize * (m / (sqrt(second) / u.biasCorrection2Sqrt + u.eps));
}

@compute @workgroup_size(WG)
fn adam_step(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  if (skipped()) { return; }
  let first = firstIndex(wid, nwg, lid);
  for (var k = 0u; k < ELEMS; k++) {
    let i = first + k * WG;
    if (i < u.n) { adam_element(i); }
  }
}
