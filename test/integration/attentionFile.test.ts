// Attention files opened in the real extension host: with the Open Attention File command and in
// the custom editor, a file saved by the Python package from the bundled model's PyTorch code gives
// the same result as the extension's own run of the same text, tied to its source file for hover
// and shading when that file still matches; a damaged file gets the reader's message and opens
// nothing.
import { everyLayer } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { AttentionRun } from '../../src/attention/attentionRun';
import { FILE_RUN_ID_BASE } from '../../src/attention/fileRun';
import type { OpenAttentionFileReply } from '../../src/commands/openAttentionFile';
import type { AttentionLensTestApi } from '../../src/extension';
import { readAttentionFile } from '../../src/shared/attentionFile';
import { ATTENTION_FILE_VIEW_TYPE } from '../../src/views/attentionFileEditor';
import { api, until } from './support';

const repoRoot = resolve(__dirname, '..', '..', '..');
const fixtures = join(repoRoot, 'test', 'fixtures', 'attention-files');
const BUNDLED = vscode.Uri.file(join(fixtures, 'bundled-model.attention.safetensors'));
const TOLERANCE = 1e-5;

/** Largest |a - b| over every layer's attention; fails when the shapes differ. */
function largestDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  assert.equal(a.length, b.length, 'layers');
  let worst = 0;
  a.forEach((layer, l) => {
    assert.equal(layer.length, b[l].length, `layer ${l} size`);
    for (let i = 0; i < layer.length; i++) worst = Math.max(worst, Math.abs(layer[i] - b[l][i]));
  });
  return worst;
}

function fileTabs(uri: vscode.Uri): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputCustom && tab.input.viewType === ATTENTION_FILE_VIEW_TYPE && tab.input.uri.toString() === uri.toString());
}

function isFileRun(run: AttentionRun | undefined): run is AttentionRun {
  return run !== undefined && run.runId >= FILE_RUN_ID_BASE;
}

