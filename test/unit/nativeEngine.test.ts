// The native engine (onnxruntime-node) against the WASM one, on the real bundled model and the
// real worker thread. onnxruntime-node is an optional dependency: without it these checks skip
// and say so (the fallback checks still run).
import * as assert from 'node:assert/strict';
import { closeSync, cpSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { AttentionModel } from '../../src/inference/attentionModel';
import { skipWithoutNative } from '../reference/nativeRuntime';
import { InferenceClient } from '../../src/inference/inferenceClient';
import { InferenceEngines } from '../../src/inference/inferenceEngines';
import { HeldBytes } from '../../src/inference/heldBytes';
import { loadAttentionModel, loadNativeRuntime } from '../../src/inference/nativeEngine';
import { ensureNativeSession } from '../../src/inference/nativeSession';
import { startWorkerProcess, type WorkerHandle } from '../../src/inference/workerHandle';
import { LARGE_MODEL_BYTES } from '../../src/inference/workerMemory';
import type { InferenceOutput } from '../../src/inference/workerProtocol';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WORKER = path.join(REPO_ROOT, 'dist', 'worker.js');
const WASM_DIR = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const MODEL = { folder: path.join(REPO_ROOT, 'media', 'model'), threads: 1 };
const TINYBERT = path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'tribuo-tinybert');
// A long real input: the repository's own source, cut by the model to its 512-token context.
/** Handover folders (fileHandover.ts) of worker process `pid`. */
function foldersOf(pid: number): string[] {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  return readdirSync(base).filter((name) => name.startsWith(`attention-lens-${pid}-`));
}

const LONG_TEXT = readFileSync(path.join(REPO_ROOT, 'src', 'inference', 'attentionModel.ts'), 'utf8');

/** A client whose native workers are processes (with their malloc settings), and every process it started. */
function processClient(): { client: InferenceClient; processes: WorkerHandle[] } {
  const processes: WorkerHandle[] = [];
  const client = new InferenceClient(WORKER, path.join(REPO_ROOT, 'dist', 'ort'), undefined, {
    startNative: (workerPath, memory) => {
      const started = startWorkerProcess(workerPath, memory);
      processes.push(started);
      return started;
    },
  });
  return { client, processes };
}

function maxDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (const [i, x] of a.entries()) {
    assert.equal(x.length, b[i]!.length);
    for (let j = 0; j < x.length; j++) max = Math.max(max, Math.abs(x[j]! - b[i]![j]!));
  }
  return max;
}

function assertAgree(native: InferenceOutput, wasm: InferenceOutput): void {
  assert.deepEqual(native.tokens, wasm.tokens);
  const attention = maxDifference(native.attention, wasm.attention);
  assert.ok(attention <= 1e-5, `attention differs by ${attention}`);
  assert.equal(native.vectors?.length, wasm.vectors?.length);
  for (const [layer, v] of (native.vectors ?? []).entries()) {
    const w = wasm.vectors![layer]!;
    const diff = maxDifference([v.q, v.k, v.v, v.o], [w.q, w.k, w.v, w.o]);
    assert.ok(diff <= 1e-4, `q/k/v/o of layer ${layer} differ by ${diff}`);
  }
}

