// Validation of the view messages a webview may send: rollout, thumbnails and query math.
import * as assert from 'node:assert/strict';
import { MAX_THUMBNAIL_SIDE, MessageType, floatsFromBuffer, parseWebviewMessage } from '../../src/shared/protocol';

describe('view messages', () => {
  const rollout = { type: MessageType.RequestRollout, requestId: 1, runId: 2, layer: 3, exact: false };
  const thumbs = { type: MessageType.RequestThumbnails, requestId: 1, runId: 2, side: 64, pool: 'max', sinks: { first: true, special: false } };
  const math = { type: MessageType.RequestQueryMath, requestId: 1, runId: 2, layer: 0, head: 1, query: 5 };

  it('accepts well-formed requests and drops extra properties', () => {
    assert.deepEqual(parseWebviewMessage(rollout), rollout);
    assert.deepEqual(parseWebviewMessage(thumbs), thumbs);
    assert.deepEqual(parseWebviewMessage(math), math);
    assert.deepEqual(parseWebviewMessage({ ...math, extra: 'x' }), math);
    assert.deepEqual(parseWebviewMessage({ ...thumbs, sinks: { first: false, special: true, evil: 1 } }), { ...thumbs, sinks: { first: false, special: true } });
  });

  it('rejects malformed requests', () => {
    const bad: unknown[] = [
      { ...rollout, layer: -1 },
      { ...rollout, exact: undefined },
      { ...rollout, layer: 1.5 },
      { ...rollout, requestId: '1' },
      { ...thumbs, side: 0 },
      { ...thumbs, side: MAX_THUMBNAIL_SIDE + 1 },
      { ...thumbs, side: 1e9 },
      { ...thumbs, pool: 'sum' },
      { ...thumbs, sinks: { first: 1, special: false } },
      { ...thumbs, sinks: null },
      { ...thumbs, sinks: undefined },
      { ...math, head: 'mean' },
      { ...math, query: -1 },
      { ...math, query: Number.NaN },
      { ...math, runId: undefined },
      { ...math, layer: Infinity },
    ];
    for (const message of bad) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
    assert.equal(parseWebviewMessage(JSON.parse('{"type":"thumbnails/request","requestId":1,"runId":1,"side":8,"pool":"max","sinks":{"__proto__":{"first":true,"special":true}}}')), undefined);
  });

  it('reads float buffers only at the expected length', () => {
    const data = Float32Array.from([1, 2, 3]);
    assert.deepEqual(Array.from(floatsFromBuffer(data.buffer, 3)!), [1, 2, 3]);
    assert.deepEqual(Array.from(floatsFromBuffer(new Float32Array([0, 1, 2, 3]).subarray(1), 3)!), [1, 2, 3]);
    assert.equal(floatsFromBuffer(data.buffer, 4), undefined);
    assert.equal(floatsFromBuffer('nope', 0), undefined);
  });
});
