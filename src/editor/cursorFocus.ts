/**
 * Which token of the latest run the editor cursor is on. The side view focuses that token's row
 * and the editor shades what it attends to. Focus stays put while the cursor is in another
 * document or a webview has focus; it clears when the cursor leaves the analysed tokens.
 */
import * as vscode from 'vscode';
import type { StaleTracker } from './staleTracking';

export interface FocusedToken {
  readonly runId: number;
  readonly index: number;
}

export class CursorFocus implements vscode.Disposable {
  private current: FocusedToken | undefined;
  private readonly changed = new vscode.EventEmitter<FocusedToken | undefined>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly onDidChange = this.changed.event;

  constructor(private readonly tracker: StaleTracker) {
    this.disposables.push(
      this.changed,
      vscode.window.onDidChangeTextEditorSelection((e) => this.follow(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.follow(editor)),
      tracker.onDidChange(() => this.refresh()),
    );
  }

  get focused(): FocusedToken | undefined {
    return this.current;
  }

  private refresh(): void {
    const run = this.tracker.run;
    if (!run || this.tracker.stale || (this.current && this.current.runId !== run.runId)) this.set(undefined);
    const editor = vscode.window.activeTextEditor;
    if (editor) this.follow(editor);
  }

  private follow(editor: vscode.TextEditor): void {
    const run = this.tracker.runFor(editor.document);
    if (!run) {
      // Another document: keep the focus unless the run itself is gone or stale.
      if (this.tracker.stale || !this.tracker.run) this.set(undefined);
      return;
    }
    const index = this.tokenUnderSelection(editor);
    this.set(index === undefined ? undefined : { runId: run.runId, index });
  }

  /** A cursor on (or just after) a token, or a selection within one token; not a wider selection. */
  private tokenUnderSelection(editor: vscode.TextEditor): number | undefined {
    const { document, selection } = editor;
    if (selection.isEmpty) return this.tracker.tokenAt(document, selection.active, true);
    const first = this.tracker.tokenAt(document, selection.start);
    const last = this.tracker.tokenAt(document, document.positionAt(document.offsetAt(selection.end) - 1));
    return first !== undefined && first === last ? first : undefined;
  }

  private set(next: FocusedToken | undefined): void {
    if (next?.runId === this.current?.runId && next?.index === this.current?.index) return;
    this.current = next;
    this.changed.fire(next);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
