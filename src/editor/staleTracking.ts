/**
 * Keeps the latest run tied to its document while the user edits: edits before the analysed
 * span shift it, edits after it leave it alone, edits inside it make the run stale (its token
 * offsets no longer describe the text). Staleness is decided by text, not by document version:
 * undoing back to the analysed text makes the run current again, and so does reopening a closed
 * document whose text is unchanged. With `attentionLens.liveRerun` a pause after an edit re-runs
 * the model on the span as it now is; `rerunNow` does so at once (the panel's Re-run).
 */
import * as vscode from 'vscode';
import type { AttentionRun } from '../attention/attentionRun';
import type { ResultStore } from '../attention/resultStore';
import { readSettings } from '../settings';
import { applyEdit, tokenIndexAt, unstaleSpan, type TrackedSpan } from './tokenGeometry';

export const LIVE_RERUN_DELAY_MS = 600;

/** Re-runs the model on [start, end) of a document; supplied by the extension's wiring. */
export type Rerun = (document: vscode.TextDocument, start: number, end: number) => void;

export class StaleTracker implements vscode.Disposable {
  private span: TrackedSpan | undefined;
  private spanUri: string | undefined;
  /** The run's document was closed: its edits are no longer seen until it is opened again. */
  private documentClosed = false;
  private rerunTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires when the run, its place in the document, or its staleness changes. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly store: ResultStore,
    private readonly rerun: Rerun,
  ) {
    this.disposables.push(
      this.changed,
      store.onDidChange((run) => this.adopt(run)),
      vscode.workspace.onDidChangeTextDocument((e) => this.edited(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.closedOrOpened(d, true)),
      vscode.workspace.onDidOpenTextDocument((d) => this.closedOrOpened(d, false)),
    );
    if (store.latest) this.adopt(store.latest);
  }

  get run(): AttentionRun | undefined {
    return this.store.latest;
  }

  /** True when the latest run's text has been edited since it was analysed. */
  get stale(): boolean {
    return this.span?.stale ?? false;
  }

  /** True when the latest run's document is closed (it may have changed unseen). */
  get closed(): boolean {
    return this.span !== undefined && this.documentClosed;
  }

  /** The analysed span in current document offsets. */
  get currentSpan(): TrackedSpan | undefined {
    return this.span;
  }

  /** The latest run, when it belongs to `document` and still matches its text. */
  runFor(document: vscode.TextDocument): AttentionRun | undefined {
    const run = this.store.latest;
    if (!run || !this.span || this.span.stale || this.documentClosed || run.documentUri !== document.uri.toString()) return undefined;
    return run;
  }

  /** Where token `index` of the latest run now is in `document`; undefined when stale or rangeless. */
  tokenRange(document: vscode.TextDocument, index: number): vscode.Range | undefined {
    const run = this.runFor(document);
    const token = run?.tokens[index];
    if (!run || !token || token.special || token.end === token.start) return undefined;
    const base = this.span!.start;
    return new vscode.Range(document.positionAt(base + token.start), document.positionAt(base + token.end));
  }

  /** The token of the latest run at a position of `document`, if the position is on one. */
  tokenAt(document: vscode.TextDocument, position: vscode.Position, touchEnd = false): number | undefined {
    const run = this.runFor(document);
    if (!run) return undefined;
    return tokenIndexAt(run.tokens, document.offsetAt(position) - this.span!.start, touchEnd);
  }

  private adopt(run: AttentionRun | undefined): void {
    this.clearTimer();
    this.documentClosed = false;
    if (!run) {
      this.span = undefined;
      this.spanUri = undefined;
      this.changed.fire();
      return;
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === run.documentUri);
    const analysed: TrackedSpan = { start: run.baseOffset, end: run.baseOffset + run.text.length, stale: false };
    if (!document || document.version === run.documentVersion || textAt(document, analysed) === run.text) {
      this.span = analysed;
    } else {
      // The document changed while the model ran: the edits are not known here, so the run is
      // stale on arrival. A live re-run keeps following the span it was already tracking.
      const live = readSettings().liveRerun;
      const previous = this.spanUri === run.documentUri ? this.span : undefined;
      this.span = { ...(live && previous ? previous : analysed), stale: true };
      if (live) this.scheduleRerun(document);
    }
    this.spanUri = run.documentUri;
    this.changed.fire();
  }

  private edited(event: vscode.TextDocumentChangeEvent): void {
    if (!this.span || event.contentChanges.length === 0 || event.document.uri.toString() !== this.spanUri) return;
    const before = this.span;
    let span = before;
    // VS Code lists the changes of one event so that applying them in order is correct.
    for (const change of event.contentChanges) {
      span = applyEdit(span, { offset: change.rangeOffset, removed: change.rangeLength, inserted: change.text.length });
    }
    // Back to the analysed text (an undo, or the same text typed again): the run holds again.
    if (span.stale) span = this.recheck(event.document, span);
    if (before.stale && !span.stale) this.clearTimer();
    this.span = span;
    if (span.start !== before.start || span.end !== before.end || span.stale !== before.stale) this.changed.fire();
    if (span.stale && readSettings().liveRerun) this.scheduleRerun(event.document);
  }

  /** The span made current when its text (or the part the run analysed) is the run's text again. */
  private recheck(document: vscode.TextDocument, span: TrackedSpan): TrackedSpan {
    const run = this.store.latest;
    if (!run) return span;
    return unstaleSpan(span, run.text, textAt(document, span)) ?? span;
  }

  private closedOrOpened(document: vscode.TextDocument, closed: boolean): void {
    if (!this.span || document.uri.toString() !== this.spanUri) return;
    if (closed) {
      this.documentClosed = true;
      this.clearTimer();
    } else {
      this.documentClosed = false;
      // Edits made while it was closed (on disk, by another program) were not seen: compare.
      const run = this.store.latest;
      const fits = run && this.span.end <= document.getText().length && textAt(document, this.span) === run.text;
      this.span = fits ? { ...this.span, stale: false } : this.recheck(document, { ...this.span, stale: true });
    }
    this.changed.fire();
  }

  /**
   * Runs the model again on the analysed span as it now is (the panel's Re-run), opening the
   * document when it was closed. Resolves with why it cannot, or undefined once started.
   */
  async rerunNow(): Promise<string | undefined> {
    const run = this.store.latest;
    const span = this.span;
    if (!run || !span) return 'There is no result to re-run: run Show Attention on some text.';
    let document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === run.documentUri);
    if (!document) {
      try {
        document = await vscode.workspace.openTextDocument(vscode.Uri.parse(run.documentUri));
      } catch (err) {
        return `The analysed document cannot be opened (${err instanceof Error ? err.message : String(err)}): open the file and run Show Attention again.`;
      }
    }
    const length = document.getText().length;
    const start = Math.min(span.start, length);
    let end = Math.min(Math.max(start, span.end), length);
    if (run.cut) {
      // A cut run asked for more than it analysed: re-run what was asked for (to the end of its
      // last line, moved by the lines added or removed before the span since).
      const moved = document.positionAt(start).line - (run.cut.firstLine - 1);
      const lastLine = Math.min(document.lineCount - 1, run.cut.requestedLastLine - 1 + moved);
      if (lastLine >= 0) end = Math.max(end, document.offsetAt(document.lineAt(lastLine).rangeIncludingLineBreak.end));
    }
    if (document.getText(new vscode.Range(document.positionAt(start), document.positionAt(end))).trim() === '') {
      return 'The analysed text is now empty: select some text and run Show Attention.';
    }
    this.clearTimer();
    this.rerun(document, start, end);
    return undefined;
  }

  private scheduleRerun(document: vscode.TextDocument): void {
    this.clearTimer();
    this.rerunTimer = setTimeout(() => {
      this.rerunTimer = undefined;
      const span = this.span;
      if (!span || document.isClosed || span.end <= span.start) return;
      this.rerun(document, span.start, span.end);
    }, LIVE_RERUN_DELAY_MS);
  }

  private clearTimer(): void {
    if (this.rerunTimer !== undefined) clearTimeout(this.rerunTimer);
    this.rerunTimer = undefined;
  }

  dispose(): void {
    this.clearTimer();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function textAt(document: vscode.TextDocument, span: Pick<TrackedSpan, 'start' | 'end'>): string {
  return document.getText(new vscode.Range(document.positionAt(span.start), document.positionAt(span.end)));
}
