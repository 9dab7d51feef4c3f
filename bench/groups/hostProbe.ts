/**
 * Runs in its own Node process (started by groups/host.ts with --expose-gc): the extension
 * host's side of inference, InferenceClient + the worker, as the extension wires them.
 * Prints one JSON object on stdout.
 */
import { availableParallelism } from 'node:os';
import { AttentionModel } from '../../src/inference/attentionModel';
import { InferenceClient } from '../../src/inference/inferenceClient';
import { startWorkerProcess, type WorkerHandle } from '../../src/inference/workerHandle';
import { processRss } from '../lib/processMemory';
import { extensionWorkerPath } from '../lib/build';
import { bundledModelDir, ortWasmDir } from '../lib/paths';
import { fixtureText } from '../lib/tokens';
import { measureStalls } from '../lib/stalls';

const QUICK = process.env.BENCH_QUICK === '1';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
// What settings.ts picks for attentionLens.threads = 0 (the default).
const threads = Math.min(4, Math.max(1, Math.floor(availableParallelism() / 2)));
const location = { folder: bundledModelDir, threads };
const text = fixtureText(512);
const MB = 2 ** 20;

/** Settles the heap: a full collection, a pause for finalizers, another collection. */
async function settle(): Promise<void> {
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
}

/**
 * RSS growth over 100 runs on the native engine in its worker process, as the extension runs it
 * where onnxruntime-node loads: the host's growth and the worker process's, in MB; undefined
 * where the native runtime does not load here (the backend then says WASM).
 */
async function nativeGrowth(runs: number): Promise<{ hostMb: number; workerMb: number; backend: string } | undefined> {
  let child: WorkerHandle | undefined;
  const client = new InferenceClient(extensionWorkerPath, ortWasmDir, undefined, { startNative: (path, memory) => (child = startWorkerProcess(path, memory)) });
  const native = { ...location, runtime: 'native' as const };
  try {
    const info = await client.load(native);
    if (!info.backend.startsWith('native') || child?.pid === undefined) return undefined;
    const pid = child.pid;
    for (let i = 0; i < 5; i++) await client.run(native, text, 512);
    await settle();
    const host0 = process.memoryUsage().rss;
    const worker0 = processRss(pid)?.rss ?? NaN;
    for (let i = 0; i < runs; i++) await client.run(native, text, 512);
    await settle();
    const host1 = process.memoryUsage().rss;
    const worker1 = processRss(pid)?.rss ?? NaN;
    return { hostMb: (host1 - host0) / MB, workerMb: (worker1 - worker0) / MB, backend: info.backend };
  } finally {
    client.dispose();
  }
}

async function main(): Promise<void> {
  const keepAlive = setInterval(() => {}, 1000);
  const stallRuns = QUICK ? 10 : 40;
  const client = new InferenceClient(extensionWorkerPath, ortWasmDir);
  const loadStall = await measureStalls(async () => void (await client.load(location)));
  for (let i = 0; i < 5; i++) await client.run(location, text, 512);

  const runStart = performance.now();
  const worker = await measureStalls(async () => {
    for (let i = 0; i < stallRuns; i++) await client.run(location, text, 512);
  });
  const busyMs = performance.now() - runStart;
  // The noise floor: the same probe with nothing running, for as long.
  const idle = await measureStalls(() => new Promise((r) => setTimeout(r, Math.min(busyMs, 10_000))));

  await settle();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < 100; i++) await client.run(location, text, 512);
  await settle();
  const rss1 = process.memoryUsage().rss;
  const heap1 = process.memoryUsage().heapUsed;
  client.dispose();

  // Reference: the same model run on the main thread (what the worker avoids).
  const model = await AttentionModel.load(location, ortWasmDir);
  await model.run(text, 512);
  const mainThread = await measureStalls(async () => {
    for (let i = 0; i < Math.min(stallRuns, 10); i++) await model.run(text, 512);
  });
  await model.dispose();
  const native = await nativeGrowth(100);
  clearInterval(keepAlive);
  console.log(
    JSON.stringify({ threads, stallRuns, loadStall, worker, idle, mainThread, rssGrowthMb: (rss1 - rss0) / MB, heapGrowthMb: (heap1 - heap0) / MB, rssAfterMb: rss1 / MB, native }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
