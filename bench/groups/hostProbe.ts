/**
 * Runs in its own Node process (started by groups/host.ts with --expose-gc): the extension
 * host's side of inference, InferenceClient + the worker, as the extension wires them.
 * Prints one JSON object on stdout.
 */
import { availableParallelism } from 'node:os';
import { AttentionModel } from '../../src/inference/attentionModel';
import { InferenceClient } from '../../src/inference/inferenceClient';
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

  gc();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < 100; i++) await client.run(location, text, 512);
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
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
  clearInterval(keepAlive);
  console.log(
    JSON.stringify({ threads, stallRuns, loadStall, worker, idle, mainThread, rssGrowthMb: (rss1 - rss0) / 2 ** 20, heapGrowthMb: (heap1 - heap0) / 2 ** 20, rssAfterMb: rss1 / 2 ** 20 }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
