/**
 * Reads attention files in either form (docs/FORMAT.md) into one checked, typed result.
 * Pure: no vscode, no DOM, no file system; callers pass the file's bytes.
 */
import { AttentionFileError } from './attentionFileError';
import { formatBytes } from './budget';
import { withDefaults, type AttentionFileLimits } from './limits';
import { readJsonAttention } from './readJson';
import { readSafetensorsAttention } from './readSafetensors';
import { looksLikeSafetensors } from './safetensors';
import type { AttentionFile } from './types';

export { AttentionFileError, type AttentionFileErrorKind } from './attentionFileError';
export { DEFAULT_LIMITS, ROW_SUM_TOLERANCE, type AttentionFileLimits } from './limits';
export { JSON_FORMAT } from './readJson';
export { BINARY_FORMAT, METADATA_KEY } from './readSafetensors';
export type * from './types';

/** MIME type of the JSON form in notebook outputs. */
export const JSON_MIME_TYPE = 'application/vnd.attention-lens.result+json';

export interface ReadOptions {
  /** Named at the start of every error message. */
  readonly fileName?: string;
  /** Overrides of DEFAULT_LIMITS. */
  readonly limits?: Partial<AttentionFileLimits>;
  /** Called with the size in bytes of every tensor the reader allocates (for tests and telemetry). */
  readonly onAllocate?: (bytes: number) => void;
}

function named<T>(options: ReadOptions, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof AttentionFileError && options.fileName) throw new AttentionFileError(err.kind, `${options.fileName}: ${err.message}`);
    throw err;
  }
}

function startsWithBrace(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // UTF-8 byte order mark
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x7b;
}

/** True when the text ends inside a string or with brackets still open: a JSON file cut short. */
function endsOpen(bytes: Uint8Array): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c) i++; // backslash escapes the next byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) depth++;
    else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return inString || depth > 0;
}

/**
 * Reads a whole attention file, JSON or safetensors, told apart by its first bytes.
 * @param bytes the file; float32 tensors of the binary form may stay views on its buffer, so the
 *   caller must not reuse it while the result is in use.
 * @throws AttentionFileError naming what is wrong; never returns a partly read result.
 */
export function readAttentionFile(bytes: Uint8Array, options: ReadOptions = {}): AttentionFile {
  const limits = withDefaults(options.limits);
  return named(options, () => {
    if (looksLikeSafetensors(bytes)) return readSafetensorsAttention(bytes, limits, options.onAllocate);
    if (startsWithBrace(bytes)) {
      if (bytes.length > limits.maxJsonBytes) {
        throw new AttentionFileError('too-large', `The JSON file is ${formatBytes(bytes.length)}, more than the limit of ${formatBytes(limits.maxJsonBytes)}. Save the binary form (.attention.safetensors) instead.`);
      }
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const kind = endsOpen(bytes) ? 'truncated' : 'json';
        throw new AttentionFileError(kind, `The file is not valid JSON (${message})${kind === 'truncated' ? ': it seems cut short' : ''}.`);
      }
      return readJsonAttention(value, limits, options.onAllocate);
    }
    if (bytes.length < 9) throw new AttentionFileError('truncated', `The file is ${bytes.length} bytes long: too short to be an attention file.`);
    throw new AttentionFileError(
      'unknown-form',
      'This is neither an Attention Lens JSON file (it does not start with "{") nor a safetensors file (its first 8 bytes are not a header length followed by "{"): it is damaged, cut short, or another kind of file.',
    );
  });
}

/**
 * Reads the JSON form from an already parsed value, as a notebook renderer receives it.
 * @throws AttentionFileError naming what is wrong.
 */
export function readAttentionJson(value: unknown, options: ReadOptions = {}): AttentionFile {
  return named(options, () => readJsonAttention(value, withDefaults(options.limits), options.onAllocate));
}
