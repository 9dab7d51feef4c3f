import * as assert from 'node:assert/strict';
import { FIT, cellAt, clampZoom, keepVisible, maxScale, panBy, visibleSpan, zoomAround } from '../../webview/viewport';

describe('heatmap viewport', () => {
  const size = 100;
  const most = maxScale(size, 400); // 48 px cells on a 400 px canvas: 12 scale

  it('limits zooming to cells of about 48 px, and never below the whole matrix', () => {
    assert.equal(most, 12);
    assert.equal(maxScale(4, 1000), 1);
    assert.deepEqual(clampZoom({ scale: 50, x: 0, y: 0 }, size, most), { scale: 12, x: 0, y: 0 });
    assert.deepEqual(clampZoom({ scale: 0.5, x: 10, y: 10 }, size, most), FIT);
  });

  it('keeps the visible square inside the matrix', () => {
    const z = clampZoom({ scale: 4, x: 90, y: -5 }, size, most);
    assert.equal(visibleSpan(size, z), 25);
    assert.deepEqual(z, { scale: 4, x: 75, y: 0 });
  });

  it('zooming keeps the point under the pointer where it is', () => {
    const before = { scale: 2, x: 10, y: 20 };
    const fx = 0.25;
    const fy = 0.75;
    const after = zoomAround(before, size, most, 2, fx, fy);
    assert.equal(after.scale, 4);
    // The matrix coordinate under (fx, fy) is the same before and after.
    assert.ok(Math.abs(before.x + fx * visibleSpan(size, before) - (after.x + fx * visibleSpan(size, after))) < 1e-9);
    assert.ok(Math.abs(before.y + fy * visibleSpan(size, before) - (after.y + fy * visibleSpan(size, after))) < 1e-9);
    // Zooming out all the way fits the matrix again.
    assert.deepEqual(zoomAround(after, size, most, 1 / 100, fx, fy), FIT);
  });

  it('a drag moves the view by the cells under the pixels dragged, against the drag', () => {
    const start = { scale: 4, x: 40, y: 40 };
    // 25 cells on 400 px: 16 px per cell; dragging 32 px right shows 2 cells further left.
    assert.deepEqual(panBy(start, size, 400, 32, -16, most), { scale: 4, x: 38, y: 41 });
    assert.deepEqual(panBy(start, size, 400, 10_000, 10_000, most), { scale: 4, x: 0, y: 0 });
  });

  it('hit-tests a canvas point to its cell, and nothing outside the matrix', () => {
    assert.deepEqual(cellAt(FIT, size, 0, 0), { row: 0, col: 0 });
    assert.deepEqual(cellAt(FIT, size, 0.999, 0.5), { row: 50, col: 99 });
    assert.deepEqual(cellAt({ scale: 4, x: 40, y: 60 }, size, 0.5, 0.5), { row: 72, col: 52 });
    assert.equal(cellAt(FIT, size, 1, 0.5), undefined);
    assert.equal(cellAt(FIT, size, -0.01, 0.5), undefined);
    assert.equal(cellAt(FIT, 0, 0.5, 0.5), undefined);
  });

  it('moving the crosshair off screen pans just enough to show it', () => {
    const zoom = { scale: 4, x: 40, y: 40 };
    assert.equal(keepVisible(zoom, size, 50, 50), zoom, 'already visible: the same zoom');
    assert.deepEqual(keepVisible(zoom, size, 65, 39), { scale: 4, x: 39, y: 41 });
  });
});
