/** Reveals and selects a token of a run in its editor, or says why it cannot. */
import * as vscode from 'vscode';
import type { StaleTracker } from './staleTracking';

/**
 * Why token `index` of run `runId` cannot be shown in its editor, or undefined when it can:
 * the run was replaced, its document is closed, or its text was edited (offsets no longer hold).
 */
export function revealBlocker(tracker: StaleTracker, runId: number, index: number): string | undefined {
  const run = tracker.run;
  if (!run || run.runId !== runId) return vscode.l10n.t('That result was replaced by a newer run; reveal a token of the result shown now.');
  const token = run.tokens[index];
  if (!token) return undefined;
  if (token.special || token.end === token.start) return vscode.l10n.t('Token #{0} is a special token with no place in the text.', index);
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === run.documentUri);
  if (!document || tracker.closed) return vscode.l10n.t('The analysed document is closed: Re-run opens it and analyses the text again.');
  if (tracker.stale) return vscode.l10n.t('The analysed text was edited since the run, so token places no longer hold: Re-run to analyse it as it is now.');
  return undefined;
}

/** Says why a token cannot be revealed, offering Re-run where that would help. */
async function explain(tracker: StaleTracker, blocker: string, rerunnable: boolean): Promise<void> {
  const rerun = vscode.l10n.t('Re-run');
  const picked = await vscode.window.showWarningMessage(vscode.l10n.t('Attention Lens: cannot reveal the token. {0}', blocker), ...(rerunnable ? [rerun] : []));
  if (picked !== rerun) return;
  const reason = await tracker.rerunNow();
  if (reason) void vscode.window.showWarningMessage(`Attention Lens: ${reason}`);
}

export async function revealToken(tracker: StaleTracker, runId: number, index: number): Promise<void> {
  const blocker = revealBlocker(tracker, runId, index);
  if (blocker) {
    // Not awaited: the command resolves at once; the notification stays until dismissed.
    void explain(tracker, blocker, tracker.run?.runId === runId && (tracker.stale || tracker.closed));
    return;
  }
  const run = tracker.run!;
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === run.documentUri)!;
  const range = tracker.tokenRange(document, index);
  if (!range) return;
  const visible = vscode.window.visibleTextEditors.find((e) => e.document === document);
  const editor = await vscode.window.showTextDocument(document, {
    viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
    preserveFocus: false,
    // A preview tab would replace the file the user had open in that group.
    preview: false,
  });
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
