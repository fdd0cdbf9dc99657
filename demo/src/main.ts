// The page: a form for the run, buttons that command the training worker, and views that
// redraw from the worker's messages. With ?autorun=1 the run starts from the URL's
// settings and every message is also handed to window.webgradBench (set by npm run bench
// and the e2e test through puppeteer), which is how the command line watches a run.
import { CIFAR10_CLASSES } from '../../src/data/cifar10.js';
import { downloadBytes } from '../../src/io/browser.js';
import { applySetting, configFromParams, DEFAULT_CONFIG, learningRate, type TrainConfig } from './config.js';
import { LineChart } from './chart.js';
import { forwardFlopsPerImage } from './models.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { drawConfusion, drawSamples, drawWeightTiles } from './views.js';

declare global {
  interface Window {
    webgradBench?: (msg: FromWorker) => void;
  }
}

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: no #${id} in the page`);
  return el as T;
};
const field = (id: string): HTMLInputElement | HTMLSelectElement => $<HTMLInputElement | HTMLSelectElement>(id);

const lossChart = new LineChart($<HTMLCanvasElement>('loss-chart'));
const accuracyChart = new LineChart($<HTMLCanvasElement>('acc-chart'), [0, 1]);
const FORM_FIELDS = ['model', 'optimizer', 'lr', 'batch', 'epochs', 'cropPad', 'backend', 'data', 'evalEvery'] as const;

let worker: Worker | null = null;
let droppedFiles: File[] = [];
let paused = false;
let classNames: string[] = [];
/** what the last evaluateSaved was given: a file's name, or the pretrained checkpoint */
let loadedFrom = '';

