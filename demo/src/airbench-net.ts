// airbench94's network (KellerJordan/cifar10-airbench, airbench94_muon.py at commit 096d14d,
// "CifarNet"), built from webgrad's modules, with its initialisation: a frozen 2×2 "whitening"
// conv set from the PCA of 2×2 patches of training images, three conv groups, max-pool 3 and a
// bias-free linear head divided by its width. Weights are drawn on the host from a seeded
// stream, so a seed gives the same network on every backend (and the PyTorch parity script
// loads exactly these). Deviation: webgrad's GELU is the tanh form (PyTorch's
// approximate='tanh'); airbench uses the erf form (they differ by < 1e-3).
import * as wg from '../../src/index.js';

type Tensor = wg.Tensor;

export interface AirbenchWidths { block1: number; block2: number; block3: number }
export const AIRBENCH94_WIDTHS: AirbenchWidths = { block1: 64, block2: 256, block3: 256 };

const WHITEN_KERNEL = 2;
/** the whitening conv's filters: the 12 eigenvectors of the patch covariance, and their negatives */
export const WHITEN_WIDTH = 2 * 3 * WHITEN_KERNEL ** 2;
/** airbench's BatchNorm: running-statistics momentum 0.6 in its convention (PyTorch's 0.4), eps 1e-12, γ frozen at 1 */
export const AIRBENCH_BN = { momentum: 1 - 0.6, eps: 1e-12 } as const;

/** U(−b, b) with b = 1/√fan_in: PyTorch's default conv / linear weight init (kaiming_uniform, a = √5) */
function defaultInit(rng: wg.Random, shape: number[]): Float32Array {
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  const bound = 1 / Math.sqrt(fanIn);
  return rng.uniform(shape.reduce((a, b) => a * b, 1), -bound, bound);
}

/** a 3×3 'same' conv without bias, filters [0, cIn) set to identities (torch.nn.init.dirac_) as airbench's Conv */
class Conv extends wg.nn.Module {
  readonly weight: Tensor;
  constructor(cIn: number, cOut: number, rng: wg.Random) {
    super();
    const shape = [cOut, cIn, 3, 3];
    const w = defaultInit(rng, shape);
    for (let o = 0; o < Math.min(cIn, cOut); o++) {
      w.fill(0, o * cIn * 9, (o + 1) * cIn * 9);
      w[(o * cIn + o) * 9 + 4] = 1;
    }
    this.weight = this.registerParameter('weight', wg.tensor(w, shape));
  }
  override forward(x: Tensor): Tensor {
    return wg.functional.conv2d(x, this.weight, null, { padding: 1 });
  }
}

function batchNorm(channels: number): wg.nn.BatchNorm2d {
  const bn = new wg.nn.BatchNorm2d(channels, AIRBENCH_BN);
  bn.weight!.requireGrad(false);
  return bn;
}

/** conv3×3 → max-pool 2 → BN → GELU → conv3×3 → BN → GELU */
class ConvGroup extends wg.nn.Module {
  readonly conv1: Conv;
  readonly norm1: wg.nn.BatchNorm2d;
  readonly conv2: Conv;
  readonly norm2: wg.nn.BatchNorm2d;
  constructor(cIn: number, cOut: number, rng: wg.Random) {
    super();
    this.conv1 = this.registerModule('conv1', new Conv(cIn, cOut, rng));
    this.norm1 = this.registerModule('norm1', batchNorm(cOut));
    this.conv2 = this.registerModule('conv2', new Conv(cOut, cOut, rng));
    this.norm2 = this.registerModule('norm2', batchNorm(cOut));
  }
  override forward(x: Tensor): Tensor {
    const h = this.norm1.forward(wg.functional.maxPool2d(this.conv1.forward(x), 2)).gelu();
    return this.norm2.forward(this.conv2.forward(h)).gelu();
  }
}

/** holds named parameters (whiten.weight, head.weight: the state-dict names of airbench's CifarNet) */
class Params extends wg.nn.Module {
  add(name: string, t: Tensor): Tensor {
    return this.registerParameter(name, t);
  }
}

