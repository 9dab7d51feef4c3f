/**
 * The Attention Lens panel webview: always-visible controls, and four views on tabs (tokens,
 * matrix, model, math). It asks the host for the slices it draws (one matrix, thumbnails, one
 * query's math) through the HostChannel, which keeps only the latest request of each kind; replies
 * for a run no longer shown are dropped here.
 */
import {
  MessageType,
  floatsFromBuffer,
  matrixFromMessage,
  type ResultSummary,
  type ShowMatrixMessage,
  type ShowResultMessage,
  type ShowQueryMathMessage,
  type ShowThumbnailsMessage,
  type ExportFormat,
  HEAD_SCORE_NAMES,
} from '../src/shared/protocol';
import { focusWeights, hideColumns, sinkColumns } from '../src/shared/renormalize';
import { matrixSvg, tokensSvg } from '../src/shared/svgFigure';
import { chipLabel, layoutTokens } from '../src/shared/tokenLayout';
import { cutMessage } from '../src/shared/analysisCut';
import { Banners } from './banners';
import { Controls, DisplayControls, type Selection } from './controls';
import { el } from './dom';
import { ExportBar, svgToPng } from './exportBar';
import { Heatmap } from './heatmap';
import { ExactWeights, rowQuery, type WeightsQuery } from './exactWeights';
import { HostChannel, type HostMessage } from './host';
import { MathView } from './mathView';
import { ModelView, THUMB_SIDE } from './modelView';
import { fitState, hostSelector, restoreState, type PanelState, type ViewTab } from './panelState';
import { Tabs } from './tabs';
import { TokenView } from './tokenView';
import { escapedText } from '../src/shared/tokenText';
import { firstLineOf } from './accessibleNames';
import { FIT } from './viewport';
import { runOnWebGpu } from './webGpuClient';
import { l10n } from './l10n';

/** Panels narrower than this (CSS px) open with the display options folded. */
const DISPLAY_OPEN_WIDTH = 420;

const host = new HostChannel<PanelState>(onMessage);
const exactWeights = new ExactWeights(host);
let state = restoreState(host.getState());
let result: ResultSummary | undefined;
/** The matrix as the host sent it, and as drawn (sink columns hidden, rows renormalised). */
let rawMatrix: Float32Array | undefined;
let matrix: Float32Array | undefined;
let hovered: number | undefined;
/** When the matrix on its way was asked for (performance.now()), for the paint report. */
let matrixAsked = 0;
let thumbsFor: string | undefined;
/** The shading drawn last (what the tokens figure shows); `exact` once the host's float32 weights are in. */
let shaded: { weights: Float32Array; focus: number[]; query: WeightsQuery; exact: boolean } | undefined;
/** Set by a keyboard move: the next shade() scrolls the active token into view. */
let scrollToActive = false;

