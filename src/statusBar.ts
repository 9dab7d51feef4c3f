/** The status bar item: model, backend and last run time; "stale" once the text was edited.
 *  Clicking it opens the panel. */
import * as vscode from 'vscode';
import type { ResultStore } from './attention/resultStore';
import type { StaleTracker } from './editor/staleTracking';

export class AttentionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('attentionLens.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: ResultStore,
    private readonly tracker: StaleTracker,
    openPanelCommand: string,
  ) {
    this.item.name = 'Attention Lens';
    this.item.command = { title: 'Open Attention Lens', command: openPanelCommand, arguments: [] };
    this.disposables.push(this.item, store.onDidChange(() => this.update()), tracker.onDidChange(() => this.update()));
    this.update();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  private update(): void {
    const run = this.store.latest;
    if (!run) {
      this.item.text = '$(eye) Attention Lens';
      this.item.tooltip = 'Attention Lens: no analysis yet. Select text and run "Show Attention".';
    } else {
      const stale = this.tracker.stale ? ' (stale)' : '';
      this.item.text = `$(eye) ${run.model.name} · ${run.model.backend} · ${Math.round(run.timings.total)} ms${stale}`;
      const tooltip = new vscode.MarkdownString();
      tooltip.appendText(
        `Attention Lens: ${run.source}, ${run.tokens.length} tokens, model ${run.model.name} (${run.model.layers} layers × ${run.model.heads} heads${run.model.found ? `; ${run.model.found}` : ''}) on ${run.model.backend}. ` +
          `Last run ${run.timings.total.toFixed(0)} ms (inference ${run.timings.inference.toFixed(0)} ms).` +
          (stale ? ' The text changed since; run Show Attention again.' : '') +
          ' Click to open the panel.',
      );
      this.item.tooltip = tooltip;
    }
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
