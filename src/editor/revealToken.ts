/** Reveals and selects a token of a run in its editor. */
import * as vscode from 'vscode';
import type { ResultStore } from '../attention/resultStore';

export async function revealToken(store: ResultStore, runId: number, index: number): Promise<void> {
  const run = store.get(runId);
  const token = run?.tokens[index];
  if (!run || !token || token.special) return;
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === run.documentUri);
  // Offsets belong to the version that was analysed; after an edit they may point elsewhere.
  if (!document || document.version !== run.documentVersion) return;
  const range = new vscode.Range(
    document.positionAt(run.baseOffset + token.start),
    document.positionAt(run.baseOffset + token.end),
  );
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
