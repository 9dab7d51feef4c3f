/**
 * Keeps runs that would not fit in memory from reaching onnxruntime. A run's attention alone is
 * layers x heads x T x T float32 weights: 32 layers x 32 heads at 8,192 tokens would be 275 GB.
 * AttentionModel cuts a longer text to `maxTokensWithinBudget` tokens (and says so), and refuses
 * with `noTextFits` a model for which not even its special tokens and one more would fit.
 *
 * What a run adds to what the loaded model already holds, measured with the bench's `long`
 * group (a BERT-base-size model, 12 layers x 12 heads, onnxruntime-node, 1672 and 2048 tokens;
 * BENCHMARKS.md):
 * - the attention, about three times at the peak: onnxruntime's output tensors, the JavaScript
 *   copy the worker makes of them, and the extension host's copy (ATTENTION_COPIES);
 * - onnxruntime's working memory while it computes one layer: the scores, their softmax and the
 *   masked scores, each heads x T x T float32 (WORKING_TENSORS).
 * A model that runs layer by layer (chooseSession.ts: native, attention at its context of 1 GiB or
 * more) holds the attention once, in the extension host, plus one layer several times in the
 * worker process (LAYERED_LAYER_COPIES: onnxruntime's output and its JavaScript copy, the layer's
 * file in /dev/shm, the host's read of it) beside the same working memory: measured at 2048
 * tokens on that model, the worker process peaks at 1206 MB, 650 MB above its load (one layer is
 * 201 MB), and the host holds the run's 2.4 GB.
 * The weights are not counted again: they are in memory since the load, and so already missing
 * from what the machine has available when the run starts (availableMemory). Not counted either:
 * on Linux the worker process hands the run over through a file in /dev/shm (memory, but no
 * process's RSS) for the moment the host reads it; and a run on WebGPU, which is budgeted as if
 * it ran in the worker (its GPU memory is not known here).
 */
import { freemem, totalmem } from 'node:os';
import { formatBytes } from '../shared/attentionFile/budget';

/** Copies of the attention alive at a run's peak (see the header). */
export const ATTENTION_COPIES = 3;
/** heads x T x T float32 tensors onnxruntime holds while it computes one layer. */
export const WORKING_TENSORS = 3;
/** Copies of one layer's attention a layered run holds at its peak beside the working memory (see the header). */
export const LAYERED_LAYER_COPIES = 4;
/** Layers a run kept on disk has read into memory at once: a view reading one layer in the
 *  extension host and one in the view worker. */
export const STORED_READ_LAYERS = 2;
/** Share of the memory available when a run starts that the run may take. */
export const AVAILABLE_SHARE = 0.5;
/** onnxruntime-web's WebAssembly heap: weights, activations and the attention of a run share it. */
export const WASM_HEAP_BYTES = 4 * 1024 ** 3;

export class RequestTooLargeError extends Error {
  override readonly name = 'RequestTooLargeError';
}

export interface ModelSize {
  readonly layers: number;
  readonly heads: number;
  /** Bytes of the model's weights (file plus external data). */
  readonly weightBytes?: number;
  /** True when the model runs on onnxruntime-web's WebAssembly heap (WASM_HEAP_BYTES). */
  readonly onWasmHeap?: boolean;
  /** True when the model runs layer by layer (ModelInfo.layered). */
  readonly layered?: boolean;
  /** True for a layered run kept on disk (attention/storedLayers.ts): no copy of the whole
   *  attention in memory, only layers on their way and the host's reads of one at a time. */
  readonly stored?: boolean;
}

/**
 * Bytes of memory available now, as well as the platform tells:
 * - `process.availableMemory()` where Node has it (20.13 and later): the free memory within the
 *   process's constraints, a container's cgroup limit included; else `os.freemem()`. On Linux
 *   both read the kernel's MemAvailable (page cache it can drop counts as available).
 * - On macOS both count only free pages, not the inactive and purgeable ones the system gives
 *   back on demand, and a busy Mac with plenty of memory reports a few hundred MB: there, at
 *   least half of the machine's memory is taken as available.
 */
export function availableMemory(): number {
  const reported = (process as { availableMemory?: () => number }).availableMemory?.() ?? freemem();
  return process.platform === 'darwin' ? Math.max(reported, totalmem() / 2) : reported;
}

/** Bytes of the attention outputs of one run: layers * heads * T * T float32 values. */
export function attentionBytes(model: ModelSize, tokens: number): number {
  return model.layers * model.heads * tokens * tokens * 4;
}

/** Bytes of a run of `tokens` tokens with its attention held `copies` times, plus onnxruntime's
 *  working memory for one layer (WORKING_TENSORS heads x T x T float32 tensors). */
