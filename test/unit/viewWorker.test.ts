// The view worker answers exactly what shared/viewRequests.ts answers on the host (the same bytes),
// for the bundled model's real run, reading the run's attention from shared memory; and the JSON
// export streams: the file written piece by piece is resultToJson's text, byte for byte, it appears
// only once complete, and the writer never holds more than one batch.
import { everyLayer, inMemoryLayers } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AttentionRun } from '../../src/attention/attentionRun';
import { heldRun } from '../../src/attention/attentionRun';
import { writePieces } from '../../src/attention/jsonWriter';
import { ViewWorkerClient } from '../../src/attention/viewWorkerClient';
import { InferenceClient } from '../../src/inference/inferenceClient';
import { isShared } from '../../src/inference/sharedOutput';
import type { ModelLocation } from '../../src/inference/workerProtocol';
import { headBadges } from '../../src/shared/headBadges';
import { MessageType, type ViewReply, type ViewRequest } from '../../src/shared/protocol';
import { resultJsonChunks, resultToJson, type ResultJsonInput } from '../../src/shared/resultJson';
import { answerViewRequest } from '../../src/shared/viewRequests';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WORKER = path.join(REPO_ROOT, 'dist', 'worker.js');
const VIEW_WORKER = path.join(REPO_ROOT, 'dist', 'viewWorker.js');
const ORT_DIST = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const BUNDLED: ModelLocation = { folder: path.join(REPO_ROOT, 'media', 'model'), threads: 1 };
const TEXT = 'function add(a, b) {\n  return a + b;\n}\nconst total = add(add(1, 2), add(3, 4));\n';

/** A reply with its ArrayBuffers as bytes, so deepStrictEqual compares what a view receives. */
function comparable(reply: ViewReply | undefined): unknown {
  if (!reply) return reply;
  return Object.fromEntries(Object.entries(reply).map(([key, value]) => [key, value instanceof ArrayBuffer ? Buffer.from(value) : value]));
}

