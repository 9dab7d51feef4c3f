/** Reveals and selects a token of a run in its editor. */
import * as vscode from 'vscode';
import type { StaleTracker } from './staleTracking';

export async function revealToken(tracker: StaleTracker, runId: number, index: number): Promise<void> {
  const run = tracker.run;
  if (!run || run.runId !== runId) return;
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === run.documentUri);
  // The tracker knows where the token is after edits around it; after edits inside the analysed
  // text the offsets no longer hold, and nothing is revealed.
  const range = document && tracker.tokenRange(document, index);
  if (!document || !range) return;
  const visible = vscode.window.visibleTextEditors.find((e) => e.document === document);
  const editor = await vscode.window.showTextDocument(document, {
    viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
    preserveFocus: false,
  });
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
