// Shared WGSL helpers. scripts/gen-shaders.mjs appends to each shader the helpers it calls
// (and the helpers those call), after its own code, so a shader's line numbers in compiler
// messages stay its own and no shader carries helpers it does not use. A shader must not
// define a function of the same name (the generator rejects it). flatIndex reads the
// including shader's WG (its workgroup size, an override or a const).
// Like every shader file, no hash sign outside the preprocessor's directives here.

fn nanF() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }
fn infF() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }
fn isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isInf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }

/** exp with the reference's (Math.exp's) edges: NaN stays NaN, overflow is +inf, underflow 0 */
fn sexp(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  if (x > 88.72284) { return infF(); }
  if (x < -103.97208) { return 0.0; }
  return exp(x);
}

/** log with Math.log's edges: NaN and negatives give NaN, 0 gives -inf, +inf stays */
fn slog(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  if (x < 0.0) { return nanF(); }
  if (x == 0.0) { return -infF(); }
  if (isInf(x)) { return x; }
  return log(x);
}

/** the linear index of a workgroup in a grid folded into 2-D (x fastest) */
fn workgroupIndex(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.y * nwg.x + wid.x; }

/** the linear index of an invocation in a 1-D workload folded into a 2-D grid of WG-wide workgroups */
fn flatIndex(wid: vec3<u32>, nwg: vec3<u32>, lid: vec3<u32>) -> u32 {
  return (wid.y * nwg.x + wid.x) * WG + lid.x;
}
