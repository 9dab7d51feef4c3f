/**
 * Binary payloads of messages: matrices and tensors travel as standalone ArrayBuffers (a typed
 * array may view a larger buffer, and structured cloning may hand back a view instead of the
 * buffer that was sent).
 */
import { decodeSqrt16, decodeSqrt16Lower, encodeSqrt16, encodeSqrt16Lower, type MatrixEncoding } from '../compactMatrix';
import type { ShowMatrixMessage } from './messages';
import type { WebGpuTensor } from './webGpuMessages';

/** The bytes of a message field: an ArrayBuffer, or (after structured cloning) a view on one. */
export function arrayBufferFrom(data: unknown): ArrayBuffer | undefined {
  if (data instanceof ArrayBuffer) return data;
  if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return undefined;
}

/** Read a Float32 buffer from a message; undefined unless it holds exactly `length` floats. */
export function floatsFromBuffer(data: unknown, length: number): Float32Array | undefined {
  const bytes = arrayBufferFrom(data);
  return bytes && bytes.byteLength === length * 4 ? new Float32Array(bytes) : undefined;
}

/** Copy a typed array's bytes into a standalone, unshared ArrayBuffer (a view may share a larger buffer). */
export function bufferOf(data: ArrayBufferView): ArrayBuffer {
  // Always a plain ArrayBuffer: slicing a SharedArrayBuffer (attention shared with the view
  // worker) would give another shared one, which a webview message cannot carry.
  const out = new Uint8Array(data.byteLength);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return out.buffer;
}

/**
 * Read the T x T matrix of a ShowMatrix message as float32 (sqrt16 codes decoded); undefined when
 * its bytes are not the values its encoding gives for size x size.
 */
export function matrixFromMessage(message: Pick<ShowMatrixMessage, 'data' | 'size' | 'encoding'>): Float32Array | undefined {
  const cells = message.size * message.size;
  if (message.encoding === 'float32') return floatsFromBuffer(message.data, cells);
  const bytes = arrayBufferFrom(message.data);
  if (!bytes || bytes.byteLength % 2 !== 0) return undefined;
  if (message.encoding === 'sqrt16-lower') return decodeSqrt16Lower(new Uint16Array(bytes), message.size);
  if (message.encoding !== 'sqrt16') return undefined;
  return bytes.byteLength === cells * 2 ? decodeSqrt16(new Uint16Array(bytes)) : undefined;
}

/**
 * A matrix's bytes for a ShowMatrix message: exact float32, or (for drawing) sqrt16 codes when
 * every value is a weight in [0, 1], of the lower triangle only when the matrix is causal (zero
 * above the diagonal). Always a standalone buffer (see bufferOf).
 */
export function matrixPayload(matrix: Float32Array, exact: boolean): { readonly data: ArrayBuffer; readonly encoding: MatrixEncoding } {
  if (exact) return { data: bufferOf(matrix), encoding: 'float32' };
  const size = Math.round(Math.sqrt(matrix.length));
  const lower = size * size === matrix.length ? encodeSqrt16Lower(matrix, size) : undefined;
  if (lower) return { data: lower.buffer as ArrayBuffer, encoding: 'sqrt16-lower' };
  const codes = encodeSqrt16(matrix);
  return codes ? { data: codes.buffer as ArrayBuffer, encoding: 'sqrt16' } : { data: bufferOf(matrix), encoding: 'float32' };
}

/** Reads a tensor's bytes as the typed array its type names. */
export function typedData(tensor: Pick<WebGpuTensor, 'type' | 'data'>): BigInt64Array | Int32Array | Float32Array {
  if (tensor.type === 'int64') return new BigInt64Array(tensor.data);
  if (tensor.type === 'int32') return new Int32Array(tensor.data);
  return new Float32Array(tensor.data);
}
