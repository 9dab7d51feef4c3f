/**
 * The host's end of every view webview (the panel and the side view): it reads each message
 * through the protocol's parsers and answers it the same way for both. Data requests (matrix,
 * rollout, thumbnails, query math) are answered from the held run by shared/viewRequests.ts, the
 * same code the standalone HTML report answers with, run in the view worker
 * (attention/viewWorkerClient.ts) so the extension host's thread never does that work; a layer/head picked in a view is checked
 * against the latest run before every view follows it; reveals, exports and paint reports go to
 * the extension. What differs per view (what it is sent when it loads, WebGPU runs) stays in the
 * view's own class, through ViewHooks.
 */
import * as vscode from 'vscode';
import { heldRun } from '../attention/attentionRun';
import type { ResultStore } from '../attention/resultStore';
import type { ShownHead } from '../attention/shownHead';
import type { ViewWorkerClient } from '../attention/viewWorkerClient';
import type { MatrixCache } from '../editor/matrixCache';
import { fitsShape } from '../shared/attentionMath';
import { MessageType, parseWebviewMessage, type FromWebviewMessage, type ToWebviewMessage, type ViewReply, type ViewRequest, type WebGpuReply } from '../shared/protocol';
import { answerViewRequest } from '../shared/viewRequests';
import { saveExport } from './saveExport';

/** The views with a backend (the panel, the side view, attention file editors); each is also the source of the layer/head changes it makes. */
export type ViewName = 'panel' | 'side' | 'file';

/** What every view's backend shares with the rest of the extension. */
export interface ViewContext {
  readonly store: ResultStore;
  /** The layer/head every view shows: views follow it and change it. */
  readonly shownHead: ShownHead;
  /** The editor's recent matrices: a view asking for the one the editor just used gets it at once. */
  readonly matrices: MatrixCache;
  /** Answers the views' data requests and writes JSON exports off the extension host's thread. */
  readonly viewWorker: Pick<ViewWorkerClient, 'answer' | 'exportJson'>;
  revealToken(runId: number, index: number): void;
  /** A view drew a run, `paintMs` after it asked for it (measured in the webview). */
  painted(view: ViewName, runId: number, paintMs: number): void;
}

/** What one view does with the messages only it cares about. */
export interface ViewHooks {
  /** The webview (re)loaded and wants the current result. */
  onReady(): void;
  onWebGpuReply?(reply: WebGpuReply): void;
}

export class ViewBackend implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  /** Messages that passed validation; for tests and diagnostics. */
  messagesReceived = 0;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly name: ViewName,
    private readonly context: ViewContext,
    private readonly hooks: ViewHooks,
  ) {
    this.subscription = webview.onDidReceiveMessage((raw: unknown) => {
      const message = parseWebviewMessage(raw);
      if (message) this.handle(message);
    });
  }

  post(message: ToWebviewMessage): void {
    void this.webview.postMessage(message);
  }

  private handle(message: FromWebviewMessage): void {
    this.messagesReceived++;
    const { store, shownHead } = this.context;
    switch (message.type) {
      case MessageType.Ready:
        this.hooks.onReady();
        break;
      case MessageType.RequestMatrix:
      case MessageType.RequestWeights:
      case MessageType.RequestRollout:
      case MessageType.RequestThumbnails:
      case MessageType.RequestQueryMath:
        void answerDataRequest(this.context, message).then((reply) => reply && this.post(reply));
        break;
      case MessageType.HeadPicked: {
        const selector = { layer: message.layer, head: message.head };
        // Only a layer/head the current model has is shared with the other views.
        const run = store.latest;
        if (run && !fitsShape(selector, run.model.layers, run.model.heads)) return;
        shownHead.set(selector, this.name);
        break;
      }
      case MessageType.RevealToken:
        this.context.revealToken(message.runId, message.index);
        break;
      case MessageType.Painted:
        this.context.painted(this.name, message.runId, message.paintMs);
        break;
      case MessageType.SaveExport: {
        const run = store.get(message.runId);
        if (run) void saveExport(message, run, this.context.viewWorker);
        else void vscode.window.showWarningMessage(vscode.l10n.t('Attention Lens: that result is no longer held; run Show Attention again to export it.'));
        break;
      }
      case MessageType.WebGpuResult:
      case MessageType.WebGpuFailed:
        this.hooks.onWebGpuReply?.(message);
        break;
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/**
 * The answer to a view's data request, or undefined when it names a run no longer held (the
 * webview has a newer result coming) or something outside the run. One head's matrix (a copy of
 * T² floats), a matrix the editor just aggregated, or query rows of either (the exact weights a
 * view reads) is answered on this thread at once; the rest
 * is computed in the view worker (an aggregate costs heads × T², thumbnails and scores
 * layers × heads × T², the rollout T³ per layer), so the extension host never stalls on it.
 */
export async function answerDataRequest(context: Pick<ViewContext, 'store' | 'matrices' | 'viewWorker'>, message: ViewRequest): Promise<ViewReply | undefined> {
  const { store, matrices, viewWorker } = context;
  const run = store.get(message.runId);
  if (!run) return undefined;
  if (message.type === MessageType.RequestMatrix || (message.type === MessageType.RequestWeights && !message.rollout && message.direction === 'to')) {
    const { selector } = message;
    const cached = matrices.peek(run, selector);
    if (cached || typeof selector.head === 'number') return answerViewRequest(heldRun(run), message, cached && (() => cached));
  }
  const reply = await viewWorker.answer(run, message);
  // Dropped when a newer run came in meanwhile.
  return reply && store.get(message.runId) ? reply : undefined;
}
