/**
 * The T x T heatmap (rows = query tokens, columns = key tokens), put together from its parts: the
 * pure viewport maths (viewport.ts), the renderer that colours and draws the matrix
 * (heatmapRenderer.ts), the axes and legend (heatmapAxes.ts) and the pointer and keyboard input
 * (heatmapInput.ts). This class holds the state they share (matrix, zoom, crosshair, marked row)
 * and is what the panel and the side view use. A crosshair reads out query, key and weight.
 */
import { l10n } from './l10n';
import type { TokenInfo } from '../src/shared/protocol';
import { escapedText } from '../src/shared/tokenText';
import { el } from './dom';
import { HeatmapAxes, HeatmapLegend, ROW_STRIP, COL_STRIP } from './heatmapAxes';
import { listenHover, listenInteractive, listenKeys } from './heatmapInput';
import { HeatmapRenderer, type HeatmapDisplay } from './heatmapRenderer';
import { DEFAULT_ZOOM, type Zoom } from './panelState';
import { cellAt, clampZoom, keepVisible, maxScale, panBy, zoomAround, zoomAroundCell } from './viewport';

export type { HeatmapDisplay } from './heatmapRenderer';

export interface HeatmapOptions {
  /** Zoom, pan, axis labels and keyboard crosshair (the panel); off in the narrow side view. */
  readonly interactive?: boolean;
  readonly onZoom?: (zoom: Zoom) => void;
  /** A click (not a drag) on a row. */
  readonly onPickRow?: (row: number) => void;
  /**
   * The exact weight of a cell for the read-out (the drawn matrix is compact, for colours only:
   * src/shared/compactMatrix.ts); undefined from it leaves the read-out without a number.
   */
  readonly readWeight?: (row: number, col: number) => Promise<number | undefined>;
}

