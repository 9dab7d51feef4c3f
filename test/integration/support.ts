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
export async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 20_000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
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

/**
 * Opens `content` as a new untitled document in the first editor group. Right after another
 * test's untitled document was closed, VS Code can hand back that document (same name,
 * Untitled-1, its old text) instead of a new one: such a document is not used, and a new one is
 * asked for again.
 */
export async function openUntitled(content: string, language = 'plaintext'): Promise<vscode.TextEditor> {
  const wanted = lines(content);
  for (let attempt = 1; ; attempt++) {
    const document = await vscode.workspace.openTextDocument({ content, language });
    const text = lines(document.getText());
    // An earlier document: handed out before, or holding the text handed out last instead of this one.
    const earlier = untitledOpened.has(document) || (text !== wanted && text === lastUntitledText);
    if (!earlier) {
      untitledOpened.add(document);
      lastUntitledText = text;
      return vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    }
    if (attempt === 5) throw new Error(`VS Code handed back an earlier untitled document (${document.uri.toString()}) five times`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The documents openUntitled has handed out, and the text (line ends as \n) of the last one. */
const untitledOpened = new WeakSet<vscode.TextDocument>();
let lastUntitledText: string | undefined;

/** Text with every line end as \n: VS Code normalises the line ends of a document's content. */
function lines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * Closes an editor without a save prompt (untitled documents are dirty), and waits until the
 * extension host has closed its document. A new untitled document reuses the name (Untitled-1):
 * opened before the old one is closed here, `openTextDocument` hands back the old document, text
 * and all — which is what a test that runs right after another one would then analyse.
 */
export async function closeWithoutSaving(editor: vscode.TextEditor): Promise<void> {
  await vscode.window.showTextDocument(editor.document, editor.viewColumn ?? vscode.ViewColumn.One);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await until(() => editor.document.isClosed, `${editor.document.uri.toString()} to close`);
}
