/**
 * Matrices of cross-attention (encoder–decoder attention, "Attention Is All You Need" §3.2.3):
 * queries from one sequence, keys from another, so a layer is [heads, T_q, T_k] and a matrix is
 * T_q × T_k. Pure.
 */

/**
 * One head's matrix, or the mean or max over heads, of one layer [heads, T_q, T_k] row-major.
 * @returns [T_q, T_k] row-major (a view on `layer` for one head); undefined when `head` is out of range.
 */
export function crossMatrix(layer: Float32Array, heads: number, queries: number, keys: number, head: number | 'mean' | 'max'): Float32Array | undefined {
  const cells = queries * keys;
  if (typeof head === 'number') return Number.isInteger(head) && head >= 0 && head < heads ? layer.subarray(head * cells, (head + 1) * cells) : undefined;
  const out = new Float32Array(cells);
  if (head === 'max') out.fill(-Infinity);
  for (let h = 0; h < heads; h++) {
    const base = h * cells;
    for (let i = 0; i < cells; i++) out[i] = head === 'max' ? Math.max(out[i], layer[base + i]) : out[i] + layer[base + i];
  }
  if (head === 'mean') for (let i = 0; i < cells; i++) out[i] /= heads;
  return out;
}
