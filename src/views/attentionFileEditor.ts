/**
 * The custom editor for attention files (*.attention.safetensors, *.attention.json): the panel's
 * views on the file's result, in the editor's own tab. Each tab answers its webview from a store
 * holding only its own result, so it keeps working whatever runs later; the result is also
 * published to the extension's store when the tab opens or comes to the front, so hover, shading,
 * the side view and the panel show it as they show a run. A cross-attention file gets the cross
 * view instead (webview/cross/), and is not published: it is not a run. A file that does not read
 * gets a tab with the reader's message only.
 */
import * as vscode from 'vscode';
import { summarize, type AttentionRun } from '../attention/attentionRun';
import { loadAttentionFile, type LoadedAttentionFile } from '../attention/attentionFileLoad';
import { ResultStore } from '../attention/resultStore';
import type { AttentionFile } from '../shared/attentionFile';
import { fileTokens } from '../shared/fileTokens';
import { MessageType, bufferOf, matrixPayload, parseWebviewMessage } from '../shared/protocol';
import { saveFigure } from './saveExport';
import { ViewBackend, type ViewContext } from './viewBackend';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const ATTENTION_FILE_VIEW_TYPE = 'attentionLens.attentionFile';

type SelfAttentionFile = Extract<LoadedAttentionFile, { kind: 'self' }>;

/** One opened file: its result, or why it could not be read. */
class AttentionFileDocument implements vscode.CustomDocument {
  constructor(
    readonly uri: vscode.Uri,
    readonly loaded: LoadedAttentionFile | { readonly error: string },
  ) {}

  dispose(): void {}
}

/** What the editors have done, for tests and diagnostics. */
export interface AttentionFileEditorState {
  /** Files read without error since activation. */
  readonly opened: number;
  /** The message of the last file that could not be read. */
  readonly lastError: string | undefined;
  /** The note of the last result shown (why its tokens stand alone), if any. */
  readonly lastNote: string | undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class AttentionFileEditorProvider implements vscode.CustomReadonlyEditorProvider<AttentionFileDocument> {
  /** Files the Open command already read and checked, handed to the editor it opens. */
  private readonly preloaded = new Map<string, LoadedAttentionFile>();
  /** The result each open file's tabs show, by URI. */
  private readonly shown = new Map<string, LoadedAttentionFile>();
  private opened = 0;
  private lastError: string | undefined;
  private lastNote: string | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly context: ViewContext,
  ) {}

