/**
 * A worker_threads worker that times raw onnxruntime-web (WASM) runs on given input ids, set up
 * as src/inference/attentionModel.ts sets it up (wasm EP, graphOptimizationLevel 'all',
 * explicit wasmPaths, numThreads), so runtimes can be compared on identical ids. Variants
 * (optimisation level, which outputs are fetched) let the benchmark look for cheap wins.
 * The timing loop runs inside the worker: messaging is not part of these figures.
 */
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import type { OrtWebReply, OrtWebRequest } from './ortWebProtocol';

const port = parentPort!;
let session: ort.InferenceSession | undefined;

async function handle(request: OrtWebRequest): Promise<OrtWebReply> {
  if (request.kind === 'load') {
    ort.env.wasm.wasmPaths = pathToFileURL(request.wasmDir.endsWith(sep) ? request.wasmDir : request.wasmDir + sep).href;
    ort.env.wasm.numThreads = request.threads;
    ort.env.logLevel = 'error';
    const t0 = performance.now();
    session = await ort.InferenceSession.create(readFileSync(request.modelPath), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: request.graphOptimizationLevel,
    });
    return { kind: 'loaded', loadMs: performance.now() - t0, outputNames: [...session.outputNames] };
  }
  if (!session) throw new Error('no session');
  const data = BigInt64Array.from(request.ids, (id) => BigInt(id));
  const times: number[] = [];
  for (let i = 0; i < request.warmup + request.repeats; i++) {
    const t0 = performance.now();
    const feeds = { input_ids: new ort.Tensor('int64', data, [1, data.length]) };
    const results = await session.run(feeds, request.outputs);
    // Read every output as the extension does (it transfers the buffers), then free them.
    let checksum = 0;
    for (const name of request.outputs) {
      const out = results[name].data as Float32Array;
      checksum += out[out.length - 1];
      results[name].dispose();
    }
    feeds.input_ids.dispose();
    if (i >= request.warmup) times.push(performance.now() - t0);
    if (!Number.isFinite(checksum)) throw new Error('non-finite output');
  }
  return { kind: 'ran', times };
}

port.on('message', (request: OrtWebRequest) => {
  handle(request).then(
    (reply) => port.postMessage(reply),
    (err: unknown) => port.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
  );
});