describe('Attention files', () => {
  let lens: AttentionLensTestApi;
  let snippet: vscode.Uri;
  let reference: AttentionRun;

  before(async function () {
    this.timeout(120_000);
    lens = await api();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The source file the fixture's offsets name, in the workspace, with the text it was made from.
    const source = readAttentionFile(readFileSync(BUNDLED.fsPath)).queries.source;
    assert.ok(source?.file === 'snippet.py' && source.startOffset === 0, 'the fixture names snippet.py from its start');
    snippet = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'snippet.py');
    await vscode.workspace.fs.writeFile(snippet, new TextEncoder().encode(source.text));
    // The extension's own run of the same text with the bundled model (the default model folder).
    await vscode.workspace.getConfiguration('attentionLens').update('modelFolder', undefined, vscode.ConfigurationTarget.Global);
    const document = await vscode.workspace.openTextDocument(snippet);
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(document.positionAt(0), document.positionAt(source.text.length));
    const run = await lens.showAttention();
    assert.ok(run, 'Show Attention ran on snippet.py');
    reference = run;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(snippet);
  });

  /** The opened file's run equals the reference run: same tokens, attention within 1e-5. */
  function assertSameAsReference(run: AttentionRun): void {
    assert.equal(run.text, reference.text);
    assert.deepEqual(
      run.tokens.map((t) => [t.id, t.start, t.end]),
      reference.tokens.map((t) => [t.id, t.start, t.end]),
      'the same tokens at the same offsets',
    );
    assert.equal(run.model.layers, reference.model.layers);
    assert.equal(run.model.heads, reference.model.heads);
    const difference = largestDifference(everyLayer(run.attention), everyLayer(reference.attention));
    assert.ok(difference <= TOLERANCE, `attention differs by ${difference}`);
    console.log(`      largest attention difference from the run: ${difference.toExponential(2)}`);
  }

  it('Open Attention File shows the file as the extension\'s own run of the same text, on its source file', async function () {
    this.timeout(60_000);
    const reply = await vscode.commands.executeCommand<OpenAttentionFileReply | undefined>('attentionLens.openAttentionFile', BUNDLED);
    assert.ok(reply, 'the command opened the file');
    assert.equal(reply.note, undefined, 'the tokens are tied to snippet.py');
    const run = lens.store.latest;
    assert.ok(isFileRun(run) && run.runId === reply.runId, 'the file\'s result is the latest');
    assertSameAsReference(run);
    assert.equal(run.documentUri, snippet.toString());
    assert.equal(fileTabs(BUNDLED).length, 1, 'the file is open in its editor');
    // Hover and shading work on snippet.py as for a run.
    const document = await vscode.workspace.openTextDocument(snippet);
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const index = run.tokens.findIndex((t) => t.text.includes('total'));
    const at = document.positionAt(run.tokens[index].start + run.tokens[index].text.indexOf('total'));
    editor.selection = new vscode.Selection(at, at);
    const shading = await until(() => lens.editor.shading.runId === run.runId && lens.editor.shading.query?.index === index && lens.editor.shading, 'shading of the file\'s result');
    assert.ok(shading.keys.length > 0);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', snippet, at);
    const text = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
    assert.match(text, /Attention Lens/);
    // The webview drew it.
    await until(() => lens.paintTimes.has(run.runId), 'the file editor painting the result');
  });

  it('the custom editor opens the file with the same result', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = lens.attentionFiles.opened;
    await vscode.commands.executeCommand('vscode.openWith', BUNDLED, ATTENTION_FILE_VIEW_TYPE);
    await until(() => lens.attentionFiles.opened > before, 'the custom editor reading the file');
    const run = await until(() => isFileRun(lens.store.latest) && lens.store.latest.runId > reference.runId && lens.store.latest, 'the file\'s result');
    assertSameAsReference(run);
    assert.equal(run.documentUri, snippet.toString());
    await until(() => lens.paintTimes.has(run.runId), 'the file editor painting the result');
  });

  it('bringing a file\'s tab to the front after another run makes its result the latest again', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const reply = await vscode.commands.executeCommand<OpenAttentionFileReply | undefined>('attentionLens.openAttentionFile', BUNDLED);
    assert.ok(reply?.runId !== undefined);
    const document = await vscode.workspace.openTextDocument(snippet);
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(0, 0, 1, 0);
    const other = await lens.showAttention();
    assert.ok(other && other.runId !== reply.runId && lens.store.latest?.runId === other.runId, 'a run replaced the file\'s result');
    await vscode.commands.executeCommand('vscode.openWith', BUNDLED, ATTENTION_FILE_VIEW_TYPE);
    await until(() => lens.store.latest?.runId === reply.runId, 'the file\'s result to be the latest again');
    assert.equal(fileTabs(BUNDLED).length, 1, 'the same tab, not a second one');
  });

  it('a source file that changed since: the tokens on their own, and a line saying why', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const document = await vscode.workspace.openTextDocument(snippet);
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '# edited\n'));
    try {
      const reply = await vscode.commands.executeCommand<OpenAttentionFileReply | undefined>('attentionLens.openAttentionFile', BUNDLED);
      assert.ok(reply);
      assert.equal(reply.note, 'snippet.py has changed since this attention was saved; showing the tokens on their own.');
      assert.equal(lens.attentionFiles.lastNote, reply.note);
      const run = lens.store.latest;
      assert.ok(isFileRun(run) && run.runId === reply.runId);
      assert.notEqual(run.documentUri, snippet.toString());
      assertSameAsReference(run);
      // No hover on the edited file: the result is not tied to it.
      const token = run.tokens.find((t) => t.text.includes('total'))!;
      const at = document.positionAt('# edited\n'.length + token.start + token.text.indexOf('total'));
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', snippet, at);
      const text = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
      assert.doesNotMatch(text, /Attention Lens/);
    } finally {
      await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('a cross-attention file opens in its editor with both sequences, and is not made a run', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const cross = vscode.Uri.file(join(fixtures, 'cross-attention.attention.safetensors'));
    const file = readAttentionFile(readFileSync(cross.fsPath));
    const latest = lens.store.latest?.runId;
    const reply = await vscode.commands.executeCommand<OpenAttentionFileReply | undefined>('attentionLens.openAttentionFile', cross);
    assert.ok(reply);
    assert.equal(reply.runId, undefined);
    assert.equal(reply.tokens, file.queryCount);
    assert.equal(reply.keyTokens, file.keyCount);
    assert.notEqual(file.queryCount, file.keyCount);
    assert.equal(fileTabs(cross).length, 1);
    assert.equal(lens.store.latest?.runId, latest, 'the latest run is unchanged');
  });

  it('a damaged file: the reader\'s message, and nothing opened', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const bytes = readFileSync(BUNDLED.fsPath);
    const damaged = vscode.Uri.file(join(mkdtempSync(join(tmpdir(), 'attention-file-')), 'damaged.attention.safetensors'));
    writeFileSync(damaged.fsPath, bytes.subarray(0, Math.floor(bytes.length / 2)));
    let expected = '';
    try {
      readAttentionFile(bytes.subarray(0, Math.floor(bytes.length / 2)), { fileName: 'damaged.attention.safetensors' });
    } catch (err) {
      expected = (err as Error).message;
    }
    assert.match(expected, /^damaged\.attention\.safetensors: .*(cut short|truncated|ends)/i);
    const latest = lens.store.latest?.runId;
    const reply = await vscode.commands.executeCommand<OpenAttentionFileReply | undefined>('attentionLens.openAttentionFile', damaged);
    assert.equal(reply, undefined, 'the command opened nothing');
    assert.equal(lens.attentionFiles.lastError, expected);
    assert.equal(fileTabs(damaged).length, 0, 'no editor was opened');
    assert.equal(lens.store.latest?.runId, latest, 'the latest result is unchanged');
    // Opened directly (double-click in the explorer): the tab shows the message, no result is published.
    const opened = lens.attentionFiles.opened;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vscode.openWith', damaged, ATTENTION_FILE_VIEW_TYPE);
    await until(() => fileTabs(damaged).length === 1, 'the tab of the damaged file');
    assert.equal(lens.attentionFiles.lastError, expected);
    assert.equal(lens.attentionFiles.opened, opened);
    assert.equal(lens.store.latest?.runId, latest, 'the latest result is unchanged');
  });
});
