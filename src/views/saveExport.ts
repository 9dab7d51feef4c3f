/**
 * Saves what the panel exports: a figure the webview drew (SVG text, PNG bytes) or the whole run
 * as JSON, built from the full tensors by the view worker and streamed to the file, so the
 * extension host never holds (or spends seconds making) the text. The user picks the file in VS Code's save dialog,
 * which asks before replacing an existing file; nothing is written without that choice.
 */
import * as vscode from 'vscode';
import type { AttentionRun } from '../attention/attentionRun';
import type { ViewWorkerClient } from '../attention/viewWorkerClient';
import type { ExportInput } from '../attention/viewWorkerProtocol';
import type { ExportFormat, SaveExportMessage } from '../shared/protocol';

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  svg: { 'SVG image': ['svg'] },
  png: { 'PNG image': ['png'] },
  json: { 'Attention Lens result (JSON)': ['json'] },
};

/** What resultToJson needs of a run besides its attention; line/character from the document when it is still at the run's version. */
export function exportInput(run: AttentionRun): ExportInput {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === run.documentUri && d.version === run.documentVersion);
  const file = vscode.Uri.parse(run.documentUri);
  return {
    source: { file: vscode.workspace.asRelativePath(file, false), startOffset: run.baseOffset, text: run.text },
    tokens: run.tokens,
    model: run.model,
    documentText: document?.getText(),
  };
}

/**
 * Writes the export to `target`. JSON is made in the view worker, streamed straight into a local file.
 * @throws Error with the file system's message when the file cannot be written.
 */
export async function writeExport(message: SaveExportMessage, run: AttentionRun, target: vscode.Uri, viewWorker: JsonExporter): Promise<void> {
  if (message.format === 'json') {
    // Seconds for a big run (446 MiB for 12 x 12 heads at 512 tokens): say so while it is written.
    const title = `Attention Lens: exporting ${vscode.workspace.asRelativePath(target, false)}…`;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, async () => {
      if (target.scheme === 'file') {
        await viewWorker.exportJson(run, exportInput(run), target.fsPath);
        return;
      }
      // Another file system (a remote or virtual folder) is written through VS Code, whole.
      const { bytes } = await viewWorker.exportJson(run, exportInput(run));
      await vscode.workspace.fs.writeFile(target, bytes ?? new Uint8Array(0));
    });
    return;
  }
  const bytes = typeof message.data === 'string' ? new TextEncoder().encode(message.data) : new Uint8Array(message.data ?? new ArrayBuffer(0));
  await vscode.workspace.fs.writeFile(target, bytes);
}

function defaultFolder(run: AttentionRun): vscode.Uri | undefined {
  const document = vscode.Uri.parse(run.documentUri);
  return vscode.workspace.getWorkspaceFolder(document)?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** What writes a JSON export: the view worker (attention/viewWorkerClient.ts). */
export type JsonExporter = Pick<ViewWorkerClient, 'exportJson'>;

/** Asks where to save, then writes. Resolves with the file written, or undefined when cancelled or failed (the user is told). */
export function saveExport(message: SaveExportMessage, run: AttentionRun, viewWorker: JsonExporter): Promise<vscode.Uri | undefined> {
  return saveThroughDialog(message, defaultFolder(run), (target) => writeExport(message, run, target, viewWorker));
}

/**
 * Asks where to save a figure a webview drew (SVG text, PNG bytes) that belongs to no run, such
 * as the cross-attention view's, then writes it. Resolves as saveExport does.
 */
export function saveFigure(message: SaveExportMessage, folder: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const bytes = typeof message.data === 'string' ? new TextEncoder().encode(message.data) : new Uint8Array(message.data ?? new ArrayBuffer(0));
  return saveThroughDialog(message, folder, (target) => Promise.resolve(vscode.workspace.fs.writeFile(target, bytes)));
}

/** The save dialog in `folder`, then `write` to the file chosen; the user hears how it went. */
async function saveThroughDialog(message: SaveExportMessage, folder: vscode.Uri | undefined, write: (target: vscode.Uri) => Promise<void>): Promise<vscode.Uri | undefined> {
  const fileName = `${message.name}.${message.format}`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
    filters: FILTERS[message.format],
    saveLabel: 'Export',
    title: `Export ${message.format === 'json' ? 'the result as JSON' : `the view as ${message.format.toUpperCase()}`}`,
  });
  if (!target) return undefined;
  try {
    await write(target);
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Attention Lens: could not write {0}: {1}', target.fsPath, error instanceof Error ? error.message : String(error)));
    return undefined;
  }
  void vscode.window.showInformationMessage(vscode.l10n.t('Attention Lens: saved {0}', vscode.workspace.asRelativePath(target, false)));
  return target;
}
