/**
 * The inference worker thread. onnxruntime-web's session.run() blocks its thread for the whole
 * run, so it lives here, never on the extension host's main thread (shared by every extension).
 * The CLI runs the same script as a child process, which can be killed whatever it runs.
 */
import { rmSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { AttentionModel } from './attentionModel';
import { collectGarbage } from './collectGarbage';
import { loadAttentionModel } from './nativeEngine';
import { checkInferenceOutput, checkLayerAttention, UnexpectedOutputError } from './outputChecks';
import { RuntimeFilesError, checkRuntimeFiles, explainRuntimeFailure } from './runtimeFiles';
import { handoverFolder, writeHandover, writeLayerHandover, type Handover } from './fileHandover';
import type { InferenceOutput } from './runTypes';
import { shareOutput, transferables } from './sharedOutput';
import { failureOf } from './workerFailure';
import type { RequestStage, WorkerReply, WorkerRequest } from './workerProtocol';

/** The channel to the host: the worker thread's port, or the IPC channel of a child process (the CLI's, see workerHandle.ts). */
interface HostPort {
  postMessage(message: WorkerReply, transfer: ArrayBuffer[]): void;
  on(event: 'message', listener: (request: WorkerRequest) => void): void;
}

function hostPort(): HostPort {
  if (parentPort) return parentPort as HostPort;
  const send = process.send?.bind(process);
  if (!send) throw new Error('worker.js must run as a worker thread or a child process with an IPC channel');
  // A host that is gone leaves nobody to answer to: end with it.
  process.on('disconnect', () => process.exit(0));
  return {
    postMessage: (message) => void send(message),
    on: (_event, listener) => void process.on('message', (request) => listener(request as WorkerRequest)),
  };
}

const port = hostPort();
let model: Promise<AttentionModel> | undefined;
/** A worker process's folder of handover files (fileHandover.ts), made at its first run. */
let handoverDir: string | undefined;
let handovers = 0;
/**
 * A run's outputs larger than this (bytes: 1 MiB) are freed as soon as they are handed over, by a full
 * collection where the process has one to call (`--expose-gc`, as workerHandle.ts starts a worker
 * process). Otherwise V8 frees them at its next collection, which a worker whose own heap barely
 * grows may not reach for several runs: with BERT-base at 512 tokens (151 MB a run) the worker
 * process held about four runs' outputs, and with the bundled model at 512 tokens (24 MB a run,
 * under an earlier 32 MB threshold) its growth over 100 runs read 7 MB in one bench run and
 * 24 MB in the next, one run's outputs more or less (BENCHMARKS.md, `large`, `host`). The
 * collection comes after the reply, while the host reads the handover: a full collection of this
 * small heap takes a few ms, and only a request that arrives meanwhile waits for it. For a small
 * model the freed memory stays in the process's heap for the next run's buffers (workerMemory.ts).
 */
const COLLECT_AFTER_BYTES = 1024 ** 2;
let collectAfterRequest = false;
process.on('exit', () => {
  if (handoverDir) rmSync(handoverDir, { recursive: true, force: true });
});

/** `bytes` as the whole of its own ArrayBuffer (which a transfer moves): copied only when it is a
 *  view into a larger buffer (Node's pooled small Buffers). */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Uint8Array.from(bytes);
}

