// 2-D convolution on NCHW tensors as implicit GEMM: no im2col buffer, the gather of each
// input tap is folded into the register-blocked loads. Register blocking without workgroup
// memory or barriers, as shaders/matmul.wgsl (barriers are costly on SwiftShader).
//
// Entry `conv_gemm` (forward and input gradient): per group, C[row, col] = Σ_k W(row, k)·S(k, col)
// where a column is a destination pixel (n, oh, ow), k runs over (source channel, kh, kw),
// and S gathers the source tensor at the tap of that pixel (zero outside it). Each invocation
// holds BM rows × 4 columns in vec4 registers (BM = 4, or 1 with ROWS1: the
// direct, one-channel-per-invocation form for depthwise convs where a group has one row).
// The tap of destination position o at kernel offset k along one axis is
//   t = o·tapMul + tapOff + k·tapStep (u32, wrapping: "negative" is huge, hence out of range),
// forward:        tapMul = stride, tapOff = −pad, tapStep = dilation, src = t;
// input gradient: tapMul = 1, tapOff = pad, tapStep = −dilation, src = t / stride when
//                 t % stride == 0 (variant STRIDED_TAP).
// The weight element of (group, row, source channel c, kh, kw) is
// W[group·wGroupStride + row·wRowStride + c·wChanStride + kh·kW + kw].
// Epilogue variants: HAS_BIAS, ACT_RELU / ACT_LEAKY / ACT_ELU / ACT_GELU (alpha in the uniform).
//
// Entry `conv_wgrad` (weight gradient): dW[co, (c, kh, kw)] = Σ over (n, oh, ow) of
// g[n, co, oh, ow]·x[n, c, tap]; a GEMM with a long reduction, split into `splits` chunks of
// (n, oh) rows, each writing its partial sums to out[split] (the host reduces them).
//
// Entry `conv_epilogue` (variant EPILOGUE): bias + activation after an im2col + matmul
// forward (src/backend/webgpu/conv.ts), written at an image offset (`chunk`) of the output.
//
// Workgroups are linear over (split or group, tile row, tile column), folded to 2-D by the host.

override WGX: u32 = 8;
override WGY: u32 = 8;

struct U {
  batch: u32, groups: u32, rowsG: u32, chansG: u32,
  srcC: u32, srcH: u32, srcW: u32, dstC: u32,
  dstH: u32, dstW: u32, kH: u32, kW: u32,
  tapMulH: u32, tapMulW: u32, tapOffH: u32, tapOffW: u32,
  tapStepH: u32, tapStepW: u32, divH: u32, divW: u32,
  wRowStride: u32, wChanStride: u32, tilesM: u32, tilesN: u32,
  splits: u32, chunk: u32, alpha: f32, wGroupStride: u32,
}

@group(0) @binding(0) var<uniform> u: U;

#if ROWS1
const BM = 1u;
#else
const BM = 4u;
#endif

/** the source index of a tap along one axis, or 0xffffffff when it falls outside */
fn tapH(o: u32, k: u32) -> u32 {
  let t = o * u.tapMulH + u.tapOffH + k * u.tapStepH;
#if STRIDED_TAP
  if (t % u.divH != 0u) { return 0xffffffffu; }
  let s = t / u.divH;
#else
  let s = t;
#endif
  return select(0xffffffffu, s, s < u.srcH);
}

fn tapW(o: u32, k: u32) -> u32 {
  let t = o * u.tapMulW + u.tapOffW + k * u.tapStepW;
#if STRIDED_TAP
  if (t % u.divW != 0u) { return 0xffffffffu; }
  let s = t / u.divW;
#else
  let s = t;
#endif
  return select(0xffffffffu, s, s < u.srcW);
}

fn activate(v: f32) -> f32 {
#if ACT_RELU
  return select(v, 0.0, v <= 0.0); // NaN passes through (max() may drop it)
#elif ACT_LEAKY
  return select(u.alpha * v, v, v > 0.0);
#elif ACT_ELU
  return select(u.alpha * (exp(v) - 1.0), v, v > 0.0);
#elif ACT_GELU
  let z = 0.7978845608028654 * (v + 0.044715 * v * v * v);
  return v / (1.0 + exp(-2.0 * z));
#else
  return v;
#endif
}

