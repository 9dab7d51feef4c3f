/**
 * The part both forms share (docs/FORMAT.md, "Header"): the model, and the token lists with their
 * sources. In the JSON form these are top-level fields; in the binary form they are the JSON text
 * stored under __metadata__["attention-lens"].
 */
import { AttentionFileError } from './attentionFileError';
import type { AttentionFileLimits } from './limits';
import {
  MODEL_LAYOUTS,
  type AttentionFileModel,
  type AttentionFileSource,
  type AttentionFileToken,
  type ModelLayout,
  type TokenSequence,
} from './types';

export interface FileHeader {
  readonly model: AttentionFileModel;
  /** What the file declares, to be checked against the tensors. */
  readonly declaredLayers: number | undefined;
  readonly declaredHeads: number | undefined;
  readonly queries: TokenSequence;
  /** Set for cross-attention only. */
  readonly keys: TokenSequence | undefined;
}

type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function schema(message: string): AttentionFileError {
  return new AttentionFileError('schema', message);
}

/** An own property only: "__proto__" or "toString" in a file never reaches the prototype. */
function field(object: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

function isIndex(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

function optionalIndex(object: JsonObject, key: string, where: string): number | undefined {
  const value = field(object, key);
  if (value === undefined) return undefined;
  if (!isIndex(value)) throw schema(`${where}.${key} must be a non-negative integer, not ${describe(value)}.`);
  return value;
}

function optionalString(object: JsonObject, key: string, where: string): string | undefined {
  const value = field(object, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw schema(`${where}.${key} must be a string, not ${describe(value)}.`);
  return value;
}

function optionalBoolean(object: JsonObject, key: string, where: string): boolean | undefined {
  const value = field(object, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw schema(`${where}.${key} must be true or false, not ${describe(value)}.`);
  return value;
}

/** A short description of a value for messages, never the whole value. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function parseModel(value: unknown): { model: AttentionFileModel; layers: number | undefined; heads: number | undefined } {
  if (!isObject(value)) throw schema(`"model" must be an object with at least a "name", not ${describe(value)}.`);
  const name = field(value, 'name');
  if (typeof name !== 'string' || name.length === 0 || name.length > 1000) {
    throw schema(`model.name must be a string of 1 to 1000 characters, not ${describe(name)}.`);
  }
  const layout = field(value, 'layout');
  if (layout !== undefined && layout !== null && !MODEL_LAYOUTS.includes(layout as ModelLayout)) {
    throw schema(`model.layout must be one of ${MODEL_LAYOUTS.map((l) => `"${l}"`).join(', ')}, not ${describe(layout)}.`);
  }
  const context = optionalIndex(value, 'context', 'model');
  return {
    model: {
      name,
      layout: (layout ?? undefined) as ModelLayout | undefined,
      causal: optionalBoolean(value, 'causal', 'model') ?? false,
      context: context === 0 ? undefined : context,
    },
    layers: optionalIndex(value, 'layers', 'model'),
    heads: optionalIndex(value, 'heads', 'model'),
  };
}

function parseSource(value: unknown, key: string): AttentionFileSource | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw schema(`"${key}" must be an object { file, startOffset, text }, not ${describe(value)}.`);
  const text = field(value, 'text');
  if (typeof text !== 'string') throw schema(`${key}.text must be the source text the offsets index, not ${describe(text)}.`);
  return { file: optionalString(value, 'file', key), startOffset: optionalIndex(value, 'startOffset', key) ?? 0, text };
}

function parseTokens(value: unknown, key: string, limits: AttentionFileLimits): AttentionFileToken[] {
  if (!Array.isArray(value)) throw schema(`"${key}" must be an array of tokens, not ${describe(value)}.`);
  if (value.length === 0) throw schema(`"${key}" is empty: a file needs at least one token.`);
  if (value.length > limits.maxTokens) {
    throw new AttentionFileError('too-large', `"${key}" has ${value.length} tokens, more than the limit of ${limits.maxTokens}.`);
  }
  return value.map((raw: unknown, index): AttentionFileToken => {
    const where = `${key}[${index}]`;
    // A bare string is a token with nothing but its text.
    if (typeof raw === 'string') return { text: raw, id: undefined, special: false, start: undefined, end: undefined };
    if (!isObject(raw)) throw schema(`${where} must be a token object or a string, not ${describe(raw)}.`);
    const text = field(raw, 'text');
    if (typeof text !== 'string') throw schema(`${where}.text must be a string, not ${describe(text)}.`);
    const position = optionalIndex(raw, 'index', where);
    if (position !== undefined && position !== index) throw schema(`${where}.index is ${position}; tokens must be listed in order.`);
    const start = optionalIndex(raw, 'start', where);
    const end = optionalIndex(raw, 'end', where);
    if ((start === undefined) !== (end === undefined)) throw schema(`${where} has only one of "start" and "end".`);
    return { text, id: optionalIndex(raw, 'id', where), special: optionalBoolean(raw, 'special', where) ?? false, start, end };
  });
}

function parseSequence(object: JsonObject, tokensKey: string, sourceKey: string, limits: AttentionFileLimits): TokenSequence {
  const tokens = parseTokens(field(object, tokensKey), tokensKey, limits);
  const source = parseSource(field(object, sourceKey), sourceKey);
  const withOffsets = tokens.filter((t) => t.start !== undefined).length;
  if (withOffsets !== 0 && withOffsets !== tokens.length) {
    throw new AttentionFileError('offsets', `${withOffsets} of ${tokens.length} "${tokensKey}" have offsets: give "start" and "end" for every token or for none.`);
  }
  if (withOffsets > 0 && source === undefined) {
    throw new AttentionFileError('offsets', `"${tokensKey}" have offsets but there is no "${sourceKey}" with the text they index.`);
  }
  return { tokens, source, hasOffsets: withOffsets > 0 };
}

/**
 * Reads the shared header fields of `object` (docs/FORMAT.md, "Header").
 * @throws AttentionFileError 'schema', 'offsets' or 'too-large' (more tokens than limits.maxTokens).
 */
export function parseHeader(object: JsonObject, limits: AttentionFileLimits): FileHeader {
  const { model, layers, heads } = parseModel(field(object, 'model'));
  const queries = parseSequence(object, 'tokens', 'source', limits);
  const keys = field(object, 'keyTokens') === undefined ? undefined : parseSequence(object, 'keyTokens', 'keySource', limits);
  if (keys === undefined && field(object, 'keySource') !== undefined) throw schema('"keySource" is given without "keyTokens".');
  return { model, declaredLayers: layers, declaredHeads: heads, queries, keys };
}
