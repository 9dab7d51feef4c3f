/** Converting between UTF-16 offsets and 0-based line/character positions, as VS Code counts them. */

/** Offsets where each line starts. Line breaks are LF, CRLF and a lone CR, as in VS Code. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/**
 * A file's text as an editor shows it: a leading UTF-8 byte-order mark (decoded as U+FEFF) is not
 * part of the text, so no token is made of it and offsets count from the first visible character.
 */
export function documentText(decoded: string): string {
  return decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
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
  // Only a line that is followed by another ends in a line break (LF, CRLF or CR).
  if (position.line + 1 < starts.length) {
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 10) lineEnd--;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  }
  return Math.min(lineStart + Math.max(0, position.character), lineEnd);
}
