/**
 * The T x T heatmap of one head (rows = query tokens, columns = key tokens), drawn as one image
 * on a canvas: one pixel per cell, scaled up by CSS with crisp edges, so drawing costs O(T²)
 * typed-array writes and no DOM nodes per cell. A readout shows the cell under the pointer.
 */
import { VIRIDIS, colorIndex, scaleMax } from '../src/shared/colorScale';
import type { TokenInfo } from '../src/shared/protocol';
import { el } from './dom';

/** Square-root colour scale: attention's many small weights stay distinguishable. */
const HEATMAP_GAMMA = 0.5;

export class Heatmap {
  readonly element = el('div', { className: 'heatmap' });
  private readonly canvas = el('canvas', { className: 'heatmap-canvas', attrs: { 'aria-label': 'Attention matrix' } });
  private readonly readout = el('div', { className: 'readout', text: 'Hover the matrix to read a weight.' });
  private readonly legend = el('canvas', { className: 'legend-bar', attrs: { width: '256', height: '1', 'aria-hidden': 'true' } });
  private readonly legendMax = el('span', { className: 'legend-max' });
  private matrix: Float32Array | undefined;
  private size = 0;
  private tokens: readonly TokenInfo[] = [];

  constructor(private readonly onHoverRow: (row: number | undefined) => void) {
    this.element.append(
      this.canvas,
      el('div', { className: 'legend' }, el('span', { text: '0' }), this.legend, this.legendMax, el('span', { className: 'legend-note', text: '√ scale' })),
      this.readout,
    );
    this.drawLegend();
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => this.onHoverRow(undefined));
  }

  draw(matrix: Float32Array, size: number, tokens: readonly TokenInfo[]): void {
    this.matrix = matrix;
    this.size = size;
    this.tokens = tokens;
    this.canvas.width = size;
    this.canvas.height = size;
    const context = this.canvas.getContext('2d');
    if (!context || size === 0) return;
    const max = scaleMax(matrix, size);
    this.legendMax.textContent = max.toFixed(3);
    const image = context.createImageData(size, size);
    const pixels = image.data;
    for (let i = 0; i < size * size; i++) {
      const c = colorIndex(matrix[i], max, HEATMAP_GAMMA) * 3;
      const p = i * 4;
      pixels[p] = VIRIDIS[c];
      pixels[p + 1] = VIRIDIS[c + 1];
      pixels[p + 2] = VIRIDIS[c + 2];
      pixels[p + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }

  private drawLegend(): void {
    const context = this.legend.getContext('2d');
    if (!context) return;
    const image = context.createImageData(256, 1);
    for (let i = 0; i < 256; i++) {
      image.data.set([VIRIDIS[i * 3], VIRIDIS[i * 3 + 1], VIRIDIS[i * 3 + 2], 255], i * 4);
    }
    context.putImageData(image, 0, 0);
  }

  private hover(e: MouseEvent): void {
    if (!this.matrix || this.size === 0) return;
    const rect = this.canvas.getBoundingClientRect();
    const col = Math.floor(((e.clientX - rect.left) / rect.width) * this.size);
    const row = Math.floor(((e.clientY - rect.top) / rect.height) * this.size);
    if (row < 0 || col < 0 || row >= this.size || col >= this.size) return;
    const weight = this.matrix[row * this.size + col];
    const name = (i: number) => JSON.stringify(this.tokens[i]?.text ?? '');
    this.readout.textContent = `query #${row} ${name(row)} → key #${col} ${name(col)}: ${weight.toFixed(4)}`;
    this.onHoverRow(row);
  }
}
