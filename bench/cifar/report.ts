// Terminal output of `npm run bench`: a progress line (rewritten in place on a TTY, plain
// lines otherwise), the result table, and the JSON record.
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../../src/io/atomic-write.js';
import { dirname } from 'node:path';
import { cropPadding, type TrainConfig } from '../../demo/src/config.js';
import type { FromWorker, RunResult } from '../../demo/src/protocol.js';

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
  return s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(1)}s`;
}

/** Prints the worker's progress: on a TTY one line redrawn with \r, else one line per report. */
export class ProgressPrinter {
  private totalSteps = 0;
  private lastLoss = Number.NaN;
  private lineOpen = false;
  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  private line(text: string, transient: boolean): void {
    if (this.out.isTTY && transient) {
      this.out.write(`\r${text.padEnd(100).slice(0, Math.max(100, text.length))}`);
      this.lineOpen = true;
      return;
    }
    if (this.lineOpen) this.out.write('\n');
    this.lineOpen = false;
    this.out.write(`${text}\n`);
  }

  onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'status': this.line(msg.text, false); break;
      case 'loadProgress': {
        const pct = msg.bytesTotal ? ` ${((100 * msg.bytesDone) / msg.bytesTotal).toFixed(0)}%` : '';
        // progress of the download is only worth a line per file off a TTY
        if (this.out.isTTY) this.line(`loading ${msg.file} ${(msg.bytesDone / 1e6).toFixed(1)} MB${pct}`, true);
        break;
      }
      case 'ready':
        this.totalSteps = msg.totalSteps;
        this.line(`adapter ${msg.adapter}; ${msg.trainImages} train / ${msg.testImages} test images; ${msg.stepsPerEpoch} steps/epoch; ${msg.totalSteps} steps; ${msg.parameters} parameters`, false);
        break;
      case 'step':
        if (msg.loss !== undefined) this.lastLoss = msg.loss;
        this.line(
          `step ${msg.step}/${this.totalSteps}  epoch ${msg.epoch + 1}  loss ${Number.isNaN(this.lastLoss) ? '–' : this.lastLoss.toFixed(4)}  ${msg.imagesPerSecond.toFixed(1)} img/s  ` +
            `elapsed ${formatSeconds(msg.elapsedSeconds)}  ETA ${formatSeconds(msg.etaSeconds)}  GPU mem ${(msg.memory.held / 2 ** 20).toFixed(0)} MiB held, peak ${(msg.memory.peak / 2 ** 20).toFixed(0)} MiB`,
          true,
        );
        break;
      case 'epoch': this.line(`epoch ${msg.epoch + 1}: test accuracy ${(msg.testAccuracy * 100).toFixed(2)}%`, false); break;
      case 'error': this.line(`error: ${msg.message}`, false); break;
      default: break;
    }
  }

  finish(): void {
    if (this.lineOpen) this.out.write('\n');
    this.lineOpen = false;
  }
}

/** the run's training settings in words: what the config knows and the result does not (schedule, weight decay, augmentation) */
function describeTraining(r: RunResult, cfg: TrainConfig | undefined): [string, string][] {
  if (r.model === 'airbench')
    return [
      ['optimizer', `airbench94's: Nesterov SGD (biases, head) + Muon (conv filters), linear decay, batch ${r.batch}`],
      ['augmentation', 'flips alternating by epoch + ±2 px shifts (reflect); test-time mirror + ±1 px'],
    ];
  if (!cfg) return [['optimizer', `${r.optimizer}, lr ${r.lr}, batch ${r.batch}`]];
  const decay = cfg.weightDecay > 0 ? `, weight decay ${cfg.weightDecay}` : '';
  return [
    ['optimizer', `${r.optimizer}, lr ${r.lr} (${cfg.schedule} schedule)${decay}, batch ${r.batch}`],
    ['augmentation', cfg.augment ? `horizontal flip + random crop, shifts up to ±${cropPadding(cfg)} px` : 'none'],
    ['training step', cfg.compile ? 'compiled (wg.compile: recorded once, replayed)' : 'eager (--no-compile)'],
  ];
}

