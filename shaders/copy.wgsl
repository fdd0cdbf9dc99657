// Strided-copy family: copyStrided (a strided view -> contiguous, with an int <-> float cast)
// and scatterStridedInPlace (contiguous -> the strided positions of dst).
// Variants: SRC_INT / DST_INT pick i32 storage for the source / destination, SRC_F16 / DST_F16
// f16 storage (float16 casts round through toF16, see preprocess.ts).
// Overrides: WG, CONTIG (the view is contiguous from its offset: no index arithmetic).

override WG: u32 = 256;
override CONTIG: bool = false;

struct U {
  n: u32,
  rank: u32,
  offset: i32,
  pad: u32,
  shape: array<vec4<u32>, 2>,
  strides: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<uniform> u: U;

#if SRC_INT
alias TS = i32;
#elif SRC_F16
alias TS = f16;
#else
alias TS = f32;
#endif
#if DST_INT
alias TD = i32;
#elif DST_F16
alias TD = f16;
#else
alias TD = f32;
#endif

@group(0) @binding(1) var<storage, read> src: array<TS>;
@group(0) @binding(2) var<storage, read_write> dst: array<TD>;

fn isNanOrInf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u; }

#if DST_INT
#if SRC_INT
fn castTo(v: TS) -> TD { return v; }
#else
fn castTo(v: TS) -> TD { let f = f32(v); if (isNanOrInf(f)) { return 0; } return i32(trunc(f)); }
#endif
#elif DST_F16
fn castTo(v: TS) -> TD { return toF16(f32(v)); }
#else
fn castTo(v: TS) -> TD { return f32(v); }
#endif

fn viewOffset(i: u32) -> i32 {
  if (CONTIG) { return u.offset + i32(i); }
  var r = i;
  var o = u.offset;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let q = u32(d) / 4u;
    let c = u32(d) % 4u;
    let dim = u.shape[q][c];
    o += i32(r % dim) * u.strides[q][c];
    r = r / dim;
  }
  return o;
}

@compute @workgroup_size(WG)
fn copy_strided(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid.x;
  if (i >= u.n) { return; }
  dst[i] = castTo(src[viewOffset(i)]);
}

@compute @workgroup_size(WG)
fn scatter_strided(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid.x;
  if (i >= u.n) { return; }
  dst[viewOffset(i)] = castTo(src[i]);
}
