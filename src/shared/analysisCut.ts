/**
 * Where an analysis that hit the token limit stopped, in the document's lines and columns, and
 * the sentence the panel and the notification say it with. Pure: the host computes the cut once
 * per run (attention/analyzer.ts), the webview only formats it.
 */
import { ENGLISH, type Translator } from './translator';

/** A place in a document: 0-based line and UTF-16 character, as vscode.Position. */
export interface TextPlace {
  readonly line: number;
  readonly character: number;
}

/** Where the text sent for analysis starts, and where what was asked for ends. */
export interface AnalysisOrigin {
  /** Position of the first character of the requested text (0-based, vscode.Position). */
  readonly start: TextPlace;
  /** 0-based line of the last character of the requested text. */
  readonly requestedLastLine: number;
}

/**
 * A cut analysis. Lines are 1-based and columns 1-based in UTF-16 units, as the editor's status
 * bar shows them ("Ln 3, Col 17").
 */
export interface AnalysisCut {
  /** First analysed line. */
  readonly firstLine: number;
  /** Last line holding analysed text. */
  readonly lastLine: number;
  /** When the cut falls inside `lastLine`: the column of its last analysed character. */
  readonly lastColumn: number | undefined;
  /** Last line of what was asked for (the selection, or the document). */
  readonly requestedLastLine: number;
  /** The limit that cut it: min(attentionLens.maxTokens, the model's context), in tokens, or
   *  lower where the attention of more tokens would not fit in memory (`memoryBound`). */
  readonly tokenLimit: number;
  /** True when the memory budget, not the setting or the context, set `tokenLimit`. */
  readonly memoryBound?: boolean;
}

/** The position just after `text` when it starts at `start`. */
export function placeAfter(start: TextPlace, text: string): TextPlace {
  let line = start.line;
  let lineStart = -1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i;
  }
  return { line, character: lineStart === -1 ? start.character + text.length : text.length - lineStart - 1 };
}

/**
 * The cut of an analysis of `text` (starting at `origin.start`) that kept its first `end` UTF-16
 * units. `rest` is the text after the kept part up to the end of its line (or more): it tells
 * whether the cut falls inside a line (the line goes on) or at its end.
 */
export function analysisCut(origin: AnalysisOrigin, text: string, end: number, tokenLimit: number, memoryBound = false): AnalysisCut {
  const kept = text.slice(0, end);
  const stop = placeAfter(origin.start, kept);
  const next = text.charAt(end);
  // A cut right after a line break ends the previous line; one before a line break (or at the
  // end of the text) ends its own line; anywhere else it falls inside the line.
  const atLineStart = stop.character === 0 && stop.line > origin.start.line;
  const atLineEnd = next === '' || next === '\n' || next === '\r';
  const lastLine = atLineStart ? stop.line - 1 : stop.line;
  return {
    firstLine: origin.start.line + 1,
    lastLine: lastLine + 1,
    lastColumn: atLineStart || atLineEnd ? undefined : stop.character,
    requestedLastLine: Math.max(origin.requestedLastLine, lastLine) + 1,
    tokenLimit,
    ...(memoryBound ? { memoryBound } : {}),
  };
}

/**
 * "Analysed lines 1–42 of 400 lines (512-token limit).", or, when the cut falls inside a line,
 * "Analysed line 1 to line 3, column 16, of 400 lines (512-token limit)."; a cut set by the memory
 * budget says so: "(1672 tokens: the most whose attention fits in memory)". `l10n` words it in
 * the display language (English by default).
 */
export function cutMessage(cut: AnalysisCut, l10n: Translator = ENGLISH): string {
  const { firstLine, lastLine, lastColumn, requestedLastLine } = cut;
  let what: string;
  if (lastColumn !== undefined) {
    what = firstLine === lastLine ? l10n.t('line {0} up to column {1}', lastLine, lastColumn) : l10n.t('line {0} to line {1}, column {2},', firstLine, lastLine, lastColumn);
  } else {
    what = firstLine === lastLine ? l10n.t('line {0}', lastLine) : l10n.t('lines {0}–{1}', firstLine, lastLine);
  }
  const whole = firstLine === requestedLastLine ? l10n.t('line {0}', firstLine) : firstLine === 1 ? l10n.t('{0} lines', requestedLastLine) : l10n.t('lines {0}–{1}', firstLine, requestedLastLine);
  return cut.memoryBound
    ? l10n.t('Analysed {0} of {1} ({2} tokens: the most whose attention fits in memory).', what, whole, cut.tokenLimit)
    : l10n.t('Analysed {0} of {1} ({2}-token limit).', what, whole, cut.tokenLimit);
}