/** GPU time per kernel label over the profiled steps (RunResult.kernels), per step, largest first */
export function kernelTable(r: RunResult): string {
  const kernels = [...(r.kernels ?? [])].sort((a, b) => b.milliseconds - a.milliseconds);
  const steps = r.profileSteps ?? 1;
  const total = kernels.reduce((sum, k) => sum + k.milliseconds, 0);
  const lines = kernels.map((k) => `${k.label.padEnd(40)} ${(k.calls / steps).toFixed(0).padStart(6)} ${(k.milliseconds / steps).toFixed(1).padStart(10)} ${((100 * k.milliseconds) / total).toFixed(1).padStart(6)}%`);
  return [`${'kernel'.padEnd(40)} ${'calls'.padStart(6)} ${'ms/step'.padStart(10)} ${'share'.padStart(7)}`, ...lines,
    `${'total'.padEnd(40)} ${(kernels.reduce((s, k) => s + k.calls, 0) / steps).toFixed(0).padStart(6)} ${(total / steps).toFixed(1).padStart(10)}`].join('\n');
}

export function resultTable(r: RunResult, cfg?: TrainConfig): string {
  const rows: [string, string][] = [
    ['model', `${r.model} (${(r.forwardFlopsPerImage / 1e6).toFixed(2)} MFLOP fwd/image, ${r.parameters} params)`],
    ...describeTraining(r, cfg),
    ['epochs', r.epochs.toFixed(3)],
    ['steps', String(r.steps)],
    ['wall time', `${r.wallSeconds.toFixed(1)} s (train ${r.trainSeconds.toFixed(1)} s, test eval ${r.evalSeconds.toFixed(1)} s)`],
    ['train img/s', `${r.trainImagesPerSecond.toFixed(1)} (≈ ${((3 * r.forwardFlopsPerImage * r.trainImagesPerSecond) / 1e9).toFixed(2)} GFLOP/s)`],
    ['test accuracy', `${(r.testAccuracy * 100).toFixed(2)}% of ${r.testImages}`],
    ['per step', `${r.perStep.dispatches} dispatches, ${r.perStep.submits} submits, ${r.perStep.readbacks} readbacks, ${r.perStep.uploads} uploads`],
    ...(r.hostMsPerStep && Object.keys(r.hostMsPerStep).length > 0
      ? [['host ms/step', Object.entries(r.hostMsPerStep).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')] as [string, string]]
      : []),
    ...(r.matmulVariants && Object.keys(r.matmulVariants).length > 0
      ? [['matmul variants', Object.entries(r.matmulVariants).map(([k, v]) => `${k} ${v}`).join(', ')] as [string, string]]
      : []),
    ['adapter', `${r.backend}: ${r.adapter}${r.isSoftwareAdapter ? ' — a software adapter (CPU); a real GPU is far faster' : ''}`],
  ];
  for (const peer of r.peers ?? []) {
    const perStep = peer.perStep.submits === null
      ? `${peer.perStep.dispatches.toFixed(1)} draw calls`
      : `${peer.perStep.dispatches.toFixed(1)} dispatches, ${peer.perStep.submits.toFixed(2)} submits`;
    rows.push(
      ['peer', `${peer.library}: ${peer.steps} steps, ${peer.trainImagesPerSecond.toFixed(1)} img/s, final loss ${peer.finalLoss.toFixed(4)}`],
      ['peer per step', perStep],
      ['webgrad / peer', `${(r.trainImagesPerSecond / peer.trainImagesPerSecond).toFixed(2)}× the images/s`],
    );
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

export function writeJson(path: string, record: object): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomicSync(path, `${JSON.stringify(record, null, 2)}\n`);
}
