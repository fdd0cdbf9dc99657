// Batched matmul C[p] = A[p] · B[p] (A stored [m,k] or, with transA, [k,m]; B [k,n] or,
// with transB, [n,k]; batch strides in elements, 0 = broadcast).
// Two kernels share the bindings and load/store helpers below:
// - `matmul` (register-blocked): each invocation accumulates a TM x TN block of C in vec4
//   registers and reads A and B straight from storage, with no workgroup memory: fastest on
//   SwiftShader, where barriers are costly and its CPU caches do the job of shared memory.
//   The body is unrolled by hand (named accumulators, not arrays) so that no compiler has
//   to promote an array to registers.
// - `matmulTiled` (workgroup-memory tiles): the workgroup stages a TK-deep slice of A's and
//   B's tiles in workgroup memory, then each invocation accumulates its TM x TN block from
//   there: the classic layout for real GPUs, where it saves global-memory bandwidth.
// Variant switches (preprocessor defines):
//   ROWS8 / COLS8: TM / TN = 8 rows / columns per invocation (else 4).
//   A_VEC: A row-major with k % 4 == 0; A_TVEC: A transposed with m % 4 == 0;
//   B_VEC: B row-major with n % 4 == 0; B_TVEC: B transposed with k % 4 == 0;
//   C_VEC: n % 4 == 0, vec4 stores. A_TVEC / B_TVEC take precedence over A_VEC / B_VEC
//   (the host sets at most one of each pair; every combination still compiles).
//   ROW_BIAS / ACT_RELU: the fused epilogue below (bias per row, then ReLU) on every store.
//   With a *VEC switch the register-blocked k loop reads vec4s; otherwise scalars.
// Edges: row/column indices are clamped for loads (always in bounds, so no branches in the
// inner loop) and stores are bounds-checked; the k loop runs in steps of 4 plus a scalar tail.
// Workgroups are linear over (batch, tile row, tile column), folded into 2-D by the host.
// Overrides: WGX, WGY (invocations per workgroup in x / y), TK (k depth of a staged tile).

override WGX: u32 = 8;
override WGY: u32 = 8;
override TK: u32 = 16;

#if ROWS8
const TM: u32 = 8u;
#else
const TM: u32 = 4u;
#endif
#if COLS8
const TN: u32 = 8u;
#else
const TN: u32 = 4u;
#endif

// F16: A, B, BIAS and C hold f16 (the loads widen to f32, the products accumulate in f32 and
// each output is rounded once on its store, through toF16 from preprocess.ts).
#if F16
alias TE = f16;
fn toC(v: f32) -> f16 { return toF16(v); }
fn toC4(v: vec4<f32>) -> vec4<f16> { return vec4<f16>(toF16(v.x), toF16(v.y), toF16(v.z), toF16(v.w)); }
#else
alias TE = f32;
fn toC(v: f32) -> f32 { return v; }
fn toC4(v: vec4<f32>) -> vec4<f32> { return v; }
#endif

struct U {
  m: u32,
  n: u32,
  k: u32,
  batch: u32,
  aBS: u32,
  bBS: u32,
  tilesM: u32,
  tilesN: u32,
}

@group(0) @binding(0) var<uniform> u: U;

#if A_TVEC
@group(0) @binding(1) var<storage, read> A: array<vec4<TE>>;
fn loadA(row: u32, t: u32) -> f32 { let i = aBase + t * u.m + row; return f32(A[i / 4u][i % 4u]); }
#elif A_VEC
@group(0) @binding(1) var<storage, read> A: array<vec4<TE>>;
fn loadA(row: u32, t: u32) -> f32 { let i = aBase + row * u.k + t; return f32(A[i / 4u][i % 4u]); }
#else
@group(0) @binding(1) var<storage, read> A: array<TE>;
#if TRANS_A
fn loadA(row: u32, t: u32) -> f32 { return f32(A[aBase + t * u.m + row]); }
#else
fn loadA(row: u32, t: u32) -> f32 { return f32(A[aBase + row * u.k + t]); }
#endif
#endif

