// The course's sample network (seed lecture, "Neural Net sample code"): N=64, D_in=1000,
// H=100, D_out=10, sigmoid hidden layer, sum-of-squares loss, plain SGD with lr 1e-4.
// Checks webgrad's autograd gradients against the hand-derived formulas, then trains.
//
//   npm run example:two-layer-net                 (WebGPU via Dawn, SwiftShader if no GPU)
//   npm run example:two-layer-net -- --cpu        (the CPU reference)
import * as wg from '../../src/node.js';

export interface TwoLayerNetResult {
  /** max |autograd − hand-derived| / max |hand-derived|, per weight */
  relErrW1: number;
  relErrW2: number;
  losses: number[];
}

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}

export async function twoLayerNet({ steps = 50, seed = 0, log = (_: string) => {} } = {}): Promise<TwoLayerNetResult> {
  const [N, Din, H, Dout] = [64, 1000, 100, 10];
  const x = wg.randn([N, Din], { seed });
  const y = wg.randn([N, Dout], { seed: seed + 1 });
  // scaled so the sigmoid is not saturated everywhere (the slide's randn weights saturate it)
  const w1 = wg.randn([Din, H], { seed: seed + 2 }).mul(1 / Math.sqrt(Din)).keep().requireGrad();
  const w2 = wg.randn([H, Dout], { seed: seed + 3 }).keep().requireGrad();

  // one step by autograd, one by the slide's formulas, same weights
  const reads = wg.tidy(() => {
    const h = x.matmul(w1).sigmoid();
    const yPred = h.matmul(w2);
    yPred.sub(y).square().sum().backward();
    return wg.noGrad(() => {
      const dyPred = yPred.sub(y).mul(2);
      const dw2 = h.matmul(dyPred, { transA: true }); // hᵀ·2(ŷ−y)
      const dh = dyPred.matmul(w2, { transB: true });
      const dw1 = x.matmul(dh.mul(h).mul(h.neg().add(1)), { transA: true }); // xᵀ·(dh·h·(1−h))
      return [w1.grad!.data(), w2.grad!.data(), dw1.data(), dw2.data()];
    });
  });
  const [a1, a2, h1, h2] = (await Promise.all(reads)) as Float32Array[];
  const result: TwoLayerNetResult = { relErrW1: relErr(a1, h1), relErrW2: relErr(a2, h2), losses: [] };
  log(`gradient check vs the hand-derived formulas: dW1 rel. error ${result.relErrW1.toExponential(2)}, dW2 ${result.relErrW2.toExponential(2)}`);

  for (let t = 0; t < steps; t++) {
    const loss = wg.tidy(() => {
      w1.grad?.dispose(); w1.grad = null;
      w2.grad?.dispose(); w2.grad = null;
      const loss = x.matmul(w1).sigmoid().matmul(w2).sub(y).square().sum();
      loss.backward();
      wg.noGrad(() => {
        w1.assign(w1.sub(w1.grad!.mul(1e-4)));
        w2.assign(w2.sub(w2.grad!.mul(1e-4)));
      });
      return loss;
    });
    if (t % 10 === 0 || t === steps - 1) {
      const v = await loss.item();
      result.losses.push(v);
      log(`step ${t}: loss ${v.toFixed(3)}`);
    }
    loss.dispose();
  }
  for (const t of [x, y, w1, w2]) t.dispose();
  return result;
}

const isMain = typeof process !== 'undefined' && process.argv[1]?.endsWith('two-layer-net.ts');
if (isMain) {
  const { parseFlags } = await import('../../bench/harness/cli.js');
  const { cpu } = parseFlags('npm run example:two-layer-net --', { cpu: { kind: 'boolean', describe: 'run on the CPU reference backend' } });
  const be = await wg.initNode(cpu ? { backend: 'cpu' } : { fallback: 'cpu' });
  console.log(`webgrad two-layer net on ${be.adapterName}`);
  const r = await twoLayerNet({ steps: 200, log: console.log });
  const ok = r.relErrW1 <= 1e-5 && r.relErrW2 <= 1e-5;
  console.log(ok ? 'gradients match the formulas (≤ 1e-5)' : 'GRADIENT MISMATCH');
  be.destroy();
  process.exit(ok ? 0 : 1);
}