describe('native engine (onnxruntime-node)', function () {
  this.timeout(120_000);

  before(function () {
    skipWithoutNative(this);
  });

  it('gives the same attention as WASM within 1e-5 on the bundled model at 512 tokens', async () => {
    const native = await loadAttentionModel({ ...MODEL, runtime: 'native' }, WASM_DIR, REPO_ROOT);
    const wasm = await AttentionModel.load(MODEL, WASM_DIR);
    try {
      assert.equal(native.info.backend, 'native');
      assert.equal(native.info.runtimeFallback, undefined);
      assert.equal(wasm.info.backend, 'wasm');
      assert.equal(native.info.heads, wasm.info.heads);
      const [a, b] = [await native.run(LONG_TEXT, 512), await wasm.run(LONG_TEXT, 512)];
      assert.equal(a.tokens.length, 512);
      assertAgree(a, b);
    } finally {
      await native.dispose();
      await wasm.dispose();
    }
  });

  it("refuses a session onnxruntime-web made in its place, and passes onnxruntime-node's own", async function () {
    const file = path.join(MODEL.folder, 'model.onnx');
    // onnxruntime-web's own session, as its shared registry would hand out for 'cpu' had it registered first.
    const web = await ort.InferenceSession.create(readFileSync(file), { executionProviders: ['wasm'] });
    await assert.rejects(ensureNativeSession(web), /onnxruntime-web's backend answered for onnxruntime-node's/);
    const native = loadNativeRuntime(REPO_ROOT);
    assert.ok(!('reason' in native));
    const session = await native.createSession(new HeldBytes(readFileSync(file)), 1, []);
    assert.equal(await ensureNativeSession(session), session);
    await session.release();
  });

  it('creates its session from a temporary model file, removed once the session exists, and from the bytes where none can be written', async function () {
    const runtime = loadNativeRuntime(REPO_ROOT);
    if ('reason' in runtime) this.skip();
    const bytes = readFileSync(path.join(MODEL.folder, 'model.onnx'));
    const saved = process.env.TMPDIR;
    const temp = mkdtempSync(path.join(tmpdir(), 'attention-lens-native-test-'));
    try {
      process.env.TMPDIR = temp;
      const seen: string[] = [];
      const watcher = watch(temp, (_event, name) => name && seen.push(name));
      const held = new HeldBytes(new Uint8Array(bytes));
      const session = await runtime.createSession(held, 1, []);
      await new Promise((resolve) => setTimeout(resolve, 50));
      watcher.close();
      assert.ok(session.outputNames.includes('attn_0'));
      assert.throws(() => held.take(), /already handed over/, 'the bytes were taken, not kept by the holder');
      assert.ok(seen.some((name) => name.startsWith('attention-lens-model-')), `a temporary model folder was made (saw ${JSON.stringify(seen)})`);
      assert.deepEqual(readdirSync(temp), [], 'and removed');
      await session.release();
      // A folder left by a process that was killed during its load is removed by the next load.
      const left = path.join(temp, 'attention-lens-model-999999999-abc');
      mkdirSync(left);
      writeFileSync(path.join(left, 'model.onnx'), 'left behind');
      await (await runtime.createSession(new HeldBytes(new Uint8Array(bytes)), 1, [])).release();
      assert.deepEqual(readdirSync(temp), [], 'the dead process\'s folder is gone too');
      // No temporary folder can be made: the session comes from the bytes, and nothing is written.
      const missing = path.join(temp, 'missing');
      process.env.TMPDIR = missing;
      const fromBytes = await runtime.createSession(new HeldBytes(new Uint8Array(bytes)), 1, []);
      assert.ok(fromBytes.outputNames.includes('attn_0'));
      assert.equal(existsSync(missing), false, 'no folder was made');
      assert.deepEqual(readdirSync(temp), []);
      await fromBytes.release();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(temp, { recursive: true, force: true });
    }
  });

  it('gives the same attention as WASM on a third-party BERT (tribuo tinybert, attention exposed and pruned)', async function () {
    if (!existsSync(TINYBERT)) this.skip();
    const location = { folder: TINYBERT, modelFile: path.join(TINYBERT, 'tinybert.onnx'), tokenizerFile: path.join(TINYBERT, 'tinybert-tokenizer.json'), threads: 1 };
    const native = await loadAttentionModel({ ...location, runtime: 'native' }, WASM_DIR, REPO_ROOT);
    const wasm = await AttentionModel.load(location, WASM_DIR);
    try {
      assert.equal(native.info.backend, 'native');
      assertAgree(await native.run('it is a truth universally acknowledged', 64), await wasm.run('it is a truth universally acknowledged', 64));
    } finally {
      await native.dispose();
      await wasm.dispose();
    }
  });

  it('runs in the real worker thread and its tensors cross to the host', async function () {
    if (!existsSync(WORKER)) this.skip();
    const client = new InferenceClient(WORKER, path.join(REPO_ROOT, 'dist', 'ort'));
    const fallbacks: string[] = [];
    const engines = new InferenceEngines(client, { run: () => Promise.reject(new Error('no WebGPU here')) }, () => undefined, () => {}, (reason) => fallbacks.push(reason));
    try {
      const auto = await engines.run(MODEL, LONG_TEXT, 256, 'native');
      assert.equal(auto.info.backend, 'native');
      assert.deepEqual(fallbacks, []);
      const wasm = await engines.run(MODEL, LONG_TEXT, 256, 'wasm');
      assert.equal(wasm.info.backend, 'wasm');
      assertAgree(auto.output, wasm.output);
    } finally {
      client.dispose();
    }
  });

  it("leaves no handover folder behind: a worker process retired by a switch to WASM, and one disposed", async function () {
    if (!existsSync(WORKER)) this.skip();
    const processes: WorkerHandle[] = [];
    const client = new InferenceClient(WORKER, path.join(REPO_ROOT, 'dist', 'ort'), undefined, {
      startNative: (workerPath) => {
        const started = startWorkerProcess(workerPath);
        processes.push(started);
        return started;
      },
    });
    const native = { ...MODEL, runtime: 'native' as const };
    const exited = (worker: WorkerHandle) => new Promise<void>((resolve) => worker.onExit(() => resolve()));
    try {
      await client.run(native, LONG_TEXT, 128);
      const first = processes[0]!;
      assert.equal(foldersOf(first.pid!).length, 1, 'the first run made the folder');
      // A switch to a WASM model retires the first process; its folder goes when it ends.
      const firstExit = exited(first);
      await client.load(MODEL);
      await firstExit;
      assert.deepEqual(foldersOf(first.pid!), [], 'the retired process left no folder');
      await client.run(native, LONG_TEXT, 128);
      const second = processes[1]!;
      assert.equal(foldersOf(second.pid!).length, 1);
      const secondExit = exited(second);
      client.dispose();
      await secondExit;
      assert.deepEqual(foldersOf(second.pid!), [], 'the disposed process left no folder');
    } finally {
      client.dispose();
    }
  });

  it('a run computed layer by layer crosses from the worker process one file per layer, each read and deleted, with the attention of one pass', async function () {
    if (!existsSync(WORKER)) this.skip();
    const { client, processes } = processClient();
    const onePass = { ...MODEL, runtime: 'native' as const };
    // Layer by layer from the first byte of attention: the bundled model is split into 4 pieces.
    const layered = { ...onePass, layeredFromBytes: 0 };
    try {
      const a = await client.run(onePass, LONG_TEXT, 300);
      const b = await client.run(layered, LONG_TEXT, 300);
      assert.equal(b.info.backend, 'native');
      assert.equal(a.info.layered, undefined, 'a small model runs in one pass by default');
      assert.equal(b.info.layered, true);
      assert.equal(b.output.attention.length, 4);
      assert.ok(b.output.attention.every((layer) => layer.length === 4 * 300 * 300), 'every layer read back whole');
      assert.ok(maxDifference(b.output.attention, a.output.attention) <= 1e-6, `attention differs by ${maxDifference(b.output.attention, a.output.attention)}`);
      const vectors = (o: InferenceOutput) => (o.vectors ?? []).flatMap((v) => [v.q, v.k, v.v, v.o]);
      assert.equal(vectors(b.output).length, 16);
      assert.ok(maxDifference(vectors(b.output), vectors(a.output)) <= 1e-5);
      // Every layer file was deleted once read: the folder is empty.
      const pid = processes.at(-1)!.pid!;
      const [folder] = foldersOf(pid);
      assert.ok(folder, 'the process has its handover folder');
      const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
      assert.deepEqual(readdirSync(path.join(base, folder)), []);
      // And again, on the same sessions: nothing of the first layered run is reused.
      const c = await client.run(layered, 'x = [1, 2]', 300);
      assert.ok(c.output.tokens.length < 10 && c.output.attention.every((layer) => layer.length === 4 * c.output.tokens.length ** 2));
    } finally {
      client.dispose();
    }
  });

  it('a native worker process starts with the malloc setting of its model: a large model gets its own process with the fixed threshold', async function () {
    // Linux: the environment a process started with is in /proc/<pid>/environ.
    if (!existsSync(WORKER) || process.platform !== 'linux' || process.env.MALLOC_MMAP_THRESHOLD_ !== undefined || process.env.MALLOC_TRIM_THRESHOLD_ !== undefined) this.skip();
    const { client, processes } = processClient();
    // The bundled model, counted as large: beside it a sparse external data file as exporters name
    // it (onnxruntime ignores it: the model references none).
    const large = mkdtempSync(path.join(tmpdir(), 'attention-lens-large-'));
    cpSync(MODEL.folder, large, { recursive: true });
    const data = openSync(path.join(large, 'model.onnx.data'), 'w');
    ftruncateSync(data, LARGE_MODEL_BYTES);
    closeSync(data);
    const environ = (worker: WorkerHandle) => readFileSync(`/proc/${worker.pid}/environ`, 'utf8').split('\0');
    try {
      const small = await client.run({ ...MODEL, runtime: 'native' }, LONG_TEXT, 128);
      assert.equal(processes.length, 1);
      assert.ok(environ(processes[0]!).includes('MALLOC_MMAP_THRESHOLD_=33554432') && environ(processes[0]!).includes('MALLOC_TRIM_THRESHOLD_=268435456'), 'a small model keeps its freed heap');
      const big = await client.run({ folder: large, threads: 1, runtime: 'native' }, LONG_TEXT, 128);
      assert.equal(processes.length, 2, 'the large model got a process of its own');
      assert.ok(environ(processes[1]!).includes('MALLOC_MMAP_THRESHOLD_=1048576'));
      assert.equal(big.info.backend, 'native');
      assert.equal(maxDifference(big.output.attention, small.output.attention), 0, 'the same model gives the same attention');
      // Back to the small model: the setting differs again, so again a new process.
      await client.run({ ...MODEL, runtime: 'native' }, 'let x = 1;', 16);
      assert.equal(processes.length, 3);
    } finally {
      client.dispose();
      rmSync(large, { recursive: true, force: true });
    }
  });

  it('a native worker stopped mid-run exits between requests: the process lives, the run fails, the next run works', async function () {
    // Terminating a thread inside onnxruntime-node's session.run() aborts the whole process
    // (an uncaught C++ exception in its binding); if that regressed, this test process would die.
    if (!existsSync(WORKER)) this.skip();
    const client = new InferenceClient(WORKER, path.join(REPO_ROOT, 'dist', 'ort'));
    const location = { ...MODEL, runtime: 'native' as const };
    try {
      await client.run(location, LONG_TEXT, 512);
      for (const delayMs of [0, 5, 20]) {
        const pending = client.run(location, LONG_TEXT, 512);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        assert.equal(client.testHooks.terminateWorker(), true);
        await assert.rejects(pending, /inference worker stopped/);
        const next = await client.run(location, 'let x = 1;', 64);
        assert.equal(next.info.backend, 'native');
      }
      assert.equal(client.testHooks.workersStarted, 4);
    } finally {
      client.dispose();
    }
  });
});

