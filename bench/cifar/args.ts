// Command-line flags of `npm run bench`: the page's settings (same names as its URL
// parameters, see demo/src/config.ts) plus where the data comes from and where JSON goes.
import { applySetting, DEFAULT_CONFIG, type TrainConfig } from '../../demo/src/config.js';

export interface BenchArgs {
  config: TrainConfig;
  dataDir?: string;
  jsonPath: string;
}

export const USAGE = `usage: npm run bench -- [flags]
  --model convnetjs|linear-softmax|linear-svm|mlp|vgg-bn|airbench   (default convnetjs)
  --epochs N          (default 1)          --steps N     stop after N steps in all
  --batch N           (default 64)         --optimizer sgd|momentum|adam|adamw (default momentum 0.9)
  --lr X              (default: per model) --augment / --no-augment (flip + crop, default off)
  --cropPad N         the crop's shift range in px when augmenting (default: 2 for convnetjs,
                      as ConvNetJS's own demo; 4 for the others, torchvision's usual recipe)
  --seed N            --backend webgpu|cpu --lossEvery N (loss readback period, default 10)
  --weightDecay X     (default 0)          --schedule constant|cosine|onecycle (default constant)
  --tune 0|1          WebGPU matmul autotuning after step 1 (default 1)
  --no-compile        every training step eager instead of wg.compile's replays (to compare)
  --data DIR          CIFAR-10 folder (default $WEBGRAD_DATA, then ../shared/datasets/cifar10)
  --synthetic         tiny generated images instead of CIFAR-10 (a smoke test)
  --trainLimit N / --testLimit N   use only the first N images
  --profileSteps N    after training, profile N more steps per kernel (default 1 for airbench, else 0)
  --json FILE         (default bench/results/cifar.json)
  --peer tfjs|tfjs-webgl|tfjs,tfjs-webgl   also train the same net with TensorFlow.js's WebGPU
                      and/or WebGL backend for --steps steps, on the same adapter`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const config: TrainConfig = { ...DEFAULT_CONFIG };
  let dataDir: string | undefined;
  let jsonPath = 'bench/results/cifar.json';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    if (!arg.startsWith('--')) throw new Error(`unexpected argument '${arg}'\n${USAGE}`);
    const [rawKey, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const valueFor = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new Error(`--${rawKey} needs a value\n${USAGE}`);
      return next;
    };
    switch (rawKey) {
      case 'augment': config.augment = true; break;
      case 'no-augment': config.augment = false; break;
      case 'no-compile': config.compile = false; break;
      case 'synthetic': config.data = 'synthetic'; break;
      case 'data': dataDir = valueFor(); break;
      case 'json': jsonPath = valueFor(); break;
      default:
        try {
          applySetting(config, rawKey, valueFor());
        } catch (e) {
          throw new Error(`--${(e as Error).message}\n${USAGE}`);
        }
    }
  }
  if (config.peer?.length && config.steps === 0) config.steps = 50; // the comparison is a fixed number of steps
  return { config, dataDir, jsonPath };
}
