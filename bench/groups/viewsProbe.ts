/**
 * Runs in its own Node process (started by groups/views.ts), one measurement per process so the
 * peak RSS of one does not hide the next:
 *   stall <T> <n>      the longest main-thread gap while every view's data requests for a
 *                      12 x 12 run of T tokens are answered: on the main thread as before
 *                      (shared/viewRequests.ts called directly), and through the view worker.
 *   export-before <T>  JSON export as before: the whole string built, encoded and written.
 *   export-after <T>   JSON export through the view worker, streamed to the file.
 *   share <T>          the inference worker's copy of a run's attention into shared memory.
 * The run is synthetic (softmax rows of seeded random logits, q/k/v/o of d_k 64), held in
 * SharedArrayBuffers as the inference worker hands runs over. Prints one JSON object on stdout.
 */
import { everyLayer, inMemoryLayers } from '../../src/shared/attentionLayers';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttentionRun } from '../../src/attention/attentionRun';
import { ViewWorkerClient } from '../../src/attention/viewWorkerClient';
import { MessageType, type ViewRequest } from '../../src/shared/protocol';
import { shareOutput } from '../../src/inference/sharedOutput';
import { resultToJson } from '../../src/shared/resultJson';
import { seededRandom } from '../../src/shared/seededRandom';
import { answerViewRequest } from '../../src/shared/viewRequests';
import { heldRun } from '../../src/attention/attentionRun';
import { viewWorkerPath } from '../lib/build';
import { measureStalls } from '../lib/stalls';

const LAYERS = 12;
const HEADS = 12;
const HEAD_DIM = 64;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

/** A 12 x 12 run of `size` tokens: [head][query][key] softmax rows per layer, q/k/v/o per layer. */
function syntheticRun(size: number): AttentionRun {
  const random = seededRandom(size);
  const attention = Array.from({ length: LAYERS }, () => {
    const layer = sharedFloats(HEADS * size * size);
    for (let row = 0; row < HEADS * size; row++) {
      const at = row * size;
      let sum = 0;
      for (let k = 0; k < size; k++) sum += layer[at + k] = Math.exp(4 * random());
      for (let k = 0; k < size; k++) layer[at + k] /= sum;
    }
    return layer;
  });
  const vector = () => {
    const v = sharedFloats(HEADS * size * HEAD_DIM);
    for (let i = 0; i < v.length; i++) v[i] = random() - 0.5;
    return v;
  };
  const vectors = attention.map(() => ({ q: vector(), k: vector(), v: vector(), o: vector(), headDim: HEAD_DIM }));
  const tokens = Array.from({ length: size }, (_, i) => ({ text: ` t${i}`, id: i, special: i === 0 || i === size - 1, start: i * 4, end: i * 4 + 4 }));
  return {
    runId: 1,
    documentUri: 'file:///bench.ts',
    documentVersion: 1,
    baseOffset: 0,
    text: tokens.map((t) => t.text.padEnd(4)).join(''),
    tokens,
    attention: inMemoryLayers(attention, size),
    vectors,
    model: { name: 'synthetic 12x12', layers: LAYERS, heads: HEADS, context: size, causal: false, vocabSize: size, backend: 'none', loadMs: 0 },
    truncated: false,
    source: 'bench',
    timings: { tokenize: 0, inference: 0, load: 0, transfer: 0, total: 0 },
  };
}

/** What the panel asks for with every view open: thumbnails and scores, rollout, aggregates, a query's math. */
function viewRequests(run: AttentionRun): ViewRequest[] {
  const { runId } = run;
  const last = LAYERS - 1;
  return [
    { type: MessageType.RequestThumbnails, requestId: 1, runId, side: 64, pool: 'max', sinks: { first: false, special: false } },
    { type: MessageType.RequestRollout, exact: true, requestId: 2, runId, layer: last },
    { type: MessageType.RequestMatrix, exact: true, requestId: 3, runId, selector: { layer: last, head: 'mean' } },
    { type: MessageType.RequestMatrix, exact: true, requestId: 4, runId, selector: { layer: 0, head: 'max' } },
    { type: MessageType.RequestQueryMath, requestId: 5, runId, layer: last, head: 0, query: run.tokens.length - 1 },
  ];
}

const nextTask = () => new Promise((r) => setImmediate(r));
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

function exportInput(run: AttentionRun) {
  return { source: { file: 'bench.ts', startOffset: 0, text: run.text }, tokens: run.tokens, model: run.model };
}

async function main(): Promise<void> {
  const keepAlive = setInterval(() => {}, 1000);
  const [mode, sizeArg] = process.argv.slice(2);
  const size = Number(sizeArg);
  const run = syntheticRun(size);
  gc();
  const dir = mkdtempSync(join(tmpdir(), 'attention-lens-bench-'));
  const file = join(dir, 'run.json');
  const client = new ViewWorkerClient(viewWorkerPath);
  try {
    if (mode === 'stall') {
      const requests = viewRequests(run);
      // The worker first, so its thread is not measured with the host's caches already warm; a
      // fresh worker each time (nothing cached), several times: one gap can be the scheduler's.
      const after: { maxGap: number; ms: number }[] = [];
      for (let i = 0; i < Number(process.argv[4] ?? 1); i++) {
        const fresh = new ViewWorkerClient(viewWorkerPath);
        after.push(
          await measureStalls(async () => {
            const replies = await Promise.all(requests.map((r) => fresh.answer(run, r)));
            if (replies.some((r) => !r)) throw new Error('the view worker left a request unanswered');
          }),
        );
        fresh.dispose();
      }
      const before = await measureStalls(async () => {
        // As the backend did: each message answered on the main thread when it arrives.
        for (const request of requests) {
          await nextTask();
          if (!answerViewRequest(heldRun(run), request)) throw new Error('unanswered');
        }
      });
      // The noise floor: the same probe with nothing running, for as long as one worker pass.
      const idle = await measureStalls(() => new Promise((r) => setTimeout(r, Math.min(after[0].ms, 20_000))));
      console.log(JSON.stringify({ size, before, after, idle }));
    } else if (mode === 'share') {
      // What the inference worker pays once per run to hand it over in shared memory.
      const plain = { tokens: [...run.tokens], truncated: false, tokenizeMs: 0, inferenceMs: 0, attention: everyLayer(run.attention).map((a) => Float32Array.from(a)), vectors: undefined };
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        shareOutput(plain);
        times.push(performance.now() - started);
        gc();
      }
      console.log(JSON.stringify({ size, times, bytes: everyLayer(run.attention).reduce((n, a) => n + a.byteLength, 0) }));
    } else {
      const rssBefore = peakRssMb();
      const measured = await measureStalls(async () => {
        if (mode === 'export-before') writeFileSync(file, new TextEncoder().encode(JSON.stringify(resultToJson({ ...exportInput(run), attention: run.attention }))));
        else await client.exportJson(run, exportInput(run), file);
      });
      console.log(JSON.stringify({ size, mode, peakGrowthMb: peakRssMb() - rssBefore, peakRssMb: peakRssMb(), bytes: statSync(file).size, ...measured }));
    }
  } finally {
    client.dispose();
    rmSync(dir, { recursive: true, force: true });
    clearInterval(keepAlive);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
