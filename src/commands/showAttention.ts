/** The Show Attention command: selection (or document) -> model -> panel. */
import * as vscode from 'vscode';
import type { Analyzer } from '../attention/analyzer';
import type { AttentionRun } from '../attention/attentionRun';
import type { ModelLocation } from '../inference/workerProtocol';
import { readSettings } from '../settings';
import { AttentionPanel, type PanelEvents } from '../views/attentionPanel';
import type { ResultStore } from '../attention/resultStore';
import { analysisTarget, describeSpan } from './analysisTarget';

export interface ShowAttentionDeps {
  readonly extensionUri: vscode.Uri;
  readonly analyzer: Analyzer;
  readonly store: ResultStore;
  readonly panelEvents: PanelEvents;
  readonly bundledModelFolder: string;
  readonly log: vscode.LogOutputChannel;
}

export async function showAttention(deps: ShowAttentionDeps): Promise<AttentionRun | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage('Attention Lens: open a file and select the text to analyse.');
    return undefined;
  }
  const target = analysisTarget(editor);
  if (target.text.trim() === '') {
    void vscode.window.showWarningMessage(
      target.wholeDocument
        ? 'Attention Lens: the document is empty. Type or open some code or prose first.'
        : 'Attention Lens: the selection is only whitespace. Select some code or prose.',
    );
    return undefined;
  }
  const settings = readSettings();
  const model: ModelLocation = { folder: settings.modelFolder ?? deps.bundledModelFolder, threads: settings.threads };
  const panel = AttentionPanel.show(deps.extensionUri, deps.store, deps.panelEvents);
  panel.postStatus('running', 'Running the model…');
  try {
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Attention Lens: running the model' },
      () =>
        deps.analyzer.analyze({
          document: target.document,
          text: target.text,
          baseOffset: target.baseOffset,
          model,
          maxTokens: settings.maxTokens,
          describe: (start, end) => describeSpan(target.document, start, end),
        }),
    );
    if (outcome.kind === 'empty') {
      panel.postStatus('idle', 'Nothing to show: the text produced no tokens.');
      return undefined;
    }
    if (outcome.kind === 'superseded') return undefined;
    const run = outcome.run;
    if (run.truncated) {
      void vscode.window.showInformationMessage(
        `Attention Lens: the ${target.wholeDocument ? 'document' : 'selection'} is longer than ${run.tokens.length} tokens ` +
          `(the model's limit). Showing the first ${run.tokens.length} tokens: ${run.source}. Select a smaller span to see another part.`,
      );
    }
    return run;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log.error(`Show Attention failed: ${message}`);
    panel.postStatus('error', message);
    void vscode.window.showErrorMessage(`Attention Lens: ${message}`);
    return undefined;
  }
}
