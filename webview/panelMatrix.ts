/**
 * The matrix the panel draws: asked of the host for the shown layer and head (or the rollout),
 * or taken from the result, which brings the first one; then drawn with the sink columns the user
 * hid taken out (rows renormalised). It keeps the matrix as sent beside the one drawn, so hiding
 * or showing sinks redraws without asking again, and reports the paint with the time since the ask.
 */
import { MessageType, matrixFromMessage, type ResultSummary, type ShowMatrixMessage, type ShowResultMessage } from '../src/shared/protocol';
import { hideColumns, sinkColumns } from '../src/shared/renormalize';
import type { Heatmap } from './heatmap';
import type { HostChannel } from './host';
import { hiddenSinks, hostSelector, type PanelState } from './panelState';
import type { PanelContext } from './panelStore';

/** The part of HostChannel this needs. */
export type MatrixHost = Pick<HostChannel<PanelState>, 'request' | 'supersede' | 'painted'>;

export class PanelMatrix {
  /** The matrix as the host sent it, and as drawn (sink columns hidden, rows renormalised): `[T, T]`, row-major. */
  private raw: Float32Array | undefined;
  private shown: Float32Array | undefined;
  /** When the matrix on its way was asked for (performance.now(), ms), for the paint report. */
  private asked = 0;

  /** `onDrawn` runs after a matrix from the host is drawn, before the paint is reported. */
  constructor(
    private readonly panel: PanelContext,
    private readonly host: MatrixHost,
    private readonly heatmap: Pick<Heatmap, 'draw'>,
    private readonly onDrawn: () => void,
  ) {}

  /** The matrix as drawn, `[T, T]`; undefined until one has come for the shown result. */
  get drawn(): Float32Array | undefined {
    return this.shown;
  }

  /** Forgets the previous result's matrix. */
  clear(): void {
    this.raw = undefined;
    this.shown = undefined;
  }

  /** Asks the host for the shown layer and head (or rollout) of the shown result. */
  request(): void {
    const { result, state } = this.panel;
    if (!result) return;
    const { runId } = result;
    this.asked = performance.now();
    document.body.dataset.matrixFrom = 'request';
    // The request id, for tests that answer in the host's place.
    const sent = (requestId: number) => void (document.body.dataset.matrixRequest = String(requestId));
    const reply =
      state.head === 'rollout'
        ? this.host.request('matrix', (requestId) => ({ type: MessageType.RequestRollout, requestId, runId, layer: state.layer, exact: false }), sent)
        : this.host.request('matrix', (requestId) => ({ type: MessageType.RequestMatrix, requestId, runId, selector: hostSelector(state), exact: false }), sent);
    void reply.then((message) => message && this.receive(message));
  }

  /** A new result's first matrix: the one that came with it when it is the one shown, else asked for. */
  showFirst(next: ResultSummary, pushed: ShowResultMessage['matrix']): void {
    const { state } = this.panel;
    const wanted = hostSelector(state);
    if (pushed && state.head !== 'rollout' && pushed.selector.layer === wanted.layer && pushed.selector.head === wanted.head) {
      this.host.supersede('matrix');
      this.asked = performance.now();
      // Where the matrix came from, for tests: with the result, no request round trip.
      document.body.dataset.matrixFrom = 'result';
      this.receive({ type: MessageType.ShowMatrix, requestId: 0, runId: next.runId, selector: pushed.selector, size: next.tokens.length, data: pushed.data, encoding: pushed.encoding });
    } else {
      this.request();
    }
  }

  /** Draws the matrix again with the sinks hidden as the state now says. */
  derive(): void {
    const { result, state } = this.panel;
    if (!result || !this.raw) return;
    const hidden = sinkColumns(result.tokens, hiddenSinks(state));
    this.shown = hidden.length > 0 ? hideColumns(this.raw, result.tokens.length, hidden) : this.raw;
    const ms = this.heatmap.draw(this.shown, result.tokens.length, result.tokens, { mode: state.color, threshold: state.threshold });
    document.body.dataset.drawMs = ms.toFixed(2);
  }

  private receive(message: ShowMatrixMessage): void {
    const { result } = this.panel;
    // Drop replies for a run no longer shown (the channel already dropped replaced requests).
    if (!result || message.runId !== result.runId) return;
    const next = matrixFromMessage(message);
    if (!next || message.size !== result.tokens.length) return;
    this.raw = next;
    // How it crossed (sqrt16 for drawing), for tests.
    document.body.dataset.matrixEncoding = message.encoding;
    this.derive();
    this.onDrawn();
    this.host.painted(result.runId, this.asked);
  }
}
