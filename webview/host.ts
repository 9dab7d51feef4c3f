/**
 * The webview's one channel to the extension host (VS Code's acquireVsCodeApi, or the HTML
 * report's stand-in): typed posts, data requests that resolve with their reply (the latest request
 * of a kind wins, a reply that does not come in time counts as none), paint reports, and the
 * webview's saved state. The panel and the side view both talk to the host through it.
 */
import { PendingRequests } from '../src/shared/pendingRequests';
import {
  MessageType,
  type FromWebviewMessage,
  type ToWebviewMessage,
  type ViewReplies,
  type ViewReply,
  type ViewRequest,
} from '../src/shared/protocol';

interface VsCodeApi<State> {
  postMessage(message: FromWebviewMessage): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

/** A host that has not answered a data request in this long is not going to (ms). */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Messages from the host other than replies to data requests. */
export type HostMessage = Exclude<ToWebviewMessage, ViewReply>;

function isReply(message: ToWebviewMessage): message is ViewReply {
  return (
    message.type === MessageType.ShowMatrix ||
    message.type === MessageType.ShowWeights ||
    message.type === MessageType.ShowThumbnails ||
    message.type === MessageType.ShowQueryMath
  );
}

export class HostChannel<State> {
  private readonly api = acquireVsCodeApi<State>();
  /** Settles a request that lost its reply (superseded, timed out) with no reply. */
  private readonly requests = new PendingRequests<ViewReply | undefined>(() => undefined);
  private paints = 0;

  constructor(onMessage: (message: HostMessage) => void) {
    window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
      const message = event.data;
      if (isReply(message)) this.requests.settle(message.requestId, message);
      else onMessage(message);
    });
  }

  post(message: FromWebviewMessage): void {
    this.api.postMessage(message);
  }

  /**
   * Asks the host for data. Resolves with the reply, or with undefined when a newer request of
   * the same `kind` replaced this one (its reply, should it still come, is dropped) or the host
   * did not answer within REQUEST_TIMEOUT_MS. `onSent` sees the request id (tests read it).
   */
  request<R extends ViewRequest>(kind: string, build: (requestId: number) => R, onSent?: (requestId: number) => void): Promise<ViewReplies[R['type']] | undefined> {
    return this.requests.request(
      (requestId) => {
        this.post(build(requestId));
        onSent?.(requestId);
      },
      { group: kind, timeoutMs: REQUEST_TIMEOUT_MS },
    ) as Promise<ViewReplies[R['type']] | undefined>;
  }

  /** Drops the pending request of `kind`: what it asked for arrived another way. */
  supersede(kind: string): void {
    this.requests.supersede(kind);
  }

  /**
   * Reports a run as painted once the frame is on screen: to the host, with the time since
   * `startedAt` (performance.now() when the data was asked for), and as body data attributes.
   */
  painted(runId: number, startedAt: number): void {
    requestAnimationFrame(() => {
      document.body.dataset.paintedRun = String(runId);
      document.body.dataset.paints = String(++this.paints);
      this.post({ type: MessageType.Painted, runId, paintMs: performance.now() - startedAt });
    });
  }

  getState(): State | undefined {
    return this.api.getState();
  }

  setState(state: State): void {
    this.api.setState(state);
  }
}
