// Drawings of what the worker reports: the confusion matrix as a heat map, CIFAR images
// with their labels, and weights (linear templates, conv filters) as image tiles.

/** One CHW uint8/float image into an RGBA ImageData (channels 1 or 3). */
function toImageData(pixel: (c: number, y: number, x: number) => number, channels: number, height: number, width: number): ImageData {
  const data = new ImageData(width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) data.data[at + c] = pixel(channels === 3 ? c : 0, y, x);
      data.data[at + 3] = 255;
    }
  return data;
}

export function drawConfusion(canvas: HTMLCanvasElement, confusion: number[][], classNames: readonly string[]): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const n = confusion.length;
  const label = 70;
  const cell = (Math.min(canvas.width, canvas.height) - label) / n;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = '10px system-ui, sans-serif';
  for (let t = 0; t < n; t++) {
    const rowTotal = confusion[t].reduce((a, b) => a + b, 0) || 1;
    for (let p = 0; p < n; p++) {
      // shade by the fraction of the true class's images: rows compare across class sizes
      const share = confusion[t][p] / rowTotal;
      ctx.fillStyle = `rgb(${255 - 200 * share}, ${255 - 140 * share}, ${255 - 40 * share})`;
      ctx.fillRect(label + p * cell, label + t * cell, cell - 1, cell - 1);
      ctx.fillStyle = share > 0.5 ? '#fff' : '#333';
      ctx.textAlign = 'center';
      ctx.fillText(String(confusion[t][p]), label + (p + 0.5) * cell, label + (t + 0.6) * cell);
    }
    ctx.fillStyle = '#333';
    ctx.textAlign = 'right';
    ctx.fillText(classNames[t] ?? String(t), label - 4, label + (t + 0.6) * cell);
    ctx.save();
    ctx.translate(label + (t + 0.6) * cell, label - 4);
    ctx.rotate(-Math.PI / 3);
    ctx.textAlign = 'left';
    ctx.fillText(classNames[t] ?? String(t), 0, 0);
    ctx.restore();
  }
}

export function drawSamples(container: HTMLElement, images: Uint8Array, labels: number[], predicted: number[], classNames: readonly string[]): void {
  container.replaceChildren();
  const size = 3 * 32 * 32;
  labels.forEach((truth, i) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 32;
    const image = images.subarray(i * size, (i + 1) * size);
    canvas.getContext('2d')?.putImageData(toImageData((c, y, x) => image[c * 1024 + y * 32 + x], 3, 32, 32), 0, 0);
    const tile = document.createElement('div');
    tile.className = `sample ${predicted[i] === truth ? 'right' : 'wrong'}`;
    const guess = document.createElement('span');
    guess.textContent = classNames[predicted[i]] ?? String(predicted[i]);
    const real = document.createElement('span');
    real.textContent = `(${classNames[truth] ?? truth})`;
    tile.append(canvas, guess, real);
    container.append(tile);
  });
}

/**
 * Weights as a grid of tiles, each rescaled to 0–255 on its own (the shape matters, not the
 * scale): `shape` [units, channels, kh, kw] for conv filters or [units, 3072] for linear
 * rows (drawn as 3×32×32 images, the linear classifier's class templates).
 */
export function drawWeightTiles(canvas: HTMLCanvasElement, shape: number[], data: Float32Array, maxTiles = 64): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const [units] = shape;
  const [channels, height, width] = shape.length === 4 ? shape.slice(1) : [3, 32, 32];
  const tileSize = height * width * channels;
  const count = Math.min(units, maxTiles);
  const columns = Math.ceil(Math.sqrt(count * (canvas.width / canvas.height)));
  const rows = Math.ceil(count / columns);
  const scale = Math.max(1, Math.floor(Math.min(canvas.width / (columns * (width + 1)), canvas.height / (rows * (height + 1)))));
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = false;
  const scratch = document.createElement('canvas');
  scratch.width = width;
  scratch.height = height;
  const scratchCtx = scratch.getContext('2d');
  if (!scratchCtx) return;
  for (let u = 0; u < count; u++) {
    const tile = data.subarray(u * tileSize, (u + 1) * tileSize);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of tile) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi - lo || 1;
    scratchCtx.putImageData(toImageData((c, y, x) => (255 * (tile[c * height * width + y * width + x] - lo)) / span, channels, height, width), 0, 0);
    const col = u % columns;
    const row = Math.floor(u / columns);
    ctx.drawImage(scratch, col * (width + 1) * scale, row * (height + 1) * scale, width * scale, height * scale);
  }
}
