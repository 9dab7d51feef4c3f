/**
 * The heads that score highest on a named attention pattern: what the Model view's sort puts
 * first, found from the same per-head scores (headBadges.ts). Pure: no editor or DOM access.
 */
import { HEAD_SCORE_NAMES, type HeadScoreName } from '../shared/protocol';

export interface HeadRef {
  readonly layer: number;
  readonly head: number;
}

/**
 * The heads with the highest `name` score (more than one on a tie); empty when every score is
 * NaN (the pattern does not occur in the text, e.g. no brackets).
 * @param scores Float32 [layer][head][score], scores in HEAD_SCORE_NAMES order, as headBadges() returns.
 * @throws RangeError when `scores` does not hold layers x heads x HEAD_SCORE_NAMES.length values.
 */
export function topHeads(scores: ArrayLike<number>, layers: number, heads: number, name: HeadScoreName): HeadRef[] {
  const perHead = HEAD_SCORE_NAMES.length;
  if (scores.length !== layers * heads * perHead) {
    throw new RangeError(`expected ${layers} x ${heads} x ${perHead} scores, got ${scores.length}`);
  }
  const column = HEAD_SCORE_NAMES.indexOf(name);
  let best = -Infinity;
  let top: HeadRef[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let head = 0; head < heads; head++) {
      const value = scores[(layer * heads + head) * perHead + column];
      if (Number.isNaN(value) || value < best) continue;
      if (value > best) {
        best = value;
        top = [];
      }
      top.push({ layer, head });
    }
  }
  return top;
}

/** The patterns the walkthrough asks the user to find, each a score the Model view sorts by. */
export const NAMED_PATTERNS: readonly HeadScoreName[] = ['previous', 'bracket', 'induction'];

/** The first pattern of NAMED_PATTERNS for which `head` is a top head, if any. */
export function patternOfTopHead(scores: ArrayLike<number>, layers: number, heads: number, head: HeadRef): HeadScoreName | undefined {
  return NAMED_PATTERNS.find((name) => topHeads(scores, layers, heads, name).some((h) => h.layer === head.layer && h.head === head.head));
}

/** A head and the pattern it shows most strongly. */
export interface InformativeHead extends HeadRef {
  readonly pattern: HeadScoreName;
  readonly score: number;
}

/**
 * Below this, no head shows a named pattern clearly enough to open on it: a score is the mean
 * weight a head puts on the pattern's key, and a head that spreads its weight evenly over T keys
 * scores about 1/T.
 */
export const MIN_INFORMATIVE_SCORE = 0.2;

/**
 * The most informative head of a run: the head with the highest score on any of NAMED_PATTERNS
 * (earliest layer and head on a tie), or undefined when none reaches MIN_INFORMATIVE_SCORE.
 * @param scores Float32 [layer][head][score] as for topHeads.
 * @throws RangeError as topHeads does.
 */
export function mostInformativeHead(scores: ArrayLike<number>, layers: number, heads: number): InformativeHead | undefined {
  let best: InformativeHead | undefined;
  for (const pattern of NAMED_PATTERNS) {
    const [top] = topHeads(scores, layers, heads, pattern);
    if (!top) continue;
    const score = scores[(top.layer * heads + top.head) * HEAD_SCORE_NAMES.length + HEAD_SCORE_NAMES.indexOf(pattern)];
    if (score >= MIN_INFORMATIVE_SCORE && (!best || score > best.score)) best = { ...top, pattern, score };
  }
  return best;
}
