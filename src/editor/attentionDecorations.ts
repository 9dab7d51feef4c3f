/**
 * Attention shaded in place: with the cursor on an analysed token, the tokens it attends to get a
 * background whose strength follows the weight (five theme colours, `attentionLens.attention1..5`,
 * the family the panel's token view shades with too; see shared/shadeBuckets.ts),
 * the strongest also get overview-ruler marks, and the query token an outline.
 * Nothing is drawn for a stale run, so shading never sits on text the model did not see.
 */
import * as vscode from 'vscode';
import type { ShownHead } from '../attention/shownHead';
import { matrixRow } from '../shared/attentionMath';
import { readSettings } from '../settings';
import { SHADE_BUCKETS, shadeColorId } from '../shared/shadeBuckets';
import type { CursorFocus } from './cursorFocus';
import type { MatrixCache } from './matrixCache';
import type { StaleTracker } from './staleTracking';
import { shadedKeys } from './tokenGeometry';

/** How many of the strongest keys get an overview-ruler mark. */
export const RULER_MARKS = 3;
/** At most this many keys are shaded, and none under this fraction of the strongest. */
export const SHADE_LIMIT = 12;
const MIN_RATIO = 0.2;

/** What the editor shows right now, in document offsets; for tests and diagnostics. */
export interface ShadingSnapshot {
  readonly enabled: boolean;
  readonly runId: number | undefined;
  readonly documentUri: string | undefined;
  readonly query: { readonly index: number; readonly start: number; readonly end: number } | undefined;
  readonly keys: readonly { readonly index: number; readonly bucket: number; readonly start: number; readonly end: number }[];
}

const EMPTY: ShadingSnapshot = { enabled: true, runId: undefined, documentUri: undefined, query: undefined, keys: [] };

export class AttentionDecorations implements vscode.Disposable {
  private readonly buckets: vscode.TextEditorDecorationType[];
  private readonly ruler: vscode.TextEditorDecorationType;
  private readonly queryType: vscode.TextEditorDecorationType;
  private readonly disposables: vscode.Disposable[] = [];
  private enabledFlag = true;
  private last: ShadingSnapshot = EMPTY;
  /** A render is scheduled (scheduleRender) and has not run yet. */
  private renderDue = false;
  /** The editors decorated now, each with the ranges every decoration type was last given (a key
   *  per type): unchanged ones are not sent again. */
  private readonly sent = new Map<vscode.TextEditor, Map<vscode.TextEditorDecorationType, string>>();
  /** The latest run whose shading may be drawn (its wait, if any, is over). */
  private releasedRunId: number | undefined;
  private disposed = false;