#if B_TVEC
@group(0) @binding(2) var<storage, read> B: array<vec4<TE>>;
fn loadB(t: u32, col: u32) -> f32 { let i = bBase + col * u.k + t; return f32(B[i / 4u][i % 4u]); }
#elif B_VEC
@group(0) @binding(2) var<storage, read> B: array<vec4<TE>>;
fn loadB(t: u32, col: u32) -> f32 { let i = bBase + t * u.n + col; return f32(B[i / 4u][i % 4u]); }
#else
@group(0) @binding(2) var<storage, read> B: array<TE>;
#if TRANS_B
fn loadB(t: u32, col: u32) -> f32 { return f32(B[bBase + col * u.k + t]); }
#else
fn loadB(t: u32, col: u32) -> f32 { return f32(B[bBase + t * u.n + col]); }
#endif
#endif

// The fused epilogue (a conv's bias + ReLU on its NCHW product, where a row is an output
// channel): ROW_BIAS adds BIAS[row] (binding 3, C moves to 4), ACT_RELU clamps at 0 (NaN passes).
#if ROW_BIAS
@group(0) @binding(3) var<storage, read> BIAS: array<TE>;
#if C_VEC
@group(0) @binding(4) var<storage, read_write> C: array<vec4<TE>>;
#else
@group(0) @binding(4) var<storage, read_write> C: array<TE>;
#endif
#else
#if C_VEC
@group(0) @binding(3) var<storage, read_write> C: array<vec4<TE>>;
#else
@group(0) @binding(3) var<storage, read_write> C: array<TE>;
#endif
#endif

fn epilogue(row: u32, v: vec4<f32>) -> vec4<f32> {
#if ROW_BIAS
  let biased = v + f32(BIAS[row]);
#else
  let biased = v;
#endif
#if ACT_RELU
  return select(biased, vec4<f32>(0.0), biased <= vec4<f32>(0.0));
#else
  return biased;
#endif
}

#if C_VEC
fn storeC(row: u32, col: u32, v: vec4<f32>) {
  if (col < u.n) { C[(cBase + row * u.n + col) / 4u] = toC4(epilogue(row, v)); }
}
#else
fn storeC(row: u32, col: u32, value: vec4<f32>) {
  let i = cBase + row * u.n + col;
  let v = epilogue(row, value);
  if (col < u.n) { C[i] = toC(v.x); }
  if (col + 1u < u.n) { C[i + 1u] = toC(v.y); }
  if (col + 2u < u.n) { C[i + 2u] = toC(v.z); }
  if (col + 3u < u.n) { C[i + 3u] = toC(v.w); }
}
#endif

var<private> aBase: u32;
var<private> bBase: u32;
var<private> cBase: u32;

var<private> tileRow: u32;
var<private> tileCol: u32;

// Decodes the linear workgroup index into (batch, tile row, tile column) and sets the batch
// bases; false for the padding workgroups of a grid folded into 2-D.
fn setBatchBases(wid: vec3<u32>, nwg: vec3<u32>) -> bool {
  let lin = wid.y * nwg.x + wid.x;
  let perBatch = u.tilesM * u.tilesN;
  let p = lin / perBatch;
  if (p >= u.batch) { return false; }
  let rem = lin % perBatch;
  tileRow = rem / u.tilesN;
  tileCol = rem % u.tilesN;
  aBase = p * u.aBS;
  bBase = p * u.bBS;
  cBase = p * u.m * u.n;
  return true;
}

