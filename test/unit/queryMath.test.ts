// The math of one query: masked softmax of q·k/√d_k and the weighted sum of values.
import { inMemoryLayers } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { maskedSoftmax, queryMath } from '../../src/shared/queryMath';
import { answerQueryMath, type HeldRun } from '../../src/shared/viewRequests';
import { MessageType, floatsFromBuffer } from '../../src/shared/protocol';
import { f32, close } from '../support/numeric';

describe('query math', () => {
  /** A one-head run whose attention is exactly softmax(q k^T / sqrt d + mask) and o = S v. */
  function modelLike(size: number, d: number) {
    const rand = (i: number) => Math.sin(i * 12.9898) * 0.9;
    const q = Float32Array.from({ length: size * d }, (_, i) => rand(i));
    const k = Float32Array.from({ length: size * d }, (_, i) => rand(i + 1000));
    const v = Float32Array.from({ length: size * d }, (_, i) => rand(i + 2000));
    const attention = new Float32Array(size * size);
    const o = new Float32Array(size * d);
    for (let i = 0; i < size; i++) {
      const scores = Float32Array.from({ length: size }, (_, j) => {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += q[i * d + c] * k[j * d + c];
        return dot / Math.sqrt(d);
      });
      const s = maskedSoftmax(scores, i, true);
      attention.set(s, i * size);
      for (let j = 0; j < size; j++) for (let c = 0; c < d; c++) o[i * d + c] += s[j] * v[j * d + c];
    }
    return { vectors: { q, k, v, o, headDim: d }, attention };
  }

  it('masks keys after the query and normalises', () => {
    close(maskedSoftmax(f32([0, 0, 5]), 1, true), [0.5, 0.5, 0]);
  });

  it("reproduces the model's attention row and output from its q, k, v", () => {
    const { vectors, attention } = modelLike(6, 4);
    const math = queryMath(vectors, attention.subarray(0, 36), 1, 6, 0, 4, true);
    assert.ok(math.maxWeightDiff < 1e-6, `ΔS ${math.maxWeightDiff}`);
    assert.ok(math.maxOutputDiff < 1e-6, `ΔO ${math.maxOutputDiff}`);
    assert.equal(math.weights[5], 0, 'masked key');
    assert.equal(math.k.length, 6 * 4);
    assert.throws(() => queryMath(vectors, attention.subarray(0, 36), 1, 6, 1, 0, true), RangeError);
  });

  it('answers over the protocol, and says when a model has no q/k/v', () => {
    const { vectors, attention } = modelLike(5, 3);
    const tokens = Array.from({ length: 5 }, (_, i) => ({ text: String(i), id: i, special: false }));
    const run: HeldRun = { runId: 1, tokens, attention: inMemoryLayers([attention], 5), vectors: [vectors], causal: true };
    const request = { type: MessageType.RequestQueryMath, requestId: 9, runId: 1, layer: 0, head: 0, query: 3 } as const;
    const reply = answerQueryMath(run, request)!;
    assert.equal(reply.available, true);
    assert.equal(reply.requestId, 9);
    close(floatsFromBuffer(reply.weights, 5)!, attention.subarray(15, 20));
    assert.ok(reply.maxWeightDiff < 1e-6);
    const none = answerQueryMath({ ...run, vectors: undefined }, request)!;
    assert.equal(none.available, false);
    assert.match(none.reason, /does not export Q\/K\/V/);
    assert.equal(answerQueryMath(run, { ...request, query: 5 }), undefined);
    assert.equal(answerQueryMath(run, { ...request, head: 1 }), undefined);
  });
});
