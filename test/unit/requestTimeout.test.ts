// The request time limit and Cancel: a model whose ONNX Loop never ends (at load or at run), and
// a tokenizer whose split pattern backtracks without end, each stopped by the watchdog with a
// message naming the stage, through the real worker and through the CLI; after each, the next
// request runs. Assertions are on the stage and the message, never on a duration.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TIME_LIMIT_SETTING, SHOW_LOG, USE_BUNDLED_MODEL, errorActions } from '../../src/commands/errorActions';
import { CliUsageError, parseCliArgs } from '../../src/cli/cliArgs';
import { InferenceClient, InferenceError } from '../../src/inference/inferenceClient';
import { formatSeconds, timeoutMessage } from '../../src/inference/requestTimeout';
import type { FailureKind } from '../../src/inference/workerFailure';
import { startWorkerProcess, startWorkerThread } from '../../src/inference/workerHandle';
import type { ModelLocation } from '../../src/inference/workerProtocol';
import { loadTokenizer } from '../../src/tokenizer';
import { ENGLISH } from '../../src/shared/translator';
import { zhTw } from '../support/zhTwBundle';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const MODELS = path.join(REPO_ROOT, 'test', 'fixtures', 'models');
const REAL_WORKER = path.join(REPO_ROOT, 'dist', 'worker.js');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const FAKE_WORKER = path.join(REPO_ROOT, 'test', 'fixtures', 'reliability', 'fakeWorker.js');
const ORT_DIST = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const BUNDLED: ModelLocation = { folder: path.join(REPO_ROOT, 'media', 'model'), threads: 1 };
const SETTING = 'attentionLens.requestTimeoutSeconds';
/** The limit of a request that must run out of it; the others get ROOMY_MS, so that a busy machine's
 *  slow model load never runs out of time (see `client`). */
const LIMIT_MS = 2000;
const ROOMY_MS = 60_000;
/** Text of the fixture tokenizer (one token per letter and space-separated word): 6 tokens with [CLS] and [SEP]. */
const TEXT = 'a b c d';
/** A split pattern without nested unbounded quantifiers (so the static check lets it through) whose
 *  alternatives match the same text: on a run of a's not followed by c, backtracking tries 2^n ways. */
const BACKTRACKING_SPLIT = '(a|a)*c';
const BACKTRACKING_TEXT = 'a'.repeat(64);

const folders: string[] = [];

/** A model folder: one of the fixture models as model.onnx, with the fixture tokenizer (or `tokenizerJson`). */
function modelFolder(model: string, tokenizerJson?: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'attention-lens-timeout-'));
  folders.push(folder);
  copyFileSync(path.join(MODELS, model), path.join(folder, 'model.onnx'));
  if (tokenizerJson === undefined) copyFileSync(path.join(MODELS, 'tokenizer.json'), path.join(folder, 'tokenizer.json'));
  else writeFileSync(path.join(folder, 'tokenizer.json'), tokenizerJson);
  return folder;
}

