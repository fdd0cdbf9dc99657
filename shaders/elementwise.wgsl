// Elementwise family: fill, unary, binary, where. The scalar formulas follow
// src/backend/scalar-math.ts (the CPU reference), including its NaN behaviour; WGSL
// builtins whose edge cases are undefined (max/min with NaN, log/sqrt of negatives, pow of
// negative bases, tanh of large |x|, f32 -> i32 of NaN) are wrapped below.
//
// Variants (preprocessor): IN0_INT, IN1_INT, IN2_INT, OUT_INT pick i32 instead of f32 for
// the positional inputs and the output; IN0_F16 .. OUT_F16 pick f16 storage (the arithmetic
// stays f32: loads widen, stores round once through toF16, see preprocess.ts). Override constants: WG (workgroup size), OP (the
// op's index in the UnaryOp / BinaryOp list), MODE0..MODE2 (0 contiguous, 1 scalar
// broadcast, 2 strided view), INT_ARITH (compute in i32 instead of f32).
// Invocations index elements as (wid.y * num_workgroups.x + wid.x) * WG + lid.x, so
// large grids fold into 2-D.

override WG: u32 = 256;
override OP: u32 = 0;
override MODE0: u32 = 0;
override MODE1: u32 = 0;
override MODE2: u32 = 0;
override INT_ARITH: bool = false;

struct U {
  n: u32,
  rank: u32,
  alpha: f32,
  alphaInt: i32,
  shape: array<vec4<u32>, 2>,
  s0: array<vec4<i32>, 2>,
  s1: array<vec4<i32>, 2>,
  s2: array<vec4<i32>, 2>,
  offs: vec4<i32>,
}

@group(0) @binding(0) var<uniform> u: U;

#if IN0_INT
alias T0 = i32;
#elif IN0_F16
alias T0 = f16;
#else
alias T0 = f32;
#endif
#if IN1_INT
alias T1 = i32;
#elif IN1_F16
alias T1 = f16;
#else
alias T1 = f32;
#endif
#if IN2_INT
alias T2 = i32;
#elif IN2_F16
alias T2 = f16;
#else
alias T2 = f32;
#endif
#if OUT_INT
alias TO = i32;
#elif OUT_F16
alias TO = f16;
#else
alias TO = f32;
#endif

// fill: out
@group(0) @binding(1) var<storage, read_write> fout: array<TO>;
// unary: x, out
@group(0) @binding(1) var<storage, read> ux: array<T0>;
@group(0) @binding(2) var<storage, read_write> uout: array<TO>;
// binary: a, b, out
@group(0) @binding(1) var<storage, read> ba: array<T0>;
@group(0) @binding(2) var<storage, read> bb: array<T1>;
@group(0) @binding(3) var<storage, read_write> bout: array<TO>;
// where: cond, a, b, out
@group(0) @binding(1) var<storage, read> wc: array<T0>;
@group(0) @binding(2) var<storage, read> wa: array<T1>;
@group(0) @binding(3) var<storage, read> wb: array<T2>;
@group(0) @binding(4) var<storage, read_write> wout: array<TO>;

// ---------------------------------------------------------------- float helpers

// nanF, infF, isNan, isInf, sexp, slog: shaders/prelude.wgsl

/** JS ToInt32 for the values that matter: NaN and ±Infinity give 0, else truncation (saturating). */
fn toI32(v: f32) -> i32 {
  if (isNan(v) || isInf(v)) { return 0; }
  return i32(trunc(v));
}

fn ssqrt(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  if (x < 0.0) { return nanF(); }
  if (isInf(x)) { return x; }
  return sqrt(x);
}

/** exp(x) - 1 without cancellation near 0 (Kahan's trick) */
fn expm1(x: f32) -> f32 {
  let e = sexp(x);
  if (e == 1.0) { return x; }
  let em1 = e - 1.0;
  if (em1 == -1.0 || isInf(e)) { return em1; }
  return em1 * x / log(e);
}

fn stanh(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  let ax = abs(x);
  var r: f32;
  if (ax < 0.125) {
    let x2 = ax * ax;
    r = ax * (1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0 + x2 * (-17.0 / 315.0))));
  } else if (ax > 9.1) {
    r = 1.0;
  } else {
    let t = expm1(-2.0 * ax);
    r = -t / (2.0 + t);
  }
  return select(r, -r, x < 0.0);
}

fn ssigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + sexp(-x)); }
  let e = sexp(x);
  return e / (1.0 + e); // NaN falls through here and stays NaN
}

