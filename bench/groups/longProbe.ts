/**
 * Runs in its own Node process (started by groups/long.ts), so that the kernel's high-water mark
 * of its resident memory (`VmHWM`) is this one measurement's alone. Prints one JSON object.
 *
 *   longProbe.ts extension MODEL_DIR TOKENS   Attention Lens's worker path (native engine in a
 *                                             worker process): the run (and how many tokens it
 *                                             kept), or why it was refused
 *   longProbe.ts layers MODEL_DIR TOKENS N     onnxruntime-node alone, one forward pass that
 *                                             fetches the attention of the last N layers
 *   longProbe.ts cut MODEL_DIR TOKENS N        the same with the graph cut to those N outputs
 *                                             (onnx/pruneGraph.ts); the JavaScript copies of the
 *                                             model are collected before the pass (--expose-gc)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceClient } from '../../src/inference/inferenceClient';
import { availableMemory } from '../../src/inference/requestBudget';
import { startWorkerProcess, type WorkerHandle } from '../../src/inference/workerHandle';
import { extensionWorkerPath } from '../lib/build';
import { pruneGraph } from '../../src/onnx/pruneGraph';
import { loadOrtNode } from '../lib/ortNode';
import { ortWasmDir } from '../lib/paths';
import { processRss } from '../lib/processMemory';
import { inMemoryLayers } from '../../src/shared/attentionLayers';
import { selectedMatrix } from '../../src/shared/attentionMath';
import { storedLayers, storedVectors } from '../../src/attention/storedLayers';
import { answerViewRequest, type HeldRun } from '../../src/shared/viewRequests';
import { MessageType, type ViewRequest } from '../../src/shared/protocol';
import type { InferenceOutput } from '../../src/inference/workerProtocol';

const MB = 2 ** 20;
const [mode, modelDir, tokensArg, layersArg] = process.argv.slice(2);
const tokens = Number(tokensArg);

/** `count` token ids spread over the vocabulary, the same on every run. */
function ids(count: number, vocab: number): BigInt64Array {
  return BigInt64Array.from({ length: count }, (_, i) => BigInt((i * 7919 + 13) % vocab));
}

async function extension(): Promise<object> {
  let child: WorkerHandle | undefined;
  const client = new InferenceClient(extensionWorkerPath, ortWasmDir, undefined, { startNative: (path, memory) => (child = startWorkerProcess(path, memory)) });
  const location = { folder: modelDir!, threads: 2, runtime: 'native' as const };
  const text = readFileSync(join(__dirname, '..', '..', 'src', 'inference', 'attentionModel.ts'), 'utf8').repeat(4);
  try {
    await client.load(location);
    // What the memory budget reads when the run starts (requestBudget.ts): how many tokens it keeps depends on it.
    const availableMb = availableMemory() / MB;
    const started = performance.now();
    const { output, info } = await client.run(location, text, tokens);
    const ms = performance.now() - started;
    const worker = child?.pid === undefined ? undefined : processRss(child.pid);
    // Every view's data, as the panel and the view worker ask for it (both in the host process).
    const viewsStarted = performance.now();
    const answered = answerViews(output, info.causal);
    const viewsMs = performance.now() - viewsStarted;
    // What the extension host's own thread does with such a run: the editor reads the shown
    // head's matrix, or a layer's mean over heads, from the files.
    const attention = output.stored ? storedLayers(output.stored) : inMemoryLayers(output.attention, output.tokens.length);
    const headStarted = performance.now();
    selectedMatrix(attention, output.tokens.length, { layer: 11, head: 5 });
    const hostHeadMs = performance.now() - headStarted;
    const meanStarted = performance.now();
    selectedMatrix(attention, output.tokens.length, { layer: 11, head: 'mean' });
    const hostMeanMs = performance.now() - meanStarted;
    const host = processRss(process.pid);
    return { ran: true, tokens: output.tokens.length, layered: info.layered === true, stored: output.stored !== undefined, answered, viewsMs, hostHeadMs, hostMeanMs, availableMb, ms, hostPeakMb: host ? host.peak / MB : null, workerPeakMb: worker ? worker.peak / MB : null };
  } catch (err) {
    return { ran: false, reason: (err as Error).message };
  } finally {
    client.dispose();
  }
}