  /**
   * @param paintWait for a new run, a promise to wait on before its first shading (the panel's
   *   paint: views/paintGate.ts), or undefined to draw at once
   */
  constructor(
    private readonly tracker: StaleTracker,
    private readonly focus: CursorFocus,
    private readonly selection: ShownHead,
    private readonly matrices: MatrixCache,
    private readonly paintWait: (runId: number) => Promise<void> | undefined = () => undefined,
  ) {
    this.buckets = Array.from({ length: SHADE_BUCKETS }, (_, i) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(shadeColorId(i)),
        borderRadius: '2px',
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    this.ruler = vscode.window.createTextEditorDecorationType({
      overviewRulerColor: new vscode.ThemeColor('attentionLens.attentionRuler'),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    });
    this.queryType = vscode.window.createTextEditorDecorationType({
      borderWidth: '1px',
      borderStyle: 'solid',
      borderColor: new vscode.ThemeColor('attentionLens.queryBorder'),
      borderRadius: '2px',
    });
    this.disposables.push(
      ...this.buckets,
      this.ruler,
      this.queryType,
      focus.onDidChange(() => this.scheduleRender()),
      tracker.onDidChange(() => this.scheduleRender()),
      selection.onDidChange(() => this.scheduleRender()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.scheduleRender()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('attentionLens.hideSinkTokens') && this.scheduleRender()),
    );
  }

  /**
   * Renders once the current burst of changes is over: a new run changes the tracker, the cursor
   * focus and the shown head one after another, and each sent its own round of decorations to
   * the workbench's editor. Rendered after the listeners that run in the same task (the panel's
   * result message is posted before the decorations); `snapshot` renders at once when one is
   * due. Decorations whose ranges did not change are not sent again (decorate).
   */
  private scheduleRender(): void {
    if (this.renderDue) return;
    this.renderDue = true;
    queueMicrotask(() => {
      if (this.renderDue) this.render();
    });
  }

  get enabled(): boolean {
    return this.enabledFlag;
  }

  /** Turns shading on or off; returns the new state. */
  toggle(on = !this.enabledFlag): boolean {
    this.enabledFlag = on;
    this.render();
    return on;
  }

  get snapshot(): ShadingSnapshot {
    if (this.renderDue) this.render();
    return this.last;
  }

  render(): void {
    this.renderDue = false;
    const run = this.tracker.run;
    if (this.disposed) return;
    // Turned off, or with the run stale or its document closed, the shading clears at once,
    // whatever a new run waits for.
    if (run && run.runId !== this.releasedRunId && this.enabledFlag && !this.tracker.stale && !this.tracker.closed) {
      const wait = this.paintWait(run.runId);
      if (wait) {
        // The previous run's shading stays until then; rendering again after the wait draws
        // whatever is current by then (a later run waits for its own paint).
        void wait.then(() => {
          if (this.disposed) return;
          if (this.tracker.run?.runId === run.runId) this.releasedRunId = run.runId;
          this.scheduleRender();
        });
        this.last = { ...this.last, enabled: this.enabledFlag };
        return;
      }
      this.releasedRunId = run.runId;
    }
    const focused = this.focus.focused;
    const editors = run ? vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === run.documentUri) : [];
    const document = editors[0]?.document;
    const ready = this.enabledFlag && run && focused && focused.runId === run.runId && document && this.tracker.runFor(document);
    const matrix = ready ? this.matrices.get(run, this.selection.selector) : undefined;
    if (!ready || !matrix || !document) {
      this.clear();
      this.last = { ...EMPTY, enabled: this.enabledFlag };
      return;
    }
    const size = run.tokens.length;
    const row = matrixRow(matrix, size, focused.index);
    const keys = shadedKeys(row, run.tokens, focused.index, {
      hideSinks: readSettings().hideSinkTokens,
      buckets: SHADE_BUCKETS,
      minRatio: MIN_RATIO,
      limit: SHADE_LIMIT,
    });
    const byBucket: vscode.Range[][] = this.buckets.map(() => []);
    const ruler: vscode.Range[] = [];
    const snapshotKeys: ShadingSnapshot['keys'][number][] = [];
    for (const key of keys) {
      const range = this.tracker.tokenRange(document, key.index);
      if (!range) continue;
      byBucket[key.bucket].push(range);
      if (ruler.length < RULER_MARKS) ruler.push(range);
      snapshotKeys.push({ index: key.index, bucket: key.bucket, start: document.offsetAt(range.start), end: document.offsetAt(range.end) });
    }
    const queryRange = this.tracker.tokenRange(document, focused.index);
    for (const editor of [...this.sent.keys()]) if (!editors.includes(editor)) this.clearEditor(editor);
    for (const editor of editors) {
      this.buckets.forEach((type, i) => this.decorate(editor, type, byBucket[i]));
      this.decorate(editor, this.ruler, ruler);
      this.decorate(editor, this.queryType, queryRange ? [queryRange] : []);
    }
    this.last = {
      enabled: true,
      runId: run.runId,
      documentUri: run.documentUri,
      query: queryRange
        ? { index: focused.index, start: document.offsetAt(queryRange.start), end: document.offsetAt(queryRange.end) }
        : undefined,
      keys: snapshotKeys,
    };
  }

  private clear(): void {
    for (const editor of [...this.sent.keys()]) this.clearEditor(editor);
  }

  private clearEditor(editor: vscode.TextEditor): void {
    for (const type of [...this.buckets, this.ruler, this.queryType]) editor.setDecorations(type, []);
    this.sent.delete(editor);
  }

  /** Gives `type` the `ranges` in `editor`, unless it has exactly those already. */
  private decorate(editor: vscode.TextEditor, type: vscode.TextEditorDecorationType, ranges: readonly vscode.Range[]): void {
    const key = ranges.map((r) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`).join(' ');
    let sent = this.sent.get(editor);
    if (!sent) this.sent.set(editor, (sent = new Map()));
    if (sent.get(type) === key) return;
    sent.set(type, key);
    editor.setDecorations(type, ranges);
  }

  dispose(): void {
    this.disposed = true;
    this.renderDue = false;
    this.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
