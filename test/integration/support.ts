// What the integration tests share: the extension's exported API, and waiting for a condition.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AttentionRun } from '../../src/attention/attentionRun';
import type { AttentionLensTestApi } from '../../src/extension';

export const EXTENSION_ID = 'attention-lens.attention-lens';

/** The extension's API as its tests see it (ExtensionMode.Test adds the test hooks). */
export async function api(): Promise<AttentionLensTestApi> {
  const extension = vscode.extensions.getExtension<AttentionLensTestApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  const lens = await extension.activate();
  assert.ok(lens.inference, 'the test hooks are exported in ExtensionMode.Test');
  return lens;
}

/** Polls `probe` until it gives a value (not undefined or false); fails after `timeoutMs`. */
export async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Asserts that a command gave no run. Never assert.equal(run, undefined): when it fails, the
 * extension host's Node (24) builds a diff of the whole run, attention arrays included, and the
 * host runs out of memory instead of reporting the failure.
 */
export function assertNoRun(value: unknown, message: string): void {
  if (value !== undefined) {
    const runId = (value as { runId?: unknown } | null)?.runId;
    throw new Error(`${message}: got a result${runId === undefined ? '' : ` (run ${String(runId)})`}`);
  }
}

/**
 * Points attentionLens.modelFolder at `folder` and runs Show Attention on lines 2–3 of the
 * workspace's sample.py, as a user who selected a model folder would; gives the run (undefined when
 * the command gave none) and the document it ran on.
 */
export async function runWithModelFolder(folder: string): Promise<{ run: AttentionRun | undefined; document: vscode.TextDocument }> {
  await vscode.workspace.getConfiguration('attentionLens').update('modelFolder', folder, vscode.ConfigurationTarget.Global);
  const ws = vscode.workspace.workspaceFolders![0];
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(ws.uri, 'sample.py'));
  const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
  editor.selection = new vscode.Selection(1, 0, 2, 0);
  return { run: await (await api()).showAttention(), document };
}