const status = el('div', { className: 'status', attrs: { id: 'status', role: 'status' }, text: l10n.t('Select text and run "Show Attention".') });
const summaryLine = el('div', { className: 'summary', attrs: { id: 'summary' } });
/** Why the shown head was chosen for the user (the run's most informative head); empty otherwise. */
const headNote = el('div', { className: 'summary head-note', attrs: { id: 'head-note', role: 'status' } });
const banners = new Banners(() => {
  if (!result) return;
  host.post({ type: MessageType.Rerun, runId: result.runId });
});
const controls = new Controls((selection) => pick(selection), { rollout: true });
const display = new DisplayControls((settings) => {
  const sinksChanged = settings.hideFirst !== state.hideFirst || settings.hideSpecial !== state.hideSpecial;
  save({ ...state, ...settings });
  if (sinksChanged) {
    deriveMatrix();
    if (state.tab === 'model') requestThumbnails();
  } else {
    heatmap.setDisplay({ mode: state.color, threshold: state.threshold });
  }
  shade();
});
const tokenView = new TokenView({
  onHover: (index) => {
    hovered = index;
    shade();
  },
  onClick: (index, extend) => {
    if (extend && state.pinned !== undefined) {
      save({ ...state, span: { start: Math.min(state.pinned, index), end: Math.max(state.pinned, index) } });
    } else {
      save({ ...state, pinned: state.pinned === index && !state.span ? undefined : index, span: undefined });
    }
    shade();
  },
  onReveal: (index) => {
    if (result) host.post({ type: MessageType.RevealToken, runId: result.runId, index });
  },
  onStep: (delta, extend, byLine) => {
    if (!result) return;
    const last = result.tokens.length - 1;
    const from = state.span && extend ? (state.span.end > (state.pinned ?? 0) ? state.span.end : state.span.start) : (state.pinned ?? -1);
    const to = byLine ? (from < 0 ? 0 : tokenView.lineNeighbour(from, delta)) : Math.max(0, Math.min(last, from + delta));
    if (extend && state.pinned !== undefined) save({ ...state, span: { start: Math.min(state.pinned, to), end: Math.max(state.pinned, to) } });
    else save({ ...state, pinned: to, span: undefined });
    hovered = undefined;
    scrollToActive = true;
    shade();
  },
});
const heatmap = new Heatmap(
  (row) => {
    hovered = row;
    shade();
  },
  {
    interactive: true,
    onZoom: (zoom) => save({ ...state, zoom }),
    onPickRow: (row) => {
      save({ ...state, pinned: row, span: undefined });
      shade();
    },
    readWeight: async (row, col) => {
      if (!result) return undefined;
      const query = rowQuery(hostSelector(state), state.head === 'rollout', row, sinks());
      return (await exactWeights.read('readout', result.runId, result.tokens.length, query))?.[col];
    },
  },
);
const modelView = new ModelView({
  onPick: (layer, head) => pick({ layer, head }),
  onSort: (sort) => save({ ...state, sort }),
  onPool: (pool) => {
    save({ ...state, pool });
    requestThumbnails();
  },
});
const mathView = new MathView({
  onQuery: (query) => {
    save({ ...state, pinned: query, span: undefined });
    requestMath();
    shade();
  },
  onShowAll: (all) => save({ ...state, mathAll: all }),
});

const exportBar = new ExportBar((format) => void exportView(format));

const panes: Record<ViewTab, HTMLElement> = {
  tokens: el('section', { className: 'pane tokens-pane' }, tokenView.element),
  matrix: el('section', { className: 'pane matrix-pane' }, heatmap.element),
  model: el('section', { className: 'pane model-pane' }, modelView.element),
  math: el('section', { className: 'pane math-pane' }, mathView.element),
};
const tabs = new Tabs<ViewTab>(
  [
    { id: 'tokens', label: l10n.t('Tokens'), panel: panes.tokens },
    { id: 'matrix', label: l10n.t('Matrix'), panel: panes.matrix },
    { id: 'model', label: l10n.t('Model'), panel: panes.model },
    { id: 'math', label: l10n.t('Math'), panel: panes.math },
  ],
  (tab) => {
    save({ ...state, tab });
    showTab();
  },
);
// The header holds what every view needs at hand: tabs, export, layer/head and the display
// options (one wrapping row). The summary, banners and hint scroll with the content.
// In a narrow panel the display options start folded into one line that says what they are set to.
const displaySummary = el('summary', { attrs: { id: 'display-summary', title: l10n.t('Direction, hidden weights and tokens, colour scale') } });
const displayOptions = el('details', { className: 'display-options' }, displaySummary, display.element);
const wide = window.matchMedia(`(min-width: ${DISPLAY_OPEN_WIDTH}px)`);
displayOptions.open = wide.matches;
// Fold or unfold when the panel crosses the width (moved to another group, the window resized).
wide.addEventListener('change', (e) => (displayOptions.open = e.matches));
const header = el('header', {}, el('div', { className: 'tab-row' }, tabs.element, exportBar.element), el('div', { className: 'options-row' }, controls.element, displayOptions));
document.getElementById('app')!.append(header, summaryLine, headNote, banners.element, status, el('main', { className: 'views' }, ...Object.values(panes)));
// Scrolling something into view (a focused token, a control) keeps it clear of a sticky header;
// the CSS makes the header sticky only where there is room for it.
new ResizeObserver(() => {
  const sticky = getComputedStyle(header).position === 'sticky';
  document.documentElement.style.setProperty('--header-height', `${sticky ? header.offsetHeight : 0}px`);
}).observe(header);
tabs.show(state.tab);
display.set(state);
describeDisplay();
modelView.setOptions(state.sort, state.pool);
mathView.setShowAll(state.mathAll);
document.body.dataset.tab = state.tab;

function save(next: PanelState): void {
  state = next;
  host.setState(state);
  describeDisplay();
}

