/**
 * A BERT-base-size model (12 layers x 12 heads, d 768: 151 MB of attention per 512-token pass)
 * through the extension's own path: InferenceClient -> the native engine in a worker process ->
 * AttentionModel (WASM in a worker thread where onnxruntime-node does not load), with the bundled
 * tokenizer (its ids fit the model's vocabulary). Latency per stage; the host's peak memory,
 * sampled every 20 ms, and the worker process's high-water mark (lib/processMemory.ts).
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceClient } from '../../src/inference/inferenceClient';
import { startWorkerProcess, type WorkerHandle } from '../../src/inference/workerHandle';
import { memorySampler, processRss } from '../lib/processMemory';
import { buildBundles, extensionWorkerPath } from '../lib/build';
import { bertModelDir, bundledModelDir, ortWasmDir } from '../lib/paths';
import { QUICK, repeats, round, skippedRow, timingRow, type Row } from '../lib/stats';
import { fixtureText } from '../lib/tokens';
import { ensureBertModel } from './inference';

const GROUP = 'large';
const MB = 2 ** 20;

export async function runLargeModel(): Promise<{ rows: Row[]; keys: Record<string, number> }> {
  const rows: Row[] = [];
  const keys: Record<string, number> = {};
  const problem = ensureBertModel();
  if (problem) return { rows: [skippedRow(GROUP, 'BERT-base size through the extension path', problem)], keys };
  if (!existsSync(join(bertModelDir, 'tokenizer.json'))) copyFileSync(join(bundledModelDir, 'tokenizer.json'), join(bertModelDir, 'tokenizer.json'));
  await buildBundles();
  const baseline = process.memoryUsage().rss;
  // The native engine runs in a worker process, as in the extension: its memory is counted too.
  let workerProcess: WorkerHandle | undefined;
  const client = new InferenceClient(extensionWorkerPath, ortWasmDir, undefined, {
    startNative: (path, memory) => (workerProcess = startWorkerProcess(path, memory)),
  });
  const worker = () => (workerProcess?.pid === undefined ? undefined : processRss(workerProcess.pid));
  // As Attention Lens runs by default: onnxruntime-node where it loads, else WASM (the row says which).
  const location = { folder: bertModelDir, threads: 2, runtime: 'native' as const };
  try {
    const loading = memorySampler();
    const t0 = performance.now();
    const info = await client.load(location);
    const loadMs = performance.now() - t0;
    const loadPeak = loading.stop();
    const loadWorker = worker();
    rows.push({
      group: GROUP,
      name: `BERT-base size (${info.layers}L x ${info.heads}H) · extension worker · ${info.backend} · 2T · model load + warm-up run`,
      value: round(loadMs, 0),
      note: `peak RSS +${round((loadPeak.rss - baseline) / MB, 0)} MB over the host's ${round(baseline / MB, 0)} MB` + (loadWorker ? `; worker process peak ${round(loadWorker.peak / MB, 0)} MB, ${round(loadWorker.rss / MB, 0)} MB after load` : ''),
    });
    if (loadWorker) keys.bert_worker_load_peak_rss_mb = round(loadWorker.peak / MB, 0);
    for (const tokens of [128, 512]) {
      const text = fixtureText(512).repeat(3);
      const running = memorySampler();
      const roundTrip: number[] = [];
      const inference: number[] = [];
      for (let i = 0; i < repeats(3, 1) + 1; i++) {
        const s = performance.now();
        const { output } = await client.run(location, text, tokens);
        if (output.tokens.length !== tokens) throw new Error(`expected ${tokens} tokens, got ${output.tokens.length}`);
        if (i === 0) continue; // warm-up
        roundTrip.push(performance.now() - s);
        inference.push(output.inferenceMs);
      }
      const peak = running.stop();
      // The worker's high-water mark covers its whole life (load included): the runs' own peak is
      // the larger of it and the load's, so a run that does not exceed the load shows as equal.
      const runWorker = worker();
      const label = `BERT-base size · extension worker · ${tokens} tok · 2T`;
      rows.push(timingRow(GROUP, `${label} · round trip (host: tokenize, run, transfer)`, roundTrip));
      rows.push(timingRow(GROUP, `${label} · inference (in worker)`, inference));
      rows.push({ group: GROUP, name: `${label} · peak RSS during runs (host)`, value: round(peak.rss / MB, 0), unit: 'MB', note: `+${round((peak.rss - baseline) / MB, 0)} MB over the host before loading; ArrayBuffers+external peak ${round(peak.external / MB, 0)} MB` });
      if (runWorker) {
        const overHost = peak.rss - baseline + runWorker.peak;
        rows.push({ group: GROUP, name: `${label} · peak RSS, host growth + worker process`, value: round(overHost / MB, 0), unit: 'MB', note: `worker process high-water mark ${round(runWorker.peak / MB, 0)} MB (load included), ${round(runWorker.rss / MB, 0)} MB after the runs` });
        keys[`bert_${tokens}_peak_rss_over_host_mb`] = round(overHost / MB, 0);
      }
      keys[`bert_extension_${tokens}_ms`] = round(roundTrip.sort((a, b) => a - b)[Math.floor(roundTrip.length / 2)], 0);
      keys[`bert_extension_${tokens}_peak_rss_mb`] = round(peak.rss / MB, 0);
    }
  } finally {
    client.dispose();
  }
  if (QUICK) rows.push(skippedRow(GROUP, 'note', 'quick run: one measured run per size'));
  return { rows, keys };
}
