/** Decides which text of an editor Show Attention analyses. */
import * as vscode from 'vscode';

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

/** "file.ts:3-10" for the lines a span of the document covers. */
export function describeSpan(document: vscode.TextDocument, start: number, end: number): string {
  const name = document.uri.path.split('/').pop() || document.uri.toString();
  const first = document.positionAt(start).line + 1;
  const last = document.positionAt(Math.max(start, end - 1)).line + 1;
  return first === last ? `${name}:${first}` : `${name}:${first}-${last}`;
}