describe('view worker', function () {
  this.timeout(60_000);
  let inference: InferenceClient;
  let views: ViewWorkerClient;
  let run: AttentionRun;

  before(async function () {
    inference = new InferenceClient(WORKER, ORT_DIST);
    views = new ViewWorkerClient(VIEW_WORKER);
    const { info, output } = await inference.run(BUNDLED, TEXT, 512);
    run = {
      runId: 7,
      documentUri: 'file:///sample.ts',
      documentVersion: 1,
      baseOffset: 0,
      text: TEXT,
      tokens: output.tokens,
      attention: inMemoryLayers(output.attention, output.tokens.length),
      vectors: output.vectors,
      model: info,
      truncated: output.truncated,
      source: 'sample.ts',
      timings: { tokenize: 0, inference: 0, load: 0, transfer: 0, total: 0 },
    };
  });

  after(() => {
    views.dispose();
    inference.dispose();
  });

  it('receives the run in shared memory, so handing it to the view worker copies nothing', () => {
    assert.ok(run.attention.length > 1 && everyLayer(run.attention).every(isShared), 'every layer in a SharedArrayBuffer');
    assert.ok(run.vectors && run.vectors.every((v) => isShared(v.q) && isShared(v.k) && isShared(v.v) && isShared(v.o)), 'q/k/v/o shared');
  });

  it('answers every kind of view request with the same bytes as answerViewRequest on the host', async () => {
    const size = run.tokens.length;
    const layers = run.attention.length;
    const requests: ViewRequest[] = [];
    let requestId = 1;
    for (let layer = 0; layer < layers; layer++) {
      for (const head of [0, run.model.heads - 1, 'mean', 'max'] as const) {
        requests.push({ type: MessageType.RequestMatrix, exact: true, requestId: requestId++, runId: run.runId, selector: { layer, head } });
      }
      requests.push({ type: MessageType.RequestRollout, exact: true, requestId: requestId++, runId: run.runId, layer });
      requests.push({ type: MessageType.RequestQueryMath, requestId: requestId++, runId: run.runId, layer, head: run.model.heads - 1, query: size - 1 });
    }
    for (const pool of ['max', 'mean'] as const) {
      for (const sinks of [{ first: false, special: false }, { first: true, special: true }]) {
        for (const side of [4, 48, 10_000]) requests.push({ type: MessageType.RequestThumbnails, requestId: requestId++, runId: run.runId, side, pool, sinks });
      }
    }
    // Outside the run: no answer from either.
    requests.push({ type: MessageType.RequestRollout, exact: true, requestId: requestId++, runId: run.runId, layer: layers });
    requests.push({ type: MessageType.RequestMatrix, exact: true, requestId: requestId++, runId: run.runId + 1, selector: { layer: 0, head: 0 } });
    requests.push({ type: MessageType.RequestQueryMath, requestId, runId: run.runId, layer: 0, head: 0, query: size });

    // Asked all at once, as open views do; answered in order by the worker.
    const fromWorker = await Promise.all(requests.map((request) => views.answer(run, request)));
    const onHost = requests.map((request) => answerViewRequest(heldRun(run), request));
    let answered = 0;
    requests.forEach((request, i) => {
      assert.deepStrictEqual(comparable(fromWorker[i]), comparable(onHost[i]), `request ${JSON.stringify(request)}`);
      if (onHost[i]) answered++;
    });
    assert.equal(answered, requests.length - 3, 'every request inside the run was answered');
    assert.equal(views.stats.workersStarted, 1);
    assert.equal(views.stats.pendingRequests, 0);
  });

  it('computes the head scores the Model view sorts by, as headBadges does', async () => {
    const scores = await views.scores(run);
    assert.ok(scores);
    assert.deepStrictEqual(Buffer.from(scores.buffer), Buffer.from(headBadges(run.attention, run.tokens).buffer));
  });

  it('streams the JSON export to the file: the same text as resultToJson, parsed back equal', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'attention-lens-export-'));
    try {
      const file = path.join(dir, 'run.json');
      const input = { source: { file: 'sample.ts', startOffset: 0, text: TEXT }, tokens: run.tokens, model: run.model, documentText: `// head\n${TEXT}` };
      const { written, bytes } = await views.exportJson(run, input, file);
      assert.equal(bytes, undefined, 'a streamed export returns no bytes');
      const expected = JSON.stringify(resultToJson({ ...input, attention: run.attention }));
      const text = readFileSync(file, 'utf8');
      assert.equal(written, Buffer.byteLength(expected));
      assert.ok(text === expected, 'the file is resultToJson text, byte for byte');
      assert.deepStrictEqual(JSON.parse(text), resultToJson({ ...input, attention: run.attention }));
      assert.deepStrictEqual(readdirSync(dir), ['run.json'], 'written beside and renamed: nothing else left');
      // A target that cannot be replaced (a folder): refused, and no partial file stays behind.
      mkdirSync(path.join(dir, 'folder.json'));
      await assert.rejects(views.exportJson(run, input, path.join(dir, 'folder.json')));
      assert.deepStrictEqual(readdirSync(dir).sort(), ['folder.json', 'run.json']);
      const whole = await views.exportJson(run, input);
      assert.ok(whole.bytes && Buffer.from(whole.bytes).equals(Buffer.from(expected)), 'without a path, the same bytes come back');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drops a run the host moved on from, and takes it again when a view asks about it', async () => {
    const request: ViewRequest = { type: MessageType.RequestRollout, exact: true, requestId: 1, runId: run.runId, layer: 1 };
    views.keepOnly(undefined);
    const reply = await views.answer(run, request);
    assert.ok(comparable(reply), 'answered after the run was handed over again');
    assert.deepStrictEqual(comparable(reply), comparable(answerViewRequest(heldRun(run), request)));
    assert.equal(views.stats.workersStarted, 1, 'by the same thread');
  });

  it('replaces a worker still busy with an older run, and takes a run outside shared memory layer by layer', async () => {
    // A WebGPU run comes from the panel in ordinary ArrayBuffers.
    const copy: AttentionRun = {
      ...run,
      runId: run.runId + 1,
      attention: inMemoryLayers(everyLayer(run.attention).map((a) => Float32Array.from(a)), run.tokens.length),
      vectors: run.vectors?.map((v) => ({ ...v, q: Float32Array.from(v.q), k: Float32Array.from(v.k), v: Float32Array.from(v.v), o: Float32Array.from(v.o) })),
    };
    assert.ok(!everyLayer(copy.attention).some(isShared));
    const started = views.stats.workersStarted;
    const older = views.answer(run, { type: MessageType.RequestThumbnails, requestId: 1, runId: run.runId, side: 64, pool: 'mean', sinks: { first: false, special: false } });
    const requests: ViewRequest[] = [
      { type: MessageType.RequestRollout, exact: true, requestId: 2, runId: copy.runId, layer: copy.attention.length - 1 },
      { type: MessageType.RequestQueryMath, requestId: 3, runId: copy.runId, layer: 1, head: 2, query: 3 },
    ];
    const newer = requests.map((request) => views.answer(copy, request));
    assert.equal(await older, undefined, "the older run's request went with its worker");
    assert.equal(views.stats.workersStarted, started + 1, 'a fresh worker took the newer run');
    for (const [i, request] of requests.entries()) {
      assert.deepStrictEqual(comparable(await newer[i]), comparable(answerViewRequest(heldRun(copy), request)));
    }
  });

  it('reports a file that cannot be written, and answers the next request', async () => {
    const input = { source: { file: 'sample.ts', startOffset: 0, text: TEXT }, tokens: run.tokens, model: run.model };
    await assert.rejects(views.exportJson(run, input, path.join(tmpdir(), 'no-such-folder-attention-lens', 'run.json')), /ENOENT/);
    const reply = await views.answer(run, { type: MessageType.RequestRollout, exact: true, requestId: 1, runId: run.runId, layer: 0 });
    assert.equal(reply?.type, MessageType.ShowMatrix);
  });
});

