// The pure parts of the panel's views: rollout, sink hiding, downsampling, token layout, colour
// mapping, head badges, query math, the view responder and the saved panel state.
import * as assert from 'node:assert/strict';
import { headBadges, inductionLikeScore } from '../../src/shared/headBadges';
import { maskedSoftmax, queryMath } from '../../src/shared/queryMath';
import { answerQueryMath, answerRollout, answerThumbnails, rolloutFor, type HeldRun } from '../../src/shared/viewRequests';
import { VIRIDIS, colorIndex } from '../../src/shared/colorScale';
import { downsample, pooledSide } from '../../src/shared/downsample';
import { legendValue, paintPixels } from '../../src/shared/heatmapPixels';
import { HEAD_SCORE_NAMES, MessageType, floatsFromBuffer, matrixFromMessage } from '../../src/shared/protocol';
import { focusWeights, hideColumns, matrixColumn, normalizeRows, sinkColumns } from '../../src/shared/renormalize';
import { attentionRollout, multiply, residualAttention } from '../../src/shared/rollout';
import { layoutTokens } from '../../src/shared/tokenLayout';
import { fitState, restoreState, DEFAULT_STATE, hostSelector } from '../../webview/panelState';
import { viridisIndexOf } from '../support/svgCells';


const f32 = (values: number[]) => Float32Array.from(values);
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, eps = 1e-6): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= eps, `[${i}] ${actual[i]} vs ${expected[i]}`);
}

/** A causal T x T attention matrix with random positive rows summing to 1. */
function randomCausal(size: number, seed: number): Float32Array {
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const m = new Float32Array(size * size);
  for (let i = 0; i < size; i++) {
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += m[i * size + j] = random() ** 4;
    for (let j = 0; j <= i; j++) m[i * size + j] /= sum;
  }
  return m;
}

describe('attention rollout', () => {
  it('mixes the head mean with the identity and renormalises rows', () => {
    // Two heads: [[1,0],[1,0]] and [[1,0],[0,1]] -> mean [[1,0],[.5,.5]] -> .5 A + .5 I.
    const layer = f32([1, 0, 1, 0, 1, 0, 0, 1]);
    close(residualAttention(layer, 2), [1, 0, 0.25, 0.75]);
  });

  it('multiplies the layers, first layer innermost (hand-worked, causal)', () => {
    const a0 = f32([1, 0, 0.5, 0.5]); // A'0 = [[1,0],[.25,.75]]
    const a1 = f32([1, 0, 1, 0]); // A'1 = [[1,0],[.5,.5]]
    const [r0, r1] = attentionRollout([a0, a1], 2);
    close(r0, [1, 0, 0.25, 0.75]);
    // R1 = A'1 · A'0 = [[1,0],[.5*1 + .5*.25, .5*.75]]
    close(r1, [1, 0, 0.625, 0.375]);
  });

  it('handles full (non-causal) attention', () => {
    const a = f32([0.5, 0.5, 0.5, 0.5]); // A' = [[.75,.25],[.25,.75]]
    const rollouts = attentionRollout([a, a], 2);
    close(rollouts[1], [0.625, 0.375, 0.375, 0.625]);
  });

  it('the lower-triangular product equals the full product on causal matrices', () => {
    const a = randomCausal(9, 1);
    const b = randomCausal(9, 2);
    close(multiply(a, b, 9, true), multiply(a, b, 9, false), 1e-6);
  });

  it('rows of a rollout sum to 1, and the responder caches layer by layer', () => {
    const size = 12;
    const attention = [0, 1, 2].map((l) => {
      const layer = new Float32Array(2 * size * size);
      layer.set(randomCausal(size, 10 + l), 0);
      layer.set(randomCausal(size, 20 + l), size * size);
      return layer;
    });
    const run: HeldRun = { runId: 3, tokens: Array.from({ length: size }, (_, i) => ({ text: `t${i}`, id: i, special: false })), attention, vectors: undefined, causal: true };
    const r2 = rolloutFor(run, 2)!;
    for (let i = 0; i < size; i++) {
      let sum = 0;
      for (let j = 0; j < size; j++) sum += r2[i * size + j];
      assert.ok(Math.abs(sum - 1) < 1e-5);
    }
    close(r2, attentionRollout(attention, size)[2], 1e-6);
    const reply = answerRollout(run, { type: MessageType.RequestRollout, requestId: 7, runId: 3, layer: 1 })!;
    assert.equal(reply.aggregate, 'rollout');
    assert.equal(reply.requestId, 7);
    close(matrixFromMessage(reply)!, attentionRollout(attention, size)[1], 1e-6);
    assert.equal(answerRollout(run, { type: MessageType.RequestRollout, requestId: 7, runId: 4, layer: 1 }), undefined, 'another run');
    assert.equal(answerRollout(run, { type: MessageType.RequestRollout, requestId: 7, runId: 3, layer: 3 }), undefined, 'layer out of range');
  });
});

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

