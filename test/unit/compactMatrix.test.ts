// The compact matrix on the wire (sqrt16): decoded values within one colour step of the exact
// ones under every colour scale, and the exact weights a view reads equal the float32 ones.
import { inMemoryLayers } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { colorIndex, scaleMax } from '../../src/shared/colorScale';
import { decodeSqrt16, decodeSqrt16Lower, encodeSqrt16, encodeSqrt16Lower, lowerCells } from '../../src/shared/compactMatrix';
import { rowMax } from '../../src/shared/heatmapPixels';
import { MessageType, floatsFromBuffer, matrixFromMessage, matrixPayload, parseWebviewMessage, type RequestWeightsMessage } from '../../src/shared/protocol';
import { focusRowWeights, focusWeights, hideColumns, sinkColumns } from '../../src/shared/renormalize';
import { seededRandom } from '../../src/shared/seededRandom';
import { answerWeights, rolloutFor, type HeldRun } from '../../src/shared/viewRequests';
import { randomCausal } from '../support/numeric';

/** Causal softmax rows of random logits at a temperature: sharp (low) to nearly uniform (high). */
function softmaxCausal(size: number, temperature: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const m = new Float32Array(size * size);
  for (let i = 0; i < size; i++) {
    const logits = Array.from({ length: i + 1 }, () => (random() * 8 - 4) / temperature);
    const top = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - top));
    const sum = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, j) => (m[i * size + j] = e / sum));
  }
  return m;
}

/** The largest difference in colour index between two matrices under a mode, each with its own top. */
function colourSteps(exact: Float32Array, decoded: Float32Array, size: number, mode: 'sqrt' | 'linear' | 'row'): number {
  const gamma = mode === 'sqrt' ? 0.5 : 1;
  let worst = 0;
  const tops = [scaleMax(exact, size), scaleMax(decoded, size)];
  for (let i = 0; i < size; i++) {
    const [a, b] = mode === 'row' ? [rowMax(exact, size, i), rowMax(decoded, size, i)] : tops;
    for (let j = 0; j < size; j++) worst = Math.max(worst, Math.abs(colorIndex(exact[i * size + j], a, gamma) - colorIndex(decoded[i * size + j], b, gamma)));
  }
  return worst;
}

describe('compact matrix (sqrt16)', () => {
  it('decodes every weight within √w / 65535 (+ 0.25 / 65535² and float32 rounding) of its value', () => {
    const weights = Float32Array.from({ length: 20001 }, (_, i) => (i / 20000) ** 3);
    const decoded = decodeSqrt16(encodeSqrt16(weights)!);
    weights.forEach((w, i) => assert.ok(Math.abs(decoded[i] - w) <= Math.sqrt(w) / 65535 + 0.25 / 65535 ** 2 + w * 2 ** -23, `${w} -> ${decoded[i]}`));
    assert.equal(decoded[0], 0);
    assert.equal(decoded[weights.length - 1], 1);
  });

  for (const [size, temperature] of [[64, 0.3], [512, 1], [512, 4], [2048, 1e6]] as const) {
    it(`stays within one colour step in every scale: ${size} tokens, temperature ${temperature}`, function () {
      this.timeout(20_000);
      const exact = softmaxCausal(size, temperature, size);
      const decoded = decodeSqrt16(encodeSqrt16(exact)!);
      for (const mode of ['sqrt', 'linear', 'row'] as const) {
        const steps = colourSteps(exact, decoded, size, mode);
        assert.ok(steps <= 1, `${mode}: ${steps} colour steps`);
      }
    });
  }

  it('refuses what is not a weight, which then travels as float32', () => {
    for (const bad of [Number.NaN, -0.01, 1.01, Infinity]) {
      const matrix = new Float32Array([0.5, bad, 0, 0.5]);
      assert.equal(encodeSqrt16(matrix), undefined, String(bad));
      const payload = matrixPayload(matrix, false);
      assert.equal(payload.encoding, 'float32');
      assert.deepEqual(Array.from(matrixFromMessage({ ...payload, size: 2 })!), Array.from(matrix));
    }
  });

  it('sends a causal matrix as its lower triangle: a quarter of float32\'s bytes, the same codes, exact zeros above the diagonal', () => {
    const size = 48;
    const matrix = softmaxCausal(size, 1, 7);
    const lower = matrixPayload(matrix, false);
    assert.equal(lower.encoding, 'sqrt16-lower');
    assert.equal(lower.data.byteLength, ((size * (size + 1)) / 2) * 2);
    const decoded = matrixFromMessage({ ...lower, size })!;
    // Exactly what the full sqrt16 codes decode to, zeros included.
    assert.deepEqual(decoded, decodeSqrt16(encodeSqrt16(matrix)!));
    for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) assert.equal(decoded[i * size + j], 0);
    assert.equal(matrixFromMessage({ ...lower, size: size - 1 }), undefined, 'wrong size');
    assert.equal(lowerCells(1), 1);
    assert.deepEqual(decodeSqrt16Lower(encodeSqrt16Lower(new Float32Array([1]), 1)!, 1), new Float32Array([1]));
    // One cell above the diagonal that is not exactly 0 (even 1e-30): the whole matrix travels.
    const leaky = matrix.slice();
    leaky[1] = 1e-30;
    assert.equal(encodeSqrt16Lower(leaky, size), undefined);
    assert.equal(matrixPayload(leaky, false).encoding, 'sqrt16');
    // Not a weight in the triangle: float32.
    const bad = matrix.slice();
    bad[size] = Number.NaN;
    assert.equal(matrixPayload(bad, false).encoding, 'float32');
  });

  it('is half the bytes of float32 for a full matrix, and exact when asked', () => {
    const matrix = randomCausal(32, 5);
    // Attention to a later token (a bidirectional model): the full matrix travels.
    matrix[1] = 0.25;
    const compact = matrixPayload(matrix, false);
    assert.equal(compact.encoding, 'sqrt16');
    assert.equal(compact.data.byteLength, 32 * 32 * 2);
    const exact = matrixPayload(matrix, true);
    assert.equal(exact.encoding, 'float32');
    assert.deepEqual(matrixFromMessage({ ...exact, size: 32 }), matrix);
    assert.equal(matrixFromMessage({ ...compact, size: 31 }), undefined, 'wrong size');
    assert.equal(matrixFromMessage({ data: compact.data, encoding: 'float32', size: 32 }), undefined, 'wrong encoding for its bytes');
  });
});

