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
 * message path. A causal model's matrix is zero above the diagonal: when every such cell is
 * exactly 0, only the lower triangle travels ('sqrt16-lower', T(T+1)/2 codes row by row: 256 KiB
 * at 512 tokens), and the zeros are restored exactly. Numbers the user reads (read-outs, strongest keys, exports) are never taken from
 * this form: they are asked of the host in float32 (shared/viewRequests.ts answerWeights).
 */

/** How a ShowMatrix message's bytes encode the T x T matrix. */
export type MatrixEncoding = 'float32' | 'sqrt16' | 'sqrt16-lower';

const LEVELS = 65535;

/**
 * Encodes `matrix` (any shape; attention weights) as sqrt16 codes; undefined when a value is not
 * a weight in [0, 1] (NaN, negative, above 1 by more than float rounding), which must then travel
 * as float32 so that the view shows what the model gave.
 */
export function encodeSqrt16(matrix: Float32Array): Uint16Array | undefined {
  const out = new Uint16Array(matrix.length);
  for (let i = 0; i < matrix.length; i++) {
    const code = codeOf(matrix[i]);
    if (code === undefined) return undefined;
    out[i] = code;
  }
  return out;
}

/** The sqrt16 code of weight `w`; undefined when it is not a weight in [0, 1]. */
function codeOf(w: number): number | undefined {
  if (!(w >= 0 && w <= 1 + 1e-6)) return undefined;
  return Math.round(Math.sqrt(Math.min(w, 1)) * LEVELS);
}

/** Codes in the lower triangle (diagonal included) of a `size` x `size` matrix: size(size+1)/2. */
export function lowerCells(size: number): number {
  return (size * (size + 1)) / 2;
}

/**
 * Encodes the lower triangle of the `size` x `size` row-major `matrix` (row i: keys 0..i) as sqrt16
 * codes; undefined when a cell above the diagonal is not exactly 0 (not a causal matrix), or a
 * value is not a weight.
 */
export function encodeSqrt16Lower(matrix: Float32Array, size: number): Uint16Array | undefined {
  if (matrix.length !== size * size) return undefined;
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++) if (matrix[i * size + j] !== 0) return undefined;
  }
  const out = new Uint16Array(lowerCells(size));
  let at = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      const code = codeOf(matrix[i * size + j]);
      if (code === undefined) return undefined;
      out[at++] = code;
    }
  }
  return out;
}

let table: Float32Array | undefined;

/** Decodes sqrt16 codes to weights through a 65,536-entry table (256 KiB, built once). */
export function decodeSqrt16(codes: Uint16Array): Float32Array {
  const weights = weightTable();
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = weights[codes[i]];
  return out;
}

/** Decodes sqrt16-lower codes (encodeSqrt16Lower) to the `size` x `size` matrix, zeros above the
 *  diagonal; undefined when there are not size(size+1)/2 codes. */
export function decodeSqrt16Lower(codes: Uint16Array, size: number): Float32Array | undefined {
  if (codes.length !== lowerCells(size)) return undefined;
  const weights = weightTable();
  const out = new Float32Array(size * size);
  let at = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) out[i * size + j] = weights[codes[at++]];
  }
  return out;
}

/** Weight of every code: 65,536 entries (256 KiB), built once. */
function weightTable(): Float32Array {
  if (!table) {
    table = new Float32Array(LEVELS + 1);
    for (let q = 0; q <= LEVELS; q++) table[q] = (q / LEVELS) ** 2;
  }
  return table;
}
