// Batched matmul C[p] = A[p] · B[p] (A stored [m,k] or, with transA, [k,m]; B [k,n] or,
// with transB, [n,k]; batch strides in elements, 0 = broadcast).
// One register-blocked kernel: each invocation accumulates a 4x4 (or, variant BLOCK8, 8x8)
// block of C in vec4 registers, with no workgroup memory (fastest on SwiftShader, where
// barriers are costly). The k loop runs in steps of 4 with vec4 loads where the layout and
// alignment allow (variants A_VEC: A row-major with k % 4 == 0; A_TVEC: A transposed with
// m % 4 == 0; B_VEC: B row-major with n % 4 == 0; B_TVEC: B transposed with k % 4 == 0;
// C_VEC: n % 4 == 0, vec4 stores; A_TVEC / B_TVEC take precedence over A_VEC / B_VEC), scalar loads otherwise, then a scalar tail for k % 4.
// Edges: row/column indices are clamped for loads (always in bounds, so no branches in
// the inner loop) and stores are bounds-checked.
// Workgroups are linear over (batch, tile row, tile column), folded into 2-D by the host.
// Overrides: WGX, WGY (invocations per workgroup in x / y).
// Tuned variants (workgroup-memory tiles, other block sizes) go in this file as more
// entry points or variants; the launcher in src/backend/webgpu/matmul.ts picks them.

override WGX: u32 = 8;
override WGY: u32 = 8;

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
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
fn loadA(row: u32, t: u32) -> f32 { let i = aBase + t * u.m + row; return A[i / 4u][i % 4u]; }
#elif A_VEC
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
fn loadA(row: u32, t: u32) -> f32 { let i = aBase + row * u.k + t; return A[i / 4u][i % 4u]; }
#else
@group(0) @binding(1) var<storage, read> A: array<f32>;
#if TRANS_A
fn loadA(row: u32, t: u32) -> f32 { return A[aBase + t * u.m + row]; }
#else
fn loadA(row: u32, t: u32) -> f32 { return A[aBase + row * u.k + t]; }
#endif
#endif

#if B_TVEC
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
fn loadB(t: u32, col: u32) -> f32 { let i = bBase + col * u.k + t; return B[i / 4u][i % 4u]; }
#elif B_VEC
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
fn loadB(t: u32, col: u32) -> f32 { let i = bBase + t * u.n + col; return B[i / 4u][i % 4u]; }
#else
@group(0) @binding(2) var<storage, read> B: array<f32>;
#if TRANS_B
fn loadB(t: u32, col: u32) -> f32 { return B[bBase + col * u.k + t]; }
#else
fn loadB(t: u32, col: u32) -> f32 { return B[bBase + t * u.n + col]; }
#endif
#endif

#if C_VEC
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
fn storeC(row: u32, col: u32, v: vec4<f32>) {
  if (col < u.n) { C[(cBase + row * u.n + col) / 4u] = v; }
}
#else
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
fn storeC(row: u32, col: u32, v: vec4<f32>) {
  let i = cBase + row * u.n + col;
  if (col < u.n) { C[i] = v.x; }
  if (col + 1u < u.n) { C[i + 1u] = v.y; }
  if (col + 2u < u.n) { C[i + 2u] = v.z; }
  if (col + 3u < u.n) { C[i + 3u] = v.w; }
}
#endif

var<private> aBase: u32;
var<private> bBase: u32;
var<private> cBase: u32;

