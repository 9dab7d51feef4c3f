// The editor side of a run, inside the real extension host: hover tooltips on analysed tokens,
// the side-bar heatmap view, attention shaded in place, and what edits do to all of it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AttentionLensTestApi } from '../../src/extension';
import { api, until } from './support';
import type { AttentionRun } from '../../src/attention/attentionRun';
import { pickModelFolder, trustedSettingValue } from '../../src/settings';

function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

async function hoverAt(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  return hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position));
}

/** Index of the token holding the first occurrence of `word` in the analysed text. */
function tokenIndex(run: AttentionRun, word: string): number {
  const offset = run.text.indexOf(word);
  assert.ok(offset >= 0, `${JSON.stringify(word)} is in the analysed text`);
  const index = run.tokens.findIndex((t) => !t.special && t.start <= offset && offset < t.end);
  assert.ok(index >= 0, `a token holds ${JSON.stringify(word)}`);
  return index;
}

function tokenPosition(document: vscode.TextDocument, run: AttentionRun, base: number, index: number): vscode.Position {
  const token = run.tokens[index];
  // Inside the token, past any leading space a byte-level token carries.
  const lead = token.text.length - token.text.trimStart().length;
  return document.positionAt(base + token.start + lead);
}

/** Every shaded range covers exactly its token's text, and the query outline its own. */
function assertShadingOnTokens(lens: AttentionLensTestApi, document: vscode.TextDocument, run: AttentionRun): void {
  const shading = lens.editor.shading;
  assert.equal(shading.runId, run.runId);
  assert.ok(shading.keys.length > 0, 'some tokens are shaded');
  for (const key of shading.keys) {
    const text = document.getText(new vscode.Range(document.positionAt(key.start), document.positionAt(key.end)));
    assert.equal(text, run.tokens[key.index].text, `shaded key #${key.index} sits on its token`);
    assert.ok(key.bucket >= 0 && key.bucket < 5);
  }
  assert.ok(shading.query);
  const queryText = document.getText(new vscode.Range(document.positionAt(shading.query.start), document.positionAt(shading.query.end)));
  assert.equal(queryText, run.tokens[shading.query.index].text);
}