@compute @workgroup_size(WGX, WGY)
fn matmul(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  if (!setBatchBases(wid, nwg)) { return; }
  let row0 = tileRow * TM * WGY + lid.y * TM;
  let col0 = tileCol * TN * WGX + lid.x * TN;
  var acc0_0 = vec4<f32>(0.0);
  var acc1_0 = vec4<f32>(0.0);
  var acc2_0 = vec4<f32>(0.0);
  var acc3_0 = vec4<f32>(0.0);
#if COLS8
  var acc0_1 = vec4<f32>(0.0);
  var acc1_1 = vec4<f32>(0.0);
  var acc2_1 = vec4<f32>(0.0);
  var acc3_1 = vec4<f32>(0.0);
#endif
#if ROWS8
  var acc4_0 = vec4<f32>(0.0);
  var acc5_0 = vec4<f32>(0.0);
  var acc6_0 = vec4<f32>(0.0);
  var acc7_0 = vec4<f32>(0.0);
#if COLS8
  var acc4_1 = vec4<f32>(0.0);
  var acc5_1 = vec4<f32>(0.0);
  var acc6_1 = vec4<f32>(0.0);
  var acc7_1 = vec4<f32>(0.0);
#endif
#endif
  let rr0 = min(row0 + 0u, u.m - 1u);
  let rr1 = min(row0 + 1u, u.m - 1u);
  let rr2 = min(row0 + 2u, u.m - 1u);
  let rr3 = min(row0 + 3u, u.m - 1u);
#if ROWS8
  let rr4 = min(row0 + 4u, u.m - 1u);
  let rr5 = min(row0 + 5u, u.m - 1u);
  let rr6 = min(row0 + 6u, u.m - 1u);
  let rr7 = min(row0 + 7u, u.m - 1u);
#endif
#if A_TVEC
  let rowv0 = min(row0, u.m - 4u);
#if ROWS8
  let rowv1 = min(row0 + 4u, u.m - 4u);
#endif
#endif
#if B_TVEC
  let cc0 = min(col0 + 0u, u.n - 1u);
  let cc1 = min(col0 + 1u, u.n - 1u);
  let cc2 = min(col0 + 2u, u.n - 1u);
  let cc3 = min(col0 + 3u, u.n - 1u);
#if COLS8
  let cc4 = min(col0 + 4u, u.n - 1u);
  let cc5 = min(col0 + 5u, u.n - 1u);
  let cc6 = min(col0 + 6u, u.n - 1u);
  let cc7 = min(col0 + 7u, u.n - 1u);
#endif
#elif B_VEC
  let colv0 = min(col0, u.n - 4u);
#if COLS8
  let colv1 = min(col0 + 4u, u.n - 4u);
#endif
#else
  let cc0 = min(col0 + 0u, u.n - 1u);
  let cc1 = min(col0 + 1u, u.n - 1u);
  let cc2 = min(col0 + 2u, u.n - 1u);
  let cc3 = min(col0 + 3u, u.n - 1u);
#if COLS8
  let cc4 = min(col0 + 4u, u.n - 1u);
  let cc5 = min(col0 + 5u, u.n - 1u);
  let cc6 = min(col0 + 6u, u.n - 1u);
  let cc7 = min(col0 + 7u, u.n - 1u);
#endif
#endif
  let kMain = u.k & ~3u;
  for (var t = 0u; t < kMain; t += 4u) {
#if A_TVEC
    let ac0_0 = vec4<f32>(A[(aBase + (t + 0u) * u.m + rowv0) / 4u]);
    let ac1_0 = vec4<f32>(A[(aBase + (t + 1u) * u.m + rowv0) / 4u]);
    let ac2_0 = vec4<f32>(A[(aBase + (t + 2u) * u.m + rowv0) / 4u]);
    let ac3_0 = vec4<f32>(A[(aBase + (t + 3u) * u.m + rowv0) / 4u]);
    let a0 = vec4<f32>(ac0_0.x, ac1_0.x, ac2_0.x, ac3_0.x);
    let a1 = vec4<f32>(ac0_0.y, ac1_0.y, ac2_0.y, ac3_0.y);
    let a2 = vec4<f32>(ac0_0.z, ac1_0.z, ac2_0.z, ac3_0.z);
    let a3 = vec4<f32>(ac0_0.w, ac1_0.w, ac2_0.w, ac3_0.w);
#if ROWS8
    let ac0_1 = vec4<f32>(A[(aBase + (t + 0u) * u.m + rowv1) / 4u]);
    let ac1_1 = vec4<f32>(A[(aBase + (t + 1u) * u.m + rowv1) / 4u]);
    let ac2_1 = vec4<f32>(A[(aBase + (t + 2u) * u.m + rowv1) / 4u]);
    let ac3_1 = vec4<f32>(A[(aBase + (t + 3u) * u.m + rowv1) / 4u]);
    let a4 = vec4<f32>(ac0_1.x, ac1_1.x, ac2_1.x, ac3_1.x);
    let a5 = vec4<f32>(ac0_1.y, ac1_1.y, ac2_1.y, ac3_1.y);
    let a6 = vec4<f32>(ac0_1.z, ac1_1.z, ac2_1.z, ac3_1.z);
    let a7 = vec4<f32>(ac0_1.w, ac1_1.w, ac2_1.w, ac3_1.w);
#endif
#elif A_VEC
    let a0 = vec4<f32>(A[(aBase + rr0 * u.k + t) / 4u]);
    let a1 = vec4<f32>(A[(aBase + rr1 * u.k + t) / 4u]);
    let a2 = vec4<f32>(A[(aBase + rr2 * u.k + t) / 4u]);
    let a3 = vec4<f32>(A[(aBase + rr3 * u.k + t) / 4u]);
#if ROWS8
    let a4 = vec4<f32>(A[(aBase + rr4 * u.k + t) / 4u]);
    let a5 = vec4<f32>(A[(aBase + rr5 * u.k + t) / 4u]);
    let a6 = vec4<f32>(A[(aBase + rr6 * u.k + t) / 4u]);
    let a7 = vec4<f32>(A[(aBase + rr7 * u.k + t) / 4u]);
#endif
#else
    let a0 = vec4<f32>(loadA(rr0, t), loadA(rr0, t + 1u), loadA(rr0, t + 2u), loadA(rr0, t + 3u));
    let a1 = vec4<f32>(loadA(rr1, t), loadA(rr1, t + 1u), loadA(rr1, t + 2u), loadA(rr1, t + 3u));
    let a2 = vec4<f32>(loadA(rr2, t), loadA(rr2, t + 1u), loadA(rr2, t + 2u), loadA(rr2, t + 3u));
    let a3 = vec4<f32>(loadA(rr3, t), loadA(rr3, t + 1u), loadA(rr3, t + 2u), loadA(rr3, t + 3u));
#if ROWS8
    let a4 = vec4<f32>(loadA(rr4, t), loadA(rr4, t + 1u), loadA(rr4, t + 2u), loadA(rr4, t + 3u));
    let a5 = vec4<f32>(loadA(rr5, t), loadA(rr5, t + 1u), loadA(rr5, t + 2u), loadA(rr5, t + 3u));
    let a6 = vec4<f32>(loadA(rr6, t), loadA(rr6, t + 1u), loadA(rr6, t + 2u), loadA(rr6, t + 3u));
    let a7 = vec4<f32>(loadA(rr7, t), loadA(rr7, t + 1u), loadA(rr7, t + 2u), loadA(rr7, t + 3u));
#endif
#endif
#if B_TVEC
    let bc0 = vec4<f32>(B[(bBase + cc0 * u.k + t) / 4u]);
    let bc1 = vec4<f32>(B[(bBase + cc1 * u.k + t) / 4u]);
    let bc2 = vec4<f32>(B[(bBase + cc2 * u.k + t) / 4u]);
    let bc3 = vec4<f32>(B[(bBase + cc3 * u.k + t) / 4u]);
    let b0_0 = vec4<f32>(bc0.x, bc1.x, bc2.x, bc3.x);
    let b1_0 = vec4<f32>(bc0.y, bc1.y, bc2.y, bc3.y);
    let b2_0 = vec4<f32>(bc0.z, bc1.z, bc2.z, bc3.z);
    let b3_0 = vec4<f32>(bc0.w, bc1.w, bc2.w, bc3.w);
#if COLS8
    let bc4 = vec4<f32>(B[(bBase + cc4 * u.k + t) / 4u]);
    let bc5 = vec4<f32>(B[(bBase + cc5 * u.k + t) / 4u]);
    let bc6 = vec4<f32>(B[(bBase + cc6 * u.k + t) / 4u]);
    let bc7 = vec4<f32>(B[(bBase + cc7 * u.k + t) / 4u]);
    let b0_1 = vec4<f32>(bc4.x, bc5.x, bc6.x, bc7.x);
    let b1_1 = vec4<f32>(bc4.y, bc5.y, bc6.y, bc7.y);
    let b2_1 = vec4<f32>(bc4.z, bc5.z, bc6.z, bc7.z);
    let b3_1 = vec4<f32>(bc4.w, bc5.w, bc6.w, bc7.w);
#endif
#elif B_VEC
    let b0_0 = vec4<f32>(B[(bBase + (t + 0u) * u.n + colv0) / 4u]);
    let b1_0 = vec4<f32>(B[(bBase + (t + 1u) * u.n + colv0) / 4u]);
    let b2_0 = vec4<f32>(B[(bBase + (t + 2u) * u.n + colv0) / 4u]);
    let b3_0 = vec4<f32>(B[(bBase + (t + 3u) * u.n + colv0) / 4u]);
#if COLS8
    let b0_1 = vec4<f32>(B[(bBase + (t + 0u) * u.n + colv1) / 4u]);
    let b1_1 = vec4<f32>(B[(bBase + (t + 1u) * u.n + colv1) / 4u]);
    let b2_1 = vec4<f32>(B[(bBase + (t + 2u) * u.n + colv1) / 4u]);
    let b3_1 = vec4<f32>(B[(bBase + (t + 3u) * u.n + colv1) / 4u]);
#endif
#else
    let b0_0 = vec4<f32>(loadB(t + 0u, cc0), loadB(t + 0u, cc1), loadB(t + 0u, cc2), loadB(t + 0u, cc3));
    let b1_0 = vec4<f32>(loadB(t + 1u, cc0), loadB(t + 1u, cc1), loadB(t + 1u, cc2), loadB(t + 1u, cc3));
    let b2_0 = vec4<f32>(loadB(t + 2u, cc0), loadB(t + 2u, cc1), loadB(t + 2u, cc2), loadB(t + 2u, cc3));
    let b3_0 = vec4<f32>(loadB(t + 3u, cc0), loadB(t + 3u, cc1), loadB(t + 3u, cc2), loadB(t + 3u, cc3));
#if COLS8
    let b0_1 = vec4<f32>(loadB(t + 0u, cc4), loadB(t + 0u, cc5), loadB(t + 0u, cc6), loadB(t + 0u, cc7));
    let b1_1 = vec4<f32>(loadB(t + 1u, cc4), loadB(t + 1u, cc5), loadB(t + 1u, cc6), loadB(t + 1u, cc7));
    let b2_1 = vec4<f32>(loadB(t + 2u, cc4), loadB(t + 2u, cc5), loadB(t + 2u, cc6), loadB(t + 2u, cc7));
    let b3_1 = vec4<f32>(loadB(t + 3u, cc4), loadB(t + 3u, cc5), loadB(t + 3u, cc6), loadB(t + 3u, cc7));
#endif
#endif
    acc0_0 = acc0_0 + a0.x * b0_0 + a0.y * b1_0 + a0.z * b2_0 + a0.w * b3_0;
    acc1_0 = acc1_0 + a1.x * b0_0 + a1.y * b1_0 + a1.z * b2_0 + a1.w * b3_0;
    acc2_0 = acc2_0 + a2.x * b0_0 + a2.y * b1_0 + a2.z * b2_0 + a2.w * b3_0;
    acc3_0 = acc3_0 + a3.x * b0_0 + a3.y * b1_0 + a3.z * b2_0 + a3.w * b3_0;
#if COLS8
    acc0_1 = acc0_1 + a0.x * b0_1 + a0.y * b1_1 + a0.z * b2_1 + a0.w * b3_1;
    acc1_1 = acc1_1 + a1.x * b0_1 + a1.y * b1_1 + a1.z * b2_1 + a1.w * b3_1;
    acc2_1 = acc2_1 + a2.x * b0_1 + a2.y * b1_1 + a2.z * b2_1 + a2.w * b3_1;
    acc3_1 = acc3_1 + a3.x * b0_1 + a3.y * b1_1 + a3.z * b2_1 + a3.w * b3_1;
#endif
#if ROWS8
    acc4_0 = acc4_0 + a4.x * b0_0 + a4.y * b1_0 + a4.z * b2_0 + a4.w * b3_0;
    acc5_0 = acc5_0 + a5.x * b0_0 + a5.y * b1_0 + a5.z * b2_0 + a5.w * b3_0;
    acc6_0 = acc6_0 + a6.x * b0_0 + a6.y * b1_0 + a6.z * b2_0 + a6.w * b3_0;
    acc7_0 = acc7_0 + a7.x * b0_0 + a7.y * b1_0 + a7.z * b2_0 + a7.w * b3_0;
#if COLS8
    acc4_1 = acc4_1 + a4.x * b0_1 + a4.y * b1_1 + a4.z * b2_1 + a4.w * b3_1;
    acc5_1 = acc5_1 + a5.x * b0_1 + a5.y * b1_1 + a5.z * b2_1 + a5.w * b3_1;
    acc6_1 = acc6_1 + a6.x * b0_1 + a6.y * b1_1 + a6.z * b2_1 + a6.w * b3_1;
    acc7_1 = acc7_1 + a7.x * b0_1 + a7.y * b1_1 + a7.z * b2_1 + a7.w * b3_1;
#endif
#endif
  }
  // k % 4 tail, scalar
  for (var t = kMain; t < u.k; t++) {
#if B_TVEC
    let b0 = vec4<f32>(loadB(t, cc0), loadB(t, cc1), loadB(t, cc2), loadB(t, cc3));
#if COLS8
    let b1 = vec4<f32>(loadB(t, cc4), loadB(t, cc5), loadB(t, cc6), loadB(t, cc7));
#endif
#elif B_VEC
    let b0 = vec4<f32>(loadB(t, colv0), loadB(t, colv0 + 1u), loadB(t, colv0 + 2u), loadB(t, colv0 + 3u));
#if COLS8
    let b1 = vec4<f32>(loadB(t, colv1), loadB(t, colv1 + 1u), loadB(t, colv1 + 2u), loadB(t, colv1 + 3u));
#endif
#else
    let b0 = vec4<f32>(loadB(t, cc0), loadB(t, cc1), loadB(t, cc2), loadB(t, cc3));
#if COLS8
    let b1 = vec4<f32>(loadB(t, cc4), loadB(t, cc5), loadB(t, cc6), loadB(t, cc7));
#endif
#endif
    acc0_0 = acc0_0 + loadA(rr0, t) * b0;
    acc1_0 = acc1_0 + loadA(rr1, t) * b0;
    acc2_0 = acc2_0 + loadA(rr2, t) * b0;
    acc3_0 = acc3_0 + loadA(rr3, t) * b0;
#if COLS8
    acc0_1 = acc0_1 + loadA(rr0, t) * b1;
    acc1_1 = acc1_1 + loadA(rr1, t) * b1;
    acc2_1 = acc2_1 + loadA(rr2, t) * b1;
    acc3_1 = acc3_1 + loadA(rr3, t) * b1;
#endif
#if ROWS8
    acc4_0 = acc4_0 + loadA(rr4, t) * b0;
    acc5_0 = acc5_0 + loadA(rr5, t) * b0;
    acc6_0 = acc6_0 + loadA(rr6, t) * b0;
    acc7_0 = acc7_0 + loadA(rr7, t) * b0;
#if COLS8
    acc4_1 = acc4_1 + loadA(rr4, t) * b1;
    acc5_1 = acc5_1 + loadA(rr5, t) * b1;
    acc6_1 = acc6_1 + loadA(rr6, t) * b1;
    acc7_1 = acc7_1 + loadA(rr7, t) * b1;
#endif
#endif
  }
  if (row0 + 0u < u.m) {
    storeC(row0 + 0u, col0, acc0_0);
#if COLS8
    storeC(row0 + 0u, col0 + 4u, acc0_1);
#endif
  }
  if (row0 + 1u < u.m) {
    storeC(row0 + 1u, col0, acc1_0);
#if COLS8
    storeC(row0 + 1u, col0 + 4u, acc1_1);
#endif
  }
  if (row0 + 2u < u.m) {
    storeC(row0 + 2u, col0, acc2_0);
#if COLS8
    storeC(row0 + 2u, col0 + 4u, acc2_1);
#endif
  }
  if (row0 + 3u < u.m) {
    storeC(row0 + 3u, col0, acc3_0);
#if COLS8
    storeC(row0 + 3u, col0 + 4u, acc3_1);
#endif
  }
#if ROWS8
  if (row0 + 4u < u.m) {
    storeC(row0 + 4u, col0, acc4_0);
#if COLS8
    storeC(row0 + 4u, col0 + 4u, acc4_1);
#endif
  }
  if (row0 + 5u < u.m) {
    storeC(row0 + 5u, col0, acc5_0);
#if COLS8
    storeC(row0 + 5u, col0 + 4u, acc5_1);
#endif
  }
  if (row0 + 6u < u.m) {
    storeC(row0 + 6u, col0, acc6_0);
#if COLS8
    storeC(row0 + 6u, col0 + 4u, acc6_1);
#endif
  }
  if (row0 + 7u < u.m) {
    storeC(row0 + 7u, col0, acc7_0);
#if COLS8
    storeC(row0 + 7u, col0 + 4u, acc7_1);
#endif
  }
#endif
}

