/**
 * What the Model and Math views draw, asked of the host: every head's thumbnail and scores (asked
 * again only when the run, the pooling or the hidden sinks change) and one query's math for the
 * shown head. Replies for a run no longer shown are dropped; the body's data attributes say which
 * run each view last drew, for tests.
 */
import { HEAD_SCORE_NAMES, MessageType, floatsFromBuffer, type ShowQueryMathMessage, type ShowThumbnailsMessage } from '../src/shared/protocol';
import type { HostChannel } from './host';
import { l10n } from './l10n';
import type { MathView } from './mathView';
import { THUMB_SIDE, type ModelView } from './modelView';
import { hiddenSinks, type PanelState } from './panelState';
import type { PanelContext } from './panelStore';

/** The part of HostChannel these need. */
export type ViewDataHost = Pick<HostChannel<PanelState>, 'request' | 'supersede'>;

/** The Model view's thumbnails and head scores. */
export class ThumbnailRequests {
  /** What the thumbnails shown (or on their way) were asked for; see `key`. */
  private askedFor: string | undefined;

  constructor(
    private readonly panel: PanelContext,
    private readonly host: ViewDataHost,
    private readonly modelView: Pick<ModelView, 'clear' | 'show' | 'select'>,
  ) {}

  /** Whether the thumbnails asked for last are not those of the shown run and settings. */
  get stale(): boolean {
    return this.askedFor !== this.key();
  }

  /** Forgets what was asked for (a new result). */
  forget(): void {
    this.askedFor = undefined;
  }

  /** Clears the Model view and asks for the shown run's thumbnails. */
  request(): void {
    const { result, state } = this.panel;
    if (!result) return;
    const { runId } = result;
    this.modelView.clear();
    this.askedFor = this.key();
    const sinks = hiddenSinks(state);
    void this.host
      .request('thumbnails', (requestId) => ({ type: MessageType.RequestThumbnails, requestId, runId, side: THUMB_SIDE, pool: state.pool, sinks }))
      .then((message) => message && this.receive(message));
  }

  private key(): string {
    const { result, state } = this.panel;
    return `${result?.runId}:${state.pool}:${state.hideFirst}:${state.hideSpecial}`;
  }

  private receive(message: ShowThumbnailsMessage): void {
    const { result, state } = this.panel;
    if (!result || message.runId !== result.runId) return;
    const cells = message.layers * message.heads;
    const data = floatsFromBuffer(message.data, cells * message.side * message.side);
    const scores = floatsFromBuffer(message.scores, cells * HEAD_SCORE_NAMES.length);
    if (!data || !scores) return;
    this.modelView.show({ layers: message.layers, heads: message.heads, side: message.side, data, scores }, result.tokens.length);
    this.modelView.select(state.layer, state.head);
    document.body.dataset.thumbsRun = String(result.runId);
  }
}

/** The Math view's query: the pinned token, else the span's first, else the last token. */
function mathQuery(panel: PanelContext): number {
  const { state, result } = panel;
  return state.pinned ?? state.span?.start ?? Math.max(0, (result?.tokens.length ?? 1) - 1);
}

/** The Math view's one query, for the shown head. */
export class MathRequests {
  constructor(
    private readonly panel: PanelContext,
    private readonly host: ViewDataHost,
    private readonly mathView: Pick<MathView, 'message' | 'setQuery' | 'show'>,
  ) {}

  /** Asks for the math of the query in focus; an aggregate or the rollout gets a message instead. */
  request(): void {
    const { result, state } = this.panel;
    if (!result) return;
    if (typeof state.head !== 'number') {
      this.host.supersede('math');
      this.mathView.message(l10n.t('The math view shows one head: pick a head number (not an aggregate) in the Head control, or click a thumbnail in the Model view.'));
      return;
    }
    const { runId } = result;
    const { layer, head } = state;
    const query = mathQuery(this.panel);
    this.mathView.setQuery(query);
    void this.host
      .request('math', (requestId) => ({ type: MessageType.RequestQueryMath, requestId, runId, layer, head, query }))
      .then((message) => message && this.receive(message));
  }

  private receive(message: ShowQueryMathMessage): void {
    const { result } = this.panel;
    if (!result || message.runId !== result.runId) return;
    this.mathView.show(message);
    document.body.dataset.mathRun = String(result.runId);
  }
}
