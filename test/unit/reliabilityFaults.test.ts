// Faults: the worker dying mid-run, runtime and model files missing or corrupt, outputs that are
// not attention, requests too large for memory. Each must end in a clear message, never a hang,
// and the next run must work once the cause is gone.
import * as assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InferenceClient, InferenceError } from '../../src/inference/inferenceClient';
import type { FailureKind } from '../../src/inference/workerFailure';
import { AttentionModel } from '../../src/inference/attentionModel';
import { UnexpectedOutputError, checkInferenceOutput } from '../../src/inference/outputChecks';
import {
  RequestTooLargeError,
  attentionBytes,
  noTextFits,
  maxTokensWithinBudget,
  runBytes,
} from '../../src/inference/requestBudget';
import { RUNTIME_FILES, checkRuntimeFiles, explainRuntimeFailure } from '../../src/inference/runtimeFiles';
import type { InferenceOutput, ModelLocation } from '../../src/inference/workerProtocol';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FAKE_WORKER = path.join(REPO_ROOT, 'test', 'fixtures', 'reliability', 'fakeWorker.js');
const REAL_WORKER = path.join(REPO_ROOT, 'dist', 'worker.js');
const ORT_DIST = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const BUNDLED: ModelLocation = { folder: path.join(REPO_ROOT, 'media', 'model'), threads: 1 };
const FAKE: ModelLocation = { folder: 'fake', threads: 1 };

function tempFolder(): string {
  return mkdtempSync(path.join(tmpdir(), 'attention-lens-reliability-'));
}