/** The folded display options' one line: what they are set to now. */
function describeDisplay(): void {
  const parts = [
    state.direction === 'to' ? l10n.t('attends to') : l10n.t('attended by'),
    ...(state.threshold > 0 ? [`≥ ${state.threshold.toFixed(2)}`] : []),
    ...(state.hideFirst ? [l10n.t('no first token')] : []),
    ...(state.hideSpecial ? [l10n.t('no specials')] : []),
    state.color === 'sqrt' ? l10n.t('√ scale') : state.color === 'linear' ? l10n.t('linear') : l10n.t('per-row max'),
  ];
  displaySummary.textContent = l10n.t('Display: {0}', parts.join(' · '));
}

function pick(selection: Selection): void {
  save({ ...state, layer: selection.layer, head: selection.head });
  // A head picked by hand: the note about an automatic choice no longer applies.
  headNote.textContent = '';
  if (result) controls.setShape(result.layers, result.heads, state);
  if (selection.head !== 'rollout') host.post({ type: MessageType.HeadPicked, layer: selection.layer, head: selection.head });
  modelView.select(state.layer, state.head);
  requestMatrix();
  if (state.tab === 'math') requestMath();
}

function showTab(): void {
  document.body.dataset.tab = state.tab;
  showHint();
  if (state.tab === 'model' && result && thumbsFor !== thumbKey()) requestThumbnails();
  if (state.tab === 'math') requestMath();
}

function requestMatrix(): void {
  if (!result) return;
  const { runId } = result;
  matrixAsked = performance.now();
  document.body.dataset.matrixFrom = 'request';
  // The request id, for tests that answer in the host's place.
  const sent = (requestId: number) => void (document.body.dataset.matrixRequest = String(requestId));
  const reply =
    state.head === 'rollout'
      ? host.request('matrix', (requestId) => ({ type: MessageType.RequestRollout, requestId, runId, layer: state.layer, exact: false }), sent)
      : host.request('matrix', (requestId) => ({ type: MessageType.RequestMatrix, requestId, runId, selector: hostSelector(state), exact: false }), sent);
  void reply.then((message) => message && onMatrix(message));
}

function thumbKey(): string {
  return `${result?.runId}:${state.pool}:${state.hideFirst}:${state.hideSpecial}`;
}

function requestThumbnails(): void {
  if (!result) return;
  const { runId } = result;
  modelView.clear();
  thumbsFor = thumbKey();
  const sinks = { first: state.hideFirst, special: state.hideSpecial };
  void host
    .request('thumbnails', (requestId) => ({ type: MessageType.RequestThumbnails, requestId, runId, side: THUMB_SIDE, pool: state.pool, sinks }))
    .then((message) => message && onThumbnails(message));
}

function mathQuery(): number {
  return state.pinned ?? state.span?.start ?? Math.max(0, (result?.tokens.length ?? 1) - 1);
}

function requestMath(): void {
  if (!result) return;
  if (typeof state.head !== 'number') {
    host.supersede('math');
    mathView.message('The math view shows one head: pick a head number (not an aggregate) in the Head control, or click a thumbnail in the Model view.');
    return;
  }
  const { runId } = result;
  const { layer, head } = state;
  const query = mathQuery();
  mathView.setQuery(query);
  void host
    .request('math', (requestId) => ({ type: MessageType.RequestQueryMath, requestId, runId, layer, head, query }))
    .then((message) => message && onMath(message));
}

/** The drawn matrix: sink columns hidden (rows renormalised) when the user asked. */
function deriveMatrix(): void {
  if (!result || !rawMatrix) return;
  const hidden = sinkColumns(result.tokens, { first: state.hideFirst, special: state.hideSpecial });
  matrix = hidden.length > 0 ? hideColumns(rawMatrix, result.tokens.length, hidden) : rawMatrix;
  const ms = heatmap.draw(matrix, result.tokens.length, result.tokens, { mode: state.color, threshold: state.threshold });
  document.body.dataset.drawMs = ms.toFixed(2);
}

function focusIndices(): number[] | undefined {
  if (hovered !== undefined) return [hovered];
  if (state.span) return Array.from({ length: state.span.end - state.span.start + 1 }, (_, i) => state.span!.start + i);
  return state.pinned !== undefined ? [state.pinned] : undefined;
}

/**
 * The token shaded when the user has focused none: the last token with visible text (not a
 * special token, not only white space), which sees the whole text in a causal model, so the first
 * screen already shows attention. Undefined when there is no such token.
 */
