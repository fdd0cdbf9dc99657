// The classic-course page: the course's pictures computed with wg.classic on WebGPU (the CPU
// reference when asked for or when there is no adapter) and drawn on canvases. Settings come
// from the form or the URL (?dataset=circles&steps=1500&race=valley&synthetic=1&backend=cpu);
// the outcome lands on window.webgradClassic for scripted runs (bench/classic/pictures.ts).
import * as wg from '../../../src/index.js';
import { loadSubset } from './cifar-subset.js';
import { linearPanels, racePanel, regionsPanel, toyData, transformPanel, type PanelSummary, type ToyName } from './panels.js';

export interface ClassicPageState {
  status: 'running' | 'done' | 'error';
  adapter: string;
  settings: Settings;
  /** panel name → its summary, in drawing order */
  panels: Record<string, PanelSummary & { seconds: number }>;
  error?: string;
}

declare global {
  interface Window {
    webgradClassic?: ClassicPageState;
  }
}

interface Settings {
  dataset: ToyName;
  seed: number;
  steps: number;
  race: wg.classic.RaceFunctionName;
  raceSteps: number;
  images: number;
  epochs: number;
  /** λ of the linear SVM whose templates are drawn */
  lambda: number;
  synthetic: boolean;
  backend: 'webgpu' | 'cpu';
  /** the panels to compute (default all): regions, transform, race, linear */
  only: string[];
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusLine = $<HTMLElement>('status');

function readSettings(): Settings {
  const q = new URLSearchParams(location.search);
  const num = (key: string, fallback: number) => (q.has(key) ? Number(q.get(key)) : fallback);
  const s: Settings = {
    dataset: q.get('dataset') === 'circles' ? 'circles' : 'spiral',
    seed: num('seed', 1),
    steps: num('steps', 600),
    race: q.get('race') === 'valley' ? 'valley' : 'rosenbrock',
    raceSteps: num('raceSteps', 150),
    images: num('images', 2000),
    epochs: num('epochs', 10),
    lambda: num('lambda', 5),
    synthetic: q.get('synthetic') === '1',
    backend: q.get('backend') === 'cpu' ? 'cpu' : 'webgpu',
    only: (q.get('only') ?? 'regions,transform,race,linear').split(','),
  };
  $<HTMLSelectElement>('dataset').value = s.dataset;
  $<HTMLSelectElement>('race-fn').value = s.race;
  $<HTMLInputElement>('seed').value = String(s.seed);
  $<HTMLInputElement>('steps').value = String(s.steps);
  return s;
}

const progress = (line: string) => {
  statusLine.textContent = line;
};

async function timed(state: ClassicPageState, name: string, run: () => Promise<PanelSummary>): Promise<void> {
  if (!state.settings.only.includes(name)) return;
  const t0 = performance.now();
  const summary = await run();
  state.panels[name] = { ...summary, seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const settings = readSettings();
  const state: ClassicPageState = { status: 'running', adapter: '', settings, panels: {} };
  window.webgradClassic = state;
  const be = settings.backend === 'cpu' ? await wg.init({ backend: 'cpu' }) : await wg.init({ fallback: 'cpu' });
  state.adapter = `${be.name}: ${be.adapterName}`;
  $<HTMLElement>('adapter').textContent = state.adapter;
  try {
    const data = toyData(settings.dataset, settings.seed);
    await timed(state, 'regions', () => regionsPanel(data, settings.dataset, settings, progress));
    data.x.dispose();
    data.y.dispose();
    await timed(state, 'transform', () => transformPanel(settings.seed, progress));
    await timed(state, 'race', () => racePanel(settings.race, settings.raceSteps, progress));
    await timed(state, 'linear', async () => linearPanels(await loadSubset(settings.images, settings.synthetic), settings, progress));
    state.status = 'done';
    progress(`done in ${Object.values(state.panels).reduce((s, p) => s + p.seconds, 0).toFixed(1)} s on ${state.adapter}`);
  } catch (e) {
    state.status = 'error';
    state.error = (e as Error).message;
    progress(`error: ${state.error}`);
    throw e;
  }
}

// the form reloads the page with its settings in the URL, so every run is reproducible from its address
$<HTMLFormElement>('settings').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = new URLSearchParams(location.search);
  q.set('dataset', $<HTMLSelectElement>('dataset').value);
  q.set('race', $<HTMLSelectElement>('race-fn').value);
  q.set('seed', $<HTMLInputElement>('seed').value);
  q.set('steps', $<HTMLInputElement>('steps').value);
  location.search = q.toString();
});

void main();