#if WGRAD
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> OUT: array<f32>;

// here rowsG = cOut/groups, chansG = cIn/groups, srcC/H/W = x, dstC/H/W = the gradient g
@compute @workgroup_size(WGX, WGY)
fn conv_wgrad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let lin = wid.y * nwg.x + wid.x;
  let perSplit = u.groups * u.tilesM * u.tilesN;
  let split = lin / perSplit;
  if (split >= u.splits) { return; }
  let rem = lin % perSplit;
  let grp = rem / (u.tilesM * u.tilesN);
  let tm = (rem / u.tilesN) % u.tilesM;
  let tn = rem % u.tilesN;
  let kHW = u.kH * u.kW;
  let cols = u.chansG * kHW;
  let row0 = tm * 4u * WGY + lid.y * 4u;
  let col0 = tn * 4u * WGX + lid.x * 4u;
  // per column: the source channel's plane offset and the kernel offset (kh, kw)
  var chanOff: array<u32, 4>;
  var kh: array<u32, 4>;
  var kw: array<u32, 4>;
  for (var j = 0u; j < 4u; j++) {
    let col = min(col0 + j, cols - 1u);
    chanOff[j] = (grp * u.chansG + col / kHW) * u.srcH * u.srcW;
    kh[j] = (col % kHW) / u.kW;
    kw[j] = col % u.kW;
  }
  var gRow: array<u32, 4>;
  for (var i = 0u; i < 4u; i++) { gRow[i] = (grp * u.rowsG + min(row0 + i, u.rowsG - 1u)) * u.dstH * u.dstW; }
  var acc: array<vec4<f32>, 4>;
  let rowEnd = min((split + 1u) * u.chunk, u.batch * u.dstH);
  for (var r = split * u.chunk; r < rowEnd; r++) {
    let n = r / u.dstH;
    let oh = r % u.dstH;
    let gBase = n * u.dstC * u.dstH * u.dstW + oh * u.dstW;
    let xBase = n * u.srcC * u.srcH * u.srcW;
    var ihs: array<u32, 4>;
    for (var j = 0u; j < 4u; j++) { ihs[j] = tapH(oh, kh[j]); }
    for (var ow = 0u; ow < u.dstW; ow++) {
      let gv = vec4<f32>(G[gBase + gRow[0] + ow], G[gBase + gRow[1] + ow], G[gBase + gRow[2] + ow], G[gBase + gRow[3] + ow]);
      var xv: vec4<f32>;
      for (var j = 0u; j < 4u; j++) {
        let iw = tapW(ow, kw[j]);
        let ok = ihs[j] != 0xffffffffu && iw != 0xffffffffu;
        xv[j] = select(0.0, X[select(0u, xBase + chanOff[j] + ihs[j] * u.srcW + iw, ok)], ok);
      }
      for (var i = 0u; i < 4u; i++) { acc[i] = acc[i] + gv[i] * xv; }
    }
  }
  let outBase = split * u.groups * u.rowsG * cols + grp * u.rowsG * cols;
  for (var i = 0u; i < 4u; i++) {
    if (row0 + i >= u.rowsG) { break; }
    for (var j = 0u; j < 4u; j++) {
      if (col0 + j < cols) { OUT[outBase + (row0 + i) * cols + col0 + j] = acc[i][j]; }
    }
  }
}
#elif EPILOGUE
// out[chunk·dstC·dstH·dstW + i] = activate(Y[i] + bias[channel of i]) for the `batch` images of
// a chunk of an im2col + matmul conv (Y = the matmul's NCHW product); IN_PLACE: Y is OUT.
#if IN_PLACE
#if HAS_BIAS
@group(0) @binding(1) var<storage, read> BIAS: array<f32>;
@group(0) @binding(2) var<storage, read_write> OUT: array<f32>;
#else
@group(0) @binding(1) var<storage, read_write> OUT: array<f32>;
#endif
fn loadY(i: u32) -> f32 { return OUT[i]; }
#else
@group(0) @binding(1) var<storage, read> Y: array<f32>;
#if HAS_BIAS
@group(0) @binding(2) var<storage, read> BIAS: array<f32>;
@group(0) @binding(3) var<storage, read_write> OUT: array<f32>;
#else
@group(0) @binding(2) var<storage, read_write> OUT: array<f32>;
#endif
fn loadY(i: u32) -> f32 { return Y[i]; }
#endif

