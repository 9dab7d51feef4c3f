/**
 * The Attention Lens panel webview: controls, token view and heatmap for one result.
 * It asks the host for the matrix it draws and drops replies that no longer match.
 */
import { matrixRow } from '../src/shared/attentionMath';
import {
  MessageType,
  matrixFromMessage,
  type HeadSelector,
  type ResultSummary,
  type ToWebviewMessage,
} from '../src/shared/protocol';
import { Controls } from './controls';
import { el } from './dom';
import { Heatmap } from './heatmap';
import { connectHost } from './host';
import { fitState, restoreState, type PanelState } from './panelState';
import { TokenView } from './tokenView';

const host = connectHost<PanelState>();
let state = restoreState(host.getState());
let result: ResultSummary | undefined;
let matrix: Float32Array | undefined;
let pendingRequest = 0;
let requestStarted = 0;
let hovered: number | undefined;
let paints = 0;

const status = el('div', { className: 'status', attrs: { id: 'status', role: 'status' }, text: 'Select text and run "Show Attention".' });
const summaryLine = el('div', { className: 'summary', attrs: { id: 'summary' } });
const controls = new Controls((selector) => {
  save({ ...state, layer: selector.layer, head: selector.head });
  host.postMessage({ type: MessageType.SelectionChanged, layer: selector.layer, head: selector.head });
  requestMatrix();
});
const tokenView = new TokenView({
  onHover: (index) => {
    hovered = index;
    shade();
  },
  onClick: (index) => {
    save({ ...state, pinned: state.pinned === index ? undefined : index });
    shade();
  },
  onReveal: (index) => {
    if (result) host.postMessage({ type: MessageType.RevealToken, runId: result.runId, index });
  },
});
const heatmap = new Heatmap((row) => {
  hovered = row;
  shade();
});
const app = document.getElementById('app')!;
app.append(
  el('header', {}, controls.element, summaryLine),
  status,
  el('main', { className: 'views' }, el('section', { className: 'pane tokens-pane' }, tokenView.element), el('section', { className: 'pane matrix-pane' }, heatmap.element)),
);

function save(next: PanelState): void {
  state = next;
  host.setState(state);
}

function selector(): HeadSelector {
  return { layer: state.layer, head: state.head };
}

function requestMatrix(): void {
  if (!result) return;
  pendingRequest++;
  requestStarted = performance.now();
  host.postMessage({ type: MessageType.RequestMatrix, requestId: pendingRequest, runId: result.runId, selector: selector() });
}

function shade(): void {
  const query = hovered ?? state.pinned;
  if (!result || !matrix || query === undefined) {
    tokenView.shade(undefined, undefined);
    return;
  }
  tokenView.shade(matrixRow(matrix, result.tokens.length, query), query);
}

function showResult(next: ResultSummary): void {
  result = next;
  matrix = undefined;
  save(fitState(state, next.layers, next.heads, next.tokens.length));
  controls.setShape(next.layers, next.heads, selector());
  tokenView.render(next.text, next.tokens);
  const t = next.timings;
  summaryLine.textContent =
    `${next.source} · ${next.tokens.length} tokens${next.truncated ? ' (truncated)' : ''} · ${next.modelName} · ${next.backend} · ` +
    (t.load > 0 ? `model load ${t.load.toFixed(0)} ms · ` : '') +
    `tokenize ${t.tokenize.toFixed(0)} ms · inference ${t.inference.toFixed(0)} ms · transfer ${t.transfer.toFixed(0)} ms`;
  status.textContent = 'Hover a token to see what it attends to; click to pin it; double-click to reveal it in the editor.';
  status.dataset.state = 'idle';
  requestMatrix();
}

function onMessage(message: ToWebviewMessage): void {
  switch (message.type) {
    case MessageType.ShowResult:
      showResult(message.result);
      break;
    case MessageType.ShowMatrix: {
      // Drop stale replies: an older run, or a request the user has since replaced.
      if (!result || message.runId !== result.runId || message.requestId !== pendingRequest) return;
      const next = matrixFromMessage(message);
      if (!next || message.size !== result.tokens.length) return;
      matrix = next;
      heatmap.draw(matrix, message.size, result.tokens);
      shade();
      const runId = result.runId;
      requestAnimationFrame(() => {
        document.body.dataset.paintedRun = String(runId);
        document.body.dataset.paints = String(++paints);
        host.postMessage({ type: MessageType.Painted, runId, paintMs: performance.now() - requestStarted });
      });
      break;
    }
    case MessageType.ShowSelection: {
      // Another view (or a setting) changed the shared layer/head: follow it.
      if (message.selector.layer === state.layer && message.selector.head === state.head) return;
      save({ ...state, layer: message.selector.layer, head: message.selector.head });
      if (result) {
        save(fitState(state, result.layers, result.heads, result.tokens.length));
        controls.setShape(result.layers, result.heads, selector());
        requestMatrix();
      }
      break;
    }
    case MessageType.FocusToken:
      if (result && message.runId === result.runId) {
        save({ ...state, pinned: message.index });
        shade();
      }
      break;
    case MessageType.ShowStatus:
      status.textContent = message.message;
      status.dataset.state = message.state;
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => onMessage(event.data));
host.postMessage({ type: MessageType.Ready });