async function until(probe: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An InferenceError of `kind` (the kind crossed the worker boundary) whose message matches. */
function failure(kind: FailureKind, message: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof InferenceError, `not an InferenceError: ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, message);
    return true;
  };
}

describe('reliability: inference worker faults', function () {
  this.timeout(20_000);

  it('rejects pending requests when the worker exits mid-run, reports once, and restarts on the next run', async () => {
    const exits: string[] = [];
    const client = new InferenceClient(FAKE_WORKER, 'unused', (reason) => exits.push(reason));
    try {
      const hanging = client.run(FAKE, 'hang', 8);
      await until(() => client.testHooks.pendingRequests === 1, 'the run to be sent');
      const dying = client.run(FAKE, 'exit', 8);
      await assert.rejects(dying, (err: unknown) => err instanceof InferenceError && /stopped: exit code 3/.test(err.message));
      await assert.rejects(hanging, (err: unknown) => err instanceof InferenceError && /stopped/.test(err.message));
      assert.deepEqual(exits, ['exit code 3'], 'reported once');
      assert.equal(client.testHooks.pendingRequests, 0);
      const next = await client.run(FAKE, 'hello', 8);
      assert.equal(next.output.tokens[0].text, 'hello');
      assert.equal(client.testHooks.workersStarted, 2);
      await until(() => client.testHooks.liveWorkers === 1, 'the dead worker to be gone');
    } finally {
      client.dispose();
    }
  });

  it('treats an uncaught exception in the worker as a death, once', async () => {
    const exits: string[] = [];
    const client = new InferenceClient(FAKE_WORKER, 'unused', (reason) => exits.push(reason));
    try {
      await assert.rejects(client.run(FAKE, 'throw', 8), /fake worker crash/);
      await until(() => client.testHooks.liveWorkers === 0, 'the worker to exit');
      assert.equal(exits.length, 1, `one report, got ${JSON.stringify(exits)}`);
      assert.equal((await client.run(FAKE, 'again', 8)).output.tokens[0].text, 'again');
    } finally {
      client.dispose();
    }
  });

  it('terminateWorker (the integration hook) fails the run in flight and the next run works', async () => {
    const exits: string[] = [];
    const client = new InferenceClient(FAKE_WORKER, 'unused', (reason) => exits.push(reason));
    try {
      assert.equal(client.testHooks.terminateWorker(), false, 'no worker yet');
      const hanging = client.run(FAKE, 'hang', 8);
      await until(() => client.testHooks.pendingRequests === 1, 'the run to be sent');
      assert.equal(client.testHooks.terminateWorker(), true);
      await assert.rejects(hanging, /stopped/);
      assert.equal(exits.length, 1);
      assert.equal((await client.run(FAKE, 'ok', 8)).output.tokens[0].text, 'ok');
    } finally {
      client.dispose();
    }
    await until(() => client.testHooks.liveWorkers === 0, 'no worker left after dispose');
  });

  it('ignores malformed and unknown replies from the worker', async () => {
    const client = new InferenceClient(FAKE_WORKER, 'unused');
    try {
      const result = await client.run(FAKE, 'garbage', 8);
      assert.equal(result.output.tokens[0].text, 'garbage');
      assert.equal(client.testHooks.pendingRequests, 0);
    } finally {
      client.dispose();
    }
  });

  it('refuses a request that cannot be sent instead of leaving it pending', async () => {
    const client = new InferenceClient(FAKE_WORKER, 'unused');
    try {
      // A function cannot be structured-cloned: postMessage throws.
      const unclonable = { ...FAKE, folder: 'fake2', extra: () => 1 } as unknown as ModelLocation;
      await assert.rejects(client.load(unclonable), /could not be reached/);
      assert.equal(client.testHooks.pendingRequests, 0);
      assert.equal((await client.run(FAKE, 'fine', 8)).output.tokens[0].text, 'fine');
    } finally {
      client.dispose();
    }
  });

  it('replaces the worker quietly after a failed load, without reporting a crash', async () => {
    const exits: string[] = [];
    const client = new InferenceClient(FAKE_WORKER, 'unused', (reason) => exits.push(reason));
    try {
      await assert.rejects(client.load({ folder: 'fail', threads: 1 }), failure('missing-file', /fake load failure/));
      await until(() => client.testHooks.liveWorkers === 0, 'the failed worker to be retired');
      assert.deepEqual(exits, []);
      assert.equal((await client.run(FAKE, 'after', 8)).output.tokens[0].text, 'after');
      assert.equal(client.testHooks.workersStarted, 2);
    } finally {
      client.dispose();
    }
  });

  it('does not run a request on a model loaded by a later call while its own was loading', async () => {
    const client = new InferenceClient(FAKE_WORKER, 'unused');
    try {
      const first = client.run(FAKE, 'first', 8);
      const prepared = client.prepare(FAKE, 'first', 8);
      // Sent before the run: the worker would otherwise run 'first' on this model.
      const other = client.load({ folder: 'fake-b', threads: 1 });
      for (const request of [first, prepared]) {
        await assert.rejects(request, (err: unknown) => err instanceof InferenceError && err.kind === 'cancelled' && /^Another model was loaded before this request for fake reached the worker/.test(err.message));
      }
      await other;
      // The later model's own requests run.
      assert.equal((await client.run({ folder: 'fake-b', threads: 1 }, 'second', 8)).output.tokens[0].text, 'second');
    } finally {
      client.dispose();
    }
  });

  it('rejects everything pending on dispose', async () => {
    const client = new InferenceClient(FAKE_WORKER, 'unused');
    const hanging = client.run(FAKE, 'hang', 8);
    await until(() => client.testHooks.pendingRequests === 1, 'the run to be sent');
    client.dispose();
    await assert.rejects(hanging, /shut down/);
  });
});

describe('reliability: runtime and model files (real worker)', function () {
  this.timeout(60_000);
  let folder: string;

  beforeEach(() => (folder = tempFolder()));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('names a missing WebAssembly runtime file, and works once the file is restored', async function () {
    const wasmDir = path.join(folder, 'ort');
    cpSync(ORT_DIST, wasmDir, { recursive: true, filter: (src) => !src.endsWith(RUNTIME_FILES[0]) });
    const client = new InferenceClient(REAL_WORKER, wasmDir);
    try {
      await assert.rejects(client.run(BUNDLED, 'x = 1', 8), failure('runtime-files', new RegExp(`${RUNTIME_FILES[0].replace(/\./g, '\\.')} does not exist.*Reinstall`)));
      copyFileSync(path.join(ORT_DIST, RUNTIME_FILES[0]), path.join(wasmDir, RUNTIME_FILES[0]));
      const { output } = await client.run(BUNDLED, 'x = 1', 8);
      assert.ok(output.tokens.length > 0);
    } finally {
      client.dispose();
    }
  });

  it('says the runtime is damaged when the wasm file is corrupt, and recovers once it is replaced', async function () {
    const wasmDir = path.join(folder, 'ort');
    cpSync(ORT_DIST, wasmDir, { recursive: true });
    writeFileSync(path.join(wasmDir, RUNTIME_FILES[0]), 'not webassembly');
    const client = new InferenceClient(REAL_WORKER, wasmDir);
    try {
      await assert.rejects(client.run(BUNDLED, 'x = 1', 8), failure('runtime-files', /WebAssembly runtime in .* could not be started/));
      // onnxruntime remembers the failed start in its thread: only a fresh worker can recover.
      copyFileSync(path.join(ORT_DIST, RUNTIME_FILES[0]), path.join(wasmDir, RUNTIME_FILES[0]));
      assert.ok((await client.run(BUNDLED, 'x = 1', 8)).output.tokens.length > 0);
    } finally {
      client.dispose();
    }
  });

  it('names a missing or corrupt model or tokenizer file, and works after the user fixes the folder', async () => {
    const client = new InferenceClient(REAL_WORKER, ORT_DIST);
    const location: ModelLocation = { folder, threads: 1 };
    try {
      await assert.rejects(client.run(location, 'x', 8), failure('missing-file', new RegExp(`${path.join(folder, 'model.onnx').replace(/[\\/.]/g, '\\$&')} does not exist`)));
      copyFileSync(path.join(BUNDLED.folder, 'model.onnx'), path.join(folder, 'model.onnx'));
      await assert.rejects(client.run(location, 'x', 8), failure('missing-file', /tokenizer\.json does not exist/));
      writeFileSync(path.join(folder, 'tokenizer.json'), '{"model": ');
      await assert.rejects(client.run(location, 'x', 8), failure('tokenizer', /tokenizer\.json/));
      writeFileSync(path.join(folder, 'model.onnx'), new Uint8Array([0x08, 0x07, 0x12, 0xff]));
      copyFileSync(path.join(BUNDLED.folder, 'tokenizer.json'), path.join(folder, 'tokenizer.json'));
      await assert.rejects(client.run(location, 'x', 8), failure('unreadable-model', /model\.onnx cannot be read/));
      copyFileSync(path.join(BUNDLED.folder, 'model.onnx'), path.join(folder, 'model.onnx'));
      const { output, info } = await client.run(location, 'x = 1', 8);
      assert.equal(info.layers, 4);
      assert.ok(output.tokens.length > 0);
    } finally {
      client.dispose();
    }
  });
});

describe('reliability: outputs that are not attention', () => {
  const info = { name: 'm', layers: 1, heads: 2 };
  const output = (attention: Float32Array[], tokens = 2): InferenceOutput => ({
    tokens: Array.from({ length: tokens }, (_, i) => ({ id: i, text: 'a', start: i, end: i + 1, special: false })),
    attention,
    vectors: undefined,
    truncated: false,
    tokenizeMs: 0,
    inferenceMs: 0,
  });

  it('accepts probabilities of the right size', () => {
    checkInferenceOutput(output([new Float32Array([1, 0, 0.5, 0.5, 1, 0, 0.25, 0.75])]), info);
  });

  for (const [what, attention] of [
    ['a missing layer', []],
    ['a tensor of the wrong size', [new Float32Array(7)]],
    ['NaN', [new Float32Array([1, 0, NaN, 0.5, 1, 0, 0.25, 0.75])]],
    ['Infinity', [new Float32Array([1, 0, Infinity, 0.5, 1, 0, 0.25, 0.75])]],
    ['logits instead of probabilities', [new Float32Array([3.5, -2, 0.5, 0.5, 1, 0, 0.25, 0.75])]],
  ] as const) {
    it(`refuses ${what} with a message naming the model`, () => {
      assert.throws(() => checkInferenceOutput(output([...attention]), info), (err: unknown) => err instanceof UnexpectedOutputError && /The model m returned attention/.test(err.message));
    });
  }
});

describe('reliability: out-of-memory-sized requests', () => {
  it('estimates layers * heads * T * T * 4 bytes', () => {
    assert.equal(attentionBytes({ layers: 4, heads: 4 }, 512), 4 * 4 * 512 * 512 * 4);
  });

  it('a model run layer by layer is budgeted for its attention once and one layer several times: longer runs fit', () => {
    const available = 8 * 1024 ** 3;
    const onePass = { layers: 12, heads: 12 };
    const layered = { ...onePass, layered: true };
    // 12 x 12 heads: once plus (4 + 3) layers of 12 heads is 228 matrices against 3 x 144 + 36 = 468.
    assert.equal(maxTokensWithinBudget(layered, available), Math.floor(Math.sqrt(available / 2 / ((144 + 7 * 12) * 4))));
    assert.equal(maxTokensWithinBudget(onePass, available), Math.floor(Math.sqrt(available / 2 / ((3 * 144 + 3 * 12) * 4))));
    assert.ok(maxTokensWithinBudget(layered, available) > 1.4 * maxTokensWithinBudget(onePass, available));
    assert.match(noTextFits({ ...layered, layers: 1_000_000 }, 3, available).message, /\(its attention, and one layer of it several times while it is computed and handed over, and onnxruntime's working memory\)/);
  });

  it('allows the most tokens whose run fits half the memory available, and says what to lower when not even a few fit', () => {
    const available = 8 * 1024 ** 3;
    const big = { layers: 32, heads: 32 };
    const fits = maxTokensWithinBudget(big, available);
    assert.ok(runBytes(big, fits) <= available / 2 && runBytes(big, fits + 1) > available / 2);
    // The attention three times and one layer's working memory: 32 x 32 heads at 1024 tokens is
    // 4 GiB of attention, so 8 GiB available allows a little under 1024 / sqrt(3).
    assert.equal(fits, Math.floor(Math.sqrt(available / 2 / ((3 * 32 * 32 + 3 * 32) * 4))));
    // Less memory available, fewer tokens.
    assert.ok(maxTokensWithinBudget(big, available / 4) < fits);
    const refusal = noTextFits({ layers: 1_000_000, heads: 1000 }, 3, available);
    assert.ok(refusal instanceof RequestTooLargeError);
    assert.match(
      refusal.message,
      /^A run of 1000000 layers x 1000 heads needs about 100\.58 GiB for even 3 tokens \(its attention, held about 3 times while it is handed over, and onnxruntime's working memory\), more than half of the 8\.00 GiB of memory available now\. Close programs to free memory, or use a smaller model \(fewer layers or heads\)\.$/,
    );
    // The bundled model at its whole context fits even in 256 MB.
    assert.ok(maxTokensWithinBudget({ layers: 4, heads: 4 }, 256 * 1024 ** 2) > 512);
  });

  it('is applied in AttentionModel.run after tokenizing: a text whose attention would not fit is cut to what fits, and said so', async function () {
    this.timeout(30_000);
    const model = await AttentionModel.load(BUNDLED, ORT_DIST);
    // A machine with 8 GiB available, whatever this one has.
    const available = 8 * 1024 ** 3;
    model.availableMemory = () => available;
    try {
      assert.ok(maxTokensWithinBudget(model.info, available) > model.info.context, 'the bundled model always fits');
      const whole = await model.run('x '.repeat(2000), 8192);
      assert.equal(whole.tokens.length, model.info.context);
      assert.equal(whole.memoryLimit, undefined, 'cut by the context, not by memory');
      // Pretend the model is enormous: the run is cut to the tokens whose attention fits.
      (model.info as { layers: number }).layers = 100_000;
      const fits = maxTokensWithinBudget({ ...model.info, onWasmHeap: true }, available);
      assert.ok(fits > 1 && fits < model.info.context);
      const cut = await model.run('x '.repeat(2000), 8192);
      assert.equal(cut.tokens.length, fits);
      assert.equal(cut.memoryLimit, fits);
      assert.equal(cut.truncated, true);
      assert.equal(cut.attention[0]!.length, model.info.heads * fits * fits, 'the model ran on the cut text');
      assert.equal(model.prepare('x '.repeat(2000), 8192).memoryLimit, fits, 'the WebGPU path is cut alike');
      // A short text that fits runs whole.
      const short = await model.run('x', 8192);
      assert.equal(short.memoryLimit, undefined);
      // A text cut by maxTokens below what memory allows is not a memory cut.
      const bySetting = await model.run('x '.repeat(2000), Math.floor(fits / 2));
      assert.equal(bySetting.tokens.length, Math.floor(fits / 2));
      assert.equal(bySetting.memoryLimit, undefined);
      assert.equal(bySetting.truncated, true);
      // So large that no text fits: refused before session.run would allocate anything.
      (model.info as { layers: number }).layers = 1e12;
      await assert.rejects(
        model.run('x', 8192),
        (err: unknown) => err instanceof RequestTooLargeError && /for even \d+ tokens?\b/.test(err.message) && /[Uu]se a smaller model/.test(err.message) && !/maxTokens/.test(err.message),
      );
    } finally {
      await model.dispose();
    }
  });

  it('explains onnxruntime start failures by naming the runtime files', async () => {
    assert.equal(explainRuntimeFailure('other', '/d'), 'other');
    assert.match(explainRuntimeFailure('no available backend found. ERR: [wasm] x', '/d'), /WebAssembly runtime in \/d \(ort-wasm-simd-threaded\.wasm/);
    await checkRuntimeFiles(ORT_DIST);
    await assert.rejects(checkRuntimeFiles('/nonexistent-dir'), /ort-wasm-simd-threaded\.wasm does not exist/);
  });
});
