/**
 * How pointer and keys move the pinned token and the span, as pure functions from one PanelState
 * to the next (main.ts saves what they return, then reshades), and which tokens that leaves in
 * focus. Kept apart from the DOM so the rules read in one place: shift extends a span from the
 * pinned token, a second click on the pinned token unpins it, Escape steps back one level.
 */
import type { PanelState, Zoom } from './panelState';
import { FIT } from './viewport';

/** The indices start..end, inclusive. */
function range(start: number, end: number): number[] {
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

/** The span from the pinned token to `to` (the caller has checked that a token is pinned). */
function spanTo(state: PanelState, pinned: number, to: number): PanelState {
  return { ...state, span: { start: Math.min(pinned, to), end: Math.max(pinned, to) } };
}

/** A click on token `index`; `extend` (shift held) grows a span from the pinned token. */
export function clickToken(state: PanelState, index: number, extend: boolean): PanelState {
  if (extend && state.pinned !== undefined) return spanTo(state, state.pinned, index);
  return { ...state, pinned: state.pinned === index && !state.span ? undefined : index, span: undefined };
}

/** An arrow key on the token view, as TokenViewEvents.onStep reports it. */
export interface TokenStep {
  readonly delta: number;
  readonly extend: boolean;
  readonly byLine: boolean;
}

/**
 * An arrow key: moves the pin (or, extending, the span's moving end) by `step.delta` tokens, or
 * lines with `step.byLine` (`lineNeighbour` finds the token `delta` lines away). `last` is the
 * last token's index.
 */
export function stepToken(state: PanelState, step: TokenStep, last: number, lineNeighbour: (from: number, delta: number) => number): PanelState {
  const { delta, extend, byLine } = step;
  const from = state.span && extend ? (state.span.end > (state.pinned ?? 0) ? state.span.end : state.span.start) : (state.pinned ?? -1);
  const to = byLine ? (from < 0 ? 0 : lineNeighbour(from, delta)) : Math.max(0, Math.min(last, from + delta));
  if (extend && state.pinned !== undefined) return spanTo(state, state.pinned, to);
  return { ...state, pinned: to, span: undefined };
}

/**
 * Escape's next state: the pin cleared, else the span. Undefined when neither is set (then the
 * matrix zoom is next, see `isZoomed`).
 */
export function clearPinOrSpan(state: PanelState): PanelState | undefined {
  if (state.pinned !== undefined) return { ...state, pinned: undefined };
  if (state.span) return { ...state, span: undefined };
  return undefined;
}

/** Whether the matrix is zoomed or panned away from the whole-matrix fit. */
export function isZoomed(zoom: Zoom): boolean {
  return zoom.scale !== FIT.scale || zoom.x !== FIT.x || zoom.y !== FIT.y;
}

/** The tokens in focus: the hovered one, else the span, else the pinned one; undefined if none. */
export function focusIndices(state: PanelState, hovered: number | undefined): number[] | undefined {
  if (hovered !== undefined) return [hovered];
  if (state.span) return range(state.span.start, state.span.end);
  return state.pinned !== undefined ? [state.pinned] : undefined;
}

/** What the pin and span select: tokens shown selected, the keyboard's active token, the matrix's pinned row. */
export interface PinnedSelection {
  readonly selected: number[];
  /** The moving end of a span, else the pinned token. */
  readonly active: number | undefined;
  readonly row: number | undefined;
}

export function pinnedSelection(state: PanelState): PinnedSelection {
  const span = state.span;
  return {
    selected: span ? range(span.start, span.end) : state.pinned !== undefined ? [state.pinned] : [],
    active: span ? (span.start === state.pinned ? span.end : span.start) : state.pinned,
    row: state.pinned ?? span?.start,
  };
}