describe('result JSON in pieces', () => {
  /** A run of `layers` x `heads` x `size` with awkward values: NaN, -0, tiny and float64-noisy numbers. */
  function input(layers: number, heads: number, size: number): ResultJsonInput {
    const attention = Array.from({ length: layers }, (_, l) =>
      Float32Array.from({ length: heads * size * size }, (_, i) => [NaN, -0, 1e-9, 0.1, 1 / 3, Infinity][(i + l) % 6] * ((i % 7) + 1)),
    );
    const tokens = Array.from({ length: size }, (_, i) => ({ text: `t"${i}\u2028`, id: i, special: i === 0, start: i, end: i + 1 }));
    return {
      source: { file: 'a.ts', startOffset: 2, text: 'x'.repeat(size) },
      tokens,
      attention: inMemoryLayers(attention, size),
      model: { name: 'm', layers, heads, context: 64, causal: false },
      documentText: `\n\n${'x'.repeat(size)}`,
    };
  }

  for (const [layers, heads, size] of [[3, 2, 5], [1, 1, 1], [2, 4, 0], [0, 0, 3]]) {
    it(`joins to JSON.stringify(resultToJson()) exactly: ${layers} layers x ${heads} heads x ${size} tokens`, () => {
      const run = input(layers, heads, size);
      assert.equal([...resultJsonChunks(run)].join(''), JSON.stringify(resultToJson(run)));
    });
  }

  it('gives one query row per piece after the head, so no piece grows with layers or heads', () => {
    const run = input(4, 3, 9);
    const pieces = [...resultJsonChunks(run)];
    const rows = 4 * 3 * 9;
    // The head, one piece per row, one closing each layer, the closing of the result.
    assert.equal(pieces.length, 1 + rows + 4 + 1);
    const longestRow = Math.max(...pieces.slice(1).map((p) => p.length));
    // At most 9 numbers of at most 14 characters (-1.234567e-10), commas and a few brackets.
    assert.ok(longestRow <= 9 * 15 + 6, `longest piece ${longestRow}`);
  });

  it('writes in batches: what the writer holds stays under a batch plus one piece, however long the text', () => {
    const run = input(6, 4, 40);
    const batch = 4096;
    const written: Uint8Array[] = [];
    const stats = writePieces(resultJsonChunks(run), (bytes) => written.push(bytes), batch);
    const text = JSON.stringify(resultToJson(run));
    assert.equal(Buffer.concat(written).toString('utf8'), text);
    assert.equal(stats.bytes, Buffer.byteLength(text));
    const longestPiece = Math.max(...[...resultJsonChunks(run)].map((p) => p.length));
    assert.ok(stats.maxPendingUnits < batch + longestPiece, `held ${stats.maxPendingUnits} code units`);
    assert.ok(stats.writes >= Math.floor(text.length / (batch + longestPiece)), `${stats.writes} writes for ${text.length} characters`);
    assert.ok(text.length > 20 * batch, 'the text is many batches long');
  });
});
