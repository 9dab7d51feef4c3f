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
    // The folder is shown as text: it goes in with appendText, around the translated Markdown.
    const [before, after] = vscode.l10n.t('the ONNX model in {0} (the `attentionLens.modelFolder` setting).', '\0').split('\0');
    tooltip.appendMarkdown(before);
    tooltip.appendText(folder);
    tooltip.appendMarkdown(after ?? '');
  } else {
    tooltip.appendMarkdown(vscode.l10n.t('the bundled model, a small Transformer trained on source code.'));
  }
}

function howToChange(tooltip: vscode.MarkdownString): void {
  tooltip.appendMarkdown(
    '\n\n' +
      vscode.l10n.t(
        'Change it with [Select Model…]({0}) or the `attentionLens.modelFolder` setting: any folder with an ONNX Transformer (`model.onnx`) and its `tokenizer.json`.',
        `command:${SELECT_MODEL_COMMAND}`,
      ),
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
    this.item.command = { title: vscode.l10n.t('Open Attention Lens'), command: openPanelCommand, arguments: [] };
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
      tooltip.appendMarkdown(`**Attention Lens**: ${vscode.l10n.t('no analysis yet.')}\n\n`);
      tooltip.appendMarkdown(vscode.l10n.t('Model:') + ' ');
      appendConfiguredModel(tooltip);
      tooltip.appendMarkdown(
        '\n\n' + vscode.l10n.t('Select some code and run [Show Attention]({0}) (Ctrl+Alt+A) to see what the model attends to.', `command:${SHOW_ATTENTION_COMMAND}`),
      );
      howToChange(tooltip);
    } else {
      const stale = this.tracker.stale;
      this.item.text = `$(eye) ${run.model.name} · ${run.model.backend} · ${Math.round(run.timings.total)} ms${stale ? ` ${vscode.l10n.t('(stale)')}` : ''}`;
      tooltip.appendMarkdown('**Attention Lens**: ');
      tooltip.appendText(vscode.l10n.t('{0}, {1} tokens.', run.source, run.tokens.length));
      tooltip.appendMarkdown('\n\n' + vscode.l10n.t('Model:') + ' ');
      tooltip.appendText(
        vscode.l10n.t(
          '{0}, {1} layers × {2} heads, {3}, on {4}.',
          run.model.name,
          run.model.layers,
          run.model.heads,
          (run.model.causal ? vscode.l10n.t('causal') : vscode.l10n.t('bidirectional')) + (run.model.found ? ` (${run.model.found})` : ''),
          run.model.backend,
        ),
      );
      tooltip.appendMarkdown('\n\n' + vscode.l10n.t('Next run:') + ' ');
      appendConfiguredModel(tooltip);
      howToChange(tooltip);
      tooltip.appendMarkdown('\n\n');
      tooltip.appendText(
        vscode.l10n.t('Last run {0} ms (inference {1} ms).', run.timings.total.toFixed(0), run.timings.inference.toFixed(0)) +
          (stale ? ' ' + vscode.l10n.t('The text changed since; run Show Attention again.') : ''),
      );
      tooltip.appendMarkdown('\n\n' + vscode.l10n.t('Click to open the panel.'));
    }
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