export class Heatmap {
  readonly element = el('div', { className: 'heatmap' });
  /**
   * The matrix for assistive technology: an application (it takes the arrow keys), described by
   * its keys and with the read-out (query, key, weight under the crosshair) as its live value.
   */
  readonly canvas = el('canvas', {
    className: 'heatmap-canvas',
    attrs: {
      role: 'application',
      'aria-roledescription': l10n.t('attention matrix'),
      'aria-label': l10n.t('Attention matrix: rows are queries, columns are keys'),
      'aria-describedby': 'matrix-keys readout',
      tabindex: '0',
    },
  });
  private readonly readout = el('div', { className: 'readout', attrs: { id: 'readout', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' }, text: l10n.t('Hover the matrix, or focus it and use the arrow keys, to read a weight.') });
  private readonly keysHelp = el('p', { className: 'visually-hidden', attrs: { id: 'matrix-keys' } });
  private readonly pinState = el('span', { className: 'pin-state', attrs: { id: 'matrix-pin' } });
  private readonly renderer = new HeatmapRenderer(this.canvas);
  private readonly axes = new HeatmapAxes();
  private readonly legend = new HeatmapLegend();
  private matrix: Float32Array | undefined;
  private size = 0;
  private tokens: readonly TokenInfo[] = [];
  private display: HeatmapDisplay = { mode: 'sqrt', threshold: 0 };
  private zoom: Zoom = DEFAULT_ZOOM;
  private cursor: { row: number; col: number } | undefined;
  private marked: number | undefined;
  private pinned: number | undefined;
  /** Milliseconds the last colouring of the matrix took (the O(T²) part of a repaint). */
  lastDrawMs = 0;

  constructor(
    private readonly onHoverRow: (row: number | undefined) => void,
    private readonly options: HeatmapOptions = {},
  ) {
    const interactive = options.interactive ?? false;
    const target = {
      canvas: this.canvas,
      cellAt: (fx: number, fy: number) => (this.matrix && this.size > 0 ? cellAt(this.zoom, this.size, fx, fy) : undefined),
      hover: (cell: { row: number; col: number } | undefined) => {
        if (cell) {
          this.setCursor(cell.row, cell.col);
        } else {
          this.cursor = undefined;
          this.render();
          this.onHoverRow(undefined);
        }
      },
      zoomBy: (factor: number, fx: number, fy: number) => this.zoomBy(factor, fx, fy),
      currentZoom: () => this.zoom,
      panFrom: (start: Zoom, dx: number, dy: number) => this.setZoom(panBy(start, this.size, this.canvas.clientWidth, dx, dy, this.maxScale())),
      commitZoom: () => this.options.onZoom?.(this.zoom),
      fit: () => this.setZoom(DEFAULT_ZOOM, true),
      pickRow: (row: number) => this.options.onPickRow?.(row),
      key: (key: string) => this.key(key),
    };
    if (interactive) {
      const zoomIn = el('button', { text: '+', attrs: { type: 'button', 'aria-label': l10n.t('Zoom in'), title: l10n.t('Zoom in (or wheel, or + on the matrix)') } });
      const zoomOut = el('button', { text: '−', attrs: { type: 'button', 'aria-label': l10n.t('Zoom out'), title: l10n.t('Zoom out') } });
      const reset = el('button', { text: l10n.t('Fit'), attrs: { type: 'button', id: 'zoom-reset', 'aria-label': l10n.t('Fit: show the whole matrix'), title: l10n.t('Show the whole matrix (or double-click)') } });
      zoomIn.addEventListener('click', () => this.zoomBy(2, 0.5, 0.5));
      zoomOut.addEventListener('click', () => this.zoomBy(0.5, 0.5, 0.5));
      reset.addEventListener('click', () => this.setZoom(DEFAULT_ZOOM, true));
      this.keysHelp.textContent = l10n.t('Arrow keys move the crosshair, plus and minus zoom about it, Enter pins the query row, Escape clears the pin, then the zoom.');
      const grid = el('div', { className: 'matrix-grid' },
        el('div', { className: 'axis-corner', text: l10n.t('query ↓ key →') }), this.axes.colStrip, this.axes.rowStrip, this.canvas);
      this.element.append(el('div', { className: 'matrix-toolbar' }, zoomIn, zoomOut, reset, el('span', { className: 'hint', text: l10n.t('Wheel to zoom, drag to pan, arrow keys move the crosshair, Enter pins the row.') }), this.pinState), grid, this.legend.element, this.readout, this.keysHelp);
      listenInteractive(target);
      new ResizeObserver(() => this.layout()).observe(this.element);
    } else {
      this.keysHelp.textContent = l10n.t('Arrow keys move the crosshair, Enter reveals the query token in the editor.');
      this.element.append(this.canvas, this.legend.element, this.readout, this.keysHelp);
      listenKeys(target);
      new ResizeObserver(() => this.render()).observe(this.canvas);
    }
    listenHover(target);
  }

  /** Colour `matrix` ([size, size]) and show it; returns the milliseconds colouring took. */
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

  /**
   * The query row pinned by the user (drawn as a band, said in the toolbar), or none; `label`
   * names its token.
   */
  setPinned(row: number | undefined, label?: string): void {
    this.pinState.textContent = row === undefined ? '' : l10n.t('Pinned row {0} · Escape clears', label ?? `#${row}`);
    this.element.dataset.pinned = row === undefined ? '' : String(row);
    if (row === this.pinned) return;
    this.pinned = row;
    this.render();
  }

  private repaint(): number {
    this.lastDrawMs = this.matrix ? this.renderer.paint(this.matrix, this.size, this.display) : 0;
    this.legend.update(this.display, this.renderer.colorMaxValue);
    this.setZoom(this.zoom);
    return this.lastDrawMs;
  }

  private maxScale(): number {
    return maxScale(this.size, this.canvas.clientWidth);
  }

  private layout(): void {
    const available = this.element.clientWidth - ROW_STRIP - 4;
    const side = Math.max(120, Math.floor(Math.min(available, window.innerHeight * 0.72)));
    for (const [canvas, w, h] of [[this.canvas, side, side], [this.axes.rowStrip, ROW_STRIP, side], [this.axes.colStrip, side, COL_STRIP]] as const) {
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
    }
    this.render();
  }

  /** Draw the visible part of the matrix, the crosshair and the labels. Cheap: no per-cell work. */
  private render(): void {
    const marks = { cursor: this.cursor, marked: this.marked, pinned: this.pinned };
    const size = this.matrix ? this.size : 0;
    if (!this.renderer.render(size, this.zoom, marks) || size === 0) return;
    // Whether the crosshair's cell is on the canvas (for tests of keyboard zoom).
    const span = this.size / this.zoom.scale;
    const c = this.cursor;
    this.element.dataset.cursorVisible = String(!!c && c.col >= this.zoom.x - 1e-6 && c.col + 1 <= this.zoom.x + span + 1e-6 && c.row >= this.zoom.y - 1e-6 && c.row + 1 <= this.zoom.y + span + 1e-6);
    this.element.dataset.zoomed = String(this.zoom.scale > 1);
    if (this.options.interactive) this.element.dataset.labels = this.axes.render(this.canvas.clientWidth, size, this.tokens, this.zoom, marks);
  }

  private setCursor(row: number, col: number): void {
    if (!this.matrix) return;
    this.cursor = { row, col };
    const name = (i: number) => `"${escapedText(this.tokens[i]?.text ?? '')}"`;
    const cell = l10n.t('query #{0} {1} → key #{2} {3}', row, name(row), col, name(col));
    // The number comes exact from the host; until it does, the read-out says it is on its way.
    this.readout.textContent = l10n.t('{0}: weight {1}', cell, '…');
    this.readout.dataset.exact = 'false';
    // Busy: a screen reader announces the read-out once, with its number.
    this.readout.setAttribute('aria-busy', 'true');
    const matrix = this.matrix;
    void this.options.readWeight?.(row, col).then((weight) => {
      if (weight === undefined || this.matrix !== matrix || this.cursor?.row !== row || this.cursor.col !== col) return;
      this.readout.textContent = l10n.t('{0}: weight {1}', cell, weight.toFixed(4));
      this.readout.dataset.exact = 'true';
      this.readout.removeAttribute('aria-busy');
    });
    this.render();
    this.onHoverRow(row);
  }

  private zoomBy(factor: number, fx: number, fy: number): void {
    this.setZoom(zoomAround(this.zoom, this.size, this.maxScale(), factor, fx, fy), true);
  }

  private key(key: string): boolean {
    if (!this.matrix) return false;
    const c = this.cursor ?? { row: Math.floor(this.zoom.y), col: Math.floor(this.zoom.x) };
    const move: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (move[key]) {
      const row = Math.max(0, Math.min(this.size - 1, c.row + move[key][0]));
      const col = Math.max(0, Math.min(this.size - 1, c.col + move[key][1]));
      const visible = keepVisible(this.zoom, this.size, row, col);
      if (visible !== this.zoom) this.setZoom(visible, true);
      this.setCursor(row, col);
      return true;
    }
    if ((key === '+' || key === '=' || key === '-') && this.options.interactive) {
      // About the crosshair, so it stays in view; about the centre before there is one.
      const factor = key === '-' ? 0.5 : 2;
      if (this.cursor) this.setZoom(zoomAroundCell(this.zoom, this.size, this.maxScale(), factor, this.cursor.row, this.cursor.col), true);
      else this.zoomBy(factor, 0.5, 0.5);
      return true;
    }
    if (key === 'Enter' && this.cursor) {
      this.options.onPickRow?.(this.cursor.row);
      return true;
    }
    return false;
  }
}
