/**
 * A run's attention as the views read it: per layer, [heads, T, T] float32 weights
 * ([head][query][key], row-major). Held in memory (`inMemoryLayers`: the arrays a run handed over)
 * or read on demand from files (a long run kept on disk, attention/storedLayers.ts), so that a
 * reader never needs every layer at once: one head's matrix, or one layer at a time.
 */
export interface AttentionLayers {
  /** Layers in the run. */
  readonly length: number;
  /** Heads per layer (0 for a run without tokens). */
  readonly heads: number;
  /** Tokens (T). */
  readonly size: number;
  /**
   * Layer `index`'s [heads, T, T] weights, or undefined outside the run. In memory, the array
   * itself (do not write it); read from a file, a new array each call (the caller holds it only
   * as long as it needs it: a layer of 12 heads at 2048 tokens is 201 MB).
   */
  layer(index: number): Float32Array | undefined;
  /** Head `head` of layer `index`, [T, T]: a view in memory, a read of T² floats from a file;
   *  undefined outside the run. */
  head(index: number, head: number): Float32Array | undefined;
}

/**
 * The layers a run handed over in memory, each [heads, T, T] for `size` tokens.
 * @param layers the per-layer arrays (kept, not copied).
 */
export function inMemoryLayers(layers: readonly Float32Array[], size: number): AttentionLayers & { readonly arrays: readonly Float32Array[] } {
  const cells = size * size;
  // As attentionMath.headCount (which imports this module's type): length over T².
  const heads = cells === 0 || !layers[0] ? 0 : Math.round(layers[0].length / cells);
  return {
    length: layers.length,
    heads,
    size,
    arrays: layers,
    layer: (index) => layers[index],
    head: (index, head) => {
      const layer = layers[index];
      if (!layer || head < 0 || head >= heads) return undefined;
      return layer.subarray(head * cells, (head + 1) * cells);
    },
  };
}

/**
 * Every layer's array at once: in memory the arrays themselves; for a run kept on disk each layer
 * read into memory (all of the run's attention: only for runs known to be small, e.g. in tests).
 */
export function everyLayer(attention: AttentionLayers): Float32Array[] {
  return Array.from({ length: attention.length }, (_, l) => attention.layer(l)!);
}
