/** Float tensors of a safetensors file as Float32Array: views on the file where possible, decoded otherwise. */
import { AttentionFileError } from './attentionFileError';
import type { DecodeBudget } from './budget';
import { bfloat16ToNumber, float16ToNumber } from '../float16';
import type { SafetensorsEntry } from './safetensors';

/** The element types attention and q/k/v/o may be stored in. */
export const FLOAT_DTYPES: readonly string[] = ['F32', 'F16', 'BF16'];

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isView(bytes: Uint8Array, entry: SafetensorsEntry): boolean {
  return entry.dtype === 'F32' && LITTLE_ENDIAN_HOST && (bytes.byteOffset + entry.begin) % 4 === 0;
}

/** @throws AttentionFileError 'dtype' for anything but F32, F16 or BF16. */
export function checkFloatDtype(entry: SafetensorsEntry): void {
  if (!FLOAT_DTYPES.includes(entry.dtype)) {
    throw new AttentionFileError('dtype', `Tensor "${entry.name}" has dtype ${entry.dtype}; attention files store F32, F16 or BF16. Convert with tensor.float() before saving.`);
  }
}

/** Bytes the reader must allocate for this tensor: 0 for an aligned float32 view. */
export function decodedBytes(bytes: Uint8Array, entry: SafetensorsEntry): number {
  const elements = (entry.end - entry.begin) / (entry.dtype === 'F32' ? 4 : 2);
  return isView(bytes, entry) ? 0 : elements * 4;
}

/** The tensor's values; a view on `bytes` (no copy) for aligned float32, a new array (from `budget`) otherwise. */
export function tensorFloat32(bytes: Uint8Array, entry: SafetensorsEntry, budget: DecodeBudget): Float32Array {
  if (isView(bytes, entry)) return new Float32Array(bytes.buffer, bytes.byteOffset + entry.begin, (entry.end - entry.begin) / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset + entry.begin, entry.end - entry.begin);
  if (entry.dtype === 'F32') {
    const out = budget.float32(view.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const out = budget.float32(view.byteLength / 2);
  const decode = entry.dtype === 'F16' ? float16ToNumber : bfloat16ToNumber;
  for (let i = 0; i < out.length; i++) out[i] = decode(view.getUint16(i * 2, true));
  return out;
}
