// A small line chart on a 2-D canvas: several named series of (x, y) points, axes with
// min/max labels and a legend. Redraws fully on every update; the point counts here are small.

export interface SeriesStyle {
  color: string;
  /** draw a dot at each point (for sparse series such as per-epoch accuracy) */
  dots?: boolean;
}

interface Series extends SeriesStyle {
  points: { x: number; y: number }[];
}

const MARGIN = { left: 48, right: 12, top: 12, bottom: 24 };

function formatTick(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  return abs >= 1000 || abs < 0.01 ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}

export class LineChart {
  private readonly series = new Map<string, Series>();

  /** yRange fixes the vertical axis (e.g. [0, 1] for accuracy); otherwise it follows the data. */
  constructor(private readonly canvas: HTMLCanvasElement, private readonly yRange?: [number, number]) {}

  clear(): void {
    this.series.clear();
    this.draw();
  }

  add(name: string, x: number, y: number, style: SeriesStyle): void {
    if (!Number.isFinite(y)) return;
    let s = this.series.get(name);
    if (!s) this.series.set(name, (s = { ...style, points: [] }));
    s.points.push({ x, y });
    this.draw();
  }

  private bounds(): { x0: number; x1: number; y0: number; y1: number } {
    const all = [...this.series.values()].flatMap((s) => s.points);
    const xs = all.map((p) => p.x);
    const ys = all.map((p) => p.y);
    const x0 = Math.min(0, ...xs);
    const x1 = Math.max(x0 + 1, ...xs);
    const [y0, y1] = this.yRange ?? [Math.min(...ys, 0), Math.max(...ys, 1e-6)];
    return { x0, x1, y0, y1: y1 > y0 ? y1 : y0 + 1 };
  }

  draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const { width, height } = this.canvas;
    ctx.clearRect(0, 0, width, height);
    const plotW = width - MARGIN.left - MARGIN.right;
    const plotH = height - MARGIN.top - MARGIN.bottom;
    const { x0, x1, y0, y1 } = this.bounds();
    const px = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
    const py = (y: number): number => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH;

    ctx.strokeStyle = '#999';
    ctx.fillStyle = '#555';
    ctx.font = '11px system-ui, sans-serif';
    ctx.strokeRect(MARGIN.left, MARGIN.top, plotW, plotH);
    ctx.textAlign = 'right';
    for (const v of [y0, (y0 + y1) / 2, y1]) ctx.fillText(formatTick(v), MARGIN.left - 4, py(v) + 4);
    ctx.textAlign = 'center';
    for (const v of [x0, (x0 + x1) / 2, x1]) ctx.fillText(formatTick(Math.round(v)), px(v), height - 6);

    let legendY = MARGIN.top + 12;
    for (const [name, s] of this.series) {
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      s.points.forEach((p, i) => (i === 0 ? ctx.moveTo(px(p.x), py(p.y)) : ctx.lineTo(px(p.x), py(p.y))));
      ctx.stroke();
      if (s.dots) for (const p of s.points) ctx.fillRect(px(p.x) - 2, py(p.y) - 2, 4, 4);
      ctx.textAlign = 'right';
      ctx.fillText(name, width - MARGIN.right - 4, legendY);
      legendY += 13;
    }
  }
}
