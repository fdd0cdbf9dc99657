// A plain-text table for bench output: columns sized to their widest cell, the first
// `leftColumns` left-aligned (names), the rest right-aligned (numbers).
export function renderTable(header: string[], lines: string[][], leftColumns = 0): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (cells: string[]) => cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}