// ---- workgroup-memory tiles: a TK-deep slice of the A tile ([TK][TM*WGY], k-major) and of
// the B tile ([TK][TN*WGX]) per step, zero-filled outside the matrices so the inner loop has
// no edge checks.
var<workgroup> tileA: array<f32, TK * TM * WGY>;
var<workgroup> tileB: array<f32, TK * TN * WGX>;

@compute @workgroup_size(WGX, WGY)
fn matmulTiled(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  if (!setBatchBases(wid, nwg)) { return; }
  let bm = TM * WGY;
  let bn = TN * WGX;
  let threads = WGX * WGY;
  let tileRow0 = tileRow * bm;
  let tileCol0 = tileCol * bn;
  var acc: array<vec4<f32>, TM * TN / 4u>;
  for (var t0 = 0u; t0 < u.k; t0 += TK) {
    for (var i = li; i < TK * bm; i += threads) {
      // neighbouring invocations read neighbouring addresses of A's storage layout
#if TRANS_A
      let kk = i / bm;
      let r = i % bm;
#else
      let r = i / TK;
      let kk = i % TK;
#endif
      let row = tileRow0 + r;
      let t = t0 + kk;
      tileA[kk * bm + r] = select(0.0, loadA(min(row, u.m - 1u), min(t, u.k - 1u)), row < u.m && t < u.k);
    }
    for (var i = li; i < TK * bn; i += threads) {
#if TRANS_B
      let c = i / TK;
      let kk = i % TK;
#else
      let kk = i / bn;
      let c = i % bn;
#endif
      let col = tileCol0 + c;
      let t = t0 + kk;
      tileB[kk * bn + c] = select(0.0, loadB(min(t, u.k - 1u), min(col, u.n - 1u)), col < u.n && t < u.k);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let aOff = kk * bm + lid.y * TM;
      let bOff = kk * bn + lid.x * TN;
      for (var c = 0u; c < TN / 4u; c++) {
        let b = vec4<f32>(tileB[bOff + 4u * c], tileB[bOff + 4u * c + 1u], tileB[bOff + 4u * c + 2u], tileB[bOff + 4u * c + 3u]);
        for (var r = 0u; r < TM; r++) {
          acc[r * (TN / 4u) + c] += tileA[aOff + r] * b;
        }
      }
    }
    workgroupBarrier();
  }
  let row0 = tileRow0 + lid.y * TM;
  let col0 = tileCol0 + lid.x * TN;
  for (var r = 0u; r < TM; r++) {
    if (row0 + r < u.m) {
      for (var c = 0u; c < TN / 4u; c++) {
        storeC(row0 + r, col0 + 4u * c, acc[r * (TN / 4u) + c]);
      }
    }
  }
}
