// Head scores (previous-token, induction-like, sparsity, …) behind the Model view badges.
import { inMemoryLayers } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { headBadges, inductionLikeScore } from '../../src/shared/headBadges';
import { HEAD_SCORE_NAMES } from '../../src/shared/protocol';
import { f32 } from '../support/numeric';

describe('head badges', () => {
  it('scores induction-like attention to the token after the earlier occurrence', () => {
    // ids: A B A -> query 2 (A) saw A at 0, so it should look at 1 (B).
    const m = f32([1, 0, 0, 0.5, 0.5, 0, 0.1, 0.8, 0.1]);
    assert.ok(Math.abs(inductionLikeScore(m, [7, 8, 7]) - 0.8) < 1e-6);
    assert.ok(Number.isNaN(inductionLikeScore(m, [1, 2, 3])));
  });
  it('computes every score for every head', () => {
    const size = 4;
    const prev = new Float32Array(size * size);
    prev[0] = 1;
    for (let i = 1; i < size; i++) prev[i * size + i - 1] = 1;
    const uniform = new Float32Array(size * size);
    for (let i = 0; i < size; i++) for (let j = 0; j <= i; j++) uniform[i * size + j] = 1 / (i + 1);
    const layer = new Float32Array(2 * size * size);
    layer.set(prev, 0);
    layer.set(uniform, size * size);
    const tokens = ['f', '(', 'x', ')'].map((text, id) => ({ text, id }));
    const scores = headBadges(inMemoryLayers([layer], size), tokens);
    const k = HEAD_SCORE_NAMES.length;
    assert.equal(scores.length, 2 * k);
    assert.equal(scores[HEAD_SCORE_NAMES.indexOf('previous')], 1);
    assert.equal(scores[HEAD_SCORE_NAMES.indexOf('entropy')], 0);
    assert.ok(scores[k + HEAD_SCORE_NAMES.indexOf('entropy')] > 1, 'uniform head has high entropy');
    assert.equal(scores[HEAD_SCORE_NAMES.indexOf('bracket')], 0, 'the ")" attends to "x", not "("');
  });
});
