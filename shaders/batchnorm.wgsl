// Fused batch normalisation (CPU twin: src/backend/cpu/batchnorm.ts). x is viewed as
// [n, channels, inner]; a channel's M = n·inner values are strided by channels·inner.
// Entry `bn_stats` (STATS): one workgroup per channel; the mean of x shifted by the channel's
//   first value (so values near 1000 lose nothing to float32 cancellation), then the sum of
//   squares about that mean (a stable two-pass in one dispatch, x read twice). Writes
//   out [3, channels] = (shift, mean − shift, 1/√(var + eps)), var biased: the consumers
//   compute (x − shift) − (mean − shift), exact where a float32 mean of values near 1000 is
//   not (its rounding, 6e-5, is the same for every value of the channel); with TRACK (flags bit 2) also the
//   running statistics in place, r ← (1 − m)·r + m·stat with the unbiased variance (as PyTorch).
// Entry `bn_apply` (APPLY): y = (x − mean)·invstd·γ + β, one invocation per element. The
//   statistics come from S0/S1: training, S0 = S1 = the [3, channels] output above; eval
//   (fromVar), S0 = running mean, S1 = running var, shift = 0 and invstd = 1/√(var + eps).
// Entry `bn_grad_stats` (GRAD_STATS): one workgroup per channel, out [2, channels] =
//   (Σ g, Σ g·x̂), x̂ = (x − mean)·invstd: dβ and dγ, and the training dx's two means.
// Entry `bn_grad_input` (GRAD_INPUT): dx = γ·invstd·(g − Σg/M − x̂·Σgx̂/M) in training
//   (flags bit 2: SUMS bound), γ·invstd·g in eval.
// flags: bit 0 weight bound, bit 1 bias bound, bit 2 TRACK (stats) / training (grad input).

override WG: u32 = 256;

struct U {
  n: u32,
  c: u32,
  inner: u32,
  fromVar: u32,
  eps: f32,
  momentum: f32,
  flags: u32,
  total: u32,
}

@group(0) @binding(0) var<uniform> u: U;

// Bindings 1–3 (X, S0, S1) are shared by the three consumers of the statistics; each variant's
// own bindings follow in the chain of variant blocks below, so any combination of defines compiles.
#if STATS
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> OUT: array<f32>;
@group(0) @binding(3) var<storage, read_write> RM: array<f32>;
@group(0) @binding(4) var<storage, read_write> RV: array<f32>;
#else
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> S0: array<f32>;
@group(0) @binding(3) var<storage, read> S1: array<f32>;

/** (shift, mean − shift, invstd) of channel c from the bound statistics */
fn stats(c: u32) -> vec3<f32> {
  if (u.fromVar != 0u) { return vec3<f32>(0.0, S0[c], 1.0 / sqrt(S1[c] + u.eps)); }
  return vec3<f32>(S1[c], S1[u.c + c], S1[2u * u.c + c]);
}

/** x̂ = ((x − shift) − (mean − shift))·invstd */
fn xhat(x: f32, st: vec3<f32>) -> f32 { return ((x - st.x) - st.y) * st.z; }
#endif

var<workgroup> redA: array<f32, WG>;
var<workgroup> redB: array<f32, WG>;

/** the flat index of value i (0 ≤ i < M) of channel c */
fn elem(c: u32, i: u32) -> u32 {
  let ni = i / u.inner;
  return (ni * u.c + c) * u.inner + (i - ni * u.inner);
}

/** sums a and b over the workgroup (WG a power of two); every invocation gets the totals */
fn reduce2(lid: u32, a: f32, b: f32) -> vec2<f32> {
  redA[lid] = a;
  redB[lid] = b;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      redA[lid] += redA[lid + s];
      redB[lid] += redB[lid + s];
    }
    workgroupBarrier();
  }
  let r = vec2<f32>(redA[0], redB[0]);
  workgroupBarrier(); // the next call overwrites slot 0
  return r;
}


#if STATS
@compute @workgroup_size(WG)
fn bn_stats(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let c = wid.x;
  let m = u.n * u.inner;
  let pivot = X[c * u.inner];
  var s = 0.0;
  for (var i = lid.x; i < m; i += WG) { s += X[elem(c, i)] - pivot; }
  let dmean = reduce2(lid.x, s, 0.0).x / f32(m);
  var q = 0.0;
  for (var i = lid.x; i < m; i += WG) {
    let d = (X[elem(c, i)] - pivot) - dmean;
    q += d * d;
  }
  let variance = reduce2(lid.x, q, 0.0).x / f32(m);
  if (lid.x == 0u) {
    OUT[c] = pivot;
    OUT[u.c + c] = dmean;
    OUT[2u * u.c + c] = 1.0 / sqrt(variance + u.eps);
    if ((u.flags & 4u) != 0u) {
      let mo = u.momentum;
      RM[c] = (1.0 - mo) * RM[c] + mo * (pivot + dmean);
      RV[c] = (1.0 - mo) * RV[c] + mo * variance * (f32(m) / f32(m - 1u));
    }
  }
}
#elif APPLY
@group(0) @binding(4) var<storage, read> W: array<f32>;
@group(0) @binding(5) var<storage, read> B: array<f32>;
@group(0) @binding(6) var<storage, read_write> OUT: array<f32>;

@compute @workgroup_size(WG)
fn bn_apply(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid.x;
  if (i >= u.total) { return; }
  let c = (i / u.inner) % u.c;
  let st = stats(c);
  var y = xhat(X[i], st);
  if ((u.flags & 1u) != 0u) { y *= W[c]; }
  if ((u.flags & 2u) != 0u) { y += B[c]; }
  OUT[i] = y;
}
#elif GRAD_STATS
@group(0) @binding(4) var<storage, read> G: array<f32>;
@group(0) @binding(5) var<storage, read_write> OUT: array<f32>;

@compute @workgroup_size(WG)
fn bn_grad_stats(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let c = wid.x;
  let m = u.n * u.inner;
  let st = stats(c);
  var sg = 0.0;
  var sgx = 0.0;
  for (var i = lid.x; i < m; i += WG) {
    let k = elem(c, i);
    let g = G[k];
    sg += g;
    sgx += g * xhat(X[k], st);
  }
  let r = reduce2(lid.x, sg, sgx);
  if (lid.x == 0u) {
    OUT[c] = r.x;
    OUT[u.c + c] = r.y;
  }
}
#elif GRAD_INPUT
@group(0) @binding(4) var<storage, read> G: array<f32>;
@group(0) @binding(5) var<storage, read> SUMS: array<f32>;
@group(0) @binding(6) var<storage, read> W: array<f32>;
@group(0) @binding(7) var<storage, read_write> OUT: array<f32>;

@compute @workgroup_size(WG)
fn bn_grad_input(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid.x;
  if (i >= u.total) { return; }
  let c = (i / u.inner) % u.c;
  let st = stats(c);
  var k = st.z;
  if ((u.flags & 1u) != 0u) { k *= W[c]; }
  var g = G[i];
  if ((u.flags & 4u) != 0u) {
    let invM = 1.0 / f32(u.n * u.inner);
    g = g - SUMS[c] * invM - xhat(X[i], st) * SUMS[u.c + c] * invM;
  }
  OUT[i] = k * g;
}
#endif
