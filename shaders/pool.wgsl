// 2-D pooling on NCHW planes (see Pool2dArgs in src/backend/types.ts and the CPU twin
// src/backend/cpu/pool.ts). One invocation per output element for the forward entries,
// one per input element for the backward ones, which gather from every output window that
// covers the element (no atomics, a fixed summation order: deterministic).
// Entries: max_pool_argmax (int32 in-plane index of the max; first on ties, NaN wins, -1 for
// an all-padding window), pool_gather (values at those indices), pool_backward (max or avg),
// max_pool_backward_tiled (max where the windows tile the input), avg_pool.

override WG: u32 = 256;

struct U {
  planes: u32, h: u32, w: u32, outH: u32,
  outW: u32, kH: u32, kW: u32, sH: u32,
  sW: u32, pH: u32, pW: u32, adaptive: u32,
  countIncludePad: u32, total: u32,
}

@group(0) @binding(0) var<uniform> u: U;

#if ARGMAX
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> IDX: array<i32>;
#elif GATHER
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> IDX: array<i32>;
@group(0) @binding(3) var<storage, read_write> OUT: array<f32>;
#elif MAX_BACKWARD
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> IDX: array<i32>;
@group(0) @binding(3) var<storage, read_write> OUT: array<f32>;
#else
// avg_pool reads x here, avg_pool_backward (pool_backward without MAX_BACKWARD) the gradient
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> OUT: array<f32>;
#endif

/** [start, end) clipped to the input, and the padded window size (as the CPU's poolWindow) */
fn window(o: u32, inLen: u32, outLen: u32, k: u32, s: u32, p: u32) -> vec3<i32> {
  if (u.adaptive != 0u) {
    let start = (o * inLen) / outLen;
    let end = ((o + 1u) * inLen + outLen - 1u) / outLen;
    return vec3<i32>(i32(start), i32(end), i32(end - start));
  }
  let start = i32(o * s) - i32(p);
  let end = min(start + i32(k), i32(inLen + p));
  return vec3<i32>(max(start, 0), min(end, i32(inLen)), end - start);
}

/** the outputs whose window may cover input position i along one axis: [lo, hi] */
fn coveringOutputs(i: u32, inLen: u32, outLen: u32, k: u32, s: u32, p: u32) -> vec2<i32> {
  if (u.adaptive != 0u) {
    return vec2<i32>(i32((i * outLen) / inLen), i32(((i + 1u) * outLen + inLen - 1u) / inLen) - 1);
  }
  let t = i32(i + p) - i32(k) + 1;
  let lo = select(0, (t + i32(s) - 1) / i32(s), t > 0);
  return vec2<i32>(lo, min(i32(outLen) - 1, i32((i + p) / s)));
}

// isNan, flatIndex: shaders/prelude.wgsl

