/**
 * The sentences the panel writes about what it shows: the shown head, the focused tokens, the
 * folded display options, the result's summary line and banner, each view's usage hint. One
 * place for them, so the token view's description and an exported figure's title say the same.
 */
import { cutMessage } from '../src/shared/analysisCut';
import type { ResultSummary, TokenInfo } from '../src/shared/protocol';
import { escapedText } from '../src/shared/tokenText';
import { l10n } from './l10n';
import type { PanelState, ViewTab } from './panelState';

/** "layer 2, head 3", "layer 2, mean of heads", "rollout to layer 2". */
export function headName(state: Pick<PanelState, 'layer' | 'head'>): string {
  if (state.head === 'rollout') return l10n.t('rollout to layer {0}', state.layer);
  if (typeof state.head === 'number') return l10n.t('layer {0}, head {1}', state.layer, state.head);
  return state.head === 'mean' ? l10n.t('layer {0}, mean of heads', state.layer) : l10n.t('layer {0}, max of heads', state.layer);
}

/** `#3 "foo"`: a token by index and text (escaped); empty text when `tokens` has no such token. */
export function tokenLabel(tokens: readonly TokenInfo[] | undefined, index: number): string {
  return `#${index} "${escapedText(tokens?.[index]?.text ?? '')}"`;
}

/** '#3 "foo" attends to', or the span's first and last tokens. */
export function focusName(state: Pick<PanelState, 'direction' | 'spanMode'>, tokens: readonly TokenInfo[] | undefined, focus: readonly number[]): string {
  const what = state.direction === 'to' ? l10n.t('attends to') : l10n.t('is attended by');
  const name = (i: number) => tokenLabel(tokens, i);
  const who = focus.length === 1 ? name(focus[0]) : l10n.t('span {0} … {1} ({2} tokens, {3})', name(focus[0]), name(focus[focus.length - 1]), focus.length, state.spanMode === 'mean' ? l10n.t('mean') : l10n.t('sum'));
  return `${who} ${what}`;
}

/** The folded display options' one line: what they are set to now. */
export function displayLine(state: PanelState): string {
  const parts = [
    state.direction === 'to' ? l10n.t('attends to') : l10n.t('attended by'),
    ...(state.threshold > 0 ? [`≥ ${state.threshold.toFixed(2)}`] : []),
    ...(state.hideFirst ? [l10n.t('no first token')] : []),
    ...(state.hideSpecial ? [l10n.t('no specials')] : []),
    state.color === 'sqrt' ? l10n.t('√ scale') : state.color === 'linear' ? l10n.t('linear') : l10n.t('per-row max'),
  ];
  return l10n.t('Display: {0}', parts.join(' · '));
}

/** The summary line under the header (`text`), and its tooltip of stage timings for developers (`title`). */
export function summaryLine(result: ResultSummary): { text: string; title: string } {
  const t = result.timings;
  return {
    text: `${l10n.t('{0} · {1} tokens', result.source, result.tokens.length)}${result.truncated ? ` ${result.cut?.memoryBound ? l10n.t('(memory limit)') : l10n.t('(token limit)')}` : ''} · ${result.modelName}${result.found ? ` (${result.found})` : ''} · ${result.backend}`,
    title:
      (t.load > 0 ? `${l10n.t('model load {0} ms', t.load.toFixed(0))} · ` : '') +
      l10n.t('tokenize {0} ms · inference {1} ms · transfer {2} ms · total {3} ms', t.tokenize.toFixed(0), t.inference.toFixed(0), t.transfer.toFixed(0), t.total.toFixed(0)),
  };
}

/** The banner for a run that did not analyse all it was given (cut, or at the token limit); undefined otherwise. */
export function cutBanner(result: ResultSummary): string | undefined {
  if (result.cut) return `${cutMessage(result.cut, l10n)} ${l10n.t('Select a later span to see the rest.')}`;
  return result.truncated ? l10n.t('Analysed the first {0} tokens only (the token limit): {1}.', result.tokens.length, result.source) : undefined;
}

/** The usage hint of a view; views that carry their own (matrix, model, math) get none. */
export function viewHint(tab: ViewTab): string {
  return tab === 'tokens' ? l10n.t('Hover a token to see what it attends to; click to pin it; shift-click for a span; double-click to reveal it in the editor.') : '';
}
