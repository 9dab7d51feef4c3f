// Runs the real Show Attention command on a real document inside the VS Code extension host and
// checks the result the host computed and that the panel drew it.
import { everyLayer } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, assertNoRun, until } from './support';
import type { ShowAttentionReply } from '../../src/extension';
import type { AttentionRun } from '../../src/attention/attentionRun';

async function openSample(name: string): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, name));
  return vscode.window.showTextDocument(document, vscode.ViewColumn.One);
}

function assertRunIsConsistent(run: AttentionRun, document: vscode.TextDocument, expectedText: string): void {
  assert.ok(run.tokens.length > 5, 'several tokens');
  // Token ranges map back to exactly the selected text, in order.
  let rebuilt = '';
  let cursor = 0;
  for (const token of run.tokens) {
    if (token.special) continue;
    assert.ok(token.start >= cursor && token.end >= token.start, 'ranges in order, non-overlapping');
    const range = new vscode.Range(
      document.positionAt(run.baseOffset + token.start),
      document.positionAt(run.baseOffset + token.end),
    );
    assert.equal(document.getText(range), token.text);
    rebuilt += run.text.slice(cursor, token.start) + token.text;
    cursor = token.end;
  }
  assert.equal(rebuilt, expectedText.slice(0, cursor));
  // Each attention row is a distribution; causal rows put nothing on later tokens.
  const size = run.tokens.length;
  assert.equal(run.attention.length, run.model.layers);
  for (const layer of everyLayer(run.attention)) {
    assert.equal(layer.length, run.model.heads * size * size);
    for (let h = 0; h < run.model.heads; h++) {
      for (let q = 0; q < size; q++) {
        let sum = 0;
        for (let k = 0; k < size; k++) {
          const w = layer[(h * size + q) * size + k];
          if (run.model.causal && k > q) assert.equal(w, 0, `causal: [${h}][${q}][${k}] is zero`);
          sum += w;
        }
        assert.ok(Math.abs(sum - 1) < 1e-4, `row ${q} of head ${h} sums to 1 (got ${sum})`);
      }
    }
  }
}

describe('Show Attention', () => {
  it('analyses the selection and the panel draws it', async () => {
    const lens = await api();
    const editor = await openSample('sample.ts');
    const selection = new vscode.Selection(1, 0, 10, 0);
    editor.selection = selection;
    // Through the command, as the palette runs it: it answers with the run's id, not the run.
    const reply = await vscode.commands.executeCommand<ShowAttentionReply | undefined>('attentionLens.showAttention');
    assert.ok(reply, 'the command answered');
    const run = lens.store.get(reply.runId);
    assert.ok(run, 'the reply names the stored run');
    assert.equal(reply.tokens, run.tokens.length);
    assert.ok(JSON.stringify(reply).length < 100, 'the reply is small: it is serialised to the workbench');
    assert.equal(run.baseOffset, editor.document.offsetAt(selection.start));
    assert.equal(run.model.layers, 4);
    assert.equal(run.model.heads, 4);
    assert.ok(!run.truncated);
    assertRunIsConsistent(run, editor.document, editor.document.getText(selection));
    assert.equal(lens.store.latest?.runId, run.runId);
    const paintMs = await until(() => lens.paintTimes.get(run.runId), 'the panel to paint the run');
    assert.ok(paintMs >= 0);
  });

  it('uses the whole document when nothing is selected', async () => {
    const editor = await openSample('sample.py');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const run = await (await api()).showAttention();
    assert.ok(run);
    assert.equal(run.baseOffset, 0);
    assertRunIsConsistent(run, editor.document, editor.document.getText());
    assert.equal(run.text.trimEnd(), editor.document.getText().trimEnd());
  });

  it('refuses a whitespace-only selection without running', async () => {
    const lens = await api();
    const editor = await openSample('sample.ts');
    const before = lens.store.latest?.runId;
    editor.selection = new vscode.Selection(3, 0, 4, 0);
    const text = editor.document.getText(editor.selection);
    assert.equal(text.trim(), '', 'line 4 of the sample is blank');
    const run = await lens.showAttention();
    assertNoRun(run, 'no run');
    assert.equal(lens.store.latest?.runId, before);
  });

  it('keeps only the latest of several quick runs', async () => {
    const lens = await api();
    const editor = await openSample('sample.ts');
    editor.selection = new vscode.Selection(0, 0, 27, 0);
    const runs = await Promise.all(
      [0, 1, 2, 3].map(() => lens.showAttention()),
    );
    const finished = runs.filter((r): r is AttentionRun => r !== undefined);
    assert.equal(finished.length, 1, 'older runs are superseded');
    assert.equal(lens.store.latest?.runId, finished[0].runId);
  });
});
