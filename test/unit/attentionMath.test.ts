import * as assert from 'node:assert/strict';
import { aggregateHeads, headMatrix, matrixRow, topKeys } from '../../src/shared/attentionMath';

// Two heads over three tokens, [head][query][key].
const layer = Float32Array.from([
  // head 0
  1, 0, 0,
  0.5, 0.5, 0,
  0.2, 0.3, 0.5,
  // head 1
  1, 0, 0,
  0.9, 0.1, 0,
  0.6, 0.1, 0.3,
]);

describe('attention math', () => {
  it('slices one head without copying', () => {
    const h1 = headMatrix(layer, 3, 1);
    assert.deepEqual(Array.from(h1), [1, 0, 0, 0.9, 0.1, 0, 0.6, 0.1, 0.3].map(Math.fround));
    assert.equal(h1.buffer, layer.buffer);
  });

  it('refuses a head outside the layer', () => {
    assert.throws(() => headMatrix(layer, 3, 2), RangeError);
    assert.throws(() => headMatrix(layer, 3, -1), RangeError);
  });

  it('takes the mean and the max over heads', () => {
    const mean = aggregateHeads(layer, 3, 'mean');
    const expectedMean = [1, 0, 0, 0.7, 0.3, 0, 0.4, 0.2, 0.4];
    mean.forEach((v, i) => assert.ok(Math.abs(v - expectedMean[i]) < 1e-6, `mean[${i}]`));
    const max = aggregateHeads(layer, 3, 'max');
    assert.deepEqual(Array.from(max), [1, 0, 0, 0.9, 0.5, 0, 0.6, 0.3, 0.5].map(Math.fround));
  });

  it('reads a row and ranks its keys', () => {
    const row = matrixRow(headMatrix(layer, 3, 0), 3, 2);
    assert.deepEqual(Array.from(row), [0.2, 0.3, 0.5].map(Math.fround));
    assert.deepEqual(topKeys(row, 2), [2, 1]);
    assert.deepEqual(topKeys(Float32Array.from([0.5, 0.5, 0]), 3), [0, 1, 2]);
  });
});
