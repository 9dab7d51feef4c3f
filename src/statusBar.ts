/** The status bar item: model, backend and last run time; "stale" once the text was edited.
 *  Its tooltip says which model runs and how to change it. Clicking it opens the panel. */
import * as vscode from 'vscode';
import type { ResultStore } from './attention/resultStore';
import type { StaleTracker } from './editor/staleTracking';
import { readSettings } from './settings';

const SELECT_MODEL_COMMAND = 'attentionLens.selectModel';
const SHOW_ATTENTION_COMMAND = 'attentionLens.showAttention';

/** Appends which model the next run uses: the bundled one or the configured folder (shown as text, never as Markdown). */
function appendConfiguredModel(tooltip: vscode.MarkdownString): void {
  const folder = readSettings().modelFolder;
  if (folder) {
    tooltip.appendMarkdown('the ONNX model in ');
    tooltip.appendText(folder);
    tooltip.appendMarkdown(' (the `attentionLens.modelFolder` setting).');
  } else {
    tooltip.appendMarkdown('the bundled model, a small Transformer trained on source code.');
  }
}

function howToChange(tooltip: vscode.MarkdownString): void {
  tooltip.appendMarkdown(
    `\n\nChange it with [Select Model…](command:${SELECT_MODEL_COMMAND}) or the \`attentionLens.modelFolder\` setting: ` +
      'any folder with an ONNX Transformer (`model.onnx`) and its `tokenizer.json`.',
  );
}

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
    this.disposables.push(
      this.item,
      store.onDidChange(() => this.update()),
      tracker.onDidChange(() => this.update()),
      // Before the first run the tooltip names the configured model; keep it current.
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('attentionLens.modelFolder') && this.update()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()),
    );
    this.update();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  /** The tooltip's Markdown, for tests. */
  get tooltip(): string {
    const tooltip = this.item.tooltip;
    return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
  }

  private update(): void {
    const run = this.store.latest;
    const tooltip = new vscode.MarkdownString();
    // Only the two commands the tooltip links to may run from it.
    tooltip.isTrusted = { enabledCommands: [SELECT_MODEL_COMMAND, SHOW_ATTENTION_COMMAND] };
    if (!run) {
      this.item.text = '$(eye) Attention Lens';
      tooltip.appendMarkdown('**Attention Lens**: no analysis yet.\n\n');
      tooltip.appendMarkdown('Model: ');
      appendConfiguredModel(tooltip);
      tooltip.appendMarkdown(
        `\n\nSelect some code and run [Show Attention](command:${SHOW_ATTENTION_COMMAND}) (Ctrl+Alt+A) to see what the model attends to.`,
      );
      howToChange(tooltip);
    } else {
      const stale = this.tracker.stale;
      this.item.text = `$(eye) ${run.model.name} · ${run.model.backend} · ${Math.round(run.timings.total)} ms${stale ? ' (stale)' : ''}`;
      tooltip.appendMarkdown('**Attention Lens**: ');
      tooltip.appendText(`${run.source}, ${run.tokens.length} tokens.`);
      tooltip.appendMarkdown('\n\nModel: ');
      tooltip.appendText(
        `${run.model.name}, ${run.model.layers} layers × ${run.model.heads} heads, ${run.model.causal ? 'causal' : 'bidirectional'}` +
          `${run.model.found ? ` (${run.model.found})` : ''}, on ${run.model.backend}.`,
      );
      tooltip.appendMarkdown('\n\nNext run: ');
      appendConfiguredModel(tooltip);
      howToChange(tooltip);
      tooltip.appendMarkdown('\n\n');
      tooltip.appendText(
        `Last run ${run.timings.total.toFixed(0)} ms (inference ${run.timings.inference.toFixed(0)} ms).` +
          (stale ? ' The text changed since; run Show Attention again.' : ''),
      );
      tooltip.appendMarkdown('\n\nClick to open the panel.');
    }
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
