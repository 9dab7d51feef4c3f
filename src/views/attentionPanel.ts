/**
 * The Attention Lens panel beside the editor. One panel; it shows the store's latest run,
 * answers the webview's matrix requests with ArrayBuffers, and survives window reloads
 * through a serializer (the webview restores its own settings from its state).
 */
import * as vscode from 'vscode';
import { summarize } from '../attention/attentionRun';
import type { SelectionState } from '../attention/selectionState';
import { answerMatrixRequest } from '../shared/resultResponder';
import type { ResultStore } from '../attention/resultStore';
import type { AttentionRun } from '../attention/attentionRun';
import { answerViewRequest, type HeldRun } from '../shared/viewResponder';
import { saveExport } from './saveExport';
import {
  MessageType,
  parseWebviewMessage,
  type FromWebviewMessage,
  type ToWebviewMessage,
} from '../shared/protocol';
import type { WebGpuPanel } from '../inference/webGpuEngine';
import { WebGpuBridge } from './webGpuBridge';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const PANEL_VIEW_TYPE = 'attentionLens.panel';

export interface PanelEvents {
  /** The layer/head selection all views share: the panel follows it and updates it. */
  readonly selection: SelectionState;
  /** The webview drew a run; for timings. */
  onPainted(runId: number, paintMs: number): void;
  onRevealToken(runId: number, index: number): void;
}

export class AttentionPanel implements vscode.Disposable {
  private static current: AttentionPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly webGpuBridge: WebGpuBridge;
  /** Runs models on WebGPU inside this panel's webview; one object per panel, so engines can key on it. */
  readonly webGpu: WebGpuPanel;

  static show(extensionUri: vscode.Uri, store: ResultStore, events: PanelEvents): AttentionPanel {
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
    return new AttentionPanel(panel, extensionUri, store, events);
  }

  static registerSerializer(extensionUri: vscode.Uri, store: ResultStore, events: PanelEvents): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        panel.webview.options = webviewOptions(extensionUri);
        new AttentionPanel(panel, extensionUri, store, events);
      },
    });
  }

  static get visible(): AttentionPanel | undefined {
    return AttentionPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly store: ResultStore,
    private readonly events: PanelEvents,
  ) {
    AttentionPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'panel');
    const runnerScript = panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webgpu.js')).toString();
    const bridge = (this.webGpuBridge = new WebGpuBridge((message) => this.post(message), runnerScript));
    this.webGpu = {
      get visible() {
        return panel.visible;
      },
      run: (request, timeoutMs) => bridge.run(request, timeoutMs),
    };
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (message) this.handle(message);
      }),
      store.onDidChange(() => this.postLatest()),
      events.selection.onDidChange(({ selector, source }) => {
        if (source !== 'panel') this.post({ type: MessageType.ShowSelection, selector });
      }),
    );
  }

  focusToken(runId: number, index: number): void {
    this.post({ type: MessageType.FocusToken, runId, index });
  }

  postStatus(state: 'running' | 'error' | 'idle', message: string): void {
    this.post({ type: MessageType.ShowStatus, state, message });
  }

  private postLatest(): void {
    const run = this.store.latest;
    if (!run) return;
    const selector = this.events.selection.selector;
    const reply = answerMatrixRequest(run, { type: MessageType.RequestMatrix, requestId: 0, runId: run.runId, selector });
    this.post({ type: MessageType.ShowResult, result: summarize(run), matrix: reply && { selector, data: reply.data } });
    this.post({ type: MessageType.ShowSelection, selector });
  }

  private handle(message: FromWebviewMessage): void {
    switch (message.type) {
      case MessageType.Ready:
        this.postLatest();
        break;
      case MessageType.RequestMatrix: {
        // Requests for an older run get no answer: the webview already has a newer result coming.
        const run = this.store.get(message.runId);
        const reply = run && answerMatrixRequest(run, message);
        if (reply) this.post(reply);
        break;
      }
      case MessageType.RequestRollout:
      case MessageType.RequestThumbnails:
      case MessageType.RequestQueryMath: {
        const run = this.store.get(message.runId);
        const reply = run && answerViewRequest(heldRun(run), message);
        if (reply) this.post(reply);
        break;
      }
      case MessageType.SelectionChanged:
        this.events.selection.set({ layer: message.layer, head: message.head }, 'panel');
        break;
      case MessageType.RevealToken:
        this.events.onRevealToken(message.runId, message.index);
        break;
      case MessageType.Painted:
        this.events.onPainted(message.runId, message.paintMs);
        break;
      case MessageType.SaveExport: {
        const run = this.store.get(message.runId);
        if (run) void saveExport(message, run);
        else void vscode.window.showWarningMessage('Attention Lens: that result is no longer held; run Show Attention again to export it.');
        break;
      }
      case MessageType.WebGpuResult:
      case MessageType.WebGpuFailed:
        this.webGpuBridge.settle(message);
        break;
    }
  }

  private post(message: ToWebviewMessage): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (AttentionPanel.current === this) AttentionPanel.current = undefined;
    this.webGpuBridge.dispose();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** What the view responder needs of a run. */
function heldRun(run: AttentionRun): HeldRun {
  return { runId: run.runId, tokens: run.tokens, attention: run.attention, vectors: run.vectors, causal: run.model.causal };
}
