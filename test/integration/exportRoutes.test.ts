// Models users export themselves, selected through the model-folder setting and run by the real
// Show Attention command in the extension host: the textbook single-head SelfAttention module
// (torch.onnx), a GPT-2-style decoder with a KV cache (fed empty), GroupQueryAttention (fused,
// rewritten in memory), a bfloat16 model (converted to float32 in memory) and 4-bit MatMulNBits
// weights.
import { everyLayer } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { runWithModelFolder } from './support';

// The suite is bundled to out/test/integration/; the repository root is three levels up.
const repoRoot = resolve(__dirname, '..', '..', '..');
const fixtures = join(repoRoot, 'test', 'fixtures', 'models');

const CASES = [
  { file: 'textbook-attention.onnx', layers: 1, heads: 1, causal: false, found: /one attention head/ },
  { file: 'gpt2-kv.onnx', layers: 2, heads: 4, causal: true, found: /decoder with KV cache \(fed empty\)/ },
  { file: 'group-query-attention.onnx', layers: 1, heads: 4, causal: true, found: /fused GroupQueryAttention rewritten/ },
  { file: 'bfloat16.onnx', layers: 2, heads: 2, causal: false, found: /bfloat16 weights computed in float32/ },
  { file: 'matmul-nbits.onnx', layers: 2, heads: 2, causal: false, found: /quantized operators \(MatMulNBits\)/ },
];

describe('Show Attention with models users export', function () {
  this.timeout(120_000);
  const folders: string[] = [];

  after(async () => {
    await vscode.workspace.getConfiguration('attentionLens').update('modelFolder', undefined, vscode.ConfigurationTarget.Global);
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.file}: ${c.layers} layers × ${c.heads} heads through the command`, async () => {
      const folder = mkdtempSync(join(tmpdir(), 'attention-lens-export-'));
      folders.push(folder);
      copyFileSync(join(fixtures, c.file), join(folder, 'model.onnx'));
      copyFileSync(join(fixtures, 'tokenizer.json'), join(folder, 'tokenizer.json'));
      const { run } = await runWithModelFolder(folder);
      assert.ok(run, 'the command returned a run');
      assert.equal(run.model.layers, c.layers);
      assert.equal(run.model.heads, c.heads);
      assert.equal(run.model.causal, c.causal);
      assert.match(run.model.found ?? '', c.found);
      const size = run.tokens.length;
      assert.ok(size > 2);
      for (const layer of everyLayer(run.attention)) {
        assert.equal(layer.length, c.heads * size * size);
        for (let row = 0; row < c.heads * size; row++) {
          let sum = 0;
          for (let k = 0; k < size; k++) {
            sum += layer[row * size + k];
            if (c.causal && k > row % size) assert.ok(layer[row * size + k] < 1e-6, `row ${row}, key ${k} is after the query`);
          }
          assert.ok(Math.abs(sum - 1) < 1e-4, `row ${row} sums to 1 (got ${sum})`);
        }
      }
    });
  }
});
