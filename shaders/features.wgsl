// Image features on NCHW float32 images.
// Entry `hue_histogram`: one workgroup per RGB image; each invocation bins a strided share of
// its pixels by HSV hue (matplotlib's rgb_to_hsv, as cs231n's color_histogram_hsv) into
// workgroup atomic counters, then the counts are written as fractions of the image's pixels.
// Integer counts make the result independent of the order the atomics land in.
// Entry `hog`: one invocation per (image, cell). Grey = 0.299 R + 0.587 G + 0.114 B (or the
// single channel), forward-difference gradients (0 on the last row / column, as cs231n's
// np.diff), unsigned orientation atan2 folded into [0°, 180°) and split into BINS equal
// bins (hard binning, magnitude-weighted), each bin's sum divided by cell² (a cell mean,
// as cs231n's uniform_filter); no block normalisation.

const MAX_HUE_BINS: u32 = 256u;
const MAX_HOG_BINS: u32 = 32u;
const PI: f32 = 3.14159265358979;
override WG: u32 = 64;

struct U {
  count: u32,
  channels: u32,
  h: u32,
  w: u32,
  bins: u32,
  cellSize: u32,
  cellsY: u32,
  cellsX: u32,
}

@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> images: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> hueCounts: array<atomic<u32>, MAX_HUE_BINS>;

/** matplotlib's rgb_to_hsv hue in [0, 1): later branches win ties (blue over green over red), grey → 0 */
fn hueOf(r: f32, g: f32, b: f32) -> f32 {
  let mx = max(r, max(g, b));
  let delta = mx - min(r, min(g, b));
  if (!(delta > 0.0)) { return 0.0; }
  var h: f32;
  if (b == mx) { h = 4.0 + (r - g) / delta; } else if (g == mx) { h = 2.0 + (b - r) / delta; } else { h = (g - b) / delta; }
  h = h / 6.0;
  return h - floor(h);
}

@compute @workgroup_size(WG)
fn hue_histogram(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let n = wid.y * nwg.x + wid.x; // uniform across the workgroup, so the barriers are too
  let t = lid.x;
  for (var b = t; b < u.bins; b += WG) { atomicStore(&hueCounts[b], 0u); }
  workgroupBarrier();
  let plane = u.h * u.w;
  if (n < u.count) {
    let base = n * 3u * plane;
    for (var p = t; p < plane; p += WG) {
      let hue = hueOf(images[base + p], images[base + plane + p], images[base + 2u * plane + p]);
      let bin = min(u.bins - 1u, u32(floor(hue * f32(u.bins))));
      atomicAdd(&hueCounts[bin], 1u);
    }
  }
  workgroupBarrier();
  if (n < u.count) {
    for (var b = t; b < u.bins; b += WG) { out[n * u.bins + b] = f32(atomicLoad(&hueCounts[b])) / f32(plane); }
  }
}

fn grey(imageBase: u32, y: u32, x: u32) -> f32 {
  let at = imageBase + y * u.w + x;
  if (u.channels == 3u) {
    let plane = u.h * u.w;
    return 0.299 * images[at] + 0.587 * images[at + plane] + 0.114 * images[at + 2u * plane];
  }
  return images[at];
}

/** unsigned orientation: atan2 folded into [0, π), split into `bins` equal bins (π itself is 0) */
fn orientationBin(gy: f32, gx: f32) -> u32 {
  var theta = atan2(gy, gx);
  if (theta < 0.0) { theta += PI; }
  let bin = u32(floor(theta / PI * f32(u.bins)));
  return select(bin, 0u, bin >= u.bins);
}

@compute @workgroup_size(WG)
fn hog(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let cellsPerImage = u.cellsY * u.cellsX;
  let i = (wid.y * nwg.x + wid.x) * WG + lid.x;
  if (i >= u.count * cellsPerImage) { return; }
  let n = i / cellsPerImage;
  let cy = (i % cellsPerImage) / u.cellsX;
  let cx = i % u.cellsX;
  let imageBase = n * u.channels * u.h * u.w;
  var hist: array<f32, MAX_HOG_BINS>;
  for (var y = cy * u.cellSize; y < (cy + 1u) * u.cellSize; y++) {
    for (var x = cx * u.cellSize; x < (cx + 1u) * u.cellSize; x++) {
      let here = grey(imageBase, y, x);
      var gx = 0.0;
      var gy = 0.0;
      if (x + 1u < u.w) { gx = grey(imageBase, y, x + 1u) - here; }
      if (y + 1u < u.h) { gy = grey(imageBase, y + 1u, x) - here; }
      let magnitude = sqrt(gx * gx + gy * gy);
      if (!(magnitude > 0.0)) { continue; }
      let bin = orientationBin(gy, gx);
      hist[bin] += magnitude;
    }
  }
  let area = f32(u.cellSize * u.cellSize);
  for (var b = 0u; b < u.bins; b++) { out[i * u.bins + b] = hist[b] / area; }
}
