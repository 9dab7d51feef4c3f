/**
 * "Attention Lens: Open Attention File…": picks a file (or takes the one it is given), reads and
 * checks it completely, and only then opens it in the attention file editor. A file that does not
 * read gets the reader's message and opens nothing.
 */
import * as vscode from 'vscode';
import { ATTENTION_FILE_VIEW_TYPE, type AttentionFileEditorProvider } from '../views/attentionFileEditor';

export const OPEN_ATTENTION_FILE_COMMAND = 'attentionLens.openAttentionFile';

/** What the command resolves with: a small reply, never the run (see the Show Attention command). */
export interface OpenAttentionFileReply {
  /** The run the file became; undefined for cross-attention, which is not a run. */
  readonly runId: number | undefined;
  /** Query tokens (the only sequence of self-attention). */
  readonly tokens: number;
  /** Key tokens of cross-attention. */
  readonly keyTokens: number | undefined;
  /** Why the tokens stand alone, when they are not tied to their source file. */
  readonly note: string | undefined;
}

async function pick(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Open Attention File',
    // The dialog matches the last dot's extension only; the reader tells the forms apart by content.
    filters: { 'Attention files': ['safetensors', 'json'], 'All files': ['*'] },
  });
  return picked?.[0];
}

/**
 * Runs the command. `target` is the file when called with one (from the explorer's context menu,
 * or a test); otherwise the user picks it.
 */
export async function openAttentionFile(provider: AttentionFileEditorProvider, target?: unknown): Promise<OpenAttentionFileReply | undefined> {
  const uri = target instanceof vscode.Uri ? target : await pick();
  if (!uri) return undefined;
  let loaded;
  try {
    loaded = await provider.preload(uri);
  } catch (err) {
    provider.failed(err instanceof Error ? err.message : String(err));
    return undefined;
  }
  await vscode.commands.executeCommand('vscode.openWith', uri, ATTENTION_FILE_VIEW_TYPE, { preview: false });
  const shown = provider.settle(uri, loaded);
  if (shown.kind === 'cross') return { runId: undefined, tokens: shown.file.queryCount, keyTokens: shown.file.keyCount, note: undefined };
  return { runId: shown.run.runId, tokens: shown.run.tokens.length, keyTokens: undefined, note: shown.note };
}
