import { AlignedText } from './alignedText';
import { expectString, unsupported } from './configJson';

/** What happens to the matched delimiters when splitting (the reference's SplitDelimiterBehavior). */
export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

const BEHAVIORS: readonly SplitBehavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

export function parseSplitBehavior(value: unknown, path: string, fallback: SplitBehavior): SplitBehavior {
  if (value === undefined || value === null) return fallback;
  const name = expectString(value, path);
  const behavior = BEHAVIORS.find((known) => known.toLowerCase() === name.toLowerCase());
  if (!behavior) throw unsupported(path, `the split behavior "${name}"`);
  return behavior;
}

/**
 * Splits `text` at the matches of the global regex `delimiter` (or, with `invert`, at everything
 * between them) and applies `behavior` to the delimiters, as the reference's Split does. An empty
 * match still marks a boundary there (the reference emits it as an empty delimiter); empty pieces
 * are dropped. Linear in the number of matches.
 */
export function splitText(text: AlignedText, delimiter: RegExp, behavior: SplitBehavior, invert = false): AlignedText[] {
  // Spans covering the whole text, each flagged as delimiter or not.
  const spans: { from: number; to: number; isDelimiter: boolean }[] = [];
  let last = 0;
  for (const match of text.text.matchAll(delimiter)) {
    if (match.index > last) spans.push({ from: last, to: match.index, isDelimiter: invert });
    spans.push({ from: match.index, to: match.index + match[0].length, isDelimiter: !invert });
    last = match.index + match[0].length;
  }
  if (last < text.length) spans.push({ from: last, to: text.length, isDelimiter: invert });

  const merged: { from: number; to: number }[] = [];
  // Whether span i joins the piece before it.
  const joinsPrevious = (i: number): boolean => {
    if (i === 0) return false;
    const span = spans[i];
    const previous = spans[i - 1];
    switch (behavior) {
      case 'Contiguous':
        return span.isDelimiter && previous.isDelimiter;
      case 'MergedWithPrevious':
        return span.isDelimiter && !previous.isDelimiter;
      case 'MergedWithNext':
        // A delimiter starts a piece, and the text after it joins that piece.
        return !span.isDelimiter && previous.isDelimiter;
      default:
        return false;
    }
  };
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    if (behavior === 'Removed' && span.isDelimiter) continue;
    if (joinsPrevious(i) && merged.length > 0) merged[merged.length - 1].to = span.to;
    else merged.push({ from: span.from, to: span.to });
  }
  const pieces: AlignedText[] = [];
  for (const span of merged) if (span.to > span.from) pieces.push(text.slice(span.from, span.to));
  return pieces;
}
