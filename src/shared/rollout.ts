/**
 * Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers"):
 * per layer, the mean over heads is mixed with the identity for the residual connection,
 * A' = 0.5 * A_mean + 0.5 * I, its rows renormalised to sum to 1, and the layers are multiplied:
 * R_0 = A'_0, R_l = A'_l · R_{l-1}. Row i of R_l says how much of token i's state after layer l
 * flows from each input token. Pure: no editor or DOM access.
 */
import { headCount } from './attentionMath';
import type { AttentionLayers } from './attentionLayers';

/** A' = 0.5 * mean over heads + 0.5 * I, rows renormalised; `layer` is [head][query][key]. */
export function residualAttention(layer: Float32Array, size: number): Float32Array {
  const cells = size * size;
  const heads = Math.max(1, headCount(layer, size));
  const out = new Float32Array(cells);
  for (let h = 0; h < heads; h++) {
    const offset = h * cells;
    for (let i = 0; i < cells; i++) out[i] += layer[offset + i];
  }
  for (let i = 0; i < size; i++) {
    const row = i * size;
    let sum = 0;
    for (let j = 0; j < size; j++) {
      const value = 0.5 * (out[row + j] / heads) + (i === j ? 0.5 : 0);
      out[row + j] = value;
      sum += value;
    }
    if (sum > 0) for (let j = 0; j < size; j++) out[row + j] /= sum;
  }
  return out;
}

/** True when every weight above the diagonal is 0 (a causal model's attention). */
export function isLowerTriangular(matrix: Float32Array, size: number): boolean {
  for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) if (matrix[i * size + j] !== 0) return false;
  return true;
}

/**
 * a · b for T x T row-major matrices. When both are lower triangular (causal attention) only the
 * lower triangle is computed, about a sixth of the work of a full product.
 */
export function multiply(a: Float32Array, b: Float32Array, size: number, lowerTriangular = false): Float32Array {
  const out = new Float32Array(size * size);
  for (let i = 0; i < size; i++) {
    const row = i * size;
    const kEnd = lowerTriangular ? i + 1 : size;
    for (let k = 0; k < kEnd; k++) {
      const weight = a[row + k];
      if (weight === 0) continue;
      const from = k * size;
      const jEnd = lowerTriangular ? k + 1 : size;
      for (let j = 0; j < jEnd; j++) out[row + j] += weight * b[from + j];
    }
  }
  return out;
}

/**
 * Rollout through layers 0..upTo of `attention` (per layer [head][query][key]). Returns one matrix
 * per layer, so a caller can keep them all: rollouts[l] is R_l.
 */
export function attentionRollout(attention: AttentionLayers, size: number, upTo = attention.length - 1): Float32Array[] {
  const out: Float32Array[] = [];
  let current: Float32Array | undefined;
  let lower = true;
  for (let l = 0; l <= upTo && l < attention.length; l++) {
    const mixed = residualAttention(attention.layer(l)!, size);
    lower = lower && isLowerTriangular(mixed, size);
    current = current ? multiply(mixed, current, size, lower) : mixed;
    out.push(current);
  }
  return out;
}
