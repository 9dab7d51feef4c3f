/**
 * How a token's text is written out wherever it is named (hovers, axis labels, readouts, the math
 * view): whitespace and control characters escaped as in a JSON string, so a newline or a tab is
 * visible. Pure: no editor or DOM access.
 */

/** `text` with whitespace and control characters escaped (`\n`, `\t`, `\u0000`), no quotes added. */
export function escapedText(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** escapedText in double quotes, cut to `maxLength` characters with "…" when longer. */
export function quotedText(text: string, maxLength = 24): string {
  const visible = JSON.stringify(text);
  return visible.length > maxLength + 2 ? `${visible.slice(0, maxLength)}…"` : visible;
}
