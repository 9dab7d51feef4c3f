/**
 * Downsampling of a T x T matrix to at most n x n for thumbnails: cell (i, j) falls into bin
 * (floor(i * n / T), floor(j * n / T)); a bin keeps the max (sparse patterns such as a diagonal
 * stay visible) or the mean of its cells. Pure: no editor or DOM access.
 */
export type PoolMode = 'max' | 'mean';

/** Side of the downsampled matrix: T itself when it already fits. */
export function pooledSide(size: number, maxSide: number): number {
  return Math.max(0, Math.min(size, Math.floor(maxSide)));
}

/** Pool `matrix` (T x T) into `out` (n x n, n = pooledSide), which is returned. */
export function downsample(
  matrix: Float32Array,
  size: number,
  maxSide: number,
  mode: PoolMode,
  out: Float32Array = new Float32Array(pooledSide(size, maxSide) ** 2),
): Float32Array {
  const n = pooledSide(size, maxSide);
  if (out.length !== n * n) throw new RangeError(`an output of ${out.length} cells for a ${n}x${n} thumbnail`);
  out.fill(0);
  if (n === 0) return out;
  const bins = new Int32Array(size);
  for (let i = 0; i < size; i++) bins[i] = Math.floor((i * n) / size);
  if (mode === 'max') {
    for (let i = 0; i < size; i++) {
      const row = i * size;
      const outRow = bins[i] * n;
      for (let j = 0; j < size; j++) {
        const value = matrix[row + j];
        const cell = outRow + bins[j];
        if (value > out[cell]) out[cell] = value;
      }
    }
    return out;
  }
  const counts = new Float32Array(n);
  for (let i = 0; i < size; i++) counts[bins[i]]++;
  for (let i = 0; i < size; i++) {
    const row = i * size;
    const outRow = bins[i] * n;
    for (let j = 0; j < size; j++) out[outRow + bins[j]] += matrix[row + j];
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) out[a * n + b] /= counts[a] * counts[b];
  return out;
}
