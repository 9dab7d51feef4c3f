/**
 * Perceptually uniform colour scale (viridis) for attention weights, as a 256-entry RGB table
 * built from anchor colours sampled from matplotlib's viridis.
 */
const VIRIDIS_ANCHORS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142],
  [33, 145, 140], [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37],
];

function buildTable(anchors: readonly (readonly [number, number, number])[]): Uint8ClampedArray {
  const table = new Uint8ClampedArray(256 * 3);
  const segments = anchors.length - 1;
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * segments;
    const k = Math.min(segments - 1, Math.floor(x));
    const f = x - k;
    for (let c = 0; c < 3; c++) table[i * 3 + c] = Math.round(anchors[k][c] + (anchors[k + 1][c] - anchors[k][c]) * f);
  }
  return table;
}

export const VIRIDIS = buildTable(VIRIDIS_ANCHORS);

/**
 * Index into a 256-entry table for a value in [0, max]. gamma < 1 spreads the small weights that
 * dominate attention (rows sum to 1 over up to thousands of keys) across more of the scale.
 */
export function colorIndex(value: number, max: number, gamma = 1): number {
  if (!(max > 0) || !(value > 0)) return 0;
  const x = Math.min(1, value / max);
  return Math.round((gamma === 1 ? x : Math.pow(x, gamma)) * 255);
}

/**
 * The top of the colour range for a T x T attention matrix: its largest weight outside the first
 * row, which under a causal mask is always 1 and would otherwise leave every other cell dark.
 */
export function scaleMax(matrix: Float32Array, size: number): number {
  let max = 0;
  const from = size > 1 ? size : 0;
  for (let i = from; i < matrix.length; i++) if (matrix[i] > max) max = matrix[i];
  return max > 0 ? max : 1;
}

/** CSS rgb() for a value in [0, max]. */
export function cssColor(value: number, max: number, gamma = 1, table: Uint8ClampedArray = VIRIDIS): string {
  const i = colorIndex(value, max, gamma) * 3;
  return `rgb(${table[i]}, ${table[i + 1]}, ${table[i + 2]})`;
}
