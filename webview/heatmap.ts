/**
 * The T x T heatmap (rows = query tokens, columns = key tokens). The matrix is coloured once into
 * a T x T image (one pixel per cell, O(T²) typed-array writes); zooming and panning only scale
 * part of that image onto the visible canvas, so no DOM node exists per cell. Token labels are
 * drawn on two side strips for the visible rows and columns once cells are tall enough to read,
 * index ticks otherwise. A crosshair reads out query, key and weight.
 */
import { VIRIDIS } from '../src/shared/colorScale';
import { legendValue, paintPixels, type ColorMode } from '../src/shared/heatmapPixels';
import type { TokenInfo } from '../src/shared/protocol';
import { el } from './dom';
import { DEFAULT_ZOOM, type Zoom } from './panelState';
import { cellAt, clampZoom, keepVisible, maxScale, panBy, zoomAround } from './viewport';
import { escapedText } from '../src/shared/tokenText';

export interface HeatmapOptions {
  /** Zoom, pan, axis labels and keyboard crosshair (the panel); off in the narrow side view. */
  readonly interactive?: boolean;
  readonly onZoom?: (zoom: Zoom) => void;
  /** A click (not a drag) on a row. */
  readonly onPickRow?: (row: number) => void;
}

export interface HeatmapDisplay {
  readonly mode: ColorMode;
  readonly threshold: number;
}

