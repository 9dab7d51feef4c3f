/**
 * The Attention Lens panel beside the editor. One panel; it shows the store's latest run, its
 * webview's requests are answered by the shared ViewBackend, it runs models on WebGPU for the
 * engines, and it survives window reloads through a serializer (the webview restores its own
 * settings from its state).
 */
import * as vscode from 'vscode';
import { summarize } from '../attention/attentionRun';
import type { WebGpuPanel } from '../inference/webGpuEngine';
import { MessageType, bufferOf } from '../shared/protocol';
import { ViewBackend, type ViewContext } from './viewBackend';
import { WebGpuBridge } from './webGpuBridge';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const PANEL_VIEW_TYPE = 'attentionLens.panel';

export class AttentionPanel implements vscode.Disposable {
  private static current: AttentionPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly backend: ViewBackend;
  private readonly webGpuBridge: WebGpuBridge;
  /** Runs models on WebGPU inside this panel's webview; one object per panel, so engines can key on it. */
  readonly webGpu: WebGpuPanel;

  static show(extensionUri: vscode.Uri, context: ViewContext): AttentionPanel {
    if (AttentionPanel.current) {
      AttentionPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
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

  static registerSerializer(extensionUri: vscode.Uri, context: ViewContext): vscode.Disposable {
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

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly context: ViewContext,
  ) {
    AttentionPanel.current = this;
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
      context.store.onDidChange(() => this.postLatest()),
      context.shownHead.onDidChange(({ selector, source }) => {
        if (source !== 'panel') this.backend.post({ type: MessageType.ShowHead, selector });
      }),
    );
  }

  focusToken(runId: number, index: number): void {
    this.backend.post({ type: MessageType.FocusToken, runId, index });
  }

  postStatus(state: 'running' | 'error' | 'idle', message: string): void {
    this.backend.post({ type: MessageType.ShowStatus, state, message });
  }

  /** The latest run, with the matrix of the shared layer/head so the panel paints without asking. */
  private postLatest(): void {
    const run = this.context.store.latest;
    if (!run) return;
    const selector = this.context.shownHead.selector;
    const matrix = this.context.matrices.get(run, selector);
    this.backend.post({ type: MessageType.ShowResult, result: summarize(run), matrix: matrix && { selector, data: bufferOf(matrix) } });
    this.backend.post({ type: MessageType.ShowHead, selector });
  }

  dispose(): void {
    if (AttentionPanel.current === this) AttentionPanel.current = undefined;
    this.webGpuBridge.dispose();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
