/** Decides which text of an editor Show Attention analyses. */
import * as vscode from 'vscode';
import type { AnalysisOrigin } from '../shared/analysisCut';

export interface AnalysisTarget {
  readonly document: vscode.TextDocument;
  readonly text: string;
  /** Document offset of the first character of `text`. */
  readonly baseOffset: number;
  /** True when nothing was selected and the whole document is used. */
  readonly wholeDocument: boolean;
}

/** The primary selection, or the whole document when the selection is empty. */
export function analysisTarget(editor: vscode.TextEditor): AnalysisTarget {
  const { document, selection } = editor;
  const range = selection.isEmpty ? new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)) : selection;
  return {
    document,
    text: document.getText(range),
    baseOffset: document.offsetAt(range.start),
    wholeDocument: selection.isEmpty,
  };
}

/** Where a target's text starts and where it ends, for the cut of a truncated run. */
export function analysisOrigin(document: vscode.TextDocument, baseOffset: number, length: number): AnalysisOrigin {
  const start = document.positionAt(baseOffset);
  return { start: { line: start.line, character: start.character }, requestedLastLine: document.positionAt(baseOffset + Math.max(0, length - 1)).line };
}

/**
 * "file.ts:3-10" for the lines a span of the document covers; "file.ts:1-3 (to col 16)" when the
 * span ends inside its last line (a cut mid-line: line 3 was not analysed to its end).
 */
export function describeSpan(document: vscode.TextDocument, start: number, end: number): string {
  const name = document.uri.path.split('/').pop() || document.uri.toString();
  const first = document.positionAt(start).line + 1;
  const lastChar = document.positionAt(Math.max(start, end - 1));
  const last = lastChar.line + 1;
  const lines = first === last ? `${name}:${first}` : `${name}:${first}-${last}`;
  const lineEnd = document.lineAt(lastChar.line).range.end.character;
  // lastChar.character is 0-based: the 1-based column of the last analysed character is one more.
  return end > start && lastChar.character + 1 < lineEnd ? `${lines} (to col ${lastChar.character + 1})` : lines;
}
