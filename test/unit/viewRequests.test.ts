// Answers to view requests: thumbnails with scores.
import { inMemoryLayers } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { answerThumbnails, type HeldRun } from '../../src/shared/viewRequests';
import { downsample } from '../../src/shared/downsample';
import { HEAD_SCORE_NAMES, MessageType, floatsFromBuffer } from '../../src/shared/protocol';
import { hideColumns } from '../../src/shared/renormalize';
import { close, randomCausal } from '../support/numeric';

describe('thumbnails', () => {
  it('pools every head and sends the scores', () => {
    const size = 8;
    const layer = new Float32Array(3 * size * size);
    for (let h = 0; h < 3; h++) layer.set(randomCausal(size, h + 1), h * size * size);
    const tokens = Array.from({ length: size }, (_, i) => ({ text: `t${i}`, id: i % 3, special: i === 0 }));
    const run: HeldRun = { runId: 2, tokens, attention: inMemoryLayers([layer, layer], size), vectors: undefined, causal: true };
    const reply = answerThumbnails(run, { type: MessageType.RequestThumbnails, requestId: 1, runId: 2, side: 4, pool: 'max', sinks: { first: true, special: false } })!;
    assert.equal(reply.side, 4);
    assert.equal(reply.layers, 2);
    assert.equal(reply.heads, 3);
    const data = floatsFromBuffer(reply.data, 2 * 3 * 16)!;
    const expected = downsample(hideColumns(layer.subarray(size * size, 2 * size * size), size, [0]), size, 4, 'max');
    close(data.subarray(16, 32), expected);
    assert.ok(floatsFromBuffer(reply.scores, 2 * 3 * HEAD_SCORE_NAMES.length));
  });
});