function defaultFocus(): number[] | undefined {
  const tokens = result?.tokens ?? [];
  for (let i = tokens.length - 1; i >= 0; i--) if (!tokens[i].special && tokens[i].text.trim() !== '') return [i];
  return undefined;
}

function shade(): void {
  const chosen = focusIndices();
  heatmap.markRow(chosen?.length === 1 ? chosen[0] : undefined);
  showPinned();
  const focus = chosen ?? defaultFocus();
  if (!result || !matrix || !focus) {
    shaded = undefined;
    tokenView.shade(undefined, undefined);
    return;
  }
  const { runId } = result;
  const size = result.tokens.length;
  const description = `${focusName(focus)} (${headName()}); strongest:`;
  const query: WeightsQuery = { selector: hostSelector(state), rollout: state.head === 'rollout', indices: focus, direction: state.direction, mode: state.spanMode, sinks: sinks() };
  const cached = exactWeights.peek(runId, query);
  // Colours at once from the compact matrix; the numbers once the exact weights are in.
  const weights = cached ?? focusWeights(matrix, size, focus, state.direction, state.spanMode);
  const current = { weights, focus, query, exact: cached !== undefined };
  shaded = current;
  tokenView.shade(weights, { description, focus, threshold: state.threshold, exact: current.exact });
  if (current.exact) return;
  void exactWeights.read('weights', runId, size, query).then((exact) => {
    if (!exact || shaded !== current) return;
    shaded = { ...current, weights: exact, exact: true };
    tokenView.shade(exact, { description, focus, threshold: state.threshold, exact: true });
  });
}

/** The sink keys hidden from the drawn matrix (and so from every weight read from it). */
function sinks(): WeightsQuery['sinks'] {
  return { first: state.hideFirst, special: state.hideSpecial };
}

/** The pinned token or span, in the token view (selected, active) and the matrix (pinned row). */
function showPinned(): void {
  const span = state.span;
  const selected = span ? Array.from({ length: span.end - span.start + 1 }, (_, i) => span.start + i) : state.pinned !== undefined ? [state.pinned] : [];
  // The keyboard's place: the moving end of a span, else the pinned token.
  const active = span ? (span.start === state.pinned ? span.end : span.start) : state.pinned;
  tokenView.setSelection(active, selected, scrollToActive);
  scrollToActive = false;
  const row = state.pinned ?? span?.start;
  heatmap.setPinned(row, row === undefined ? undefined : `#${row} "${escapedText(result?.tokens[row]?.text ?? '')}"`);
}

/**
 * Escape steps back one level at a time: the pinned token, then the span, then the matrix zoom.
 * Returns whether there was anything to clear.
 */
function clearOneLevel(): boolean {
  if (state.pinned !== undefined) save({ ...state, pinned: undefined });
  else if (state.span) save({ ...state, span: undefined });
  else if (state.zoom.scale !== FIT.scale || state.zoom.x !== FIT.x || state.zoom.y !== FIT.y) {
    heatmap.setZoom(FIT, true);
    return true;
  } else return false;
  hovered = undefined;
  shade();
  if (state.tab === 'math') requestMath();
  return true;
}

document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  if (clearOneLevel()) e.preventDefault();
});

/** "#3 "foo" attends to", or the span's first and last tokens. */
function focusName(focus: readonly number[]): string {
  const what = state.direction === 'to' ? 'attends to' : 'is attended by';
  const name = (i: number) => `#${i} "${escapedText(result?.tokens[i]?.text ?? '')}"`;
  const who = focus.length === 1 ? name(focus[0]) : `span ${name(focus[0])} … ${name(focus[focus.length - 1])} (${focus.length} tokens, ${state.spanMode})`;
  return `${who} ${what}`;
}

function headName(): string {
  return state.head === 'rollout' ? `rollout to layer ${state.layer}` : `layer ${state.layer}, ${typeof state.head === 'number' ? `head ${state.head}` : `${state.head} of heads`}`;
}

/**
 * The current view's figure from the exact float32 weights (the drawn matrix is compact): the
 * tokens' shading as the host computes it, or the matrix asked for in float32. Undefined when the
 * run changed meanwhile.
 */
