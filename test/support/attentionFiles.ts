/** Small, valid attention files built in memory for reader tests: seeded softmax rows, real tokens. */
import { JSON_FORMAT, BINARY_FORMAT } from '../../src/shared/attentionFile';
import { writeAttentionSafetensors, type TensorToWrite } from '../../src/shared/attentionFile/writeSafetensors';
import { seededRandom } from '../../src/shared/seededRandom';

export const SOURCE_TEXT = 'def add(a, b):\n    return a + b  # sum 🙂\n';

/** Rows of random softmax weights: [heads, queries, keys], each row summing to 1; causal zeroes keys after the query. */
export function randomAttention(heads: number, queries: number, keys: number, random: () => number, causal = false): Float32Array {
  const out = new Float32Array(heads * queries * keys);
  for (let row = 0; row < heads * queries; row++) {
    const query = row % queries;
    const visible = causal ? query + 1 : keys;
    let sum = 0;
    for (let key = 0; key < visible; key++) sum += out[row * keys + key] = Math.exp(3 * random());
    for (let key = 0; key < visible; key++) out[row * keys + key] /= sum;
  }
  return out;
}

export function randomValues(length: number, random: () => number): Float32Array {
  return Float32Array.from({ length }, () => random() * 2 - 1);
}

/** Whitespace-separated words of SOURCE_TEXT as tokens with UTF-16 offsets. */
export function sourceTokens(text = SOURCE_TEXT): { text: string; id: number; special: boolean; start: number; end: number }[] {
  return [...text.matchAll(/\S+/g)].map((m, i) => ({ text: m[0], id: 10 + i, special: false, start: m.index, end: m.index + m[0].length }));
}

export interface SampleOptions {
  readonly layers?: number;
  readonly heads?: number;
  readonly cross?: boolean;
  readonly parts?: boolean;
  readonly dtype?: 'F32' | 'F16';
  readonly seed?: number;
}

export interface Sample {
  readonly header: { [key: string]: unknown };
  readonly attention: Float32Array[];
  readonly parts: { [name: string]: Float32Array[] };
  readonly queryCount: number;
  readonly keyCount: number;
  readonly heads: number;
  readonly dim: number;
}

/** A header and tensors: self-attention over SOURCE_TEXT's words, or cross-attention to a second sentence. */
export function sample(options: SampleOptions = {}): Sample {
  const { layers = 2, heads = 3, cross = false, parts = false, seed = 1 } = options;
  const random = seededRandom(seed);
  const tokens = sourceTokens();
  const keyText = 'la somme de a et b';
  const keyTokens = cross ? sourceTokens(keyText) : undefined;
  const queryCount = tokens.length;
  const keyCount = keyTokens?.length ?? queryCount;
  const dim = 4;
  const header: { [key: string]: unknown } = {
    model: { name: 'test-model', layers, heads, layout: cross ? 'encoder-decoder' : 'decoder', causal: !cross },
    source: { file: 'src/add.py', startOffset: 0, text: SOURCE_TEXT },
    tokens,
  };
  if (keyTokens) {
    header['keySource'] = { file: 'src/add.fr.txt', text: keyText };
    header['keyTokens'] = keyTokens;
  }
  const attention = Array.from({ length: layers }, () => randomAttention(heads, queryCount, keyCount, random, !cross));
  const partData: { [name: string]: Float32Array[] } = {};
  if (parts) {
    for (const name of ['q', 'k', 'v', 'o']) {
      const rows = name === 'q' || name === 'o' ? queryCount : keyCount;
      partData[name] = Array.from({ length: layers }, () => randomValues(heads * rows * dim, random));
    }
  }
  return { header, attention, parts: partData, queryCount, keyCount, heads, dim };
}

/** The sample in the binary form. */
export function sampleSafetensors(s: Sample, dtype: 'F32' | 'F16' = 'F32', header: object = { format: BINARY_FORMAT, ...s.header }): Uint8Array {
  const tensors: TensorToWrite[] = s.attention.map((data, l) => ({ name: `attention.${l}`, dtype, shape: [s.heads, s.queryCount, s.keyCount], data }));
  for (const [name, perLayer] of Object.entries(s.parts)) {
    const rows = name === 'q' || name === 'o' ? s.queryCount : s.keyCount;
    perLayer.forEach((data, l) => tensors.push({ name: `${name}.${l}`, dtype, shape: [s.heads, rows, s.dim], data }));
  }
  return writeAttentionSafetensors(header, tensors);
}

function nest(data: Float32Array, shape: readonly number[]): unknown[] {
  const [first, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first! }, (_, i) => (rest.length === 0 ? data[i] : nest(data.subarray(i * stride, (i + 1) * stride), rest)));
}

/** The sample as a JSON-form object (result@1 with the optional fields). */
export function sampleJson(s: Sample): { [key: string]: unknown } {
  const value: { [key: string]: unknown } = {
    format: JSON_FORMAT,
    ...s.header,
    attention: s.attention.map((data) => nest(data, [s.heads, s.queryCount, s.keyCount])),
  };
  if (Object.keys(s.parts).length > 0) {
    value['parts'] = Object.fromEntries(
      Object.entries(s.parts).map(([name, perLayer]) => [name, perLayer.map((data) => nest(data, [s.heads, name === 'q' || name === 'o' ? s.queryCount : s.keyCount, s.dim]))]),
    );
  }
  return value;
}
