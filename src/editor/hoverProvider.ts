/**
 * Hover tooltips on analysed tokens: the token (text, id), then the tokens it attends to most in
 * the current layer/head as a table: weight, share of the strongest (percent) and a link that
 * reveals it in the editor; then a link that opens the panel on the token. Outside the latest
 * run's tokens (or once its text was edited) there is no hover.
 */
import * as vscode from 'vscode';
import type { AttentionRun } from '../attention/attentionRun';
import { describeSelector, type ShownHead } from '../attention/shownHead';
import { matrixRow } from '../shared/attentionMath';
import { readSettings } from '../settings';
import type { MatrixCache } from './matrixCache';
import type { StaleTracker } from './staleTracking';
import { quotedText } from '../shared/tokenText';
import { commandUri, escapeMarkdown, rankKeys } from './tokenGeometry';

export const REVEAL_TOKEN_COMMAND = 'attentionLens.revealToken';
export const OPEN_PANEL_COMMAND = 'attentionLens.openPanel';
/** The only commands a hover's links may run. */
export const HOVER_COMMANDS: readonly string[] = [REVEAL_TOKEN_COMMAND, OPEN_PANEL_COMMAND];
export const HOVER_TOP_KEYS = 5;

export class AttentionHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly tracker: StaleTracker,
    private readonly selection: ShownHead,
    private readonly matrices: MatrixCache,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const run = this.tracker.runFor(document);
    const index = this.tracker.tokenAt(document, position);
    if (!run || index === undefined) return undefined;
    const range = this.tracker.tokenRange(document, index);
    const markdown = hoverMarkdown(run, index, this.selection, this.matrices, readSettings().hideSinkTokens);
    return markdown ? new vscode.Hover(markdown, range) : undefined;
  }
}

export function hoverMarkdown(
  run: AttentionRun,
  index: number,
  selection: ShownHead,
  matrices: MatrixCache,
  hideSinks: boolean,
): vscode.MarkdownString | undefined {
  const token = run.tokens[index];
  const matrix = matrices.get(run, selection.selector);
  if (!token || !matrix) return undefined;
  const row = matrixRow(matrix, run.tokens.length, index);
  const keys = rankKeys(row, run.tokens, hideSinks).slice(0, HOVER_TOP_KEYS);
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
  md.appendMarkdown(
    `**Attention Lens** · ${vscode.l10n.t('token #{0} {1} · id {2}', index, escapeMarkdown(quotedText(token.text)), token.id)}  \n` +
      `${escapeMarkdown(describeSelector(selection.selector, vscode.l10n))} · ${escapeMarkdown(run.model.name)} — ${vscode.l10n.t('attends most to:')}\n\n`,
  );
  const rows: string[] = [];
  for (const key of keys) {
    const target = run.tokens[key.index];
    const label = `#${key.index} ${escapeMarkdown(quotedText(target.text))}`;
    // Special tokens have no place in the source, so they get no reveal link.
    const name = target.special || target.end === target.start
      ? label
      : `[${label}](${commandUri(REVEAL_TOKEN_COMMAND, [run.runId, key.index])} "${vscode.l10n.t('Reveal in the editor')}")`;
    rows.push(`| ${key.weight.toFixed(3)} | ${Math.round(key.ratio * 100)}% | ${name} |`);
  }
  // A table of numbers, not block-character bars (a screen reader reads a bar out glyph by glyph);
  // each link alone in its cell, so it needs no underline to stand out from surrounding text.
  if (rows.length > 0) md.appendMarkdown(`| ${vscode.l10n.t('Weight')} | ${vscode.l10n.t('Share')} | ${vscode.l10n.t('Token')} |\n|---:|---:|---|\n${rows.join('\n')}\n\n`);
  md.appendMarkdown(`\n[$(preview) ${vscode.l10n.t('Open the panel on this token')}](${commandUri(OPEN_PANEL_COMMAND, [run.runId, index])})`);
  return md;
}
