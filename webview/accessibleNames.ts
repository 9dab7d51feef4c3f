/**
 * What screen readers say for the panel's items: a token by its text, line and weight (never an
 * internal id), a head thumbnail by its layer, head and scores. Pure strings, unit-tested.
 */
import { l10n } from './l10n';

/**
 * Spoken form of a token's text: as written when it has visible characters (surrounding
 * whitespace dropped), else its whitespace named in runs ("4 spaces", "newline, 2 tabs").
 */
export function spokenText(text: string): string {
  if (text.trim() !== '') return text.trim();
  if (text === '') return l10n.t('empty');
  const names: Record<string, [string, string]> = {
    ' ': [l10n.t('space'), l10n.t('{0} spaces')],
    '\n': [l10n.t('newline'), l10n.t('{0} newlines')],
    '\t': [l10n.t('tab'), l10n.t('{0} tabs')],
    '\r': [l10n.t('carriage return'), l10n.t('{0} carriage returns')],
  };
  const parts: string[] = [];
  for (const run of text.match(/(\s)\1*/g) ?? []) {
    const [one, many] = names[run[0]] ?? [l10n.t('whitespace'), l10n.t('{0} whitespace')];
    parts.push(run.length === 1 ? one : many.replace('{0}', String(run.length)));
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
  const what = parts.special ? l10n.t('special token {0}', parts.text) : spokenText(parts.text);
  if (parts.weight === undefined || !Number.isFinite(parts.weight)) return l10n.t('{0}, line {1}', what, parts.line);
  return l10n.t('{0}, line {1}, weight {2}', what, parts.line, parts.weight.toFixed(4));
}

/** `Layer 2, head 1, rank 3: previous-token 0.82, entropy (bits, low first) 1.4, …` (n/a for NaN). */
export function headName(layer: number, head: number, rank: number | undefined, scores: readonly (readonly [string, number])[]): string {
  const values = scores.map(([label, v]) => `${label} ${Number.isNaN(v) ? l10n.t('n/a') : v.toFixed(label.startsWith('entropy') ? 1 : 2)}`);
  const name = rank === undefined ? l10n.t('Layer {0}, head {1}', layer, head) : l10n.t('Layer {0}, head {1}, rank {2}', layer, head, rank);
  return `${name}: ${values.join(', ')}`;
}

/** The first line number of a run's source (`sample.ts:12-40` → 12), or 1 when it names none. */
export function firstLineOf(source: string): number {
  const match = /:(\d+)(?:-\d+)?$/.exec(source);
  return match ? Number(match[1]) : 1;
}
