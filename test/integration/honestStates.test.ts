// What the extension says about a result that does not cover, or no longer matches, its text:
// where a cut analysis stopped (lines and columns, marked in the editor), staleness that an undo
// clears, and where the panel goes when Show Attention runs from either editor group.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { cutMessage } from '../../src/shared/analysisCut';
import { api, closeWithoutSaving, openUntitled, until } from './support';

function panelGroups(): vscode.ViewColumn[] {
  return vscode.window.tabGroups.all
    .filter((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('attentionLens.panel')))
    .map((g) => g.viewColumn);
}

describe('Honest states', () => {
  it('a cut between lines: the run names the analysed lines of the whole and the editor marks the cut', async () => {
    const lens = await api();
    const lines = Array.from({ length: 400 }, (_, i) => `const value${i} = compute(${i}); // ${'pad '.repeat(i % 5)}`).join('\n');
    const editor = await openUntitled(lines, 'typescript');
    try {
      editor.selection = new vscode.Selection(0, 0, 0, 0); // nothing selected: the whole document
      const run = await lens.showAttention();
      assert.ok(run && run.truncated && run.cut, 'the run is cut and says where');
      const document = editor.document;
      const end = run.baseOffset + run.text.length;
      const lastChar = document.positionAt(end - 1);
      const midLine = lastChar.character + 1 < document.lineAt(lastChar.line).text.length;
      assert.equal(run.cut.firstLine, 1);
      assert.equal(run.cut.lastLine, lastChar.line + 1);
      assert.equal(run.cut.lastColumn, midLine ? lastChar.character + 1 : undefined, 'a column only when the cut falls inside a line');
      assert.equal(run.cut.requestedLastLine, 400);
      assert.equal(run.cut.tokenLimit, run.tokens.length);
      assert.match(cutMessage(run.cut), midLine ? /^Analysed line 1 to line \d+, column \d+, of 400 lines \(\d+-token limit\)\.$/ : /^Analysed lines 1–\d+ of 400 lines \(\d+-token limit\)\.$/);
      assert.match(run.source, midLine ? new RegExp(`:1-${lastChar.line + 1} \\(to col ${lastChar.character + 1}\\)$`) : new RegExp(`:1-${lastChar.line + 1}$`));
      const marker = await until(() => lens.editor.cut, 'the cut to be marked in the editor');
      assert.equal(marker.offset, end);
      assert.equal(marker.documentUri, document.uri.toString());
      // An edit inside the analysed text makes the run stale: the mark goes (its place no longer holds).
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 6), 'x')));
      await until(() => lens.editor.stale && lens.editor.cut === undefined, 'stale, with no cut marked');
    } finally {
      await closeWithoutSaving(editor);
    }
  });

  it('a cut inside a long line: line and column, never the whole line', async () => {
    const lens = await api();
    const long = Array.from({ length: 3 }, (_, l) => Array.from({ length: 1500 }, (_, i) => `v${l}_${i}`).join(' + ')).join('\n');
    const editor = await openUntitled(long, 'typescript');
    try {
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      const run = await lens.showAttention();
      assert.ok(run && run.cut);
      assert.equal(run.cut.lastLine, 1, 'the first line alone holds more than the limit');
      assert.equal(run.cut.lastColumn, run.text.length, 'the column of the last analysed character');
      assert.equal(cutMessage(run.cut), `Analysed line 1 up to column ${run.text.length} of 3 lines (${run.cut.tokenLimit}-token limit).`);
      assert.match(run.source, new RegExp(`:1 \\(to col ${run.text.length}\\)$`));
    } finally {
      await closeWithoutSaving(editor);
    }
  });

  it('undo back to the analysed text clears stale, in the status bar too', async () => {
    const lens = await api();
    const editor = await openUntitled('function add(a: number, b: number) {\n  return a + b;\n}\n', 'typescript');
    try {
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      const run = await lens.showAttention();
      assert.ok(run);
      const document = editor.document;
      const inside = document.positionAt(run.baseOffset + run.text.indexOf('return') + 3);
      const typed = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
      assert.ok(await typed.edit((b) => b.insert(inside, 'zz')));
      await until(() => lens.editor.stale, 'the run to become stale');
      assert.match(lens.statusBarText, /stale/);
      await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
      await vscode.commands.executeCommand('undo');
      await until(() => !lens.editor.stale, 'undo to clear stale');
      assert.doesNotMatch(lens.statusBarText, /stale/);
      // Typing the same text back (an edit that spans the analysed text's start) also holds.
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), `// added\n${run.text.replace('return', 'yield')}`);
      assert.ok(await vscode.workspace.applyEdit(edit));
      await until(() => lens.editor.stale, 'the replacement to make it stale');
      const back = new vscode.WorkspaceEdit();
      back.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), `// added\n${run.text}`);
      assert.ok(await vscode.workspace.applyEdit(back));
      await until(() => !lens.editor.stale, 'the same text typed back to count as current');
      assert.equal(lens.store.latest?.runId, run.runId, 'no new run was made');
    } finally {
      await closeWithoutSaving(editor);
    }
  });

  it('the panel stays in its group when Show Attention runs from either group', async () => {
    const lens = await api();
    const folder = vscode.workspace.workspaceFolders![0];
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    const left = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.ts')), vscode.ViewColumn.One);
    left.selection = new vscode.Selection(0, 0, 5, 0);
    assert.ok(await lens.showAttention());
    await until(() => panelGroups().length === 1, 'the panel to open');
    assert.deepEqual(panelGroups(), [vscode.ViewColumn.Two], 'created beside the editor');
    // A file opened in the panel's group, and run from there: the panel stays; no third column.
    const right = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.py')), vscode.ViewColumn.Two);
    right.selection = new vscode.Selection(0, 0, 3, 0);
    assert.ok(await lens.showAttention());
    assert.deepEqual(panelGroups(), [vscode.ViewColumn.Two]);
    assert.equal(vscode.window.tabGroups.all.length, 2, 'no third column');
    // Run from the left group: the panel is revealed where it is and the left file stays open.
    await vscode.window.showTextDocument(left.document, vscode.ViewColumn.One);
    assert.ok(await lens.showAttention());
    assert.deepEqual(panelGroups(), [vscode.ViewColumn.Two]);
    assert.equal(vscode.window.tabGroups.all.length, 2, 'no third column');
    const leftTabs = vscode.window.tabGroups.all[0].tabs;
    assert.ok(leftTabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === left.document.uri.toString()), 'the left file keeps its tab');
    assert.ok(!vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.isPreview && t.input instanceof vscode.TabInputWebview), 'the panel is never a preview tab');
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
  });
});
