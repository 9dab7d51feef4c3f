/**
 * The attention math of one query token in one head, with the model's own numbers: its q, k and
 * v vectors (exported by the model next to its attention), raw scores q·k_j/√d_k, the causal mask,
 * the softmax of those scores checked against the model's attention row, and the output
 * O = S·V checked against the model's own o vector. Pure: no editor or DOM access.
 */

/** One layer's vectors, each [head][token][headDim], as the model exported them. */
export interface QkvVectors {
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly o: Float32Array;
  readonly headDim: number;
}

export interface QueryMath {
  readonly headDim: number;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly scores: Float32Array;
  readonly weights: Float32Array;
  readonly recomputed: Float32Array;
  readonly o: Float32Array;
  readonly recomputedO: Float32Array;
  readonly maxWeightDiff: number;
  readonly maxOutputDiff: number;
}

/** Softmax of `scores` where keys after `query` are masked to -∞ when `causal`. */
export function maskedSoftmax(scores: Float32Array, query: number, causal: boolean): Float32Array {
  const out = new Float32Array(scores.length);
  let max = -Infinity;
  for (let j = 0; j < scores.length; j++) if (!(causal && j > query) && scores[j] > max) max = scores[j];
  let sum = 0;
  for (let j = 0; j < scores.length; j++) {
    const e = causal && j > query ? 0 : Math.exp(scores[j] - max);
    out[j] = e;
    sum += e;
  }
  for (let j = 0; j < scores.length; j++) out[j] /= sum;
  return out;
}

/**
 * The math of `query` in `head`: `vectors` from the model, `matrix` the head's attention
 * [query][key] over `size` tokens, in a layer of `heads` heads. Throws RangeError for a head or
 * query out of range.
 */
export function queryMath(vectors: QkvVectors, matrix: Float32Array, heads: number, size: number, head: number, query: number, causal: boolean): QueryMath {
  const d = vectors.headDim;
  if (head < 0 || head >= heads || query < 0 || query >= size) throw new RangeError(`head ${head}, query ${query} outside ${heads} heads, ${size} tokens`);
  if (vectors.q.length < heads * size * d) throw new RangeError('q/k/v vectors do not cover every head and token');
  const block = head * size * d;
  const q = vectors.q.slice(block + query * d, block + (query + 1) * d);
  const k = vectors.k.slice(block, block + size * d);
  const v = vectors.v.slice(block, block + size * d);
  const o = vectors.o.slice(block + query * d, block + (query + 1) * d);
  const scale = 1 / Math.sqrt(d);
  const scores = new Float32Array(size);
  for (let j = 0; j < size; j++) {
    let dot = 0;
    for (let c = 0; c < d; c++) dot += q[c] * k[j * d + c];
    scores[j] = dot * scale;
  }
  const recomputed = maskedSoftmax(scores, query, causal);
  if (matrix.length !== size * size) throw new RangeError(`a matrix of ${matrix.length} weights for ${size} tokens`);
  const weights = matrix.slice(query * size, (query + 1) * size);
  let maxWeightDiff = 0;
  for (let j = 0; j < size; j++) maxWeightDiff = Math.max(maxWeightDiff, Math.abs(recomputed[j] - weights[j]));
  const recomputedO = new Float32Array(d);
  for (let j = 0; j < size; j++) {
    const w = weights[j];
    if (w === 0) continue;
    for (let c = 0; c < d; c++) recomputedO[c] += w * v[j * d + c];
  }
  let maxOutputDiff = 0;
  for (let c = 0; c < d; c++) maxOutputDiff = Math.max(maxOutputDiff, Math.abs(recomputedO[c] - o[c]));
  return { headDim: d, q, k, v, scores, weights, recomputed, o, recomputedO, maxWeightDiff, maxOutputDiff };
}
