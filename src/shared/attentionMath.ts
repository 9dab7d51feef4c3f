/**
 * Pure operations on attention tensors, shared by the host, the worker and the webview.
 * A layer's attention is one Float32Array laid out [head][query][key] (row-major, T x T per head).
 */

/** The T x T matrix of one head: a view, not a copy. */
export function headMatrix(layer: Float32Array, size: number, head: number): Float32Array {
  const cells = size * size;
  if (head < 0 || (head + 1) * cells > layer.length) {
    throw new RangeError(`head ${head} is outside a layer of ${layer.length / cells} heads`);
  }
  return layer.subarray(head * cells, (head + 1) * cells);
}

/** Mean or max over the heads of one layer. */
export function aggregateHeads(layer: Float32Array, size: number, mode: 'mean' | 'max'): Float32Array {
  const cells = size * size;
  const heads = layer.length / cells;
  const out = new Float32Array(cells);
  if (mode === 'max') out.fill(-Infinity);
  for (let h = 0; h < heads; h++) {
    const offset = h * cells;
    if (mode === 'mean') {
      for (let i = 0; i < cells; i++) out[i] += layer[offset + i] / heads;
    } else {
      for (let i = 0; i < cells; i++) out[i] = Math.max(out[i], layer[offset + i]);
    }
  }
  return out;
}

/** One query token's row of a T x T matrix. */
export function matrixRow(matrix: Float32Array, size: number, query: number): Float32Array {
  return matrix.subarray(query * size, (query + 1) * size);
}

/** Indices of the k largest weights of a row, strongest first (ties: earlier key first). */
export function topKeys(row: Float32Array, k: number): number[] {
  const order = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b);
  return order.slice(0, Math.max(0, k));
}
