/** What the user set in the panel; saved with setState so it survives hiding, reloads and restarts. */
import { clampSelector } from '../src/shared/attentionMath';
import type { ColorMode } from '../src/shared/heatmapPixels';
import {
  HEAD_SCORE_NAMES,
  between,
  bool,
  either,
  fields,
  headChoice,
  index,
  oneOf,
  record,
  type HeadScoreName,
  type HeadSelector,
  type Reader,
  type SinkSelection,
} from '../src/shared/protocol';
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

const span: Reader<{ start: number; end: number }> = (value) => {
  const read = fields({ start: index, end: index })(value);
  return read && read.start <= read.end ? read : undefined;
};

const zoom: Reader<Zoom> = fields({ scale: between(1, Infinity), x: between(0, Infinity), y: between(0, Infinity) });

/**
 * Accept a restored state field by field, with the readers that check messages; anything
 * malformed falls back to its default.
 */
export function restoreState(raw: unknown): PanelState {
  const r = record(raw);
  if (!r) return DEFAULT_STATE;
  const d = DEFAULT_STATE;
  return {
    layer: index(r.layer) ?? d.layer,
    head: either(headChoice, oneOf(['rollout'] as const))(r.head) ?? d.head,
    pinned: index(r.pinned),
    span: span(r.span),
    spanMode: oneOf(['sum', 'mean'] as const)(r.spanMode) ?? d.spanMode,
    tab: oneOf(VIEW_TABS)(r.tab) ?? d.tab,
    direction: oneOf(['to', 'from'] as const)(r.direction) ?? d.direction,
    threshold: between(0, 1)(r.threshold) ?? d.threshold,
    hideFirst: bool(r.hideFirst) ?? d.hideFirst,
    hideSpecial: bool(r.hideSpecial) ?? d.hideSpecial,
    color: oneOf(['sqrt', 'linear', 'row'] as const)(r.color) ?? d.color,
    zoom: zoom(r.zoom) ?? d.zoom,
    sort: oneOf<SortKey>(['layer', ...HEAD_SCORE_NAMES])(r.sort) ?? d.sort,
    pool: oneOf(['max', 'mean'] as const)(r.pool) ?? d.pool,
    mathAll: bool(r.mathAll) ?? d.mathAll,
  };
}

/** Clamp a state to what a result offers (a new result may have fewer layers, heads or tokens). */
export function fitState(state: PanelState, layers: number, heads: number, tokens: number): PanelState {
  const spanFits = state.span !== undefined && state.span.end < tokens;
  const fitted = clampSelector(hostSelector(state), layers, heads);
  const zoomFits = state.zoom.x < tokens && state.zoom.y < tokens && state.zoom.scale <= Math.max(1, tokens);
  return {
    ...state,
    layer: fitted.layer,
    head: state.head === 'rollout' ? 'rollout' : fitted.head,
    pinned: state.pinned !== undefined && state.pinned < tokens ? state.pinned : undefined,
    span: spanFits ? state.span : undefined,
    zoom: zoomFits ? state.zoom : DEFAULT_ZOOM,
  };
}

/** The selector the host understands for a choice ('rollout' is asked for separately). */
export function hostSelector(state: Pick<PanelState, 'layer' | 'head'>): HeadSelector {
  return { layer: state.layer, head: state.head === 'rollout' ? 'mean' : state.head };
}

/** The sink keys hidden from the drawn matrix (and so from every weight read from it). */
export function hiddenSinks(state: Pick<PanelState, 'hideFirst' | 'hideSpecial'>): SinkSelection {
  return { first: state.hideFirst, special: state.hideSpecial };
}
