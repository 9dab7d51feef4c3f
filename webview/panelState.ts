/** What the user set in the panel; saved with setState so it survives hiding and reloads. */
import type { HeadSelector } from '../src/shared/protocol';

export interface PanelState {
  readonly layer: number;
  readonly head: HeadSelector['head'];
  /** Token index the user clicked to pin, if any. */
  readonly pinned: number | undefined;
}

export const DEFAULT_STATE: PanelState = { layer: 0, head: 0, pinned: undefined };

/** Accept a restored state only if it has the right shape; otherwise start fresh. */
export function restoreState(raw: unknown): PanelState {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_STATE;
  const { layer, head, pinned } = raw as Record<string, unknown>;
  const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  return {
    layer: isIndex(layer) ? layer : 0,
    head: head === 'mean' || head === 'max' || isIndex(head) ? head : 0,
    pinned: isIndex(pinned) ? pinned : undefined,
  };
}

/** Clamp a state to what a result offers (a new result may have fewer layers or heads). */
export function fitState(state: PanelState, layers: number, heads: number, tokens: number): PanelState {
  return {
    layer: Math.min(state.layer, Math.max(0, layers - 1)),
    head: typeof state.head === 'number' ? Math.min(state.head, Math.max(0, heads - 1)) : state.head,
    pinned: state.pinned !== undefined && state.pinned < tokens ? state.pinned : undefined,
  };
}
