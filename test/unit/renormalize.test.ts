// Sink hiding (columns removed, rows renormalised) and the focus weights the token view shades by.
import * as assert from 'node:assert/strict';
import { focusWeights, hideColumns, matrixColumn, normalizeRows, sinkColumns } from '../../src/shared/renormalize';
import { f32, close } from '../support/numeric';

describe('sink hiding and focus weights', () => {
  it('hides columns and shares their weight out over the other keys', () => {
    const m = f32([1, 0, 0, 0.5, 0.5, 0, 0.5, 0.3, 0.2]);
    close(hideColumns(m, 3, [0]), [0, 0, 0, 0, 1, 0, 0, 0.6, 0.4]);
    close(hideColumns(m, 3, []), m);
  });

  it('picks the first token and special tokens', () => {
    const tokens = [{ special: true }, { special: false }, { special: true }, { special: false }];
    assert.deepEqual(sinkColumns(tokens, { first: true, special: false }), [0]);
    assert.deepEqual(sinkColumns(tokens, { first: false, special: true }), [0, 2]);
    assert.deepEqual(sinkColumns(tokens, { first: false, special: false }), []);
  });

  it('normalises rows to their max, reads columns, and sums or averages a span', () => {
    const m = f32([1, 0, 0.25, 0.75]);
    close(normalizeRows(m, 2), [1, 0, 1 / 3, 1]);
    close(matrixColumn(m, 2, 0), [1, 0.25]);
    close(focusWeights(m, 2, [1], 'to', 'sum'), [0.25, 0.75]);
    close(focusWeights(m, 2, [0], 'from', 'sum'), [1, 0.25]);
    close(focusWeights(m, 2, [0, 1], 'to', 'sum'), [1.25, 0.75]);
    close(focusWeights(m, 2, [0, 1], 'to', 'mean'), [0.625, 0.375]);
    close(focusWeights(m, 2, [0, 1], 'from', 'mean'), [0.5, 0.5]);
  });
});
