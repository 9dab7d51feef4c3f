/**
 * Reads an attention file into a run: its size is checked before anything is read, the bytes come
 * through vscode.workspace.fs (local, remote or virtual workspaces alike), the shared reader checks
 * everything, and the tokens are placed on their source document when it still matches.
 *
 * On the extension host thread: the reader's checks (one pass over the attention, plus float16
 * decoding when the file is float16) and the comparison with the source document; the read itself
 * is asynchronous.
 */
import * as vscode from 'vscode';
import { AttentionFileError, DEFAULT_LIMITS, readAttentionFile, type AttentionFile } from '../shared/attentionFile';
import type { AttentionRun } from './attentionRun';
import { runFromFile } from './fileRun';
import { placeFile } from './fileSource';

/**
 * A file read and placed. Self-attention becomes a run, for every view; cross-attention (T_q × T_k,
 * two token sequences) is not a run and is shown by the file's own editor only.
 */
export type LoadedAttentionFile =
  | {
      readonly kind: 'self';
      readonly run: AttentionRun;
      /** Shown in the view when the tokens are not tied to their source file. */
      readonly note: string | undefined;
    }
  | { readonly kind: 'cross'; readonly file: AttentionFile; readonly note: undefined };

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/**
 * Reads, checks and places an attention file.
 * @throws AttentionFileError with the reader's message (prefixed with the file name) for a bad
 *   file, or for one larger than the reader's limit (checked before reading); the file system's
 *   error when the file cannot be read.
 */
export async function loadAttentionFile(uri: vscode.Uri): Promise<LoadedAttentionFile> {
  const name = baseName(uri);
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > DEFAULT_LIMITS.maxFileBytes) {
    throw new AttentionFileError('too-large', `${name}: the file is ${(stat.size / 2 ** 20).toFixed(0)} MiB, more than the limit of ${DEFAULT_LIMITS.maxFileBytes / 2 ** 20} MiB.`);
  }
  const bytes = await vscode.workspace.fs.readFile(uri);
  const file = readAttentionFile(bytes, { fileName: name });
  if (file.kind === 'cross') return { kind: 'cross', file, note: undefined };
  const placement = await placeFile(file, uri);
  return { kind: 'self', run: runFromFile(file, placement), note: placement.kind === 'alone' ? placement.reason : undefined };
}
