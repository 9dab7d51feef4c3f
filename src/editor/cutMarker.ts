/**
 * Marks in the editor where a truncated run stopped: the rest of a line cut mid-way is dimmed
 * behind a bar, the last analysed line ends with what was analysed ("Analysed lines 1–42 of 400
 * (512-token limit)"), and the overview ruler has a mark there. Nothing is drawn for a stale run
 * (its places no longer hold) or a run that covers everything asked for.
 */
import * as vscode from 'vscode';
import { cutMessage } from '../shared/analysisCut';
import type { StaleTracker } from './staleTracking';

/** Where the marker is right now; for tests and diagnostics. */
export interface CutMarkerSnapshot {
  readonly documentUri: string;
  /** Document offset (UTF-16) of the first character not analysed. */
  readonly offset: number;
  readonly message: string;
}

export class CutMarker implements vscode.Disposable {
  private readonly endOfAnalysis = vscode.window.createTextEditorDecorationType({
    after: {
      color: new vscode.ThemeColor('editorCodeLens.foreground'),
      fontStyle: 'italic',
      margin: '0 0 0 2em',
    },
    overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  private readonly notAnalysed = vscode.window.createTextEditorDecorationType({
    opacity: '0.55',
    borderColor: new vscode.ThemeColor('editorWarning.foreground'),
    borderStyle: 'solid',
    borderWidth: '0 0 0 2px',
  });
  private readonly disposables: vscode.Disposable[] = [this.endOfAnalysis, this.notAnalysed];
  private current: CutMarkerSnapshot | undefined;

  constructor(private readonly tracker: StaleTracker) {
    this.disposables.push(
      tracker.onDidChange(() => this.update()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.update()),
    );
    this.update();
  }

  get snapshot(): CutMarkerSnapshot | undefined {
    return this.current;
  }

  private update(): void {
    const run = this.tracker.run;
    const span = this.tracker.currentSpan;
    const shown = run?.cut && span && !span.stale && !this.tracker.closed ? { run, cut: run.cut, offset: span.start + run.text.length } : undefined;
    this.current = shown && { documentUri: shown.run.documentUri, offset: shown.offset, message: cutMessage(shown.cut, vscode.l10n) };
    for (const editor of vscode.window.visibleTextEditors) {
      if (!shown || editor.document.uri.toString() !== shown.run.documentUri) {
        editor.setDecorations(this.endOfAnalysis, []);
        editor.setDecorations(this.notAnalysed, []);
        continue;
      }
      const document = editor.document;
      const stop = document.positionAt(shown.offset);
      // The cut right after a line break ends the line before it.
      const lastLine = stop.character === 0 && stop.line > 0 ? stop.line - 1 : stop.line;
      const lineEnd = document.lineAt(lastLine).range.end;
      const hover = new vscode.MarkdownString(
        vscode.l10n.t('Attention Lens: {0} The text after this point was not analysed; select a later span to see it.', this.current!.message),
      );
      editor.setDecorations(this.endOfAnalysis, [
        { range: new vscode.Range(lineEnd, lineEnd), hoverMessage: hover, renderOptions: { after: { contentText: `◀ ${this.current!.message}` } } },
      ]);
      const midLine = stop.line === lastLine && stop.character < lineEnd.character;
      editor.setDecorations(this.notAnalysed, midLine ? [{ range: new vscode.Range(stop, lineEnd), hoverMessage: hover }] : []);
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
