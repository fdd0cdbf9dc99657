// A warning for the classic leak: a training loop without tidy() that disposes only the loss
// leaves a few storages behind every step, and memory climbs until the device gives out. The
// backends report their live storage count at every flush and readback (one or two a step in
// a typical loop); when it rose at nearly every one of the last WINDOW of them, by at least
// one storage each on average, this warns once per backend, naming the growth and the fix. A
// correct loop returns to the same count every step and never trips it.

import { human } from './out-of-memory.js';

const WINDOW = 50;
/** rises allowed to be missing from the window (a step that happened to free something) */
const SLACK = 3;

let enabled = true;

/** Turns the leak warning off (or back on), e.g. for a loop that keeps results on purpose. */
export function setLeakWarning(on: boolean): void {
  enabled = on;
}

export class LeakDetector {
  private readonly counts: number[] = [];
  private readonly bytes: number[] = [];
  private warned = false;

  constructor(private readonly warn: (message: string) => void = (m) => console.warn(m)) {}

  /** one sample per flush / readback */
  observe(liveStorages: number, liveBytes: number): void {
    if (this.warned || !enabled) return;
    this.counts.push(liveStorages);
    this.bytes.push(liveBytes);
    if (this.counts.length > WINDOW + 1) {
      this.counts.shift();
      this.bytes.shift();
    }
    if (this.counts.length <= WINDOW) return;
    let rises = 0;
    for (let i = 1; i < this.counts.length; i++) if (this.counts[i] > this.counts[i - 1]) rises++;
    const grown = this.counts[WINDOW] - this.counts[0];
    if (rises < WINDOW - SLACK || grown < WINDOW) return;
    this.warned = true;
    const perStep = grown / WINDOW;
    const bytesPerStep = Math.max(0, (this.bytes[WINDOW] - this.bytes[0]) / WINDOW);
    this.warn(
      `webgrad: possible memory leak: live tensors grew at ${rises} of the last ${WINDOW} flushes/readbacks, ` +
        `by ${perStep.toFixed(1)} storages (${human(bytesPerStep)}) each on average (${this.counts[0]} → ${this.counts[WINDOW]} live). ` +
        'A loop is probably creating tensors it never frees: wrap each step in wg.tidy(() => { ... }) (return or keep() what must survive) ' +
        'or dispose() what you no longer need. Shown once; wg.setLeakWarning(false) silences it.',
    );
  }
}
