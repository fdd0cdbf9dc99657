// Reductions over the middle axis of x viewed as [outer, reduce, inner] -> out [outer, inner].
// OP: 0 sum, 1 max, 2 min, 3 argmax, 4 argmin. Semantics as the CPU reference: NaN wins
// max/min/argmax/argmin (its first occurrence), ties give the first index, an empty
// reduction gives 0 (sum), NaN (max/min) or index 0.
// Entry `reduce_thread`: one invocation per output, a sequential loop (small `reduce`).
// Entry `reduce_group`: one workgroup per output, a strided loop then a tree reduction in
// workgroup memory (large `reduce`). Variants: X_INT (i32 input and, for sum/max/min, output),
// X_F16 (f16 input and output; T, the accumulator, stays f32 and the result is rounded once).

override WG: u32 = 256;
override OP: u32 = 0;

struct U {
  outer: u32,
  len: u32,
  inner: u32,
  nOut: u32,
}

@group(0) @binding(0) var<uniform> u: U;

#if X_INT
alias T = i32;
alias TX = i32;
#elif X_F16
alias T = f32;
alias TX = f16;
#else
alias T = f32;
alias TX = f32;
#endif

@group(0) @binding(1) var<storage, read> x: array<TX>;
#if IDX_OUT
@group(0) @binding(2) var<storage, read_write> out: array<i32>;
#else
@group(0) @binding(2) var<storage, read_write> out: array<TX>;
#endif

#if X_INT
fn narrow(v: T) -> TX { return v; }
#elif X_F16
fn narrow(v: T) -> TX { return toF16(v); }
#else
fn narrow(v: T) -> TX { return v; }
#endif

fn isNanT(v: T) -> bool {
#if X_INT
  return false;
#else
  return isNan(v);
#endif
}

fn nanT() -> T {
#if X_INT
  return 0;
#else
  var b = 0x7fc00000u;
  return bitcast<f32>(b);
#endif
}

struct Acc {
  v: T,
  i: u32, // 0xffffffff = empty
}

/** combines two partial results; commutative, so any visiting order gives the CPU's answer */
fn combine(a: Acc, b: Acc) -> Acc {
  if (OP == 0u) { return Acc(a.v + b.v, 0u); }
  if (b.i == 0xffffffffu) { return a; }
  if (a.i == 0xffffffffu) { return b; }
  let an = isNanT(a.v);
  let bn = isNanT(b.v);
  if (an || bn) {
    if (an && bn) {
      if (a.i < b.i) { return a; }
      return b;
    }
    if (an) { return a; }
    return b;
  }
  var better: bool;
  if (OP == 1u || OP == 3u) { better = b.v > a.v; } else { better = b.v < a.v; }
  if (better || (b.v == a.v && b.i < a.i)) { return b; }
  return a;
}

fn empty() -> Acc { return Acc(T(0), select(0xffffffffu, 0u, OP == 0u)); }

fn store(o: u32, a: Acc) {
#if IDX_OUT
  out[o] = i32(select(a.i, 0u, a.i == 0xffffffffu));
#else
  if (OP != 0u && a.i == 0xffffffffu) { out[o] = narrow(nanT()); } else { out[o] = narrow(a.v); }
#endif
}

@compute @workgroup_size(WG)
fn reduce_thread(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let o = (wid.y * nwg.x + wid.x) * WG + lid.x;
  if (o >= u.nOut) { return; }
  let oo = o / u.inner;
  let ii = o % u.inner;
  let base = oo * u.len * u.inner + ii;
  var acc = empty();
  for (var r = 0u; r < u.len; r++) {
    acc = combine(acc, Acc(T(x[base + r * u.inner]), r));
  }
  store(o, acc);
}

var<workgroup> sv: array<T, WG>;
var<workgroup> si: array<u32, WG>;

@compute @workgroup_size(WG)
fn reduce_group(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let o = wid.y * nwg.x + wid.x; // uniform across the workgroup
  let t = lid.x;
  var acc = empty();
  if (o < u.nOut) {
    let oo = o / u.inner;
    let ii = o % u.inner;
    let base = oo * u.len * u.inner + ii;
    for (var r = t; r < u.len; r += WG) {
      acc = combine(acc, Acc(T(x[base + r * u.inner]), r));
    }
  }
  sv[t] = acc.v;
  si[t] = acc.i;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (t < s) {
      let m = combine(Acc(sv[t], si[t]), Acc(sv[t + s], si[t + s]));
      sv[t] = m.v;
      si[t] = m.i;
    }
    workgroupBarrier();
  }
  if (t == 0u && o < u.nOut) { store(o, Acc(sv[0], si[0])); }
}
