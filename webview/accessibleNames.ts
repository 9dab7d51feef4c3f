/**
 * What screen readers say for the panel's items: a token by its text, line and weight (never an
 * internal id), a head thumbnail by its layer, head and scores. Pure strings, unit-tested.
 */

/**
 * Spoken form of a token's text: as written when it has visible characters (surrounding
 * whitespace dropped), else its whitespace named in runs ("4 spaces", "newline, 2 tabs").
 */
export function spokenText(text: string): string {
  if (text.trim() !== '') return text.trim();
  if (text === '') return 'empty';
  const names: Record<string, [string, string]> = { ' ': ['space', 'spaces'], '\n': ['newline', 'newlines'], '\t': ['tab', 'tabs'], '\r': ['carriage return', 'carriage returns'] };
  const parts: string[] = [];
  for (const run of text.match(/(\s)\1*/g) ?? []) {
    const [one, many] = names[run[0]] ?? ['whitespace', 'whitespace'];
    parts.push(run.length === 1 ? one : `${run.length} ${many}`);
  }
  return parts.join(', ');
}

export interface TokenNameParts {
  /** The token's source text (or a special token's name). */
  readonly text: string;
  readonly special: boolean;
  /** 1-based line of the analysed text the token starts on. */
  readonly line: number;
  /** Its weight under the current focus, when something is focused. */
  readonly weight?: number;
}

/** `"foo", line 3, weight 0.1234` (special tokens say so). */
export function tokenName(parts: TokenNameParts): string {
  const what = parts.special ? `special token ${parts.text}` : spokenText(parts.text);
  const weight = parts.weight === undefined || !Number.isFinite(parts.weight) ? '' : `, weight ${parts.weight.toFixed(4)}`;
  return `${what}, line ${parts.line}${weight}`;
}

/** `Layer 2, head 1, rank 3: previous-token 0.82, entropy (bits, low first) 1.4, …` (n/a for NaN). */
export function headName(layer: number, head: number, rank: number | undefined, scores: readonly (readonly [string, number])[]): string {
  const values = scores.map(([label, v]) => `${label} ${Number.isNaN(v) ? 'n/a' : v.toFixed(label.startsWith('entropy') ? 1 : 2)}`);
  return `Layer ${layer}, head ${head}${rank !== undefined ? `, rank ${rank}` : ''}: ${values.join(', ')}`;
}

/** The first line number of a run's source (`sample.ts:12-40` → 12), or 1 when it names none. */
export function firstLineOf(source: string): number {
  const match = /:(\d+)(?:-\d+)?$/.exec(source);
  return match ? Number(match[1]) : 1;
}
