// A third-party model (an untrained BERT exported by PyTorch, attention hidden inside) selected
// through the model-folder setting and run by the real Show Attention command.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { runWithModelFolder } from './support';

// The suite is bundled to out/test/integration/; the repository root is three levels up.
const repoRoot = resolve(__dirname, '..', '..', '..');
const fixture = resolve(repoRoot, '..', 'shared', 'fixtures', 'tribuo-tinybert');

describe('Show Attention with a user model', () => {
  let folder: string;

  before(function () {
    if (!existsSync(join(fixture, 'tinybert.onnx'))) {
      console.log(`      skipped: ${fixture} is absent (it sits beside the repository in CI)`);
      this.skip();
    }
    folder = mkdtempSync(join(tmpdir(), 'attention-lens-model-'));
    copyFileSync(join(fixture, 'tinybert.onnx'), join(folder, 'model.onnx'));
    copyFileSync(join(fixture, 'tinybert-tokenizer.json'), join(folder, 'tokenizer.json'));
  });

  after(async () => {
    await vscode.workspace.getConfiguration('attentionLens').update('modelFolder', undefined, vscode.ConfigurationTarget.Global);
  });

  it('exposes the model attention and marks [CLS]/[SEP] as special', async () => {
    const { run, document } = await runWithModelFolder(folder);
    assert.ok(run, 'the command returned a run');
    assert.equal(run.model.causal, false);
    assert.equal(run.model.layers, 1);
    assert.ok(run.model.heads >= 1);
    assert.equal(run.vectors, undefined, 'a third-party model exports no q/k/v');
    const first = run.tokens[0];
    const last = run.tokens[run.tokens.length - 1];
    assert.equal(first.text, '[CLS]');
    assert.ok(first.special && first.start === first.end);
    assert.equal(last.text, '[SEP]');
    assert.ok(last.special && last.start === last.end);
    for (const token of run.tokens.filter((t) => !t.special)) {
      const range: vscode.Range = new vscode.Range(
        document.positionAt(run.baseOffset + token.start),
        document.positionAt(run.baseOffset + token.end),
      );
      // WordPiece lowercases: the source slice, lowercased, is the token without its ## prefix.
      assert.equal(document.getText(range).toLowerCase(), token.text.toLowerCase());
    }
    const size = run.tokens.length;
    const layer = run.attention.layer(0)!;
    assert.equal(layer.length, run.model.heads * size * size);
    for (let row = 0; row < run.model.heads * size; row++) {
      let sum = 0;
      for (let k = 0; k < size; k++) sum += layer[row * size + k];
      assert.ok(Math.abs(sum - 1) < 1e-4, `row ${row} sums to 1 (got ${sum})`);
    }
  });
});