/** Bytes of a run's attention and q/k/v/o arrays. */
function outputBytes(output: InferenceOutput): number {
  const vectors = output.vectors?.flatMap((v) => [v.q, v.k, v.v, v.o]) ?? [];
  return [...output.attention, ...vectors].reduce((sum, a) => sum + a.byteLength, 0);
}

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function handle(request: Exclude<WorkerRequest, { kind: 'exit' }>): Promise<void> {
  // Posted before each stage starts: the host's time limit names the stage that ran out of it.
  const stage = (name: RequestStage) => reply({ kind: 'stage', requestId: request.requestId, stage: name });
  try {
    if (request.kind === 'load') {
      stage('load');
      const previous = model;
      const { wasmDir } = request;
      model = checkRuntimeFiles(wasmDir)
        .then(() => loadAttentionModel(request.model, wasmDir, __dirname))
        .catch((err: unknown) => {
          if (!(err instanceof Error)) throw err;
          const explained = explainRuntimeFailure(err.message, wasmDir);
          // onnxruntime's own failure to start is the runtime files' fault, not the model's.
          throw explained === err.message ? err : new RuntimeFilesError(explained);
        });
      const loaded = await model;
      await (await previous?.catch(() => undefined))?.dispose();
      reply({ kind: 'loaded', requestId: request.requestId, info: loaded.info });
    } else {
      if (!model) throw new Error('No model is loaded.');
      const loaded = await model;
      if (request.kind === 'prepare') {
        reply({ kind: 'prepared', requestId: request.requestId, prepared: loaded.prepare(request.text, request.maxTokens, stage) });
      } else if (request.kind === 'modelBytes') {
        // Fresh bytes of their own (derived again from the file, see engineModelBytes): transferred,
        // not copied.
        const bytes = ownBuffer(await loaded.engineModelBytes());
        reply({ kind: 'modelBytes', requestId: request.requestId, bytes }, [bytes.buffer as ArrayBuffer]);
      } else if (!parentPort && loaded.layered) {
        await runLayered(request, loaded, stage);
      } else {
        const ran = await loaded.run(request.text, request.maxTokens, stage);
        checkInferenceOutput(ran, loaded.info);
        // In a worker thread the run goes into shared memory, so the view worker reads it without
        // the host copying it; a child process (the native runtime, the CLI) writes it to a file the
        // host reads into shared memory, as its IPC channel cannot carry shared memory and copies
        // slowly; should the file fail, the arrays go over the channel.
        let output: InferenceOutput = parentPort ? shareOutput(ran) : ran;
        let handover: Handover | undefined;
        if (!parentPort) {
          try {
            handoverDir ??= handoverFolder();
            ({ output, handover } = writeHandover(ran, handoverDir, ++handovers));
          } catch {
            output = ran;
          }
        }
        reply({ kind: 'ran', requestId: request.requestId, output, ...(handover ? { handover } : {}) }, transferables(output));
        collectAfterRequest = outputBytes(ran) > COLLECT_AFTER_BYTES;
      }
    }
  } catch (err) {
    reply({ kind: 'failed', requestId: request.requestId, failure: failureOf(err) });
  }
}

/**
 * A run computed layer by layer (layeredSession.ts) in a worker process: each layer is checked,
 * written to its own file and announced (`layer`) as soon as it is computed, and its arrays are
 * garbage before the next layer's exist, so the worker never holds more than one layer's outputs;
 * the host reads each file meanwhile (InferenceClient). The reply says how many files came.
 * @throws UnexpectedOutputError as checkInferenceOutput; the file system's Error when a file
 *   cannot be written (no room in /dev/shm or in the storage folder): unlike one pass's file,
 *   there is no channel to fall back to, as a layered run's arrays are too large for it.
 */
async function runLayered(request: Extract<WorkerRequest, { kind: 'run' }>, loaded: AttentionModel, stage: (name: RequestStage) => void): Promise<void> {
  const sequence = ++handovers;
  const sizes: number[] = [];
  const { storage } = request;
  let stored: boolean | undefined;
  const ran = await loaded.run(
    request.text,
    request.maxTokens,
    stage,
    (layer, attention, vectors) => {
      // The previous layer's arrays are unreachable now: freed before this one is written.
      collectGarbage();
      const size = Math.round(Math.sqrt(attention.length / Math.max(1, loaded.info.heads)));
      checkLayerAttention(layer, attention, size, loaded.info);
      sizes.push(size);
      // A run whose attention reaches the storage's bound stays on disk, every layer of it.
      stored ??= storage !== undefined && attention.byteLength * loaded.info.layers >= storage.fromBytes;
      const folder = stored ? storage!.folder : (handoverDir ??= handoverFolder());
      const handover = writeLayerHandover(folder, stored ? `${process.pid}-${sequence}` : sequence, layer, attention, vectors);
      reply({ kind: 'layer', requestId: request.requestId, layer, handover, ...(stored ? { stored } : {}) });
    },
    storage,
  );
  if (ran.tokens.length > 0 && (sizes.length !== loaded.info.layers || sizes.some((t) => t !== ran.tokens.length))) {
    throw new UnexpectedOutputError(`The model ${loaded.info.name} returned ${sizes.length} layers of attention for ${loaded.info.layers}, over ${sizes.join('/')} tokens for ${ran.tokens.length}.`);
  }
  reply({ kind: 'ran', requestId: request.requestId, output: ran, layerFiles: sizes.length });
  collectAfterRequest = true;
}

// Requests are handled one at a time, in order: a run never overlaps a model switch.
let queue = Promise.resolve();
let busy = 0;
let exiting = false;
port.on('message', (request: WorkerRequest) => {
  if (request.kind === 'exit') {
    // Leaving from JavaScript, between requests, never from inside a native call.
    exiting = true;
    if (busy === 0) process.exit(0);
    return;
  }
  busy++;
  queue = queue.then(async () => {
    if (!exiting) await handle(request);
    // After handle() returned: its locals (the run's arrays) are unreachable now.
    if (collectAfterRequest) collectGarbage();
    collectAfterRequest = false;
    if (--busy === 0 && exiting) process.exit(0);
  });
});
