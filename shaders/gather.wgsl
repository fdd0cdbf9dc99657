// Gather along an axis, its adjoint, and one-hot.
// x viewed as [outer, axisLen, inner]; out [outer, nIdx, inner] = x[:, idx[j], :].
// An index is valid when it is an integer in [0, axisLen); otherwise gather writes NaN
// (float) / 0 (int). gatherBackward is deterministic: each output element loops over the
// whole index list in order (no atomics). Variants: IDX_INT (indices/labels stored as i32),
// X_INT (gathered data is i32). Override: WG. gather and one_hot report a bad index in the
// device-side check buffer (their last binding).

override WG: u32 = 256;

struct U {
  outer: u32,
  axisLen: u32,
  inner: u32,
  nIdx: u32,
  total: u32,
  errCode: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> u: U;

#if IDX_INT
alias TI = i32;
#else
alias TI = f32;
#endif
#if X_INT
alias TX = i32;
#else
alias TX = f32;
#endif

// gather: x, idx, out
@group(0) @binding(1) var<storage, read> gx: array<TX>;
@group(0) @binding(2) var<storage, read> gidx: array<TI>;
@group(0) @binding(3) var<storage, read_write> gout: array<TX>;
// gatherBackward: grad, idx, out
@group(0) @binding(1) var<storage, read> bgrad: array<f32>;
@group(0) @binding(2) var<storage, read> bidx: array<TI>;
@group(0) @binding(3) var<storage, read_write> bout: array<f32>;
// oneHot: labels, out
@group(0) @binding(1) var<storage, read> olab: array<TI>;
@group(0) @binding(2) var<storage, read_write> oout: array<f32>;

// the device-side check buffer (src/backend/webgpu/device-checks.ts): [flag, op code, value, range];
// the first invocation to see a bad index fills it, later ones leave it alone
@group(0) @binding(4) var<storage, read_write> gerr: array<atomic<u32>, 4>;
@group(0) @binding(3) var<storage, read_write> oerr: array<atomic<u32>, 4>;

fn reportGather(v: TI) {
  if (atomicMax(&gerr[0], 1u) == 0u) {
    atomicStore(&gerr[1], u.errCode);
    atomicStore(&gerr[2], bitcast<u32>(i32(v)));
    atomicStore(&gerr[3], u.axisLen);
  }
}

fn reportOneHot(v: TI) {
  if (atomicMax(&oerr[0], 1u) == 0u) {
    atomicStore(&oerr[1], u.errCode);
    atomicStore(&oerr[2], bitcast<u32>(i32(v)));
    atomicStore(&oerr[3], u.axisLen);
  }
}

fn badValue() -> TX {
#if X_INT
  return 0;
#else
  var b = 0x7fc00000u;
  return bitcast<f32>(b);
#endif
}

/** the index as u32, or 0xffffffff when it is not an integer in [0, len) */
fn checkIndex(v: TI, len: u32) -> u32 {
#if IDX_INT
  if (v < 0 || u32(v) >= len) { return 0xffffffffu; }
  return u32(v);
#else
  if (!(v >= 0.0 && v < f32(len)) || floor(v) != v) { return 0xffffffffu; }
  return u32(v);
#endif
}

// flatIndex: shaders/prelude.wgsl

@compute @workgroup_size(WG)
fn gather(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let e = flatIndex(wid, nwg, lid);
  if (e >= u.total) { return; }
  let i = e % u.inner;
  let oj = e / u.inner;
  let j = oj % u.nIdx;
  let o = oj / u.nIdx;
  let a = checkIndex(gidx[j], u.axisLen);
  if (a == 0xffffffffu) { gout[e] = badValue(); reportGather(gidx[j]); } else { gout[e] = gx[(o * u.axisLen + a) * u.inner + i]; }
}

@compute @workgroup_size(WG)
fn gather_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let e = flatIndex(wid, nwg, lid);
  if (e >= u.total) { return; }
  let i = e % u.inner;
  let oa = e / u.inner;
  let a = oa % u.axisLen;
  let o = oa / u.axisLen;
  var s = 0.0;
  for (var j = 0u; j < u.nIdx; j++) {
    if (checkIndex(bidx[j], u.axisLen) == a) { s += bgrad[(o * u.nIdx + j) * u.inner + i]; }
  }
  bout[e] = s;
}

@compute @workgroup_size(WG)
fn one_hot(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let e = flatIndex(wid, nwg, lid);
  if (e >= u.total) { return; }
  let c = e % u.axisLen;
  let r = e / u.axisLen;
  let a = checkIndex(olab[r], u.axisLen);
  if (a == 0xffffffffu) { reportOneHot(olab[r]); }
  oout[e] = select(0.0, 1.0, a == c);
}
