// IEEE 754 binary16 (float16) on the host: the rounding both backends must agree on.
// The CPU backend keeps float16 tensors as float32/float64 numbers that are exactly float16
// values (rounded after every kernel); the WebGPU backend stores real 2-byte halves. These
// helpers round straight from a double to the nearest half, ties to even (rounding through
// float32 first would round twice and can land one ulp off on ties).

const MIN_NORMAL = 2 ** -14;
const SUBNORMAL_QUANTUM = 2 ** -24;
/** the largest finite half + half an ulp: from here on (ties to even included) the result is ±Infinity */
const OVERFLOW = 65520;

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** the float16 value nearest to x (ties to even), as a JS number; NaN stays NaN, -0 stays -0 */
export function roundToHalf(x: number): number {
  if (Number.isNaN(x) || x === 0 || !Number.isFinite(x)) return x;
  const a = Math.abs(x);
  if (a >= OVERFLOW) return x > 0 ? Infinity : -Infinity;
  let quantum: number;
  if (a < MIN_NORMAL) {
    quantum = SUBNORMAL_QUANTUM;
  } else {
    let e = Math.floor(Math.log2(a));
    // log2 may be off by one next to a power of two
    if (2 ** e > a) e--;
    else if (2 ** (e + 1) <= a) e++;
    quantum = 2 ** (e - 10);
  }
  const r = roundHalfEven(a / quantum) * quantum; // a / quantum is exact: quantum is a power of two
  return x < 0 ? -r : r === 0 && Object.is(x, -0) ? -0 : r;
}

/** rounds every element of a float array to float16 in place */
export function roundHalfArray(a: Float32Array | Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] = roundToHalf(a[i]);
}

/** the binary16 bit pattern of x (rounded to nearest even); NaN gives the quiet NaN 0x7e00 */
export function toHalfBits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const r = roundToHalf(x);
  const sign = r < 0 || Object.is(r, -0) ? 0x8000 : 0;
  const a = Math.abs(r);
  if (a === Infinity) return sign | 0x7c00;
  if (a < MIN_NORMAL) return sign | (a / SUBNORMAL_QUANTUM);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return sign | ((e + 15) << 10) | (a / 2 ** (e - 10) - 1024);
}

/** the number a binary16 bit pattern holds */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * SUBNORMAL_QUANTUM;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1024 + m) * 2 ** (e - 25);
}

/** float values → packed binary16 (safetensors F16, uploads) */
export function encodeHalf(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalfBits(values[i]);
  return out;
}

/** packed binary16 → float32 values (exact: every half is a float32) */
export function decodeHalf(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = fromHalfBits(bits[i]);
  return out;
}
