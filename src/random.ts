// Seeded random numbers, generated on the host so `randn([..], { seed })` gives the same
// values on every backend. SplitMix32-style counter hashing: value i of seed s is a pure
// function of (s, i).

function hash32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A stream of uniform [0, 1) floats from a 32-bit seed. */
export class Random {
  private counter = 0;
  private readonly key: number;
  constructor(seed: number) {
    this.key = hash32(seed | 0);
  }
  /** uniform in [0, 1) with 24 random bits (exact in float32) */
  next(): number {
    return (hash32(this.key ^ hash32(this.counter++)) >>> 8) / 16777216;
  }
  uniform(n: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.next();
    return out;
  }
  /** standard normal samples (Box–Muller) */
  normal(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const u1 = 1 - this.next(); // (0, 1]
      const u2 = this.next();
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }
  /** a random permutation of 0..n-1 (Fisher–Yates) */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

let globalSeedCounter = (Math.random() * 2 ** 31) | 0;
let globalRandom = new Random(globalSeedCounter);

/** Seeds the generator used when no `seed` is given (as torch.manual_seed). */
export function manualSeed(seed: number): void {
  globalRandom = new Random(seed);
}

export function rngFor(seed?: number): Random {
  return seed === undefined ? globalRandom : new Random(seed);
}

export function nextSeed(): number {
  return (globalRandom.next() * 2 ** 31) | 0 || ++globalSeedCounter;
}
