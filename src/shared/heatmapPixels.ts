/**
 * Colours of a T x T attention matrix as RGBA pixels, one pixel per cell: the webview puts them in
 * an ImageData once per matrix and zooms and pans by scaling that image, so a repaint costs O(T²)
 * typed-array writes and no DOM. Pure: works on a plain byte array.
 */
import { VIRIDIS, colorIndex, scaleMax } from './colorScale';

/**
 * How weights map to colours. 'sqrt': value / max to the power 0.5 (the many small weights of a
 * row that sums to 1 stay distinguishable); 'linear'; 'row': each row scaled to its own max
 * (structure in late rows, where weights are spread over many keys, shows as well as in early ones).
 */
export type ColorMode = 'sqrt' | 'linear' | 'row';

export interface PixelOptions {
  readonly mode: ColorMode;
  /** Weights below this (before scaling) are drawn as 0. */
  readonly threshold: number;
}

/** The largest weight in row `row`: the top of that row's colours in 'row' mode. */
export function rowMax(matrix: Float32Array, size: number, row: number): number {
  let max = 0;
  for (let j = row * size; j < (row + 1) * size; j++) if (matrix[j] > max) max = matrix[j];
  return max;
}

/** The top of the colour range for a matrix under a mode (1 for 'row': each row is its own). */
export function colorMax(matrix: Float32Array, size: number, mode: ColorMode): number {
  return mode === 'row' ? 1 : scaleMax(matrix, size);
}

// A lookup from the scaled value (0..1 in 65536 steps) straight to a packed RGBA pixel: one
// multiply and one 32-bit store per cell, no Math.pow. The steps are fine enough that even at the
// square root's steep start a cell is at most one colour off.
const STEPS = 65536;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const lookups = new Map<number, Uint32Array>();

function packed(index: number): number {
  const [r, g, b] = [VIRIDIS[index * 3], VIRIDIS[index * 3 + 1], VIRIDIS[index * 3 + 2]];
  return LITTLE_ENDIAN ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
}

function pixelLookup(gamma: number): Uint32Array {
  let lut = lookups.get(gamma);
  if (!lut) {
    lut = new Uint32Array(STEPS + 1);
    for (let s = 0; s <= STEPS; s++) lut[s] = packed(colorIndex(s / STEPS, 1, gamma));
    lookups.set(gamma, lut);
  }
  return lut;
}

/** Fill `pixels` (RGBA, 4 * T * T bytes, 4-byte aligned) with the colours of `matrix`; returns the colour max. */
export function paintPixels(matrix: Float32Array, size: number, pixels: Uint8ClampedArray, options: PixelOptions): number {
  const threshold = options.threshold;
  const globalMax = colorMax(matrix, size, options.mode);
  const lut = pixelLookup(options.mode === 'sqrt' ? 0.5 : 1);
  const out = new Uint32Array(pixels.buffer, pixels.byteOffset, size * size);
  for (let i = 0; i < size; i++) {
    const row = i * size;
    const max = options.mode === 'row' ? rowMax(matrix, size, i) : globalMax;
    const scale = max > 0 ? STEPS / max : 0;
    for (let j = 0; j < size; j++) {
      const value = matrix[row + j];
      out[row + j] = lut[value > 0 && value >= threshold ? Math.min(STEPS, (value * scale + 0.5) | 0) : 0];
    }
  }
  return globalMax;
}

/** The weight a legend position (0..1 along the bar) stands for, under a mode and colour max. */
export function legendValue(position: number, max: number, mode: ColorMode): number {
  const x = Math.max(0, Math.min(1, position));
  return (mode === 'sqrt' ? x * x : x) * max;
}