describe('downsampling', () => {
  const m = Float32Array.from({ length: 16 }, (_, i) => i);
  it('max-pools and mean-pools 4x4 to 2x2', () => {
    close(downsample(m, 4, 2, 'max'), [5, 7, 13, 15]);
    close(downsample(m, 4, 2, 'mean'), [2.5, 4.5, 10.5, 12.5]);
  });
  it('keeps a matrix that already fits, and pools uneven sizes', () => {
    close(downsample(m, 4, 64, 'max'), m);
    assert.equal(pooledSide(4, 64), 4);
    // 3x3 -> 2x2: rows/cols 0,1 go to bin 0, row/col 2 to bin 1.
    const n = Float32Array.from({ length: 9 }, (_, i) => i);
    close(downsample(n, 3, 2, 'max'), [4, 5, 7, 8]);
    close(downsample(n, 3, 2, 'mean'), [2, 3.5, 6.5, 8]);
  });
});

describe('token layout', () => {
  const token = (text: string, start: number, end: number, special = false) => ({ text, start, end, id: 0, special });
  it('keeps gaps, breaks lines at newline tokens and places special tokens', () => {
    const text = 'ab\n  c d';
    const lines = layoutTokens(text, [token('<s>', 0, 0, true), token('ab', 0, 2), token('\n', 2, 3), token('c', 5, 6), token('d', 7, 8)]);
    assert.deepEqual(lines, [
      [{ kind: 'token', index: 0, label: '<s>', special: true }, { kind: 'token', index: 1, label: 'ab', special: false }, { kind: 'token', index: 2, label: '\u21b5', special: false }],
      [{ kind: 'text', text: '  ' }, { kind: 'token', index: 3, label: 'c', special: false }, { kind: 'text', text: ' ' }, { kind: 'token', index: 4, label: 'd', special: false }],
    ]);
  });
  it('breaks lines in gaps and keeps trailing text; empty tokens show a dot', () => {
    const lines = layoutTokens('a\n\nb x', [token('a', 0, 1), token('', 3, 3), token('b', 3, 4)]);
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[1], []);
    assert.deepEqual(lines[2], [{ kind: 'token', index: 1, label: '\u00b7', special: false }, { kind: 'token', index: 2, label: 'b', special: false }, { kind: 'text', text: ' x' }]);
  });
});

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

describe('head badges', () => {
  it('scores induction-like attention to the token after the earlier occurrence', () => {
    // ids: A B A -> query 2 (A) saw A at 0, so it should look at 1 (B).
    const m = f32([1, 0, 0, 0.5, 0.5, 0, 0.1, 0.8, 0.1]);
    assert.ok(Math.abs(inductionLikeScore(m, [7, 8, 7]) - 0.8) < 1e-6);
    assert.ok(Number.isNaN(inductionLikeScore(m, [1, 2, 3])));
  });
  it('computes every score for every head', () => {
    const size = 4;
    const prev = new Float32Array(size * size);
    prev[0] = 1;
    for (let i = 1; i < size; i++) prev[i * size + i - 1] = 1;
    const uniform = new Float32Array(size * size);
    for (let i = 0; i < size; i++) for (let j = 0; j <= i; j++) uniform[i * size + j] = 1 / (i + 1);
    const layer = new Float32Array(2 * size * size);
    layer.set(prev, 0);
    layer.set(uniform, size * size);
    const tokens = ['f', '(', 'x', ')'].map((text, id) => ({ text, id }));
    const scores = headBadges([layer], tokens);
    const k = HEAD_SCORE_NAMES.length;
    assert.equal(scores.length, 2 * k);
    assert.equal(scores[HEAD_SCORE_NAMES.indexOf('previous')], 1);
    assert.equal(scores[HEAD_SCORE_NAMES.indexOf('entropy')], 0);
    assert.ok(scores[k + HEAD_SCORE_NAMES.indexOf('entropy')] > 1, 'uniform head has high entropy');
    assert.equal(scores[HEAD_SCORE_NAMES.indexOf('bracket')], 0, 'the ")" attends to "x", not "("');
  });
});