@compute @workgroup_size(WGX, WGY)
fn matmul(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let lin = wid.y * nwg.x + wid.x;
  let perBatch = u.tilesM * u.tilesN;
  let p = lin / perBatch;
  if (p >= u.batch) { return; }
  let rem = lin % perBatch;
  let tm = rem / u.tilesN;
  let tn = rem % u.tilesN;
  aBase = p * u.aBS;
  bBase = p * u.bBS;
  cBase = p * u.m * u.n;
#if BLOCK8
  // ---- 8x8 outputs per invocation
  let row0 = tm * 8u * WGY + lid.y * 8u;
  let col0 = tn * 8u * WGX + lid.x * 8u;
  var acc0_0 = vec4<f32>(0.0);
  var acc0_1 = vec4<f32>(0.0);
  var acc1_0 = vec4<f32>(0.0);
  var acc1_1 = vec4<f32>(0.0);
  var acc2_0 = vec4<f32>(0.0);
  var acc2_1 = vec4<f32>(0.0);
  var acc3_0 = vec4<f32>(0.0);
  var acc3_1 = vec4<f32>(0.0);
  var acc4_0 = vec4<f32>(0.0);
  var acc4_1 = vec4<f32>(0.0);
  var acc5_0 = vec4<f32>(0.0);
  var acc5_1 = vec4<f32>(0.0);
  var acc6_0 = vec4<f32>(0.0);
  var acc6_1 = vec4<f32>(0.0);
  var acc7_0 = vec4<f32>(0.0);
  var acc7_1 = vec4<f32>(0.0);
  let rr0 = min(row0 + 0u, u.m - 1u);
  let rr1 = min(row0 + 1u, u.m - 1u);
  let rr2 = min(row0 + 2u, u.m - 1u);
  let rr3 = min(row0 + 3u, u.m - 1u);
  let rr4 = min(row0 + 4u, u.m - 1u);
  let rr5 = min(row0 + 5u, u.m - 1u);
  let rr6 = min(row0 + 6u, u.m - 1u);
  let rr7 = min(row0 + 7u, u.m - 1u);
#if A_TVEC
  let rowv0 = min(row0 + 0u, u.m - 4u);
  let rowv1 = min(row0 + 4u, u.m - 4u);
#endif
#if B_TVEC
  let cc0 = min(col0 + 0u, u.n - 1u);
  let cc1 = min(col0 + 1u, u.n - 1u);
  let cc2 = min(col0 + 2u, u.n - 1u);
  let cc3 = min(col0 + 3u, u.n - 1u);
  let cc4 = min(col0 + 4u, u.n - 1u);
  let cc5 = min(col0 + 5u, u.n - 1u);
  let cc6 = min(col0 + 6u, u.n - 1u);
  let cc7 = min(col0 + 7u, u.n - 1u);
#elif B_VEC
  let colv0 = min(col0 + 0u, u.n - 4u);
  let colv1 = min(col0 + 4u, u.n - 4u);
#else
  let cc0 = min(col0 + 0u, u.n - 1u);
  let cc1 = min(col0 + 1u, u.n - 1u);
  let cc2 = min(col0 + 2u, u.n - 1u);
  let cc3 = min(col0 + 3u, u.n - 1u);
  let cc4 = min(col0 + 4u, u.n - 1u);
  let cc5 = min(col0 + 5u, u.n - 1u);
  let cc6 = min(col0 + 6u, u.n - 1u);
  let cc7 = min(col0 + 7u, u.n - 1u);
#endif
  let kMain = u.k & ~3u;
  for (var t = 0u; t < kMain; t += 4u) {
#if A_TVEC
    let ac0_0 = A[(aBase + (t + 0u) * u.m + rowv0) / 4u];
    let ac0_1 = A[(aBase + (t + 0u) * u.m + rowv1) / 4u];
    let ac1_0 = A[(aBase + (t + 1u) * u.m + rowv0) / 4u];
    let ac1_1 = A[(aBase + (t + 1u) * u.m + rowv1) / 4u];
    let ac2_0 = A[(aBase + (t + 2u) * u.m + rowv0) / 4u];
    let ac2_1 = A[(aBase + (t + 2u) * u.m + rowv1) / 4u];
    let ac3_0 = A[(aBase + (t + 3u) * u.m + rowv0) / 4u];
    let ac3_1 = A[(aBase + (t + 3u) * u.m + rowv1) / 4u];
    let a0 = vec4<f32>(ac0_0.x, ac1_0.x, ac2_0.x, ac3_0.x);
    let a1 = vec4<f32>(ac0_0.y, ac1_0.y, ac2_0.y, ac3_0.y);
    let a2 = vec4<f32>(ac0_0.z, ac1_0.z, ac2_0.z, ac3_0.z);
    let a3 = vec4<f32>(ac0_0.w, ac1_0.w, ac2_0.w, ac3_0.w);
    let a4 = vec4<f32>(ac0_1.x, ac1_1.x, ac2_1.x, ac3_1.x);
    let a5 = vec4<f32>(ac0_1.y, ac1_1.y, ac2_1.y, ac3_1.y);
    let a6 = vec4<f32>(ac0_1.z, ac1_1.z, ac2_1.z, ac3_1.z);
    let a7 = vec4<f32>(ac0_1.w, ac1_1.w, ac2_1.w, ac3_1.w);
#elif A_VEC
    let a0 = A[(aBase + rr0 * u.k + t) / 4u];
    let a1 = A[(aBase + rr1 * u.k + t) / 4u];
    let a2 = A[(aBase + rr2 * u.k + t) / 4u];
    let a3 = A[(aBase + rr3 * u.k + t) / 4u];
    let a4 = A[(aBase + rr4 * u.k + t) / 4u];
    let a5 = A[(aBase + rr5 * u.k + t) / 4u];
    let a6 = A[(aBase + rr6 * u.k + t) / 4u];
    let a7 = A[(aBase + rr7 * u.k + t) / 4u];
#else
    let a0 = vec4<f32>(loadA(rr0, t), loadA(rr0, t + 1u), loadA(rr0, t + 2u), loadA(rr0, t + 3u));
    let a1 = vec4<f32>(loadA(rr1, t), loadA(rr1, t + 1u), loadA(rr1, t + 2u), loadA(rr1, t + 3u));
    let a2 = vec4<f32>(loadA(rr2, t), loadA(rr2, t + 1u), loadA(rr2, t + 2u), loadA(rr2, t + 3u));
    let a3 = vec4<f32>(loadA(rr3, t), loadA(rr3, t + 1u), loadA(rr3, t + 2u), loadA(rr3, t + 3u));
    let a4 = vec4<f32>(loadA(rr4, t), loadA(rr4, t + 1u), loadA(rr4, t + 2u), loadA(rr4, t + 3u));
    let a5 = vec4<f32>(loadA(rr5, t), loadA(rr5, t + 1u), loadA(rr5, t + 2u), loadA(rr5, t + 3u));
    let a6 = vec4<f32>(loadA(rr6, t), loadA(rr6, t + 1u), loadA(rr6, t + 2u), loadA(rr6, t + 3u));
    let a7 = vec4<f32>(loadA(rr7, t), loadA(rr7, t + 1u), loadA(rr7, t + 2u), loadA(rr7, t + 3u));
#endif
#if B_TVEC
    let bc0 = B[(bBase + cc0 * u.k + t) / 4u];
    let bc1 = B[(bBase + cc1 * u.k + t) / 4u];
    let bc2 = B[(bBase + cc2 * u.k + t) / 4u];
    let bc3 = B[(bBase + cc3 * u.k + t) / 4u];
    let bc4 = B[(bBase + cc4 * u.k + t) / 4u];
    let bc5 = B[(bBase + cc5 * u.k + t) / 4u];
    let bc6 = B[(bBase + cc6 * u.k + t) / 4u];
    let bc7 = B[(bBase + cc7 * u.k + t) / 4u];
    let b0_0 = vec4<f32>(bc0.x, bc1.x, bc2.x, bc3.x);
    let b0_1 = vec4<f32>(bc4.x, bc5.x, bc6.x, bc7.x);
    let b1_0 = vec4<f32>(bc0.y, bc1.y, bc2.y, bc3.y);
    let b1_1 = vec4<f32>(bc4.y, bc5.y, bc6.y, bc7.y);
    let b2_0 = vec4<f32>(bc0.z, bc1.z, bc2.z, bc3.z);
    let b2_1 = vec4<f32>(bc4.z, bc5.z, bc6.z, bc7.z);
    let b3_0 = vec4<f32>(bc0.w, bc1.w, bc2.w, bc3.w);
    let b3_1 = vec4<f32>(bc4.w, bc5.w, bc6.w, bc7.w);
#elif B_VEC
    let b0_0 = B[(bBase + (t + 0u) * u.n + colv0) / 4u];
    let b0_1 = B[(bBase + (t + 0u) * u.n + colv1) / 4u];
    let b1_0 = B[(bBase + (t + 1u) * u.n + colv0) / 4u];
    let b1_1 = B[(bBase + (t + 1u) * u.n + colv1) / 4u];
    let b2_0 = B[(bBase + (t + 2u) * u.n + colv0) / 4u];
    let b2_1 = B[(bBase + (t + 2u) * u.n + colv1) / 4u];
    let b3_0 = B[(bBase + (t + 3u) * u.n + colv0) / 4u];
    let b3_1 = B[(bBase + (t + 3u) * u.n + colv1) / 4u];
#else
    let b0_0 = vec4<f32>(loadB(t + 0u, cc0), loadB(t + 0u, cc1), loadB(t + 0u, cc2), loadB(t + 0u, cc3));
    let b0_1 = vec4<f32>(loadB(t + 0u, cc4), loadB(t + 0u, cc5), loadB(t + 0u, cc6), loadB(t + 0u, cc7));
    let b1_0 = vec4<f32>(loadB(t + 1u, cc0), loadB(t + 1u, cc1), loadB(t + 1u, cc2), loadB(t + 1u, cc3));
    let b1_1 = vec4<f32>(loadB(t + 1u, cc4), loadB(t + 1u, cc5), loadB(t + 1u, cc6), loadB(t + 1u, cc7));
    let b2_0 = vec4<f32>(loadB(t + 2u, cc0), loadB(t + 2u, cc1), loadB(t + 2u, cc2), loadB(t + 2u, cc3));
    let b2_1 = vec4<f32>(loadB(t + 2u, cc4), loadB(t + 2u, cc5), loadB(t + 2u, cc6), loadB(t + 2u, cc7));
    let b3_0 = vec4<f32>(loadB(t + 3u, cc0), loadB(t + 3u, cc1), loadB(t + 3u, cc2), loadB(t + 3u, cc3));
    let b3_1 = vec4<f32>(loadB(t + 3u, cc4), loadB(t + 3u, cc5), loadB(t + 3u, cc6), loadB(t + 3u, cc7));
#endif
    acc0_0 = acc0_0 + a0.x * b0_0 + a0.y * b1_0 + a0.z * b2_0 + a0.w * b3_0;
    acc0_1 = acc0_1 + a0.x * b0_1 + a0.y * b1_1 + a0.z * b2_1 + a0.w * b3_1;
    acc1_0 = acc1_0 + a1.x * b0_0 + a1.y * b1_0 + a1.z * b2_0 + a1.w * b3_0;
    acc1_1 = acc1_1 + a1.x * b0_1 + a1.y * b1_1 + a1.z * b2_1 + a1.w * b3_1;
    acc2_0 = acc2_0 + a2.x * b0_0 + a2.y * b1_0 + a2.z * b2_0 + a2.w * b3_0;
    acc2_1 = acc2_1 + a2.x * b0_1 + a2.y * b1_1 + a2.z * b2_1 + a2.w * b3_1;
    acc3_0 = acc3_0 + a3.x * b0_0 + a3.y * b1_0 + a3.z * b2_0 + a3.w * b3_0;
    acc3_1 = acc3_1 + a3.x * b0_1 + a3.y * b1_1 + a3.z * b2_1 + a3.w * b3_1;
    acc4_0 = acc4_0 + a4.x * b0_0 + a4.y * b1_0 + a4.z * b2_0 + a4.w * b3_0;
    acc4_1 = acc4_1 + a4.x * b0_1 + a4.y * b1_1 + a4.z * b2_1 + a4.w * b3_1;
    acc5_0 = acc5_0 + a5.x * b0_0 + a5.y * b1_0 + a5.z * b2_0 + a5.w * b3_0;
    acc5_1 = acc5_1 + a5.x * b0_1 + a5.y * b1_1 + a5.z * b2_1 + a5.w * b3_1;
    acc6_0 = acc6_0 + a6.x * b0_0 + a6.y * b1_0 + a6.z * b2_0 + a6.w * b3_0;
    acc6_1 = acc6_1 + a6.x * b0_1 + a6.y * b1_1 + a6.z * b2_1 + a6.w * b3_1;
    acc7_0 = acc7_0 + a7.x * b0_0 + a7.y * b1_0 + a7.z * b2_0 + a7.w * b3_0;
    acc7_1 = acc7_1 + a7.x * b0_1 + a7.y * b1_1 + a7.z * b2_1 + a7.w * b3_1;
  }
  for (var t = kMain; t < u.k; t++) {
#if B_TVEC
    let b0 = vec4<f32>(loadB(t, cc0), loadB(t, cc1), loadB(t, cc2), loadB(t, cc3));
#elif B_VEC
    let b0 = vec4<f32>(loadB(t, colv0), loadB(t, colv0 + 1u), loadB(t, colv0 + 2u), loadB(t, colv0 + 3u));
#else
    let b0 = vec4<f32>(loadB(t, cc0), loadB(t, cc1), loadB(t, cc2), loadB(t, cc3));
#endif
#if B_TVEC
    let b1 = vec4<f32>(loadB(t, cc4), loadB(t, cc5), loadB(t, cc6), loadB(t, cc7));
#elif B_VEC
    let b1 = vec4<f32>(loadB(t, colv1), loadB(t, colv1 + 1u), loadB(t, colv1 + 2u), loadB(t, colv1 + 3u));
#else
    let b1 = vec4<f32>(loadB(t, cc4), loadB(t, cc5), loadB(t, cc6), loadB(t, cc7));
#endif
    let a0 = loadA(rr0, t);
    acc0_0 = acc0_0 + a0 * b0;
    acc0_1 = acc0_1 + a0 * b1;
    let a1 = loadA(rr1, t);
    acc1_0 = acc1_0 + a1 * b0;
    acc1_1 = acc1_1 + a1 * b1;
    let a2 = loadA(rr2, t);
    acc2_0 = acc2_0 + a2 * b0;
    acc2_1 = acc2_1 + a2 * b1;
    let a3 = loadA(rr3, t);
    acc3_0 = acc3_0 + a3 * b0;
    acc3_1 = acc3_1 + a3 * b1;
    let a4 = loadA(rr4, t);
    acc4_0 = acc4_0 + a4 * b0;
    acc4_1 = acc4_1 + a4 * b1;
    let a5 = loadA(rr5, t);
    acc5_0 = acc5_0 + a5 * b0;
    acc5_1 = acc5_1 + a5 * b1;
    let a6 = loadA(rr6, t);
    acc6_0 = acc6_0 + a6 * b0;
    acc6_1 = acc6_1 + a6 * b1;
    let a7 = loadA(rr7, t);
    acc7_0 = acc7_0 + a7 * b0;
    acc7_1 = acc7_1 + a7 * b1;
  }
  if (row0 + 0u < u.m) {
    storeC(row0 + 0u, col0 + 0u, acc0_0);
    storeC(row0 + 0u, col0 + 4u, acc0_1);
  }
  if (row0 + 1u < u.m) {
    storeC(row0 + 1u, col0 + 0u, acc1_0);
    storeC(row0 + 1u, col0 + 4u, acc1_1);
  }
  if (row0 + 2u < u.m) {
    storeC(row0 + 2u, col0 + 0u, acc2_0);
    storeC(row0 + 2u, col0 + 4u, acc2_1);
  }
  if (row0 + 3u < u.m) {
    storeC(row0 + 3u, col0 + 0u, acc3_0);
    storeC(row0 + 3u, col0 + 4u, acc3_1);
  }
  if (row0 + 4u < u.m) {
    storeC(row0 + 4u, col0 + 0u, acc4_0);
    storeC(row0 + 4u, col0 + 4u, acc4_1);
  }
  if (row0 + 5u < u.m) {
    storeC(row0 + 5u, col0 + 0u, acc5_0);
    storeC(row0 + 5u, col0 + 4u, acc5_1);
  }
  if (row0 + 6u < u.m) {
    storeC(row0 + 6u, col0 + 0u, acc6_0);
    storeC(row0 + 6u, col0 + 4u, acc6_1);
  }
  if (row0 + 7u < u.m) {
    storeC(row0 + 7u, col0 + 0u, acc7_0);
    storeC(row0 + 7u, col0 + 4u, acc7_1);
  }
#else
  // ---- 4x4 outputs per invocation
  let row0 = tm * 4u * WGY + lid.y * 4u;
  let col0 = tn * 4u * WGX + lid.x * 4u;
  var acc0_0 = vec4<f32>(0.0);
  var acc1_0 = vec4<f32>(0.0);
  var acc2_0 = vec4<f32>(0.0);
  var acc3_0 = vec4<f32>(0.0);
  let rr0 = min(row0 + 0u, u.m - 1u);
  let rr1 = min(row0 + 1u, u.m - 1u);
  let rr2 = min(row0 + 2u, u.m - 1u);
  let rr3 = min(row0 + 3u, u.m - 1u);
#if A_TVEC
  let rowv0 = min(row0 + 0u, u.m - 4u);
#endif
#if B_TVEC
  let cc0 = min(col0 + 0u, u.n - 1u);
  let cc1 = min(col0 + 1u, u.n - 1u);
  let cc2 = min(col0 + 2u, u.n - 1u);
  let cc3 = min(col0 + 3u, u.n - 1u);
#elif B_VEC
  let colv0 = min(col0 + 0u, u.n - 4u);
#else
  let cc0 = min(col0 + 0u, u.n - 1u);
  let cc1 = min(col0 + 1u, u.n - 1u);
  let cc2 = min(col0 + 2u, u.n - 1u);
  let cc3 = min(col0 + 3u, u.n - 1u);
#endif
  let kMain = u.k & ~3u;
  for (var t = 0u; t < kMain; t += 4u) {
#if A_TVEC
    let ac0_0 = A[(aBase + (t + 0u) * u.m + rowv0) / 4u];
    let ac1_0 = A[(aBase + (t + 1u) * u.m + rowv0) / 4u];
    let ac2_0 = A[(aBase + (t + 2u) * u.m + rowv0) / 4u];
    let ac3_0 = A[(aBase + (t + 3u) * u.m + rowv0) / 4u];
    let a0 = vec4<f32>(ac0_0.x, ac1_0.x, ac2_0.x, ac3_0.x);
    let a1 = vec4<f32>(ac0_0.y, ac1_0.y, ac2_0.y, ac3_0.y);
    let a2 = vec4<f32>(ac0_0.z, ac1_0.z, ac2_0.z, ac3_0.z);
    let a3 = vec4<f32>(ac0_0.w, ac1_0.w, ac2_0.w, ac3_0.w);
#elif A_VEC
    let a0 = A[(aBase + rr0 * u.k + t) / 4u];
    let a1 = A[(aBase + rr1 * u.k + t) / 4u];
    let a2 = A[(aBase + rr2 * u.k + t) / 4u];
    let a3 = A[(aBase + rr3 * u.k + t) / 4u];
#else
    let a0 = vec4<f32>(loadA(rr0, t), loadA(rr0, t + 1u), loadA(rr0, t + 2u), loadA(rr0, t + 3u));
    let a1 = vec4<f32>(loadA(rr1, t), loadA(rr1, t + 1u), loadA(rr1, t + 2u), loadA(rr1, t + 3u));
    let a2 = vec4<f32>(loadA(rr2, t), loadA(rr2, t + 1u), loadA(rr2, t + 2u), loadA(rr2, t + 3u));
    let a3 = vec4<f32>(loadA(rr3, t), loadA(rr3, t + 1u), loadA(rr3, t + 2u), loadA(rr3, t + 3u));
#endif
#if B_TVEC
    let bc0 = B[(bBase + cc0 * u.k + t) / 4u];
    let bc1 = B[(bBase + cc1 * u.k + t) / 4u];
    let bc2 = B[(bBase + cc2 * u.k + t) / 4u];
    let bc3 = B[(bBase + cc3 * u.k + t) / 4u];
    let b0_0 = vec4<f32>(bc0.x, bc1.x, bc2.x, bc3.x);
    let b1_0 = vec4<f32>(bc0.y, bc1.y, bc2.y, bc3.y);
    let b2_0 = vec4<f32>(bc0.z, bc1.z, bc2.z, bc3.z);
    let b3_0 = vec4<f32>(bc0.w, bc1.w, bc2.w, bc3.w);
#elif B_VEC
    let b0_0 = B[(bBase + (t + 0u) * u.n + colv0) / 4u];
    let b1_0 = B[(bBase + (t + 1u) * u.n + colv0) / 4u];
    let b2_0 = B[(bBase + (t + 2u) * u.n + colv0) / 4u];
    let b3_0 = B[(bBase + (t + 3u) * u.n + colv0) / 4u];
#else
    let b0_0 = vec4<f32>(loadB(t + 0u, cc0), loadB(t + 0u, cc1), loadB(t + 0u, cc2), loadB(t + 0u, cc3));
    let b1_0 = vec4<f32>(loadB(t + 1u, cc0), loadB(t + 1u, cc1), loadB(t + 1u, cc2), loadB(t + 1u, cc3));
    let b2_0 = vec4<f32>(loadB(t + 2u, cc0), loadB(t + 2u, cc1), loadB(t + 2u, cc2), loadB(t + 2u, cc3));
    let b3_0 = vec4<f32>(loadB(t + 3u, cc0), loadB(t + 3u, cc1), loadB(t + 3u, cc2), loadB(t + 3u, cc3));
#endif
    acc0_0 = acc0_0 + a0.x * b0_0 + a0.y * b1_0 + a0.z * b2_0 + a0.w * b3_0;
    acc1_0 = acc1_0 + a1.x * b0_0 + a1.y * b1_0 + a1.z * b2_0 + a1.w * b3_0;
    acc2_0 = acc2_0 + a2.x * b0_0 + a2.y * b1_0 + a2.z * b2_0 + a2.w * b3_0;
    acc3_0 = acc3_0 + a3.x * b0_0 + a3.y * b1_0 + a3.z * b2_0 + a3.w * b3_0;
  }
  for (var t = kMain; t < u.k; t++) {
#if B_TVEC
    let b0 = vec4<f32>(loadB(t, cc0), loadB(t, cc1), loadB(t, cc2), loadB(t, cc3));
#elif B_VEC
    let b0 = vec4<f32>(loadB(t, colv0), loadB(t, colv0 + 1u), loadB(t, colv0 + 2u), loadB(t, colv0 + 3u));
#else
    let b0 = vec4<f32>(loadB(t, cc0), loadB(t, cc1), loadB(t, cc2), loadB(t, cc3));
#endif
    let a0 = loadA(rr0, t);
    acc0_0 = acc0_0 + a0 * b0;
    let a1 = loadA(rr1, t);
    acc1_0 = acc1_0 + a1 * b0;
    let a2 = loadA(rr2, t);
    acc2_0 = acc2_0 + a2 * b0;
    let a3 = loadA(rr3, t);
    acc3_0 = acc3_0 + a3 * b0;
  }
  if (row0 + 0u < u.m) {
    storeC(row0 + 0u, col0 + 0u, acc0_0);
  }
  if (row0 + 1u < u.m) {
    storeC(row0 + 1u, col0 + 0u, acc1_0);
  }
  if (row0 + 2u < u.m) {
    storeC(row0 + 2u, col0 + 0u, acc2_0);
  }
  if (row0 + 3u < u.m) {
    storeC(row0 + 3u, col0 + 0u, acc3_0);
  }
#endif
}
