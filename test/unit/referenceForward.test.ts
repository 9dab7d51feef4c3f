/**
 * The exported graph computes exactly the math of training/model.py: every output of the bundled
 * model, run by onnxruntime-web, equals the plain-loop reference forward pass on real code.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readOnnxModel } from '../../src/onnx/readModel';
import { loadModelWeights, type ModelWeights } from '../reference/modelWeights';
import { transformerForward, type ForwardResult } from '../reference/transformerForward';
import { REPO_ROOT, createInferenceRunner, idsTensor, ort, readModelBytes, tokenIds } from '../reference/nodeRuntime';

const TOLERANCE = 1e-4;
const MAX_TOKENS = 200;

/** Held-out Python (tomllib's parser), so the activations are those of real input. */
async function heldOutIds(): Promise<number[]> {
  const sample = readFileSync(path.join(REPO_ROOT, 'training', 'heldout-sample.txt'), 'utf8');
  const start = sample.indexOf('\ndef skip_until(');
  assert.ok(start >= 0, 'heldout-sample.txt no longer contains the expected snippet');
  return (await tokenIds(sample.slice(start, start + 1200))).slice(0, MAX_TOKENS);
}

function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'output sizes differ');
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  return max;
}

describe('bundled model vs. the reference forward pass', function () {
  this.timeout(20_000);

  let ids: number[];
  let weights: ModelWeights;
  let reference: ForwardResult;
  let outputs: ort.InferenceSession.OnnxValueMapType;

  before(async function () {
    const bytes = readModelBytes();
    ids = await heldOutIds();
    weights = loadModelWeights(readOnnxModel(bytes));
    reference = transformerForward(weights, ids);
    const runner = await createInferenceRunner(bytes);
    try {
      outputs = await runner.run({ input_ids: idsTensor(ids) });
    } finally {
      await runner.release();
    }
  });

  const output = (name: string): ort.Tensor => {
    const tensor = outputs[name];
    assert.ok(tensor, `the model has no output '${name}'`);
    return tensor;
  };

  it('runs on a real snippet of 64 to 200 tokens', function () {
    assert.ok(ids.length >= 64 && ids.length <= MAX_TOKENS, `got ${ids.length} tokens`);
  });

  it('logits match', function () {
    const logits = output('logits');
    assert.deepEqual(logits.dims, [1, ids.length, weights.vocab]);
    const diff = maxAbsDiff(logits.data as Float32Array, reference.logits);
    assert.ok(diff < TOLERANCE, `logits: max abs diff ${diff}`);
  });

  it('attention, q, k, v and o of every layer match', function () {
    const T = ids.length;
    const H = weights.heads;
    const dK = weights.dModel / H;
    reference.layers.forEach((parts, layer) => {
      for (const part of ['attn', 'q', 'k', 'v', 'o'] as const) {
        const tensor = output(`${part}_${layer}`);
        assert.deepEqual(tensor.dims, [1, H, T, part === 'attn' ? T : dK], `${part}_${layer} shape`);
        const diff = maxAbsDiff(tensor.data as Float32Array, parts[part]);
        assert.ok(diff < TOLERANCE, `${part}_${layer}: max abs diff ${diff}`);
      }
    });
  });

  it('attention rows sum to 1 with zeros above the diagonal', function () {
    const T = ids.length;
    for (let layer = 0; layer < weights.layers.length; layer++) {
      const attn = output(`attn_${layer}`).data as Float32Array;
      for (let row = 0; row < weights.heads * T; row++) {
        const query = row % T;
        let sum = 0;
        for (let key = 0; key < T; key++) {
          const weight = attn[row * T + key]!;
          if (key > query) assert.equal(weight, 0, `attn_${layer} row ${row} attends to future key ${key}`);
          sum += weight;
        }
        assert.ok(Math.abs(sum - 1) < 1e-5, `attn_${layer} row ${row} sums to ${sum}`);
      }
    }
  });
});
