import * as assert from 'node:assert/strict';
import {
  MessageType,
  matrixFromMessage,
  bufferOf,
  parseWebviewMessage,
  type ShowMatrixMessage,
} from '../../src/shared/protocol';

describe('protocol', () => {
  describe('parseWebviewMessage', () => {
    it('accepts each well-formed message', () => {
      assert.deepEqual(parseWebviewMessage({ type: MessageType.Ready }), { type: MessageType.Ready });
      const request = { type: MessageType.RequestMatrix, requestId: 3, runId: 2, selector: { layer: 1, head: 'mean' }, exact: false };
      assert.deepEqual(parseWebviewMessage(request), request);
      const byHead = { type: MessageType.RequestMatrix, requestId: 1, runId: 1, selector: { layer: 0, head: 3 }, exact: true };
      assert.deepEqual(parseWebviewMessage(byHead), byHead);
      assert.deepEqual(parseWebviewMessage({ type: MessageType.RevealToken, runId: 1, index: 4 }), {
        type: MessageType.RevealToken,
        runId: 1,
        index: 4,
      });
      assert.deepEqual(parseWebviewMessage({ type: MessageType.Painted, runId: 1, paintMs: 2.5 }), {
        type: MessageType.Painted,
        runId: 1,
        paintMs: 2.5,
      });
    });

    it('drops extra properties instead of passing them on', () => {
      const parsed = parseWebviewMessage({ type: MessageType.RevealToken, runId: 1, index: 2, evil: 'x' });
      assert.deepEqual(Object.keys(parsed ?? {}).sort(), ['index', 'runId', 'type']);
    });

    it('rejects malformed messages', () => {
      const bad: unknown[] = [
        null,
        undefined,
        42,
        'webview/ready',
        [],
        { type: 'nope' },
        { type: MessageType.RequestMatrix, requestId: 1, runId: 1 },
        { type: MessageType.RequestMatrix, requestId: -1, runId: 1, selector: { layer: 0, head: 0 }, exact: false },
        { type: MessageType.RequestMatrix, requestId: 1, runId: 1, selector: { layer: 0.5, head: 0 } },
        { type: MessageType.RequestMatrix, requestId: 1, runId: 1, selector: { layer: 0, head: 'rollout!' } },
        { type: MessageType.RequestMatrix, requestId: 1, runId: 1, selector: null, exact: false },
        { type: MessageType.RequestMatrix, requestId: 1, runId: 1, selector: { layer: 0, head: 0 } },
        { type: MessageType.RequestMatrix, requestId: 1, runId: 1, selector: { layer: 0, head: 0 }, exact: 'yes' },
        { type: MessageType.RevealToken, runId: '1', index: 0 },
        { type: MessageType.RevealToken, runId: 1, index: Number.NaN },
        { type: MessageType.Painted, runId: 1, paintMs: Infinity },
        { type: MessageType.RequestMatrix, requestId: 2 ** 40, runId: 1, selector: { layer: 0, head: 0 } },
      ];
      for (const message of bad) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
    });
  });

  describe('matrix transfer', () => {
    function message(data: ArrayBuffer, size: number): ShowMatrixMessage {
      return { type: MessageType.ShowMatrix, requestId: 1, runId: 1, selector: { layer: 0, head: 0 }, size, data, encoding: 'float32' };
    }

    it('round-trips a matrix view without sending the rest of its buffer', () => {
      const whole = Float32Array.from({ length: 2 * 9 }, (_, i) => i / 10);
      const secondHead = whole.subarray(9, 18);
      const buffer = bufferOf(secondHead);
      assert.equal(buffer.byteLength, 9 * 4);
      const decoded = matrixFromMessage(message(buffer, 3));
      assert.deepEqual(Array.from(decoded ?? []), Array.from(secondHead));
    });

    it('accepts a typed array after structured cloning', () => {
      const data = new Float32Array([1, 0, 0.5, 0.5]);
      const decoded = matrixFromMessage(message(data as unknown as ArrayBuffer, 2));
      assert.deepEqual(Array.from(decoded ?? []), [1, 0, 0.5, 0.5]);
    });

    it('rejects a matrix whose size does not match', () => {
      assert.equal(matrixFromMessage(message(new Float32Array(5).buffer, 2)), undefined);
    });
  });
});
