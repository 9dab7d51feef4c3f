/**
 * The side-bar webview: the latest result's heatmap with layer/head controls, reusing the panel's
 * Controls and Heatmap. The host tells it which token the editor cursor is on (FocusToken) and
 * it marks that token's row; layer/head picks go back to the host as SelectionChanged so every
 * view shows the same selection. Clicking a row reveals that token in the editor.
 */
import { matrixRow, topKeys } from '../src/shared/attentionMath';
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
import { hostSelector } from './panelState';

const host = connectHost<unknown>();
let result: ResultSummary | undefined;
let matrix: Float32Array | undefined;
let selector: HeadSelector = { layer: 0, head: 0 };
let focused: number | undefined;
let hoveredRow: number | undefined;
let pendingRequest = 0;
let requestStarted = 0;
let paints = 0;

const status = el('div', { className: 'status', attrs: { id: 'status', role: 'status' }, text: 'Run "Show Attention" on some text to see its heatmap here.' });
const focusLine = el('div', { className: 'summary', attrs: { id: 'focus', 'aria-live': 'polite' } });
const controls = new Controls((next) => {
  selector = hostSelector(next);
  host.postMessage({ type: MessageType.SelectionChanged, layer: selector.layer, head: selector.head });
  requestMatrix();
});
const heatmap = new Heatmap((row) => {
  hoveredRow = row;
});
const canvas = heatmap.canvas;
const band = el('div', { className: 'focus-band', attrs: { 'aria-hidden': 'true' } });
const stage = el('div', { className: 'side-stage' }, heatmap.element, band);

// The shared stylesheet has no rules for these; CSSOM styles are allowed by the CSP.
stage.style.position = 'relative';
Object.assign(band.style, {
  position: 'absolute',
  pointerEvents: 'none',
  display: 'none',
  boxSizing: 'border-box',
  outline: '1px solid var(--vscode-focusBorder)',
  background: 'color-mix(in srgb, var(--vscode-focusBorder) 25%, transparent)',
});
canvas.style.cursor = 'pointer';
canvas.style.width = '100%';

document.getElementById('app')!.append(el('header', {}, controls.element), status, focusLine, stage);

function requestMatrix(): void {
  if (!result) return;
  pendingRequest++;
  requestStarted = performance.now();
  host.postMessage({ type: MessageType.RequestMatrix, requestId: pendingRequest, runId: result.runId, selector });
}

/** Marks the focused token's row over the canvas and describes what it attends to. */
function showFocus(): void {
  document.body.dataset.focused = focused === undefined ? '' : String(focused);
  if (!result || focused === undefined || focused >= result.tokens.length) {
    band.style.display = 'none';
    focusLine.textContent = result ? 'Move the editor cursor onto an analysed token to focus its row.' : '';
    return;
  }
  const size = result.tokens.length;
  const box = canvas.getBoundingClientRect();
  const origin = stage.getBoundingClientRect();
  const rowHeight = box.height / size;
  Object.assign(band.style, {
    display: 'block',
    left: `${box.left - origin.left}px`,
    width: `${box.width}px`,
    top: `${box.top - origin.top + focused * rowHeight}px`,
    height: `${Math.max(2, rowHeight)}px`,
  });
  const name = (i: number) => `#${i} ${JSON.stringify(result!.tokens[i]?.text ?? '')}`;
  let text = `Row ${name(focused)}`;
  if (matrix) {
    const row = matrixRow(matrix, size, focused);
    text += ' → ' + topKeys(row, 3).map((k) => `${name(k)} ${row[k].toFixed(2)}`).join(', ');
  }
  focusLine.textContent = text;
}

canvas.addEventListener('click', () => {
  if (result && hoveredRow !== undefined) host.postMessage({ type: MessageType.RevealToken, runId: result.runId, index: hoveredRow });
});
new ResizeObserver(() => showFocus()).observe(stage);

function onMessage(message: ToWebviewMessage): void {
  switch (message.type) {
    case MessageType.ShowResult:
      result = message.result;
      matrix = undefined;
      focused = undefined;
      selector = {
        layer: Math.min(selector.layer, result.layers - 1),
        head: typeof selector.head === 'number' ? Math.min(selector.head, result.heads - 1) : selector.head,
      };
      controls.setShape(result.layers, result.heads, selector);
      status.textContent = `${result.source} · ${result.tokens.length} tokens · ${result.modelName}`;
      showFocus();
      requestMatrix();
      break;
    case MessageType.ShowSelection:
      selector = message.selector;
      if (result) {
        controls.setShape(result.layers, result.heads, selector);
        requestMatrix();
      }
      break;
    case MessageType.ShowMatrix: {
      if (!result || message.runId !== result.runId || message.requestId !== pendingRequest) return;
      const next = matrixFromMessage(message);
      if (!next || message.size !== result.tokens.length) return;
      matrix = next;
      heatmap.draw(matrix, message.size, result.tokens);
      const runId = result.runId;
      requestAnimationFrame(() => {
        showFocus();
        document.body.dataset.paintedRun = String(runId);
        document.body.dataset.paints = String(++paints);
        host.postMessage({ type: MessageType.Painted, runId, paintMs: performance.now() - requestStarted });
      });
      break;
    }
    case MessageType.FocusToken:
      if (result && message.runId === result.runId) {
        focused = message.index;
        showFocus();
      }
      break;
    case MessageType.ShowStatus:
      if (message.message) status.textContent = message.message;
      else if (result) status.textContent = `${result.source} · ${result.tokens.length} tokens · ${result.modelName}`;
      status.dataset.state = message.state;
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => onMessage(event.data));
host.postMessage({ type: MessageType.Ready });
