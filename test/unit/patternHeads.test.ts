// Finding the heads the Model view's sort puts first, from real head scores of small matrices.
import * as assert from 'node:assert/strict';
import { headBadges } from '../../src/shared/headBadges';
import { patternOfTopHead, topHeads } from '../../src/attention/patternHeads';
import { HEAD_SCORE_NAMES } from '../../src/shared/protocol';

/** One layer of `heads` causal T x T matrices, [head][query][key], from per-head row builders. */
function layer(size: number, rows: ((i: number) => number[])[]): Float32Array {
  const out = new Float32Array(rows.length * size * size);
  rows.forEach((row, h) => {
    for (let i = 0; i < size; i++) out.set(row(i), (h * size + i) * size);
  });
  return out;
}

const oneHot = (size: number, j: number) => Array.from({ length: size }, (_, k) => (k === j ? 1 : 0));
const uniform = (size: number, i: number) => Array.from({ length: size }, (_, k) => (k <= i ? 1 / (i + 1) : 0));

describe('Pattern heads', function () {
  // "( a ) ( a )": brackets and a repeat, 6 tokens.
  const texts = ['(', 'a', ')', '(', 'a', ')'];
  const tokens = texts.map((text, i) => ({ text, id: [1, 2, 3, 1, 2, 3][i] }));
  const size = tokens.length;
  // Layer 0: head 0 attends to itself, head 1 to the previous token. Layer 1: head 0 uniform, head 1 to itself.
  const attention = [
    layer(size, [(i) => oneHot(size, i), (i) => oneHot(size, Math.max(0, i - 1))]),
    layer(size, [(i) => uniform(size, i), (i) => oneHot(size, i)]),
  ];
  const scores = headBadges(attention, tokens);

  it('finds the previous-token head from the scores headBadges computes', function () {
    assert.deepEqual(topHeads(scores, 2, 2, 'previous'), [{ layer: 0, head: 1 }]);
    assert.equal(patternOfTopHead(scores, 2, 2, { layer: 0, head: 1 }), 'previous');
    assert.equal(patternOfTopHead(scores, 2, 2, { layer: 1, head: 1 }), undefined, 'a self-attending head is first by none of the named patterns');
  });

  it('returns every head on a tie and none when the pattern does not occur', function () {
    const perHead = HEAD_SCORE_NAMES.length;
    const tied = new Float32Array(2 * perHead).fill(0.5);
    assert.deepEqual(topHeads(tied, 1, 2, 'bracket'), [{ layer: 0, head: 0 }, { layer: 0, head: 1 }]);
    assert.deepEqual(topHeads(new Float32Array(2 * perHead).fill(NaN), 1, 2, 'bracket'), []);
  });

  it('refuses scores of the wrong shape', function () {
    assert.throws(() => topHeads(scores, 3, 2, 'previous'), /expected 3 x 2 x 5 scores, got 20/);
  });
});