/** The pretrained ConvNetJS net (demo/public/pretrained/: Vite serves and copies it at the site's root). */
const PRETRAINED_URL = 'pretrained/convnetjs.safetensors';
/** metadata keys shown first, with their labels; any other keys follow by name */
const CHECKPOINT_KEYS: readonly (readonly [string, string])[] = [['model', 'model'], ['testAccuracy', 'its test accuracy'], ['trainedWith', 'trained with'], ['command', 'made by']];

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${Math.round(s % 60)}s` : `${s.toFixed(1)}s`;
}

function configFromForm(): TrainConfig {
  const cfg: TrainConfig = { ...DEFAULT_CONFIG };
  for (const id of FORM_FIELDS) {
    const value = field(id).value.trim();
    if (value !== '') applySetting(cfg, id, value);
  }
  cfg.augment = $<HTMLInputElement>('augment').checked;
  cfg.compile = $<HTMLInputElement>('compile').checked;
  if (cfg.data === 'synthetic') Object.assign(cfg, { trainLimit: 640, testLimit: 200, evalSubset: 100 });
  return cfg;
}

function showConfigInForm(cfg: TrainConfig): void {
  for (const id of FORM_FIELDS) {
    const value = cfg[id];
    field(id).value = value === undefined ? '' : String(value);
  }
  $<HTMLInputElement>('augment').checked = cfg.augment;
  $<HTMLInputElement>('compile').checked = cfg.compile;
}

function describeModel(): void {
  const cfg = configFromForm();
  const mflops = forwardFlopsPerImage(cfg.model) / 1e6;
  const vgg = cfg.model === 'vgg-bn'
    ? ' ≈ 1.26 GFLOP per training image, 63 TFLOP per epoch: on a real GPU reaching 2–5 TFLOP/s in WebGPU that is ~15–30 s an epoch, so ~30 epochs with augmentation (the usual recipe for 90%+) take ~10–15 min; on SwiftShader it is days.'
    : cfg.model === 'airbench'
      ? ' airbench94 (Keller Jordan): its own optimizers (Nesterov SGD + Muon), schedule and augmentation; the optimizer and lr fields are ignored. Its recipe is batch 2000 for 8 epochs (≈ 298 TFLOP with the test-time augmentation): about 100 s where WebGPU sustains 3 TFLOP/s (an estimate); on SwiftShader it is days.'
      : '';
  $('model-note').textContent = `${cfg.model}: ${mflops.toFixed(2)} MFLOP forward per image, default lr ${learningRate(cfg)}.${vgg}`;
}

/** The loaded file's metadata beside the confusion matrix: what it is, how it was made, what it measured. */
function showCheckpoint(metadata: Record<string, string>, measured: string): void {
  const rows: [string, string][] = [['file', loadedFrom], ['test accuracy here', measured]];
  for (const [key, label] of CHECKPOINT_KEYS) {
    const value = metadata[key];
    if (value !== undefined) rows.push([label, key === 'testAccuracy' && !value.endsWith('%') ? `${value}%` : value]);
  }
  for (const key of Object.keys(metadata).sort()) if (!CHECKPOINT_KEYS.some(([k]) => k === key)) rows.push([key, metadata[key] ?? '']);
  $('checkpoint-meta').replaceChildren(...rows.flatMap(([label, value]) => {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    if (label === 'made by') dd.append(Object.assign(document.createElement('code'), { textContent: value }));
    else dd.textContent = value;
    return [dt, dd];
  }));
  $('checkpoint').hidden = false;
}

function setRunning(running: boolean): void {
  $<HTMLButtonElement>('start').disabled = running;
  $<HTMLButtonElement>('pause').disabled = !running;
  $<HTMLButtonElement>('stop').disabled = !running;
  $<HTMLButtonElement>('pause').textContent = 'pause';
  paused = false;
}

function onMessage(msg: FromWorker): void {
  switch (msg.type) {
    case 'status': $('status').textContent = msg.text; break;
    case 'loadProgress': {
      const bar = $<HTMLProgressElement>('load-bar');
      if (msg.bytesTotal) bar.value = msg.bytesDone / msg.bytesTotal;
      else bar.removeAttribute('value');
      $('status').textContent = `loading ${msg.file}: ${(msg.bytesDone / 1e6).toFixed(1)} MB`;
      break;
    }
    case 'ready':
      $<HTMLProgressElement>('load-bar').value = 1;
      $('adapter').textContent = msg.isSoftwareAdapter ? `${msg.adapter} — a CPU; a real GPU is far faster` : msg.adapter;
      $('status').textContent = `training: ${msg.trainImages} images, ${msg.stepsPerEpoch} steps/epoch, ${msg.totalSteps} steps, ${msg.parameters} parameters`;
      break;
    case 'step':
      $('step').textContent = String(msg.step);
      if (msg.loss !== undefined) {
        $('loss').textContent = msg.loss.toFixed(4);
        lossChart.add('train loss', msg.step, msg.loss, { color: '#c33' });
      }
      if (msg.imagesPerSecond > 0) $('ips').textContent = msg.imagesPerSecond.toFixed(0);
      $('elapsed').textContent = formatSeconds(msg.elapsedSeconds);
      $('eta').textContent = formatSeconds(msg.etaSeconds);
      $('memory').textContent = `${(msg.memory.held / 2 ** 20).toFixed(1)} MiB`;
      $('memory').title = `${(msg.memory.live / 2 ** 20).toFixed(1)} MiB in tensors between steps, peak ${(msg.memory.peak / 2 ** 20).toFixed(1)} MiB mid-step; the rest is the pool's free buffers`;
      break;
    case 'accuracy':
      accuracyChart.add(msg.split, msg.step, msg.accuracy, { color: msg.split === 'train' ? '#c33' : '#36c', dots: true });
      break;
    case 'epoch': {
      $('test-acc').textContent = `${(msg.testAccuracy * 100).toFixed(2)}%`;
      const item = document.createElement('li');
      item.textContent = `epoch ${msg.epoch + 1} (step ${msg.step}): ${(msg.testAccuracy * 100).toFixed(2)}%`;
      $('epochs-list').append(item);
      drawConfusion($<HTMLCanvasElement>('confusion'), msg.confusion, classNames);
      break;
    }
    case 'weights':
      $('weights-caption').textContent = msg.kind === 'templates' ? 'learned class templates (linear weights as images)' : `first-layer filters [${msg.shape.join('×')}]`;
      drawWeightTiles($<HTMLCanvasElement>('weights'), msg.shape, msg.data);
      break;
    case 'samples':
      classNames = msg.classNames;
      drawSamples($('samples'), msg.images, msg.labels, msg.predicted, msg.classNames);
      break;
    case 'done':
      setRunning(false);
      $<HTMLButtonElement>('save').disabled = false;
      $('status').textContent = `done: ${msg.result.steps} steps in ${formatSeconds(msg.result.trainSeconds)}, ${msg.result.trainImagesPerSecond.toFixed(0)} img/s, test accuracy ${(msg.result.testAccuracy * 100).toFixed(2)}%`;
      break;
    case 'evaluated': {
      const measured = `${(msg.testAccuracy * 100).toFixed(2)}% on ${msg.testImages} test images`;
      $('test-acc').textContent = `${(msg.testAccuracy * 100).toFixed(2)}%`;
      $('status').textContent = `${loadedFrom}: ${measured}`;
      drawConfusion($<HTMLCanvasElement>('confusion'), msg.confusion, classNames.length ? classNames : CIFAR10_CLASSES);
      showCheckpoint(msg.metadata, measured);
      break;
    }
    case 'saved':
      downloadBytes(msg.bytes, msg.filename);
      break;
    case 'error':
      setRunning(false);
      $('status').textContent = `error: ${msg.message}`;
      break;
  }
}

function ensureWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    onMessage(e.data);
    window.webgradBench?.(e.data);
  };
  worker.onerror = (e) => {
    const msg: FromWorker = { type: 'error', message: `worker failed: ${e.message}` };
    onMessage(msg);
    window.webgradBench?.(msg);
  };
  return worker;
}

function send(msg: ToWorker): void {
  ensureWorker().postMessage(msg);
}

function start(cfg: TrainConfig): void {
  lossChart.clear();
  accuracyChart.clear();
  $('epochs-list').replaceChildren();
  classNames = CIFAR10_CLASSES;
  $('checkpoint').hidden = true;
  setRunning(true);
  send({ type: 'start', config: cfg, files: droppedFiles.length ? droppedFiles : undefined });
}

$('start').addEventListener('click', () => start(configFromForm()));
$('pause').addEventListener('click', () => {
  paused = !paused;
  send({ type: paused ? 'pause' : 'resume' });
  $('pause').textContent = paused ? 'resume' : 'pause';
  $('status').textContent = paused ? 'paused' : 'training…';
});
$('stop').addEventListener('click', () => send({ type: 'stop' }));
$('save').addEventListener('click', () => send({ type: 'save' }));
function evaluateSaved(bytes: Uint8Array, from: string): void {
  loadedFrom = from;
  send({ type: 'evaluateSaved', config: configFromForm(), bytes, files: droppedFiles.length ? droppedFiles : undefined });
}
$<HTMLInputElement>('load').addEventListener('change', async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  evaluateSaved(new Uint8Array(await file.arrayBuffer()), file.name);
});
// the pretrained checkpoint is a ConvNetJS net, whatever the form said: the form follows it
$('pretrained').addEventListener('click', async () => {
  field('model').value = 'convnetjs';
  describeModel();
  $('status').textContent = `fetching ${PRETRAINED_URL}…`;
  try {
    const res = await fetch(PRETRAINED_URL);
    // a dev server answers a missing file with the page itself (HTML), not a 404
    if (!res.ok || res.headers.get('content-type')?.includes('text/html')) throw new Error(`${PRETRAINED_URL} is not on this server (${res.ok ? 'it answered with an HTML page' : `HTTP ${res.status}`})`);
    evaluateSaved(new Uint8Array(await res.arrayBuffer()), 'the pretrained ConvNetJS net');
  } catch (e) {
    const msg: FromWorker = { type: 'error', message: `load pretrained: ${(e as Error).message}` };
    onMessage(msg);
    window.webgradBench?.(msg);
  }
});
for (const id of FORM_FIELDS) field(id).addEventListener('change', describeModel);

const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  droppedFiles = [...(e.dataTransfer?.files ?? [])];
  drop.textContent = `using dropped files: ${droppedFiles.map((f) => f.name).join(', ')}`;
  field('data').value = 'cifar10';
});

const params = new URLSearchParams(location.search);
try {
  const fromUrl = configFromParams(params);
  showConfigInForm(fromUrl);
  describeModel();
  if (params.get('autorun') === '1') start(fromUrl);
} catch (e) {
  const msg: FromWorker = { type: 'error', message: `bad URL parameter: ${(e as Error).message}` };
  onMessage(msg);
  window.webgradBench?.(msg);
}
