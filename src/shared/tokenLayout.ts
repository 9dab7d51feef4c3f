/**
 * Lays the tokens of an analysed text out in lines, as the text reads in the editor: the gaps
 * between tokens (spaces, indentation) are kept, a line break starts a new line, and special
 * tokens (no place in the text) sit where they occur. Pure: no editor or DOM access.
 */
import type { TokenInfo } from './protocol';

export type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'token'; readonly index: number; readonly label: string; readonly special: boolean };

export type Line = Segment[];

/** What a chip shows for a token: its source text, its own text when special, "·" when empty. */
export function chipLabel(text: string, token: TokenInfo): string {
  if (token.special) return token.text;
  return token.start === token.end ? '\u00b7' : text.slice(token.start, token.end);
}

function pushText(lines: Line[], text: string): void {
  const parts = text.split('\n');
  parts.forEach((part, i) => {
    if (i > 0) lines.push([]);
    if (part !== '') lines[lines.length - 1].push({ kind: 'text', text: part });
  });
}

/**
 * Lines of segments for `tokens` over `text`. A token spanning a line break (a newline token)
 * ends its line. Text between tokens, and after the last one, is kept.
 */
export function layoutTokens(text: string, tokens: readonly TokenInfo[]): Line[] {
  const lines: Line[] = [[]];
  let cursor = 0;
  tokens.forEach((token, index) => {
    if (!token.special && token.start > cursor) pushText(lines, text.slice(cursor, token.start));
    const label = chipLabel(text, token);
    const breaks = token.special ? 0 : label.split('\n').length - 1;
    lines[lines.length - 1].push({ kind: 'token', index, label: breaks > 0 ? label.replace(/\n/g, '\u21b5') : label, special: token.special });
    for (let b = 0; b < breaks; b++) lines.push([]);
    if (!token.special) cursor = Math.max(cursor, token.end);
  });
  if (cursor < text.length) pushText(lines, text.slice(cursor));
  return lines;
}