describe('exact weights on request', () => {
  const size = 24;
  const heads = 2;
  const layers = [0, 1].map((l) => {
    const layer = new Float32Array(heads * size * size);
    for (let h = 0; h < heads; h++) layer.set(randomCausal(size, 10 * l + h + 1), h * size * size);
    return layer;
  });
  const tokens = Array.from({ length: size }, (_, i) => ({ text: `t${i}`, id: i, special: i === 0 || i === 7 }));
  const run: HeldRun = { runId: 4, tokens, attention: inMemoryLayers(layers, tokens.length), vectors: undefined, causal: true };
  const request = (fields: Partial<RequestWeightsMessage>): RequestWeightsMessage => ({
    type: MessageType.RequestWeights,
    requestId: 1,
    runId: 4,
    selector: { layer: 1, head: 1 },
    rollout: false,
    indices: [9],
    direction: 'to',
    mode: 'sum',
    sinks: { first: false, special: false },
    ...fields,
  });

  it('equal the float32 weights the panel would compute, bit for bit', () => {
    const head = layers[1].subarray(size * size, 2 * size * size);
    for (const direction of ['to', 'from'] as const) {
      for (const mode of ['sum', 'mean'] as const) {
        for (const sinks of [{ first: false, special: false }, { first: true, special: true }]) {
          for (const indices of [[9], [3, 4, 5, 6]]) {
            const reply = answerWeights(run, request({ direction, mode, sinks, indices }))!;
            const hidden = sinkColumns(tokens, sinks);
            const expected = focusWeights(hidden.length > 0 ? hideColumns(head, size, hidden) : head, size, indices, direction, mode);
            assert.deepEqual(floatsFromBuffer(reply.data, size), expected, `${direction} ${mode} ${JSON.stringify(sinks)} ${indices}`);
          }
        }
      }
    }
  });

  it('read the rollout and the aggregates too', () => {
    const rollout = answerWeights(run, request({ rollout: true, selector: { layer: 1, head: 'mean' }, indices: [20] }))!;
    assert.deepEqual(floatsFromBuffer(rollout.data, size), rolloutFor(run, 1)!.slice(20 * size, 21 * size));
    const max = answerWeights(run, request({ selector: { layer: 0, head: 'max' }, indices: [5] }))!;
    const expected = Float32Array.from({ length: size }, (_, j) => Math.max(layers[0][5 * size + j], layers[0][size * size + 5 * size + j]));
    assert.deepEqual(floatsFromBuffer(max.data, size), expected);
  });

  it('answer nothing outside the run', () => {
    assert.equal(answerWeights(run, request({ runId: 5 })), undefined, 'another run');
    assert.equal(answerWeights(run, request({ indices: [size] })), undefined, 'token out of range');
    assert.equal(answerWeights(run, request({ indices: [] })), undefined, 'no token');
    assert.equal(answerWeights(run, request({ indices: Array(size + 1).fill(1) })), undefined, 'more tokens than the run has');
    assert.equal(answerWeights(run, request({ selector: { layer: 2, head: 0 } })), undefined, 'layer out of range');
    assert.equal(answerWeights(run, request({ selector: { layer: 0, head: 2 } })), undefined, 'head out of range');
  });

  it('rows alone give the same numbers as the whole renormalised matrix', () => {
    const head = layers[0].subarray(0, size * size);
    const hidden = [0, 7];
    for (const mode of ['sum', 'mean'] as const) {
      assert.deepEqual(focusRowWeights(head, size, [2, 11, 23], hidden, mode), focusWeights(hideColumns(head, size, hidden), size, [2, 11, 23], 'to', mode));
    }
  });

  it('are asked for with a message the host validates', () => {
    const { type, ...fields } = request({});
    const message = { type, ...fields };
    assert.deepEqual(parseWebviewMessage(message), message);
    for (const bad of [
      { ...message, direction: 'up' },
      { ...message, mode: 'max' },
      { ...message, indices: [1, -1] },
      { ...message, indices: 'all' },
      { ...message, rollout: 1 },
      { ...message, sinks: null },
      { ...message, selector: { layer: 0, head: 'min' } },
    ]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});
