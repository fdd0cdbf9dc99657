// Pairwise L1 distances: out[i, j] = Σ_d |a[i, d] − b[j, d]|, a [m, d], b [n, d], row-major.
// Register tiling: each invocation owns a TILE×TILE block of outputs and walks d once,
// loading TILE values of a and TILE of b per step (2·TILE loads for TILE² |a−b| adds).
// No workgroup memory: on SwiftShader barriers cost more than the loads they save
// (design.md: a 16×16 shared-memory tile ran ~20× slower than register blocking there).
// Edges are bounds-checked (rows past m / n are clamped for loads and not stored).
// Overrides: WG_X, WG_Y (invocations per workgroup along n and m).

const TILE: u32 = 4u;
override WG_X: u32 = 8;
override WG_Y: u32 = 8;

struct U {
  m: u32,
  n: u32,
  d: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG_X, WG_Y)
fn pairwise_l1(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row0 = gid.y * TILE;
  let col0 = gid.x * TILE;
  if (row0 >= u.m || col0 >= u.n) { return; }
  var aBase: array<u32, 4>;
  var bBase: array<u32, 4>;
  for (var t = 0u; t < TILE; t++) {
    aBase[t] = min(row0 + t, u.m - 1u) * u.d;
    bBase[t] = min(col0 + t, u.n - 1u) * u.d;
  }
  var acc: array<vec4<f32>, 4>;
  for (var k = 0u; k < u.d; k++) {
    let bv = vec4<f32>(b[bBase[0] + k], b[bBase[1] + k], b[bBase[2] + k], b[bBase[3] + k]);
    for (var r = 0u; r < TILE; r++) {
      acc[r] += abs(vec4<f32>(a[aBase[r] + k]) - bv);
    }
  }
  for (var r = 0u; r < TILE; r++) {
    let row = row0 + r;
    if (row >= u.m) { break; }
    for (var c = 0u; c < TILE; c++) {
      let col = col0 + c;
      if (col < u.n) { out[row * u.n + col] = acc[r][c]; }
    }
  }
}
