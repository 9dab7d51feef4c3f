/** Value checks every attention file passes before it is handed out (docs/FORMAT.md, "Checks"). */
import { AttentionFileError } from './attentionFileError';
import { ROW_SUM_TOLERANCE } from './limits';
import type { TokenSequence } from './types';
import { splitsSurrogatePair } from '../utf16';

/**
 * Each row attention[layer][head][query][:] must be a probability distribution over the keys:
 * finite, no weight below 0, summing to 1 within ROW_SUM_TOLERANCE.
 * @param data [heads, T_q, T_k]
 * @throws AttentionFileError 'non-finite' or 'not-a-distribution', naming layer, head and query.
 */
export function checkAttentionRows(data: Float32Array, layer: number, heads: number, queryCount: number, keyCount: number): void {
  for (let row = 0; row < heads * queryCount; row++) {
    const head = Math.floor(row / queryCount);
    const query = row % queryCount;
    const base = row * keyCount;
    let sum = 0;
    for (let key = 0; key < keyCount; key++) {
      const weight = data[base + key]!;
      if (!Number.isFinite(weight)) {
        throw new AttentionFileError('non-finite', `Layer ${layer}, head ${head}: the weight of query ${query} on key ${key} is ${weight}. Attention must be finite; check the model's masking (a fully masked row gives NaN).`);
      }
      if (weight < 0) {
        throw new AttentionFileError('not-a-distribution', `Layer ${layer}, head ${head}: the weight of query ${query} on key ${key} is ${weight}, below 0. Save the softmax output (probabilities), not scores.`);
      }
      sum += weight;
    }
    if (!(Math.abs(sum - 1) <= ROW_SUM_TOLERANCE)) {
      throw new AttentionFileError(
        'not-a-distribution',
        `Layer ${layer}, head ${head}: the weights of query ${query} sum to ${sum.toPrecision(6)}, not 1 (tolerance ${ROW_SUM_TOLERANCE}). Save the softmax output with keys on the last axis: [heads, queries, keys].`,
      );
    }
  }
}

/** @throws AttentionFileError 'non-finite' naming the tensor and the first bad element. */
export function checkFinite(data: Float32Array, name: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new AttentionFileError('non-finite', `Tensor ${name}: element ${i} is ${data[i]}; values must be finite.`);
  }
}

/**
 * Offsets are UTF-16 code units into source.text: 0 <= start <= end <= text.length, and neither
 * falls inside a surrogate pair (a sign of code point or byte offsets written as UTF-16).
 * @throws AttentionFileError 'offsets' naming the token.
 */
export function checkOffsets(sequence: TokenSequence, label: string): void {
  if (!sequence.hasOffsets || sequence.source === undefined) return;
  const text = sequence.source.text;
  sequence.tokens.forEach((token, index) => {
    const start = token.start!;
    const end = token.end!;
    const where = `${label}[${index}] (${JSON.stringify(token.text.slice(0, 20))})`;
    if (start > end) throw new AttentionFileError('offsets', `${where} starts at ${start}, after its end ${end}.`);
    if (end > text.length) {
      throw new AttentionFileError('offsets', `${where} ends at ${end}, past the end of its source text (${text.length} UTF-16 code units). Offsets must be UTF-16 code units into that text.`);
    }
    if (splitsSurrogatePair(text, start) || splitsSurrogatePair(text, end)) {
      throw new AttentionFileError('offsets', `${where} [${start}, ${end}) splits a character in two: offsets must be UTF-16 code units, not code points or bytes.`);
    }
  });
}
