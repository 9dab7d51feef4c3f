/** What the user set in the panel; saved with setState so it survives hiding, reloads and restarts. */
import type { ColorMode } from '../src/shared/heatmapPixels';
import { HEAD_SCORE_NAMES, type HeadScoreName, type HeadSelector } from '../src/shared/protocol';
import type { Direction, SpanMode } from '../src/shared/renormalize';

/** A head, an aggregate over the heads of a layer, or the rollout through layers 0..layer. */
export type HeadChoice = HeadSelector['head'] | 'rollout';
export type ViewTab = 'tokens' | 'matrix' | 'model' | 'math';
export const VIEW_TABS: readonly ViewTab[] = ['tokens', 'matrix', 'model', 'math'];
export type SortKey = 'layer' | HeadScoreName;

export interface Zoom {
  /** 1 = the whole matrix fits; n = 1/n of it per side. */
  readonly scale: number;
  /** Top-left visible cell (fractional), key and query axes. */
  readonly x: number;
  readonly y: number;
}

export interface PanelState {
  readonly layer: number;
  readonly head: HeadChoice;
  /** Token index the user clicked to pin, if any. */
  readonly pinned: number | undefined;
  /** A span of tokens (shift-click), inclusive; shades the sum or mean of their attention. */
  readonly span: { readonly start: number; readonly end: number } | undefined;
  readonly spanMode: SpanMode;
  readonly tab: ViewTab;
  /** 'to': what the focused token attends to (its row); 'from': what attends to it (its column). */
  readonly direction: Direction;
  /** Weights below this are not drawn. */
  readonly threshold: number;
  readonly hideFirst: boolean;
  readonly hideSpecial: boolean;
  readonly color: ColorMode;
  readonly zoom: Zoom;
  readonly sort: SortKey;
  readonly pool: 'max' | 'mean';
  /** Math view: every key instead of the strongest ones. */
  readonly mathAll: boolean;
}

export const DEFAULT_ZOOM: Zoom = { scale: 1, x: 0, y: 0 };

export const DEFAULT_STATE: PanelState = {
  layer: 0,
  head: 0,
  pinned: undefined,
  span: undefined,
  spanMode: 'sum',
  tab: 'tokens',
  direction: 'to',
  threshold: 0,
  hideFirst: false,
  hideSpecial: false,
  color: 'sqrt',
  zoom: DEFAULT_ZOOM,
  sort: 'layer',
  pool: 'max',
  mathAll: false,
};

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
function oneOf<T extends string>(value: unknown, options: readonly T[], fallback: T): T {
  return options.includes(value as T) ? (value as T) : fallback;
}

function restoreZoom(raw: unknown): Zoom {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_ZOOM;
  const { scale, x, y } = raw as Record<string, unknown>;
  if (!isFiniteNumber(scale) || !isFiniteNumber(x) || !isFiniteNumber(y) || scale < 1 || x < 0 || y < 0) return DEFAULT_ZOOM;
  return { scale, x, y };
}

/** Accept a restored state field by field; anything malformed falls back to its default. */
export function restoreState(raw: unknown): PanelState {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_STATE;
  const r = raw as Record<string, unknown>;
  const span = r.span as Record<string, unknown> | undefined;
  return {
    layer: isIndex(r.layer) ? r.layer : 0,
    head: r.head === 'mean' || r.head === 'max' || r.head === 'rollout' || isIndex(r.head) ? r.head : 0,
    pinned: isIndex(r.pinned) ? r.pinned : undefined,
    span: typeof span === 'object' && span !== null && isIndex(span.start) && isIndex(span.end) && span.start <= span.end ? { start: span.start, end: span.end } : undefined,
    spanMode: oneOf(r.spanMode, ['sum', 'mean'], 'sum'),
    tab: oneOf(r.tab, VIEW_TABS, 'tokens'),
    direction: oneOf(r.direction, ['to', 'from'], 'to'),
    threshold: isFiniteNumber(r.threshold) && r.threshold >= 0 && r.threshold <= 1 ? r.threshold : 0,
    hideFirst: r.hideFirst === true,
    hideSpecial: r.hideSpecial === true,
    color: oneOf(r.color, ['sqrt', 'linear', 'row'], 'sqrt'),
    zoom: restoreZoom(r.zoom),
    sort: oneOf<SortKey>(r.sort, ['layer', ...HEAD_SCORE_NAMES], 'layer'),
    pool: oneOf(r.pool, ['max', 'mean'], 'max'),
    mathAll: r.mathAll === true,
  };
}

/** Clamp a state to what a result offers (a new result may have fewer layers, heads or tokens). */
export function fitState(state: PanelState, layers: number, heads: number, tokens: number): PanelState {
  const spanFits = state.span !== undefined && state.span.end < tokens;
  const zoomFits = state.zoom.x < tokens && state.zoom.y < tokens && state.zoom.scale <= Math.max(1, tokens);
  return {
    ...state,
    layer: Math.min(state.layer, Math.max(0, layers - 1)),
    head: typeof state.head === 'number' ? Math.min(state.head, Math.max(0, heads - 1)) : state.head,
    pinned: state.pinned !== undefined && state.pinned < tokens ? state.pinned : undefined,
    span: spanFits ? state.span : undefined,
    zoom: zoomFits ? state.zoom : DEFAULT_ZOOM,
  };
}

/** The selector the host understands for a choice ('rollout' is asked for separately). */
export function hostSelector(state: Pick<PanelState, 'layer' | 'head'>): HeadSelector {
  return { layer: state.layer, head: state.head === 'rollout' ? 'mean' : state.head };
}
