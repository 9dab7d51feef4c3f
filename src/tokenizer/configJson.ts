import { TokenizerError } from './tokenizerError';

/** A JSON object from tokenizer.json, read through the typed getters below so that a wrong field
 *  becomes a TokenizerError naming its path instead of a TypeError deep inside encoding. */
export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw invalid(path, 'an object', value);
  return value;
}

export function expectArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw invalid(path, 'an array', value);
  return value;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(path, 'a string', value);
  return value;
}

export function expectNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(path, 'a number', value);
  return value;
}

export function expectTokenId(value: unknown, path: string): number {
  const id = expectNumber(value, path);
  if (!Number.isInteger(id) || id < 0) throw invalid(path, 'a non-negative integer token id', value);
  return id;
}

/** Optional fields: tokenizer.json writes absent options as null or leaves them out. */
export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : expectString(value, path);
}

export function optionalBoolean(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw invalid(path, 'true or false', value);
  return value;
}

export function optionalNumber(value: unknown, path: string): number | undefined {
  return value === undefined || value === null ? undefined : expectNumber(value, path);
}

export function unsupported(path: string, what: string): TokenizerError {
  return new TokenizerError(
    `tokenizer.json: ${path} uses ${what}, which Attention Lens does not support. ` +
      'Supported: BPE (byte-level), WordPiece and Unigram models with the common normalizers, ' +
      'pre-tokenizers and post-processors; choose a model whose tokenizer uses those.',
  );
}

function invalid(path: string, expected: string, actual: unknown): TokenizerError {
  const shown = actual === undefined ? 'nothing' : JSON.stringify(actual)?.slice(0, 60) ?? String(actual);
  return new TokenizerError(
    `tokenizer.json is malformed: ${path} should be ${expected} but is ${shown}. ` +
      'Re-export the tokenizer with Hugging Face tokenizers (tokenizer.save) or pick another model folder.',
  );
}