/**
 * Asks a finished run for what every view draws and reads: the shown head's matrix (compact and
 * exact), a hovered token's weights, the Model view's thumbnails with every head's scores, the
 * Math view's query, and the rollout through layer 1 (each further layer is T³ more work, as in
 * memory). Returns how many answers came back.
 */
function answerViews(output: InferenceOutput, causal: boolean): number {
  const size = output.tokens.length;
  const attention = output.stored ? storedLayers(output.stored) : inMemoryLayers(output.attention, size);
  const vectors = output.stored ? storedVectors(output.stored) : output.vectors;
  const run: HeldRun = { runId: 1, tokens: output.tokens, attention, vectors, causal };
  const selector = { layer: 11, head: 5 };
  const sinks = { first: true, special: false };
  const requests: ViewRequest[] = [
    { type: MessageType.RequestMatrix, requestId: 1, runId: 1, selector, exact: false },
    { type: MessageType.RequestMatrix, requestId: 2, runId: 1, selector, exact: true },
    { type: MessageType.RequestMatrix, requestId: 3, runId: 1, selector: { layer: 6, head: 'mean' }, exact: false },
    { type: MessageType.RequestWeights, requestId: 4, runId: 1, selector, indices: [size - 1], direction: 'to', mode: 'sum', sinks, rollout: false },
    { type: MessageType.RequestThumbnails, requestId: 5, runId: 1, side: 32, pool: 'max', sinks },
    { type: MessageType.RequestQueryMath, requestId: 6, runId: 1, layer: 11, head: 5, query: size - 1 },
    { type: MessageType.RequestRollout, requestId: 7, runId: 1, layer: 1, exact: false },
  ];
  return requests.filter((request) => answerViewRequest(run, request) !== undefined).length;
}

async function layers(count: number, cut: boolean): Promise<object> {
  const loaded = loadOrtNode();
  if ('note' in loaded) return { ran: false, reason: loaded.note };
  const { ort } = loaded;
  const config = JSON.parse(readFileSync(join(modelDir!, 'config.json'), 'utf8')) as { config: { vocab: number; layers: number } };
  const attention = Array.from({ length: config.config.layers }, (_, l) => `attn_${l}`);
  const fetches = attention.slice(-count);
  const options = { intraOpNumThreads: 2, interOpNumThreads: 1, executionMode: 'sequential' as const, graphOptimizationLevel: 'all' as const };
  const session = cut
    ? await ort.InferenceSession.create(pruneGraph(readFileSync(join(modelDir!, 'model.onnx')), fetches).modelBytes, options)
    : await ort.InferenceSession.create(join(modelDir!, 'model.onnx'), options);
  // The file's bytes and the cut copy (cut only) are garbage now: not onnxruntime's memory.
  (globalThis as { gc?: () => void }).gc?.();
  const loadedMb = (processRss(process.pid)?.peak ?? NaN) / MB;
  const feeds = { input_ids: new ort.Tensor('int64', ids(tokens, config.config.vocab), [1, tokens]) };
  const started = performance.now();
  const results = await session.run(feeds, fetches);
  const ms = performance.now() - started;
  const attentionMb = Object.values(results).reduce((n, t) => n + (t.data as Float32Array).byteLength, 0) / MB;
  const peak = (processRss(process.pid)?.peak ?? NaN) / MB;
  await session.release();
  return { ran: true, layers: fetches.length, ms, loadPeakMb: loadedMb, peakMb: peak, attentionMb };
}

async function main(): Promise<void> {
  const keepAlive = setInterval(() => {}, 1000);
  const result = mode === 'extension' ? await extension() : await layers(Number(layersArg), mode === 'cut');
  clearInterval(keepAlive);
  console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
