/**
 * Keeps the latest run tied to its document while the user edits: edits before the analysed
 * span shift it, edits after it leave it alone, edits inside it make the run stale (its token
 * offsets no longer describe the text). With `attentionLens.liveRerun` a pause after an edit
 * re-runs the model on the span as it now is.
 */
import * as vscode from 'vscode';
import type { AttentionRun } from '../attention/attentionRun';
import type { ResultStore } from '../attention/resultStore';
import { readSettings } from '../settings';
import { applyEdit, tokenIndexAt, type TrackedSpan } from './tokenGeometry';

export const LIVE_RERUN_DELAY_MS = 600;

/** Re-runs the model on [start, end) of a document; supplied by the extension's wiring. */
export type Rerun = (document: vscode.TextDocument, start: number, end: number) => void;

export class StaleTracker implements vscode.Disposable {
  private span: TrackedSpan | undefined;
  private spanUri: string | undefined;
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

  /** The analysed span in current document offsets. */
  get currentSpan(): TrackedSpan | undefined {
    return this.span;
  }

  /** The latest run, when it belongs to `document` and still matches its text. */
  runFor(document: vscode.TextDocument): AttentionRun | undefined {
    const run = this.store.latest;
    if (!run || !this.span || this.span.stale || run.documentUri !== document.uri.toString()) return undefined;
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
    if (!run) {
      this.span = undefined;
      this.spanUri = undefined;
      this.changed.fire();
      return;
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === run.documentUri);
    const analysed: TrackedSpan = { start: run.baseOffset, end: run.baseOffset + run.text.length, stale: false };
    if (!document || document.version === run.documentVersion) {
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
    this.span = span;
    if (span.start !== before.start || span.end !== before.end || span.stale !== before.stale) this.changed.fire();
    if (span.stale && readSettings().liveRerun) this.scheduleRerun(event.document);
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
