/** Small numeric helpers the view-maths tests share. */
import * as assert from 'node:assert/strict';

/** A Float32Array of `values`. */
export const f32 = (values: number[]): Float32Array => Float32Array.from(values);

/** Asserts equal lengths and every element within `eps` of the expected one. */
export function close(actual: ArrayLike<number>, expected: ArrayLike<number>, eps = 1e-6): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= eps, `[${i}] ${actual[i]} vs ${expected[i]}`);
}

/** A causal T x T attention matrix with random positive rows summing to 1 (a fixed LCG, so seeded). */
export function randomCausal(size: number, seed: number): Float32Array {
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const m = new Float32Array(size * size);
  for (let i = 0; i < size; i++) {
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += m[i * size + j] = random() ** 4;
    for (let j = 0; j <= i; j++) m[i * size + j] /= sum;
  }
  return m;
}
