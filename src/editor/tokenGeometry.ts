/**
 * Pure helpers for showing a run in the editor: which token sits at an offset, how an edit moves
 * the analysed span, which keys a query row shades and how strongly, and the hover's text bits.
 * No `vscode` here, so all of it is unit-tested directly.
 */
import { ALL_SINKS, hideKeys, sinkColumns } from '../shared/renormalize';
import { shadeBucket } from '../shared/shadeBuckets';
import type { SourceToken } from '../shared/tokens';

/** The token whose source range holds `offset` (relative to the run's text), if any.
 *  With `touchEnd`, an offset just after a token also counts (a cursor at a word's end). */
export function tokenIndexAt(tokens: readonly SourceToken[], offset: number, touchEnd = false): number | undefined {
  // Tokens are in source order; special and empty tokens have no range to hit.
  let lo = 0;
  let hi = tokens.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid];
    if (t.end <= offset) lo = mid + 1;
    else {
      hi = mid - 1;
      found = mid;
    }
  }
  // `found` is the first token ending after offset; skip empty ones (specials, byte fragments).
  if (found !== undefined) {
    for (let i = found; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.special || t.end === t.start) continue;
      if (t.start <= offset && offset < t.end) return i;
      break;
    }
  }
  if (touchEnd) {
    for (let i = (found ?? tokens.length) - 1; i >= 0; i--) {
      const t = tokens[i];
      if (t.special || t.end === t.start) continue;
      return t.end === offset ? i : undefined;
    }
  }
  return undefined;
}

/** The analysed span in current document offsets, and whether an edit touched its text. */
export interface TrackedSpan {
  readonly start: number;
  readonly end: number;
  /** True once an edit changed text inside the span: token offsets no longer hold. */
  readonly stale: boolean;
}

/** One replacement: `removed` characters at `offset` became `inserted` characters. */
export interface TextEdit {
  readonly offset: number;
  readonly removed: number;
  readonly inserted: number;
}

/** Where the span is after an edit: shifted when the edit is before it, unchanged when after,
 *  stale (and stretched over the edit, for a re-run) when the edit overlaps it. */
export function applyEdit(span: TrackedSpan, edit: TextEdit): TrackedSpan {
  const delta = edit.inserted - edit.removed;
  const editEnd = edit.offset + edit.removed;
  // Entirely before the span (touching its start counts as before: the span's text is intact).
  if (editEnd <= span.start) return { start: span.start + delta, end: span.end + delta, stale: span.stale };
  // Entirely after it.
  if (edit.offset >= span.end) return span;
  const start = Math.min(span.start, edit.offset);
  const end = Math.max(start, Math.max(span.end, editEnd) + delta);
  return { start, end, stale: true };
}

/**
 * A stale span made current again when the text it now covers holds the analysed text exactly
 * once (an edit was undone, or the same text typed back): the span shrinks to that text. The
 * stretched span of an overlapping edit may cover more than the analysed text, hence the search.
 * Undefined when the analysed text is not there.
 */
export function unstaleSpan(span: TrackedSpan, analysed: string, current: string): TrackedSpan | undefined {
  const at = current.indexOf(analysed);
  if (at === -1 || current.indexOf(analysed, at + 1) !== -1) return undefined;
  return { start: span.start + at, end: span.start + at + analysed.length, stale: false };
}

export interface ShadeOptions {
  /** Leave out special tokens and the first token (attention sinks). */
  readonly hideSinks: boolean;
  /** Number of opacity buckets. */
  readonly buckets: number;
  /** Keys weaker than this fraction of the strongest shown key are not shaded. */
  readonly minRatio: number;
  /** At most this many keys are shaded (the strongest): flat rows would otherwise shade everything. */
  readonly limit: number;
}

export interface ShadedKey {
  readonly index: number;
  readonly weight: number;
  /** weight / strongest shown weight, in (0, 1]. */
  readonly ratio: number;
  /** 0 (faintest) .. buckets - 1 (strongest). */
  readonly bucket: number;
}

/** Whether a key may appear in hovers and shading at all. */
export function keyShown(tokens: readonly SourceToken[], index: number, hideSinks: boolean): boolean {
  const t = tokens[index];
  if (!t) return false;
  return !(hideSinks && (t.special || index === 0)); // the sinks of ALL_SINKS
}

/**
 * The keys of one query row, strongest first, each with its weight relative to the strongest shown.
 * With `hideSinks`, the sink keys are left out and the row renormalised over the rest, as the
 * panel's "hide" options do (shared/renormalize.ts).
 */
export function rankKeys(row: ArrayLike<number>, tokens: readonly SourceToken[], hideSinks: boolean): ShadedKey[] {
  const weights = hideKeys(row, hideSinks ? sinkColumns(tokens, ALL_SINKS) : []);
  const shown: number[] = [];
  for (let i = 0; i < tokens.length && i < weights.length; i++) if (keyShown(tokens, i, hideSinks)) shown.push(i);
  shown.sort((a, b) => weights[b] - weights[a] || a - b);
  const max = shown.length > 0 ? weights[shown[0]] : 0;
  return shown.map((index) => {
    const ratio = max > 0 ? weights[index] / max : 0;
    return { index, weight: weights[index], ratio, bucket: 0 };
  });
}

/** The keys a query shades in the editor: those with a source range, bucketed by relative weight. */
export function shadedKeys(row: ArrayLike<number>, tokens: readonly SourceToken[], query: number, options: ShadeOptions): ShadedKey[] {
  return rankKeys(row, tokens, options.hideSinks)
    .filter((k) => k.index !== query && k.ratio >= options.minRatio && k.ratio > 0)
    .filter((k) => !tokens[k.index].special && tokens[k.index].end > tokens[k.index].start)
    .slice(0, Math.max(0, options.limit))
    .map((k) => ({ ...k, bucket: shadeBucket(k.ratio, options.buckets) }));
}

/** Escape text so Markdown shows it literally (no emphasis, links, HTML or code spans). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&"']/g, (c) => `\\${c}`);
}

/** A `command:` URI with JSON arguments, as Markdown links in hovers use. */
export function commandUri(command: string, args: readonly unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}
