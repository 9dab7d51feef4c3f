import * as assert from 'node:assert/strict';
import { VIRIDIS, colorIndex, cssColor, scaleMax } from '../../src/shared/colorScale';

describe('colour scale', () => {
  it('is viridis: dark purple to yellow, brightening monotonically', () => {
    assert.deepEqual(Array.from(VIRIDIS.subarray(0, 3)), [68, 1, 84]);
    assert.deepEqual(Array.from(VIRIDIS.subarray(255 * 3)), [253, 231, 37]);
    const luma = (i: number) => 0.2126 * VIRIDIS[i * 3] + 0.7152 * VIRIDIS[i * 3 + 1] + 0.0722 * VIRIDIS[i * 3 + 2];
    for (let i = 1; i < 256; i++) assert.ok(luma(i) >= luma(i - 1) - 0.5, `luma rises at ${i}`);
  });

  it('maps [0, max] onto the table, with gamma spreading small values', () => {
    assert.equal(colorIndex(0, 1), 0);
    assert.equal(colorIndex(1, 1), 255);
    assert.equal(colorIndex(2, 1), 255, 'clamped');
    assert.equal(colorIndex(0.25, 1), 64);
    assert.equal(colorIndex(0.25, 1, 0.5), 128, 'sqrt(0.25) = 0.5');
    assert.equal(colorIndex(0.5, 0), 0, 'no range');
    assert.equal(colorIndex(Number.NaN, 1), 0);
    assert.equal(cssColor(1, 1), 'rgb(253, 231, 37)');
  });

  it('takes the scale top from rows after the first', () => {
    // Causal 3 x 3: row 0 is always [1, 0, 0].
    const m = Float32Array.from([1, 0, 0, 0.6, 0.4, 0, 0.2, 0.3, 0.5]);
    assert.ok(Math.abs(scaleMax(m, 3) - 0.6) < 1e-6);
    assert.equal(scaleMax(Float32Array.from([1]), 1), 1);
    assert.equal(scaleMax(new Float32Array(4), 2), 1, 'an all-zero matrix still gets a range');
  });
});