/** The fixture tokenizer with a Split pre-tokenizer on BACKTRACKING_SPLIT. */
function backtrackingTokenizer(): string {
  const json = JSON.parse(readFileSync(path.join(MODELS, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
  json['pre_tokenizer'] = { type: 'Split', pattern: { Regex: BACKTRACKING_SPLIT }, behavior: 'Isolated', invert: false };
  return JSON.stringify(json);
}

async function until(probe: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An InferenceError of `kind` whose message is exactly `message` (or matches it). */
function failure(kind: FailureKind, message: string | RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof InferenceError, `not an InferenceError: ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  };
}

/** A client on the real worker whose time limit is LIMIT_MS while `limit.short`, ROOMY_MS otherwise. */
function client(limit: { short: boolean }, exits: string[] = [], start?: typeof startWorkerProcess): InferenceClient {
  return new InferenceClient(REAL_WORKER, ORT_DIST, (reason) => exits.push(reason), {
    timeoutMs: () => (limit.short ? LIMIT_MS : ROOMY_MS),
    limitName: SETTING,
    start,
  });
}

after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('request time limit: messages and actions', () => {
  it('names the stage, the time and what to change', () => {
    assert.equal(
      timeoutMessage('run', 60_000, SETTING),
      'Attention Lens stopped the model after 60 s while it was running (stage: run). Select less text, raise attentionLens.requestTimeoutSeconds, or check the model.',
    );
    assert.match(timeoutMessage('load', 1500, '--timeout'), /^Attention Lens stopped the model after 1\.5 s while it was loading \(stage: load\)\. Check the model, or raise --timeout/);
    assert.match(timeoutMessage('tokenize', 2000, SETTING), /while the tokenizer was splitting the text \(stage: tokenize\)\..*check the tokenizer/);
    assert.match(timeoutMessage('run', 2000, SETTING, true), /native runtime cannot be interrupted/);
    assert.equal(formatSeconds(250), '0.3 s');
  });

  it('is worded in the display language by the translator the host passes, keeping the time and the setting', () => {
    const message = timeoutMessage('tokenize', 2000, SETTING, true, zhTw);
    assert.match(message, /^斷詞器切分文字 2 s 仍未完成.*（階段：tokenize）。.*調高 attentionLens\.requestTimeoutSeconds.*tokenizer\.json.*原生執行階段無法中斷/);
    assert.equal(timeoutMessage('run', 60_000, SETTING, false, ENGLISH), timeoutMessage('run', 60_000, SETTING));
  });

  it('a run out of time offers the time limit setting; a cancelled run offers nothing', () => {
    assert.deepEqual(errorActions('timeout', true), [TIME_LIMIT_SETTING, USE_BUNDLED_MODEL, SHOW_LOG]);
    assert.deepEqual(errorActions('timeout', false), [TIME_LIMIT_SETTING, SHOW_LOG]);
    assert.deepEqual(errorActions('cancelled', true), []);
  });

  it('the CLI takes --timeout in seconds, above 0', () => {
    assert.equal(parseCliArgs(['a.ts', '--json', 'o']).timeoutSeconds, 60);
    assert.equal(parseCliArgs(['a.ts', '--json', 'o', '--timeout', '2.5']).timeoutSeconds, 2.5);
    for (const bad of ['0', '-1', 'soon', '', '1e9']) {
      assert.throws(() => parseCliArgs(['a.ts', '--json', 'o', '--timeout', bad]), CliUsageError, bad);
    }
  });

  it('the backtracking split pattern passes the static check: only the watchdog bounds it', () => {
    assert.doesNotThrow(() => loadTokenizer(backtrackingTokenizer()));
  });
});

describe('request time limit: the watchdog in the real worker', function () {
  this.timeout(120_000);

  before(function () {
    if (!existsSync(REAL_WORKER)) this.skip();
  });

  it('stops a model whose Loop never ends at the run stage, and the bundled model then runs', async () => {
    const exits: string[] = [];
    const limit = { short: false };
    const c = client(limit, exits);
    try {
      const location = { folder: modelFolder('endless-loop-run.onnx'), threads: 1 };
      await c.load(location);
      limit.short = true;
      await assert.rejects(c.run(location, TEXT, 64), failure('timeout', timeoutMessage('run', LIMIT_MS, SETTING)));
      limit.short = false;
      const next = await c.run(BUNDLED, 'let x = 1;', 64);
      assert.ok(next.output.tokens.length > 0);
      assert.equal(c.testHooks.workersStarted, 2, 'the stopped worker was replaced');
      await until(() => c.testHooks.liveWorkers === 1, 'the stopped worker to be gone');
      assert.deepEqual(exits, [], 'a stop by the watchdog is not reported as a crash');
    } finally {
      c.dispose();
    }
  });

  it('stops a model whose load never ends (stage: load), and the bundled model then loads', async () => {
    const limit = { short: true };
    const c = client(limit);
    try {
      const location = { folder: modelFolder('endless-loop-load.onnx'), threads: 1 };
      await assert.rejects(c.run(location, TEXT, 64), failure('timeout', timeoutMessage('load', LIMIT_MS, SETTING)));
      limit.short = false;
      assert.ok((await c.run(BUNDLED, 'let x = 1;', 64)).output.tokens.length > 0);
      await until(() => c.testHooks.liveWorkers === 1, 'the stopped worker to be gone');
    } finally {
      c.dispose();
    }
  });

  it('stops a tokenizer whose split pattern backtracks without end (stage: tokenize), and the next run works', async () => {
    const limit = { short: false };
    const c = client(limit);
    try {
      const location = { folder: modelFolder('attention-2x2.onnx', backtrackingTokenizer()), threads: 1 };
      await c.load(location);
      limit.short = true;
      await assert.rejects(c.run(location, BACKTRACKING_TEXT, 64), failure('timeout', timeoutMessage('tokenize', LIMIT_MS, SETTING)));
      limit.short = false;
      // The same model folder again: the model loads afresh, and text without the pattern's trap runs.
      const next = await c.run(location, 'bcd', 64);
      assert.ok(next.output.tokens.length > 0);
      assert.ok(next.loadMs > 0, 'the model was loaded again in the fresh worker');
    } finally {
      c.dispose();
    }
  });

  it('Cancel stops the run for real: the worker is replaced and the next run loads the model again', async () => {
    const c = new InferenceClient(REAL_WORKER, ORT_DIST);
    try {
      const location = { folder: modelFolder('endless-loop-run.onnx'), threads: 1 };
      assert.equal(c.cancel(), false, 'nothing to cancel');
      await c.load(location);
      const running = c.run(location, TEXT, 64);
      await until(() => c.testHooks.stages.includes('run'), 'the worker to start running the model');
      assert.equal(c.cancel(), true);
      await assert.rejects(running, failure('cancelled', 'The run was cancelled while it was running (stage: run).'));
      assert.equal(c.testHooks.pendingRequests, 0);
      await until(() => c.testHooks.liveWorkers === 0, 'the cancelled worker to be terminated');
      const next = await c.run(BUNDLED, 'let x = 1;', 64);
      assert.ok(next.loadMs > 0, 'the next run loaded the model in a fresh worker');
      assert.equal(c.testHooks.workersStarted, 2);
    } finally {
      c.dispose();
    }
  });

  /** Runs the endless-Loop model on onnxruntime-node until the time limit stops it, and waits for its worker to be gone. */
  async function endlessNativeRunStopped(c: InferenceClient, limit: { short: boolean }): Promise<void> {
    const location: ModelLocation = { folder: modelFolder('endless-loop-run.onnx'), threads: 1, runtime: 'native' };
    await c.load(location);
    limit.short = true;
    await assert.rejects(c.run(location, TEXT, 64), failure('timeout', timeoutMessage('run', LIMIT_MS, SETTING)));
    limit.short = false;
    await until(() => c.testHooks.liveWorkers === 0, 'the killed worker process to exit');
  }

  it('the extension runs onnxruntime-node in a child process: killed at the time limit mid-run, WASM back in a thread', async () => {
    const limit = { short: false };
    const exits: string[] = [];
    const c = client(limit, exits);
    try {
      await endlessNativeRunStopped(c, limit);
      const native = await c.run({ ...BUNDLED, runtime: 'native' }, 'let x = 1;', 64);
      assert.ok(native.info.backend.startsWith('native'), `ran on ${native.info.backend}`);
      // The same client, asked for WASM: its worker is a thread again (results in shared memory).
      const wasm = await c.run({ ...BUNDLED, runtime: 'wasm' }, 'let x = 1;', 64);
      assert.ok(wasm.info.backend.startsWith('wasm'), `ran on ${wasm.info.backend}`);
      assert.deepEqual(
        wasm.output.tokens.map((t) => t.text),
        native.output.tokens.map((t) => t.text),
      );
      // The process's run came through its handover file into shared memory, as the thread's did.
      assert.ok(native.output.attention.every((a) => a.buffer instanceof SharedArrayBuffer));
      native.output.attention.forEach((layer, l) => {
        assert.equal(layer.length, wasm.output.attention[l].length);
        layer.forEach((w, i) => assert.ok(Math.abs(w - wasm.output.attention[l][i]) < 1e-5, `layer ${l} cell ${i}: ${w} vs ${wasm.output.attention[l][i]}`));
      });
      assert.equal(c.testHooks.workersStarted, 3, 'process, process, thread');
      assert.deepEqual(exits, [], 'no crash was reported');
    } finally {
      c.dispose();
    }
  });

  it('a worker process (the CLI\'s) on onnxruntime-node is killed at the time limit, not abandoned', async () => {
    const limit = { short: false };
    const c = client(limit, [], startWorkerProcess);
    try {
      await endlessNativeRunStopped(c, limit);
      assert.ok((await c.run({ ...BUNDLED, runtime: 'native' }, 'let x = 1;', 64)).output.tokens.length > 0);
    } finally {
      c.dispose();
    }
  });
});

describe('request time limit: a worker thread on onnxruntime-node is abandoned', function () {
  this.timeout(20_000);

  // A thread inside onnxruntime-node can be neither terminated nor joined at exit, so a real one
  // stuck in an endless Loop would keep this test process from exiting: the fake worker stands in
  // for it (it never answers 'hang' and ignores the request to exit).
  it('fails the run saying the native thread was left running, and runs the next request on a fresh worker', async () => {
    const exits: string[] = [];
    const limit = { ms: ROOMY_MS };
    // A caller that runs onnxruntime-node in a thread (the extension runs it in a process).
    const c = new InferenceClient(FAKE_WORKER, 'unused', (reason) => exits.push(reason), { timeoutMs: () => limit.ms, limitName: SETTING, startNative: startWorkerThread });
    const native: ModelLocation = { folder: 'fake', threads: 1, runtime: 'native' };
    try {
      await c.load(native);
      limit.ms = 200;
      await assert.rejects(c.run(native, 'hang', 8), failure('timeout', timeoutMessage('tokenize', 200, SETTING, true)));
      limit.ms = ROOMY_MS;
      const next = await c.run(native, 'hello', 8);
      assert.equal(next.output.tokens[0].text, 'hello');
      assert.equal(c.testHooks.workersStarted, 2);
      assert.deepEqual(exits, []);
    } finally {
      c.dispose();
    }
  });
});

describe('request time limit: other requests on a stopped worker', function () {
  this.timeout(20_000);

  it('fail with a message naming the earlier request, nothing stays pending, and no crash is reported', async () => {
    const exits: string[] = [];
    const limit = { ms: ROOMY_MS };
    const c = new InferenceClient(FAKE_WORKER, 'unused', (reason) => exits.push(reason), { timeoutMs: () => limit.ms, limitName: SETTING });
    const fake: ModelLocation = { folder: 'fake', threads: 1 };
    try {
      await c.load(fake);
      limit.ms = 200;
      const first = c.run(fake, 'hang', 8);
      await until(() => c.testHooks.pendingRequests === 1, 'the first run to be sent');
      limit.ms = ROOMY_MS;
      const second = c.run(fake, 'hang', 8);
      await assert.rejects(first, failure('timeout', timeoutMessage('tokenize', 200, SETTING)));
      await assert.rejects(second, failure('timeout', 'The inference worker was stopped: an earlier request ran out of time (stage: tokenize).'));
      assert.equal(c.testHooks.pendingRequests, 0);
      assert.equal((await c.run(fake, 'next', 8)).output.tokens[0].text, 'next');
      assert.deepEqual(exits, []);
    } finally {
      c.dispose();
    }
  });
});

describe('request time limit: the CLI', function () {
  this.timeout(120_000);

  before(function () {
    if (!existsSync(CLI) || !existsSync(REAL_WORKER)) this.skip();
  });

  /** Seconds: room for a fresh process to load the tiny model on a busy machine before the run stage. */
  const CLI_LIMIT_S = 5;

  function cli(folder: string, text: string): { status: number | null; stderr: string } {
    const input = path.join(folder, 'input.txt');
    writeFileSync(input, text);
    const result = spawnSync(process.execPath, [CLI, input, '--model', folder, '--timeout', String(CLI_LIMIT_S), '--json', path.join(folder, 'out.json')], {
      encoding: 'utf8',
      // A safety net only: the CLI must end by itself long before.
      timeout: 100_000,
    });
    return { status: result.status, stderr: result.stderr };
  }

  for (const [stage, model, tokenizer, text] of [
    ['run', 'endless-loop-run.onnx', undefined, TEXT],
    ['load', 'endless-loop-load.onnx', undefined, TEXT],
    ['tokenize', 'attention-2x2.onnx', backtrackingTokenizer, BACKTRACKING_TEXT],
  ] as const) {
    it(`stops at the ${stage} stage with the message and exit status 1`, () => {
      const folder = modelFolder(model, tokenizer?.());
      const { status, stderr } = cli(folder, text);
      assert.equal(status, 1, stderr);
      assert.ok(stderr.includes(`attention-lens: ${timeoutMessage(stage, CLI_LIMIT_S * 1000, '--timeout')}`), stderr);
      assert.equal(existsSync(path.join(folder, 'out.json')), false);
    });
  }
});