/** Math.pow semantics (negative bases with integral exponents, 0^y, NaN^0 = 1) */
fn spow(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (isNan(x) || isNan(y)) { return nanF(); }
  if (isInf(y)) {
    let ax = abs(x);
    if (ax == 1.0) { return nanF(); }
    if ((ax > 1.0) == (y > 0.0)) { return infF(); }
    return 0.0;
  }
  let yInt = floor(y) == y;
  let yOdd = yInt && abs(y) < 16777216.0 && (y - 2.0 * floor(y * 0.5)) != 0.0;
  if (x == 0.0) {
    let neg0 = (bitcast<u32>(x) & 0x80000000u) != 0u && yOdd;
    if (y > 0.0) { return select(0.0, -0.0, neg0); }
    return select(infF(), -infF(), neg0);
  }
  if (isInf(x)) {
    if (x > 0.0) { return select(0.0, infF(), y > 0.0); }
    if (y > 0.0) { return select(infF(), -infF(), yOdd); }
    return select(0.0, -0.0, yOdd);
  }
  if (yInt && abs(y) <= 64.0) {
    // square-and-multiply: exact for small integer powers (x*x, x^3 of integers, ...)
    var e = u32(abs(y));
    var base = x;
    var r = 1.0;
    loop {
      if ((e & 1u) != 0u) { r = r * base; }
      e = e >> 1u;
      if (e == 0u) { break; }
      base = base * base;
    }
    return select(r, 1.0 / r, y < 0.0);
  }
  if (x < 0.0) {
    if (!yInt) { return nanF(); }
    let r = exp2(y * log2(-x));
    return select(r, -r, yOdd);
  }
  if (y == 0.5) { return sqrt(x); }
  return exp2(y * log2(x));
}

fn gelu(x: f32) -> f32 {
  let uu = 0.7978845608028654 * (x + 0.044715 * x * x * x);
  return x / (1.0 + sexp(-2.0 * uu));
}

fn geluGrad(x: f32) -> f32 {
  if (isNan(x) || isInf(x)) { return nanF(); } // inf * 0 in the reference
  if (x > 10.0) { return 1.0; }
  if (x < -10.0) { return 0.0; }
  let uu = 0.7978845608028654 * (x + 0.044715 * x * x * x);
  let du = 0.7978845608028654 * (1.0 + 3.0 * 0.044715 * x * x);
  let s = 1.0 / (1.0 + sexp(-2.0 * uu));
  return s + x * 2.0 * du * s * (1.0 - s);
}

fn unaryF(x: f32, a: f32) -> f32 {
  switch (OP) {
    case 0u: { return -x; }
    case 1u: { return sexp(x); }
    case 2u: { return slog(x); }
    case 3u: { return ssqrt(x); }
    case 4u: { return abs(x); }
    case 5u: { return x * x; }
    case 6u: { return select(select(x, -1.0, x < 0.0), 1.0, x > 0.0); } // 0 and NaN map to themselves
    case 7u: { return 1.0 / x; }
    case 8u: { return select(x, 0.0, x <= 0.0); } // NaN passes through, as PyTorch
    case 9u: { return select(a * x, x, x > 0.0); }
    case 10u: { return select(a * expm1(x), x, x > 0.0); }
    case 11u: { return ssigmoid(x); }
    case 12u: { return stanh(x); }
    case 13u: { return gelu(x); }
    case 14u: { return select(0.0, 1.0, x > 0.0); }
    case 15u: { return select(a, 1.0, x > 0.0); }
    case 16u: { return select(a * sexp(x), 1.0, x > 0.0); }
    case 17u: { return geluGrad(x); }
    case 18u: { return spow(x, a); }
    case 19u: { return x * a; }
    case 20u: { return x + a; }
    case 21u: { return a - x; }
    case 22u: { return a / x; }
    default: { return nanF(); }
  }
}

/** integer twins for the ops that stay integral on int32 tensors (launcher sets INT_ARITH) */
fn unaryI(x: i32, a: i32) -> i32 {
  switch (OP) {
    case 0u: { return -x; }
    case 4u: { return abs(x); }
    case 5u: { return x * x; }
    case 6u: { return select(select(0, -1, x < 0), 1, x > 0); }
    case 8u: { return select(0, x, x > 0); }
    case 14u: { return select(0, 1, x > 0); }
    case 18u: { return ipow(x, a); }
    case 19u: { return x * a; }
    case 20u: { return x + a; }
    case 21u: { return a - x; }
    default: { return 0; }
  }
}

