/**
 * Attention strength as one of a few shading steps, the same in the editor and the panel: both
 * colour a token with the theme colour `attentionLens.attention<bucket + 1>` (package.json
 * contributes attention1..5), so a user who changes the colours changes them everywhere.
 */

/** How many steps the contributed colour family has (attentionLens.attention1..5). */
export const SHADE_BUCKETS = 5;

/**
 * The step for a weight relative to the strongest shown, `ratio` in (0, 1]: 0 (faintest) ..
 * buckets - 1 (strongest), each step an equal slice of the ratio. Ratios ≤ 0 (or NaN) give 0;
 * callers decide whether such a key is shaded at all.
 */
export function shadeBucket(ratio: number, buckets = SHADE_BUCKETS): number {
  if (!(ratio > 0)) return 0;
  return Math.min(buckets - 1, Math.max(0, Math.ceil(ratio * buckets) - 1));
}

/** The contributed theme colour of a step, as its id (`attentionLens.attention3`). */
export function shadeColorId(bucket: number): string {
  return `attentionLens.attention${bucket + 1}`;
}
