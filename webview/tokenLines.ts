/**
 * Moving between lines of the token view by keyboard: Up and Down go to the token on the line
 * above or below whose start column is closest to the current token's (as the editor's cursor
 * does), skipping lines without tokens. Pure, unit-tested.
 */

/** Where each token sits: `lines[l]` lists the token indices on line l, in order; `column[i]`
 *  is token i's start column (UTF-16 code units from the line start); `lineOf[i]` its line. */
export interface TokenLines {
  readonly lines: readonly (readonly number[])[];
  readonly lineOf: readonly number[];
  readonly column: readonly number[];
}

/**
 * The token `delta` lines (±1) away from token `from`, nearest in column (ties: the earlier one);
 * `from` itself when there is no such line.
 */
export function lineNeighbour(layout: TokenLines, from: number, delta: number): number {
  const line = layout.lineOf[from];
  if (line === undefined) return from;
  const col = layout.column[from];
  for (let l = line + Math.sign(delta); l >= 0 && l < layout.lines.length; l += Math.sign(delta)) {
    const tokens = layout.lines[l];
    if (tokens.length === 0) continue;
    let best = tokens[0];
    for (const t of tokens) if (Math.abs(layout.column[t] - col) < Math.abs(layout.column[best] - col)) best = t;
    return best;
  }
  return from;
}