@compute @workgroup_size(WGX, WGY)
fn conv_epilogue(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = (wid.y * nwg.x + wid.x) * WGX * WGY + lid.y * WGX + lid.x;
  let image = u.dstC * u.dstH * u.dstW;
  if (i >= u.batch * image) { return; }
#if HAS_BIAS
  let v = loadY(i) + BIAS[(i / (u.dstH * u.dstW)) % u.dstC];
#else
  let v = loadY(i);
#endif
  OUT[u.chunk * image + i] = activate(v);
}
#else
@group(0) @binding(1) var<storage, read> S: array<f32>;
@group(0) @binding(2) var<storage, read> W: array<f32>;
#if HAS_BIAS
@group(0) @binding(3) var<storage, read> BIAS: array<f32>;
@group(0) @binding(4) var<storage, read_write> OUT: array<f32>;
#else
@group(0) @binding(3) var<storage, read_write> OUT: array<f32>;
#endif

@compute @workgroup_size(WGX, WGY)
fn conv_gemm(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let lin = wid.y * nwg.x + wid.x;
  let perGroup = u.tilesM * u.tilesN;
  let grp = lin / perGroup;
  if (grp >= u.groups) { return; }
  let tm = (lin % perGroup) / u.tilesN;
  let tn = lin % u.tilesN;
  let row0 = tm * BM * WGY + lid.y * BM;
  let col0 = tn * 4u * WGX + lid.x * 4u;
  let dstHW = u.dstH * u.dstW;
  let srcHW = u.srcH * u.srcW;
  let cols = u.batch * dstHW;
  // per column (destination pixel): its source plane base and position
  var srcBase: array<u32, 4>;
  var oh: array<u32, 4>;
  var ow: array<u32, 4>;
  for (var j = 0u; j < 4u; j++) {
    let col = min(col0 + j, cols - 1u);
    let pix = col % dstHW;
    srcBase[j] = ((col / dstHW) * u.srcC + grp * u.chansG) * srcHW;
    oh[j] = pix / u.dstW;
    ow[j] = pix % u.dstW;
  }
  var wRow: array<u32, BM>;
  for (var i = 0u; i < BM; i++) { wRow[i] = grp * u.wGroupStride + min(row0 + i, u.rowsG - 1u) * u.wRowStride; }
  var acc: array<vec4<f32>, BM>;
  for (var c = 0u; c < u.chansG; c++) {
    for (var kh = 0u; kh < u.kH; kh++) {
      var rowOff: array<u32, 4>;
      for (var j = 0u; j < 4u; j++) {
        let ih = tapH(oh[j], kh);
        rowOff[j] = select(0xffffffffu, srcBase[j] + c * srcHW + ih * u.srcW, ih != 0xffffffffu);
      }
      let wk = c * u.wChanStride + kh * u.kW;
      for (var kw = 0u; kw < u.kW; kw++) {
        var sv: vec4<f32>;
        for (var j = 0u; j < 4u; j++) {
          let iw = tapW(ow[j], kw);
          let ok = rowOff[j] != 0xffffffffu && iw != 0xffffffffu;
          sv[j] = select(0.0, S[select(0u, rowOff[j] + iw, ok)], ok);
        }
        for (var i = 0u; i < BM; i++) { acc[i] = acc[i] + W[wRow[i] + wk + kw] * sv; }
      }
    }
  }
  for (var i = 0u; i < BM; i++) {
    let row = row0 + i;
    if (row >= u.rowsG) { break; }
    let ch = grp * u.rowsG + row;
#if HAS_BIAS
    let b = BIAS[ch];
#else
    let b = 0.0;
#endif
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + j;
      if (col < cols) {
        OUT[((col / dstHW) * u.dstC + ch) * dstHW + col % dstHW] = activate(acc[i][j] + b);
      }
    }
  }
}
#endif
