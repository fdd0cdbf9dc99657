// The data movement around conv2d as explicit GEMMs (src/backend/webgpu/conv.ts):
//
// `im2col`: cols[n, (c, kh, kw), (oh, ow)] = x[n0 + n, c, oh·strideH − padH + kh·dilH, ...]
//   (0 outside the input), for the `images` images of a batch chunk starting at image n0.
//   Per image the block is [cIn·kH·kW, outH·outW], so out[n] = W[cOut, cIn·kH·kW] · cols[n]
//   is a batched matmul (A batch stride 0) that writes NCHW directly, reading cols row-major.
// `col2im`: the adjoint. dx[n0 + n, c, ih, iw] = Σ over the taps (kh, kw) that land on
//   (ih, iw) of cols[n, (c, kh, kw), (oh, ow)]. One invocation per input pixel gathers its
//   taps (no atomics, fixed order: deterministic); oh = (ih + padH − kh·dilH) / strideH when
//   that divides exactly and lands in [0, outH).
// `sum_images`: OUT[i] = (ACCUMULATE ? OUT[i] : 0) + Σ_p P[p·len + i], the weight gradient's
//   sum of per-image partial products (and across batch chunks), in a fixed order.
//
// Bindings are the same for every entry: one read-only source, one read_write destination.
// im2col: one invocation per output row segment (outW elements); col2im / sum_images: one
// element per invocation. Workgroups are linear, folded to 2-D by the host.

struct U {
  images: u32, n0: u32, c: u32, h: u32,
  w: u32, outH: u32, outW: u32, kH: u32,
  kW: u32, strideH: u32, strideW: u32, padH: u32,
  padW: u32, dilH: u32, dilW: u32, total: u32,
}

const WG = 256u;

@group(0) @binding(0) var<uniform> u: U;
// F16 (im2col only): x and the columns hold f16; a tap copies a half exactly (no rounding)
#if F16
alias TE = f16;
#else
alias TE = f32;
#endif
@group(0) @binding(1) var<storage, read> SRC: array<TE>;
#if VEC4_ROWS
// im2col when outW % 4 == 0: each row segment is stored as outW/4 vec4s (4× fewer stores)
@group(0) @binding(2) var<storage, read_write> DST: array<vec4<TE>>;
#else
@group(0) @binding(2) var<storage, read_write> DST: array<TE>;
#endif

// flatIndex: shaders/prelude.wgsl

// x at column iw of the input row starting at srcRow; 0 in the padding
fn tap(srcRow: u32, iw: i32, rowInside: bool) -> f32 {
  let inside = rowInside && iw >= 0 && iw < i32(u.w);
  return select(0.0, f32(SRC[srcRow + u32(select(0, iw, inside))]), inside);
}

// one invocation per output row (n, (c, kh, kw), oh): its outW columns share the index math
// (SwiftShader pays per invocation); `total` counts these rows
@compute @workgroup_size(WG)
fn im2col(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= u.total) { return; }
  let kHW = u.kH * u.kW;
  let oh = i % u.outH;
  let row = (i / u.outH) % (u.c * kHW);
  let n = i / (u.outH * u.c * kHW);
  let c = row / kHW;
  let kh = (row % kHW) / u.kW;
  let kw = row % u.kW;
  // signed: a tap left of / above the input is negative, hence out of range
  let ih = i32(oh * u.strideH + kh * u.dilH) - i32(u.padH);
  let rowInside = ih >= 0 && ih < i32(u.h);
  let srcRow = (((u.n0 + n) * u.c + c) * u.h + u32(select(0, ih, rowInside))) * u.w;
  var iw = i32(kw * u.dilW) - i32(u.padW);
#if VEC4_ROWS
  let dst = i * (u.outW / 4u);
  let step = i32(u.strideW);
  for (var q = 0u; q < u.outW / 4u; q++) {
    DST[dst + q] = vec4<TE>(vec4<f32>(tap(srcRow, iw, rowInside), tap(srcRow, iw + step, rowInside),
                                      tap(srcRow, iw + 2 * step, rowInside), tap(srcRow, iw + 3 * step, rowInside)));
    iw += 4 * step;
  }
}
#else
  let dst = i * u.outW;
  for (var ow = 0u; ow < u.outW; ow++) {
    DST[dst + ow] = TE(tap(srcRow, iw, rowInside));
    iw += i32(u.strideW);
  }
}

@compute @workgroup_size(WG)
fn col2im(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= u.total) { return; }
  let hw = u.h * u.w;
  let outHW = u.outH * u.outW;
  let kHW = u.kH * u.kW;
  let iw = i % u.w;
  let ih = (i / u.w) % u.h;
  let c = (i / hw) % u.c;
  let n = i / (hw * u.c);
  let colBase = (n * u.c + c) * kHW * outHW;
  var acc = 0.0;
#if UNIT_STRIDE
  // stride 1, dilation 1: the taps landing on (ih, iw) are a rectangle of (kh, kw), with
  // oh = ih + padH − kh, ow = iw + padW − kw; no divisibility tests (the same sum, same order)
  let th = i32(ih + u.padH);
  let tw = i32(iw + u.padW);
  let khLo = u32(max(th - i32(u.outH) + 1, 0));
  let khHi = u32(min(th + 1, i32(u.kH)));
  let kwLo = u32(max(tw - i32(u.outW) + 1, 0));
  let kwHi = u32(min(tw + 1, i32(u.kW)));
  for (var kh = khLo; kh < khHi; kh++) {
    let rowBase = colBase + kh * u.kW * outHW + (u32(th) - kh) * u.outW + u32(tw);
    for (var kw = kwLo; kw < kwHi; kw++) {
      acc += f32(SRC[rowBase + kw * outHW - kw]);
    }
  }
#else
  for (var kh = 0u; kh < u.kH; kh++) {
    let th = i32(ih + u.padH) - i32(kh * u.dilH);
    if (th < 0 || u32(th) % u.strideH != 0u) { continue; }
    let oh = u32(th) / u.strideH;
    if (oh >= u.outH) { continue; }
    for (var kw = 0u; kw < u.kW; kw++) {
      let tw = i32(iw + u.padW) - i32(kw * u.dilW);
      if (tw < 0 || u32(tw) % u.strideW != 0u) { continue; }
      let ow = u32(tw) / u.strideW;
      if (ow >= u.outW) { continue; }
      acc += f32(SRC[colBase + (kh * u.kW + kw) * outHW + oh * u.outW + ow]);
    }
  }
#endif
  DST[u.n0 * u.c * hw + i] = TE(acc);
}

// here `total` is the length of one partial (len) and `images` the number of partials
@compute @workgroup_size(WG)
fn sum_images(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= u.total) { return; }
#if ACCUMULATE
  var acc = f32(DST[i]);
#else
  var acc = 0.0;
#endif
  for (var p = 0u; p < u.images; p++) { acc += f32(SRC[p * u.total + i]); }
  DST[i] = TE(acc);
}
#endif
