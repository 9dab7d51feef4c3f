/**
 * Long runs kept on disk (attention/storedLayers.ts): a native run computed layer by layer leaves
 * its layers in files in the host's storage folder (storeFolder.ts), never read whole; every view
 * answer read from those files equals the answer from the same run in memory, byte for byte, and
 * the files go when the run is replaced and the folder when the client is disposed. Small
 * thresholds make the bundled model's runs take this path (a 12 x 12 model at 2048 tokens takes
 * it by default: the long bench).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { InferenceClient } from '../../src/inference/inferenceClient';
import { startWorkerProcess } from '../../src/inference/workerHandle';
import { storedLayers, storedVectors, removeStoredAttention } from '../../src/attention/storedLayers';
import { everyLayer, inMemoryLayers } from '../../src/shared/attentionLayers';
import { answerViewRequest, type HeldRun } from '../../src/shared/viewRequests';
import { resultJsonChunks } from '../../src/shared/resultJson';
import { MessageType, type ViewRequest } from '../../src/shared/protocol';
import { skipWithoutNative } from '../reference/nativeRuntime';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WORKER = path.join(REPO_ROOT, 'dist', 'worker.js');
const MODEL = { folder: path.join(REPO_ROOT, 'media', 'model'), threads: 1, runtime: 'native' as const };
const TEXT = readFileSync(path.join(REPO_ROOT, 'src', 'inference', 'attentionModel.ts'), 'utf8');
const TMPFS = 0x01021994;

/** Every answer a view can ask of `run`, as JSON-comparable bytes. */
function answers(run: HeldRun): string[] {
  const size = run.tokens.length;
  const selectors = [{ layer: 0, head: 0 }, { layer: 3, head: 2 }, { layer: 1, head: 'mean' as const }, { layer: 2, head: 'max' as const }];
  const requests: ViewRequest[] = [
    ...selectors.flatMap((selector, i) => [
      { type: MessageType.RequestMatrix, requestId: i, runId: run.runId, selector, exact: true },
      { type: MessageType.RequestMatrix, requestId: i, runId: run.runId, selector, exact: false },
      { type: MessageType.RequestWeights, requestId: i, runId: run.runId, selector, indices: [size - 1, 3], direction: 'to', mode: 'sum', sinks: { first: true, special: false }, rollout: false },
    ] as ViewRequest[]),
    { type: MessageType.RequestRollout, requestId: 9, runId: run.runId, layer: 3, exact: true },
    { type: MessageType.RequestThumbnails, requestId: 10, runId: run.runId, side: 16, pool: 'max', sinks: { first: true, special: false } },
    { type: MessageType.RequestQueryMath, requestId: 11, runId: run.runId, layer: 2, head: 1, query: size - 1 },
  ];
  return requests.map((request) => {
    const reply = answerViewRequest(run, request);
    assert.ok(reply, `an answer to ${request.type}`);
    return JSON.stringify(reply, (_key, value: unknown) => (value instanceof ArrayBuffer ? Buffer.from(value).toString('base64') : value));
  });
}

describe('long runs kept on disk', function () {
  this.timeout(120_000);

  before(function () {
    skipWithoutNative(this);
    if (!existsSync(WORKER)) this.skip();
  });

  it('stay in files the host reads on demand, and every view answer equals the same run in memory', async () => {
    const client = new InferenceClient(WORKER, path.join(REPO_ROOT, 'dist', 'ort'), undefined, { startNative: startWorkerProcess, storedFromBytes: 0 });
    try {
      const inMemory = await client.run(MODEL, TEXT, 200);
      const onDisk = await client.run({ ...MODEL, layeredFromBytes: 0 }, TEXT, 200);
      const stored = onDisk.output.stored;
      assert.ok(stored, 'the layered run was kept on disk');
      assert.equal(inMemory.output.stored, undefined, 'a one-pass run comes into memory');
      assert.deepEqual(onDisk.output.tokens, inMemory.output.tokens);
      assert.ok(onDisk.output.attention.every((a) => a.length === 0), 'no attention crossed into memory');
      assert.equal(stored.files.length, 4);
      assert.equal(stored.heads, 4);
      assert.equal(stored.size, 200);
      for (const file of stored.files) {
        assert.ok(existsSync(file));
        assert.notEqual(statfsSync(file).type, TMPFS, `${file} is on disk, not in memory`);
      }
      const size = inMemory.output.tokens.length;
      const diskRun: HeldRun = { runId: 1, tokens: onDisk.output.tokens, attention: storedLayers(stored), vectors: storedVectors(stored), causal: true };
      // Layer by layer the same model: equal within one pass's rounding (layeredRun.test.ts);
      // the views below are then compared on a run in memory made of the files' own numbers.
      let worst = 0;
      everyLayer(diskRun.attention).forEach((layer, l) => layer.forEach((w, i) => (worst = Math.max(worst, Math.abs(w - inMemory.output.attention[l]![i]!)))));
      assert.ok(worst <= 1e-6, `attention differs by ${worst}`);
      diskRun.vectors!.forEach((v, l) => {
        const m = inMemory.output.vectors![l]!;
        for (const [a, b] of [[v.q, m.q], [v.k, m.k], [v.v, m.v], [v.o, m.o]] as const) {
          assert.equal(a.length, b.length);
          a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= 1e-5, `layer ${l} vectors differ at ${i}`));
        }
      });
      const sameNumbers: HeldRun = { ...diskRun, attention: inMemoryLayers(everyLayer(diskRun.attention), size), vectors: diskRun.vectors!.map((v) => ({ q: v.q, k: v.k, v: v.v, o: v.o, headDim: v.headDim })) };
      assert.deepEqual(answers(diskRun), answers(sameNumbers), 'every answer read from the files equals the answer from memory');
      const input = { source: { file: 'a.ts', startOffset: 0, text: TEXT }, tokens: onDisk.output.tokens, model: { ...onDisk.info, context: 512 } };
      assert.equal([...resultJsonChunks({ ...input, attention: diskRun.attention })].join(''), [...resultJsonChunks({ ...input, attention: sameNumbers.attention })].join(''));
      removeStoredAttention(stored);
      assert.ok(stored.files.every((file) => !existsSync(file)), 'a replaced run leaves no files');
      const again = await client.run({ ...MODEL, layeredFromBytes: 0 }, TEXT, 200);
      const folder = path.dirname(again.output.stored!.files[0]!);
      client.dispose();
      assert.ok(!existsSync(folder), 'disposing the client removes its folder');
    } finally {
      client.dispose();
    }
  });

  it('a layered run under the storage bound comes into memory', async () => {
    const client = new InferenceClient(WORKER, path.join(REPO_ROOT, 'dist', 'ort'), undefined, { startNative: startWorkerProcess, storedFromBytes: 1024 ** 3 });
    try {
      const { output, info } = await client.run({ ...MODEL, layeredFromBytes: 0 }, TEXT, 100);
      assert.equal(info.layered, true);
      assert.equal(output.stored, undefined);
      assert.ok(output.attention.every((a) => a.length === 4 * 100 * 100));
    } finally {
      client.dispose();
    }
  });
});
