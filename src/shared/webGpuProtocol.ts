/**
 * The messages of a model run on WebGPU inside the panel webview: the host sends the input
 * tensors (and, the first time, the runtime and the model), the webview answers with the output
 * tensors or with the reason it could not run them. Part of the one host <-> webview protocol
 * (protocol.ts); the webview's replies are validated here before the host reads them.
 */
import { MessageType } from './protocol';

/** Tensor element types that cross the boundary: integer inputs, float32 outputs. */
export type WebGpuTensorType = 'int64' | 'int32' | 'float32';

/** A tensor as raw bytes: `data` holds exactly the product of `dims` elements of `type`. */
export interface WebGpuTensor {
  readonly name: string;
  readonly type: WebGpuTensorType;
  readonly dims: readonly number[];
  readonly data: ArrayBuffer;
}

/** Run the model on WebGPU. `runtime` and `model` are sent only when the webview lacks them. */
export interface RunOnWebGpuMessage {
  readonly type: MessageType.RunOnWebGpu;
  readonly requestId: number;
  /** The webview URI of dist/webgpu.js: loaded on the first run, so the default path stays small. */
  readonly script: string;
  /** onnxruntime's WebGPU build of its wasm binary. */
  readonly runtime?: ArrayBuffer;
  /** Names one loaded model; a different key means a different model. */
  readonly modelKey: string;
  /** The ONNX bytes for `modelKey`, attention outputs exposed. */
  readonly model?: ArrayBuffer;
  readonly feeds: readonly WebGpuTensor[];
  readonly outputs: readonly string[];
}

/** The outputs of a run on WebGPU, in the order asked for. */
export interface WebGpuResultMessage {
  readonly type: MessageType.WebGpuResult;
  readonly requestId: number;
  readonly outputs: readonly WebGpuTensor[];
  /** The adapter that ran it, as the browser describes it. */
  readonly adapter: string;
  /** Creating the session, when this run had to; else 0. */
  readonly sessionMs: number;
  readonly runMs: number;
}

/** The webview could not run the model; `needs` asks for what it lacks and the host may retry. */
export interface WebGpuFailedMessage {
  readonly type: MessageType.WebGpuFailed;
  readonly requestId: number;
  readonly reason: string;
  readonly needs?: 'runtime' | 'model';
}

export type WebGpuReply = WebGpuResultMessage | WebGpuFailedMessage;

const MAX_OUTPUTS = 4096;
const MAX_DIMS = 8;
const MAX_NAME = 256;
const MAX_REASON = 2000;
const ELEMENT_BYTES: Record<WebGpuTensorType, number> = { int64: 8, int32: 4, float32: 4 };

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 31;
}

function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A float32 output tensor whose bytes match its shape, or undefined. */
function parseOutputTensor(value: unknown): WebGpuTensor | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, type, dims, data } = value as Record<string, unknown>;
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME || type !== 'float32') return undefined;
  if (!Array.isArray(dims) || dims.length > MAX_DIMS || !dims.every(isCount)) return undefined;
  if (!(data instanceof ArrayBuffer)) return undefined;
  const elements = (dims as number[]).reduce((a, b) => a * b, 1);
  if (data.byteLength !== elements * ELEMENT_BYTES.float32) return undefined;
  return { name, type, dims: [...(dims as number[])], data };
}

/** Validates a WebGPU reply from the webview; anything malformed yields undefined. */
export function parseWebGpuReply(msg: Record<string, unknown>): WebGpuReply | undefined {
  if (!isCount(msg.requestId)) return undefined;
  if (msg.type === MessageType.WebGpuFailed) {
    if (typeof msg.reason !== 'string') return undefined;
    const needs = msg.needs === 'runtime' || msg.needs === 'model' ? msg.needs : undefined;
    return { type: MessageType.WebGpuFailed, requestId: msg.requestId, reason: msg.reason.slice(0, MAX_REASON), ...(needs ? { needs } : {}) };
  }
  if (msg.type !== MessageType.WebGpuResult) return undefined;
  if (!Array.isArray(msg.outputs) || msg.outputs.length > MAX_OUTPUTS) return undefined;
  const outputs = msg.outputs.map(parseOutputTensor);
  if (!outputs.every((t) => t !== undefined)) return undefined;
  if (typeof msg.adapter !== 'string' || !isDuration(msg.sessionMs) || !isDuration(msg.runMs)) return undefined;
  return {
    type: MessageType.WebGpuResult,
    requestId: msg.requestId,
    outputs: outputs as WebGpuTensor[],
    adapter: msg.adapter.slice(0, MAX_NAME),
    sessionMs: msg.sessionMs,
    runMs: msg.runMs,
  };
}

/** The bytes of a typed array as a standalone ArrayBuffer (a view may share a larger buffer). */
export function tensorBytes(data: ArrayBufferView): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

/** Reads a tensor's bytes as the typed array its type names. */
export function typedData(tensor: Pick<WebGpuTensor, 'type' | 'data'>): BigInt64Array | Int32Array | Float32Array {
  if (tensor.type === 'int64') return new BigInt64Array(tensor.data);
  if (tensor.type === 'int32') return new Int32Array(tensor.data);
  return new Float32Array(tensor.data);
}
