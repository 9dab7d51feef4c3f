/**
 * Pointer and keyboard input on the heatmap canvas, turned into viewport actions: hover moves the
 * crosshair, the wheel zooms about the pointer, a drag pans, a click (not a drag) picks a row, a
 * double-click fits the matrix; arrow keys move the crosshair, + and − zoom, Enter picks the row.
 * The maths is in viewport.ts; this file only reads events.
 */
import type { Zoom } from './panelState';

/** What the input asks of the heatmap. Points are fractions (0..1) of the canvas. */
export interface HeatmapInputTarget {
  readonly canvas: HTMLCanvasElement;
  /** The cell under a point of the canvas, if any. */
  cellAt(fx: number, fy: number): { row: number; col: number } | undefined;
  hover(cell: { row: number; col: number } | undefined): void;
  zoomBy(factor: number, fx: number, fy: number): void;
  /** The zoom a drag starts from, and the pan by (dx, dy) CSS pixels from it (not yet committed). */
  currentZoom(): Zoom;
  panFrom(start: Zoom, dx: number, dy: number): void;
  /** A pan or zoom is finished: tell whoever saves it. */
  commitZoom(): void;
  fit(): void;
  pickRow(row: number): void;
  /** A key on the focused canvas; returns true when it was used. */
  key(key: string): boolean;
}

function fraction(canvas: HTMLCanvasElement, e: MouseEvent): [number, number] {
  const rect = canvas.getBoundingClientRect();
  return [(e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height];
}

/** Hover only (the narrow side view: no zoom, no drag). */
export function listenHover(target: HeatmapInputTarget): void {
  const { canvas } = target;
  canvas.addEventListener('mousemove', (e) => {
    const cell = target.cellAt(...fraction(canvas, e));
    if (cell) target.hover(cell);
  });
  canvas.addEventListener('mouseleave', () => target.hover(undefined));
}

/** Wheel zoom, drag to pan, click to pick a row, double-click to fit, and the keys. */
export function listenInteractive(target: HeatmapInputTarget): void {
  const { canvas } = target;
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    target.zoomBy(Math.pow(1.2, -e.deltaY / 100), ...fraction(canvas, e));
  }, { passive: false });
  let drag: { x: number; y: number; zoom: Zoom; moved: boolean } | undefined;
  canvas.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, zoom: target.currentZoom(), moved: false };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    drag.moved = true;
    target.panFrom(drag.zoom, dx, dy);
  });
  canvas.addEventListener('pointerup', (e) => {
    const wasDrag = drag?.moved;
    drag = undefined;
    if (wasDrag) {
      target.commitZoom();
      return;
    }
    const cell = target.cellAt(...fraction(canvas, e));
    if (cell) target.pickRow(cell.row);
  });
  canvas.addEventListener('dblclick', () => target.fit());
  listenKeys(target);
}

/** Keys on the focused canvas (both views; the target decides what each key does). */
export function listenKeys(target: HeatmapInputTarget): void {
  target.canvas.addEventListener('keydown', (e) => {
    if (!e.altKey && !e.ctrlKey && !e.metaKey && target.key(e.key)) e.preventDefault();
  });
}
