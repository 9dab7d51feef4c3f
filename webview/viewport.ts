/**
 * The heatmap's viewport, as pure maths: which cells of a T x T matrix are on the canvas at a
 * zoom, where a point of the canvas falls, and how zooming, panning and moving the crosshair
 * change the zoom. No DOM here (the Heatmap class feeds it sizes and pointer fractions), so it
 * is unit-tested directly.
 *
 * A zoom is { scale, x, y }: scale 1 shows the whole matrix, scale n shows size / n cells per
 * side; (x, y) is the top-left visible cell (fractional), key axis and query axis.
 */
import type { Zoom } from './panelState';

/** The zoom that shows the whole matrix. */
export const FIT: Zoom = { scale: 1, x: 0, y: 0 };

/** Zoom in until a cell is this many CSS pixels, no further. */
const MAX_CELL_PX = 48;

/** Cells per side on the canvas at `zoom`. */
export function visibleSpan(size: number, zoom: Zoom): number {
  return size / zoom.scale;
}

/** The largest scale for a canvas `canvasPx` CSS pixels wide: a cell of about MAX_CELL_PX. */
export function maxScale(size: number, canvasPx: number): number {
  return Math.max(1, (size * MAX_CELL_PX) / Math.max(1, canvasPx));
}

/** `zoom` with its scale in [1, maxScale] and the visible square inside the matrix. */
export function clampZoom(zoom: Zoom, size: number, most: number): Zoom {
  const scale = Math.max(1, Math.min(most, zoom.scale));
  const span = size / scale;
  return {
    scale,
    x: Math.max(0, Math.min(size - span, zoom.x)),
    y: Math.max(0, Math.min(size - span, zoom.y)),
  };
}

/**
 * Zooms by `factor` keeping the point at (fx, fy) (fractions of the canvas, 0..1) where it is,
 * as a wheel or a pinch does; the result is clamped.
 */
export function zoomAround(zoom: Zoom, size: number, most: number, factor: number, fx: number, fy: number): Zoom {
  const span = size / zoom.scale;
  const scale = Math.max(1, Math.min(most, zoom.scale * factor));
  const next = size / scale;
  return clampZoom({ scale, x: zoom.x + fx * (span - next), y: zoom.y + fy * (span - next) }, size, most);
}

/** The zoom after dragging by (dx, dy) CSS pixels from `start` on a canvas `canvasPx` wide. */
export function panBy(start: Zoom, size: number, canvasPx: number, dx: number, dy: number, most: number): Zoom {
  const cellsPerPx = size / start.scale / Math.max(1, canvasPx);
  return clampZoom({ scale: start.scale, x: start.x - dx * cellsPerPx, y: start.y - dy * cellsPerPx }, size, most);
}

/** The cell under the point (fx, fy) of the canvas (fractions, 0..1), or undefined outside the matrix. */
export function cellAt(zoom: Zoom, size: number, fx: number, fy: number): { row: number; col: number } | undefined {
  const span = size / zoom.scale;
  const col = Math.floor(zoom.x + fx * span);
  const row = Math.floor(zoom.y + fy * span);
  if (size === 0 || row < 0 || col < 0 || row >= size || col >= size) return undefined;
  return { row, col };
}

/** The least pan of `zoom` that brings cell (row, col) into view. */
export function keepVisible(zoom: Zoom, size: number, row: number, col: number): Zoom {
  const span = size / zoom.scale;
  let { x, y } = zoom;
  if (col < x) x = col;
  if (col + 1 > x + span) x = col + 1 - span;
  if (row < y) y = row;
  if (row + 1 > y + span) y = row + 1 - span;
  return x === zoom.x && y === zoom.y ? zoom : { scale: zoom.scale, x, y };
}

/**
 * Zooms by `factor` about cell (row, col), the keyboard crosshair: the cell keeps its place on
 * the canvas (as zoomAround does for the pointer) and, if clamping moved it, is panned back into
 * view, so zooming from the keyboard never loses the crosshair.
 */
export function zoomAroundCell(zoom: Zoom, size: number, most: number, factor: number, row: number, col: number): Zoom {
  const span = size / zoom.scale;
  const fx = Math.max(0, Math.min(1, (col + 0.5 - zoom.x) / span));
  const fy = Math.max(0, Math.min(1, (row + 0.5 - zoom.y) / span));
  return keepVisible(zoomAround(zoom, size, most, factor, fx, fy), size, row, col);
}
