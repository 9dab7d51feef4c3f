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
 * Splits `text` at the non-empty matches of the global regex `delimiter` (or, with `invert`, at
 * everything between them) and applies `behavior` to the delimiters. Empty pieces are dropped.
 */
export function splitText(text: AlignedText, delimiter: RegExp, behavior: SplitBehavior, invert = false): AlignedText[] {
  // Spans covering the whole text, each flagged as delimiter or not.
  const spans: { from: number; to: number; isDelimiter: boolean }[] = [];
  let last = 0;
  for (const match of text.text.matchAll(delimiter)) {
    if (match[0].length === 0) continue;
    if (match.index > last) spans.push({ from: last, to: match.index, isDelimiter: invert });
    spans.push({ from: match.index, to: match.index + match[0].length, isDelimiter: !invert });
    last = match.index + match[0].length;
  }
  if (last < text.length) spans.push({ from: last, to: text.length, isDelimiter: invert });

  const merged: { from: number; to: number }[] = [];
  switch (behavior) {
    case 'Removed':
      for (const span of spans) if (!span.isDelimiter) merged.push(span);
      break;
    case 'Isolated':
      merged.push(...spans);
      break;
    case 'Contiguous':
      spans.forEach((span, i) => {
        if (span.isDelimiter && i > 0 && spans[i - 1].isDelimiter) merged[merged.length - 1].to = span.to;
        else merged.push({ ...span });
      });
      break;
    case 'MergedWithPrevious':
      spans.forEach((span, i) => {
        if (span.isDelimiter && i > 0 && !spans[i - 1].isDelimiter) merged[merged.length - 1].to = span.to;
        else merged.push({ ...span });
      });
      break;
    case 'MergedWithNext':
      // A delimiter starts a piece, and the text after it joins that piece.
      spans.forEach((span, i) => {
        if (!span.isDelimiter && i > 0 && spans[i - 1].isDelimiter) merged[merged.length - 1].to = span.to;
        else merged.push({ ...span });
      });
      break;
  }
  return merged.filter((span) => span.to > span.from).map((span) => text.slice(span.from, span.to));
}
