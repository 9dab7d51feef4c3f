/**
 * The text a CLI run analyses, taken from a file exactly as the extension takes it from an editor:
 * the byte-order mark is not text, line breaks are LF, CRLF and lone CR, and a range is
 * 1-based line:column with the end exclusive. Errors are CliUsageErrors that speak CLI.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { documentText as visibleText, lineStarts, offsetAt, positionAt } from '../shared/textPositions';
import { CliUsageError, type CliRange } from './cliArgs';

export interface CliText {
  /** The whole file as the user sees it (no BOM). */
  readonly documentText: string;
  /** UTF-16 offsets of the analysed range in documentText. */
  readonly startOffset: number;
  readonly endOffset: number;
  /** 0-based line of startOffset. */
  readonly startLine: number;
}

/** The range of `decoded` (the file's UTF-8 text) to analyse. Throws CliUsageError for a range past the end or blank text. */
export function selectText(decoded: string, range: CliRange | undefined, file: string): CliText {
  const documentText = visibleText(decoded);
  const starts = lineStarts(documentText);
  if (range && range.start.line >= starts.length) {
    throw new CliUsageError(`--range starts at line ${range.start.line + 1}, past the end of ${file} (${starts.length} line${starts.length === 1 ? '' : 's'})`);
  }
  const startOffset = range ? offsetAt(documentText, starts, range.start) : 0;
  const endOffset = range ? offsetAt(documentText, starts, range.end) : documentText.length;
  if (range && startOffset >= endOffset) {
    throw new CliUsageError(`--range starts at line ${range.start.line + 1}, column ${range.start.character + 1}, past the end of that line or of ${file}`);
  }
  if (documentText.slice(startOffset, endOffset).trim() === '') throw new CliUsageError(NOTHING_TO_ANALYSE);
  return { documentText, startOffset, endOffset, startLine: positionAt(starts, startOffset).line };
}

/** Said for blank text and for text made only of characters the tokenizer drops. */
export const NOTHING_TO_ANALYSE = 'the file or range holds only whitespace or characters the tokenizer drops: nothing to analyse';

/** Fails before any model is loaded when the input is a folder or absent, or an output cannot be written. */
export async function checkPaths(file: string, outputs: readonly (string | undefined)[]): Promise<void> {
  const input = await stat(file).catch(() => undefined);
  if (!input) throw new CliUsageError(`cannot read ${file}: no such file`);
  if (input.isDirectory()) throw new CliUsageError(`${file} is a folder: give a file to analyse`);
  for (const output of outputs) {
    if (output === undefined) continue;
    const existing = await stat(output).catch(() => undefined);
    if (existing?.isDirectory()) throw new CliUsageError(`cannot write ${output}: it is a folder; give a file name`);
    const folder = await stat(dirname(resolve(output))).catch(() => undefined);
    if (!folder?.isDirectory()) throw new CliUsageError(`cannot write ${output}: the folder ${dirname(resolve(output))} does not exist`);
  }
}

/** A model-loading message as the CLI says it: --model DIR instead of the extension's command. */
export function cliModelMessage(message: string): string {
  return message.replace(/run "Attention Lens: Select Model…" to choose another folder or go back to the bundled model\./g, 'give another folder with --model DIR, or leave --model out for the bundled model.');
}