function peakBytes(model: ModelSize, tokens: number, copies: number): number {
  return (copies * model.layers * model.heads + WORKING_TENSORS * model.heads) * tokens * tokens * 4;
}

/** Bytes a run of `tokens` tokens adds at its peak: the attention ATTENTION_COPIES times and
 *  onnxruntime's working memory for one layer; layer by layer, the attention once and one layer
 *  LAYERED_LAYER_COPIES times beside the working memory (see the header). */
export function runBytes(model: ModelSize, tokens: number): number {
  if (model.stored) return (LAYERED_LAYER_COPIES + WORKING_TENSORS + STORED_READ_LAYERS) * model.heads * tokens * tokens * 4;
  if (model.layered) return (model.layers * model.heads + (LAYERED_LAYER_COPIES + WORKING_TENSORS) * model.heads) * tokens * tokens * 4;
  return peakBytes(model, tokens, ATTENTION_COPIES);
}

/** Bytes of the WebAssembly heap a run of `tokens` tokens needs beside the weights: onnxruntime
 *  holds the attention twice there (computed, then copied out) and its working memory. */
function heapBytes(model: ModelSize, tokens: number): number {
  return peakBytes(model, tokens, 2);
}

/** The most T with bytes(T) <= room, where bytes grows as T². */
function tokensWithin(room: number, bytesOf: (tokens: number) => number): number {
  const perPair = Math.max(1, bytesOf(1));
  return Math.floor(Math.sqrt(Math.max(0, room) / perPair));
}

/** The room a run may take: AVAILABLE_SHARE of `available` bytes. */
function runRoom(available: number): number {
  return available * AVAILABLE_SHARE;
}

/** What the WebAssembly heap leaves beside the weights; Infinity off the heap. */
function heapRoom(model: ModelSize): number {
  return model.onWasmHeap ? WASM_HEAP_BYTES - (model.weightBytes ?? 0) : Infinity;
}

/**
 * The most tokens a run of `model` may have: its peak (runBytes) within AVAILABLE_SHARE of the
 * memory `available` now, and on WebAssembly within the heap the weights leave.
 * @param available bytes of memory available now (default: availableMemory()).
 */
export function maxTokensWithinBudget(model: ModelSize, available = availableMemory()): number {
  const sized = { ...model, layers: Math.max(1, model.layers), heads: Math.max(1, model.heads) };
  return Math.min(tokensWithin(runRoom(available), (t) => runBytes(sized, t)), tokensWithin(heapRoom(model), (t) => heapBytes(sized, t)));
}

/**
 * The most tokens whose attention, kept on disk, fits AVAILABLE_SHARE of `freeBytes` of free disk
 * space (storeFolder.ts freeDiskBytes).
 */
export function maxTokensOnDisk(model: ModelSize, freeBytes: number): number {
  if (freeBytes === Infinity) return Number.MAX_SAFE_INTEGER;
  return tokensWithin(freeBytes * AVAILABLE_SHARE, (t) => attentionBytes({ layers: Math.max(1, model.layers), heads: Math.max(1, model.heads) }, t));
}

/**
 * The error for a model for which a run of `tokens` tokens (its special tokens and one more) does
 * not fit: no text or setting can help, only more free memory or a smaller model. Names the
 * bound that failed: the machine's available memory or the WebAssembly heap.
 */
export function noTextFits(model: ModelSize, tokens: number, available = availableMemory()): RequestTooLargeError {
  const held = model.layered ? 'its attention, and one layer of it several times while it is computed and handed over' : `its attention, held about ${ATTENTION_COPIES} times while it is handed over`;
  const need = `A run of ${model.layers} layers x ${model.heads} heads needs about ${formatBytes(runBytes(model, tokens))} for even ${tokens} ${tokens === 1 ? 'token' : 'tokens'} ` +
    `(${held}, and onnxruntime's working memory)`;
  const inMemory = runBytes(model, tokens) <= runRoom(available);
  if (heapBytes(model, tokens) > heapRoom(model)) {
    // The native runtime has no such heap: worth suggesting only when the machine's memory would hold the run.
    return new RequestTooLargeError(
      `${need}, more than the 4 GiB WebAssembly heap leaves beside ${formatBytes(model.weightBytes ?? 0)} of weights` +
        (inMemory
          ? '. Use a smaller model, or the native runtime (attentionLens.backend: auto) where it is installed.'
          : `, and more than half of the ${formatBytes(available)} of memory available now. Use a smaller model (fewer layers or heads).`),
    );
  }
  return new RequestTooLargeError(
    `${need}, more than half of the ${formatBytes(available)} of memory available now. Close programs to free memory, or use a smaller model (fewer layers or heads).`,
  );
}
