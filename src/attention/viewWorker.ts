/**
 * The view worker thread: holds the latest run a view asked about (its attention in shared
 * memory, see inference/sharedOutput.ts) and answers the views' data requests with
 * shared/viewRequests.ts — the same code, and so the same bytes, as the HTML report — and writes
 * JSON exports piece by piece. Thumbnails, head scores and rollout cost layers × heads × T² (the
 * rollout T³ per layer): here they never stall the extension host. Messages are handled one at a
 * time, in order.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { resultJsonChunks } from '../shared/resultJson';
import { answerViewRequest, scoresFor, type HeldRun } from '../shared/viewRequests';
import type { LayerVectors } from '../inference/runTypes';
import { writePieces } from './jsonWriter';
import { inMemoryLayers, type AttentionLayers } from '../shared/attentionLayers';
import { storedLayers, storedVectors } from './storedLayers';
import type { ViewWorkerReply, ViewWorkerRequest } from './viewWorkerProtocol';

if (!parentPort) throw new Error('viewWorker.js must run as a worker thread');
const port = parentPort;

/** The run as its messages arrive: layers fill in one message each (or come from its files). */
interface Held extends Omit<HeldRun, 'attention'> {
  readonly layers: Float32Array[];
  readonly vectors: LayerVectors[] | undefined;
  /** The layers as the answers read them, made once complete (the answers' caches key on it). */
  attention: AttentionLayers | undefined;
}

let held: Held | undefined;

function post(reply: ViewWorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
}

/** Every non-empty ArrayBuffer a view reply carries (each is a fresh copy: see bufferOf). */
function buffersOf(reply: object): ArrayBuffer[] {
  return [...new Set(Object.values(reply).filter((v): v is ArrayBuffer => v instanceof ArrayBuffer && v.byteLength > 0))];
}

/** The held run when it is `runId` and complete. */
function heldRun(runId: number): HeldRun | undefined {
  if (held?.runId !== runId) return undefined;
  if (!held.attention) {
    // A plain loop: every() would skip the holes of layers not received yet.
    for (let l = 0; l < held.layers.length; l++) if (held.layers[l] === undefined) return undefined;
    held.attention = inMemoryLayers(held.layers, held.tokens.length);
  }
  return { ...held, attention: held.attention };
}

function exportJson(run: HeldRun, request: Extract<ViewWorkerRequest, { kind: 'exportJson' }>): void {
  const pieces = resultJsonChunks({ ...request.input, attention: run.attention });
  if (request.path === undefined) {
    const parts: Uint8Array[] = [];
    const stats = writePieces(pieces, (bytes) => parts.push(bytes));
    const bytes = new Uint8Array(stats.bytes);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.byteLength;
    }
    post({ kind: 'exported', requestId: request.requestId, written: stats.bytes, bytes }, [bytes.buffer]);
    return;
  }
  // Written beside the target and renamed over it when complete: the file never appears (or
  // replaces the one there) half-written.
  const partial = join(dirname(request.path), `.${basename(request.path)}.${process.pid}-${request.requestId}.partial`);
  const fd = openSync(partial, 'w');
  let open = true;
  let stats;
  try {
    stats = writePieces(pieces, (bytes) => {
      for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done);
    });
    open = false;
    closeSync(fd);
    renameSync(partial, request.path);
  } catch (error) {
    if (open) closeSync(fd);
    try {
      unlinkSync(partial);
    } catch {
      // already gone
    }
    throw error;
  }
  post({ kind: 'exported', requestId: request.requestId, written: stats.bytes, bytes: undefined });
}

function handle(request: ViewWorkerRequest): void {
  switch (request.kind) {
    case 'hold':
      held = {
        runId: request.runId,
        tokens: request.tokens,
        causal: request.causal,
        layers: new Array<Float32Array>(request.stored ? 0 : request.layers),
        vectors: request.stored ? storedVectors(request.stored) : request.hasVectors ? new Array<LayerVectors>(request.layers) : undefined,
        attention: request.stored ? storedLayers(request.stored) : undefined,
      };
      post({ kind: 'held', requestId: request.requestId });
      return;
    case 'release':
      held = undefined;
      return;
    case 'layer':
      if (held?.runId !== request.runId) return;
      held.layers[request.index] = request.attention;
      if (held.vectors && request.vectors) held.vectors[request.index] = request.vectors;
      return;
    case 'answer': {
      const run = heldRun(request.request.runId);
      const reply = run && answerViewRequest(run, request.request);
      post({ kind: 'answered', requestId: request.requestId, reply }, reply ? buffersOf(reply) : []);
      return;
    }
    case 'scores': {
      const run = heldRun(request.runId);
      // A copy: the cached scores stay with the run for the next thumbnails.
      const scores = run && scoresFor(run).slice();
      post({ kind: 'scores', requestId: request.requestId, scores }, scores ? [scores.buffer] : []);
      return;
    }
    case 'exportJson': {
      const run = heldRun(request.runId);
      if (!run) throw new Error('that result is no longer held; run Show Attention again to export it.');
      exportJson(run, request);
      return;
    }
  }
}

port.on('message', (request: ViewWorkerRequest) => {
  try {
    handle(request);
  } catch (error) {
    post({ kind: 'failed', requestId: request.requestId, message: error instanceof Error ? error.message : String(error) });
  }
});
