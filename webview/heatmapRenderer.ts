/**
 * Draws the heatmap canvas: the matrix is coloured once into a T x T image (one pixel per cell,
 * O(T²) typed-array writes, see heatmapPixels); each render only scales the visible part of that
 * image onto the canvas and strokes the marks (focused row, crosshair) on top, so zooming,
 * panning and hovering do no per-cell work.
 */
import { paintPixels, type ColorMode } from '../src/shared/heatmapPixels';
import type { Zoom } from './panelState';
import { cssVar } from './themeColors';

export interface HeatmapDisplay {
  readonly mode: ColorMode;
  readonly threshold: number;
}

/** What is drawn over the matrix: the crosshair cell, the outlined query row, the pinned row. */
export interface HeatmapMarks {
  readonly cursor: { readonly row: number; readonly col: number } | undefined;
  readonly marked: number | undefined;
  readonly pinned?: number | undefined;
}

/** Smallest side of the crosshair's cell box, CSS pixels: visible however small cells get. */
const MIN_BOX_PX = 9;

export class HeatmapRenderer {
  private readonly image = document.createElement('canvas');
  /** The largest weight the colours run up to (the legend's top), from the last colouring. */
  colorMaxValue = 1;

  constructor(readonly canvas: HTMLCanvasElement) {}

  /** Colours `matrix` ([size, size], row-major) into the image; returns the milliseconds it took. */
  paint(matrix: Float32Array, size: number, display: HeatmapDisplay): number {
    const started = performance.now();
    if (this.image.width !== size) this.image.width = size;
    if (this.image.height !== size) this.image.height = size;
    const context = this.image.getContext('2d');
    if (context && size > 0) {
      const image = context.createImageData(size, size);
      this.colorMaxValue = paintPixels(matrix, size, image.data, display);
      context.putImageData(image, 0, 0);
    }
    return performance.now() - started;
  }

  /**
   * Draws the visible part of the image at `zoom` (a matrix of `size` per side) and the marks.
   * Returns false when the canvas is hidden (nothing drawn: it is drawn when shown).
   */
  render(size: number, zoom: Zoom, marks: HeatmapMarks): boolean {
    const ratio = window.devicePixelRatio || 1;
    const cssSide = this.canvas.clientWidth;
    if (cssSide === 0) return false;
    const width = Math.round(cssSide * ratio);
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== width) this.canvas.height = width;
    const context = this.canvas.getContext('2d');
    if (!context) return false;
    context.imageSmoothingEnabled = false;
    context.clearRect(0, 0, width, width);
    if (size === 0) return true;
    const { scale, x, y } = zoom;
    const span = size / scale;
    context.drawImage(this.image, x, y, span, span, 0, 0, width, width);
    const cell = width / span;
    const accent = cssVar('--vscode-focusBorder', '#3794ff');
    const fg = cssVar('--vscode-editor-foreground', '#ccc');
    const bg = cssVar('--vscode-editor-background', '#1e1e1e');
    // Every mark is a line in the theme's foreground (or focus colour) on a wider halo in its
    // background, so it stands out on both the dark and the bright end of the colour scale.
    const twoTone = (draw: () => void, colour: string, px: number) => {
      context.lineWidth = (px + 2) * ratio;
      context.strokeStyle = bg;
      draw();
      context.lineWidth = px * ratio;
      context.strokeStyle = colour;
      draw();
    };
    if (marks.pinned !== undefined) {
      const top = (marks.pinned - y) * cell;
      twoTone(() => context.strokeRect(0, top, width, Math.max(cell, ratio)), accent, 2);
      // A pin tab at the left edge, visible even where the row is one pixel tall.
      context.fillStyle = accent;
      context.fillRect(0, top + cell / 2 - 4 * ratio, 6 * ratio, 8 * ratio);
    }
    if (marks.marked !== undefined && marks.marked !== marks.pinned) {
      twoTone(() => context.strokeRect(0, (marks.marked! - y) * cell, width, cell), accent, 1);
    }
    if (marks.cursor) {
      const cx = (marks.cursor.col - x + 0.5) * cell;
      const cy = (marks.cursor.row - y + 0.5) * cell;
      twoTone(() => {
        context.beginPath();
        context.moveTo(0, cy);
        context.lineTo(width, cy);
        context.moveTo(cx, 0);
        context.lineTo(cx, width);
        context.stroke();
      }, fg, 1);
      const box = Math.max(cell, MIN_BOX_PX * ratio);
      twoTone(() => context.strokeRect(cx - box / 2, cy - box / 2, box, box), accent, 2);
    }
    return true;
  }
}
