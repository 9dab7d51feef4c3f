/**
 * The panel's state (what the user set, saved with setState) and the result it shows, on one
 * object that main.ts creates and hands to the modules that read them. An object rather than
 * module variables, so each module says what it reads (PanelContext) and main.ts stays the only
 * writer.
 */
import type { ResultSummary } from '../src/shared/protocol';
import type { PanelState } from './panelState';

/** What the panel's modules read: the user's settings and the shown result (none before the first run). */
export interface PanelContext {
  readonly state: PanelState;
  readonly result: ResultSummary | undefined;
}

export class PanelStore implements PanelContext {
  /** The result shown; replaced whole when the host sends a new one. */
  result: ResultSummary | undefined;
  private current: PanelState;

  /** `persist` sees every saved state (the webview's setState, the folded options' line). */
  constructor(
    initial: PanelState,
    private readonly persist: (state: PanelState) => void,
  ) {
    this.current = initial;
  }

  get state(): PanelState {
    return this.current;
  }

  /** Replaces the state and persists it. */
  save(next: PanelState): void {
    this.current = next;
    this.persist(next);
  }
}
