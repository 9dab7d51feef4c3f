// Attention rollout (Abnar & Zuidema 2020) and its per-layer cache.
import { inMemoryLayers } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { answerRollout, rolloutFor, type HeldRun } from '../../src/shared/viewRequests';
import { MessageType, matrixFromMessage } from '../../src/shared/protocol';
import { attentionRollout, multiply, residualAttention } from '../../src/shared/rollout';
import { f32, close, randomCausal } from '../support/numeric';

describe('attention rollout', () => {
  it('mixes the head mean with the identity and renormalises rows', () => {
    // Two heads: [[1,0],[1,0]] and [[1,0],[0,1]] -> mean [[1,0],[.5,.5]] -> .5 A + .5 I.
    const layer = f32([1, 0, 1, 0, 1, 0, 0, 1]);
    close(residualAttention(layer, 2), [1, 0, 0.25, 0.75]);
  });

  it('multiplies the layers, first layer innermost (hand-worked, causal)', () => {
    const a0 = f32([1, 0, 0.5, 0.5]); // A'0 = [[1,0],[.25,.75]]
    const a1 = f32([1, 0, 1, 0]); // A'1 = [[1,0],[.5,.5]]
    const [r0, r1] = attentionRollout(inMemoryLayers([a0, a1], 2), 2);
    close(r0, [1, 0, 0.25, 0.75]);
    // R1 = A'1 · A'0 = [[1,0],[.5*1 + .5*.25, .5*.75]]
    close(r1, [1, 0, 0.625, 0.375]);
  });

  it('handles full (non-causal) attention', () => {
    const a = f32([0.5, 0.5, 0.5, 0.5]); // A' = [[.75,.25],[.25,.75]]
    const rollouts = attentionRollout(inMemoryLayers([a, a], 2), 2);
    close(rollouts[1], [0.625, 0.375, 0.375, 0.625]);
  });

  it('the lower-triangular product equals the full product on causal matrices', () => {
    const a = randomCausal(9, 1);
    const b = randomCausal(9, 2);
    close(multiply(a, b, 9, true), multiply(a, b, 9, false), 1e-6);
  });

  it('rows of a rollout sum to 1, and the responder caches layer by layer', () => {
    const size = 12;
    const attention = [0, 1, 2].map((l) => {
      const layer = new Float32Array(2 * size * size);
      layer.set(randomCausal(size, 10 + l), 0);
      layer.set(randomCausal(size, 20 + l), size * size);
      return layer;
    });
    const run: HeldRun = { runId: 3, tokens: Array.from({ length: size }, (_, i) => ({ text: `t${i}`, id: i, special: false })), attention: inMemoryLayers(attention, size), vectors: undefined, causal: true };
    const r2 = rolloutFor(run, 2)!;
    for (let i = 0; i < size; i++) {
      let sum = 0;
      for (let j = 0; j < size; j++) sum += r2[i * size + j];
      assert.ok(Math.abs(sum - 1) < 1e-5);
    }
    close(r2, attentionRollout(run.attention, size)[2], 1e-6);
    const reply = answerRollout(run, { type: MessageType.RequestRollout, exact: true, requestId: 7, runId: 3, layer: 1 })!;
    assert.equal(reply.aggregate, 'rollout');
    assert.equal(reply.requestId, 7);
    close(matrixFromMessage(reply)!, attentionRollout(run.attention, size)[1], 1e-6);
    assert.equal(answerRollout(run, { type: MessageType.RequestRollout, exact: true, requestId: 7, runId: 4, layer: 1 }), undefined, 'another run');
    assert.equal(answerRollout(run, { type: MessageType.RequestRollout, exact: true, requestId: 7, runId: 3, layer: 3 }), undefined, 'layer out of range');
  });
});