fn binaryF(x: f32, y: f32) -> f32 {
  switch (OP) {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return spow(x, y); }
    case 5u: { if (isNan(x) || isNan(y)) { return nanF(); } return select(y, x, x > y || (x == y && (bitcast<u32>(y) & 0x80000000u) != 0u)); }
    case 6u: { if (isNan(x) || isNan(y)) { return nanF(); } return select(y, x, x < y || (x == y && (bitcast<u32>(x) & 0x80000000u) != 0u)); }
    case 7u: { return select(0.0, 1.0, x > y); }
    case 8u: { return select(0.0, 1.0, x >= y); }
    case 9u: { return select(0.0, 1.0, x < y); }
    case 10u: { return select(0.0, 1.0, x <= y); }
    case 11u: { return select(0.0, 1.0, x == y); }
    default: { return nanF(); }
  }
}

/** trunc(x^y) as the reference: wrapping square-and-multiply (exact mod 2^32) for y >= 0 */
fn ipow(x: i32, y: i32) -> i32 {
  if (y < 0) {
    if (x == 1) { return 1; }
    if (x == -1) { return select(1, -1, (y & 1) != 0); }
    return 0; // |x| >= 2 gives a fraction; 0^-y is Infinity -> 0
  }
  var e = u32(y);
  var base = x;
  var r = 1;
  loop {
    if ((e & 1u) != 0u) { r = r * base; }
    e = e >> 1u;
    if (e == 0u) { break; }
    base = base * base;
  }
  return r;
}

fn binaryI(x: i32, y: i32) -> i32 {
  switch (OP) {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { if (y == 0) { return 0; } return x / y; }
    case 4u: { return ipow(x, y); }
    case 5u: { return max(x, y); }
    case 6u: { return min(x, y); }
    case 7u: { return select(0, 1, x > y); }
    case 8u: { return select(0, 1, x >= y); }
    case 9u: { return select(0, 1, x < y); }
    case 10u: { return select(0, 1, x <= y); }
    case 11u: { return select(0, 1, x == y); }
    default: { return 0; }
  }
}

#if OUT_INT
fn outF(v: f32) -> TO { return toI32(v); }
#elif OUT_F16
fn outF(v: f32) -> TO { return toF16(v); }
#else
fn outF(v: f32) -> TO { return v; }
#endif
fn outI(v: i32) -> TO { return TO(v); }

// ---------------------------------------------------------------- indexing

// flatIndex: shaders/prelude.wgsl

/** read offsets of element i in up to three views (strided ones only; others by mode) */
fn viewOffsets(i: u32) -> vec3<i32> {
  var o = u.offs.xyz;
  if (MODE0 == 2u || MODE1 == 2u || MODE2 == 2u) {
    var r = i;
    for (var d = i32(u.rank) - 1; d >= 0; d--) {
      let q = u32(d) / 4u;
      let c = u32(d) % 4u;
      let dim = u.shape[q][c];
      let k = i32(r % dim);
      r = r / dim;
      o += k * vec3<i32>(u.s0[q][c], u.s1[q][c], u.s2[q][c]);
    }
  }
  if (MODE0 == 0u) { o.x = u.offs.x + i32(i); } else if (MODE0 == 1u) { o.x = u.offs.x; }
  if (MODE1 == 0u) { o.y = u.offs.y + i32(i); } else if (MODE1 == 1u) { o.y = u.offs.y; }
  if (MODE2 == 0u) { o.z = u.offs.z + i32(i); } else if (MODE2 == 1u) { o.z = u.offs.z; }
  return o;
}

// ---------------------------------------------------------------- entry points

@compute @workgroup_size(WG)
fn fill(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= u.n) { return; }
  if (INT_ARITH) { fout[i] = outI(u.alphaInt); } else { fout[i] = outF(u.alpha); }
}

@compute @workgroup_size(WG)
fn unary(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= u.n) { return; }
  if (INT_ARITH) {
    uout[i] = outI(unaryI(i32(ux[i]), u.alphaInt));
  } else {
    uout[i] = outF(unaryF(f32(ux[i]), u.alpha));
  }
}

@compute @workgroup_size(WG)
fn binary(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= u.n) { return; }
  let o = viewOffsets(i);
  if (INT_ARITH) {
    bout[i] = outI(binaryI(i32(ba[o.x]), i32(bb[o.y])));
  } else {
    bout[i] = outF(binaryF(f32(ba[o.x]), f32(bb[o.y])));
  }
}

@compute @workgroup_size(WG)
fn where_select(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= u.n) { return; }
  let o = viewOffsets(i);
  let c = wc[o.x] != T0(0);
  if (INT_ARITH) {
    // integer data (a, b and out all int32): no float round trip
    wout[i] = outI(select(i32(wb[o.z]), i32(wa[o.y]), c));
  } else {
    wout[i] = outF(select(f32(wb[o.z]), f32(wa[o.y]), c));
  }
}
