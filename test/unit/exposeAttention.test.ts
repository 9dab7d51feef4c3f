import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from 'tokenizers';
import { appendGraphField } from '../../src/onnx/appendGraph';
import { AttentionNotFoundError, exposeAttention } from '../../src/onnx/exposeAttention';
import { ModelProtoType, type RawGraph } from '../../src/onnx/onnxSchema';
import { REPO_ROOT, createInferenceRunner, ort, readModelBytes } from '../reference/nodeRuntime';

const TINYBERT_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'tribuo-tinybert');

function buildModel(graph: RawGraph): Uint8Array {
  const header = ModelProtoType.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }] }).finish();
  return appendGraphField(header, graph);
}

const int64Tensor = (values: readonly number[]): ort.Tensor =>
  new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [1, values.length]);

describe('exposeAttention', function () {
  it('exposes the attention of a third-party BERT (tribuo tinybert)', async function () {
    this.timeout(15_000);
    if (!existsSync(TINYBERT_DIR)) {
      console.log(`      skipped: fixture folder ${TINYBERT_DIR} is absent`);
      this.skip();
    }
    const original = new Uint8Array(readFileSync(path.join(TINYBERT_DIR, 'tinybert.onnx')));
    const exposed = exposeAttention(original);
    assert.deepEqual(exposed.outputs, [{ name: '120', softmaxNode: 'Softmax_74', alreadyOutput: false }]);
    assert.deepEqual(exposed.fusedAttention, []);
    assert.deepEqual(exposed.modelBytes.subarray(0, original.length), original, 'original bytes must stay untouched');

    const encoding = await Tokenizer.fromFile(path.join(TINYBERT_DIR, 'tinybert-tokenizer.json')).encode('it is a truth');
    const ids = encoding.getIds();
    const runner = await createInferenceRunner(exposed.modelBytes);
    try {
      const outputs = await runner.run({
        input_ids: int64Tensor(ids),
        attention_mask: int64Tensor(ids.map(() => 1)),
        token_type_ids: int64Tensor(ids.map(() => 0)),
      });
      const attention = outputs['120']!;
      const T = ids.length;
      assert.deepEqual(attention.dims, [1, 1, T, T]);
      const weights = attention.data as Float32Array;
      for (let row = 0; row < T; row++) {
        const sum = weights.subarray(row * T, (row + 1) * T).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5, `row ${row} sums to ${sum}`);
      }
    } finally {
      await runner.release();
    }
  });

  it('leaves a model unchanged when its attention is already an output', function () {
    const bundled = readModelBytes();
    const exposed = exposeAttention(bundled);
    assert.deepEqual(exposed.outputs.map((o) => [o.name, o.alreadyOutput]), [
      ['attn_0', true],
      ['attn_1', true],
      ['attn_2', true],
      ['attn_3', true],
    ]);
    assert.equal(exposed.modelBytes, bundled);
  });

  it('looks through Cast, Dropout and Identity, and ignores a Softmax that is no attention', function () {
    const exposed = exposeAttention(
      buildModel({
        node: [
          { opType: 'Softmax', name: 'classifier', input: ['logits'], output: ['probs'] },
          { opType: 'Softmax', name: 'attn', input: ['scores'], output: ['p'] },
          { opType: 'Dropout', input: ['p'], output: ['p_drop', 'mask'] },
          { opType: 'Cast', input: ['p_drop'], output: ['p_cast'] },
          { opType: 'MatMul', input: ['p_cast', 'v'], output: ['o'] },
        ],
      }),
    );
    assert.deepEqual(exposed.outputs, [{ name: 'p', softmaxNode: 'attn', alreadyOutput: false }]);
  });

  it('explains fused attention operators when there is no Softmax', function () {
    const model = buildModel({ node: [{ opType: 'Attention', domain: 'com.microsoft', name: 'Attention_0', input: ['x'], output: ['y'] }] });
    assert.throws(
      () => exposeAttention(model),
      (err: unknown) => err instanceof AttentionNotFoundError && err.fusedAttention.length === 1 && /fused operators.*Attention_0/.test(err.message),
    );
  });

  it('says so when a model has no attention at all', function () {
    assert.throws(() => exposeAttention(buildModel({ node: [{ opType: 'Relu', input: ['x'], output: ['y'] }] })), /No attention found/);
  });
});