  static register(provider: AttentionFileEditorProvider): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(ATTENTION_FILE_VIEW_TYPE, provider, {
      supportsMultipleEditorsPerDocument: true,
    });
  }

  get state(): AttentionFileEditorState {
    return { opened: this.opened, lastError: this.lastError, lastNote: this.lastNote };
  }

  /** Records a failed read and tells the user, with the reader's message. */
  failed(message: string): void {
    this.lastError = message;
    // The reader's message (English, with the file's names and numbers) follows a translated
    // sentence in another display language; in English it is shown as it is.
    void vscode.window.showErrorMessage(
      vscode.l10n.bundle === undefined ? `Attention Lens: ${message}` : vscode.l10n.t('Attention Lens: the attention file cannot be opened. Details: {0}', message),
    );
  }

  /** Reads a file for the Open command, which opens the editor only when this succeeds. */
  async preload(uri: vscode.Uri): Promise<LoadedAttentionFile> {
    const loaded = await loadAttentionFile(uri);
    this.preloaded.set(uri.toString(), loaded);
    return loaded;
  }

  /**
   * After the Open command opened `uri`: the result its tab shows. A file already open in a tab is
   * only brought to the front (VS Code keeps the document), so the tab's result, read when it
   * opened, is the one shown; the command's fresh read is dropped.
   */
  settle(uri: vscode.Uri, fresh: LoadedAttentionFile): LoadedAttentionFile {
    const key = uri.toString();
    if (!this.preloaded.delete(key)) return fresh;
    const shown = this.shown.get(key);
    if (shown?.kind === 'self') this.context.store.set(shown.run);
    return shown ?? fresh;
  }

  async openCustomDocument(uri: vscode.Uri): Promise<AttentionFileDocument> {
    const key = uri.toString();
    const preloaded = this.preloaded.get(key);
    this.preloaded.delete(key);
    if (preloaded) return new AttentionFileDocument(uri, preloaded);
    try {
      return new AttentionFileDocument(uri, await loadAttentionFile(uri));
    } catch (err) {
      return new AttentionFileDocument(uri, { error: errorText(err) });
    }
  }

  resolveCustomEditor(document: AttentionFileDocument, panel: vscode.WebviewPanel): void {
    const { loaded } = document;
    if ('error' in loaded) {
      // Nothing of the file is shown or published: the tab says what is wrong, with no script.
      panel.webview.options = { enableScripts: false, localResourceRoots: [] };
      panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>Attention Lens</title></head><body style="font-family: var(--vscode-font-family); color: var(--vscode-errorForeground); padding: 1em"><p role="alert">${escapeHtml(loaded.error)}</p></body></html>`;
      this.failed(loaded.error);
      return;
    }
    this.opened++;
    this.lastNote = loaded.note;
    const key = document.uri.toString();
    this.shown.set(key, loaded);
    panel.onDidDispose(() => {
      if (this.shown.get(key) === loaded) this.shown.delete(key);
    });
    if (loaded.kind === 'cross') showCross(panel, this.extensionUri, loaded.file, document.uri);
    else new AttentionFileEditor(panel, this.extensionUri, this.context, loaded);
  }
}

/**
 * A cross-attention file's tab: its own small webview (webview/cross/main.ts) gets the whole file
 * once it asks, and may send back a figure of its matrix to save. Not a run, so hover, shading and
 * the other views do not follow it.
 */
function showCross(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, file: AttentionFile, document: vscode.Uri): void {
  panel.webview.options = webviewOptions(extensionUri);
  panel.webview.html = webviewHtml(panel.webview, extensionUri, 'panel', 'cross');
  const data = {
    modelName: file.model.name,
    layers: file.layers,
    heads: file.heads,
    queries: fileTokens(file.queries),
    keys: fileTokens(file.keys),
    attention: file.attention.map((layer) => bufferOf(layer)),
  };
  const subscription = panel.webview.onDidReceiveMessage((raw: unknown) => {
    if ((raw as { type?: unknown } | null)?.type === 'ready') {
      void panel.webview.postMessage({ type: 'showCross', data });
      return;
    }
    // A figure of the matrix (SVG or PNG): checked as any webview message, saved beside the file.
    const message = parseWebviewMessage(raw);
    if (message?.type === MessageType.SaveExport && message.format !== 'json') void saveFigure(message, vscode.Uri.joinPath(document, '..'));
  });
  panel.onDidDispose(() => subscription.dispose());
}

/** One tab's webview: the panel's UI on one file's result. */
class AttentionFileEditor {
  private readonly backend: ViewBackend;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly context: ViewContext,
    private readonly loaded: SelfAttentionFile,
  ) {
    const own = new ResultStore();
    own.set(loaded.run);
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'panel');
    this.backend = new ViewBackend(panel.webview, 'file', { ...context, store: own }, { onReady: () => this.show() });
    this.disposables.push(
      own,
      this.backend,
      context.shownHead.onDidChange(({ selector, source }) => {
        if (source !== 'file') this.backend.post({ type: MessageType.ShowHead, selector });
      }),
      panel.onDidChangeViewState(() => {
        if (panel.active) this.publish();
      }),
      panel.onDidDispose(() => {
        for (const d of this.disposables.splice(0)) d.dispose();
      }),
    );
    this.publish();
  }

  private get run(): AttentionRun {
    return this.loaded.run;
  }

  /** Makes this file's result the extension's latest, for hover, shading and the other views. */
  private publish(): void {
    if (this.context.store.latest !== this.run) this.context.store.set(this.run);
  }

  private show(): void {
    const selector = this.context.shownHead.selector;
    const matrix = this.context.matrices.get(this.run, selector);
    this.backend.post({ type: MessageType.ShowResult, result: summarize(this.run), matrix: matrix && { selector, ...matrixPayload(matrix, false) } });
    this.backend.post({ type: MessageType.ShowHead, selector });
    if (this.loaded.note) this.backend.post({ type: MessageType.ShowStatus, state: 'idle', message: this.loaded.note });
  }
}
