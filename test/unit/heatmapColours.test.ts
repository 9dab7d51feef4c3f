// Heatmap colours: the viridis scale, pixel painting and the legend.
import * as assert from 'node:assert/strict';
import { VIRIDIS, colorIndex } from '../../src/shared/colorScale';
import { legendValue, paintPixels } from '../../src/shared/heatmapPixels';
import { viridisIndexOf } from '../support/svgCells';
import { f32, randomCausal } from '../support/numeric';

describe('heatmap colours', () => {
  it('maps weights through viridis with a square-root scale, a threshold, or per-row max', () => {
    const m = f32([1, 0, 0.25, 0.75]);
    const px = new Uint8ClampedArray(16);
    const max = paintPixels(m, 2, px, { mode: 'linear', threshold: 0 });
    assert.equal(max, 0.75, 'row 0 is left out of the colour max');
    assert.deepEqual(Array.from(px.subarray(12, 15)), Array.from(VIRIDIS.subarray(255 * 3, 255 * 3 + 3)), '0.75 is the top colour');
    assert.deepEqual(Array.from(px.subarray(4, 7)), Array.from(VIRIDIS.subarray(0, 3)), '0 is the bottom colour');
    paintPixels(m, 2, px, { mode: 'linear', threshold: 0.3 });
    assert.deepEqual(Array.from(px.subarray(8, 11)), Array.from(VIRIDIS.subarray(0, 3)), '0.25 under the threshold is hidden');
    paintPixels(m, 2, px, { mode: 'sqrt', threshold: 0 });
    const sqrtIndex = Math.round(Math.sqrt(0.25 / 0.75) * 255);
    assert.deepEqual(Array.from(px.subarray(8, 11)), Array.from(VIRIDIS.subarray(sqrtIndex * 3, sqrtIndex * 3 + 3)));
    paintPixels(m, 2, px, { mode: 'row', threshold: 0 });
    const rowIndex = Math.round((0.25 / 0.75) * 255);
    assert.deepEqual(Array.from(px.subarray(8, 11)), Array.from(VIRIDIS.subarray(rowIndex * 3, rowIndex * 3 + 3)));
    assert.equal(px[3], 255);
  });

  it('paints every cell of a causal matrix as its own colour, the zeros after the diagonal included', () => {
    const size = 33;
    const m = randomCausal(size, 7);
    m[5 * size + 2] = 0; // a zero before the diagonal goes through the lookup, not the fill
    for (const mode of ['sqrt', 'linear', 'row'] as const) {
      const px = new Uint8ClampedArray(4 * size * size).fill(7);
      const max = paintPixels(m, size, px, { mode, threshold: 0.01 });
      for (let q = 0; q < size; q++) {
        const rowTop = mode === 'row' ? Math.max(...m.subarray(q * size, (q + 1) * size)) : max;
        for (let k = 0; k < size; k++) {
          const w = m[q * size + k]!;
          const hidden = !(w > 0 && w >= 0.01);
          const index = hidden ? 0 : colorIndex(w, rowTop, mode === 'sqrt' ? 0.5 : 1);
          const at = 4 * (q * size + k);
          const drawn = viridisIndexOf('#' + Array.from(px.subarray(at, at + 3), (v) => v.toString(16).padStart(2, '0')).join(''));
          assert.ok(drawn >= 0, `${mode}: cell ${q},${k} is a viridis colour`);
          // A zero (or hidden) weight is exactly the scale's first colour; others within one step.
          if (hidden) assert.equal(drawn, 0, `${mode}: cell ${q},${k} (${w}) is the first colour`);
          else assert.ok(Math.abs(drawn - index) <= 1, `${mode}: cell ${q},${k} (${w}) is colour ${index}, drawn ${drawn}`);
          assert.equal(px[at + 3], 255);
        }
      }
    }
  });

  it('labels the legend with the weights its positions stand for', () => {
    assert.equal(legendValue(0.5, 0.8, 'sqrt'), 0.2);
    assert.equal(legendValue(0.5, 0.8, 'linear'), 0.4);
    assert.equal(legendValue(2, 0.8, 'linear'), 0.8);
  });

  it('colours a large matrix the same as the exact per-cell colour, up to one step of the lookup', function () {
    // The lookup table quantises the scaled weight; no cell may land more than one colour away.
    const size = 512;
    const m = randomCausal(size, 5);
    const px = new Uint8ClampedArray(size * size * 4);
    const max = paintPixels(m, size, px, { mode: 'sqrt', threshold: 0 });
    let worst = 0;
    for (let cell = 0; cell < size * size; cell++) {
      const exact = colorIndex(m[cell], max, 0.5);
      const drawn = viridisIndexOf('#' + Array.from(px.subarray(cell * 4, cell * 4 + 3), (v) => v.toString(16).padStart(2, '0')).join(''));
      assert.ok(drawn >= 0, `cell ${cell} is a viridis colour`);
      worst = Math.max(worst, Math.abs(exact - drawn));
      assert.equal(px[cell * 4 + 3], 255);
    }
    assert.ok(worst <= 1, `worst colour step ${worst}`);
  });
});
