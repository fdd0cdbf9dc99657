// The training worker: WebGPU (navigator.gpu) works in workers, so training never blocks
// the page. It owns the backend, the data and the model; the page only sends commands.
import * as wg from '../../src/index.js';
import { MODEL_NAMES, type TrainConfig } from './config.js';
import { loadImages } from './data.js';
import { buildModel } from './models.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { evaluateOn, postSamples, postWeights, TrainingSession } from './session.js';

const scope = self as unknown as { postMessage(msg: FromWorker, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
const post = (msg: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(msg, transfer);

let session: TrainingSession | null = null;
let cachedData: { key: string; dataset: wg.data.ImageDataset } | null = null;

async function initBackend(cfg: TrainConfig): Promise<{ name: string; isSoftware: boolean }> {
  post({ type: 'status', text: `starting the ${cfg.backend} backend…` });
  const be = await wg.init({ backend: cfg.backend, matmulTuning: { tune: cfg.tune } });
  return { name: be.adapterName, isSoftware: be.isSoftwareAdapter };
}

/** Loads the data once per data choice (and file set) and keeps it for later runs. */
async function dataFor(cfg: TrainConfig, files?: File[]): Promise<wg.data.ImageDataset> {
  const key = JSON.stringify([cfg.data, cfg.trainLimit, cfg.testLimit, cfg.seed, files?.map((f) => `${f.name}:${f.size}`)]);
  if (cachedData?.key === key) return cachedData.dataset;
  post({ type: 'status', text: 'loading data…' });
  const dataset = await loadImages(cfg, files, (p) => post({ type: 'loadProgress', file: p.file, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }));
  cachedData = { key, dataset };
  return dataset;
}

async function start(cfg: TrainConfig, files?: File[]): Promise<void> {
  const dataset = await dataFor(cfg, files);
  const adapter = await initBackend(cfg);
  post({ type: 'status', text: `training ${cfg.model} on ${adapter.name}…` });
  session?.model.dispose(); // the previous run's model, kept until now for save()
  session = new TrainingSession(cfg, dataset, post);
  const result = await session.run(adapter);
  for (const peer of cfg.peer ?? []) {
    const tfBackend = peer === 'tfjs-webgl' ? 'webgl' : 'webgpu';
    post({ type: 'status', text: `training the same ${cfg.model} with TensorFlow.js (${tfBackend}) for comparison…` });
    const { trainWithTfjs } = await import('./tfjs-peer.js');
    (result.peers ??= []).push(await trainWithTfjs(cfg, dataset, result.steps, tfBackend));
  }
  post({ type: 'done', result });
}

async function save(): Promise<void> {
  if (!session) throw new Error('nothing to save: train a model first');
  const bytes = await wg.io.toSafetensors(session.model.stateDict(), { model: session.cfg.model, format: 'webgrad demo' });
  post({ type: 'saved', bytes, filename: 'webgrad-model.safetensors' }, [bytes.buffer]);
}

async function evaluateSaved(cfg: TrainConfig, bytes: Uint8Array, files?: File[]): Promise<void> {
  const { metadata } = wg.io.parseSafetensors(bytes); // host arrays only: validated before anything else runs
  // files saved by the page and the pretrained checkpoint name their model: say so before a key mismatch does
  const saved = metadata.model;
  if (saved && saved !== cfg.model && (MODEL_NAMES as readonly string[]).includes(saved))
    throw new Error(`the file holds a ${saved} model and the form says ${cfg.model}: pick ${saved} and load it again`);
  const dataset = await dataFor(cfg, files);
  await initBackend(cfg);
  const model = buildModel(cfg.model, cfg.seed);
  try {
    wg.io.loadStateDict(model, bytes); // strict: every key, shape and dtype must match
    post({ type: 'status', text: `evaluating the loaded ${cfg.model} on ${dataset.test.count} test images…` });
    const result = await evaluateOn(model, dataset.test);
    await postSamples(model, dataset.test, dataset.classNames, post);
    await postWeights(model, post);
    post({ type: 'evaluated', testAccuracy: result.accuracy, testImages: result.total, confusion: result.confusion, metadata });
  } finally {
    model.dispose();
  }
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'start': return start(msg.config, msg.files);
    case 'pause': return session?.pause();
    case 'resume': return session?.resume();
    case 'stop': return session?.stop();
    case 'save': return save();
    case 'evaluateSaved': return evaluateSaved(msg.config, msg.bytes, msg.files);
  }
}

scope.onmessage = (e) => {
  handle(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
