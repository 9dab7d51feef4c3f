/**
 * Saves what the panel exports: a figure the webview drew (SVG text, PNG bytes) or the whole run
 * as JSON, built here from the full tensors. The user picks the file in VS Code's save dialog,
 * which asks before replacing an existing file; nothing is written without that choice.
 */
import * as vscode from 'vscode';
import type { AttentionRun } from '../attention/attentionRun';
import type { ExportFormat, SaveExportMessage } from '../shared/protocol';
import { resultToJson } from '../shared/resultJson';

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  svg: { 'SVG image': ['svg'] },
  png: { 'PNG image': ['png'] },
  json: { 'Attention Lens result (JSON)': ['json'] },
};

/** The run as the JSON the command-line tool writes; line/character from the document when it is still at the run's version. */
export function runJson(run: AttentionRun): string {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === run.documentUri && d.version === run.documentVersion);
  const file = vscode.Uri.parse(run.documentUri);
  return JSON.stringify(
    resultToJson({
      source: { file: vscode.workspace.asRelativePath(file, false), startOffset: run.baseOffset, text: run.text },
      tokens: run.tokens,
      attention: run.attention,
      model: run.model,
      documentText: document?.getText(),
    }),
  );
}

function exportBytes(message: SaveExportMessage, run: AttentionRun): Uint8Array {
  if (message.format === 'json') return new TextEncoder().encode(runJson(run));
  if (typeof message.data === 'string') return new TextEncoder().encode(message.data);
  return new Uint8Array(message.data ?? new ArrayBuffer(0));
}

function defaultFolder(run: AttentionRun): vscode.Uri | undefined {
  const document = vscode.Uri.parse(run.documentUri);
  return vscode.workspace.getWorkspaceFolder(document)?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** Asks where to save, then writes. Resolves with the file written, or undefined when cancelled. */
export async function saveExport(message: SaveExportMessage, run: AttentionRun): Promise<vscode.Uri | undefined> {
  const folder = defaultFolder(run);
  const fileName = `${message.name}.${message.format}`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
    filters: FILTERS[message.format],
    saveLabel: 'Export',
    title: `Export ${message.format === 'json' ? 'the result as JSON' : `the view as ${message.format.toUpperCase()}`}`,
  });
  if (!target) return undefined;
  try {
    await vscode.workspace.fs.writeFile(target, exportBytes(message, run));
  } catch (error) {
    void vscode.window.showErrorMessage(`Attention Lens: could not write ${target.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  void vscode.window.showInformationMessage(`Attention Lens: saved ${vscode.workspace.asRelativePath(target, false)}`);
  return target;
}
