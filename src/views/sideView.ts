/**
 * The side-bar heatmap ("Attention" activity-bar container): the latest run's matrix with layer
 * and head controls. It follows the editor: the token under the cursor gets its row focused.
 * Its layer/head picks go to the shared ShownHead, and it follows changes made elsewhere;
 * its webview's requests are answered by the shared ViewBackend.
 */
import * as vscode from 'vscode';
import { summarize } from '../attention/attentionRun';
import type { CursorFocus } from '../editor/cursorFocus';
import type { StaleTracker } from '../editor/staleTracking';
import { MessageType, type ToWebviewMessage } from '../shared/protocol';
import { ViewBackend, type ViewContext } from './viewBackend';
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
  private backend: ViewBackend | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private viewDisposables: vscode.Disposable[] = [];
  private paintedRunId: number | undefined;
  private focusedIndex: number | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly context: ViewContext,
    private readonly tracker: StaleTracker,
    private readonly focus: CursorFocus,
  ) {
    this.disposables.push(
      context.store.onDidChange(() => this.postLatest()),
      context.shownHead.onDidChange(({ selector, source }) => {
        if (source !== 'side') this.post({ type: MessageType.ShowHead, selector });
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
      messagesReceived: this.backend?.messagesReceived ?? 0,
    };
  }

  /** Called by the view backend when this view reports a paint. */
  painted(runId: number): void {
    this.paintedRunId = runId;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    for (const d of this.viewDisposables.splice(0)) d.dispose();
    this.view = view;
    this.paintedRunId = undefined;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'side');
    const backend = (this.backend = new ViewBackend(view.webview, 'side', this.context, {
      onReady: () => {
        this.post({ type: MessageType.ShowHead, selector: this.context.shownHead.selector });
        this.postLatest();
      },
    }));
    this.viewDisposables.push(
      backend,
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
        for (const d of this.viewDisposables.splice(0)) d.dispose();
      }),
    );
  }

  private postLatest(): void {
    const run = this.context.store.latest;
    if (!run) return;
    this.post({ type: MessageType.ShowResult, result: summarize(run) });
    this.postStale();
    this.postFocus();
  }

  private postFocus(): void {
    const run = this.context.store.latest;
    if (!run) return;
    const focused = this.focus.focused;
    const index = focused && focused.runId === run.runId ? focused.index : undefined;
    this.focusedIndex = index;
    this.post({ type: MessageType.FocusToken, runId: run.runId, index });
  }

  private postStale(): void {
    if (!this.context.store.latest) return;
    this.post(
      this.tracker.stale
        ? { type: MessageType.ShowStatus, state: 'idle', message: vscode.l10n.t('The text changed since this analysis: run Show Attention again.') }
        : { type: MessageType.ShowStatus, state: 'idle', message: '' },
    );
  }

  private post(message: ToWebviewMessage): void {
    if (this.view) this.backend?.post(message);
  }

  dispose(): void {
    for (const d of [...this.viewDisposables.splice(0), ...this.disposables.splice(0)]) d.dispose();
  }
}
