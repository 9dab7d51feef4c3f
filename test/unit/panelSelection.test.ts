// The panel's pin and span rules: clicks, arrow keys and Escape as state transitions.
import * as assert from 'node:assert/strict';
import { DEFAULT_STATE, type PanelState } from '../../webview/panelState';
import { clearPinOrSpan, clickToken, focusIndices, isZoomed, pinnedSelection, stepToken } from '../../webview/panelSelection';

const at = (pinned: number | undefined, span?: { start: number; end: number }): PanelState => ({ ...DEFAULT_STATE, pinned, span });

describe('panel selection', () => {
  it('a click pins, a second click on the pinned token unpins, shift-click spans from the pin', () => {
    assert.equal(clickToken(at(undefined), 4, false).pinned, 4);
    assert.equal(clickToken(at(4), 4, false).pinned, undefined);
    assert.deepEqual(clickToken(at(4), 1, true).span, { start: 1, end: 4 });
    // With a span, a click on the pinned token keeps it pinned and drops the span.
    const fromSpan = clickToken(at(4, { start: 4, end: 6 }), 4, false);
    assert.equal(fromSpan.pinned, 4);
    assert.equal(fromSpan.span, undefined);
    // Shift with nothing pinned just pins.
    assert.deepEqual([clickToken(at(undefined), 2, true).pinned, clickToken(at(undefined), 2, true).span], [2, undefined]);
  });

  it('arrow keys move the pin within the tokens, extend the span from its moving end, and go by line', () => {
    const noLines = () => assert.fail('not by line');
    assert.equal(stepToken(at(undefined), { delta: 1, extend: false, byLine: false }, 9, noLines).pinned, 0);
    assert.equal(stepToken(at(9), { delta: 1, extend: false, byLine: false }, 9, noLines).pinned, 9);
    assert.equal(stepToken(at(0), { delta: -1, extend: false, byLine: false }, 9, noLines).pinned, 0);
    assert.deepEqual(stepToken(at(3, { start: 3, end: 5 }), { delta: 1, extend: true, byLine: false }, 9, noLines).span, { start: 3, end: 6 });
    assert.deepEqual(stepToken(at(3, { start: 1, end: 3 }), { delta: -1, extend: true, byLine: false }, 9, noLines).span, { start: 0, end: 3 });
    const byLine = stepToken(at(2), { delta: 1, extend: false, byLine: true }, 9, (from, delta) => from + 3 * delta);
    assert.equal(byLine.pinned, 5);
    assert.equal(stepToken(at(undefined), { delta: 1, extend: false, byLine: true }, 9, noLines).pinned, 0);
  });

  it('Escape clears the pin, then the span, then leaves the zoom to the caller', () => {
    assert.deepEqual(clearPinOrSpan(at(3, { start: 3, end: 5 })), at(undefined, { start: 3, end: 5 }));
    assert.deepEqual(clearPinOrSpan(at(undefined, { start: 3, end: 5 })), at(undefined));
    assert.equal(clearPinOrSpan(at(undefined)), undefined);
    assert.equal(isZoomed({ scale: 1, x: 0, y: 0 }), false);
    assert.equal(isZoomed({ scale: 1, x: 2, y: 0 }), true);
  });

  it('focus: the hovered token, else the span, else the pin; selection marks the moving end active', () => {
    assert.deepEqual(focusIndices(at(1, { start: 1, end: 3 }), 7), [7]);
    assert.deepEqual(focusIndices(at(1, { start: 1, end: 3 }), undefined), [1, 2, 3]);
    assert.deepEqual(focusIndices(at(2), undefined), [2]);
    assert.equal(focusIndices(at(undefined), undefined), undefined);
    assert.deepEqual(pinnedSelection(at(1, { start: 1, end: 3 })), { selected: [1, 2, 3], active: 3, row: 1 });
    assert.deepEqual(pinnedSelection(at(3, { start: 1, end: 3 })), { selected: [1, 2, 3], active: 1, row: 3 });
    assert.deepEqual(pinnedSelection(at(undefined)), { selected: [], active: undefined, row: undefined });
  });
});
