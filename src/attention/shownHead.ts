/**
 * The layer and head (or aggregate) every view shows: the panel, the side view, hovers and the
 * editor shading all read this one choice, and any of them may change it. (Not the editor's text
 * selection: this is which layer and head are shown.)
 * No `vscode` import: the event has vscode.Event's shape, so it is unit-tested directly.
 */
import { clampSelector } from '../shared/attentionMath';
import type { HeadSelector } from '../shared/protocol';
import { ENGLISH, type Translator } from '../shared/translator';

export type ShownHeadSource = 'panel' | 'side' | 'file' | 'settings' | 'run' | 'api' | 'informative';

export interface ShownHeadChange {
  readonly selector: HeadSelector;
  readonly source: ShownHeadSource;
  /** Why the selection moved, for the user (e.g. the run's most informative head). */
  readonly note?: string;
}

interface Disposable {
  dispose(): void;
}

type Listener<T> = (value: T) => unknown;

/** The selector a new view starts with, from the `defaultAggregate` setting. */
export function defaultSelector(aggregate: 'head' | 'mean' | 'max'): HeadSelector {
  return { layer: 0, head: aggregate === 'head' ? 0 : aggregate };
}

export function sameSelector(a: HeadSelector, b: HeadSelector): boolean {
  return a.layer === b.layer && a.head === b.head;
}

/** "layer 2 · head 1" or "layer 2 · mean of heads"; `l10n` words it in the display language. */
export function describeSelector(selector: HeadSelector, l10n: Translator = ENGLISH): string {
  if (typeof selector.head === 'number') return l10n.t('layer {0} · head {1}', selector.layer, selector.head);
  return selector.head === 'mean' ? l10n.t('layer {0} · mean of heads', selector.layer) : l10n.t('layer {0} · max of heads', selector.layer);
}

export class ShownHead implements Disposable {
  private current: HeadSelector;
  private readonly listeners = new Set<Listener<ShownHeadChange>>();

  constructor(initial: HeadSelector = { layer: 0, head: 0 }) {
    this.current = initial;
  }

  get selector(): HeadSelector {
    return this.current;
  }

  /** Fires after the choice changed (not when set to the same value). */
  readonly onDidChange = (listener: Listener<ShownHeadChange>, thisArgs?: unknown, disposables?: Disposable[]): Disposable => {
    const bound: Listener<ShownHeadChange> = thisArgs === undefined ? listener : (v) => listener.call(thisArgs, v);
    this.listeners.add(bound);
    const subscription = { dispose: () => void this.listeners.delete(bound) };
    disposables?.push(subscription);
    return subscription;
  };

  /** Sets the choice; returns whether it changed. `note` says why, for the views to show. */
  set(selector: HeadSelector, source: ShownHeadSource, note?: string): boolean {
    if (sameSelector(selector, this.current)) return false;
    this.current = { layer: selector.layer, head: selector.head };
    const change: ShownHeadChange = note === undefined ? { selector: this.current, source } : { selector: this.current, source, note };
    for (const listener of [...this.listeners]) listener(change);
    return true;
  }

  /** Keeps the choice inside a run's shape. */
  fit(layers: number, heads: number): void {
    this.set(clampSelector(this.current, layers, heads), 'run');
  }

  dispose(): void {
    this.listeners.clear();
  }
}
