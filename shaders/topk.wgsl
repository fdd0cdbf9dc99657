// k-nearest-neighbour helpers.
// Entry `topk_smallest`: one invocation per row of x [rows, cols] keeps the k best (value,
// index) pairs seen so far in a sorted private list (insertion sort). A scan in index order
// inserts a candidate only when it beats the list's last entry, so after the first k columns
// most candidates cost one comparison. Order: value ascending (NaN as +∞), then index.
// Entry `knn_vote`: one invocation per row counts the labels of its first k neighbours and
// writes the most frequent (ties → the smaller label; -1 when nothing valid was counted).

const MAX_K: u32 = 128u;
const MAX_CLASSES: u32 = 256u;
override WG: u32 = 64;

struct U {
  rows: u32,
  cols: u32,
  k: u32,
  classes: u32,
  // knn_vote: the number of labels (the pooled buffer may be longer)
  nLabels: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> u: U;
// topk_smallest: x, out
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> topOut: array<i32>;
// knn_vote: neighbours [rows, cols = kmax], labels, out [rows]
@group(0) @binding(1) var<storage, read> neighbours: array<i32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> voteOut: array<i32>;

// isNan, infF, flatIndex: shaders/prelude.wgsl

@compute @workgroup_size(WG)
fn topk_smallest(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let r = flatIndex(wid, nwg, lid);
  if (r >= u.rows) { return; }
  var bestV: array<f32, MAX_K>;
  var bestI: array<u32, MAX_K>;
  var filled = 0u;
  let base = r * u.cols;
  for (var c = 0u; c < u.cols; c++) {
    var v = x[base + c];
    if (isNan(v)) { v = infF(); }
    // indices only grow, so an equal value never displaces an earlier one: strict <
    if (filled == u.k && !(v < bestV[u.k - 1u])) { continue; }
    var at = min(filled, u.k - 1u);
    while (at > 0u && v < bestV[at - 1u]) {
      bestV[at] = bestV[at - 1u];
      bestI[at] = bestI[at - 1u];
      at--;
    }
    bestV[at] = v;
    bestI[at] = c;
    filled = min(filled + 1u, u.k);
  }
  for (var j = 0u; j < u.k; j++) {
    topOut[r * u.k + j] = select(-1, i32(bestI[j]), j < filled);
  }
}

// here u.cols = kmax (neighbours per row) and u.k = how many of them vote
@compute @workgroup_size(WG)
fn knn_vote(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let r = flatIndex(wid, nwg, lid);
  if (r >= u.rows) { return; }
  var counts: array<u32, MAX_CLASSES>;
  for (var j = 0u; j < min(u.k, u.cols); j++) {
    let n = neighbours[r * u.cols + j];
    if (n < 0 || u32(n) >= u.nLabels) { continue; }
    let label = labels[u32(n)];
    if (label >= 0 && u32(label) < u.classes) { counts[u32(label)]++; }
  }
  var best = -1;
  var bestCount = 0u;
  for (var c = 0u; c < u.classes; c++) {
    if (counts[c] > bestCount) {
      bestCount = counts[c];
      best = i32(c);
    }
  }
  voteOut[r] = best;
}