export class AirbenchNet extends wg.nn.Module {
  // private fields, not plain ones: nn.Module registers tensors held by its own fields, and
  // these already live in the `whiten` and `head` children (PyTorch's state-dict keys)
  readonly #whitenWeight: Tensor;
  readonly #whitenBias: Tensor;
  readonly #headWeight: Tensor;
  readonly groups: ConvGroup[];
  get whitenWeight(): Tensor { return this.#whitenWeight; }
  get whitenBias(): Tensor { return this.#whitenBias; }
  get headWeight(): Tensor { return this.#headWeight; }
  /** airbench trains the whitening bias only for its first epochs; false detaches it */
  whitenBiasGrad = true;

  constructor(readonly widths: AirbenchWidths = AIRBENCH94_WIDTHS, seed = 0) {
    super();
    const rng = new wg.Random(seed);
    const whiten = this.registerModule('whiten', new Params());
    const wShape = [WHITEN_WIDTH, 3, WHITEN_KERNEL, WHITEN_KERNEL];
    // set from data by initWhitening; frozen
    this.#whitenWeight = whiten.add('weight', wg.tensor(defaultInit(rng, wShape), wShape)).requireGrad(false);
    const bBound = 1 / Math.sqrt(3 * WHITEN_KERNEL ** 2);
    this.#whitenBias = whiten.add('bias', wg.tensor(rng.uniform(WHITEN_WIDTH, -bBound, bBound), [WHITEN_WIDTH]));
    const c = [WHITEN_WIDTH, widths.block1, widths.block2, widths.block3];
    this.groups = [1, 2, 3].map((i) => this.registerModule(`group${i}`, new ConvGroup(c[i - 1], c[i], rng)));
    // head: PyTorch's default init, then scaled to unit standard deviation (airbench's reset)
    const head = defaultInit(rng, [10, widths.block3]);
    const mean = head.reduce((a, b) => a + b, 0) / head.length;
    const std = Math.sqrt(head.reduce((a, b) => a + (b - mean) ** 2, 0) / (head.length - 1));
    this.#headWeight = this.registerModule('head', new Params()).add('weight', wg.tensor(head.map((v) => v / std), [10, widths.block3]));
  }

  override forward(x: Tensor): Tensor {
    const trainBias = this.whitenBiasGrad;
    // a compiled step records again when the bias freezes, rather than replaying its gradient
    wg.compileGuard(() => this.whitenBiasGrad === trainBias);
    const bias = trainBias ? this.whitenBias : this.whitenBias.detach();
    let h = wg.functional.conv2d(x, this.whitenWeight, bias).gelu();
    for (const g of this.groups) h = g.forward(h);
    h = wg.functional.maxPool2d(h, 3);
    const features = h.reshape([h.shape[0], h.size / h.shape[0]]);
    return wg.functional.linear(features, this.headWeight).mul(1 / features.shape[1]);
  }

  /** the conv filters (Muon), the BN biases and the head / whitening bias (SGD), as airbench groups them */
  parameterGroups(): { filters: Tensor[]; normBiases: Tensor[]; whitenBias: Tensor; head: Tensor } {
    return {
      filters: this.groups.flatMap((g) => [g.conv1.weight, g.conv2.weight]),
      normBiases: this.groups.flatMap((g) => [g.norm1.bias!, g.norm2.bias!]),
      whitenBias: this.whitenBias,
      head: this.headWeight,
    };
  }

  /**
   * airbench's init_whiten: the covariance of every 2×2 patch of `images` (normalised, NCHW
   * float32, [count, 3, h, w]), its eigenvectors scaled by 1/√(λ + eps) as filters, ascending
   * eigenvalue order, then the same filters negated (24 in all).
   */
  initWhitening(images: Float32Array, count: number, h: number, w: number, eps = 5e-4): void {
    const filters = wg.tensor(whiteningFilters(images, count, h, w, eps), [WHITEN_WIDTH, 3, WHITEN_KERNEL, WHITEN_KERNEL]);
    this.whitenWeight.assign(filters);
    filters.dispose(); // assign shares its storage: the weight keeps it, the temporary lets go
  }
}

/** the 24 whitening filters, [24, 3, 2, 2] flattened (see AirbenchNet.initWhitening) */
export function whiteningFilters(images: Float32Array, count: number, h: number, w: number, eps = 5e-4): Float32Array {
  const d = 3 * WHITEN_KERNEL ** 2;
  const cov = new Float64Array(d * d);
  const v = new Float64Array(d);
  const plane = h * w;
  let patches = 0;
  for (let n = 0; n < count; n++) {
    const base = n * 3 * plane;
    for (let y = 0; y + WHITEN_KERNEL <= h; y++)
      for (let x = 0; x + WHITEN_KERNEL <= w; x++) {
        // patch layout [c, dy, dx], as airbench's unfold + reshape
        for (let c = 0; c < 3; c++)
          for (let dy = 0; dy < WHITEN_KERNEL; dy++)
            for (let dx = 0; dx < WHITEN_KERNEL; dx++) v[(c * WHITEN_KERNEL + dy) * WHITEN_KERNEL + dx] = images[base + c * plane + (y + dy) * w + x + dx];
        for (let i = 0; i < d; i++) for (let j = i; j < d; j++) cov[i * d + j] += v[i] * v[j];
        patches++;
      }
  }
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      cov[i * d + j] /= patches;
      cov[j * d + i] = cov[i * d + j];
    }
  const { values, vectors } = symmetricEigen(cov, d);
  const out = new Float32Array(2 * d * d);
  for (let k = 0; k < d; k++) {
    const s = 1 / Math.sqrt(values[k] + eps);
    for (let i = 0; i < d; i++) {
      out[k * d + i] = vectors[i * d + k] * s;
      out[(k + d) * d + i] = -vectors[i * d + k] * s;
    }
  }
  return out;
}

/**
 * Eigen-decomposition of a symmetric d×d matrix by cyclic Jacobi rotations (float64), values
 * ascending (as torch.linalg.eigh); `vectors` holds the eigenvectors as columns, row-major.
 */
export function symmetricEigen(matrix: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++)
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[i * d + i] - a[j * d + j]);
  const values = Float64Array.from(order, (i) => a[i * d + i]);
  const vectors = new Float64Array(d * d);
  order.forEach((src, k) => { for (let i = 0; i < d; i++) vectors[i * d + k] = v[i * d + src]; });
  return { values, vectors };
}

/** Multiply-adds ×2 of the convs and the head per image (32×32 input); BN, GELU and pools are a rounding error. */
export function airbenchForwardFlops(widths: AirbenchWidths = AIRBENCH94_WIDTHS): number {
  const conv = (cIn: number, cOut: number, k: number, side: number): number => 2 * cIn * cOut * k * k * side * side;
  let side = 32 - WHITEN_KERNEL + 1; // 31
  let flops = conv(3, WHITEN_WIDTH, WHITEN_KERNEL, side);
  let c = WHITEN_WIDTH;
  for (const width of [widths.block1, widths.block2, widths.block3]) {
    flops += conv(c, width, 3, side); // conv1 at the input size, then pool
    side = Math.floor(side / 2);
    flops += conv(width, width, 3, side);
    c = width;
  }
  return flops + 2 * c * 10;
}
