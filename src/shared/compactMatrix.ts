/**
 * The compact form in which an attention matrix crosses to a webview for drawing: 16 bits per
 * cell on the square-root domain, `q = round(√w · 65535)`, decoded as `w = (q / 65535)²`.
 *
 * Why the square root: the panel's default colour scale is `colour ∝ √weight`, and the other
 * scales divide by a maximum (the matrix's, or each row's) that can be small — a uniform row over
 * 2,048 keys has max 4.9e-4. The decoding error is at most √w / 65535 + 0.25 / 65535² (≤ 1.53e-5
 * at w = 1, shrinking with w), which keeps every cell within one of the 256 colour steps for every
 * scale whenever the scale's maximum is above ~2e-5 (test/unit/compactMatrix.test.ts); codes
 * linear in w, or 8-bit ones, would put small-maximum rows several colour steps off.
 *
 * Half the bytes of float32 (512 KiB instead of 1 MiB at 512 tokens) on the remote workbench's
 * message path. Numbers the user reads (read-outs, strongest keys, exports) are never taken from
 * this form: they are asked of the host in float32 (shared/viewRequests.ts answerWeights).
 */

/** How a ShowMatrix message's bytes encode the T x T matrix. */
export type MatrixEncoding = 'float32' | 'sqrt16';

const LEVELS = 65535;

/**
 * Encodes `matrix` (any shape; attention weights) as sqrt16 codes; undefined when a value is not
 * a weight in [0, 1] (NaN, negative, above 1 by more than float rounding), which must then travel
 * as float32 so that the view shows what the model gave.
 */
export function encodeSqrt16(matrix: Float32Array): Uint16Array | undefined {
  const out = new Uint16Array(matrix.length);
  for (let i = 0; i < matrix.length; i++) {
    const w = matrix[i];
    if (!(w >= 0 && w <= 1 + 1e-6)) return undefined;
    out[i] = Math.round(Math.sqrt(Math.min(w, 1)) * LEVELS);
  }
  return out;
}

let table: Float32Array | undefined;

/** Decodes sqrt16 codes to weights through a 65,536-entry table (256 KiB, built once). */
export function decodeSqrt16(codes: Uint16Array): Float32Array {
  if (!table) {
    table = new Float32Array(LEVELS + 1);
    for (let q = 0; q <= LEVELS; q++) table[q] = (q / LEVELS) ** 2;
  }
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i]];
  return out;
}