async function exactFigure(current: ResultSummary): Promise<string | undefined> {
  const size = current.tokens.length;
  if (state.tab === 'tokens') {
    const drawn = shaded;
    const weights = drawn && (drawn.exact ? drawn.weights : await exactWeights.read('export', current.runId, size, drawn.query));
    if (drawn && !weights) return undefined;
    return figureSvg(current, undefined, drawn && weights && { weights, focus: drawn.focus });
  }
  const { runId } = current;
  const reply =
    state.head === 'rollout'
      ? await host.request('export', (requestId) => ({ type: MessageType.RequestRollout, requestId, runId, layer: state.layer, exact: true }))
      : await host.request('export', (requestId) => ({ type: MessageType.RequestMatrix, requestId, runId, selector: hostSelector(state), exact: true }));
  const exact = reply && reply.runId === runId ? matrixFromMessage(reply) : undefined;
  if (!exact || result !== current) return undefined;
  const hidden = sinkColumns(current.tokens, sinks());
  return figureSvg(current, hidden.length > 0 ? hideColumns(exact, size, hidden) : exact, undefined);
}

/** The SVG of the current view: the tokens view as shaded, otherwise the matrix. */
function figureSvg(current: ResultSummary, drawn: Float32Array | undefined, shading: { weights: Float32Array; focus: number[] } | undefined): string {
  const title = `${current.source} · ${current.modelName} · ${headName()}`;
  if (state.tab === 'tokens') {
    return tokensSvg({
      title: shading ? `${title} · ${focusName(shading.focus)}` : title,
      lines: layoutTokens(current.text, current.tokens),
      weights: shading?.weights,
      focus: shading?.focus ?? [],
      threshold: state.threshold,
    });
  }
  const labels = current.tokens.map((token) => chipLabel(current.text, token));
  return matrixSvg({ title, labels, matrix: drawn ?? new Float32Array(current.tokens.length ** 2), size: current.tokens.length, mode: state.color, threshold: state.threshold });
}

/** The usage hint of the shown view; views that carry their own (matrix, model, math) get none here. */
function showHint(): void {
  if (status.dataset.state !== 'idle' || !result) return;
  status.textContent =
    state.tab === 'tokens' ? l10n.t('Hover a token to see what it attends to; click to pin it; shift-click for a span; double-click to reveal it in the editor.') : '';
}

async function exportView(format: ExportFormat): Promise<void> {
  if (!result || !matrix) return;
  const head = state.head === 'rollout' ? 'rollout' : typeof state.head === 'number' ? `H${state.head}` : state.head;
  const name = `attention-${result.source.replace(/[^\w.-]+/g, '_')}-L${state.layer}${head}${format === 'json' ? '' : '-' + (state.tab === 'tokens' ? 'tokens' : 'matrix')}`;
  try {
    const figure = format === 'json' ? undefined : await exactFigure(result);
    if (figure === undefined && format !== 'json') return;
    const data = format === 'json' || figure === undefined ? undefined : format === 'svg' ? figure : await svgToPng(figure, 2);
    host.post({ type: MessageType.SaveExport, runId: result.runId, format, name, data });
    document.body.dataset.exported = format;
  } catch (error) {
    status.textContent = `Export failed: ${error instanceof Error ? error.message : String(error)}`;
    status.dataset.state = 'error';
  }
}

function showResult(next: ResultSummary, pushed?: ShowResultMessage['matrix']): void {
  result = next;
  headNote.textContent = '';
  rawMatrix = undefined;
  matrix = undefined;
  thumbsFor = undefined;
  save(fitState(state, next.layers, next.heads, next.tokens.length));
  controls.setShape(next.layers, next.heads, state);
  tokenView.render(next.text, next.tokens, firstLineOf(next.source));
  mathView.setTokens(next.tokens);
  heatmap.setZoom(state.zoom);
  const t = next.timings;
  summaryLine.textContent = `${next.source} · ${next.tokens.length} tokens${next.truncated ? ' (token limit)' : ''} · ${next.modelName}${next.found ? ` (${next.found})` : ''} · ${next.backend}`;
  // Stage timings are for developers: a tooltip here, and the Attention Lens log.
  summaryLine.title =
    (t.load > 0 ? `model load ${t.load.toFixed(0)} ms · ` : '') +
    `tokenize ${t.tokenize.toFixed(0)} ms · inference ${t.inference.toFixed(0)} ms · transfer ${t.transfer.toFixed(0)} ms · total ${t.total.toFixed(0)} ms`;
  banners.setCut(next.cut ? `${cutMessage(next.cut)} Select a later span to see the rest.` : next.truncated ? `Analysed the first ${next.tokens.length} tokens only (the token limit): ${next.source}.` : undefined);
  banners.setStale(false, false);
  exportBar.setEnabled(false);
  status.dataset.state = 'idle';
  showHint();
  // Paint the matrix that came with the result when it is the one this panel shows.
  const wanted = hostSelector(state);
  if (pushed && state.head !== 'rollout' && pushed.selector.layer === wanted.layer && pushed.selector.head === wanted.head) {
    host.supersede('matrix');
    matrixAsked = performance.now();
    // Where the matrix came from, for tests: with the result, no request round trip.
    document.body.dataset.matrixFrom = 'result';
    onMatrix({ type: MessageType.ShowMatrix, requestId: 0, runId: next.runId, selector: pushed.selector, size: next.tokens.length, data: pushed.data, encoding: pushed.encoding });
  } else {
    requestMatrix();
  }
  showTab();
}