describe('In the editor', () => {
  let lens: AttentionLensTestApi;
  let editor: vscode.TextEditor;
  let run: AttentionRun;

  before(async () => {
    lens = await api();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.ts'));
    editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(1, 0, 10, 0);
    const result = await (await api()).showAttention();
    assert.ok(result, 'Show Attention returned a run');
    run = result;
    lens.shownHead.set({ layer: 0, head: 0 }, 'api');
  });

  after(async () => {
    // Leave the fixture as it was for the other suites.
    await vscode.window.showTextDocument(editor.document, vscode.ViewColumn.One);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('hovers a token with its top attended tokens, and nothing outside the analysed text', async () => {
    const document = editor.document;
    const index = tokenIndex(run, 'capacity');
    const text = await hoverAt(document, tokenPosition(document, run, run.baseOffset, index));
    assert.match(text, /Attention Lens/);
    assert.ok(text.includes(`token #${index}`), text);
    assert.ok(text.includes(`id ${run.tokens[index].id}`), 'the token id');
    assert.match(text, /layer 0 · head 0/);
    assert.match(text, /command:attentionLens\.revealToken\?/, 'reveal links');
    assert.match(text, /command:attentionLens\.openPanel\?/, 'the open-panel link');
    assert.match(text, /\| \d\.\d{3} \| \d+% \| /, 'a table of weights with their share of the strongest');
    assert.doesNotMatch(text, /[\u2580-\u259f]/, 'no block-character bars (a screen reader reads them glyph by glyph)');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      tokenPosition(document, run, run.baseOffset, index),
    );
    const ours = hovers.flatMap((h) => h.contents).find((c): c is vscode.MarkdownString => typeof c !== 'string' && c.value.includes('Attention Lens'));
    assert.ok(ours, 'the hover is a MarkdownString');
    // Outside: line 20 is after the analysed lines 2-10, line 1 before them.
    assert.doesNotMatch(await hoverAt(document, new vscode.Position(19, 4)), /Attention Lens/);
    assert.doesNotMatch(await hoverAt(document, new vscode.Position(0, 5)), /Attention Lens/);
  });

  it('shows the shared layer/head selection in the hover', async () => {
    const document = editor.document;
    lens.shownHead.set({ layer: 2, head: 'mean' }, 'api');
    const text = await hoverAt(document, tokenPosition(document, run, run.baseOffset, tokenIndex(run, 'capacity')));
    assert.match(text, /layer 2 · mean of heads/);
    lens.shownHead.set({ layer: 0, head: 0 }, 'api');
  });

  it('registers the side view, which paints the run and follows the cursor', async () => {
    await vscode.commands.executeCommand('attentionLens.sideView.focus');
    await until(() => lens.sideView.resolved, 'the side view to resolve');
    await until(() => lens.sideView.paintedRunId === run.runId, 'the side view to paint the run', 30_000);
    editor = await vscode.window.showTextDocument(editor.document, vscode.ViewColumn.One);
    const index = tokenIndex(run, 'RangeError');
    const position = tokenPosition(editor.document, run, run.baseOffset, index);
    editor.selection = new vscode.Selection(position, position);
    await until(() => lens.editor.focused?.index === index, 'the cursor token to be focused');
    await until(() => lens.sideView.focusedIndex === index, 'the side view to focus the row');
  });

  it('shades what the cursor token attends to, on the right text after edits', async () => {
    editor = await vscode.window.showTextDocument(editor.document, vscode.ViewColumn.One);
    const document = editor.document;
    const index = tokenIndex(run, 'throw');
    const position = tokenPosition(document, run, run.baseOffset, index);
    editor.selection = new vscode.Selection(position, position);
    await until(() => lens.editor.shading.query?.index === index, 'shading for the cursor token');
    assertShadingOnTokens(lens, document, run);
    const before = lens.editor.shading.keys.map((k) => k.start);

    // Toggling turns it off and on.
    assert.equal(await vscode.commands.executeCommand('attentionLens.toggleShading'), false);
    assert.equal(lens.editor.shading.keys.length, 0);
    assert.equal(await vscode.commands.executeCommand('attentionLens.toggleShading'), true);
    await until(() => lens.editor.shading.keys.length > 0, 'shading back on');

    // An edit before the analysed text shifts the shading with it.
    const inserted = '// shifted\n';
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), inserted)));
    await until(() => lens.editor.shading.keys[0]?.start === before[0] + inserted.length, 'shading to shift');
    assert.equal(lens.editor.stale, false);
    assertShadingOnTokens(lens, document, run);
    assert.deepEqual(lens.editor.shading.keys.map((k) => k.start), before.map((s) => s + inserted.length));
    const shiftedBase = run.baseOffset + inserted.length;
    assert.match(await hoverAt(document, tokenPosition(document, run, shiftedBase, index)), /Attention Lens/, 'hover follows the shift');

    // An edit after it changes nothing.
    assert.ok(await editor.edit((b) => b.insert(document.lineAt(document.lineCount - 1).range.end, '\n// after\n')));
    assert.equal(lens.editor.stale, false);
    assertShadingOnTokens(lens, document, run);

    // An edit inside it makes the run stale: no shading, no hover, status bar says so.
    assert.ok(await editor.edit((b) => b.insert(document.positionAt(shiftedBase + run.tokens[index].start), 'x')));
    await until(() => lens.editor.stale, 'the run to become stale');
    assert.equal(lens.editor.shading.keys.length, 0, 'no shading on edited text');
    assert.equal(lens.editor.shading.query, undefined);
    assert.doesNotMatch(await hoverAt(document, tokenPosition(document, run, shiftedBase, index)), /Attention Lens/);
    assert.match(lens.statusBarText, /stale/);
  });

  it('shows model, backend and run time in the status bar', () => {
    assert.ok(lens.statusBarText.includes(run.model.name), lens.statusBarText);
    assert.ok(lens.statusBarText.includes(run.model.backend), lens.statusBarText);
    assert.match(lens.statusBarText, /\d+ ms/);
    // Set when the suite runs a platform package (npm run package:native): the native engine must be what ran.
    const expected = process.env.ATTENTION_LENS_EXPECT_BACKEND;
    if (expected) assert.ok(run.model.backend.startsWith(expected), `ran on ${run.model.backend}, expected ${expected}`);
  });

  it('ignores workspace model folders in an untrusted workspace', () => {
    const levels = { globalValue: '/user/model', workspaceValue: '/repo/model' };
    assert.equal(pickModelFolder(levels, true), '/repo/model');
    assert.equal(pickModelFolder(levels, false), '/user/model');
    assert.equal(pickModelFolder({ workspaceValue: '/repo/model' }, false), undefined);
    assert.equal(pickModelFolder({ globalValue: '  ' }, true), undefined);
    assert.equal(pickModelFolder(undefined, true), undefined);
  });

  it('counts only user-level maxTokens, threads, backend and requestTimeoutSeconds in an untrusted workspace, and declares them restricted', () => {
    const levels = { globalValue: 256, workspaceValue: 8192, workspaceFolderValue: 4096 };
    assert.equal(trustedSettingValue(levels, true), 4096);
    assert.equal(trustedSettingValue(levels, false), 256);
    assert.equal(trustedSettingValue({ workspaceValue: 'webgpu' }, false), undefined);
    const manifest = vscode.extensions.getExtension('attention-lens.attention-lens')?.packageJSON as {
      capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
    };
    assert.deepEqual(
      [...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(),
      ['attentionLens.backend', 'attentionLens.maxTokens', 'attentionLens.modelFolder', 'attentionLens.requestTimeoutSeconds', 'attentionLens.threads'],
    );
  });
});
