/**
 * Pure operations on attention tensors, shared by the host, the worker and the webview.
 * A layer's attention is one Float32Array laid out [head][query][key] (row-major, T x T per head).
 */

import type { AttentionLayers } from './attentionLayers';
import type { HeadSelector } from './protocol/messages';

/**
 * Heads in one layer's [head][query][key] array for `size` tokens: its length over size². 0 for
 * no tokens. The one place the head count is read off an array (a run also states it, in its
 * model info; the two agree for any run a model produced).
 */
export function headCount(layer: ArrayLike<number> | undefined, size: number): number {
  const cells = size * size;
  return cells === 0 || !layer ? 0 : Math.round(layer.length / cells);
}

/**
 * The T x T matrix a selector names in a run's attention: one head's (in memory a view, not a
 * copy) or the mean/max over the layer's heads (a new array). Undefined
 * when the layer or head is outside the tensors: the one check of a selector against a run.
 */
export function selectedMatrix(attention: AttentionLayers, size: number, selector: HeadSelector): Float32Array | undefined {
  if (size === 0 || selector.layer < 0 || selector.layer >= attention.length) return undefined;
  const { head } = selector;
  if (typeof head === 'number') return attention.head(selector.layer, head);
  const layer = attention.layer(selector.layer);
  return layer && aggregateHeads(layer, size, head);
}

/** Whether a selector names a layer and head a model of `layers` x `heads` has. */
export function fitsShape(selector: HeadSelector, layers: number, heads: number): boolean {
  return selector.layer < layers && (typeof selector.head !== 'number' || selector.head < heads);
}

/** A selector moved inside a model's shape (a new run may have fewer layers or heads). */
export function clampSelector(selector: HeadSelector, layers: number, heads: number): HeadSelector {
  const layer = Math.min(Math.max(0, selector.layer), Math.max(0, layers - 1));
  const head = typeof selector.head === 'number' ? Math.min(Math.max(0, selector.head), Math.max(0, heads - 1)) : selector.head;
  return { layer, head };
}

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
  const heads = headCount(layer, size);
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
