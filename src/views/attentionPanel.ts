/**
 * The Attention Lens panel beside the editor. One panel; it shows the store's latest run and
 * whether that run still matches its document (stale, closed), its webview's requests are answered
 * by the shared ViewBackend, it runs models on WebGPU for the engines, and it survives window
 * reloads through a serializer (the webview restores its own settings from its state).
 * Placement: created once beside the active editor; after that revealed in whatever group the user
 * left it, so running from either group never moves it or opens another column.
 */
import * as vscode from 'vscode';
import { summarize } from '../attention/attentionRun';
import type { StaleTracker } from '../editor/staleTracking';
import type { WebGpuPanel } from '../inference/webGpuEngine';
import { MessageType, matrixPayload, parseWebviewMessage, type ExportFormat } from '../shared/protocol';
import { ViewBackend, type ViewContext } from './viewBackend';
import { WebGpuBridge } from './webGpuBridge';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const PANEL_VIEW_TYPE = 'attentionLens.panel';
/** Context key: the panel is open (its Export commands are offered in the palette). */
export const PANEL_OPEN_CONTEXT = 'attentionLens.panelOpen';

/** What the panel needs of the editor side: whether the run still matches its text, and a re-run. */
export type RunTracking = Pick<StaleTracker, 'stale' | 'closed' | 'onDidChange' | 'rerunNow' | 'run'>;

export class AttentionPanel implements vscode.Disposable {
  private static current: AttentionPanel | undefined;
  /** Set once at activation (registerSerializer): both the restored and the created panel use it. */
  private static tracking: RunTracking | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Why the shown head was chosen for the latest run (an automatic choice), re-sent to a webview that loads later. */
  private headNote: string | undefined;
  private readonly backend: ViewBackend;
  private readonly webGpuBridge: WebGpuBridge;
  /** Runs models on WebGPU inside this panel's webview; one object per panel, so engines can key on it. */
  readonly webGpu: WebGpuPanel;

  static show(extensionUri: vscode.Uri, context: ViewContext): AttentionPanel {
    if (AttentionPanel.current) {
      // Where the user put it: no column given keeps it in its group (Beside would move it, or
      // open a third column when run from the right-hand group).
      AttentionPanel.current.panel.reveal(undefined, true);
      return AttentionPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Attention Lens',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(extensionUri),
    );
    return new AttentionPanel(panel, extensionUri, context);
  }

  static registerSerializer(extensionUri: vscode.Uri, context: ViewContext, tracking: RunTracking): vscode.Disposable {
    AttentionPanel.tracking = tracking;
    return vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        panel.webview.options = webviewOptions(extensionUri);
        new AttentionPanel(panel, extensionUri, context);
      },
    });
  }

  /** The open panel, visible or not (a panel in a background tab is open but hidden). */
  static get open(): AttentionPanel | undefined {
    return AttentionPanel.current;
  }

  /** Whether the panel is on screen (not a background tab, not a hidden group). */
  get visible(): boolean {
    return this.panel.visible;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly context: ViewContext,
  ) {
    AttentionPanel.current = this;
    void vscode.commands.executeCommand('setContext', PANEL_OPEN_CONTEXT, true);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'panel');
    const runnerScript = panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webgpu.js')).toString();
    this.backend = new ViewBackend(panel.webview, 'panel', context, {
      onReady: () => this.postLatest(),
      onWebGpuReply: (reply) => this.webGpuBridge.settle(reply),
    });
    const bridge = (this.webGpuBridge = new WebGpuBridge((message) => this.backend.post(message), runnerScript));
    this.webGpu = {
      get visible() {
        return panel.visible;
      },
      run: (request, timeoutMs) => bridge.run(request, timeoutMs),
    };
    this.disposables.push(
      this.backend,
      panel.onDidDispose(() => this.dispose()),
      context.store.onDidChange(() => {
        this.headNote = undefined;
        this.postLatest();
      }),
      context.shownHead.onDidChange(({ selector, source, note }) => {
        this.headNote = note;
        if (source !== 'panel') this.backend.post({ type: MessageType.ShowHead, selector, ...(note === undefined ? {} : { note }) });
      }),
      // The Re-run button; every other message is the backend's.
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        // Looked at by type first: the backend parses every message already, some of them large.
        if (typeof raw !== 'object' || raw === null || (raw as { type?: unknown }).type !== MessageType.Rerun) return;
        const message = parseWebviewMessage(raw);
        if (message?.type === MessageType.Rerun) void this.rerun(message.runId);
      }),
    );
    const tracking = AttentionPanel.tracking;
    if (tracking) this.disposables.push(tracking.onDidChange(() => this.postRunState()));
  }

  focusToken(runId: number, index: number): void {
    this.backend.post({ type: MessageType.FocusToken, runId, index });
  }

  /** Exports the current view as the panel's Export buttons do (the editor title-bar actions). */
  requestExport(format: ExportFormat): void {
    this.panel.reveal(undefined, true);
    this.backend.post({ type: MessageType.RequestExport, format });
  }

  postStatus(state: 'running' | 'error' | 'idle', message: string): void {
    this.backend.post({ type: MessageType.ShowStatus, state, message });
  }

  private async rerun(runId: number): Promise<void> {
    const tracking = AttentionPanel.tracking;
    if (!tracking || tracking.run?.runId !== runId) return;
    const reason = await tracking.rerunNow();
    if (reason) this.postStatus('error', reason);
  }

  /** Whether the shown run still matches its document (the panel's stale banner). */
  private postRunState(): void {
    const run = this.context.store.latest;
    const tracking = AttentionPanel.tracking;
    if (!run || !tracking) return;
    this.backend.post({ type: MessageType.ShowRunState, runId: run.runId, stale: tracking.stale, closed: tracking.closed });
  }

  /** The latest run, with the matrix of the shared layer/head so the panel paints without asking. */
  private postLatest(): void {
    const run = this.context.store.latest;
    if (!run) return;
    const selector = this.context.shownHead.selector;
    const matrix = this.context.matrices.get(run, selector);
    this.backend.post({ type: MessageType.ShowResult, result: summarize(run), matrix: matrix && { selector, ...matrixPayload(matrix, false) } });
    // With the note of an automatic choice, which a webview still loading would otherwise miss.
    this.backend.post({ type: MessageType.ShowHead, selector, ...(this.headNote === undefined ? {} : { note: this.headNote }) });
    this.postRunState();
  }

  dispose(): void {
    if (AttentionPanel.current === this) {
      AttentionPanel.current = undefined;
      void vscode.commands.executeCommand('setContext', PANEL_OPEN_CONTEXT, false);
    }
    this.webGpuBridge.dispose();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
