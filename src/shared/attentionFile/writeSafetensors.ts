/**
 * Writes the binary form (docs/FORMAT.md): a safetensors file with the header JSON under
 * __metadata__["attention-lens"]. Float32 tensors are written first and the header is padded with
 * spaces to a multiple of 8 bytes, so every float32 tensor starts 4-byte aligned and can be read
 * as a Float32Array view without a copy.
 */
import { numberToFloat16 } from '../float16';
import { METADATA_KEY } from './readSafetensors';

export interface TensorToWrite {
  /** attention.{layer} [heads, T_q, T_k], or q|k|v|o.{layer} [heads, rows, dim]. */
  readonly name: string;
  readonly dtype: 'F32' | 'F16';
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * @param header the header object (format, model, tokens, source, keyTokens, keySource)
 * @returns the file's bytes
 * @throws Error when a tensor's data length does not match its shape (a caller bug).
 */
export function writeAttentionSafetensors(header: object, tensors: readonly TensorToWrite[]): Uint8Array {
  const ordered = [...tensors].sort((a, b) => (a.dtype === b.dtype ? 0 : a.dtype === 'F32' ? -1 : 1));
  const table: { [name: string]: unknown } = { __metadata__: { [METADATA_KEY]: JSON.stringify(header) } };
  let offset = 0;
  for (const tensor of ordered) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) throw new Error(`${tensor.name}: shape [${tensor.shape.join(', ')}] holds ${count} values, data has ${tensor.data.length}`);
    const size = count * (tensor.dtype === 'F32' ? 4 : 2);
    table[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let headerBytes = new TextEncoder().encode(JSON.stringify(table));
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length) headerBytes = new TextEncoder().encode(JSON.stringify(table) + ' '.repeat(padded - headerBytes.length));
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true);
  view.setUint32(4, 0, true);
  out.set(headerBytes, 8);
  let at = 8 + padded;
  for (const tensor of ordered) {
    if (tensor.dtype === 'F32') {
      for (let i = 0; i < tensor.data.length; i++, at += 4) view.setFloat32(at, tensor.data[i]!, true);
    } else {
      for (let i = 0; i < tensor.data.length; i++, at += 2) view.setUint16(at, numberToFloat16(tensor.data[i]!), true);
    }
  }
  return out;
}
