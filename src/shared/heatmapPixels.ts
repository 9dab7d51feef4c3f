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
  readonly table?: Uint8ClampedArray;
}

/** The top of the colour range for a matrix under a mode (1 for 'row': each row is its own). */
export function colorMax(matrix: Float32Array, size: number, mode: ColorMode): number {
  return mode === 'row' ? 1 : scaleMax(matrix, size);
}

// A lookup of the scaled value (0..1 in 65536 steps) spares a Math.pow per cell. The steps are
// fine enough that even at the square root's steep start a cell is at most one colour off.
const STEPS = 65536;
const lookups = new Map<number, Uint8Array>();

function colorLookup(gamma: number): Uint8Array {
  let lut = lookups.get(gamma);
  if (!lut) {
    lut = new Uint8Array(STEPS + 1);
    for (let s = 0; s <= STEPS; s++) lut[s] = colorIndex(s / STEPS, 1, gamma);
    lookups.set(gamma, lut);
  }
  return lut;
}

/** Fill `pixels` (RGBA, 4 * T * T bytes) with the colours of `matrix`; returns the colour max. */
export function paintPixels(matrix: Float32Array, size: number, pixels: Uint8ClampedArray, options: PixelOptions): number {
  const table = options.table ?? VIRIDIS;
  const gamma = options.mode === 'sqrt' ? 0.5 : 1;
  const threshold = options.threshold;
  const globalMax = colorMax(matrix, size, options.mode);
  const lut = colorLookup(gamma);
  for (let i = 0; i < size; i++) {
    const row = i * size;
    let max = globalMax;
    if (options.mode === 'row') {
      max = 0;
      for (let j = 0; j < size; j++) if (matrix[row + j] > max) max = matrix[row + j];
    }
    const scale = max > 0 ? STEPS / max : 0;
    for (let j = 0; j < size; j++) {
      const value = matrix[row + j];
      const x = value > 0 && value >= threshold ? Math.min(STEPS, Math.round(value * scale)) : 0;
      const c = lut[x] * 3;
      const p = (row + j) * 4;
      pixels[p] = table[c];
      pixels[p + 1] = table[c + 1];
      pixels[p + 2] = table[c + 2];
      pixels[p + 3] = 255;
    }
  }
  return globalMax;
}

/** The weight a legend position (0..1 along the bar) stands for, under a mode and colour max. */
export function legendValue(position: number, max: number, mode: ColorMode): number {
  const x = Math.max(0, Math.min(1, position));
  return (mode === 'sqrt' ? x * x : x) * max;
}
