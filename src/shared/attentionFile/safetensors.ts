/**
 * The safetensors container (https://github.com/huggingface/safetensors, "Format"): an 8-byte
 * little-endian unsigned header length N, N bytes of UTF-8 JSON
 * { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { string: string } },
 * then the tensors' bytes, row-major little-endian, offsets relative to the end of the header.
 * Only the table is read here; nothing proportional to the tensors is allocated.
 */
import { AttentionFileError } from './attentionFileError';
import { formatBytes } from './budget';
import { describe, isObject } from './header';
import type { AttentionFileLimits } from './limits';

/** Bytes per element of every dtype the safetensors format defines. */
const DTYPE_SIZES: { readonly [dtype: string]: number } = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
};

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Absolute byte offsets in the file, [begin, end). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsTable {
  readonly metadata: { readonly [key: string]: string };
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
}

/**
 * True when `bytes` starts like a safetensors file: 8 bytes of length, at least one of them a
 * control character that JSON text cannot contain, then '{'. A file cut short inside its header
 * still matches, so it is reported as truncated rather than as an unknown kind of file.
 */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 9 || bytes[8] !== 0x7b) return false;
  for (let i = 0; i < 8; i++) {
    const byte = bytes[i]!;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return true;
  }
  return false;
}

/**
 * Reads the header and checks the table: known dtypes, sizes that match shapes, and tensor data
 * that covers the rest of the file exactly, without holes or overlaps (as the format requires).
 * @throws AttentionFileError 'truncated', 'too-large', 'json', 'schema' or 'dtype'.
 */
export function readSafetensorsTable(bytes: Uint8Array, limits: AttentionFileLimits): SafetensorsTable {
  if (bytes.length > limits.maxFileBytes) {
    throw new AttentionFileError('too-large', `The file is ${formatBytes(bytes.length)}, more than the limit of ${formatBytes(limits.maxFileBytes)}.`);
  }
  if (bytes.length < 8) throw new AttentionFileError('truncated', `The file is ${bytes.length} bytes long: too short for the 8-byte safetensors header length.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const high = view.getUint32(4, true);
  const headerLength = view.getUint32(0, true);
  if (high !== 0 || headerLength > limits.maxHeaderBytes) {
    const size = high * 2 ** 32 + headerLength;
    throw new AttentionFileError('too-large', `The safetensors header claims ${formatBytes(size)}, more than the limit of ${formatBytes(limits.maxHeaderBytes)}: the file is damaged or not an attention file.`);
  }
  if (8 + headerLength > bytes.length) {
    throw new AttentionFileError('truncated', `The file ends inside its header: the header needs ${headerLength} bytes after the first 8, the file has ${bytes.length - 8}.`);
  }
  const dataStart = 8 + headerLength;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (err) {
    throw new AttentionFileError('json', `The safetensors header is not valid UTF-8 JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (!isObject(header)) throw new AttentionFileError('schema', `The safetensors header must be a JSON object, not ${describe(header)}.`);

  let metadata: { [key: string]: string } = {};
  const entries: SafetensorsEntry[] = [];
  const dataLength = bytes.length - dataStart;
  for (const name of Object.keys(header)) {
    const raw = header[name];
    if (name === '__metadata__') {
      metadata = readMetadata(raw);
      continue;
    }
    entries.push(readEntry(name, raw, dataStart, dataLength));
  }
  checkCoverage(entries, dataStart, bytes.length);
  return { metadata, tensors: new Map(entries.map((e) => [e.name, e])) };
}

function readMetadata(raw: unknown): { [key: string]: string } {
  if (!isObject(raw)) throw new AttentionFileError('schema', `__metadata__ must be an object of strings, not ${describe(raw)}.`);
  const metadata: { [key: string]: string } = Object.create(null) as { [key: string]: string };
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (typeof value !== 'string') throw new AttentionFileError('schema', `__metadata__["${key.slice(0, 40)}"] must be a string, not ${describe(value)}.`);
    metadata[key] = value;
  }
  return metadata;
}

function readEntry(name: string, raw: unknown, dataStart: number, dataLength: number): SafetensorsEntry {
  const where = `Tensor "${name.slice(0, 60)}"`;
  if (!isObject(raw)) throw new AttentionFileError('schema', `${where} must be described by { dtype, shape, data_offsets }, not ${describe(raw)}.`);
  const { dtype, shape, data_offsets: offsets } = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof dtype !== 'string') throw new AttentionFileError('schema', `${where} has no dtype.`);
  const size = Object.prototype.hasOwnProperty.call(DTYPE_SIZES, dtype) ? DTYPE_SIZES[dtype] : undefined;
  if (size === undefined) throw new AttentionFileError('dtype', `${where} has dtype ${describe(dtype)}, which safetensors does not define.`);
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d: unknown) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new AttentionFileError('schema', `${where} has shape ${describe(shape)}: expected up to 8 non-negative integers.`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o: unknown) => Number.isSafeInteger(o) && (o as number) >= 0)) {
    throw new AttentionFileError('schema', `${where} has data_offsets ${describe(offsets)}: expected [begin, end] in bytes.`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw new AttentionFileError('schema', `${where} has data_offsets [${begin}, ${end}]: begin after end.`);
  if (end > dataLength) {
    throw new AttentionFileError('truncated', `${where} ends at byte ${end} of the data, but the file has only ${dataLength} bytes of data: the file is cut short.`);
  }
  // The product stays exact: it is compared as soon as it passes the data length.
  let elements = 1;
  for (const d of shape as number[]) {
    elements *= d;
    if (elements * size > dataLength) break;
  }
  if (elements * size !== end - begin) {
    throw new AttentionFileError('shape', `${where} of shape [${(shape as number[]).join(', ')}] in ${dtype} needs ${elements * size} bytes, but its data_offsets span ${end - begin}.`);
  }
  return { name, dtype, shape: shape as number[], begin: dataStart + begin, end: dataStart + end };
}

function checkCoverage(entries: readonly SafetensorsEntry[], dataStart: number, fileEnd: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = dataStart;
  for (const entry of sorted) {
    if (entry.begin < at) throw new AttentionFileError('schema', `Tensor "${entry.name.slice(0, 60)}" overlaps the tensor before it.`);
    if (entry.begin > at) throw new AttentionFileError('schema', `There are ${entry.begin - at} unused bytes before tensor "${entry.name.slice(0, 60)}": safetensors data has no holes.`);
    at = entry.end;
  }
  if (at !== fileEnd) throw new AttentionFileError('schema', `${fileEnd - at} bytes follow the last tensor: the file is damaged or was appended to.`);
}
