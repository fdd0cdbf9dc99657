// `npm run bench -- --runtime node`: the page's training run (demo/src/session.ts, the same
// TrainingSession the worker runs) in Node on Dawn, the WebGPU implementation Chromium uses,
// without a browser: on a GPU server (no display, no Chromium) Dawn takes the machine's Vulkan
// adapter. Messages go to the same progress printer and the result to the same table and JSON.
import { loadImages, firstImages } from '../../demo/src/data.js';
import type { TrainConfig } from '../../demo/src/config.js';
import { TrainingSession } from '../../demo/src/session.js';
import type { FromWorker } from '../../demo/src/protocol.js';
import * as wg from '../../src/node.js';
import type { DemoRun, DemoRunOptions } from './driver.js';

export async function runInNode(cfg: TrainConfig, opts: DemoRunOptions = {}): Promise<DemoRun> {
  if (cfg.peer?.length) throw new Error('--peer trains TensorFlow.js in the browser: it needs --runtime chromium');
  const post = (msg: FromWorker): void => opts.onMessage?.(msg);
  const dataset = cfg.data === 'synthetic'
    ? await loadImages(cfg, undefined, () => {})
    : await (async () => {
      if (!opts.dataDir) throw new Error('--runtime node needs CIFAR-10 on disk (--data DIR or $WEBGRAD_DATA)');
      const d = await wg.data.loadCifar10({ dir: opts.dataDir, onProgress: (p) => post({ type: 'loadProgress', file: p.file, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }) });
      return { ...d, train: firstImages(d.train, cfg.trainLimit), test: firstImages(d.test, cfg.testLimit) };
    })();
  const be = await wg.initNode({ backend: cfg.backend, matmulTuning: { tune: cfg.tune } });
  const session = new TrainingSession(cfg, dataset, post);
  try {
    const result = await session.run({ name: be.adapterName, isSoftware: be.isSoftwareAdapter });
    post({ type: 'done', result });
    return { result, browserVersion: `Node ${process.versions.node} (Dawn, the webgpu package)`, adapterDescription: be.adapterName };
  } finally {
    session.model.dispose();
  }
}