#if ARGMAX
@compute @workgroup_size(WG)
fn max_pool_argmax(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  // one invocation per output row (plane, oh): its outW windows share the index math; total = rows
  let r = flatIndex(wid, nwg, lid);
  if (r >= u.total) { return; }
  let base = (r / u.outH) * u.h * u.w;
  let wh = window(r % u.outH, u.h, u.outH, u.kH, u.sH, u.pH);
  for (var ow = 0u; ow < u.outW; ow++) {
  let o = r * u.outW + ow;
  let ww = window(ow, u.w, u.outW, u.kW, u.sW, u.pW);
  var best = -1;
  var bestV = 0.0;
  for (var ih = wh.x; ih < wh.y; ih++) {
    for (var iw = ww.x; iw < ww.y; iw++) {
      let i = ih * i32(u.w) + iw;
      let v = X[base + u32(i)];
      if (best >= 0 && isNan(bestV)) { continue; }
      if (best < 0 || v > bestV || isNan(v)) { best = i; bestV = v; }
    }
  }
  IDX[o] = best;
  }
}
#elif GATHER
@compute @workgroup_size(WG)
fn pool_gather(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  // one invocation per output row (plane, oh); total = rows
  let r = flatIndex(wid, nwg, lid);
  if (r >= u.total) { return; }
  var nanBits = 0x7fc00000u; // a var: a constant NaN is a shader-creation error
  let nan = bitcast<f32>(nanBits);
  let base = (r / u.outH) * u.h * u.w;
  for (var o = r * u.outW; o < (r + 1u) * u.outW; o++) {
    let i = IDX[o];
    OUT[o] = select(nan, X[base + u32(max(i, 0))], i >= 0);
  }
}
#else
@compute @workgroup_size(WG)
fn pool_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  // one invocation per input row (plane, ih): its w pixels share the index math; total = rows
  let e = flatIndex(wid, nwg, lid);
  if (e >= u.total) { return; }
  let plane = e / u.h;
  let ih = e % u.h;
  let outBase = plane * u.outH * u.outW;
  let rh = coveringOutputs(ih, u.h, u.outH, u.kH, u.sH, u.pH);
  for (var iw = 0u; iw < u.w; iw++) {
  let rw = coveringOutputs(iw, u.w, u.outW, u.kW, u.sW, u.pW);
  var acc = 0.0;
  for (var oh = max(rh.x, 0); oh <= rh.y; oh++) {
    for (var ow = max(rw.x, 0); ow <= rw.y; ow++) {
      let o = outBase + u32(oh) * u.outW + u32(ow);
#if MAX_BACKWARD
      if (IDX[o] == i32(ih * u.w + iw)) { acc += G[o]; }
#else
      let wh = window(u32(oh), u.h, u.outH, u.kH, u.sH, u.pH);
      let ww = window(u32(ow), u.w, u.outW, u.kW, u.sW, u.pW);
      if (i32(ih) >= wh.x && i32(ih) < wh.y && i32(iw) >= ww.x && i32(iw) < ww.y) {
        let divisor = select((wh.y - wh.x) * (ww.y - ww.x), wh.z * ww.z, u.countIncludePad != 0u && u.adaptive == 0u);
        acc += X[o] / f32(divisor);
      }
#endif
    }
  }
  OUT[e * u.w + iw] = acc;
  }
}

#if MAX_BACKWARD
// max backward where the windows tile the input (k = s, no padding, not adaptive): pixel
// (ih, iw) can only be picked by window (ih / kH, iw / kW), so each window's gradient goes to
// its kW pixels of the row without pool_backward's covering-window search (the same result).
// One invocation per input row (plane, ih); total = rows.
@compute @workgroup_size(WG)
fn max_pool_backward_tiled(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let e = flatIndex(wid, nwg, lid);
  if (e >= u.total) { return; }
  let plane = e / u.h;
  let ih = e % u.h;
  let outBase = plane * u.outH * u.outW;
  let oh = ih / u.kH;
  var iw = 0u;
  if (oh < u.outH) {
    let rowStart = i32(ih * u.w);
    for (var ow = 0u; ow < u.outW; ow++) {
      let o = outBase + oh * u.outW + ow;
      let pickedColumn = IDX[o] - rowStart;
      let g = G[o];
      for (var kw = 0u; kw < u.kW && iw < u.w; kw++) {
        OUT[e * u.w + iw] = select(0.0, g, pickedColumn == i32(iw));
        iw++;
      }
    }
  }
  for (; iw < u.w; iw++) { OUT[e * u.w + iw] = 0.0; }
}
#else
@compute @workgroup_size(WG)
fn avg_pool(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let o = flatIndex(wid, nwg, lid);
  if (o >= u.total) { return; }
  let perPlane = u.outH * u.outW;
  let base = (o / perPlane) * u.h * u.w;
  let wh = window((o % perPlane) / u.outW, u.h, u.outH, u.kH, u.sH, u.pH);
  let ww = window(o % u.outW, u.w, u.outW, u.kW, u.sW, u.pW);
  var acc = 0.0;
  for (var ih = wh.x; ih < wh.y; ih++) {
    for (var iw = ww.x; iw < ww.y; iw++) { acc += X[base + u32(ih * i32(u.w) + iw)]; }
  }
  let divisor = select((wh.y - wh.x) * (ww.y - ww.x), wh.z * ww.z, u.countIncludePad != 0u && u.adaptive == 0u);
  OUT[o] = acc / f32(divisor);
}
#endif
#endif
