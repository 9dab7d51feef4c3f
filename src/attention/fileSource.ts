/**
 * Decides where an attention file's tokens are shown: on the source file its offsets point into,
 * when that file is found (absolute path, relative to a workspace folder, or next to the attention
 * file) and its text at the saved offset is still the saved text; otherwise on their own, with a
 * one-line reason the view shows.
 */
import * as vscode from 'vscode';
import type { AttentionFile } from '../shared/attentionFile';
import type { FilePlacement } from './fileRun';

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    return (stat.type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}

/** Where `name` may be: itself when absolute, else under each workspace folder, then beside `fileUri`. */
function candidates(name: string, fileUri: vscode.Uri): vscode.Uri[] {
  if (/^([a-zA-Z]:[\\/]|\/)/.test(name)) return [vscode.Uri.file(name)];
  const relative = name.replace(/\\/g, '/');
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => vscode.Uri.joinPath(folder.uri, relative));
  return [...folders, vscode.Uri.joinPath(fileUri, '..', relative)];
}

/**
 * The placement of a self-attention file's query tokens. Opens (but does not show) the source
 * document to compare its text.
 * @param fileUri the attention file, which names the result when its tokens stand alone.
 */
export async function placeFile(file: AttentionFile, fileUri: vscode.Uri): Promise<FilePlacement> {
  const fileName = baseName(fileUri);
  // A URI no text document has: hover and shading find no document for a result on its own.
  const alone = (reason: string): FilePlacement => ({ kind: 'alone', uri: fileUri.with({ fragment: 'attention-lens-tokens' }).toString(), label: fileName, reason });
  const { source, hasOffsets } = file.queries;
  if (!hasOffsets || !source) return alone(`${fileName} has no offsets into a source text; showing the tokens on their own.`);
  if (!source.file) return alone(`${fileName} names no source file for its offsets; showing the tokens on their own.`);
  let found: vscode.Uri | undefined;
  for (const uri of candidates(source.file, fileUri)) {
    if (await exists(uri)) {
      found = uri;
      break;
    }
  }
  if (!found) return alone(`${source.file} is not in the workspace; showing the tokens on their own.`);
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(found);
  } catch (err) {
    return alone(`${source.file} could not be opened (${err instanceof Error ? err.message : String(err)}); showing the tokens on their own.`);
  }
  const start = source.startOffset;
  if (document.getText().slice(start, start + source.text.length) !== source.text) {
    return alone(`${source.file} has changed since this attention was saved; showing the tokens on their own.`);
  }
  const first = document.positionAt(start).line + 1;
  // The line of the last character: a text ending in a line break ends on the line before.
  const last = document.positionAt(Math.max(start, start + source.text.length - 1)).line + 1;
  return {
    kind: 'document',
    uri: document.uri.toString(),
    version: document.version,
    baseOffset: start,
    label: `${baseName(document.uri)}:${first === last ? first : `${first}-${last}`} (${fileName})`,
  };
}