describe('native engine: fallback to WASM', function () {
  this.timeout(60_000);

  it('runs WASM and says why when onnxruntime-node is not in the package', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'attention-lens-no-native-'));
    try {
      const reason = loadNativeRuntime(empty);
      assert.ok('reason' in reason);
      assert.match(reason.reason, /onnxruntime-node is not included for .*-.*WebAssembly only/);
      const model = await loadAttentionModel({ ...MODEL, runtime: 'native' }, WASM_DIR, empty);
      try {
        assert.equal(model.info.backend, 'wasm');
        assert.equal(model.info.runtimeFallback, reason.reason);
        assert.ok((await model.run('let x = 1;', 64)).attention.length > 0);
      } finally {
        await model.dispose();
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('reports a binary that does not load, instead of throwing', () => {
    const broken = mkdtempSync(path.join(tmpdir(), 'attention-lens-broken-native-'));
    try {
      const pkg = path.join(broken, 'native', 'node_modules', 'onnxruntime-node');
      mkdirSync(pkg, { recursive: true });
      writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'onnxruntime-node', main: 'index.js' }));
      writeFileSync(path.join(pkg, 'index.js'), "require('./bin/onnxruntime_binding.node');");
      const result = loadNativeRuntime(broken);
      assert.ok('reason' in result);
      assert.match(result.reason, /onnxruntime-node did not load on .*Cannot find module/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
