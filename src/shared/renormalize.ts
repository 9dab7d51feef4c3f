/**
 * Display transforms of a T x T attention matrix (row = query, column = key): hiding "sink"
 * columns (the first token, special tokens) with each row renormalised over the keys left,
 * and per-row scaling. Pure: no editor or DOM access.
 */

export interface SinkOptions {
  /** Hide key 0, where many heads park attention they do not need. */
  readonly first: boolean;
  /** Hide special tokens (BOS, EOS, CLS, SEP...). */
  readonly special: boolean;
}

export const NO_SINKS: SinkOptions = { first: false, special: false };

/** Key indices a SinkOptions hides, ascending. */
export function sinkColumns(tokens: readonly { readonly special: boolean }[], options: SinkOptions): number[] {
  const out: number[] = [];
  tokens.forEach((token, index) => {
    if ((options.first && index === 0) || (options.special && token.special)) out.push(index);
  });
  return out;
}

/** Both kinds of sink: what the editor's hideSinkTokens setting hides. */
export const ALL_SINKS: SinkOptions = { first: true, special: true };

/**
 * One query's row with the `hidden` keys set to 0 and the rest rescaled so the row keeps the sum
 * it had (1 for attention): the weight the sinks held is shared out over the other keys in
 * proportion. A row whose only weight was on hidden keys becomes all zeros. The one meaning of
 * "hide sinks", for the panel's matrix and the editor's hovers and shading alike.
 */
export function hideKeys(row: ArrayLike<number>, hidden: readonly number[]): Float32Array {
  const out = Float32Array.from(row);
  if (hidden.length === 0) return out;
  let total = 0;
  for (let j = 0; j < out.length; j++) total += out[j];
  for (const j of hidden) if (j >= 0 && j < out.length) out[j] = 0;
  let kept = 0;
  for (let j = 0; j < out.length; j++) kept += out[j];
  const scale = kept > 0 ? total / kept : 0;
  for (let j = 0; j < out.length; j++) out[j] *= scale;
  return out;
}

/** A copy of a T x T `matrix` with hideKeys applied to every row. */
export function hideColumns(matrix: Float32Array, size: number, hidden: readonly number[]): Float32Array {
  const out = matrix.slice();
  if (hidden.length === 0) return out;
  for (let i = 0; i < size; i++) out.set(hideKeys(matrix.subarray(i * size, (i + 1) * size), hidden), i * size);
  return out;
}

/** Each row divided by its own largest weight (rows of zeros stay zero). */
export function normalizeRows(matrix: Float32Array, size: number): Float32Array {
  const out = new Float32Array(matrix.length);
  for (let i = 0; i < size; i++) {
    const row = i * size;
    let max = 0;
    for (let j = 0; j < size; j++) if (matrix[row + j] > max) max = matrix[row + j];
    if (max > 0) for (let j = 0; j < size; j++) out[row + j] = matrix[row + j] / max;
  }
  return out;
}

/** One column of a T x T matrix: what attends to `key`, one weight per query. */
export function matrixColumn(matrix: Float32Array, size: number, key: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = matrix[i * size + key];
  return out;
}

export type Direction = 'to' | 'from';
export type SpanMode = 'sum' | 'mean';

/**
 * Weights over tokens for a set of focused tokens: with direction 'to', the rows of `indices`
 * (what they attend to); with 'from', their columns (what attends to them); combined by sum or mean.
 */
export function focusWeights(matrix: Float32Array, size: number, indices: readonly number[], direction: Direction, mode: SpanMode): Float32Array {
  const out = new Float32Array(size);
  const valid = indices.filter((i) => Number.isInteger(i) && i >= 0 && i < size);
  for (const index of valid) {
    if (direction === 'to') {
      const row = index * size;
      for (let j = 0; j < size; j++) out[j] += matrix[row + j];
    } else {
      for (let i = 0; i < size; i++) out[i] += matrix[i * size + index];
    }
  }
  if (mode === 'mean' && valid.length > 1) for (let j = 0; j < size; j++) out[j] /= valid.length;
  return out;
}

/**
 * `focusWeights(hideColumns(matrix, size, hidden), size, indices, 'to', mode)` computed from the
 * named rows only: O(indices × T) instead of O(T²), with the same float32 arithmetic in the same
 * order, so the numbers are identical. What a view reads for a hovered or pinned query token.
 */
export function focusRowWeights(matrix: Float32Array, size: number, indices: readonly number[], hidden: readonly number[], mode: SpanMode): Float32Array {
  const out = new Float32Array(size);
  const valid = indices.filter((i) => Number.isInteger(i) && i >= 0 && i < size);
  for (const index of valid) {
    const row = matrix.subarray(index * size, (index + 1) * size);
    const kept = hidden.length > 0 ? hideKeys(row, hidden) : row;
    for (let j = 0; j < size; j++) out[j] += kept[j];
  }
  if (mode === 'mean' && valid.length > 1) for (let j = 0; j < size; j++) out[j] /= valid.length;
  return out;
}
