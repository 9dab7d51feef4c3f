// The panel's saved state: restored, fitted to a new run, and mapped to the host's selector.
import * as assert from 'node:assert/strict';
import { fitState, restoreState, DEFAULT_STATE, hostSelector } from '../../webview/panelState';

describe('panel state', () => {
  it('restores a saved state field by field and drops malformed fields', () => {
    const saved = { ...DEFAULT_STATE, layer: 2, head: 'rollout', tab: 'math', direction: 'from', threshold: 0.1, hideFirst: true, color: 'row', zoom: { scale: 4, x: 10, y: 20 }, span: { start: 3, end: 5 }, sort: 'entropy' };
    assert.deepEqual(restoreState(JSON.parse(JSON.stringify(saved))), { ...saved, pinned: undefined });
    const bad = restoreState({ layer: -1, head: 'x', tab: 'nope', threshold: 7, zoom: { scale: 0 }, span: { start: 5, end: 2 }, color: 1 });
    assert.deepEqual(bad, DEFAULT_STATE);
    assert.deepEqual(restoreState(null), DEFAULT_STATE);
  });
  it('fits a state to a smaller result and maps rollout to a host selector', () => {
    const state = { ...DEFAULT_STATE, layer: 5, head: 9, pinned: 40, span: { start: 10, end: 50 }, zoom: { scale: 2, x: 100, y: 0 } };
    const fitted = fitState(state, 4, 4, 30);
    assert.equal(fitted.layer, 3);
    assert.equal(fitted.head, 3);
    assert.equal(fitted.pinned, undefined);
    assert.equal(fitted.span, undefined);
    assert.deepEqual(fitted.zoom, { scale: 1, x: 0, y: 0 });
    assert.deepEqual(hostSelector({ layer: 1, head: 'rollout' }), { layer: 1, head: 'mean' });
  });
});
