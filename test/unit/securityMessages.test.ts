// Every message from a webview is untrusted input. 10,000 seeded random messages (JSON-like values,
// prototype-pollution keys, huge and non-finite numbers, deep nesting, near-valid messages) go
// through parseWebviewMessage and then through what the panel does with an accepted message:
// answer matrix and weights requests from a held run. No exception escapes, nothing outside the schema gets
// through, and Object.prototype is untouched.
import { inMemoryLayers } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { matrixFor, type AttentionRun } from '../../src/attention/attentionRun';
import { MessageType, parseWebviewMessage, type FromWebviewMessage } from '../../src/shared/protocol';
import { answerMatrix, answerWeights } from '../../src/shared/viewRequests';
import { seededRandom } from '../../src/shared/seededRandom';

const TYPES = [
  MessageType.Ready,
  MessageType.RequestMatrix,
  MessageType.RequestWeights,
  MessageType.RevealToken,
  MessageType.Painted,
  MessageType.HeadPicked,
  MessageType.ShowResult,
  MessageType.ShowMatrix,
  'webview/READY',
  '',
  'constructor',
  '__proto__',
];
const KEYS = ['type', 'requestId', 'runId', 'selector', 'exact', 'indices', 'direction', 'sinks', 'layer', 'head', 'index', 'paintMs', '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'then'];
const NUMBERS = [0, 1, 2, 3, -1, -0, 0.5, 1e308, -1e308, 2 ** 24, 2 ** 24 - 1, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -Infinity, 1e-300];
const STRINGS = ['', 'mean', 'max', 'min', '0', '1', 'NaN', '__proto__', 'x'.repeat(10_000), '<script>alert(1)</script>', "'); process.exit(1); ('"];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function generator(seed: number) {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const value = (depth: number): Json => {
    const r = random();
    if (r < 0.1) return null;
    if (r < 0.15) return random() < 0.5;
    if (r < 0.45) return random() < 0.7 ? pick(NUMBERS) : Math.floor(random() * 10);
    if (r < 0.6) return random() < 0.8 ? pick(STRINGS) : pick(TYPES);
    if (depth > 4) return pick(NUMBERS);
    if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    return object(depth + 1);
  };
  const object = (depth: number): { [key: string]: Json } => {
    // Built from JSON text, as postMessage delivers it: "__proto__" becomes an own key, not the prototype.
    const entries: string[] = [];
    if (random() < 0.8) entries.push(`"type":${JSON.stringify(pick(TYPES))}`);
    const count = Math.floor(random() * 6);
    for (let i = 0; i < count; i++) entries.push(`${JSON.stringify(pick(KEYS))}:${JSON.stringify(value(depth)) ?? 'null'}`);
    return JSON.parse(`{${entries.join(',')}}`) as { [key: string]: Json };
  };
  /** A valid message of a random type with one field possibly spoiled: reaches every accepting branch. */
  const nearValid = (): { [key: string]: Json } => {
    const index = () => (random() < 0.85 ? Math.floor(random() * 6) : (pick(NUMBERS) as Json));
    const head = (): Json => (random() < 0.6 ? Math.floor(random() * 6) : pick(['mean', 'max', 'min', -1, 2 ** 30]));
    const base: { [key: string]: Json } = pick<() => { [key: string]: Json }>([
      () => ({ type: MessageType.Ready }),
      () => ({ type: MessageType.RequestMatrix, requestId: index(), runId: index(), selector: { layer: index(), head: head() }, exact: random() < 0.5 }),
      () => ({
        type: MessageType.RequestWeights,
        requestId: index(),
        // Often the held run (id 3), so that the answering path is reached too.
        runId: random() < 0.5 ? 3 : index(),
        selector: { layer: index(), head: head() },
        rollout: random() < 0.3,
        indices: random() < 0.9 ? [index(), index()] : (value(1) as Json),
        direction: pick(['to', 'to', 'from', 'up']),
        mode: pick(['sum', 'mean', 'max']),
        sinks: { first: random() < 0.5, special: random() < 0.5 },
      }),
      () => ({ type: MessageType.RevealToken, runId: index(), index: index() }),
      () => ({ type: MessageType.Painted, runId: index(), paintMs: random() < 0.9 ? random() * 100 : pick(NUMBERS) }),
      () => ({ type: MessageType.HeadPicked, layer: index(), head: head() }),
    ])();
    if (random() < 0.2) base[pick(KEYS)] = value(2);
    return base;
  };
  return { next: (): unknown => (random() < 0.5 ? nearValid() : value(0)) };
}

const isIndex = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 24;
const isHead = (v: unknown) => v === 'mean' || v === 'max' || isIndex(v);

/** The accepted message has exactly its type's keys, each of the right kind, and is a fresh object. */
function assertWellFormed(message: FromWebviewMessage, raw: unknown): void {
  assert.notEqual(message, raw, 'a fresh object, not the input');
  assert.equal(Object.getPrototypeOf(message), Object.prototype);
  const keys = Object.keys(message).sort();
  switch (message.type) {
    case MessageType.Ready:
      assert.deepEqual(keys, ['type']);
      break;
    case MessageType.RequestMatrix:
      assert.deepEqual(keys, ['exact', 'requestId', 'runId', 'selector', 'type']);
      assert.ok(isIndex(message.requestId) && isIndex(message.runId) && isIndex(message.selector.layer) && isHead(message.selector.head));
      assert.equal(typeof message.exact, 'boolean');
      assert.deepEqual(Object.keys(message.selector).sort(), ['head', 'layer']);
      break;
    case MessageType.RequestWeights:
      assert.deepEqual(keys, ['direction', 'indices', 'mode', 'requestId', 'rollout', 'runId', 'selector', 'sinks', 'type']);
      assert.ok(isIndex(message.requestId) && isIndex(message.runId) && isIndex(message.selector.layer) && isHead(message.selector.head));
      assert.ok(Array.isArray(message.indices) && message.indices.every(isIndex));
      assert.ok(['to', 'from'].includes(message.direction) && ['sum', 'mean'].includes(message.mode) && typeof message.rollout === 'boolean');
      assert.deepEqual(Object.keys(message.sinks).sort(), ['first', 'special']);
      break;
    case MessageType.RevealToken:
      assert.deepEqual(keys, ['index', 'runId', 'type']);
      assert.ok(isIndex(message.runId) && isIndex(message.index));
      break;
    case MessageType.Painted:
      assert.deepEqual(keys, ['paintMs', 'runId', 'type']);
      assert.ok(isIndex(message.runId) && Number.isFinite(message.paintMs));
      break;
    case MessageType.HeadPicked:
      assert.deepEqual(keys, ['head', 'layer', 'type']);
      assert.ok(isIndex(message.layer) && isHead(message.head));
      break;
    default:
      assert.fail(`unknown type accepted: ${JSON.stringify(message)}`);
  }
}

/** A held run of 3 layers x 2 heads over 4 tokens, as the panel keeps one. */
function heldRun(): AttentionRun {
  const T = 4;
  const layer = new Float32Array(2 * T * T).fill(1 / T);
  return {
    runId: 3,
    tokens: Array.from({ length: T }, (_, i) => ({ id: i, text: 'a', start: i, end: i + 1, special: false })),
    attention: inMemoryLayers([layer, layer.slice(), layer.slice()], T),
  } as unknown as AttentionRun;
}

describe('security: webview message fuzz (seeded)', function () {
  this.timeout(30_000);

  it('10,000 random messages: no exception escapes, only well-formed messages pass, the handler path holds', () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const run = heldRun();
    const accepted = new Map<string, number>();
    let matricesServed = 0;
    let weightsServed = 0;
    const { next } = generator(20250101);
    for (let i = 0; i < 10_000; i++) {
      const raw = next();
      let message: FromWebviewMessage | undefined;
      try {
        message = parseWebviewMessage(raw);
      } catch (err) {
        assert.fail(`message ${i} threw ${String(err)}: ${JSON.stringify(raw)?.slice(0, 300)}`);
      }
      if (!message) continue;
      assertWellFormed(message, raw);
      accepted.set(message.type, (accepted.get(message.type) ?? 0) + 1);
      if (message.type === MessageType.RequestWeights) {
        // Any accepted weights request is answered with T floats or not at all, never a throw.
        const reply = answerWeights({ ...run, vectors: undefined, causal: true }, message);
        if (reply) {
          weightsServed++;
          assert.equal(reply.data.byteLength, 4 * 4);
        }
        continue;
      }
      if (message.type !== MessageType.RequestMatrix) continue;
      // A selector outside the run names no matrix (undefined, never a throw); the reply agrees.
      const matrix = matrixFor(run, message.selector);
      if (matrix) assert.equal(matrix.length, 16);
      const reply = answerMatrix(run, message);
      assert.equal(reply === undefined, matrix === undefined || message.runId !== run.runId);
      if (reply) {
        matricesServed++;
        assert.equal(reply.runId, run.runId);
        // Drawing codes: 2 bytes a cell, of the lower triangle (10 of 16 cells) exactly when the
        // matrix is zero above the diagonal; exact reads in float32.
        const causal = [1, 2, 3, 6, 7, 11].every((cell) => matrix![cell] === 0);
        const expected = message.exact ? 'float32' : causal ? 'sqrt16-lower' : 'sqrt16';
        assert.equal(reply.encoding, expected);
        assert.equal(reply.data.byteLength, expected === 'float32' ? 64 : expected === 'sqrt16-lower' ? 20 : 32);
      }
    }
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeys, 'Object.prototype unchanged');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // The fuzz reached every accepting branch, and served some matrices.
    for (const type of [MessageType.Ready, MessageType.RequestMatrix, MessageType.RequestWeights, MessageType.RevealToken, MessageType.Painted, MessageType.HeadPicked]) {
      assert.ok((accepted.get(type) ?? 0) > 50, `${type} accepted ${accepted.get(type) ?? 0} times`);
    }
    assert.ok(matricesServed > 10, `${matricesServed} matrices served`);
    assert.ok(weightsServed > 10, `${weightsServed} weights served`);
  });

  it('ignores prototype-pollution payloads', () => {
    for (const text of [
      '{"__proto__":{"type":"webview/ready","polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}},"type":"token/reveal","runId":1,"index":2}',
      '{"type":"selection/changed","layer":0,"head":"__proto__"}',
      '{"type":"matrix/request","requestId":1,"runId":1,"selector":{"__proto__":{"layer":0,"head":0}}}',
    ]) {
      const message = parseWebviewMessage(JSON.parse(text));
      if (message) assertWellFormed(message, undefined);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    }
    assert.equal(parseWebviewMessage(JSON.parse('{"__proto__":{"type":"webview/ready"}}')), undefined, 'an inherited type does not count');
  });
});
