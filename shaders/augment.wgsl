// Batch augmentation + normalisation in one pass (CPU twin: src/backend/cpu/augment.ts).
// Input images [N, C, H, W]: uint8 pixels packed four to a u32 word (little-endian: byte i is
// bits 8·(i mod 4) of word i/4), or float32 (variant FLOAT_INPUT). Per image n, PARAMS holds
// (dy, dx, flip) drawn on the host: output pixel (y, x) reads source (y + dy, x' + dx) with
// x' = W − 1 − x when flip ≠ 0, else x; a source outside the image reads 0 (zero padding, as
// torchvision's RandomCrop(padding) then RandomHorizontalFlip), or with REFLECT mirrors back in
// about the edge pixel (PyTorch's 'reflect' padding, as airbench: −1 → 1, H → H − 2). The value v becomes
// v · scale[c] + offset[c] (per-channel normalisation folded into one affine map).

override WG: u32 = 256;

struct U {
  total: u32, channels: u32, height: u32, width: u32,
  // up to 16 channels, four per vec4
  scale: array<vec4<f32>, 4>,
  offset: array<vec4<f32>, 4>,
}

@group(0) @binding(0) var<uniform> u: U;
#if FLOAT_INPUT
@group(0) @binding(1) var<storage, read> IMG: array<f32>;
#else
@group(0) @binding(1) var<storage, read> IMG: array<u32>;
#endif
@group(0) @binding(2) var<storage, read> PARAMS: array<i32>;
@group(0) @binding(3) var<storage, read_write> OUT: array<f32>;

fn pixel(index: u32) -> f32 {
#if FLOAT_INPUT
  return IMG[index];
#else
  return f32((IMG[index >> 2u] >> ((index & 3u) * 8u)) & 255u);
#endif
}

/** i mirrored into [0, n) about the edge pixels (one reflection: |shift| < n) */
fn reflect1(i: i32, n: i32) -> i32 {
  if (i < 0) { return min(-i, n - 1); }
  if (i >= n) { return max(2 * n - 2 - i, 0); }
  return i;
}

@compute @workgroup_size(WG)
fn augment(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid.x;
  if (i >= u.total) { return; }
  let x = i % u.width;
  let y = (i / u.width) % u.height;
  let plane = i / (u.width * u.height); // n·C + c
  let c = plane % u.channels;
  let n = plane / u.channels;
  let dy = PARAMS[3u * n];
  let dx = PARAMS[3u * n + 1u];
  let flip = PARAMS[3u * n + 2u];
  let sy = i32(y) + dy;
  let sx = select(i32(x), i32(u.width) - 1 - i32(x), flip != 0) + dx;
#if REFLECT
  let ry = reflect1(sy, i32(u.height));
  let rx = reflect1(sx, i32(u.width));
  let v = pixel((plane * u.height + u32(ry)) * u.width + u32(rx));
#else
  var v = 0.0;
  if (sy >= 0 && sy < i32(u.height) && sx >= 0 && sx < i32(u.width)) {
    v = pixel((plane * u.height + u32(sy)) * u.width + u32(sx));
  }
#endif
  OUT[i] = v * u.scale[c / 4u][c % 4u] + u.offset[c / 4u][c % 4u];
}