describe('query math', () => {
  /** A one-head run whose attention is exactly softmax(q k^T / sqrt d + mask) and o = S v. */
  function modelLike(size: number, d: number) {
    const rand = (i: number) => Math.sin(i * 12.9898) * 0.9;
    const q = Float32Array.from({ length: size * d }, (_, i) => rand(i));
    const k = Float32Array.from({ length: size * d }, (_, i) => rand(i + 1000));
    const v = Float32Array.from({ length: size * d }, (_, i) => rand(i + 2000));
    const attention = new Float32Array(size * size);
    const o = new Float32Array(size * d);
    for (let i = 0; i < size; i++) {
      const scores = Float32Array.from({ length: size }, (_, j) => {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += q[i * d + c] * k[j * d + c];
        return dot / Math.sqrt(d);
      });
      const s = maskedSoftmax(scores, i, true);
      attention.set(s, i * size);
      for (let j = 0; j < size; j++) for (let c = 0; c < d; c++) o[i * d + c] += s[j] * v[j * d + c];
    }
    return { vectors: { q, k, v, o, headDim: d }, attention };
  }

  it('masks keys after the query and normalises', () => {
    close(maskedSoftmax(f32([0, 0, 5]), 1, true), [0.5, 0.5, 0]);
  });

  it("reproduces the model's attention row and output from its q, k, v", () => {
    const { vectors, attention } = modelLike(6, 4);
    const math = queryMath(vectors, attention, 6, 0, 4, true);
    assert.ok(math.maxWeightDiff < 1e-6, `ΔS ${math.maxWeightDiff}`);
    assert.ok(math.maxOutputDiff < 1e-6, `ΔO ${math.maxOutputDiff}`);
    assert.equal(math.weights[5], 0, 'masked key');
    assert.equal(math.k.length, 6 * 4);
    assert.throws(() => queryMath(vectors, attention, 6, 1, 0, true), RangeError);
  });

  it('answers over the protocol, and says when a model has no q/k/v', () => {
    const { vectors, attention } = modelLike(5, 3);
    const tokens = Array.from({ length: 5 }, (_, i) => ({ text: String(i), id: i, special: false }));
    const run: HeldRun = { runId: 1, tokens, attention: [attention], vectors: [vectors], causal: true };
    const request = { type: MessageType.RequestQueryMath, requestId: 9, runId: 1, layer: 0, head: 0, query: 3 } as const;
    const reply = answerQueryMath(run, request)!;
    assert.equal(reply.available, true);
    assert.equal(reply.requestId, 9);
    close(floatsFromBuffer(reply.weights, 5)!, attention.subarray(15, 20));
    assert.ok(reply.maxWeightDiff < 1e-6);
    const none = answerQueryMath({ ...run, vectors: undefined }, request)!;
    assert.equal(none.available, false);
    assert.match(none.reason, /does not export Q\/K\/V/);
    assert.equal(answerQueryMath(run, { ...request, query: 5 }), undefined);
    assert.equal(answerQueryMath(run, { ...request, head: 1 }), undefined);
  });
});

describe('thumbnails', () => {
  it('pools every head and sends the scores', () => {
    const size = 8;
    const layer = new Float32Array(3 * size * size);
    for (let h = 0; h < 3; h++) layer.set(randomCausal(size, h + 1), h * size * size);
    const tokens = Array.from({ length: size }, (_, i) => ({ text: `t${i}`, id: i % 3, special: i === 0 }));
    const run: HeldRun = { runId: 2, tokens, attention: [layer, layer], vectors: undefined, causal: true };
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
