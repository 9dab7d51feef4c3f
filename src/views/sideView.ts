/**
 * The side-bar heatmap ("Attention" activity-bar container): the latest run's matrix with layer
 * and head controls. It follows the editor: the token under the cursor gets its row focused.
 * Its layer/head picks go to the shared SelectionState, and it follows changes made elsewhere.
 */
import * as vscode from 'vscode';
import { summarize } from '../attention/attentionRun';
import type { ResultStore } from '../attention/resultStore';
import type { SelectionState } from '../attention/selectionState';
import type { CursorFocus } from '../editor/cursorFocus';
import type { MatrixCache } from '../editor/matrixCache';
import type { StaleTracker } from '../editor/staleTracking';
import {
  MessageType,
  bufferOf,
  parseWebviewMessage,
  type FromWebviewMessage,
  type ToWebviewMessage,
} from '../shared/protocol';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const SIDE_VIEW_ID = 'attentionLens.sideView';

/** What the side view has done so far; for tests and diagnostics. */
export interface SideViewState {
  /** VS Code asked for the view's content (it was opened at least once). */
  readonly resolved: boolean;
  readonly visible: boolean;
  /** The run the webview last reported painting. */
  readonly paintedRunId: number | undefined;
  /** The token index last sent to focus (undefined: none). */
  readonly focusedIndex: number | undefined;
  readonly messagesReceived: number;
}

export class AttentionSideView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private viewDisposables: vscode.Disposable[] = [];
  private paintedRunId: number | undefined;
  private focusedIndex: number | undefined;
  private messagesReceived = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: ResultStore,
    private readonly tracker: StaleTracker,
    private readonly selection: SelectionState,
    private readonly focus: CursorFocus,
    private readonly matrices: MatrixCache,
    private readonly onRevealToken: (runId: number, index: number) => void,
  ) {
    this.disposables.push(
      store.onDidChange(() => this.postLatest()),
      selection.onDidChange(({ selector, source }) => {
        if (source !== 'side') this.post({ type: MessageType.ShowSelection, selector });
      }),
      focus.onDidChange(() => this.postFocus()),
      tracker.onDidChange(() => this.postStale()),
    );
  }

  static register(provider: AttentionSideView): vscode.Disposable {
    return vscode.window.registerWebviewViewProvider(SIDE_VIEW_ID, provider);
  }

  get state(): SideViewState {
    return {
      resolved: this.view !== undefined,
      visible: this.view?.visible ?? false,
      paintedRunId: this.paintedRunId,
      focusedIndex: this.focusedIndex,
      messagesReceived: this.messagesReceived,
    };
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    for (const d of this.viewDisposables.splice(0)) d.dispose();
    this.view = view;
    this.paintedRunId = undefined;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'side');
    this.viewDisposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (message) this.handle(message);
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
        for (const d of this.viewDisposables.splice(0)) d.dispose();
      }),
    );
  }

  private handle(message: FromWebviewMessage): void {
    this.messagesReceived++;
    switch (message.type) {
      case MessageType.Ready:
        this.post({ type: MessageType.ShowSelection, selector: this.selection.selector });
        this.postLatest();
        break;
      case MessageType.RequestMatrix: {
        const run = this.store.get(message.runId);
        const matrix = run && this.matrices.get(run, message.selector);
        if (!run || !matrix) return;
        this.post({
          type: MessageType.ShowMatrix,
          requestId: message.requestId,
          runId: run.runId,
          selector: message.selector,
          size: run.tokens.length,
          data: bufferOf(matrix),
        });
        break;
      }
      case MessageType.SelectionChanged: {
        const run = this.store.latest;
        // Only selections the current model has are taken.
        if (run && (message.layer >= run.model.layers || (typeof message.head === 'number' && message.head >= run.model.heads))) return;
        this.selection.set({ layer: message.layer, head: message.head }, 'side');
        break;
      }
      case MessageType.RevealToken:
        this.onRevealToken(message.runId, message.index);
        break;
      case MessageType.Painted:
        this.paintedRunId = message.runId;
        break;
    }
  }

  private postLatest(): void {
    const run = this.store.latest;
    if (!run) return;
    this.post({ type: MessageType.ShowResult, result: summarize(run) });
    this.postStale();
    this.postFocus();
  }

  private postFocus(): void {
    const run = this.store.latest;
    if (!run) return;
    const focused = this.focus.focused;
    const index = focused && focused.runId === run.runId ? focused.index : undefined;
    this.focusedIndex = index;
    this.post({ type: MessageType.FocusToken, runId: run.runId, index });
  }

  private postStale(): void {
    if (!this.store.latest) return;
    this.post(
      this.tracker.stale
        ? { type: MessageType.ShowStatus, state: 'idle', message: 'The text changed since this analysis: run Show Attention again.' }
        : { type: MessageType.ShowStatus, state: 'idle', message: '' },
    );
  }

  private post(message: ToWebviewMessage): void {
    if (this.view) void this.view.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of [...this.viewDisposables.splice(0), ...this.disposables.splice(0)]) d.dispose();
  }
}
