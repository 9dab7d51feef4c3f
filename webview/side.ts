/**
 * The side-bar webview: the latest result's heatmap with layer/head controls, reusing the panel's
 * Controls and Heatmap and the HostChannel. The host tells it which token the editor cursor is on
 * (FocusToken) and the heatmap marks that token's row; layer/head picks go back to the host as HeadPicked so every
 * view shows the same selection. Clicking a row reveals that token in the editor.
 */
import { clampSelector, topKeys } from '../src/shared/attentionMath';
import { MessageType, matrixFromMessage, type HeadSelector, type ResultSummary } from '../src/shared/protocol';
import { quotedText } from '../src/shared/tokenText';
import { Controls } from './controls';
import { l10n } from './l10n';
import { el } from './dom';
import { Heatmap } from './heatmap';
import { ExactWeights, rowQuery } from './exactWeights';
import { HostChannel, type HostMessage } from './host';
import { hostSelector } from './panelState';

const host = new HostChannel<unknown>(onMessage);
const exactWeights = new ExactWeights(host);
/** The side view hides no sink keys: its rows are the model's own. */
const NO_SINKS = { first: false, special: false };
let result: ResultSummary | undefined;
let matrix: Float32Array | undefined;
let selector: HeadSelector = { layer: 0, head: 0 };
let focused: number | undefined;
let hoveredRow: number | undefined;

const status = el('div', { className: 'status', attrs: { id: 'status', role: 'status' }, text: l10n.t('Run "Show Attention" on some text to see its heatmap here.') });
const focusLine = el('div', { className: 'summary', attrs: { id: 'focus', 'aria-live': 'polite' } });
const controls = new Controls((next) => {
  selector = hostSelector(next);
  host.post({ type: MessageType.HeadPicked, layer: selector.layer, head: selector.head });
  requestMatrix();
});
const heatmap = new Heatmap(
  (row) => {
    hoveredRow = row;
  },
  // Enter on the focused canvas reveals the crosshair's query token, as a click does.
  {
    onPickRow: (row) => result && host.post({ type: MessageType.RevealToken, runId: result.runId, index: row }),
    readWeight: async (row, col) => (result ? (await exactWeights.read('readout', result.runId, result.tokens.length, rowQuery(selector, false, row, NO_SINKS)))?.[col] : undefined),
  },
);
const canvas = heatmap.canvas;
canvas.style.cursor = 'pointer';
canvas.style.width = '100%';

document.getElementById('app')!.append(el('header', {}, controls.element), status, focusLine, heatmap.element);

function requestMatrix(): void {
  if (!result) return;
  const { runId } = result;
  const asked = performance.now();
  void host.request('matrix', (requestId) => ({ type: MessageType.RequestMatrix, requestId, runId, selector, exact: false })).then((message) => {
    if (!message || !result || message.runId !== result.runId) return;
    const next = matrixFromMessage(message);
    if (!next || message.size !== result.tokens.length) return;
    matrix = next;
    heatmap.draw(matrix, message.size, result.tokens);
    showFocus();
    host.painted(runId, asked);
  });
}

/** Marks the focused token's row in the heatmap and describes what it attends to. */
function showFocus(): void {
  document.body.dataset.focused = focused === undefined ? '' : String(focused);
  if (!result || focused === undefined || focused >= result.tokens.length) {
    heatmap.markRow(undefined);
    focusLine.textContent = result ? l10n.t('Move the editor cursor onto an analysed token to focus its row.') : '';
    return;
  }
  heatmap.markRow(focused);
  const current = result;
  const row = focused;
  const name = (i: number) => `#${i} ${quotedText(current.tokens[i]?.text ?? '')}`;
  focusLine.textContent = l10n.t('Row {0}', name(row));
  if (!matrix) return;
  // The strongest keys with the model's float32 weights (the drawn matrix is compact).
  const shown = selector;
  void exactWeights.read('focus', current.runId, current.tokens.length, rowQuery(shown, false, row, NO_SINKS)).then((weights) => {
    if (!weights || result !== current || focused !== row || selector !== shown) return;
    focusLine.textContent = l10n.t('Row {0}', name(row)) + ' → ' + topKeys(weights, 3).map((k) => `${name(k)} ${weights[k].toFixed(2)}`).join(', ');
  });
}

canvas.addEventListener('click', () => {
  if (result && hoveredRow !== undefined) host.post({ type: MessageType.RevealToken, runId: result.runId, index: hoveredRow });
});

/** `sample.ts:1-40 · 120 tokens · model`: what the shown result analysed. */
function sourceLine(shown: ResultSummary): string {
  return l10n.t('{0} · {1} tokens · {2}', shown.source, shown.tokens.length, shown.modelName);
}

function onMessage(message: HostMessage): void {
  switch (message.type) {
    case MessageType.ShowResult:
      result = message.result;
      matrix = undefined;
      focused = undefined;
      selector = clampSelector(selector, result.layers, result.heads);
      controls.setShape(result.layers, result.heads, selector);
      status.textContent = sourceLine(result);
      showFocus();
      requestMatrix();
      break;
    case MessageType.ShowHead:
      selector = message.selector;
      if (result) {
        controls.setShape(result.layers, result.heads, selector);
        requestMatrix();
      }
      break;
    case MessageType.FocusToken:
      if (result && message.runId === result.runId) {
        focused = message.index;
        showFocus();
      }
      break;
    case MessageType.ShowStatus:
      if (message.message) status.textContent = message.message;
      else if (result) status.textContent = sourceLine(result);
      status.dataset.state = message.state;
      break;
  }
}

host.post({ type: MessageType.Ready });
