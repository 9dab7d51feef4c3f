/**
 * Per-head pattern scores for the model view's badges and sorting, from a run's own attention:
 * previous-token, bracket matching, induction-like, entropy and sparsity (see headScores.ts).
 * Pure: no editor or DOM access.
 */
import type { AttentionLayers } from './attentionLayers';
import { HEAD_SCORE_NAMES } from './protocol';
import { bracketScore, entropy, previousTokenScore, sparsity } from './headScores';

export interface ScoredToken {
  readonly text: string;
  readonly id: number;
}

/**
 * Induction-like score for any text (no repeated block needed): over the queries i whose token
 * occurred before at some j < i - 1 (most recent such j), the mean weight i puts on j + 1, the
 * token that followed the earlier occurrence. NaN when no token repeats. 1 = pure induction.
 */
export function inductionLikeScore(attn: Float32Array, ids: readonly number[]): number {
  const size = ids.length;
  const last = new Map<number, number>();
  let sum = 0;
  let count = 0;
  for (let i = 0; i < size; i++) {
    const previous = last.get(ids[i]);
    if (previous !== undefined && previous + 1 < i) {
      sum += attn[i * size + previous + 1];
      count++;
    }
    last.set(ids[i], i);
  }
  return count === 0 ? NaN : sum / count;
}

/** All scores of one head, in HEAD_SCORE_NAMES order. */
export function headScoreVector(attn: Float32Array, tokens: readonly ScoredToken[]): number[] {
  const texts = tokens.map((t) => t.text);
  const ids = tokens.map((t) => t.id);
  const scores: Record<(typeof HEAD_SCORE_NAMES)[number], number> = {
    previous: tokens.length < 2 ? NaN : previousTokenScore(attn),
    bracket: bracketScore(attn, texts),
    induction: inductionLikeScore(attn, ids),
    entropy: tokens.length === 0 ? NaN : entropy(attn),
    sparsity: sparsity(attn),
  };
  return HEAD_SCORE_NAMES.map((name) => scores[name]);
}

/** Scores of every head: Float32 [layer][head][score]. */
export function headBadges(attention: AttentionLayers, tokens: readonly ScoredToken[]): Float32Array {
  const perHead = HEAD_SCORE_NAMES.length;
  const heads = attention.heads;
  const out = new Float32Array(attention.length * heads * perHead);
  for (let l = 0; l < attention.length; l++) {
    for (let h = 0; h < heads; h++) out.set(headScoreVector(attention.head(l, h)!, tokens), (l * heads + h) * perHead);
  }
  return out;
}
