/** Converting between UTF-16 offsets and 0-based line/character positions, as VS Code counts them. */

/** Offsets where each line starts; a line ends at \n (a preceding \r belongs to the line break). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export interface LineCharacter {
  readonly line: number;
  readonly character: number;
}

export function positionAt(starts: readonly number[], offset: number): LineCharacter {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

/** The offset of a line/character, clamped to the text like VS Code's TextDocument.offsetAt. */
export function offsetAt(text: string, starts: readonly number[], position: LineCharacter): number {
  if (position.line < 0) return 0;
  if (position.line >= starts.length) return text.length;
  const lineStart = starts[position.line];
  const next = position.line + 1 < starts.length ? starts[position.line + 1] : text.length;
  let lineEnd = next;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 10) lineEnd--;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  return Math.min(lineStart + Math.max(0, position.character), lineEnd);
}