function onMatrix(message: ShowMatrixMessage): void {
  // Drop replies for a run no longer shown (the channel already dropped replaced requests).
  if (!result || message.runId !== result.runId) return;
  const next = matrixFromMessage(message);
  if (!next || message.size !== result.tokens.length) return;
  rawMatrix = next;
  // How it crossed (sqrt16 for drawing), for tests.
  document.body.dataset.matrixEncoding = message.encoding;
  deriveMatrix();
  exportBar.setEnabled(true);
  heatmap.setZoom(state.zoom);
  shade();
  host.painted(result.runId, matrixAsked);
}

function onThumbnails(message: ShowThumbnailsMessage): void {
  if (!result || message.runId !== result.runId) return;
  const cells = message.layers * message.heads;
  const data = floatsFromBuffer(message.data, cells * message.side * message.side);
  const scores = floatsFromBuffer(message.scores, cells * HEAD_SCORE_NAMES.length);
  if (!data || !scores) return;
  modelView.show({ layers: message.layers, heads: message.heads, side: message.side, data, scores }, result.tokens.length);
  modelView.select(state.layer, state.head);
  document.body.dataset.thumbsRun = String(result.runId);
}

function onMath(message: ShowQueryMathMessage): void {
  if (!result || message.runId !== result.runId) return;
  mathView.show(message);
  document.body.dataset.mathRun = String(result.runId);
}

function onMessage(message: HostMessage): void {
  switch (message.type) {
    case MessageType.ShowResult:
      showResult(message.result, message.matrix);
      break;
    case MessageType.ShowHead: {
      // Another view (or a setting) changed the shared layer/head: follow it.
      if (message.selector.layer === state.layer && message.selector.head === state.head) return;
      if (state.head === 'rollout' && message.selector.layer === state.layer) return;
      save({ ...state, layer: message.selector.layer, head: message.selector.head });
      headNote.textContent = message.note ?? '';
      if (result) {
        save(fitState(state, result.layers, result.heads, result.tokens.length));
        controls.setShape(result.layers, result.heads, state);
        modelView.select(state.layer, state.head);
        requestMatrix();
        if (state.tab === 'math') requestMath();
      }
      break;
    }
    case MessageType.FocusToken:
      if (result && message.runId === result.runId) {
        save({ ...state, pinned: message.index, span: undefined });
        shade();
        if (state.tab === 'math' && message.index !== undefined) requestMath();
      }
      break;
    case MessageType.ShowStatus:
      status.textContent = message.message;
      status.dataset.state = message.state;
      if (message.state !== 'running') banners.rerunEnded();
      break;
    case MessageType.RequestExport:
      if (result && matrix) void exportView(message.format);
      else {
        status.textContent = 'Nothing to export yet: run "Show Attention" first.';
        status.dataset.state = 'idle';
      }
      break;
    case MessageType.ShowRunState:
      if (result && message.runId === result.runId) banners.setStale(message.stale, message.closed);
      break;
    case MessageType.RunOnWebGpu:
      void runOnWebGpu(message).then((reply) => host.post(reply));
      break;
  }
}

// A panel restored after a reload brings its layer/head back to the host, whose shared selection
// started afresh; a new panel follows the host's.
if (host.getState() !== undefined) {
  const restored = hostSelector(state);
  host.post({ type: MessageType.HeadPicked, layer: restored.layer, head: restored.head });
}
host.post({ type: MessageType.Ready });
