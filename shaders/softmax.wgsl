// Row-wise softmax / log-softmax and the fused softmax cross-entropy (forward and backward).
// One workgroup per row (rows fold into 2-D grids); each row is reduced in workgroup memory:
// max, then Σ exp(x - max); outputs use (x - max) - log(sum). NaN anywhere in a row makes the row NaN.
// Variants: LABEL_INT (labels stored as i32; else f32, compared as numbers).
// Overrides: WG (threads per row, a power of two), LOG (log-softmax).

override WG: u32 = 64;
override LOG: bool = false;

struct U {
  rows: u32,
  cols: u32,
  smoothing: f32,
  errCode: u32,
}

@group(0) @binding(0) var<uniform> u: U;

#if LABEL_INT
alias TL = i32;
#else
alias TL = f32;
#endif

// every entry reads its rows (softmax input / logits) from binding 1
@group(0) @binding(1) var<storage, read> x: array<f32>;
// softmax: x, out
@group(0) @binding(2) var<storage, read_write> sout: array<f32>;
// crossEntropy: logits, labels, out
@group(0) @binding(2) var<storage, read> cy: array<TL>;
@group(0) @binding(3) var<storage, read_write> cout: array<f32>;
// crossEntropyBackward: logits, labels, gradScale, out
@group(0) @binding(2) var<storage, read> by: array<TL>;
@group(0) @binding(3) var<storage, read> bg: array<f32>;
@group(0) @binding(4) var<storage, read_write> bout: array<f32>;
// crossEntropy's device-side check buffer (src/backend/webgpu/device-checks.ts): [flag, op code, label, classes]
@group(0) @binding(4) var<storage, read_write> cerr: array<atomic<u32>, 4>;

var<workgroup> red: array<f32, WG>;

// nanF, infF, isNan, sexp, slog, workgroupIndex: shaders/prelude.wgsl

/** Math.max semantics: NaN propagates */
fn nmax(a: f32, b: f32) -> f32 {
  if (isNan(a) || isNan(b)) { return nanF(); }
  return max(a, b);
}

fn reduceSum(t: u32, v: f32) -> f32 {
  red[t] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (t < s) { red[t] = red[t] + red[t + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

fn reduceMax(t: u32, v: f32) -> f32 {
  red[t] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (t < s) { red[t] = nmax(red[t], red[t + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

/**
 * The row's max m and Σ exp(x - m). Callers use (x - m) - log(s), never x - (m + log s):
 * for large logits m + log(s) rounds to m's ulp, which would cost exp() that much relative error.
 */
fn rowStats(base: u32, t: u32) -> vec2<f32> {
  var m = -infF();
  for (var c = t; c < u.cols; c += WG) {
    let v = x[base + c];
    m = nmax(m, v);
  }
  m = reduceMax(t, m);
  var s = 0.0;
  for (var c = t; c < u.cols; c += WG) {
    let v = x[base + c];
    s += sexp(v - m);
  }
  s = reduceSum(t, s);
  return vec2<f32>(m, s);
}

/** the smoothed target q_c, or 0 */
fn targetQ(label: f32, c: u32) -> f32 {
  let cols = f32(u.cols);
  return select(0.0, 1.0 - u.smoothing, f32(c) == label) + u.smoothing / cols;
}

@compute @workgroup_size(WG)
fn softmax_rows(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let r = workgroupIndex(wid, nwg);
  if (r >= u.rows) { return; }
  let t = lid.x;
  let base = r * u.cols;
  let st = rowStats(base, t);
  let logS = slog(st.y);
  for (var c = t; c < u.cols; c += WG) {
    let z = x[base + c] - st.x;
    if (LOG) { sout[base + c] = z - logS; } else { sout[base + c] = sexp(z) / st.y; }
  }
}

@compute @workgroup_size(WG)
fn cross_entropy(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let r = workgroupIndex(wid, nwg);
  if (r >= u.rows) { return; }
  let t = lid.x;
  let base = r * u.cols;
  let label = f32(cy[r]);
  let valid = label >= 0.0 && label < f32(u.cols);
  let st = rowStats(base, t);
  let logS = slog(st.y);
  var s = 0.0;
  for (var c = t; c < u.cols; c += WG) {
    let q = targetQ(label, c);
    if (q != 0.0) { s += q * ((x[base + c] - st.x) - logS); }
  }
  s = reduceSum(t, s);
  if (t == 0u) {
    cout[r] = select(nanF(), -s, valid);
    if (!valid && atomicMax(&cerr[0], 1u) == 0u) {
      atomicStore(&cerr[1], u.errCode);
      atomicStore(&cerr[2], bitcast<u32>(i32(cy[r])));
      atomicStore(&cerr[3], u.cols);
    }
  }
}

@compute @workgroup_size(WG)
fn cross_entropy_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let r = workgroupIndex(wid, nwg);
  if (r >= u.rows) { return; }
  let t = lid.x;
  let base = r * u.cols;
  let label = f32(by[r]);
  let st = rowStats(base, t);
  let g = bg[r];
  for (var c = t; c < u.cols; c += WG) {
    bout[base + c] = (sexp(x[base + c] - st.x) / st.y - targetQ(label, c)) * g;
  }
}
