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
  if (!LITTLE_ENDIAN_HOST) {
    const decode = entry.dtype === 'F16' ? float16ToNumber : bfloat16ToNumber;
    for (let i = 0; i < out.length; i++) out[i] = decode(view.getUint16(i * 2, true));
    return out;
  }
  decodeHalves(bytes.subarray(entry.begin, entry.end), entry.dtype === 'F16' ? 'F16' : 'BF16', out);
  return out;
}

let float16Table: Float32Array | undefined;

/**
 * Every binary16 bit pattern as float32 (256 KiB, built on first use): a table lookup per value
 * instead of float16ToNumber's arithmetic, which took about half a second for the 4 Mi values of
 * a 512-token file on the extension host.
 */
function float16Values(): Float32Array {
  if (!float16Table) {
    float16Table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) float16Table[bits] = float16ToNumber(bits);
  }
  return float16Table;
}

/**
 * Decodes little-endian float16 or bfloat16 `data` into `out` (one value per 2 bytes), on a
 * little-endian host. bfloat16 is the high half of a float32, so its bits are shifted into place.
 */
export function decodeHalves(data: Uint8Array, dtype: 'F16' | 'BF16', out: Float32Array): void {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  const table = dtype === 'F16' ? float16Values() : undefined;
  if (data.byteOffset % 2 !== 0) {
    // A Uint16Array needs 2-byte alignment: read an odd offset through a DataView (no copy).
    const view = new DataView(data.buffer, data.byteOffset, out.length * 2);
    for (let i = 0; i < out.length; i++) {
      const half = view.getUint16(i * 2, true);
      if (table) out[i] = table[half];
      else bits[i] = half << 16;
    }
    return;
  }
  const halves = new Uint16Array(data.buffer, data.byteOffset, out.length);
  if (table) for (let i = 0; i < halves.length; i++) out[i] = table[halves[i]];
  else for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
}