const LABEL_MIN_PX = 10;
const ROW_STRIP = 96;
const COL_STRIP = 72;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export class Heatmap {
  readonly element = el('div', { className: 'heatmap' });
  readonly canvas = el('canvas', { className: 'heatmap-canvas', attrs: { 'aria-label': 'Attention matrix: rows are queries, columns are keys' } });
  private readonly rowStrip = el('canvas', { className: 'axis axis-rows', attrs: { 'aria-hidden': 'true' } });
  private readonly colStrip = el('canvas', { className: 'axis axis-cols', attrs: { 'aria-hidden': 'true' } });
  private readonly readout = el('div', { className: 'readout', attrs: { id: 'readout', 'aria-live': 'polite' }, text: 'Hover the matrix to read a weight.' });
  private readonly legendBar = el('canvas', { className: 'legend-bar', attrs: { width: '256', height: '1', 'aria-hidden': 'true' } });
  private readonly legendTicks = el('div', { className: 'legend-ticks' });
  private readonly legendNote = el('span', { className: 'legend-note' });
  private readonly image = document.createElement('canvas');
  private matrix: Float32Array | undefined;
  private size = 0;
  private tokens: readonly TokenInfo[] = [];
  private display: HeatmapDisplay = { mode: 'sqrt', threshold: 0 };
  private zoom: Zoom = DEFAULT_ZOOM;
  private cursor: { row: number; col: number } | undefined;
  private marked: number | undefined;
  private colorMaxValue = 1;
  /** Milliseconds the last colouring of the matrix took (the O(T²) part of a repaint). */
  lastDrawMs = 0;

  constructor(
    private readonly onHoverRow: (row: number | undefined) => void,
    private readonly options: HeatmapOptions = {},
  ) {
    const interactive = options.interactive ?? false;
    const legend = el('div', { className: 'legend' }, el('span', { className: 'legend-label', text: 'weight' }), el('div', { className: 'legend-scale' }, this.legendBar, this.legendTicks), this.legendNote);
    if (interactive) {
      const zoomIn = el('button', { text: '+', attrs: { type: 'button', 'aria-label': 'Zoom in', title: 'Zoom in (or wheel, or + on the matrix)' } });
      const zoomOut = el('button', { text: '−', attrs: { type: 'button', 'aria-label': 'Zoom out', title: 'Zoom out' } });
      const reset = el('button', { text: 'Fit', attrs: { type: 'button', id: 'zoom-reset', 'aria-label': 'Show the whole matrix', title: 'Show the whole matrix (or double-click)' } });
      zoomIn.addEventListener('click', () => this.zoomBy(2, 0.5, 0.5));
      zoomOut.addEventListener('click', () => this.zoomBy(0.5, 0.5, 0.5));
      reset.addEventListener('click', () => this.setZoom(DEFAULT_ZOOM, true));
      this.canvas.tabIndex = 0;
      const grid = el('div', { className: 'matrix-grid' },
        el('div', { className: 'axis-corner', text: 'query ↓ key →' }), this.colStrip, this.rowStrip, this.canvas);
      this.element.append(el('div', { className: 'matrix-toolbar' }, zoomIn, zoomOut, reset, el('span', { className: 'hint', text: 'Wheel to zoom, drag to pan, arrow keys move the crosshair, Enter pins the row.' })), grid, legend, this.readout);
      this.listenInteractive();
      new ResizeObserver(() => this.layout()).observe(this.element);
    } else {
      this.element.append(this.canvas, legend, this.readout);
      new ResizeObserver(() => this.render()).observe(this.canvas);
    }
    this.canvas.addEventListener('mousemove', (e) => {
      const cell = this.cellAt(e);
      if (cell) this.setCursor(cell.row, cell.col);
    });
    this.canvas.addEventListener('mouseleave', () => {
      this.cursor = undefined;
      this.render();
      this.onHoverRow(undefined);
    });
    this.drawLegend();
  }

  /** Colour `matrix` and show it; returns the milliseconds colouring took. */
  draw(matrix: Float32Array, size: number, tokens: readonly TokenInfo[], display: HeatmapDisplay = this.display): number {
    this.matrix = matrix;
    this.size = size;
    this.tokens = tokens;
    this.display = display;
    return this.repaint();
  }

  setDisplay(display: HeatmapDisplay): void {
    this.display = display;
    if (this.matrix) this.repaint();
  }

  setZoom(zoom: Zoom, notify = false): void {
    this.zoom = clampZoom(zoom, this.size, this.maxScale());
    this.render();
    if (notify) this.options.onZoom?.(this.zoom);
  }

  /** Outline one query row (the token focused elsewhere), or none. */
  markRow(row: number | undefined): void {
    if (row === this.marked) return;
    this.marked = row;
    this.render();
  }

  private repaint(): number {
    const started = performance.now();
    const size = this.size;
    if (this.image.width !== size) this.image.width = size;
    if (this.image.height !== size) this.image.height = size;
    const context = this.image.getContext('2d');
    if (context && size > 0 && this.matrix) {
      const image = context.createImageData(size, size);
      this.colorMaxValue = paintPixels(this.matrix, size, image.data, this.display);
      context.putImageData(image, 0, 0);
    }
    this.lastDrawMs = performance.now() - started;
    this.updateLegend();
    this.setZoom(this.zoom);
    return this.lastDrawMs;
  }

  private maxScale(): number {
    return maxScale(this.size, this.canvas.clientWidth);
  }

  private layout(): void {
    const available = this.element.clientWidth - ROW_STRIP - 4;
    const side = Math.max(120, Math.floor(Math.min(available, window.innerHeight * 0.72)));
    for (const [canvas, w, h] of [[this.canvas, side, side], [this.rowStrip, ROW_STRIP, side], [this.colStrip, side, COL_STRIP]] as const) {
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
    }
    this.render();
  }

  /** Draw the visible part of the image, the crosshair and the labels. Cheap: no per-cell work. */
  private render(): void {
    const ratio = window.devicePixelRatio || 1;
    const cssSide = this.canvas.clientWidth;
    if (cssSide === 0) return; // hidden: drawn when shown
    const width = Math.round(cssSide * ratio);
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== width) this.canvas.height = width;
    const context = this.canvas.getContext('2d');
    if (!context) return;
    context.imageSmoothingEnabled = false;
    context.clearRect(0, 0, width, width);
    if (this.size === 0 || !this.matrix) return;
    const { scale, x, y } = this.zoom;
    const span = this.size / scale;
    context.drawImage(this.image, x, y, span, span, 0, 0, width, width);
    const cell = width / span;
    const accent = cssVar('--vscode-focusBorder', '#3794ff');
    context.lineWidth = Math.max(1, ratio);
    if (this.marked !== undefined) {
      context.strokeStyle = accent;
      context.strokeRect(0, (this.marked - y) * cell, width, cell);
    }
    if (this.cursor) {
      const fg = cssVar('--vscode-editor-foreground', '#ccc');
      context.strokeStyle = fg;
      context.globalAlpha = 0.65;
      const cx = (this.cursor.col - x + 0.5) * cell;
      const cy = (this.cursor.row - y + 0.5) * cell;
      context.beginPath();
      context.moveTo(0, cy);
      context.lineTo(width, cy);
      context.moveTo(cx, 0);
      context.lineTo(cx, width);
      context.stroke();
      context.globalAlpha = 1;
      context.strokeStyle = accent;
      context.strokeRect((this.cursor.col - x) * cell, (this.cursor.row - y) * cell, Math.max(cell, 2), Math.max(cell, 2));
    }
    if (this.options.interactive) this.renderLabels(cssSide);
  }

  private renderLabels(cssSide: number): void {
    const ratio = window.devicePixelRatio || 1;
    const { scale, x, y } = this.zoom;
    const span = this.size / scale;
    const cellCss = cssSide / span;
    const fg = cssVar('--vscode-descriptionForeground', '#999');
    const strong = cssVar('--vscode-foreground', '#ccc');
    const font = cssVar('--vscode-editor-font-family', 'monospace');
    const showTokens = cellCss >= LABEL_MIN_PX;
    // Either every visible token, or index ticks far enough apart to read.
    const step = showTokens ? 1 : Math.max(1, Math.pow(2, Math.ceil(Math.log2(16 / cellCss))));
    const first = Math.floor(Math.max(0, Math.min(x, y)) / step) * step;
    const label = (i: number) => (showTokens ? `${escapedText(this.tokens[i]?.text ?? '').slice(0, 12)} ${i}` : String(i));
    const fontPx = showTokens ? Math.min(12, Math.floor(cellCss - 1)) : 10;

    const rows = this.rowStrip;
    rows.width = Math.round(ROW_STRIP * ratio);
    rows.height = Math.round(cssSide * ratio);
    const rc = rows.getContext('2d');
    const cols = this.colStrip;
    cols.width = Math.round(cssSide * ratio);
    cols.height = Math.round(COL_STRIP * ratio);
    const cc = cols.getContext('2d');
    if (!rc || !cc) return;
    for (const c of [rc, cc]) {
      c.scale(ratio, ratio);
      c.font = `${fontPx}px ${font}`;
      c.textBaseline = 'middle';
    }
    rc.textAlign = 'right';
    for (let i = first; i < Math.min(this.size, y + span + 1); i += step) {
      if (i < y - 1) continue;
      rc.fillStyle = i === this.cursor?.row || i === this.marked ? strong : fg;
      rc.fillText(label(i), ROW_STRIP - 4, (i - y + 0.5) * cellCss);
    }
    cc.textAlign = 'left';
    for (let j = first; j < Math.min(this.size, x + span + 1); j += step) {
      if (j < x - 1) continue;
      cc.save();
      cc.translate((j - x + 0.5) * cellCss, COL_STRIP - 4);
      cc.rotate(-Math.PI / 3);
      cc.fillStyle = j === this.cursor?.col ? strong : fg;
      cc.fillText(label(j), 0, 0);
      cc.restore();
    }
    this.element.dataset.labels = showTokens ? 'tokens' : 'indices';
  }

  private drawLegend(): void {
    const context = this.legendBar.getContext('2d');
    if (!context) return;
    const image = context.createImageData(256, 1);
    for (let i = 0; i < 256; i++) image.data.set([VIRIDIS[i * 3], VIRIDIS[i * 3 + 1], VIRIDIS[i * 3 + 2], 255], i * 4);
    context.putImageData(image, 0, 0);
  }

  private updateLegend(): void {
    const { mode, threshold } = this.display;
    const max = this.colorMaxValue;
    const format = (v: number) => (mode === 'row' ? `${Math.round(v * 100)}%` : v < 0.01 && v > 0 ? v.toExponential(1) : v.toFixed(3));
    this.legendTicks.replaceChildren(...[0, 0.25, 0.5, 0.75, 1].map((p) => {
      const tick = el('span', { text: format(legendValue(p, max, mode)) });
      tick.style.left = `${p * 100}%`;
      return tick;
    }));
    const scale = mode === 'sqrt' ? '√ scale (colour ∝ √weight)' : mode === 'linear' ? 'linear scale' : 'each row scaled to its own max';
    const top = mode === 'row' ? '' : ` · top = ${max.toFixed(3)}, the largest weight below row 0`;
    this.legendNote.textContent = `${scale}${top}${threshold > 0 ? ` · weights < ${threshold.toFixed(2)} hidden` : ''}`;
  }

  private cellAt(e: MouseEvent): { row: number; col: number } | undefined {
    if (!this.matrix || this.size === 0) return undefined;
    const rect = this.canvas.getBoundingClientRect();
    return cellAt(this.zoom, this.size, (e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height);
  }

  private setCursor(row: number, col: number): void {
    if (!this.matrix) return;
    this.cursor = { row, col };
    const weight = this.matrix[row * this.size + col];
    const name = (i: number) => `"${escapedText(this.tokens[i]?.text ?? '')}"`;
    this.readout.textContent = `query #${row} ${name(row)} → key #${col} ${name(col)}: weight ${weight.toFixed(4)}`;
    this.render();
    this.onHoverRow(row);
  }

  private zoomBy(factor: number, fx: number, fy: number): void {
    this.setZoom(zoomAround(this.zoom, this.size, this.maxScale(), factor, fx, fy), true);
  }

  private listenInteractive(): void {
    this.canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const rect = this.canvas.getBoundingClientRect();
      this.zoomBy(Math.pow(1.2, -e.deltaY / 100), (e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height);
    }, { passive: false });
    let drag: { x: number; y: number; zoom: Zoom; moved: boolean } | undefined;
    this.canvas.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, zoom: this.zoom, moved: false };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      drag.moved = true;
      this.setZoom(panBy(drag.zoom, this.size, this.canvas.clientWidth, dx, dy, this.maxScale()));
    });
    this.canvas.addEventListener('pointerup', (e) => {
      const wasDrag = drag?.moved;
      drag = undefined;
      if (wasDrag) {
        this.options.onZoom?.(this.zoom);
        return;
      }
      const cell = this.cellAt(e);
      if (cell) this.options.onPickRow?.(cell.row);
    });
    this.canvas.addEventListener('dblclick', () => this.setZoom(DEFAULT_ZOOM, true));
    this.canvas.addEventListener('keydown', (e) => {
      if (!this.matrix) return;
      const c = this.cursor ?? { row: Math.floor(this.zoom.y), col: Math.floor(this.zoom.x) };
      const move: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      if (move[e.key]) {
        e.preventDefault();
        const row = Math.max(0, Math.min(this.size - 1, c.row + move[e.key][0]));
        const col = Math.max(0, Math.min(this.size - 1, c.col + move[e.key][1]));
        const visible = keepVisible(this.zoom, this.size, row, col);
        if (visible !== this.zoom) this.setZoom(visible, true);
        this.setCursor(row, col);
      } else if (e.key === '+' || e.key === '=') {
        this.zoomBy(2, 0.5, 0.5);
      } else if (e.key === '-') {
        this.zoomBy(0.5, 0.5, 0.5);
      } else if (e.key === 'Enter' && this.cursor) {
        this.options.onPickRow?.(this.cursor.row);
      }
    });
  }
}
